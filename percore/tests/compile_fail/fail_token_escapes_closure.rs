// The token proves exceptions are masked only inside the closure: it must not get out.
use percore::exception_free;

fn main() {
    let token = exception_free(|token| token);
    let _ = token;
}
