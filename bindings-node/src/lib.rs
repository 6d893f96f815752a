//! The Node face of the Rust core (`imcloud` on npm, native half). Conversions only: JSON text in,
//! a JSON envelope out — `{"ok": true, …}` or `{"ok": false, "error": {…}}` — which the JS facade
//! turns into results and typed errors. All work runs on the core's runtime.

use std::future::Future;
use std::sync::Mutex;

use imcloud::{Easemob, EasemobConfig, FileSink, FileSource, RongCloud, RongCloudConfig};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Value, json};

/// The core's error record in the facade's camelCase vocabulary.
fn error_json(e: &imcloud::Error) -> Value {
    let r = e.record();
    json!({
        "kind": r.kind,
        "className": r.class_name,
        "message": r.message,
        "detail": r.detail,
        "operation": r.operation,
        "param": r.param,
        "httpStatus": r.http_status,
        "apiCode": r.api_code,
        "requestId": r.request_id,
        "host": r.host,
        "retryable": r.retryable,
        "retryAfter": r.retry_after_secs,
    })
}

fn failed(e: &imcloud::Error) -> String {
    json!({"ok": false, "error": error_json(e)}).to_string()
}

/// A synchronous failure (bad settings, bad JSON) as a thrown JS error carrying the envelope.
fn thrown(e: &imcloud::Error) -> Error {
    Error::from_reason(failed(e))
}

fn parse_json(what: &str, s: &str) -> imcloud::Result<Value> {
    serde_json::from_str(s)
        .map_err(|e| imcloud::Error::invalid_argument(what, format!("is not JSON: {e}")))
}

/// A call's answer: the body, the declared result, the declared fields as the core normalised them
/// (what the typed getters read) and the result redacted by the core (what `inspect` shows).
fn response_json(r: imcloud::Response) -> String {
    let redacted = r.redacted_result();
    json!({"ok": true, "body": r.body, "result": r.result, "fields": r.fields, "redacted": redacted, "requestId": r.request_id, "host": r.host, "httpStatus": r.http_status})
        .to_string()
}

fn download_json(d: imcloud::Download, data: Option<Vec<u8>>) -> (String, Option<Vec<u8>>) {
    let v = json!({"ok": true, "requestId": d.request_id, "host": d.host, "httpStatus": d.http_status, "bytes": d.bytes, "contentType": d.content_type});
    (v.to_string(), data)
}

/// Cancels the calls it was given (for an AbortSignal).
#[napi]
pub struct Cancel {
    handles: Mutex<Vec<tokio::task::AbortHandle>>,
    cancelled: std::sync::atomic::AtomicBool,
}

#[napi]
impl Cancel {
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Cancel {
            handles: Mutex::new(Vec::new()),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }

    #[napi(catch_unwind)]
    pub fn cancel(&self) {
        self.cancelled
            .store(true, std::sync::atomic::Ordering::SeqCst);
        for h in self
            .handles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            h.abort();
        }
    }

    fn register(&self, h: tokio::task::AbortHandle) {
        if self.cancelled.load(std::sync::atomic::Ordering::SeqCst) {
            h.abort();
        } else {
            self.handles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(h);
        }
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

const CANCELLED: &str = r#"{"ok":false,"cancelled":true}"#;

/// Run synchronous work with a panic turned into the typed internal error; a failure is thrown as
/// its envelope (which the JS facade turns into a typed error). Every synchronous entry point goes
/// through this, so no panic unwinds into Node.
fn sync<T>(f: impl FnOnce() -> imcloud::Result<T>) -> Result<T> {
    imcloud::runtime::guard_sync(f).map_err(|e| thrown(&e))
}

/// How a call ended: with its result, or cancelled by its AbortSignal.
enum Ended<T> {
    Finished(imcloud::Result<T>),
    Cancelled,
}

/// [`sync`] for work that cannot fail but for a panic.
#[cfg(feature = "testing")]
fn just(f: impl FnOnce()) -> Result<()> {
    sync(|| {
        f();
        Ok(())
    })
}

/// Start a call on the core's runtime; the promise resolves with `done(how it ended)`. Building
/// the future and the future itself are guarded: a panic in either becomes the internal error, so
/// every Promise settles and nothing unwinds into Node.
fn run<'env, T, R, F>(
    env: &'env Env,
    cancel: Option<&Cancel>,
    done: fn(Ended<T>) -> R,
    start: impl FnOnce() -> imcloud::Result<F>,
) -> Result<PromiseRaw<'env, R>>
where
    F: Future<Output = imcloud::Result<T>> + Send + 'static,
    T: Send + 'static,
    R: ToNapiValue + Send + 'static,
{
    let task = sync(|| {
        let fut = start()?;
        Ok(imcloud::runtime::runtime().spawn(imcloud::runtime::guarded(fut)))
    })?;
    if let Some(c) = cancel {
        c.register(task.abort_handle());
    }
    env.spawn_future(async move {
        let ended = match task.await {
            Ok(r) => Ended::Finished(r),
            Err(e) if e.is_cancelled() => Ended::Cancelled,
            Err(e) if e.is_panic() => {
                Ended::Finished(Err(imcloud::Error::from_panic(&*e.into_panic())))
            }
            Err(e) => Ended::Finished(Err(imcloud::Error::new(
                imcloud::ErrorKind::Internal,
                format!("the call's task failed: {e}"),
            ))),
        };
        Ok(done(ended))
    })
}

/// A call's envelope: `{"ok": true, …}`, the error's, or the cancelled marker.
fn envelope(ended: Ended<String>) -> String {
    match ended {
        Ended::Finished(Ok(s)) => s,
        Ended::Finished(Err(e)) => failed(&e),
        Ended::Cancelled => CANCELLED.to_string(),
    }
}

/// A download into memory: the envelope and the bytes.
fn envelope_and_bytes(ended: Ended<(String, Option<Vec<u8>>)>) -> (String, Option<Buffer>) {
    match ended {
        Ended::Finished(Ok((s, data))) => (s, data.map(Buffer::from)),
        Ended::Finished(Err(e)) => (failed(&e), None),
        Ended::Cancelled => (CANCELLED.to_string(), None),
    }
}

macro_rules! client_class {
    ($(#[$doc:meta])* $name:ident, $core:ty, $config:ty, { $($extra:tt)* }) => {
        $(#[$doc])*
        #[napi]
        pub struct $name {
            inner: $core,
        }

        #[napi]
        impl $name {
            #[napi(constructor, catch_unwind)]
            pub fn new(config_json: String) -> Result<Self> {
                sync(|| {
                    let cfg = <$config>::from_json(&parse_json("config", &config_json)?)?;
                    Ok($name { inner: <$core>::new(cfg)? })
                })
            }

            #[napi(catch_unwind)]
            pub fn hosts(&self) -> Result<Vec<String>> {
                sync(|| Ok(self.inner.hosts()))
            }

            /// Call an operation; resolves with the JSON envelope.
            #[napi(ts_return_type = "Promise<string>", catch_unwind)]
            pub fn call<'env>(
                &self,
                env: &'env Env,
                op: String,
                args_json: String,
                cancel: Option<&Cancel>,
            ) -> Result<PromiseRaw<'env, String>> {
                run(env, cancel, envelope, || {
                    let args = parse_json("args", &args_json)?;
                    let c = self.inner.clone();
                    Ok(async move { c.call(&op, args).await.map(response_json) })
                })
            }

            /// A server callback's body (a string or a Buffer) read into its typed events: JSON
            /// text of `[{"kind", "fields", "raw"}]` (core's rule, from the declared kinds).
            #[napi(catch_unwind)]
            pub fn parse_callback(&self, body: Either<String, Buffer>, content_type: Option<String>) -> Result<String> {
                sync(|| {
                    let bytes: &[u8] = match &body {
                        Either::A(s) => s.as_bytes(),
                        Either::B(b) => b,
                    };
                    let events = self.inner.parse_callback(bytes, content_type.as_deref())?;
                    Ok(serde_json::Value::Array(events.iter().map(imcloud::Event::to_json).collect()).to_string())
                })
            }

            #[napi(catch_unwind)]
            pub fn describe(&self) -> Result<String> {
                sync(|| Ok(format!("{:?}", self.inner)))
            }

            /// The arguments (JSON) of the page after the one `argsJson` asked for and `bodyJson`
            /// answered, or null after the last page (core's rule for paged lists).
            #[napi(catch_unwind)]
            pub fn next_page(&self, op: String, args_json: String, body_json: String) -> Result<Option<String>> {
                sync(|| {
                    let args = parse_json("args", &args_json)?;
                    let body = parse_json("body", &body_json)?;
                    Ok(self.inner.next_page(&op, &args, &body)?.map(|v| v.to_string()))
                })
            }

            $($extra)*
        }
    };
}

client_class!(
    /// RongCloud client (native half of `RongCloud`).
    RongCloudClient, RongCloud, RongCloudConfig, {
    /// `window_secs` is range-checked by the core (a NaN, an infinity or 1e300 is a named error).
    #[napi(catch_unwind)]
    pub fn verify_callback(
        &self,
        query_json: String,
        headers_json: String,
        window_secs: f64,
        reject_replays: bool,
    ) -> Result<()> {
        sync(|| {
            let pairs = |what: &str, s: &str| -> imcloud::Result<Vec<(String, String)>> {
                let v: std::collections::BTreeMap<String, String> = serde_json::from_str(s)
                    .map_err(|e| imcloud::Error::invalid_argument(what, format!("must map names to strings: {e}")))?;
                Ok(v.into_iter().collect())
            };
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner.verify_callback_with(
                &pairs("query", &query_json)?,
                &pairs("headers", &headers_json)?,
                window,
                reject_replays,
            )
        })
    }
});

client_class!(
    /// Easemob / Agora Chat client (native half of `Easemob` and `AgoraChat`).
    EasemobClient, Easemob, EasemobConfig, {
    /// Verify a callback's `security` (md5 of callId + the callback rule's secret + timestamp)
    /// within `window_secs` of now.
    #[napi(catch_unwind)]
    pub fn verify_callback(&self, body: Either<String, Buffer>, secret: String, window_secs: f64) -> Result<()> {
        sync(|| {
            let bytes: &[u8] = match &body {
                Either::A(s) => s.as_bytes(),
                Either::B(b) => b,
            };
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner.verify_callback(bytes, &secret, window)
        })
    }

    /// Upload from a path (string) or a Buffer; resolves with the JSON envelope.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn upload<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        source: Either<String, Buffer>,
        name: Option<String>,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, String>> {
        run(env, cancel, envelope, || {
            let args = parse_json("args", &args_json)?;
            let src = match source {
                Either::A(path) => FileSource::path(path),
                Either::B(data) => FileSource::bytes(name.unwrap_or_else(|| "file".into()), data.to_vec()),
            };
            let c = self.inner.clone();
            Ok(async move { c.upload(&op, args, src).await.map(response_json) })
        })
    }

    /// Download to a path; resolves with the JSON envelope.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn download_to_path<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        path: String,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, String>> {
        run(env, cancel, envelope, || {
            let args = parse_json("args", &args_json)?;
            let c = self.inner.clone();
            Ok(async move {
                let d = c.download(&op, args, FileSink::path(path)).await?;
                Ok(download_json(d, None).0)
            })
        })
    }

    /// Download into memory; resolves with `[envelope, bytes]`.
    #[napi(ts_return_type = "Promise<[string, Buffer | null]>", catch_unwind)]
    pub fn download_to_buffer<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, (String, Option<Buffer>)>> {
        run(env, cancel, envelope_and_bytes, || {
            let args = parse_json("args", &args_json)?;
            let c = self.inner.clone();
            Ok(async move {
                let (d, data) = c.download_bytes(&op, args).await?;
                Ok(download_json(d, Some(data)))
            })
        })
    }

    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn app_token<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, String>> {
        run(env, None, envelope, || {
            let c = self.inner.clone();
            Ok(async move {
                let t = c.app_token().await?;
                Ok(json!({"ok": true, "token": t.expose()}).to_string())
            })
        })
    }

    #[napi(catch_unwind)]
    pub fn token_fetches(&self) -> Result<f64> {
        sync(|| Ok(self.inner.token_fetches() as f64))
    }

    /// `ttl` arrives as a JS number: a whole number of seconds that fits the core's `u32`, or a
    /// named error (never a silent wrap); the core checks the token's own range.
    #[napi(catch_unwind)]
    pub fn chat_user_token(&self, user_uuid: String, ttl: f64) -> Result<String> {
        sync(|| {
            let ttl = whole_u32("ttl", ttl)?;
            Ok(self.inner.chat_user_token(&user_uuid, ttl)?.expose().to_string())
        })
    }
});

/// A JS number as a `u32`: whole and in range, or an error naming `name` (JS numbers would
/// otherwise be truncated or wrapped silently).
fn whole_u32(name: &str, v: f64) -> imcloud::Result<u32> {
    if v.fract() != 0.0 || !v.is_finite() {
        return Err(imcloud::Error::invalid_argument(
            name,
            format!("is {v}; must be a whole number"),
        ));
    }
    if v < 0.0 {
        return Err(imcloud::Error::invalid_argument(
            name,
            format!("is {v}; must not be negative"),
        ));
    }
    if v > f64::from(u32::MAX) {
        return Err(imcloud::Error::invalid_argument(
            name,
            format!("is {v}; must be at most {}", u32::MAX),
        ));
    }
    Ok(v as u32)
}

fn bad(what: &str, e: impl std::fmt::Display) -> imcloud::Error {
    imcloud::Error::invalid_argument(what, e.to_string())
}

/// A running emulator (native half of `imcloud/testing`'s `Emulator`): `imcloud_emulator::Handle`
/// with its errors thrown like the clients'. Only with the `testing` feature; without it the
/// class is absent and `imcloud/testing` says how to get it.
#[cfg(feature = "testing")]
#[napi]
pub struct EmulatorHandle {
    h: imcloud_emulator::Handle,
}

#[cfg(feature = "testing")]
#[napi]
impl EmulatorHandle {
    #[napi(constructor, catch_unwind)]
    pub fn new(config_json: String) -> Result<Self> {
        sync(|| {
            Ok(EmulatorHandle {
                h: imcloud_emulator::Handle::start(&config_json)?,
            })
        })
    }

    #[napi(catch_unwind)]
    pub fn hosts(&self) -> Result<Vec<String>> {
        sync(|| Ok(self.h.hosts()))
    }

    #[napi(catch_unwind)]
    pub fn admin_url(&self) -> Result<String> {
        sync(|| Ok(self.h.admin_url()))
    }

    #[napi(catch_unwind)]
    pub fn client_config(&self, kind: String) -> Result<String> {
        sync(|| self.h.client_config(&kind))
    }

    #[napi(catch_unwind)]
    pub fn set_fault(&self, host: u32, fault_json: String) -> Result<()> {
        sync(|| self.h.set_fault(host as usize, &fault_json))
    }

    #[napi(catch_unwind)]
    pub fn clear_faults(&self, host: Option<u32>) -> Result<()> {
        sync(|| self.h.clear_faults(host.map(|h| h as usize)))
    }

    #[napi(catch_unwind)]
    pub fn requests(&self, host: u32) -> Result<String> {
        sync(|| Ok(self.h.requests_json(host as usize)))
    }

    #[napi(catch_unwind)]
    pub fn clear_requests(&self) -> Result<()> {
        just(|| self.h.clear_requests())
    }

    #[napi(catch_unwind)]
    pub fn set_online(&self, user: String, online: bool) -> Result<()> {
        just(|| self.h.set_online(&user, online))
    }

    #[napi(catch_unwind)]
    pub fn sent_messages(&self) -> Result<String> {
        sync(|| Ok(self.h.sent_messages_json()))
    }

    #[napi(catch_unwind)]
    pub fn revoke_tokens(&self) -> Result<()> {
        just(|| self.h.revoke_tokens())
    }

    #[napi(catch_unwind)]
    pub fn stop(&self) -> Result<()> {
        just(|| self.h.stop())
    }
}

/// The catalogue text of `rongcloud` or `easemob`.
#[napi(catch_unwind)]
pub fn catalogue(cloud: String) -> Result<String> {
    sync(|| {
        let cloud = match cloud.as_str() {
            "rongcloud" => imcloud::Cloud::Rongcloud,
            "easemob" => imcloud::Cloud::Easemob,
            _ => return Err(bad("cloud", "is rongcloud or easemob")),
        };
        Ok(imcloud::catalogue::catalogue_json(cloud).to_string())
    })
}

/// The stable codes of every error kind.
#[napi(catch_unwind)]
pub fn error_kinds() -> Vec<String> {
    imcloud::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect()
}

/// The settings every client takes besides credentials and hosts.
#[napi(catch_unwind)]
pub fn option_keys() -> Vec<String> {
    imcloud::config::OPTION_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect()
}

/// `hex(sha1(secret + nonce + timestamp))`.
#[napi(catch_unwind)]
pub fn rongcloud_signature(app_secret: String, nonce: String, timestamp: String) -> Result<String> {
    sync(|| Ok(imcloud::signing::signature(&app_secret, &nonce, &timestamp)))
}

/// For the tests only: a panic inside the core, through the path every call takes (its Promise
/// must reject with the typed internal error, and the process keep working).
#[doc(hidden)]
#[napi(
    js_name = "_panicForTests",
    ts_return_type = "Promise<string>",
    catch_unwind
)]
pub fn panic_for_tests<'env>(env: &'env Env, message: String) -> Result<PromiseRaw<'env, String>> {
    run(env, None, envelope, || {
        Ok(async move {
            imcloud::runtime::panic_for_tests(message).await?;
            Ok(String::new())
        })
    })
}

/// For the tests only: the synchronous twin of [`panic_for_tests`].
#[doc(hidden)]
#[napi(js_name = "_panicForTestsSync", catch_unwind)]
pub fn panic_for_tests_sync(message: String) -> Result<()> {
    sync(|| imcloud::runtime::block_on(imcloud::runtime::panic_for_tests(message)))
}
