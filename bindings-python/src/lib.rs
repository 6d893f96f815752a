//! `imcloud._native`: the Python face of the Rust core. Conversions only — JSON text in and out,
//! Python exceptions from `imcloud::Error`, Python file objects as byte streams. Everything about
//! the APIs (validation, signing, tokens, failover) happens in the core.

use std::future::Future;
use std::io;

use bytes::Bytes;
use imcloud::{Easemob, EasemobConfig, FileSink, FileSource, RongCloud, RongCloudConfig};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use serde_json::Value;
use tokio::io::AsyncReadExt;

static ERROR_FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The typed Python exception for a core error (`imcloud.errors`), built from its record.
fn to_py_err(py: Python<'_>, e: imcloud::Error) -> PyErr {
    let r = e.record();
    let made = ERROR_FACTORY
        .get_or_try_init(py, || {
            py.import("imcloud.errors")?
                .getattr("_from_native")
                .map(Bound::unbind)
        })
        .and_then(|f| {
            let kw = PyDict::new(py);
            kw.set_item("kind", r.kind)?;
            kw.set_item("class_name", r.class_name)?;
            kw.set_item("message", r.message)?;
            kw.set_item("detail", r.detail)?;
            kw.set_item("operation", r.operation)?;
            kw.set_item("param", r.param)?;
            kw.set_item("http_status", r.http_status)?;
            kw.set_item("api_code", r.api_code)?;
            kw.set_item("request_id", r.request_id)?;
            kw.set_item("host", r.host)?;
            kw.set_item("retryable", r.retryable)?;
            kw.set_item("retry_after", r.retry_after_secs)?;
            f.call(py, (), Some(&kw))
        });
    match made {
        Ok(exc) => PyErr::from_value(exc.into_bound(py)),
        Err(err) => err,
    }
}

/// The JSON text the Python half sends (config, arguments): it made it, so a failure here is a
/// value that cannot travel as JSON (a number beyond 64-bit range, say), named as bad input.
fn parse_json(py: Python<'_>, what: &str, s: &str) -> PyResult<Value> {
    serde_json::from_str(s).map_err(|e| {
        to_py_err(
            py,
            imcloud::Error::invalid_argument(what, format!("cannot be passed on as JSON ({e})")),
        )
    })
}

/// Run a synchronous call into the core: a panic in it becomes the typed `InternalError`.
fn sync<T>(py: Python<'_>, f: impl FnOnce() -> imcloud::Result<T>) -> PyResult<T> {
    imcloud::runtime::guard_sync(f).map_err(|e| to_py_err(py, e))
}

/// Run a core future to completion with the GIL released. Every 100 ms it looks for pending
/// signals, so Ctrl-C in the main thread interrupts the wait (the request is cancelled with it).
/// A panic in the future (or in the runtime) becomes the typed `InternalError`.
fn block<T: Send>(
    py: Python<'_>,
    fut: impl Future<Output = imcloud::Result<T>> + Send,
) -> PyResult<T> {
    let mut fut = std::pin::pin!(imcloud::runtime::guarded(fut));
    loop {
        let slice = py.detach(|| {
            imcloud::runtime::guard_sync(|| {
                Ok(imcloud::runtime::block_on(async {
                    tokio::time::timeout(std::time::Duration::from_millis(100), &mut fut).await
                }))
            })
        });
        match slice {
            Ok(Ok(out)) => return out.map_err(|e| to_py_err(py, e)),
            Ok(Err(_elapsed)) => py.check_signals()?,
            Err(e) => return Err(to_py_err(py, e)),
        }
    }
}

/// Our own threads (the runtime's blocking pool completing calls, the file-object pumps) enter
/// the interpreter only through [`gate::attach`]. At interpreter exit an `atexit` hook (run with
/// the GIL, before finalization) closes the gate: no thread of ours enters again, and the hook
/// waits, the GIL released, for those inside to leave. A thread of ours taking or releasing the
/// GIL while the interpreter finalizes aborts the process ("PyGILState_Release … finalizing").
mod gate {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::time::{Duration, Instant};

    use pyo3::prelude::*;

    static CLOSED: AtomicBool = AtomicBool::new(false);
    static INSIDE: AtomicUsize = AtomicUsize::new(0);

    /// `f` with the GIL, or `None` once the interpreter is exiting (then `f` never runs).
    pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
        struct Leave;
        impl Drop for Leave {
            fn drop(&mut self) {
                INSIDE.fetch_sub(1, SeqCst);
            }
        }
        INSIDE.fetch_add(1, SeqCst);
        let _leave = Leave;
        if CLOSED.load(SeqCst) {
            return None;
        }
        Python::try_attach(f)
    }

    /// The `atexit` hook: close the gate and wait (at most 5 s) for the threads inside to leave.
    #[pyfunction]
    pub(crate) fn _close_gate(py: Python<'_>) {
        CLOSED.store(true, SeqCst);
        py.detach(|| {
            let deadline = Instant::now() + Duration::from_secs(5);
            while INSIDE.load(SeqCst) > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
}

/// A call running on the core's runtime; `cancel()` aborts it (and its request).
#[pyclass(frozen, module = "imcloud._native")]
struct Pending {
    abort: tokio::task::AbortHandle,
}

#[pymethods]
impl Pending {
    fn cancel(&self) {
        self.abort.abort();
    }
}

/// Run a core future on the runtime and call `done(ok, value)` when it ends: `value` is the
/// converted result, or the exception. The callback runs on a blocking-pool thread, never on a
/// runtime worker, and not at all once the interpreter is shutting down.
///
/// `done` is called exactly once whatever happens: a panic in the future or in the conversion
/// arrives as the typed `InternalError`, a failing conversion as its exception, and if `done`
/// itself raises for the value it is called once more with that exception.
fn spawn<T, F, C>(fut: F, done: Py<PyAny>, convert: C) -> Pending
where
    T: Send + 'static,
    F: Future<Output = imcloud::Result<T>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let task = imcloud::runtime::runtime().spawn(async move {
        let out = imcloud::runtime::guarded(fut).await;
        let _ = tokio::task::spawn_blocking(move || {
            gate::attach(|py| {
                let converted = imcloud::runtime::guard_sync(|| Ok(out.map(|v| convert(py, v))))
                    .and_then(|r| r);
                let (ok, value) = match converted.map_err(|e| to_py_err(py, e)).and_then(|r| r) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                };
                if let Err(e) = done.call1(py, (ok, value)) {
                    let again = e.clone_ref(py).into_value(py).into_any();
                    if done.call1(py, (false, again)).is_err() {
                        e.write_unraisable(py, None);
                    }
                }
            })
        })
        .await;
    });
    Pending {
        abort: task.abort_handle(),
    }
}

/// A call's answer as JSON text: the body, the result, the declared fields as core normalised
/// them, the result with its secret fields redacted (`None` when nothing in it is secret, so the
/// result itself prints), then request id, host and HTTP status.
type Reply = (String, String, String, Option<String>, String, String, u16);

fn reply(r: imcloud::Response) -> Reply {
    let redacted = r.redacted_result();
    let redacted = (redacted != r.result).then(|| redacted.to_string());
    (
        r.body.to_string(),
        r.result.to_string(),
        r.fields.to_string(),
        redacted,
        r.request_id,
        r.host,
        r.http_status,
    )
}

fn reply_py(py: Python<'_>, r: imcloud::Response) -> PyResult<Py<PyAny>> {
    Ok(reply(r).into_pyobject(py)?.into_any().unbind())
}

type DownloadReply = (String, String, u16, u64, Option<String>);

fn download_reply(d: imcloud::Download) -> DownloadReply {
    (d.request_id, d.host, d.http_status, d.bytes, d.content_type)
}

// ------------------------------------------------------------------------------------------------
// Files: Python objects as streams, each pumped on a thread of its own.
// ------------------------------------------------------------------------------------------------

const CHUNK: usize = 64 * 1024;

/// Serialises the reads and seeks of one file object across attempts, so the pump of an abandoned
/// attempt cannot read while the next one rewinds. Always taken before the GIL.
type FileLock = std::sync::Arc<std::sync::Mutex<()>>;

/// Read a binary file object into a byte stream, from `start` if given (seeking there first).
fn py_reader(
    obj: std::sync::Arc<Py<PyAny>>,
    start: Option<u64>,
    lock: FileLock,
) -> impl tokio::io::AsyncRead + Send + Unpin + 'static {
    let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(4);
    std::thread::spawn(move || {
        if let Some(pos) = start {
            let _held = lock.lock().unwrap_or_else(|e| e.into_inner());
            let sought = gate::attach(|py| obj.call_method1(py, "seek", (pos,)).map(|_| ()))
                .unwrap_or_else(|| {
                    Err(PyRuntimeError::new_err("the interpreter is shutting down"))
                });
            if let Err(e) = sought {
                let _ = tx.blocking_send(Err(io::Error::other(format!(
                    "cannot rewind the file object: {e}"
                ))));
                return;
            }
        }
        loop {
            let _held = lock.lock().unwrap_or_else(|e| e.into_inner());
            let chunk = gate::attach(|py| -> Result<Vec<u8>, String> {
                let b = obj
                    .call_method1(py, "read", (CHUNK,))
                    .map_err(|e| e.to_string())?;
                let b = b.bind(py);
                if let Ok(bytes) = b.cast::<PyBytes>() {
                    Ok(bytes.as_bytes().to_vec())
                } else if let Ok(ba) = b.cast::<PyByteArray>() {
                    Ok(ba.to_vec())
                } else if b.is_none() {
                    Err("the file object's read() returned None (a non-blocking stream with no data ready); pass a blocking binary file object".into())
                } else {
                    Err(format!(
                        "the file object's read() must return bytes, not {}: open the file in binary mode ('rb')",
                        b.get_type()
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    ))
                }
            });
            let item = match chunk {
                None => Err(io::Error::other("the interpreter is shutting down")),
                Some(Err(m)) => Err(io::Error::other(m)),
                Some(Ok(v)) if v.is_empty() => break,
                Some(Ok(v)) => Ok(Bytes::from(v)),
            };
            let stop = item.is_err();
            if tx.blocking_send(item).is_err() || stop {
                break;
            }
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    tokio_util::io::StreamReader::new(Box::pin(stream))
}

/// The thread pumping a download into a Python file object; its error is the `write()` failure.
type WriterPump = std::thread::JoinHandle<Result<(), String>>;

/// Write a byte stream into a binary file object; the thread ends with the stream.
fn py_writer(obj: Py<PyAny>) -> (tokio::io::DuplexStream, WriterPump) {
    let (w, mut r) = tokio::io::duplex(4 * CHUNK);
    let handle = imcloud::runtime::runtime().handle().clone();
    let t = std::thread::spawn(move || {
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = handle
                .block_on(r.read(&mut buf))
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Ok(());
            }
            gate::attach(|py| {
                obj.call_method1(py, "write", (PyBytes::new(py, &buf[..n]),))
                    .map(|_| ())
            })
            .ok_or("the interpreter is shutting down")?
            .map_err(|e| format!("the file object's write() failed: {e}"))?;
        }
    });
    (w, t)
}

/// Where an upload comes from: a path (str), bytes, or a binary file object.
fn file_source(
    source: &Bound<'_, PyAny>,
    name: Option<String>,
    size: Option<u64>,
) -> PyResult<FileSource> {
    if let Ok(s) = source.cast::<PyString>() {
        // as a path (PathBuf): a name the OS gave with undecodable bytes still opens
        return Ok(FileSource::path(s.extract::<std::path::PathBuf>()?));
    }
    let name = name.unwrap_or_else(|| "file".into());
    if let Ok(b) = source.cast::<PyBytes>() {
        return Ok(FileSource::bytes(name, b.as_bytes().to_vec()));
    }
    if let Ok(b) = source.cast::<PyByteArray>() {
        return Ok(FileSource::bytes(name, b.to_vec()));
    }
    if source.hasattr("read")? {
        let lock = FileLock::default();
        let obj = std::sync::Arc::new(source.clone().unbind());
        // a seekable object is rewound for each attempt, so its upload can fail over; one whose
        // seekable() or tell() fails is read once, from where it is (its read() errors, if any,
        // then arrive as IoError)
        let seekable = source
            .call_method0("seekable")
            .and_then(|s| s.is_truthy())
            .unwrap_or(false);
        let start = if seekable {
            source
                .call_method0("tell")
                .and_then(|t| t.extract::<u64>())
                .ok()
        } else {
            None
        };
        return Ok(match start {
            Some(pos) => FileSource::reopen(name, size, move || {
                Ok(Box::new(py_reader(obj.clone(), Some(pos), lock.clone()))
                    as Box<dyn tokio::io::AsyncRead + Send + Unpin>)
            }),
            None => FileSource::reader(name, size, py_reader(obj, None, lock)),
        });
    }
    Err(PyTypeError::new_err(
        "file must be a path, bytes, or a binary file object",
    ))
}

/// Where a download goes: a path (str) or a binary file object (with the pump thread to join).
fn file_sink(sink: &Bound<'_, PyAny>) -> PyResult<(FileSink, Option<WriterPump>)> {
    if let Ok(s) = sink.cast::<PyString>() {
        return Ok((FileSink::path(s.extract::<std::path::PathBuf>()?), None));
    }
    if sink.hasattr("write")? {
        let (w, t) = py_writer(sink.clone().unbind());
        return Ok((FileSink::writer(w), Some(t)));
    }
    Err(PyTypeError::new_err(
        "destination must be a path or a binary file object",
    ))
}

/// The download, then the writer thread: a failing `write()` is reported as itself.
async fn download_to(
    client: Easemob,
    op: String,
    args: Value,
    sink: FileSink,
    pump: Option<WriterPump>,
) -> imcloud::Result<imcloud::Download> {
    let out = client.download(&op, args, sink).await;
    let pumped = match pump {
        Some(t) => tokio::task::spawn_blocking(move || {
            t.join()
                .unwrap_or_else(|_| Err("the writer thread panicked".into()))
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string())),
        None => Ok(()),
    };
    match (out, pumped) {
        (Err(e), Err(msg)) if e.kind() == imcloud::ErrorKind::Io => Err(e.with_detail(msg)),
        (Ok(_), Err(msg)) => Err(imcloud::Error::io(msg).with_operation_name(&op)),
        (out, _) => out,
    }
}

// ------------------------------------------------------------------------------------------------
// Clients
// ------------------------------------------------------------------------------------------------

/// A native client class: the methods every client has (construction from a settings map, hosts,
/// `call`, `call_async`), then the class's own methods.
macro_rules! client_class {
    ($(#[$doc:meta])* $name:ident, $core:ty, $config:ty, { $($extra:tt)* }) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "imcloud._native")]
        struct $name {
            inner: $core,
        }

        #[pymethods]
        impl $name {
            #[new]
            fn new(py: Python<'_>, config_json: &str) -> PyResult<Self> {
                let cfg = parse_json(py, "config", config_json)?;
                sync(py, || Ok($name { inner: <$core>::new(<$config>::from_json(&cfg)?)? }))
            }

            fn hosts(&self, py: Python<'_>) -> PyResult<Vec<String>> {
                sync(py, || Ok(self.inner.hosts()))
            }

            fn call(&self, py: Python<'_>, op: String, args_json: &str) -> PyResult<Reply> {
                let args = parse_json(py, "args", args_json)?;
                let c = self.inner.clone();
                block(py, async move { c.call(&op, args).await.map(reply) })
            }

            fn call_async(&self, py: Python<'_>, op: String, args_json: &str, done: Py<PyAny>) -> PyResult<Pending> {
                let args = parse_json(py, "args", args_json)?;
                let c = self.inner.clone();
                Ok(spawn(async move { c.call(&op, args).await }, done, reply_py))
            }

            /// The arguments (JSON) of the page after the one `args_json` asked for and `body_json`
            /// answered, or None after the last page (core's rule for paged lists).
            fn next_page(&self, py: Python<'_>, op: String, args_json: &str, body_json: &str) -> PyResult<Option<String>> {
                let args = parse_json(py, "args", args_json)?;
                let body = parse_json(py, "body", body_json)?;
                sync(py, || Ok(self.inner.next_page(&op, &args, &body)?.map(|v| v.to_string())))
            }

            /// A server callback's body read into its typed events: JSON text of
            /// `[{"kind", "fields", "raw"}]` (core's rule, from the declared kinds).
            #[pyo3(signature = (body, content_type=None))]
            fn parse_callback(&self, py: Python<'_>, body: Vec<u8>, content_type: Option<String>) -> PyResult<String> {
                sync(py, || {
                    let events = self.inner.parse_callback(&body, content_type.as_deref())?;
                    Ok(serde_json::Value::Array(events.iter().map(imcloud::Event::to_json).collect()).to_string())
                })
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                sync(py, || Ok(format!("{:?}", self.inner)))
            }

            $($extra)*
        }
    };
}

client_class!(
    /// RongCloud client (native half of `imcloud.RongCloud` / `imcloud.AsyncRongCloud`).
    RongCloudClient, RongCloud, RongCloudConfig, {
    #[pyo3(signature = (query, headers, window_secs, reject_replays=false))]
    fn verify_callback(
        &self,
        py: Python<'_>,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        window_secs: f64,
        reject_replays: bool,
    ) -> PyResult<()> {
        sync(py, || {
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner
                .verify_callback_with(&query, &headers, window, reject_replays)
        })
    }

});

client_class!(
    /// Easemob / Agora Chat client (native half of `imcloud.Easemob` and friends).
    EasemobClient, Easemob, EasemobConfig, {
    /// Verify a callback's `security` (md5 of callId + the callback rule's secret + timestamp).
    fn verify_callback(&self, py: Python<'_>, body: Vec<u8>, secret: String, window_secs: f64) -> PyResult<()> {
        sync(py, || {
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner.verify_callback(&body, &secret, window)
        })
    }

    #[pyo3(signature = (op, args_json, source, name=None, size=None))]
    fn upload(
        &self,
        py: Python<'_>,
        op: String,
        args_json: &str,
        source: &Bound<'_, PyAny>,
        name: Option<String>,
        size: Option<u64>,
    ) -> PyResult<Reply> {
        let args = parse_json(py, "args", args_json)?;
        let src = file_source(source, name, size)?;
        let c = self.inner.clone();
        block(py, async move { c.upload(&op, args, src).await.map(reply) })
    }

    #[pyo3(signature = (op, args_json, source, done, name=None, size=None))]
    fn upload_async(
        &self,
        op: String,
        args_json: &str,
        source: &Bound<'_, PyAny>,
        done: Py<PyAny>,
        name: Option<String>,
        size: Option<u64>,
    ) -> PyResult<Pending> {
        let args = parse_json(source.py(), "args", args_json)?;
        let src = file_source(source, name, size)?;
        let c = self.inner.clone();
        Ok(spawn(
            async move { c.upload(&op, args, src).await },
            done,
            reply_py,
        ))
    }

    fn download(
        &self,
        py: Python<'_>,
        op: String,
        args_json: &str,
        dest: &Bound<'_, PyAny>,
    ) -> PyResult<DownloadReply> {
        let args = parse_json(py, "args", args_json)?;
        let (sink, pump) = file_sink(dest)?;
        let c = self.inner.clone();
        block(py, async move {
            download_to(c, op, args, sink, pump)
                .await
                .map(download_reply)
        })
    }

    fn download_async(
        &self,
        op: String,
        args_json: &str,
        dest: &Bound<'_, PyAny>,
        done: Py<PyAny>,
    ) -> PyResult<Pending> {
        let args = parse_json(dest.py(), "args", args_json)?;
        let (sink, pump) = file_sink(dest)?;
        let c = self.inner.clone();
        Ok(spawn(
            download_to(c, op, args, sink, pump),
            done,
            |py, d| Ok(download_reply(d).into_pyobject(py)?.into_any().unbind()),
        ))
    }

    fn app_token(&self, py: Python<'_>) -> PyResult<String> {
        let c = self.inner.clone();
        block(py, async move {
            c.app_token().await.map(|s| s.expose().to_string())
        })
    }

    fn token_fetches(&self, py: Python<'_>) -> PyResult<u64> {
        sync(py, || Ok(self.inner.token_fetches()))
    }

    fn chat_user_token(&self, py: Python<'_>, user_uuid: &str, ttl: u32) -> PyResult<String> {
        sync(py, || {
            self.inner
                .chat_user_token(user_uuid, ttl)
                .map(|s| s.expose().to_string())
        })
    }

});

// ------------------------------------------------------------------------------------------------
// The emulator, for Python tests (only with the `testing` feature; without it `imcloud.testing`
// says how to get it)
// ------------------------------------------------------------------------------------------------

/// A running emulator (native half of `imcloud.testing.Emulator`): `imcloud_emulator::Handle`,
/// its blocking calls made with the GIL released, its errors converted like the clients'.
#[cfg(feature = "testing")]
#[pyclass(frozen, module = "imcloud._native")]
struct EmulatorHandle {
    h: imcloud_emulator::Handle,
}

/// Run a blocking emulator call with the GIL released, behind the panic guard.
#[cfg(feature = "testing")]
fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> imcloud::Result<T> + Send) -> PyResult<T> {
    py.detach(|| imcloud::runtime::guard_sync(f))
        .map_err(|e| to_py_err(py, e))
}

#[cfg(feature = "testing")]
#[pymethods]
impl EmulatorHandle {
    #[new]
    fn new(py: Python<'_>, config_json: &str) -> PyResult<Self> {
        let h = detached(py, || imcloud_emulator::Handle::start(config_json))?;
        Ok(EmulatorHandle { h })
    }

    fn hosts(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        sync(py, || Ok(self.h.hosts()))
    }

    fn admin_url(&self, py: Python<'_>) -> PyResult<String> {
        sync(py, || Ok(self.h.admin_url()))
    }

    /// Client settings for `kind` (`rongcloud`, `easemob`, `agora`) as JSON: hosts, credentials, test timeouts.
    fn client_config(&self, py: Python<'_>, kind: &str) -> PyResult<String> {
        sync(py, || self.h.client_config(kind))
    }

    fn set_fault(&self, py: Python<'_>, host: usize, fault_json: &str) -> PyResult<()> {
        detached(py, || self.h.set_fault(host, fault_json))
    }

    #[pyo3(signature = (host=None))]
    fn clear_faults(&self, py: Python<'_>, host: Option<usize>) -> PyResult<()> {
        detached(py, || self.h.clear_faults(host))
    }

    fn requests(&self, py: Python<'_>, host: usize) -> PyResult<String> {
        sync(py, || Ok(self.h.requests_json(host)))
    }

    fn clear_requests(&self, py: Python<'_>) -> PyResult<()> {
        sync(py, || {
            self.h.clear_requests();
            Ok(())
        })
    }

    fn set_online(&self, py: Python<'_>, user: &str, online: bool) -> PyResult<()> {
        sync(py, || {
            self.h.set_online(user, online);
            Ok(())
        })
    }

    fn sent_messages(&self, py: Python<'_>) -> PyResult<String> {
        sync(py, || Ok(self.h.sent_messages_json()))
    }

    fn revoke_tokens(&self, py: Python<'_>) -> PyResult<()> {
        sync(py, || {
            self.h.revoke_tokens();
            Ok(())
        })
    }

    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        sync(py, || {
            self.h.stop();
            Ok(())
        })
    }
}

/// The stable codes of every error kind the core has.
#[pyfunction]
fn error_kinds() -> Vec<&'static str> {
    imcloud::ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The settings every client takes besides its credentials and hosts (durations in seconds).
#[pyfunction]
fn option_keys() -> Vec<&'static str> {
    imcloud::config::OPTION_KEYS.to_vec()
}

/// The catalogue text of a cloud (`rongcloud` or `easemob`), for introspection.
#[pyfunction]
fn catalogue(py: Python<'_>, cloud: &str) -> PyResult<&'static str> {
    let which = match cloud {
        "rongcloud" => imcloud::Cloud::Rongcloud,
        "easemob" => imcloud::Cloud::Easemob,
        _ => return Err(PyValueError::new_err("cloud is rongcloud or easemob")),
    };
    sync(py, || Ok(imcloud::catalogue::catalogue_json(which)))
}

/// `hex(sha1(secret + nonce + timestamp))`, the RongCloud signature.
#[pyfunction]
fn rongcloud_signature(
    py: Python<'_>,
    app_secret: &str,
    nonce: &str,
    timestamp: &str,
) -> PyResult<String> {
    sync(py, || {
        Ok(imcloud::signing::signature(app_secret, nonce, timestamp))
    })
}

/// Panics inside the core (`imcloud::runtime::panic_for_tests`), through the same path every
/// blocking call takes: the tests show it arrives as `InternalError`. Not part of the API.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    block(py, imcloud::runtime::panic_for_tests(message))
}

/// The asyncio twin of `_panic_for_tests`: `done(False, InternalError)` is called.
#[pyfunction]
fn _panic_for_tests_async(message: String, done: Py<PyAny>) -> Pending {
    spawn(
        imcloud::runtime::panic_for_tests(message),
        done,
        |py, ()| Ok(py.None()),
    )
}

/// A panic in a synchronous entry point (the guard every non-blocking method uses).
#[pyfunction]
fn _panic_for_tests_sync(py: Python<'_>, message: String) -> PyResult<()> {
    sync(py, || panic!("{message}"))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RongCloudClient>()?;
    m.add_class::<EasemobClient>()?;
    m.add_class::<Pending>()?;
    #[cfg(feature = "testing")]
    m.add_class::<EmulatorHandle>()?;
    m.add_function(wrap_pyfunction!(catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(option_keys, m)?)?;
    m.add_function(wrap_pyfunction!(rongcloud_signature, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests_async, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests_sync, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let close_gate = wrap_pyfunction!(gate::_close_gate, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (close_gate,))?;
    Ok(())
}
