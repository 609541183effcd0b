// The token proves something about this core only: it is not Send.
use percore::exception_free;

fn main() {
    exception_free(|token| {
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let _moved = token;
            });
        });
    });
}
