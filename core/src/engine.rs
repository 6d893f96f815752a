//! The request engine shared by both clouds: picks hosts, sends attempts, classifies answers and
//! follows the failover state machine's decisions.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use rand::Rng;
use serde_json::Value;

use crate::catalogue::{Cloud, Operation};
use crate::config::{ClientOptions, normalise_hosts};
use crate::error::{Error, ErrorKind, Result};
use crate::failover::{Attempt, Decision, HostPool, Outcome, Plan, decide, parse_retry_after};
use crate::files::FileSource;
use crate::runtime::PerProcess;
use crate::secret::Secret;
use crate::signing::sign_now;
use crate::wire::{Prepared, PreparedBody};

/// Supplies bearer tokens (Easemob / Agora). Implemented by the token manager.
pub(crate) trait TokenSource: Send + Sync {
    fn token<'a>(
        &'a self,
        engine: &'a Engine,
    ) -> Pin<Box<dyn Future<Output = Result<Secret>> + Send + 'a>>;
    fn invalidate<'a>(&'a self, used: &'a Secret) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// How a call authenticates.
pub(crate) enum AuthRef<'a> {
    None,
    RongCloud {
        app_key: &'a str,
        secret: &'a Secret,
    },
    Bearer(&'a dyn TokenSource),
}

/// What came back from a successful call.
pub(crate) enum Answer {
    Json {
        status: u16,
        body: Value,
    },
    Stream {
        status: u16,
        response: reqwest::Response,
    },
}

pub(crate) struct Reply {
    pub answer: Answer,
    pub host: String,
    pub request_id: String,
}

pub(crate) struct Engine {
    pub cloud: Cloud,
    base_path: String,
    pub pool: HostPool,
    pub options: ClientOptions,
    user_agent: String,
    /// The HTTP client of this process: a child of fork() builds its own (the parent's holds
    /// connections of the parent's runtime), and it is rebuilt once `connection_max_age` old, so
    /// no connection carries new requests past that age.
    http: PerProcess<HttpClient>,
}

pub(crate) struct HttpClient {
    born: Instant,
    client: Option<reqwest::Client>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("cloud", &self.cloud)
            .field("hosts", &self.pool.hosts())
            .finish()
    }
}

fn build_http(options: &ClientOptions) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .pool_idle_timeout(options.pool_idle_timeout)
        .pool_max_idle_per_host(options.pool_max_idle_per_host)
        .https_only(!options.allow_insecure_http)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))
}

impl Engine {
    pub fn new(
        cloud: Cloud,
        base_path: String,
        hosts: &[String],
        options: ClientOptions,
    ) -> Result<Self> {
        options.validate()?;
        let hosts = normalise_hosts(hosts, &options)?;
        build_http(&options)?; // a configuration the HTTP client refuses fails here, not per call
        let made_with = options.clone();
        let http = PerProcess::new(move || HttpClient {
            born: Instant::now(),
            client: build_http(&made_with).ok(),
        });
        let probe_lease = options.connect_timeout + options.request_timeout;
        let user_agent = options
            .user_agent
            .clone()
            .unwrap_or_else(|| format!("imcloud/{}", env!("CARGO_PKG_VERSION")));
        Ok(Engine {
            cloud,
            base_path,
            pool: HostPool::new(hosts, options.failover.clone(), probe_lease),
            options,
            user_agent,
            http,
        })
    }

    /// The HTTP client of this process, rebuilt when it reaches `connection_max_age` (requests
    /// under way keep their connection; new ones open fresh connections).
    fn http(&self) -> Result<reqwest::Client> {
        let mut cur = self.http.get();
        if cur.born.elapsed() >= self.options.connection_max_age {
            cur = self.http.replace(
                &cur,
                HttpClient {
                    born: Instant::now(),
                    client: build_http(&self.options).ok(),
                },
            );
        }
        cur.client
            .clone()
            .ok_or_else(|| Error::config("cannot build the HTTP client"))
    }

    /// Send one call, with failover and retries, until an answer or a final error.
    pub async fn execute(
        &self,
        op: &Operation,
        prep: &Prepared,
        file: Option<&FileSource>,
        auth: AuthRef<'_>,
    ) -> Result<Reply> {
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        let http = self
            .http()
            .map_err(|e| e.with_operation(&op.name).with_request_id(&request_id))?;
        // the plan's probes go back to the pool however this call ends, cancellation included
        let plan = PlanGuard {
            pool: &self.pool,
            plan: self.pool.plan(Instant::now()),
        };
        let order = &plan.plan.order;
        let timeout = if op.download || file.is_some() {
            self.options.transfer_timeout
        } else {
            self.options.request_timeout
        };
        let mut pos = 0usize;
        let mut attempts = 0u32;
        let mut rate_limited = 0u32;
        let mut token_refreshed = false;
        let mut tried: Vec<String> = Vec::new();
        loop {
            let idx = order[pos];
            let host = &self.pool.hosts()[idx];
            attempts += 1;
            let bearer = match &auth {
                AuthRef::Bearer(src) => Some(
                    src.token(self)
                        .await
                        .map_err(|e| e.with_operation(&op.name))?,
                ),
                _ => None,
            };
            let local = LocalFailure::default();
            let started = Instant::now();
            let result = self
                .attempt(
                    &http,
                    op,
                    prep,
                    file,
                    &auth,
                    bearer.as_ref(),
                    host,
                    &request_id,
                    timeout,
                    &local,
                )
                .await;
            // a failure on our side (the upload source, the request we built) ends the call and
            // says nothing about the host: its health is left as it was
            if let Some(e) = local.take(op) {
                return Err(e.with_operation(&op.name).with_request_id(&request_id));
            }
            let (outcome, answer) = match result {
                Ok(a) => a,
                Err(e) => return Err(e.with_operation(&op.name).with_request_id(&request_id)),
            };
            if outcome.host_failed() {
                self.pool.record_failure(idx, started, Instant::now());
            } else {
                self.pool.record_success(idx);
            }
            let answer = match answer {
                Ok(a) => {
                    return Ok(Reply {
                        answer: a,
                        host: host.clone(),
                        request_id,
                    });
                }
                Err(e) => e,
            };
            tried.push(format!("{host} ({})", answer.kind));
            let state = Attempt {
                attempts,
                rate_limited,
                idempotent: op.idempotent,
                token_refreshed,
                hosts_left: pos + 1 < order.len(),
                body_replayable: file.is_none_or(FileSource::replayable),
                jitter: rand::rng().random_range(0.5..=1.0),
            };
            let decision = decide(&self.options.retry, outcome, &state);
            tracing::debug!(operation = %op.name, %host, ?outcome, ?decision, attempt = attempts, "imcloud attempt");
            match decision {
                Decision::Done | Decision::GiveUp => {
                    let mut e = answer
                        .with_operation(&op.name)
                        .with_request_id(&request_id)
                        .with_host(host);
                    if outcome.may_have_been_processed() && !op.idempotent && state.hosts_left {
                        e.message.push_str(&format!(
                            "; not re-sent because {} is not idempotent",
                            op.name
                        ));
                    }
                    if tried.len() > 1 {
                        e.message.push_str(&format!("; tried {}", tried.join(", ")));
                    }
                    return Err(e);
                }
                Decision::NextHost => pos += 1,
                Decision::SameHostAfter(d) => {
                    rate_limited += 1;
                    tokio::time::sleep(d).await;
                }
                Decision::RefreshTokenAndRetry => {
                    token_refreshed = true;
                    if let (AuthRef::Bearer(src), Some(used)) = (&auth, bearer.as_ref()) {
                        src.invalidate(used).await;
                    }
                }
            }
        }
    }

    /// One attempt on one host. The outer `Err` is a local failure that ends the call (a file that
    /// cannot be read); otherwise the outcome and either the answer or the attempt's error.
    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        http: &reqwest::Client,
        op: &Operation,
        prep: &Prepared,
        file: Option<&FileSource>,
        auth: &AuthRef<'_>,
        bearer: Option<&Secret>,
        host: &str,
        request_id: &str,
        timeout: Duration,
        local: &LocalFailure,
    ) -> Result<(Outcome, Result<Answer>)> {
        let url = format!("{host}{}{}", self.base_path, prep.path_and_query());
        let method = reqwest::Method::from_bytes(prep.method.as_bytes())
            .map_err(|_| Error::config(format!("bad method {}", prep.method)))?;
        let mut rb = http
            .request(method, &url)
            .timeout(timeout)
            .header("X-Request-ID", request_id)
            .header("User-Agent", &self.user_agent)
            .header(
                "Accept",
                if op.download {
                    "application/octet-stream"
                } else {
                    "application/json"
                },
            );
        for (k, v) in &prep.headers {
            rb = rb.header(k, v);
        }
        match auth {
            AuthRef::None => {}
            AuthRef::RongCloud { app_key, secret } => {
                let s = sign_now(app_key, secret);
                rb = rb
                    .header("App-Key", s.app_key)
                    .header("Nonce", s.nonce)
                    .header("Timestamp", s.timestamp)
                    .header("Signature", s.signature);
            }
            AuthRef::Bearer(_) => {
                if let Some(t) = bearer {
                    rb = rb.header("Authorization", format!("Bearer {}", t.expose()));
                }
            }
        }
        rb = match &prep.body {
            PreparedBody::Empty => rb,
            PreparedBody::Form(s) => rb
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(Bytes::from(s.clone())),
            PreparedBody::Json(s) => rb
                .header("Content-Type", "application/json")
                .body(Bytes::from(s.clone())),
            PreparedBody::Multipart { field } => {
                let file = file.ok_or_else(|| Error::invalid_argument("file", "is required"))?;
                let max = op.file_param().and_then(|p| p.max_size);
                rb.multipart(multipart(field, file, max, local.clone()).await?)
            }
        };
        // building the request is local: a value that cannot be sent (a header with a line
        // break that got past validation) is our failure, never the host's
        let request = rb.build().map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("the request cannot be built: {}", without_url(&e)),
            )
        })?;
        let resp = match http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Ok(transport_failure(&e, host, timeout, op.idempotent)),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if op.download && (200..300).contains(&status) {
            return Ok((
                Outcome::Success,
                Ok(Answer::Stream {
                    status,
                    response: resp,
                }),
            ));
        }
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Ok(transport_failure(&e, host, timeout, op.idempotent)),
        };
        let body: Option<Value> = serde_json::from_slice(&bytes).ok();
        Ok(classify(
            self.cloud,
            matches!(auth, AuthRef::Bearer(_)),
            status,
            body,
            retry_after,
            op.idempotent,
        ))
    }
}

/// What went wrong on our side during an attempt: the upload source failed to read, or it
/// turned out larger than the limit. Set from inside the body stream, read after the attempt.
#[derive(Clone, Default)]
pub(crate) struct LocalFailure {
    too_big: Arc<AtomicBool>,
    read_error: Arc<Mutex<Option<String>>>,
}

impl LocalFailure {
    fn read_failed(&self, e: &std::io::Error) {
        let mut g = self.read_error.lock().unwrap_or_else(|e| e.into_inner());
        g.get_or_insert_with(|| e.to_string());
    }

    /// The local error this attempt ended with, if any.
    fn take(&self, op: &Operation) -> Option<Error> {
        if self.too_big.load(Ordering::SeqCst) {
            let max = op.file_param().and_then(|p| p.max_size).unwrap_or(0);
            let name = op
                .file_param()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| "file".into());
            return Some(Error::invalid_argument(
                name,
                format!("stream is larger than the limit of {max} bytes"),
            ));
        }
        let msg = self
            .read_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        Some(Error::io(format!(
            "cannot read the upload: {msg}; nothing was stored by the server"
        )))
    }
}

/// An upload source as a body stream that reports its read errors and its size overrun to
/// `local` (where the attempt finds them), rather than as a broken connection.
fn watched<R>(r: R, limit: Option<u64>, local: LocalFailure) -> reqwest::Body
where
    R: tokio::io::AsyncRead + Send + 'static,
{
    let mut seen = 0u64;
    let limit = limit.unwrap_or(u64::MAX);
    let stream = tokio_util::io::ReaderStream::new(r).map(move |chunk| {
        let chunk = chunk.inspect_err(|e| local.read_failed(e))?;
        seen += chunk.len() as u64;
        if seen > limit {
            local.too_big.store(true, Ordering::SeqCst);
            return Err(std::io::Error::other("upload exceeds the size limit"));
        }
        Ok(chunk)
    });
    reqwest::Body::wrap_stream(stream)
}

/// A file name for a multipart header, encoded as the HTML form-data rule does: CR, LF and `"`
/// become `%0D`, `%0A` and `%22`, so a name can never end the header or start another.
pub(crate) fn multipart_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '"' => out.push_str("%22"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

async fn multipart(
    field: &str,
    file: &FileSource,
    max: Option<u64>,
    local: LocalFailure,
) -> Result<reqwest::multipart::Form> {
    let name = file.name();
    let part = match file {
        FileSource::Path(p) => {
            let f = tokio::fs::File::open(p)
                .await
                .map_err(|e| Error::io(format!("cannot open {}: {e}", p.display())))?;
            let len = f
                .metadata()
                .await
                .map_err(|e| Error::io(format!("cannot read {}: {e}", p.display())))?
                .len();
            reqwest::multipart::Part::stream_with_length(watched(f, None, local), len)
        }
        FileSource::Bytes { data, .. } => reqwest::multipart::Part::stream_with_length(
            reqwest::Body::from(data.clone()),
            data.len() as u64,
        ),
        FileSource::Reader { .. } | FileSource::Reopen { .. } => {
            let r = file
                .take_reader()
                .ok_or_else(|| {
                    Error::io("the upload stream was already consumed by an earlier attempt")
                })?
                .map_err(|e| Error::io(format!("cannot read the upload stream: {e}")))?;
            reqwest::multipart::Part::stream(watched(r, max, local))
        }
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let part = part
        .file_name(multipart_file_name(&name))
        .mime_str(mime.as_ref())
        .map_err(|e| Error::config(format!("bad content type: {e}")))?;
    Ok(reqwest::multipart::Form::new().part(field.to_string(), part))
}

/// Gives a call's plan back to the pool when the call ends in any way (see [`HostPool::release`]).
struct PlanGuard<'a> {
    pool: &'a HostPool,
    plan: Plan,
}

impl Drop for PlanGuard<'_> {
    fn drop(&mut self) {
        self.pool.release(&self.plan);
    }
}

fn transport_failure(
    e: &reqwest::Error,
    host: &str,
    timeout: Duration,
    idempotent: bool,
) -> (Outcome, Result<Answer>) {
    let reason = error_chain(e);
    if e.is_connect() {
        let err = Error::new(
            ErrorKind::Connect,
            format!("could not connect to {host}: {reason}"),
        )
        .retryable(true);
        return (Outcome::ConnectFailed, Err(err));
    }
    if e.is_timeout() {
        let err = Error::new(
            ErrorKind::Timeout,
            format!(
                "no answer from {host} within {:.1}s; the call may have been processed",
                timeout.as_secs_f64()
            ),
        )
        .retryable(idempotent);
        return (Outcome::NoAnswer { timed_out: true }, Err(err));
    }
    let err = Error::new(
        ErrorKind::Network,
        format!("connection to {host} failed before a complete answer ({reason}); the call may have been processed"),
    )
    .retryable(idempotent);
    (Outcome::NoAnswer { timed_out: false }, Err(err))
}

/// The messages of an error and its sources, without the URL (which the caller already knows).
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    if parts.is_empty() {
        parts.push(without_url(e));
    }
    parts.join(": ")
}

/// The error's text with its URL elided.
fn without_url(e: &reqwest::Error) -> String {
    let s = e.to_string();
    match e.url() {
        Some(u) => s.replace(u.as_str(), "…"),
        None => s,
    }
}

/// Turn an HTTP answer into an outcome, and either the body or the error the caller sees.
pub(crate) fn classify(
    cloud: Cloud,
    bearer: bool,
    status: u16,
    body: Option<Value>,
    retry_after: Option<Duration>,
    idempotent: bool,
) -> (Outcome, Result<Answer>) {
    let (kind, api_code, message) = match cloud {
        Cloud::Rongcloud => {
            let code = body
                .as_ref()
                .and_then(|b| b.get("code"))
                .and_then(Value::as_i64);
            if status == 200 && code == Some(200) {
                return (
                    Outcome::Success,
                    Ok(Answer::Json {
                        status,
                        body: body.unwrap_or(Value::Null),
                    }),
                );
            }
            let kind = match code {
                Some(1008) => ErrorKind::RateLimited,
                Some(1000 | 1050) => ErrorKind::Server,
                Some(1001 | 1004) => ErrorKind::Authentication,
                Some(1006 | 1007 | 1009) => ErrorKind::PermissionDenied,
                Some(1002 | 1003 | 1005 | 1501 | 1502 | 1508) => ErrorKind::InvalidArgument,
                Some(404 | 1015) => ErrorKind::NotFound,
                Some(1016 | 1019 | 2007) => ErrorKind::QuotaExceeded,
                Some(_) => ErrorKind::Api,
                None => kind_from_status(status, body.is_some()),
            };
            let message = body
                .as_ref()
                .and_then(|b| b.get("errorMessage").or_else(|| b.get("msg")))
                .and_then(Value::as_str)
                .map(str::to_string);
            (kind, code.map(|c| c.to_string()), message)
        }
        Cloud::Easemob => {
            if (200..300).contains(&status) {
                if let Some(b) = body {
                    return (Outcome::Success, Ok(Answer::Json { status, body: b }));
                }
                let e = Error::new(
                    ErrorKind::Decode,
                    format!("HTTP {status} with a body that is not JSON"),
                )
                .retryable(idempotent);
                let mut e = e;
                e.http_status = Some(status);
                return (Outcome::NoAnswer { timed_out: false }, Err(e));
            }
            let error = body
                .as_ref()
                .and_then(|b| b.get("error"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let kind = match (status, error.as_deref()) {
                (401, _) => ErrorKind::Authentication,
                (429, Some("resource_limited")) => ErrorKind::QuotaExceeded,
                (_, Some("duplicate_unique_property_exists")) => ErrorKind::Conflict,
                (403, Some("exceed_limit")) => ErrorKind::QuotaExceeded,
                (413, _) => ErrorKind::InvalidArgument,
                _ => kind_from_status(status, body.is_some()),
            };
            let message = body
                .as_ref()
                .and_then(|b| b.get("error_description"))
                .and_then(Value::as_str)
                .map(str::to_string);
            (kind, error, message)
        }
    };
    // a 5xx is the server failing, whatever its body says (`503 {"code": 503}`): it fails over
    // like any 5xx when the call is idempotent
    let kind = if (500..600).contains(&status) {
        ErrorKind::Server
    } else {
        kind
    };
    let outcome = match kind {
        ErrorKind::RateLimited => Outcome::RateLimited { retry_after },
        ErrorKind::Server => Outcome::ServerError,
        ErrorKind::Decode => Outcome::NoAnswer { timed_out: false },
        ErrorKind::Authentication if bearer && cloud == Cloud::Easemob => Outcome::Unauthorized,
        _ => Outcome::Rejected,
    };
    let text = message.unwrap_or_else(|| match kind {
        ErrorKind::Decode => format!("HTTP {status} with a body that is not JSON"),
        _ => format!("HTTP {status}"),
    });
    let mut e = Error::new(kind, text);
    e.http_status = Some(status);
    e.api_code = api_code;
    e.retry_after = retry_after;
    e.retryable = match kind {
        ErrorKind::RateLimited => true,
        ErrorKind::Server | ErrorKind::Decode => idempotent,
        _ => false,
    };
    (outcome, Err(e))
}

fn kind_from_status(status: u16, has_json: bool) -> ErrorKind {
    match status {
        200..=299 if !has_json => ErrorKind::Decode,
        400 | 413 => ErrorKind::InvalidArgument,
        401 => ErrorKind::Authentication,
        403 | 405 | 430 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Api,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_5xx_is_a_server_error_whatever_the_body_says() {
        for (cloud, body) in [
            (Cloud::Rongcloud, json!({"code": 503})),
            (Cloud::Rongcloud, json!({"code": 1002, "errorMessage": "x"})),
            (
                Cloud::Easemob,
                json!({"error": "duplicate_unique_property_exists"}),
            ),
            (Cloud::Easemob, json!({"error": "whatever"})),
        ] {
            let (outcome, answer) = classify(cloud, false, 503, Some(body.clone()), None, true);
            assert_eq!(outcome, Outcome::ServerError, "{body}");
            let e = answer.err().unwrap();
            assert_eq!((e.kind, e.retryable), (ErrorKind::Server, true), "{body}");
        }
    }

    #[test]
    fn multipart_file_names_are_encoded_as_html_forms_do() {
        assert_eq!(multipart_file_name("a\r\nb\"c.png"), "a%0D%0Ab%22c.png");
        assert_eq!(multipart_file_name("über plan.pdf"), "über plan.pdf");
        assert_eq!(multipart_file_name("t\u{0}ab"), "t%00ab");
    }
}
