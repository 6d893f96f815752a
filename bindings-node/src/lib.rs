//! The Node face of the Rust core (`imcloud` on npm, native half). Conversions only: JSON text in,
//! a JSON envelope out — `{"ok": true, …}` or `{"ok": false, "error": {…}}` — which the JS facade
//! turns into results and typed errors. All work runs on the core's runtime.

use std::future::Future;
use std::sync::Mutex;

use imcloud::{Easemob, EasemobConfig, FileSink, FileSource, RongCloud, RongCloudConfig};
use imcloud_emulator::{Emulator, EmulatorConfig, Fault};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

fn error_json(e: &imcloud::Error) -> Value {
    json!({
        "kind": e.code(),
        "message": e.message,
        "display": e.to_string(),
        "operation": e.operation,
        "param": e.param,
        "httpStatus": e.http_status,
        "code": e.api_code,
        "requestId": e.request_id,
        "host": e.host,
        "retryable": e.retryable,
        "retryAfter": e.retry_after.map(|d| d.as_secs_f64()),
    })
}

fn failed(e: &imcloud::Error) -> String {
    json!({"ok": false, "error": error_json(e)}).to_string()
}

/// A synchronous failure (bad settings, bad JSON) as a thrown JS error carrying the envelope.
fn thrown(e: &imcloud::Error) -> Error {
    Error::from_reason(failed(e))
}

fn parse_json(what: &str, s: &str) -> Result<Value> {
    serde_json::from_str(s).map_err(|e| {
        thrown(&imcloud::Error::invalid_argument(
            what,
            format!("is not JSON: {e}"),
        ))
    })
}

fn response_json(r: imcloud::Response) -> String {
    json!({"ok": true, "body": r.body, "result": r.result, "requestId": r.request_id, "host": r.host, "httpStatus": r.http_status})
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
    #[napi(constructor)]
    pub fn new() -> Self {
        Cancel {
            handles: Mutex::new(Vec::new()),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }

    #[napi]
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

/// Run a call on the core's runtime; the promise resolves with its envelope.
fn run<'env, F>(env: &'env Env, cancel: Option<&Cancel>, fut: F) -> Result<PromiseRaw<'env, String>>
where
    F: Future<Output = String> + Send + 'static,
{
    let task = imcloud::runtime::runtime().spawn(fut);
    if let Some(c) = cancel {
        c.register(task.abort_handle());
    }
    env.spawn_future(async move {
        Ok(match task.await {
            Ok(s) => s,
            Err(e) if e.is_cancelled() => CANCELLED.to_string(),
            Err(e) => failed(&imcloud::Error::io(format!("the call panicked: {e}"))),
        })
    })
}

fn envelope(r: imcloud::Result<imcloud::Response>) -> String {
    match r {
        Ok(r) => response_json(r),
        Err(e) => failed(&e),
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
            #[napi(constructor)]
            pub fn new(config_json: String) -> Result<Self> {
                let cfg = <$config>::from_json(&parse_json("config", &config_json)?).map_err(|e| thrown(&e))?;
                Ok($name { inner: <$core>::new(cfg).map_err(|e| thrown(&e))? })
            }

            #[napi]
            pub fn hosts(&self) -> Vec<String> {
                self.inner.hosts()
            }

            /// Call an operation; resolves with the JSON envelope.
            #[napi(ts_return_type = "Promise<string>")]
            pub fn call<'env>(
                &self,
                env: &'env Env,
                op: String,
                args_json: String,
                cancel: Option<&Cancel>,
            ) -> Result<PromiseRaw<'env, String>> {
                let args = parse_json("args", &args_json)?;
                let c = self.inner.clone();
                run(env, cancel, async move { envelope(c.call(&op, args).await) })
            }

            #[napi]
            pub fn describe(&self) -> String {
                format!("{:?}", self.inner)
            }

            $($extra)*
        }
    };
}

client_class!(
    /// RongCloud client (native half of `RongCloud`).
    RongCloudClient, RongCloud, RongCloudConfig, {
    #[napi]
    pub fn verify_callback(&self, query_json: String, headers_json: String, window_secs: f64) -> Result<()> {
        let pairs = |s: &str| -> Result<Vec<(String, String)>> {
            let v: std::collections::BTreeMap<String, String> = serde_json::from_str(s)
                .map_err(|e| thrown(&imcloud::Error::invalid_argument("query", format!("must map names to strings: {e}"))))?;
            Ok(v.into_iter().collect())
        };
        let window = std::time::Duration::from_secs_f64(window_secs.max(0.0));
        self.inner.verify_callback(&pairs(&query_json)?, &pairs(&headers_json)?, window).map_err(|e| thrown(&e))
    }
});

client_class!(
    /// Easemob / Agora Chat client (native half of `Easemob` and `AgoraChat`).
    EasemobClient, Easemob, EasemobConfig, {
    /// Upload from a path (string) or a Buffer; resolves with the JSON envelope.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn upload<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        source: Either<String, Buffer>,
        name: Option<String>,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, String>> {
        let args = parse_json("args", &args_json)?;
        let src = match source {
            Either::A(path) => FileSource::path(path),
            Either::B(data) => FileSource::bytes(name.unwrap_or_else(|| "file".into()), data.to_vec()),
        };
        let c = self.inner.clone();
        run(env, cancel, async move { envelope(c.upload(&op, args, src).await) })
    }

    /// Download to a path; resolves with the JSON envelope.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn download_to_path<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        path: String,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, String>> {
        let args = parse_json("args", &args_json)?;
        let c = self.inner.clone();
        run(env, cancel, async move {
            match c.download(&op, args, FileSink::path(path)).await {
                Ok(d) => download_json(d, None).0,
                Err(e) => failed(&e),
            }
        })
    }

    /// Download into memory; resolves with `[envelope, bytes]`.
    #[napi(ts_return_type = "Promise<[string, Buffer | null]>")]
    pub fn download_to_buffer<'env>(
        &self,
        env: &'env Env,
        op: String,
        args_json: String,
        cancel: Option<&Cancel>,
    ) -> Result<PromiseRaw<'env, (String, Option<Buffer>)>> {
        let args = parse_json("args", &args_json)?;
        let c = self.inner.clone();
        let task = imcloud::runtime::runtime().spawn(async move {
            let (w, mut r) = tokio::io::duplex(64 * 1024);
            let collect = async move {
                let mut buf = Vec::new();
                r.read_to_end(&mut buf).await.map(|_| buf)
            };
            let (d, buf) = tokio::join!(c.download(&op, args, FileSink::writer(w)), collect);
            match (d, buf) {
                (Ok(d), Ok(buf)) => download_json(d, Some(buf)),
                (Err(e), _) => (failed(&e), None),
                (Ok(_), Err(e)) => (failed(&imcloud::Error::io(e.to_string())), None),
            }
        });
        if let Some(cn) = cancel {
            cn.register(task.abort_handle());
        }
        env.spawn_future(async move {
            Ok(match task.await {
                Ok((s, data)) => (s, data.map(Buffer::from)),
                Err(_) => (CANCELLED.to_string(), None),
            })
        })
    }

    #[napi(ts_return_type = "Promise<string>")]
    pub fn app_token<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, String>> {
        let c = self.inner.clone();
        run(env, None, async move {
            match c.app_token().await {
                Ok(t) => json!({"ok": true, "token": t.expose()}).to_string(),
                Err(e) => failed(&e),
            }
        })
    }

    #[napi]
    pub fn token_fetches(&self) -> u32 {
        self.inner.token_fetches() as u32
    }

    #[napi]
    pub fn chat_user_token(&self, user_uuid: String, ttl: u32) -> Result<String> {
        self.inner.chat_user_token(&user_uuid, ttl).map(|s| s.expose().to_string()).map_err(|e| thrown(&e))
    }
});

/// A running emulator (native half of `imcloud/testing`'s `Emulator`).
#[napi]
pub struct EmulatorHandle {
    emu: Emulator,
}

#[napi]
impl EmulatorHandle {
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        let cfg: EmulatorConfig = serde_json::from_str(&config_json)
            .map_err(|e| Error::from_reason(format!("bad emulator config: {e}")))?;
        let emu = imcloud::runtime::block_on(Emulator::start(cfg))
            .map_err(|e| Error::from_reason(format!("the emulator did not start: {e}")))?;
        Ok(EmulatorHandle { emu })
    }

    #[napi]
    pub fn hosts(&self) -> Vec<String> {
        self.emu.hosts()
    }

    #[napi]
    pub fn admin_url(&self) -> String {
        self.emu.admin_url()
    }

    #[napi]
    pub fn client_config(&self, kind: String) -> Result<String> {
        Ok(match kind.as_str() {
            "rongcloud" => self.emu.rongcloud_config().to_json(),
            "easemob" => self.emu.easemob_config().to_json(),
            "agora" => self.emu.agora_config().to_json(),
            _ => return Err(Error::from_reason("kind is rongcloud, easemob or agora")),
        }
        .to_string())
    }

    #[napi]
    pub fn set_fault(&self, host: u32, fault_json: String) -> Result<()> {
        let fault: Fault = serde_json::from_str(&fault_json)
            .map_err(|e| Error::from_reason(format!("bad fault: {e}")))?;
        if host as usize >= self.emu.hosts().len() {
            return Err(Error::from_reason(format!("no host {host}")));
        }
        imcloud::runtime::block_on(self.emu.set_fault(host as usize, fault));
        Ok(())
    }

    #[napi]
    pub fn clear_faults(&self, host: Option<u32>) {
        imcloud::runtime::block_on(self.emu.clear_faults(host.map(|h| h as usize)));
    }

    #[napi]
    pub fn requests(&self, host: u32) -> String {
        serde_json::to_string(&self.emu.requests(host as usize)).unwrap_or_default()
    }

    #[napi]
    pub fn clear_requests(&self) {
        self.emu.clear_requests();
    }

    #[napi]
    pub fn set_online(&self, user: String, online: bool) {
        self.emu.set_online(&user, online);
    }

    #[napi]
    pub fn sent_messages(&self) -> String {
        serde_json::to_string(&self.emu.sent_messages()).unwrap_or_default()
    }

    #[napi]
    pub fn revoke_tokens(&self) {
        self.emu.revoke_tokens();
    }

    #[napi]
    pub fn stop(&self) {
        self.emu.stop();
    }
}

/// The catalogue text of `rongcloud` or `easemob`.
#[napi]
pub fn catalogue(cloud: String) -> Result<String> {
    match cloud.as_str() {
        "rongcloud" => {
            Ok(imcloud::catalogue::catalogue_json(imcloud::Cloud::Rongcloud).to_string())
        }
        "easemob" => Ok(imcloud::catalogue::catalogue_json(imcloud::Cloud::Easemob).to_string()),
        _ => Err(Error::from_reason("cloud is rongcloud or easemob")),
    }
}

/// The stable codes of every error kind.
#[napi]
pub fn error_kinds() -> Vec<String> {
    imcloud::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect()
}

/// The settings every client takes besides credentials and hosts.
#[napi]
pub fn option_keys() -> Vec<String> {
    imcloud::config::OPTION_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect()
}

/// `hex(sha1(secret + nonce + timestamp))`.
#[napi]
pub fn rongcloud_signature(app_secret: String, nonce: String, timestamp: String) -> String {
    imcloud::signing::signature(&app_secret, &nonce, &timestamp)
}
