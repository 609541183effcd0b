// The token is not Sync either: another thread cannot use it through a reference.
use percore::exception_free;

fn main() {
    exception_free(|token| {
        let token = &token;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let _copied = *token;
            });
        });
    });
}
