//! The request engine shared by both clouds: picks hosts, sends attempts, classifies answers and
//! follows the failover state machine's decisions.

mod classify;
mod multipart;

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
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

pub(crate) use classify::classify;
use classify::{transport_failure, without_url};
use multipart::{LocalFailure, multipart};

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
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .pool_idle_timeout(options.pool_idle_timeout)
        .pool_max_idle_per_host(options.pool_max_idle_per_host)
        .https_only(!options.allow_insecure_http)
        .redirect(reqwest::redirect::Policy::none())
        .tls_certs_merge(options.root_certificates()?);
    builder = match options.proxy()? {
        None => builder, // the environment's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
        Some(None) => builder.no_proxy(),
        Some(Some(proxy)) => builder.proxy(proxy),
    };
    builder.build().map_err(|e| {
        let e = e.without_url();
        Error::config(format!("cannot build the HTTP client: {e}")).with_source(e)
    })
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
            tried.push(format!("{host} ({})", answer.kind()));
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
                        e = e.with_note(format!(
                            "not re-sent because {} is not idempotent",
                            op.name
                        ));
                    }
                    if tried.len() > 1 {
                        e = e.with_note(format!("tried {}", tried.join(", ")));
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
            .with_source(e.without_url())
        })?;
        let resp = match http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Ok(transport_failure(e, host, timeout, op.idempotent)),
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
            Err(e) => return Ok(transport_failure(e, host, timeout, op.idempotent)),
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
