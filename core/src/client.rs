//! The public clients. Both are cheap to clone (an `Arc`), safe to share between threads and
//! tasks, and independent of each other: any number with different credentials may live in one process.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rand::Rng;
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt;

use crate::agora::AccessToken2;
use crate::catalogue::{self, Api, Cloud, Operation};
use crate::config::{EasemobAuth, EasemobConfig, RongCloudConfig};
use crate::engine::{Answer, AuthRef, Engine, Reply, TokenSource};
use crate::error::{Error, ErrorKind, Result};
use crate::files::{FileSink, FileSource};
use crate::response::{Download, Response};
use crate::runtime::PerProcess;
use crate::secret::Secret;
use crate::signing::{CallbackSignature, ReplayGuard, now_millis, verify_callback};
use crate::validate::{check_file_size, validate};
use crate::wire::prepare;

fn args_object(args: Value) -> Result<Map<String, Value>> {
    match args {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Error::invalid_argument(
            "args",
            format!("must be an object of parameters, got {other}"),
        )),
    }
}

/// Validate and prepare a call; nothing is sent when this fails.
async fn checked(
    api: &'static Api,
    name: &str,
    args: Value,
    file: Option<&FileSource>,
    credential: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(&'static Operation, crate::wire::Prepared)> {
    let op = api.require(name)?;
    let args = args_object(args).map_err(|e| e.with_operation(name))?;
    validate(op, &args)?;
    match (op.file_param(), file) {
        (Some(p), None) => {
            return Err(
                Error::invalid_argument(&p.name, "is required: use upload() with a file")
                    .with_operation(name),
            );
        }
        (None, Some(_)) => {
            return Err(
                Error::invalid_argument("file", format!("{name} takes no file"))
                    .with_operation(name),
            );
        }
        (Some(_), Some(f)) => {
            if let Some(size) = f.size().await.map_err(|e| e.with_operation(name))? {
                check_file_size(op, size)?;
            }
        }
        (None, None) => {}
    }
    let prep = prepare(op, &args, credential).map_err(|e| e.with_operation(name))?;
    Ok((op, prep))
}

fn json_reply(op: &Operation, reply: Reply) -> Result<Response> {
    match reply.answer {
        Answer::Json { status, body } => Ok(Response::new(
            op,
            reply.request_id,
            reply.host,
            status,
            body,
        )),
        Answer::Stream { .. } => Err(Error::invalid_argument(
            "operation",
            format!("{} is a download: use download()", op.name),
        )),
    }
}

async fn stream_to_sink(op: &Operation, reply: Reply, sink: FileSink) -> Result<Download> {
    let Answer::Stream { status, response } = reply.answer else {
        return Err(
            Error::new(ErrorKind::Decode, "expected a file, got a JSON answer")
                .with_operation(&op.name),
        );
    };
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let fail = |kind: ErrorKind, msg: String| {
        Error::new(kind, msg)
            .with_operation(&op.name)
            .with_request_id(&reply.request_id)
            .with_host(&reply.host)
    };
    let mut stream = response.bytes_stream();
    let mut written = 0u64;
    match sink {
        FileSink::Path(path) => {
            let part = path.with_extension(match path.extension() {
                Some(e) => format!("{}.part", e.to_string_lossy()),
                None => "part".to_string(),
            });
            let mut f = tokio::fs::File::create(&part).await.map_err(|e| {
                fail(
                    ErrorKind::Io,
                    format!("cannot create {}: {e}", part.display()),
                )
            })?;
            let result: Result<()> = async {
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| {
                        fail(
                            ErrorKind::Network,
                            format!("download broke off after {written} bytes: {e}"),
                        )
                    })?;
                    f.write_all(&chunk).await.map_err(|e| {
                        fail(
                            ErrorKind::Io,
                            format!("cannot write {}: {e}", part.display()),
                        )
                    })?;
                    written += chunk.len() as u64;
                }
                f.flush()
                    .await
                    .map_err(|e| fail(ErrorKind::Io, e.to_string()))?;
                drop(f);
                tokio::fs::rename(&part, &path).await.map_err(|e| {
                    fail(
                        ErrorKind::Io,
                        format!("cannot move the download to {}: {e}", path.display()),
                    )
                })
            }
            .await;
            if result.is_err() {
                let _ = tokio::fs::remove_file(&part).await;
            }
            result?;
        }
        FileSink::Writer(mut w) => {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| {
                    fail(
                        ErrorKind::Network,
                        format!("download broke off after {written} bytes: {e}"),
                    )
                })?;
                w.write_all(&chunk)
                    .await
                    .map_err(|e| fail(ErrorKind::Io, format!("cannot write the download: {e}")))?;
                written += chunk.len() as u64;
            }
            w.flush()
                .await
                .map_err(|e| fail(ErrorKind::Io, e.to_string()))?;
        }
    }
    Ok(Download {
        operation: op.name.clone(),
        request_id: reply.request_id,
        host: reply.host,
        http_status: status,
        bytes: written,
        content_type,
    })
}

// ---------------------------------------------------------------------------------------------
// RongCloud
// ---------------------------------------------------------------------------------------------

struct RongInner {
    engine: Engine,
    app_key: String,
    app_secret: Secret,
    /// Callbacks accepted within their window, for `verify_callback_with(.., reject_replays)`.
    callbacks_seen: PerProcess<std::sync::Mutex<ReplayGuard>>,
}

/// A RongCloud Server API client.
#[derive(Clone)]
pub struct RongCloud {
    inner: Arc<RongInner>,
}

impl std::fmt::Debug for RongCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RongCloud")
            .field("app_key", &self.inner.app_key)
            .field("app_secret", &self.inner.app_secret)
            .field("hosts", &self.inner.engine.pool.hosts())
            .finish()
    }
}

impl RongCloud {
    pub fn new(config: RongCloudConfig) -> Result<Self> {
        if config.app_key.trim().is_empty() {
            return Err(Error::config("app_key is empty"));
        }
        crate::config::check_header_text("app_key", &config.app_key)?;
        if config.app_secret.is_empty() {
            return Err(Error::config("app_secret is empty"));
        }
        let engine = Engine::new(
            Cloud::Rongcloud,
            String::new(),
            &config.hosts,
            config.options,
        )?;
        Ok(RongCloud {
            inner: Arc::new(RongInner {
                engine,
                app_key: config.app_key,
                app_secret: config.app_secret,
                callbacks_seen: PerProcess::new(Default::default),
            }),
        })
    }

    /// The catalogue this client serves.
    pub fn api(&self) -> &'static Api {
        catalogue::rongcloud()
    }

    /// The configured hosts, primary first.
    pub fn hosts(&self) -> Vec<String> {
        self.inner.engine.pool.hosts().to_vec()
    }

    /// Call an operation by name with its parameters, e.g.
    /// `call("user.register", json!({"user_id": "u1", "name": "Ann"}))`.
    pub async fn call(&self, operation: &str, args: Value) -> Result<Response> {
        let (op, prep) = checked(catalogue::rongcloud(), operation, args, None, &|_| None).await?;
        let inner = &self.inner;
        let auth = AuthRef::RongCloud {
            app_key: &inner.app_key,
            secret: &inner.app_secret,
        };
        let reply = inner.engine.execute(op, &prep, None, auth).await?;
        json_reply(op, reply)
    }

    /// Verify a server callback signed with this app's secret (query or header parameters,
    /// constant-time, within `window` of now).
    pub fn verify_callback(
        &self,
        query: &[(String, String)],
        headers: &[(String, String)],
        window: Duration,
    ) -> Result<()> {
        self.verify_callback_with(query, headers, window, false)
    }

    /// [`verify_callback`](Self::verify_callback), and with `reject_replays` also refuse a
    /// callback whose nonce and timestamp this client already accepted within the window (a
    /// replay of a captured request). Off by default: turn it on when RongCloud does not resend
    /// the same signed callback to you (its retries are new requests with a new nonce).
    pub fn verify_callback_with(
        &self,
        query: &[(String, String)],
        headers: &[(String, String)],
        window: Duration,
        reject_replays: bool,
    ) -> Result<()> {
        let sig = CallbackSignature::extract(query, headers)?;
        let now = now_millis();
        verify_callback(&self.inner.app_secret, &sig, now, window)?;
        if reject_replays {
            let seen = self.inner.callbacks_seen.get();
            let mut g = seen.lock().unwrap_or_else(|e| e.into_inner());
            g.check(&sig, now, window)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Easemob / Agora Chat
// ---------------------------------------------------------------------------------------------

struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

type TokenState = tokio::sync::Mutex<Option<CachedToken>>;

/// App tokens: cached, refreshed before expiry and after a 401, single-flight.
struct TokenManager {
    auth: EasemobAuth,
    ttl: Option<u32>,
    /// The cache of this process: a child of fork() starts with an empty one, since the parent
    /// may have been holding the lock mid-fetch when it forked.
    state: PerProcess<TokenState>,
    fetches: AtomicU64,
}

/// The longest a token is kept without asking again, whatever lifetime the server announces
/// (0 = never expires, or `expires_in: 18446744073709551615`).
const MAX_TOKEN_REUSE: Duration = Duration::from_secs(30 * 86_400);

/// When to refresh a token that lives `ttl` seconds: a quarter early, at most 5 minutes early,
/// and at the latest after [`MAX_TOKEN_REUSE`].
fn refresh_after(ttl: u64) -> Duration {
    if ttl == 0 {
        return MAX_TOKEN_REUSE;
    }
    Duration::from_secs(ttl - (ttl / 4).min(300)).min(MAX_TOKEN_REUSE)
}

/// Agora app tokens last at most 24 hours.
const AGORA_DEFAULT_TTL: u32 = 86_400;

impl TokenManager {
    fn state(&self) -> Arc<TokenState> {
        self.state.get()
    }

    async fn fetch(&self, engine: &Engine) -> Result<(Secret, u64)> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match &self.auth {
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                let ttl = self.ttl.unwrap_or(AGORA_DEFAULT_TTL);
                let salt = rand::rng().random_range(1..=99_999_999u32);
                let issue = (now_millis() / 1000) as u32;
                let t = AccessToken2::chat_app(app_id, issue, salt, ttl).build(app_certificate)?;
                Ok((Secret::new(t), ttl as u64))
            }
            EasemobAuth::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let args = match self.ttl {
                    Some(t) => serde_json::json!({ "ttl": t }),
                    None => Value::Null,
                };
                let cred = |name: &str| match name {
                    "client_id" => Some(client_id.clone()),
                    "client_secret" => Some(client_secret.expose().to_string()),
                    _ => None,
                };
                let (op, prep) =
                    checked(catalogue::easemob(), "auth.app_token", args, None, &cred).await?;
                let reply = engine.execute(op, &prep, None, AuthRef::None).await?;
                let resp = json_reply(op, reply)?;
                let token = resp.get_str("access_token").ok_or_else(|| {
                    Error::new(ErrorKind::Decode, "token answer has no access_token")
                        .with_operation(&op.name)
                })?;
                let ttl = resp
                    .get("expires_in")
                    .and_then(Value::as_u64)
                    .unwrap_or(3600);
                Ok((Secret::new(token), ttl))
            }
        }
    }
}

impl TokenSource for TokenManager {
    fn token<'a>(
        &'a self,
        engine: &'a Engine,
    ) -> Pin<Box<dyn Future<Output = Result<Secret>> + Send + 'a>> {
        Box::pin(async move {
            let state = self.state();
            let mut g = state.lock().await;
            if let Some(c) = g.as_ref()
                && Instant::now() < c.refresh_at
            {
                return Ok(c.token.clone());
            }
            let (token, ttl) = self.fetch(engine).await?;
            *g = Some(CachedToken {
                token: token.clone(),
                refresh_at: Instant::now() + refresh_after(ttl), // bounded: cannot overflow
            });
            Ok(token)
        })
    }

    fn invalidate<'a>(&'a self, used: &'a Secret) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            let state = self.state();
            let mut g = state.lock().await;
            if g.as_ref().is_some_and(|c| &c.token == used) {
                *g = None;
            }
        })
    }
}

struct EasemobInner {
    engine: Engine,
    tokens: TokenManager,
    org_name: String,
    app_name: String,
}

/// An Easemob / Agora Chat REST API client.
#[derive(Clone)]
pub struct Easemob {
    inner: Arc<EasemobInner>,
}

impl std::fmt::Debug for Easemob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Easemob")
            .field("org_name", &self.inner.org_name)
            .field("app_name", &self.inner.app_name)
            .field("auth", &self.inner.tokens.auth)
            .field("hosts", &self.inner.engine.pool.hosts())
            .finish()
    }
}

fn check_name(what: &str, s: &str) -> Result<()> {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::config(format!(
            "{what} '{s}' must be non-empty letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

impl Easemob {
    pub fn new(config: EasemobConfig) -> Result<Self> {
        check_name("org_name", &config.org_name)?;
        check_name("app_name", &config.app_name)?;
        match &config.auth {
            EasemobAuth::ClientCredentials {
                client_id,
                client_secret,
            } => {
                if client_id.is_empty() || client_secret.is_empty() {
                    return Err(Error::config("client_id and client_secret are needed"));
                }
            }
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                // building a token checks both formats
                AccessToken2::chat_app(app_id, 0, 1, 1).build(app_certificate)?;
                if let Some(ttl) = config.token_ttl
                    && !(1..=AGORA_DEFAULT_TTL).contains(&ttl)
                {
                    return Err(Error::invalid_argument(
                        "token_ttl",
                        format!(
                            "is {ttl}; Agora app tokens live 1..={AGORA_DEFAULT_TTL} seconds (24 hours at most)"
                        ),
                    ));
                }
            }
        }
        let base = format!("/{}/{}", config.org_name, config.app_name);
        let engine = Engine::new(Cloud::Easemob, base, &config.hosts, config.options)?;
        let tokens = TokenManager {
            auth: config.auth,
            ttl: config.token_ttl,
            state: PerProcess::new(TokenState::default),
            fetches: AtomicU64::new(0),
        };
        Ok(Easemob {
            inner: Arc::new(EasemobInner {
                engine,
                tokens,
                org_name: config.org_name,
                app_name: config.app_name,
            }),
        })
    }

    pub fn api(&self) -> &'static Api {
        catalogue::easemob()
    }

    pub fn hosts(&self) -> Vec<String> {
        self.inner.engine.pool.hosts().to_vec()
    }

    fn auth_for(&self, op: &Operation) -> AuthRef<'_> {
        match op.auth {
            catalogue::Auth::None => AuthRef::None,
            catalogue::Auth::Default => AuthRef::Bearer(&self.inner.tokens),
        }
    }

    fn credential(&self) -> impl Fn(&str) -> Option<String> + Sync + '_ {
        move |name| match (&self.inner.tokens.auth, name) {
            (EasemobAuth::ClientCredentials { client_id, .. }, "client_id") => {
                Some(client_id.clone())
            }
            (EasemobAuth::ClientCredentials { client_secret, .. }, "client_secret") => {
                Some(client_secret.expose().to_string())
            }
            _ => None,
        }
    }

    /// Call an operation by name, e.g. `call("group.announcement_set", json!({"group_id": g, "announcement": a}))`.
    pub async fn call(&self, operation: &str, args: Value) -> Result<Response> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            None,
            &self.credential(),
        )
        .await?;
        if op.download {
            return Err(Error::invalid_argument(
                "operation",
                format!("{operation} is a download: use download()"),
            ));
        }
        let reply = self
            .inner
            .engine
            .execute(op, &prep, None, self.auth_for(op))
            .await?;
        json_reply(op, reply)
    }

    /// Call an upload operation (`attachment.upload`, `group.share_file_upload`) with its file, streamed.
    pub async fn upload(&self, operation: &str, args: Value, file: FileSource) -> Result<Response> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            Some(&file),
            &self.credential(),
        )
        .await?;
        let reply = self
            .inner
            .engine
            .execute(op, &prep, Some(&file), self.auth_for(op))
            .await?;
        json_reply(op, reply)
    }

    /// Call a download operation (`attachment.download`, `group.share_file_download`), streaming the file to `sink`.
    pub async fn download(&self, operation: &str, args: Value, sink: FileSink) -> Result<Download> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            None,
            &self.credential(),
        )
        .await?;
        if !op.download {
            return Err(Error::invalid_argument(
                "operation",
                format!("{operation} is not a download: use call()"),
            ));
        }
        let reply = self
            .inner
            .engine
            .execute(op, &prep, None, self.auth_for(op))
            .await?;
        stream_to_sink(op, reply, sink).await
    }

    /// The current app token (fetched or built if needed). For inspection; calls use it automatically.
    pub async fn app_token(&self) -> Result<Secret> {
        self.inner.tokens.token(&self.inner.engine).await
    }

    /// How many times this client fetched or built an app token.
    pub fn token_fetches(&self) -> u64 {
        self.inner.tokens.fetches.load(Ordering::Relaxed)
    }

    /// Agora mode: a Chat user token for the user's UUID (from `user.get`), valid `ttl` seconds (≤ 24 h).
    pub fn chat_user_token(&self, user_uuid: &str, ttl: u32) -> Result<Secret> {
        match &self.inner.tokens.auth {
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                if user_uuid.is_empty() {
                    return Err(Error::invalid_argument("user_uuid", "must not be empty"));
                }
                if ttl == 0 || ttl > AGORA_DEFAULT_TTL {
                    return Err(Error::invalid_argument(
                        "ttl",
                        format!("is {ttl}; must be 1..=86400 seconds"),
                    ));
                }
                let salt = rand::rng().random_range(1..=99_999_999u32);
                let issue = (now_millis() / 1000) as u32;
                Ok(Secret::new(
                    AccessToken2::chat_user(app_id, user_uuid, issue, salt, ttl)
                        .build(app_certificate)?,
                ))
            }
            EasemobAuth::ClientCredentials { .. } => Err(Error::config(
                "chat user tokens are built from an Agora App Certificate; this client uses client credentials",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_timing() {
        assert_eq!(refresh_after(7200), Duration::from_secs(6900));
        assert_eq!(refresh_after(60), Duration::from_secs(45));
        // never-expiring and absurd lifetimes from the server are kept at most 30 days, and the
        // refresh instant can always be computed (no Instant overflow)
        assert_eq!(refresh_after(0), MAX_TOKEN_REUSE);
        assert_eq!(refresh_after(u64::MAX), MAX_TOKEN_REUSE);
        let _ = Instant::now() + refresh_after(u64::MAX);
    }
}
