//! Host tests of percore's portable logic, with threads as cores (the `host-test` backend).

use std::cell::{Cell, RefCell};

use std::panic::{AssertUnwindSafe, catch_unwind};

use percore::host::{self, HostCores, run_on_cores};
use percore::{Cores, ExceptionFree, ExceptionLock, PerCore, exception_free};

const CORES: usize = 4;

#[test]
fn each_core_reaches_only_its_own_slot() {
    static SLOTS: PerCore<[ExceptionLock<Cell<usize>>; CORES], HostCores> =
        PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; CORES]);
    // Miri runs this too: keep it small there.
    let rounds = if cfg!(miri) { 20 } else { 10_000 };
    let seen = run_on_cores(CORES, |core| {
        for _ in 0..rounds {
            exception_free(|token| {
                let slot = SLOTS.borrow(token);
                slot.set(slot.get() + core + 1);
            });
        }
        exception_free(|token| SLOTS.get().get(token))
    });
    let expected: Vec<_> = (0..CORES).map(|core| rounds * (core + 1)).collect();
    assert_eq!(seen, expected);
}

#[test]
fn sections_nest_and_restore_the_previous_state() {
    assert!(!host::is_masked());
    exception_free(|_| {
        assert!(host::is_masked());
        exception_free(|_| assert!(host::is_masked()));
        // The inner section did not unmask what the outer one masked.
        assert!(host::is_masked());
    });
    assert!(!host::is_masked());
}

#[test]
fn state_is_restored_when_the_closure_panics() {
    let result = catch_unwind(|| exception_free(|_| panic!("boom")));
    assert!(result.is_err());
    assert!(!host::is_masked());
    // Also from a nested section: the outer one stays masked.
    exception_free(|_| {
        let inner = catch_unwind(|| exception_free(|_| panic!("inner boom")));
        assert!(inner.is_err());
        assert!(host::is_masked());
    });
    assert!(!host::is_masked());
}

#[test]
fn interrupts_wait_for_the_outermost_section() {
    thread_local! {
        static HITS: Cell<u32> = const { Cell::new(0) };
    }
    host::interrupt(|| HITS.set(HITS.get() + 1));
    assert_eq!(HITS.get(), 1, "unmasked: the handler runs at once");
    exception_free(|_| {
        host::interrupt(|| HITS.set(HITS.get() + 1));
        exception_free(|_| host::interrupt(|| HITS.set(HITS.get() + 1)));
        assert_eq!(
            HITS.get(),
            1,
            "masked: held pending, also after the inner section"
        );
        assert_eq!(host::pending_interrupts(), 2);
    });
    assert_eq!(HITS.get(), 3);
    assert_eq!(host::pending_interrupts(), 0);
}

#[test]
fn masked_update_survives_an_interrupt_and_unmasked_loses_it() {
    // The bug class percore exists for, shown on the host: a read-modify-write interrupted by a
    // handler that touches the same value.
    thread_local! {
        static VALUE: ExceptionLock<Cell<u32>> = const { ExceptionLock::new(Cell::new(0)) };
    }
    fn handler() {
        // SAFETY: simulated handlers run with the thread masked.
        let token = unsafe { ExceptionFree::new() };
        VALUE.with(|v| v.set(token, v.get(token) + 10));
    }
    fn update(token: ExceptionFree<'_>) {
        VALUE.with(|v| {
            let before = v.get(token);
            host::interrupt(handler);
            v.set(token, before + 1);
        });
    }
    exception_free(update);
    assert_eq!(VALUE.with(|v| v.take(unsafe_token())), 11);
    // The same update with a forged token and no masking loses the handler's increment.
    update(unsafe_token());
    assert_eq!(VALUE.with(|v| v.take(unsafe_token())), 1);

    fn unsafe_token() -> ExceptionFree<'static> {
        // SAFETY: test-only: used on this thread while no simulated handler is running.
        unsafe { ExceptionFree::new() }
    }
}

#[test]
fn core_index_out_of_range_names_index_and_count() {
    let small: PerCore<[ExceptionLock<u8>; 2], HostCores> =
        PerCore::new([const { ExceptionLock::new(0) }; 2]);
    let messages = run_on_cores(3, |_| {
        catch_unwind(AssertUnwindSafe(|| {
            exception_free(|token| *small.borrow(token))
        }))
        .err()
        .map(|panic| *panic.downcast::<String>().unwrap())
    });
    assert_eq!(messages[0], None);
    assert_eq!(messages[1], None);
    let message = messages[2].as_deref().unwrap();
    assert!(
        message.starts_with("core index 2 is out of range: this PerCore holds values for 2 cores"),
        "{message}"
    );
}

#[test]
fn host_cores_refuses_threads_that_are_not_cores() {
    let panic = catch_unwind(HostCores::core_index).unwrap_err();
    let message = panic.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("not a simulated core"), "{message}");
}

#[test]
fn machines_do_not_nest() {
    let result = catch_unwind(|| run_on_cores(1, |_| run_on_cores(1, |_| ())));
    assert!(result.is_err());
}

#[test]
fn double_borrow_is_a_clear_panic() {
    let lock = ExceptionLock::new(RefCell::new(5));
    exception_free(|token| {
        let _first = lock.borrow_mut(token);
        assert!(lock.try_borrow_mut(token).is_err());
        let second = catch_unwind(AssertUnwindSafe(|| {
            let _second = lock.borrow_mut(token);
        }));
        assert!(second.is_err());
    });
}

#[test]
fn lock_offers_the_critical_section_mutex_vocabulary() {
    let mut lock = ExceptionLock::new(RefCell::new(vec![1]));
    exception_free(|token| {
        assert_eq!(lock.replace(token, vec![2]), [1]);
        assert_eq!(
            lock.replace_with(token, |v| v.iter().map(|x| x * 10).collect()),
            [2]
        );
        assert_eq!(*lock.borrow_ref(token), [20]);
        lock.borrow_ref_mut(token).push(30);
        assert_eq!(lock.take(token), [20, 30]);
        assert!(lock.borrow_ref(token).is_empty());
    });
    lock.get_mut().get_mut().push(7);
    assert_eq!(lock.into_inner().into_inner(), [7]);

    let cell = ExceptionLock::new(Cell::new(3u8));
    exception_free(|token| {
        assert_eq!(cell.get(token), 3);
        cell.set(token, 4);
        assert_eq!(cell.replace(token, 5), 4);
        assert_eq!(cell.take(token), 5);
        assert_eq!(cell.get(token), 0);
    });
}

#[test]
fn per_core_array_api() {
    let values: PerCore<[u32; CORES], HostCores> = PerCore::default();
    assert_eq!(values.core_count(), CORES);
    // `get_mut` needs `&mut`: hand the value to core 1 through a mutex.
    let values = std::sync::Mutex::new(values);
    run_on_cores(2, |core| {
        if core == 1 {
            *values.lock().unwrap().get_mut() += 9;
        }
    });
    assert_eq!(values.into_inner().unwrap().into_inner(), [0, 9, 0, 0]);
}

#[test]
fn per_core_boxed_api() {
    type Logs = PerCore<Box<[ExceptionLock<RefCell<Vec<usize>>>]>, HostCores>;
    let boxed = Logs::new_with_default(CORES);
    let lengths = run_on_cores(CORES, |core| {
        for i in 0..=core {
            exception_free(|token| boxed.borrow_mut(token).push(i));
        }
        exception_free(|token| boxed.borrow(token).borrow().len())
    });
    assert_eq!(lengths, [1, 2, 3, 4]);
    let boxed = std::sync::Mutex::new(boxed);
    let last = run_on_cores(1, |_| {
        std::mem::take(boxed.lock().unwrap().get_mut().get_mut().get_mut())
    });
    assert_eq!(last[0], [0]);
}
