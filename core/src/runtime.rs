//! The one tokio runtime the bindings run the core on. Built lazily, and again in a child process
//! after fork() (the parent's worker threads do not exist there; the old runtime is leaked, since
//! dropping it would wait for them).

use std::future::Future;
use std::sync::Mutex;

use tokio::runtime::{Builder, Handle, Runtime};

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The runtime of this process.
pub fn runtime() -> &'static Runtime {
    let mut g = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    let pid = std::process::id();
    match *g {
        Some((p, rt)) if p == pid => rt,
        _ => {
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
            *g = Some((pid, rt));
            rt
        }
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
