//! The one tokio runtime the bindings run the core on. Built lazily, and again in a child process
//! after fork() (the parent's worker threads do not exist there; the old runtime is leaked, since
//! dropping it would wait for them).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use arc_swap::{ArcSwap, ArcSwapOption};

use futures_util::FutureExt;

use crate::error::{Error, Result};

use tokio::runtime::{Builder, Handle, Runtime};

/// The runtime and the process it was built in. Read without a lock (a lock held by another
/// thread at fork() would stay held for ever in the child).
static RUNTIME: ArcSwapOption<(u32, &'static Runtime)> = ArcSwapOption::const_empty();

/// The runtime of this process.
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    loop {
        let cur = RUNTIME.load_full();
        if let Some(r) = cur.as_ref()
            && r.0 == pid
        {
            return r.1;
        }
        let rt = Builder::new_multi_thread()
            .enable_all()
            .thread_name("imcloud")
            .worker_threads(
                std::thread::available_parallelism()
                    .map(|n| n.get().clamp(2, 8))
                    .unwrap_or(2),
            )
            .build()
            .expect("the imcloud runtime starts");
        let rt: &'static Runtime = Box::leak(Box::new(rt));
        let prev = RUNTIME.compare_and_swap(&cur, Some(Arc::new((pid, rt))));
        let installed = match (prev.as_ref(), cur.as_ref()) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        if installed {
            return rt;
        }
        // another thread of this process installed one first (a rare race): ours is left idle
        // and the next turn returns theirs
    }
}

/// A value that belongs to one process. A child of fork() gets a fresh one, made without
/// touching (let alone locking) what the parent's other threads may have held at the fork: the
/// HTTP client, host health, the token cache. Reads take no lock.
pub(crate) struct PerProcess<T> {
    cell: ArcSwap<(u32, Arc<T>)>,
    make: Box<dyn Fn() -> T + Send + Sync>,
}

impl<T> PerProcess<T> {
    pub(crate) fn new(make: impl Fn() -> T + Send + Sync + 'static) -> Self {
        let first = Arc::new(make());
        PerProcess {
            cell: ArcSwap::from_pointee((std::process::id(), first)),
            make: Box::new(make),
        }
    }

    /// This process's value.
    pub(crate) fn get(&self) -> Arc<T> {
        let pid = std::process::id();
        loop {
            let cur = self.cell.load_full();
            if cur.0 == pid {
                return cur.1.clone();
            }
            let fresh = Arc::new((pid, Arc::new((self.make)())));
            let prev = self.cell.compare_and_swap(&cur, fresh);
            if Arc::ptr_eq(&*prev, &cur) {
                continue; // installed; the next turn returns it
            }
        }
    }

    /// Replace this process's value `current` (e.g. a client rebuilt for its age). If another
    /// thread replaced it first, theirs stays; either way the value now in place is returned.
    pub(crate) fn replace(&self, current: &Arc<T>, with: T) -> Arc<T> {
        let pid = std::process::id();
        let cur = self.cell.load_full();
        if !Arc::ptr_eq(&cur.1, current) {
            return self.get();
        }
        self.cell
            .compare_and_swap(&cur, Arc::new((pid, Arc::new(with))));
        self.get()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for PerProcess<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The current tokio handle if called inside a runtime, else the imcloud runtime's.
pub fn handle() -> Handle {
    Handle::try_current().unwrap_or_else(|_| runtime().handle().clone())
}

/// Run a future to completion from synchronous code (not from inside a runtime).
pub fn block_on<F: Future>(f: F) -> F::Output {
    runtime().block_on(f)
}

/// Run a future on the imcloud runtime. Dropping the returned future aborts the task, so a
/// cancelled caller (asyncio, a coroutine) cancels the request.
pub fn spawn<F>(f: F) -> impl Future<Output = F::Output> + Send + 'static
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let guard = AbortOnDrop(runtime().spawn(f));
    async move {
        let mut guard = guard;
        match (&mut guard.0).await {
            Ok(v) => v,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => unreachable!("the task is only aborted when this future is dropped"),
        }
    }
}

/// `fut`, with a panic inside it turned into an [`ErrorKind::Internal`](crate::ErrorKind::Internal)
/// error. Every binding wraps each call in this (or [`guard_sync`]) so that no panic ever crosses
/// an FFI boundary and every awaitable, Promise or coroutine completes.
pub fn guarded<T, F>(fut: F) -> impl Future<Output = Result<T>> + Send
where
    F: Future<Output = Result<T>> + Send,
{
    AssertUnwindSafe(fut)
        .catch_unwind()
        .map(|r| r.unwrap_or_else(|p| Err(Error::from_panic(&*p))))
}

/// `f()`, with a panic turned into an internal error (see [`guarded`]).
pub fn guard_sync<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Error::from_panic(&*p)))
}

/// Panics, on purpose: the bindings' tests call it through their ordinary call path to show that
/// a panic reaches the caller as an internal error (sync, async, and from the runtime's threads).
#[doc(hidden)]
pub async fn panic_for_tests(message: String) -> Result<()> {
    tokio::task::yield_now().await;
    panic!("{message}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn panics_become_internal_errors() {
        let e = block_on(guarded(panic_for_tests("boom".into()))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Internal);
        assert!(e.detail().contains("boom"), "{e}");
        let e = block_on(spawn(guarded(panic_for_tests("on a worker".into())))).unwrap_err();
        assert!(e.detail().contains("on a worker"), "{e}");
        let e = guard_sync::<()>(|| panic!("sync {}", 1)).unwrap_err();
        assert_eq!(
            (e.kind(), e.detail().contains("sync 1")),
            (ErrorKind::Internal, true)
        );
        assert_eq!(guard_sync(|| Ok(3)).unwrap(), 3);
    }
}
