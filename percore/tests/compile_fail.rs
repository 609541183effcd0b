//! Compile-fail tests: each soundness promise of the API, shown by code that must not compile.

#[cfg(not(miri))]
#[test]
fn soundness_promises_hold_at_compile_time() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/fail_*.rs");
    cases.pass("tests/compile_fail/pass_*.rs");
}
