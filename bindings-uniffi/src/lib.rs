//! The Kotlin and Swift face of the Rust core (UniFFI). Conversions only: JSON text in and out,
//! one error type carrying every field of `imcloud::Error`. The typed surfaces (Kotlin
//! `imcloud.RongCloud`, …) are generated from the catalogue on top of this.

// The FFI error must be a plain variant with fields (UniFFI turns it into the Kotlin/Swift
// exception), so it cannot be boxed to keep `Result` small.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use imcloud::{Easemob, EasemobConfig, FileSink, FileSource, RongCloud, RongCloudConfig};

uniffi::setup_scaffolding!();

/// Every failure, as the core's error record. `kind` is the stable code (`not_found`, …) and
/// `class_name` the stem of the exception class (`NotFound` → Kotlin `NotFoundException`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum FfiError {
    #[error("{display}")]
    Failed {
        kind: String,
        class_name: String,
        /// The short text of what went wrong, without context.
        detail: String,
        /// The full one-line message with its context. Not `message`: that is Throwable's, and
        /// the Kotlin exception's `message` is this.
        display: String,
        operation: Option<String>,
        param: Option<String>,
        http_status: Option<u16>,
        /// The cloud's own code: RongCloud's numeric `code` as text, or Easemob's `error`.
        api_code: Option<String>,
        request_id: Option<String>,
        host: Option<String>,
        retryable: bool,
        retry_after_secs: Option<f64>,
    },
}

impl From<imcloud::Error> for FfiError {
    fn from(e: imcloud::Error) -> Self {
        let r = e.record();
        FfiError::Failed {
            kind: r.kind.to_string(),
            class_name: r.class_name.to_string(),
            detail: r.detail,
            display: r.message,
            operation: r.operation,
            param: r.param,
            http_status: r.http_status,
            api_code: r.api_code,
            request_id: r.request_id,
            host: r.host,
            retryable: r.retryable,
            retry_after_secs: r.retry_after_secs,
        }
    }
}

fn parse_json(what: &str, s: &str) -> imcloud::Result<serde_json::Value> {
    serde_json::from_str(s)
        .map_err(|e| imcloud::Error::invalid_argument(what, format!("is not JSON: {e}")))
}

/// Run synchronous work with a panic turned into the typed internal error. Every exported
/// synchronous function goes through this, so no panic unwinds into the JVM or Swift.
fn guard<T>(f: impl FnOnce() -> imcloud::Result<T>) -> Result<T, FfiError> {
    imcloud::runtime::guard_sync(f).map_err(FfiError::from)
}

/// [`guard`] for work that cannot fail but for a panic.
fn just<T>(f: impl FnOnce() -> T) -> Result<T, FfiError> {
    guard(|| Ok(f()))
}

/// The answer of a call, as JSON text. The core decodes and redacts; the typed results only
/// convert `fields_json` and print `redacted_json`.
#[derive(uniffi::Record)]
pub struct Reply {
    /// The whole JSON body.
    pub body_json: String,
    /// The part of the body the operation declares as its result.
    pub result_json: String,
    /// The declared result fields, normalised by declared type and keyed by their snake_case
    /// names (`imcloud::Response::fields`).
    pub fields_json: String,
    /// The result with its secret fields replaced by `"***"`, for printing.
    pub redacted_json: String,
    pub request_id: String,
    pub host: String,
    pub http_status: u16,
}

impl From<imcloud::Response> for Reply {
    fn from(r: imcloud::Response) -> Self {
        Reply {
            body_json: r.body.to_string(),
            result_json: r.result.to_string(),
            fields_json: r.fields.to_string(),
            redacted_json: r.redacted_result().to_string(),
            request_id: r.request_id,
            host: r.host,
            http_status: r.http_status,
        }
    }
}

/// A finished download.
#[derive(uniffi::Record)]
pub struct DownloadReply {
    pub request_id: String,
    pub host: String,
    pub http_status: u16,
    pub bytes: u64,
    pub content_type: Option<String>,
    /// The file, when downloaded into memory.
    pub data: Option<Vec<u8>>,
}

/// Run a core future on the core's runtime (the foreign executor only awaits its handle, and
/// cancelling the coroutine aborts the request). The future is guarded: a panic in it becomes
/// the typed internal error, so the coroutine or Swift task completes with it.
async fn on_core<T: Send + 'static>(
    f: impl std::future::Future<Output = imcloud::Result<T>> + Send + 'static,
) -> Result<T, FfiError> {
    imcloud::runtime::spawn(imcloud::runtime::guarded(f))
        .await
        .map_err(FfiError::from)
}

/// A client object: the methods every client has (construction from a settings map, hosts,
/// describe, call) in one exported block; each object adds its own in another.
macro_rules! client_object {
    ($(#[$doc:meta])* $name:ident, $core:ty, $config:ty) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $name {
            inner: $core,
        }

        #[uniffi::export]
        impl $name {
            #[uniffi::constructor]
            pub fn new(config_json: String) -> Result<Arc<Self>, FfiError> {
                guard(|| {
                    let cfg = <$config>::from_json(&parse_json("config", &config_json)?)?;
                    Ok(Arc::new($name { inner: <$core>::new(cfg)? }))
                })
            }

            pub fn hosts(&self) -> Result<Vec<String>, FfiError> {
                just(|| self.inner.hosts())
            }

            pub fn describe(&self) -> Result<String, FfiError> {
                just(|| format!("{:?}", self.inner))
            }

            /// A server callback's body read into its typed events: JSON text of
            /// `[{"kind", "fields", "raw"}]` (core's rule, from the declared kinds).
            pub fn parse_callback(&self, body: Vec<u8>, content_type: Option<String>) -> Result<String, FfiError> {
                guard(|| {
                    let events = self.inner.parse_callback(&body, content_type.as_deref())?;
                    Ok(serde_json::Value::Array(events.iter().map(imcloud::Event::to_json).collect()).to_string())
                })
            }

            /// The arguments (JSON) of the page after the one `args_json` asked for and `body_json`
            /// answered, or null after the last page (core's rule for paged lists).
            pub fn next_page(&self, op: String, args_json: String, body_json: String) -> Result<Option<String>, FfiError> {
                guard(|| {
                    let args = parse_json("args", &args_json)?;
                    let body = parse_json("body", &body_json)?;
                    Ok(self.inner.next_page(&op, &args, &body)?.map(|v| v.to_string()))
                })
            }

            pub async fn call(&self, op: String, args_json: String) -> Result<Reply, FfiError> {
                let c = self.inner.clone();
                on_core(async move {
                    let args = parse_json("args", &args_json)?;
                    c.call(&op, args).await.map(Reply::from)
                })
                .await
            }
        }
    };
}

client_object!(
    /// RongCloud client (native half of Kotlin `imcloud.RongCloud`).
    RongCloudClient, RongCloud, RongCloudConfig
);

client_object!(
    /// Easemob / Agora Chat client (native half of Kotlin `imcloud.Easemob` and `imcloud.AgoraChat`).
    EasemobClient, Easemob, EasemobConfig
);

#[uniffi::export]
impl RongCloudClient {
    pub fn verify_callback(
        &self,
        query: Vec<Vec<String>>,
        headers: Vec<Vec<String>>,
        window_secs: f64,
        reject_replays: bool,
    ) -> Result<(), FfiError> {
        guard(|| {
            let pairs = |v: Vec<Vec<String>>| -> Vec<(String, String)> {
                v.into_iter()
                    .filter(|p| p.len() == 2)
                    .map(|p| (p[0].clone(), p[1].clone()))
                    .collect()
            };
            // range-checked by the core: a NaN, an infinity or 1e300 is a named error
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner
                .verify_callback_with(&pairs(query), &pairs(headers), window, reject_replays)
        })
    }
}

#[uniffi::export]
impl EasemobClient {
    /// Verify a callback's `security` (md5 of callId + the callback rule's secret + timestamp)
    /// within `window_secs` of now.
    pub fn verify_callback(
        &self,
        body: Vec<u8>,
        secret: String,
        window_secs: f64,
    ) -> Result<(), FfiError> {
        guard(|| {
            let window = imcloud::config::duration_secs("window", window_secs)?;
            self.inner.verify_callback(&body, &secret, window)
        })
    }

    /// Upload from a path, or from bytes (`data` with `name`).
    pub async fn upload(
        &self,
        op: String,
        args_json: String,
        path: Option<String>,
        data: Option<Vec<u8>>,
        name: Option<String>,
    ) -> Result<Reply, FfiError> {
        let c = self.inner.clone();
        on_core(async move {
            let args = parse_json("args", &args_json)?;
            let src = match (path, data) {
                (Some(p), _) => FileSource::path(p),
                (None, Some(d)) => FileSource::bytes(name.unwrap_or_else(|| "file".into()), d),
                (None, None) => {
                    return Err(imcloud::Error::invalid_argument("file", "is required"));
                }
            };
            c.upload(&op, args, src).await.map(Reply::from)
        })
        .await
    }

    /// Download to a path, or into memory when `path` is absent.
    pub async fn download(
        &self,
        op: String,
        args_json: String,
        path: Option<String>,
    ) -> Result<DownloadReply, FfiError> {
        let c = self.inner.clone();
        on_core(async move {
            let args = parse_json("args", &args_json)?;
            let (d, data) = match path {
                Some(p) => (c.download(&op, args, FileSink::path(p)).await?, None),
                None => {
                    let (d, data) = c.download_bytes(&op, args).await?;
                    (d, Some(data))
                }
            };
            Ok(DownloadReply {
                request_id: d.request_id,
                host: d.host,
                http_status: d.http_status,
                bytes: d.bytes,
                content_type: d.content_type,
                data,
            })
        })
        .await
    }

    pub async fn app_token(&self) -> Result<String, FfiError> {
        let c = self.inner.clone();
        on_core(async move { c.app_token().await.map(|s| s.expose().to_string()) }).await
    }

    pub fn token_fetches(&self) -> Result<u64, FfiError> {
        just(|| self.inner.token_fetches())
    }

    /// `ttl` is taken wide (a Kotlin Long) so that a negative or too large value is a named error
    /// instead of wrapping; the core checks the token's own range.
    pub fn chat_user_token(&self, user_uuid: String, ttl: i64) -> Result<String, FfiError> {
        guard(|| {
            let ttl = u32::try_from(ttl).map_err(|_| {
                let why = if ttl < 0 {
                    "must not be negative".to_string()
                } else {
                    format!("must be at most {}", u32::MAX)
                };
                imcloud::Error::invalid_argument("ttl", format!("is {ttl}; {why}"))
            })?;
            Ok(self
                .inner
                .chat_user_token(&user_uuid, ttl)?
                .expose()
                .to_string())
        })
    }
}

#[cfg(feature = "testing")]
use imcloud_emulator::Handle as EmulatorInner;
#[cfg(not(feature = "testing"))]
use no_emulator::Handle as EmulatorInner;

/// The stand-in for `imcloud_emulator::Handle` in a build without the `testing` feature: the
/// generated Kotlin and Swift keep their `EmulatorHandle` (so `imcloud.testing` compiles), and
/// starting one fails saying how to get the emulator.
#[cfg(not(feature = "testing"))]
mod no_emulator {
    pub const NO_EMULATOR: &str = "this build of imcloud has no emulator; build with the `testing` feature (cargo build --features testing)";

    /// Never exists: [`Handle::start`] always fails.
    pub enum Handle {}

    impl Handle {
        pub fn start(_config_json: &str) -> imcloud::Result<Handle> {
            Err(imcloud::Error::config(NO_EMULATOR))
        }
        pub fn hosts(&self) -> Vec<String> {
            match *self {}
        }
        pub fn admin_url(&self) -> String {
            match *self {}
        }
        pub fn client_config(&self, _kind: &str) -> imcloud::Result<String> {
            match *self {}
        }
        pub fn set_fault(&self, _host: usize, _fault_json: &str) -> imcloud::Result<()> {
            match *self {}
        }
        pub fn clear_faults(&self, _host: Option<usize>) -> imcloud::Result<()> {
            match *self {}
        }
        pub fn requests_json(&self, _host: usize) -> String {
            match *self {}
        }
        pub fn clear_requests(&self) {
            match *self {}
        }
        pub fn set_online(&self, _user: &str, _online: bool) {
            match *self {}
        }
        pub fn sent_messages_json(&self) -> String {
            match *self {}
        }
        pub fn revoke_tokens(&self) {
            match *self {}
        }
        pub fn stop(&self) {
            match *self {}
        }
    }
}

/// A running emulator, for tests (Kotlin `imcloud.testing.Emulator`): `imcloud_emulator::Handle`
/// with its errors converted like the clients'.
#[derive(uniffi::Object)]
pub struct EmulatorHandle {
    h: EmulatorInner,
}

#[uniffi::export]
impl EmulatorHandle {
    #[uniffi::constructor]
    pub fn new(config_json: String) -> Result<Arc<Self>, FfiError> {
        guard(|| {
            Ok(Arc::new(EmulatorHandle {
                h: EmulatorInner::start(&config_json)?,
            }))
        })
    }

    pub fn hosts(&self) -> Result<Vec<String>, FfiError> {
        just(|| self.h.hosts())
    }

    pub fn admin_url(&self) -> Result<String, FfiError> {
        just(|| self.h.admin_url())
    }

    pub fn client_config(&self, kind: String) -> Result<String, FfiError> {
        guard(|| self.h.client_config(&kind))
    }

    pub fn set_fault(&self, host: u32, fault_json: String) -> Result<(), FfiError> {
        guard(|| self.h.set_fault(host as usize, &fault_json))
    }

    pub fn clear_faults(&self, host: Option<u32>) -> Result<(), FfiError> {
        guard(|| self.h.clear_faults(host.map(|h| h as usize)))
    }

    pub fn requests_json(&self, host: u32) -> Result<String, FfiError> {
        just(|| self.h.requests_json(host as usize))
    }

    pub fn clear_requests(&self) -> Result<(), FfiError> {
        just(|| self.h.clear_requests())
    }

    pub fn set_online(&self, user: String, online: bool) -> Result<(), FfiError> {
        just(|| self.h.set_online(&user, online))
    }

    pub fn sent_messages_json(&self) -> Result<String, FfiError> {
        just(|| self.h.sent_messages_json())
    }

    pub fn revoke_tokens(&self) -> Result<(), FfiError> {
        just(|| self.h.revoke_tokens())
    }

    pub fn stop(&self) -> Result<(), FfiError> {
        just(|| self.h.stop())
    }
}

/// The catalogue text of `rongcloud` or `easemob`.
#[uniffi::export]
pub fn catalogue(cloud: String) -> Result<String, FfiError> {
    guard(|| {
        let cloud = match cloud.as_str() {
            "rongcloud" => imcloud::Cloud::Rongcloud,
            "easemob" => imcloud::Cloud::Easemob,
            _ => {
                return Err(imcloud::Error::invalid_argument(
                    "cloud",
                    "is rongcloud or easemob",
                ));
            }
        };
        Ok(imcloud::catalogue::catalogue_json(cloud).to_string())
    })
}

/// The stable codes of every error kind.
#[uniffi::export]
pub fn error_kinds() -> Result<Vec<String>, FfiError> {
    just(|| {
        imcloud::ErrorKind::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .collect()
    })
}

/// `hex(sha1(secret + nonce + timestamp))`.
#[uniffi::export]
pub fn rongcloud_signature(
    app_secret: String,
    nonce: String,
    timestamp: String,
) -> Result<String, FfiError> {
    just(|| imcloud::signing::signature(&app_secret, &nonce, &timestamp))
}

/// For the tests only: a panic inside the core, through the path every call takes (the coroutine
/// or Swift task must complete with the typed internal error, and the library keep working).
#[doc(hidden)]
#[uniffi::export]
pub async fn panic_for_tests(message: String) -> Result<(), FfiError> {
    on_core(imcloud::runtime::panic_for_tests(message)).await
}

#[cfg(all(test, not(feature = "testing")))]
mod tests {
    use super::*;

    #[test]
    fn without_the_testing_feature_an_emulator_says_how_to_get_one() {
        match EmulatorHandle::new("{}".into()) {
            Ok(_) => panic!("this build has no emulator"),
            Err(e) => assert!(
                e.to_string().contains("build with the `testing` feature"),
                "{e}"
            ),
        }
    }
}
