//! The emulator's network side: hosts, faults, routing, the admin API.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::HeaderMap;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use imcloud::agora::{AccessToken2, PRIVILEGE_CHAT_APP};
use imcloud::catalogue::{self, Auth, Encoding, Operation};
use imcloud::validate::validate;
use imcloud::wire::{Incoming as WireIncoming, body_fits, decode, match_path};
use imcloud::{ClientOptions, EasemobAuth, EasemobConfig, RongCloudConfig, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::state::{EaseApp, EmOk, Reply, RongApp, SentMessage, em_error, now_ms, rc_error};

pub const DEFAULT_RONGCLOUD_APP_KEY: &str = "emulator-app-key";
pub const DEFAULT_RONGCLOUD_APP_SECRET: &str = "emulator-app-secret";
pub const DEFAULT_EASEMOB_APP_KEY: &str = "emulator-org#emulator-app";
pub const DEFAULT_EASEMOB_CLIENT_ID: &str = "YXA6emulator-client-id";
pub const DEFAULT_EASEMOB_CLIENT_SECRET: &str = "YXA6emulator-client-secret";
/// The Agora App ID and Certificate of the public AccessToken2 test vectors.
pub const DEFAULT_AGORA_APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
pub const DEFAULT_AGORA_APP_CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";

/// Largest request body accepted (a 10 MB file plus multipart overhead).
const MAX_BODY: usize = 11 * 1024 * 1024;

/// A RongCloud app the emulator knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RongCloudApp {
    pub app_key: String,
    pub app_secret: String,
}

/// An Easemob app the emulator knows, optionally reachable with Agora tokens too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EasemobApp {
    /// `org#app`.
    pub app_key: String,
    pub client_id: String,
    pub client_secret: String,
    pub agora_app_id: Option<String>,
    pub agora_app_certificate: Option<String>,
    /// Lifetime of issued app tokens, seconds.
    pub token_ttl: u64,
}

/// What to start. From JSON (other languages), every field is optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EmulatorConfig {
    /// How many hosts (each its own port) serve the APIs. Default 2: a primary and a backup.
    pub hosts: usize,
    pub bind: IpAddr,
    /// Fixed ports for the hosts (0 or absent: any free port).
    pub ports: Vec<u16>,
    pub admin_port: u16,
    pub rongcloud: Vec<RongCloudApp>,
    pub easemob: Vec<EasemobApp>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            hosts: 2,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: Vec::new(),
            admin_port: 0,
            rongcloud: vec![RongCloudApp {
                app_key: DEFAULT_RONGCLOUD_APP_KEY.into(),
                app_secret: DEFAULT_RONGCLOUD_APP_SECRET.into(),
            }],
            easemob: vec![EasemobApp {
                app_key: DEFAULT_EASEMOB_APP_KEY.into(),
                client_id: DEFAULT_EASEMOB_CLIENT_ID.into(),
                client_secret: DEFAULT_EASEMOB_CLIENT_SECRET.into(),
                agora_app_id: Some(DEFAULT_AGORA_APP_ID.into()),
                agora_app_certificate: Some(DEFAULT_AGORA_APP_CERTIFICATE.into()),
                token_ttl: 7200,
            }],
        }
    }
}

/// What a fault does to the requests it matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Close the host's port: connections are refused (and open ones dropped) until cleared.
    Refuse,
    /// Accept the request and never answer.
    Hang,
    /// Answer with this status (default 500) and the cloud's error body, without processing.
    Status {
        #[serde(default = "default_fault_status")]
        status: u16,
    },
    /// Answer 429 (RongCloud code 1008, Easemob `reach_limit`), optionally with Retry-After seconds.
    RateLimit { retry_after: Option<f64> },
    /// A plan quota is exhausted (not a rate): Easemob 429 `resource_limited`; RongCloud 403 with
    /// code 2007 (the development environment's registered-user quota).
    QuotaExceeded,
    /// Wait `ms` milliseconds (default 1000), then handle normally.
    Delay {
        #[serde(default = "default_fault_delay")]
        ms: u64,
    },
    /// Process the request, send the status line and headers, then drop the connection.
    Reset,
    /// Process the request, send half the body, then drop the connection.
    Truncate,
    /// Process the request, then answer 200 with a body that is not JSON.
    Garbage,
}

fn default_fault_status() -> u16 {
    500
}

fn default_fault_delay() -> u64 {
    1000
}

/// A fault on one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it affects; absent: until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    /// Only requests whose path contains this.
    #[serde(default)]
    pub path_contains: Option<String>,
}

impl Fault {
    pub fn always(kind: FaultKind) -> Self {
        Fault {
            kind,
            times: None,
            path_contains: None,
        }
    }

    pub fn times(kind: FaultKind, n: u32) -> Self {
        Fault {
            kind,
            times: Some(n),
            path_contains: None,
        }
    }
}

/// A request one host received.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub host: usize,
    pub method: String,
    pub path: String,
    pub query: String,
    /// The catalogue operation it matched, if any.
    pub operation: Option<String>,
    pub request_id: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy), at most 64 KiB of it.
    pub body: String,
    pub body_len: usize,
    pub at_ms: u64,
    /// The client's port of the connection it came on: requests with the same port shared a
    /// connection (keep-alive).
    pub peer_port: u16,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct HostShared {
    addr: SocketAddr,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<RecordedRequest>>,
    refusing: watch::Sender<bool>,
    listening: AtomicBool,
    conns: Mutex<Vec<AbortHandle>>,
}

#[derive(Default)]
struct Data {
    rong: HashMap<String, RongApp>,
    ease: HashMap<String, EaseApp>,
    messages: Vec<SentMessage>,
    /// Agora tokens accepted so far, and those revoked (`revoke_tokens`). Tokens have one-second
    /// resolution, so revocation goes by the token itself, not by time.
    agora_seen: std::collections::HashSet<String>,
    agora_revoked: std::collections::HashSet<String>,
}

struct Shared {
    config: EmulatorConfig,
    hosts: Vec<HostShared>,
    data: Mutex<Data>,
    shutdown: watch::Sender<bool>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running emulator. Stops when dropped.
pub struct Emulator {
    shared: Arc<Shared>,
    admin: SocketAddr,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
    }
}

fn bind_socket(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let s = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    s.set_reuseaddr(true)?;
    s.bind(addr)?;
    s.listen(1024)
}

impl Emulator {
    /// Start the hosts and the admin API on loopback (by default).
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let (shutdown, _) = watch::channel(false);
        let mut listeners = Vec::new();
        let mut hosts = Vec::new();
        for i in 0..config.hosts.max(1) {
            let port = config.ports.get(i).copied().unwrap_or(0);
            let l = bind_socket(SocketAddr::new(config.bind, port))?;
            let addr = l.local_addr()?;
            let (refusing, _) = watch::channel(false);
            hosts.push(HostShared {
                addr,
                faults: Mutex::new(Vec::new()),
                log: Mutex::new(Vec::new()),
                refusing,
                listening: AtomicBool::new(true),
                conns: Mutex::new(Vec::new()),
            });
            listeners.push(l);
        }
        let admin_listener = bind_socket(SocketAddr::new(config.bind, config.admin_port))?;
        let admin = admin_listener.local_addr()?;
        let mut data = Data::default();
        for a in &config.rongcloud {
            data.rong.insert(
                a.app_key.clone(),
                RongApp {
                    secret: a.app_secret.clone(),
                    ..Default::default()
                },
            );
        }
        for a in &config.easemob {
            data.ease.insert(
                a.app_key.clone(),
                EaseApp {
                    client_id: a.client_id.clone(),
                    client_secret: a.client_secret.clone(),
                    token_ttl: a.token_ttl,
                    ..Default::default()
                },
            );
        }
        let shared = Arc::new(Shared {
            config,
            hosts,
            data: Mutex::new(data),
            shutdown,
        });
        for (i, l) in listeners.into_iter().enumerate() {
            tokio::spawn(run_host(shared.clone(), i, l));
        }
        tokio::spawn(run_admin(shared.clone(), admin_listener));
        Ok(Emulator { shared, admin })
    }

    /// Base URLs of the hosts, primary first: `http://127.0.0.1:PORT`.
    pub fn hosts(&self) -> Vec<String> {
        self.shared
            .hosts
            .iter()
            .map(|h| format!("http://{}", h.addr))
            .collect()
    }

    /// Base URL of the admin API.
    pub fn admin_url(&self) -> String {
        format!("http://{}", self.admin)
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Add a fault to `host`. For `Refuse`, returns once the port is closed.
    pub async fn set_fault(&self, host: usize, fault: Fault) {
        set_fault(&self.shared, host, fault).await
    }

    /// Remove the faults of `host`, or of every host. Returns once refused ports are open again.
    pub async fn clear_faults(&self, host: Option<usize>) {
        clear_faults(&self.shared, host).await
    }

    /// What `host` received, oldest first.
    pub fn requests(&self, host: usize) -> Vec<RecordedRequest> {
        self.shared
            .hosts
            .get(host)
            .map(|h| lock(&h.log).clone())
            .unwrap_or_default()
    }

    pub fn request_count(&self, host: usize) -> usize {
        self.shared
            .hosts
            .get(host)
            .map(|h| lock(&h.log).len())
            .unwrap_or(0)
    }

    pub fn clear_requests(&self) {
        for h in &self.shared.hosts {
            lock(&h.log).clear();
        }
    }

    /// Set a user online or offline (every app of both clouds).
    pub fn set_online(&self, user: &str, online: bool) {
        set_online(&self.shared, user, online)
    }

    /// Messages sent through any app, oldest first.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        lock(&self.shared.data).messages.clone()
    }

    /// Invalidate every app token issued so far (Easemob tokens and Agora tokens), to test 401 handling.
    pub fn revoke_tokens(&self) {
        revoke_tokens(&self.shared)
    }

    /// A RongCloud client configuration for the first RongCloud app, all hosts, plain http allowed,
    /// and short timeouts and cooldowns suited to tests.
    pub fn rongcloud_config(&self) -> RongCloudConfig {
        let a = &self.shared.config.rongcloud[0];
        let mut c =
            RongCloudConfig::with_hosts(a.app_key.clone(), a.app_secret.as_str(), self.hosts());
        c.options = test_options();
        c
    }

    /// An Easemob client configuration (client credentials) for the first Easemob app.
    pub fn easemob_config(&self) -> EasemobConfig {
        let a = &self.shared.config.easemob[0];
        let auth = EasemobAuth::ClientCredentials {
            client_id: a.client_id.clone(),
            client_secret: Secret::new(a.client_secret.clone()),
        };
        let mut c =
            EasemobConfig::new(&a.app_key, self.hosts(), auth).expect("app keys are org#app");
        c.options = test_options();
        c
    }

    /// An Agora Chat client configuration (App ID + Certificate) for the first Easemob app.
    pub fn agora_config(&self) -> EasemobConfig {
        let a = &self.shared.config.easemob[0];
        let auth = EasemobAuth::Agora {
            app_id: a.agora_app_id.clone().unwrap_or_default(),
            app_certificate: Secret::new(a.agora_app_certificate.clone().unwrap_or_default()),
        };
        let mut c =
            EasemobConfig::new(&a.app_key, self.hosts(), auth).expect("app keys are org#app");
        c.options = test_options();
        c
    }

    /// Stop serving (also done on drop).
    pub fn stop(&self) {
        self.shared.shutdown.send_replace(true);
    }
}

/// Client options for tests against the emulator: http allowed, short timeouts and back-offs.
pub fn test_options() -> ClientOptions {
    let mut o = ClientOptions {
        allow_insecure_http: true,
        ..ClientOptions::default()
    };
    o.connect_timeout = Duration::from_secs(2);
    o.request_timeout = Duration::from_secs(2);
    o.transfer_timeout = Duration::from_secs(10);
    o.retry.backoff_base = Duration::from_millis(20);
    o.retry.backoff_max = Duration::from_millis(200);
    o.retry.max_retry_after = Duration::from_secs(5);
    o
}

async fn set_fault(shared: &Shared, host: usize, fault: Fault) {
    let Some(h) = shared.hosts.get(host) else {
        return;
    };
    let refuse = fault.kind == FaultKind::Refuse;
    lock(&h.faults).push(fault);
    if refuse {
        h.refusing.send_replace(true);
        wait_listening(h, false).await;
    }
}

async fn clear_faults(shared: &Shared, host: Option<usize>) {
    for (i, h) in shared.hosts.iter().enumerate() {
        if host.is_none_or(|x| x == i) {
            lock(&h.faults).clear();
            if *h.refusing.borrow() {
                h.refusing.send_replace(false);
                wait_listening(h, true).await;
            }
        }
    }
}

async fn wait_listening(h: &HostShared, want: bool) {
    for _ in 0..400 {
        if h.listening.load(Ordering::SeqCst) == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn set_online(shared: &Shared, user: &str, online: bool) {
    let mut d = lock(&shared.data);
    for a in d.rong.values_mut() {
        if online {
            a.online.insert(user.to_string());
        } else {
            a.online.remove(user);
        }
    }
    for a in d.ease.values_mut() {
        if online {
            a.online.insert(user.to_lowercase());
        } else {
            a.online.remove(&user.to_lowercase());
        }
    }
}

fn revoke_tokens(shared: &Shared) {
    let mut d = lock(&shared.data);
    for a in d.ease.values_mut() {
        a.tokens.clear();
    }
    let seen: Vec<String> = d.agora_seen.drain().collect();
    d.agora_revoked.extend(seen);
}

async fn run_host(shared: Arc<Shared>, i: usize, listener: TcpListener) {
    let h = &shared.hosts[i];
    let mut refusing = h.refusing.subscribe();
    let mut shutdown = shared.shutdown.subscribe();
    let mut listener = Some(listener);
    loop {
        if *shutdown.borrow() {
            break;
        }
        if *refusing.borrow_and_update() {
            listener = None;
            for c in lock(&h.conns).drain(..) {
                c.abort();
            }
            h.listening.store(false, Ordering::SeqCst);
            tokio::select! {
                _ = refusing.changed() => continue,
                _ = shutdown.changed() => break,
            }
        }
        if listener.is_none() {
            for _ in 0..100 {
                match bind_socket(h.addr) {
                    Ok(l) => {
                        listener = Some(l);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }
        let Some(l) = listener.as_ref() else { break };
        h.listening.store(true, Ordering::SeqCst);
        tokio::select! {
            r = l.accept() => {
                if let Ok((stream, peer)) = r {
                    let shared2 = shared.clone();
                    let svc = hyper::service::service_fn(move |req| {
                        let shared = shared2.clone();
                        async move { Ok::<_, Infallible>(handle(shared, i, peer.port(), req).await) }
                    });
                    let task = tokio::spawn(async move {
                        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    });
                    let mut conns = lock(&h.conns);
                    conns.retain(|c| !c.is_finished());
                    conns.push(task.abort_handle());
                }
            }
            _ = refusing.changed() => {}
            _ = shutdown.changed() => break,
        }
    }
    for c in lock(&h.conns).drain(..) {
        c.abort();
    }
}

type Body = BoxBody<Bytes, std::io::Error>;

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn json_response(status: u16, v: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=UTF-8")
        .body(full(v.to_string()))
        .expect("static response parts are valid")
}

struct Req {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Req {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}

/// Which cloud and operation a request is for, before anything is checked.
enum Route {
    Rong(&'static Operation),
    Ease { app: String, rest: String },
    Unknown,
}

fn route(shared: &Shared, req: &Req) -> Route {
    for a in &shared.config.easemob {
        let prefix = format!("/{}/", a.app_key.replace('#', "/"));
        if let Some(rest) = req.path.strip_prefix(&prefix) {
            return Route::Ease {
                app: a.app_key.clone(),
                rest: format!("/{rest}"),
            };
        }
    }
    match catalogue::rongcloud()
        .operations
        .iter()
        .find(|o| o.path == req.path)
    {
        Some(op) => Route::Rong(op),
        None => Route::Unknown,
    }
}

fn easemob_candidates(req: &Req, rest: &str) -> (Vec<&'static Operation>, bool) {
    let mut same_path = false;
    let ops = catalogue::easemob()
        .operations
        .iter()
        .filter(|o| {
            let m = match_path(&o.path, rest).is_some();
            same_path |= m;
            m && o.method == req.method
        })
        .collect();
    (ops, same_path)
}

fn easemob_op(req: &Req, rest: &str, json: Option<&Value>) -> Option<&'static Operation> {
    let (ops, _) = easemob_candidates(req, rest);
    ops.iter()
        .find(|o| body_fits(o, json))
        .or(ops.first())
        .copied()
}

fn json_body(req: &Req) -> Option<Value> {
    let ct = req.header("content-type").unwrap_or_default();
    if ct.starts_with("application/json") && !req.body.is_empty() {
        serde_json::from_slice(&req.body).ok()
    } else {
        None
    }
}

fn take_fault(h: &HostShared, path: &str) -> Option<FaultKind> {
    let mut faults = lock(&h.faults);
    let i = faults.iter().position(|f| {
        f.kind != FaultKind::Refuse && f.path_contains.as_deref().is_none_or(|p| path.contains(p))
    })?;
    let kind = faults[i].kind.clone();
    if let Some(n) = faults[i].times.as_mut() {
        *n -= 1;
        if *n == 0 {
            faults.remove(i);
        }
    }
    Some(kind)
}

async fn handle(
    shared: Arc<Shared>,
    host: usize,
    peer_port: u16,
    req: Request<Incoming>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return json_response(
                413,
                &json!({"error": "request_entity_too_large", "error_description": "file exceeding maximum limit"}),
            );
        }
    };
    let req = Req {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts.headers,
        body,
    };
    let route = route(&shared, &req);
    let json = json_body(&req);
    let (op_name, rong) = match &route {
        Route::Rong(op) => (Some(op.name.clone()), true),
        Route::Ease { rest, .. } => (
            easemob_op(&req, rest, json.as_ref()).map(|o| o.name.clone()),
            false,
        ),
        Route::Unknown => (None, !req.path.contains('#')),
    };
    let h = &shared.hosts[host];
    {
        let text = String::from_utf8_lossy(&req.body[..req.body.len().min(64 * 1024)]).into_owned();
        lock(&h.log).push(RecordedRequest {
            host,
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            operation: op_name,
            request_id: req.header("x-request-id"),
            headers: req
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        v.to_str().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            body: text,
            body_len: req.body.len(),
            at_ms: now_ms(),
            peer_port,
        });
    }
    let fault = take_fault(h, &req.path);
    match &fault {
        Some(FaultKind::Hang) => std::future::pending::<()>().await,
        Some(FaultKind::Status { status }) => {
            let body = if rong {
                json!({"code": if *status >= 500 { 1000 } else { 1002 }, "errorMessage": "injected fault"})
            } else {
                json!({"error": "injected_fault", "error_description": "injected fault"})
            };
            return json_response(*status, &body);
        }
        Some(FaultKind::RateLimit { retry_after }) => {
            let body = if rong {
                json!({"code": 1008, "errorMessage": "Too many requests"})
            } else {
                json!({"error": "reach_limit", "error_description": "This request has reached api limit"})
            };
            let mut r = json_response(429, &body);
            if let Some(s) = retry_after {
                r.headers_mut().insert(
                    "retry-after",
                    s.to_string().parse().expect("a number is a header value"),
                );
            }
            return r;
        }
        Some(FaultKind::QuotaExceeded) => {
            return if rong {
                json_response(
                    403,
                    &json!({"code": 2007, "errorMessage": "The number of test users exceeds the limit"}),
                )
            } else {
                json_response(
                    429,
                    &json!({"error": "resource_limited", "error_description": "You have exceeded the limit of the community edition"}),
                )
            };
        }
        Some(FaultKind::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        _ => {}
    }
    let reply = match route {
        Route::Rong(op) => handle_rong(&shared, op, &req),
        Route::Ease { app, rest } => handle_ease(&shared, &app, &rest, &req, json.as_ref()).await,
        Route::Unknown => rc_error(404, 404, "no such API path"),
    };
    let (status, bytes, ctype) = match reply {
        Reply::Json(s, v) => (
            s,
            Bytes::from(v.to_string()),
            "application/json;charset=UTF-8",
        ),
        Reply::Bytes(s, b) => (s, b, "application/octet-stream"),
    };
    let broken = |keep: usize| -> Body {
        let first = bytes.slice(..keep.min(bytes.len()));
        let chunks: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
            Ok(Frame::data(first)),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected fault",
            )),
        ];
        StreamBody::new(futures_util::stream::iter(chunks)).boxed()
    };
    let (status, body, ctype, len) = match fault {
        Some(FaultKind::Reset) => (status, broken(0), ctype, Some(bytes.len())),
        Some(FaultKind::Truncate) => (status, broken(bytes.len() / 2), ctype, Some(bytes.len())),
        Some(FaultKind::Garbage) => (
            200,
            full("<html><body>502 Bad Gateway</body></html>"),
            "text/html",
            None,
        ),
        _ => (status, full(bytes.clone()), ctype, None),
    };
    let mut r = Response::builder()
        .status(status)
        .header("content-type", ctype);
    if let Some(n) = len {
        r = r.header("content-length", n);
    }
    r.body(body).expect("response parts are valid")
}

fn handle_rong(shared: &Shared, op: &'static Operation, req: &Req) -> Reply {
    if req.method != "POST" {
        return rc_error(405, 405, "method not allowed");
    }
    let h = |n: &str| req.header(n).or_else(|| req.header(&format!("rc-{n}")));
    let Some(app_key) = h("app-key") else {
        return rc_error(401, 1002, "Invalidate App-Key.");
    };
    let mut data = lock(&shared.data);
    let Data { rong, messages, .. } = &mut *data;
    let Some(app) = rong.get_mut(&app_key) else {
        return rc_error(401, 1002, "Invalidate App-Key.");
    };
    let (Some(nonce), Some(ts), Some(sig)) = (h("nonce"), h("timestamp"), h("signature")) else {
        return rc_error(
            401,
            1004,
            "Signature error: Nonce, Timestamp and Signature headers are required",
        );
    };
    if imcloud::signing::signature(&app.secret, &nonce, &ts) != sig.to_ascii_lowercase() {
        return rc_error(401, 1004, "Signature error");
    }
    let ct = req.header("content-type").unwrap_or_default();
    let (form, json) = match op.encoding {
        Encoding::Json => {
            if !ct.starts_with("application/json") {
                return rc_error(400, 1002, "Content-Type must be application/json");
            }
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(v) => (Vec::new(), Some(v)),
                Err(_) => return rc_error(400, 1002, "body is not JSON"),
            }
        }
        _ => {
            if !ct.starts_with("application/x-www-form-urlencoded") {
                return rc_error(
                    400,
                    1002,
                    "Content-Type must be application/x-www-form-urlencoded",
                );
            }
            (
                form_urlencoded::parse(&req.body)
                    .into_owned()
                    .collect::<Vec<_>>(),
                None,
            )
        }
    };
    let none = Map::new();
    let header = |n: &str| req.header(n);
    let inc = WireIncoming {
        path_params: &none,
        query: &[],
        form: &form,
        json: json.as_ref(),
        header: &header,
    };
    let args = match decode(op, &inc).and_then(|a| validate(op, &a).map(|_| a)) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.detail().contains("required") {
                1002
            } else {
                1005
            };
            return rc_error(400, code, e.detail());
        }
    };
    app.handle(&app_key, &op.name, &args, messages)
}

fn ease_envelope(app: &str, req: &Req, op: &Operation, ok: EmOk) -> Reply {
    let (org, name) = app.split_once('#').unwrap_or((app, app));
    let mut env = json!({
        "action": req.method.to_lowercase(),
        "application": "8be024f0-e978-11e8-b697-5d598d5f8402",
        "path": op.path,
        "uri": format!("http://emulator{}", req.path),
        "entities": [],
        "timestamp": now_ms(),
        "duration": 0,
        "organization": org,
        "applicationName": name,
    });
    match ok {
        EmOk::Entities(e) => env["entities"] = Value::Array(e),
        EmOk::Data(d) => env["data"] = d,
        EmOk::Raw(v) => return Reply::Json(200, v),
        EmOk::Bytes(b) => return Reply::Bytes(200, b),
    }
    Reply::Json(200, env)
}

fn bearer_ok(shared: &Shared, app_key: &str, d: &mut Data, req: &Req) -> bool {
    let Some(token) = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string))
    else {
        return false;
    };
    if d.ease.get(app_key).is_some_and(|a| a.token_valid(&token)) {
        return true;
    }
    if d.agora_revoked.contains(&token) {
        return false;
    }
    let Some(cfg) = shared.config.easemob.iter().find(|a| a.app_key == app_key) else {
        return false;
    };
    let (Some(id), Some(cert)) = (&cfg.agora_app_id, &cfg.agora_app_certificate) else {
        return false;
    };
    match AccessToken2::verify(&token, &Secret::new(cert.clone())) {
        Ok(t) => {
            let now = now_ms() / 1000;
            let ok =
                t.app_id == *id && t.has_chat_privilege(PRIVILEGE_CHAT_APP) && t.expires_at() > now;
            if ok {
                d.agora_seen.insert(token);
            }
            ok
        }
        Err(_) => false,
    }
}

async fn multipart_file(req: &Req, field: &str) -> Result<Option<(String, Bytes)>, Reply> {
    let ct = req.header("content-type").unwrap_or_default();
    let boundary = multer::parse_boundary(&ct).map_err(|_| {
        em_error(
            400,
            "illegal_argument",
            "Content-Type must be multipart/form-data with a boundary",
        )
    })?;
    let body = req.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Some(f) = mp
        .next_field()
        .await
        .map_err(|e| em_error(400, "illegal_argument", &format!("bad multipart body: {e}")))?
    {
        if f.name() == Some(field) {
            let name = f.file_name().unwrap_or("file").to_string();
            let data = f.bytes().await.map_err(|e| {
                em_error(400, "illegal_argument", &format!("bad multipart body: {e}"))
            })?;
            return Ok(Some((name, data)));
        }
    }
    Ok(None)
}

async fn handle_ease(
    shared: &Shared,
    app: &str,
    rest: &str,
    req: &Req,
    json: Option<&Value>,
) -> Reply {
    let (ops, same_path) = easemob_candidates(req, rest);
    if ops.is_empty() {
        return if same_path {
            em_error(
                405,
                "method_not_allowed",
                &format!("{} is not allowed on {rest}", req.method),
            )
        } else {
            em_error(
                404,
                "resource_not_found",
                &format!("no such API path: {rest}"),
            )
        };
    }
    let op = ops
        .iter()
        .find(|o| body_fits(o, json))
        .copied()
        .unwrap_or(ops[0]);
    if op.encoding == Encoding::Json && json.is_none() && !req.body.is_empty() {
        return em_error(
            400,
            "invalid_request_body",
            "Request body is not valid JSON",
        );
    }
    let file = if op.encoding == Encoding::Multipart {
        let field = op
            .file_param()
            .map(|p| p.wire.clone())
            .unwrap_or_else(|| "file".into());
        match multipart_file(req, &field).await {
            Ok(f) => f,
            Err(r) => return r,
        }
    } else {
        None
    };
    let mut data = lock(&shared.data);
    if op.auth == Auth::Default && !bearer_ok(shared, app, &mut data, req) {
        return em_error(
            401,
            "unauthorized",
            "Unable to authenticate due to expired access token",
        );
    }
    let Data { ease, messages, .. } = &mut *data;
    let Some(state) = ease.get_mut(app) else {
        return em_error(
            404,
            "organization_application_not_found",
            "Could not find application",
        );
    };
    if op.name == "auth.app_token" {
        let body = json.cloned().unwrap_or(Value::Null);
        let get = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        if get("grant_type") != "client_credentials" {
            return em_error(
                400,
                "unsupported_grant_type",
                "grant_type must be client_credentials",
            );
        }
        if get("client_id").is_empty() {
            return em_error(400, "illegal_argument", "client_id must be provided.");
        }
        if get("client_secret").is_empty() {
            return em_error(400, "illegal_argument", "client_secret must be provided");
        }
        if get("client_id") != state.client_id {
            return em_error(400, "invalid_grant", "client_id does not match");
        }
        if get("client_secret") != state.client_secret {
            return em_error(400, "invalid_grant", "client_secret does not match");
        }
    }
    if let (Some(p), Some((_, bytes))) = (op.file_param(), file.as_ref())
        && p.max_size.is_some_and(|m| bytes.len() as u64 > m)
    {
        return em_error(
            413,
            "request_entity_too_large",
            "file exceeding maximum limit",
        );
    }
    let path_params = match_path(&op.path, rest).unwrap_or_default();
    let query = req.query_pairs();
    let header = |n: &str| req.header(n);
    let inc = WireIncoming {
        path_params: &path_params,
        query: &query,
        form: &[],
        json,
        header: &header,
    };
    let args = match decode(op, &inc).and_then(|a| validate(op, &a).map(|_| a)) {
        Ok(a) => a,
        Err(e) if op.name == "group.announcement_set" && e.param() == Some("announcement") => {
            return em_error(403, "forbidden_op", "announce info length exceeds limit!");
        }
        Err(e) => return em_error(400, "illegal_argument", e.detail()),
    };
    match state.handle(app, &op.name, &args, file, &header, messages) {
        Ok(ok) => ease_envelope(app, req, op, ok),
        Err(r) => r,
    }
}

// ------------------------------------------------------------------------------------------------
// Admin API
// ------------------------------------------------------------------------------------------------

async fn run_admin(shared: Arc<Shared>, listener: TcpListener) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        tokio::select! {
            r = listener.accept() => {
                if let Ok((stream, _)) = r {
                    let shared2 = shared.clone();
                    let svc = hyper::service::service_fn(move |req| {
                        let shared = shared2.clone();
                        async move { Ok::<_, Infallible>(admin(shared, req).await) }
                    });
                    tokio::spawn(async move {
                        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    });
                }
            }
            _ = shutdown.changed() => break,
        }
    }
}

#[derive(Deserialize)]
struct FaultRequest {
    host: usize,
    #[serde(flatten)]
    fault: Fault,
}

#[derive(Deserialize)]
struct OnlineRequest {
    user: String,
    online: bool,
}

async fn admin(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, 1 << 20)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let query: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let host_q = query
        .iter()
        .find(|(k, _)| k == "host")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let bad = |m: String| json_response(400, &json!({"error": m}));
    let ok = json_response(200, &json!({"ok": true}));
    match (parts.method.as_str(), parts.uri.path()) {
        ("GET", "/_emulator/info") => {
            let hosts: Vec<String> = shared
                .hosts
                .iter()
                .map(|h| format!("http://{}", h.addr))
                .collect();
            json_response(
                200,
                &json!({"hosts": hosts, "rongcloud": shared.config.rongcloud, "easemob": shared.config.easemob}),
            )
        }
        ("POST", "/_emulator/faults") => match serde_json::from_slice::<FaultRequest>(&body) {
            Ok(f) if f.host < shared.hosts.len() => {
                set_fault(&shared, f.host, f.fault).await;
                ok
            }
            Ok(f) => bad(format!("no host {}", f.host)),
            Err(e) => bad(format!("bad fault: {e}")),
        },
        ("DELETE", "/_emulator/faults") => {
            clear_faults(&shared, host_q).await;
            ok
        }
        ("GET", "/_emulator/requests") => {
            let all: Vec<RecordedRequest> = shared
                .hosts
                .iter()
                .enumerate()
                .filter(|(i, _)| host_q.is_none_or(|h| h == *i))
                .flat_map(|(_, h)| lock(&h.log).clone())
                .collect();
            json_response(200, &serde_json::to_value(all).unwrap_or_default())
        }
        ("DELETE", "/_emulator/requests") => {
            for h in &shared.hosts {
                lock(&h.log).clear();
            }
            ok
        }
        ("POST", "/_emulator/online") => match serde_json::from_slice::<OnlineRequest>(&body) {
            Ok(o) => {
                set_online(&shared, &o.user, o.online);
                ok
            }
            Err(e) => bad(format!("expected {{\"user\": .., \"online\": ..}}: {e}")),
        },
        ("GET", "/_emulator/messages") => {
            let m = lock(&shared.data).messages.clone();
            json_response(200, &serde_json::to_value(m).unwrap_or_default())
        }
        ("POST", "/_emulator/tokens/revoke") => {
            revoke_tokens(&shared);
            ok
        }
        (m, p) => json_response(404, &json!({"error": format!("no admin route {m} {p}")})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_serialise_as_flat_tagged_objects() {
        let f = Fault::times(
            FaultKind::RateLimit {
                retry_after: Some(1.5),
            },
            2,
        );
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v,
            json!({"kind": "rate_limit", "retry_after": 1.5, "times": 2, "path_contains": null})
        );
        let back: Fault = serde_json::from_value(json!({"kind": "status", "status": 503})).unwrap();
        assert_eq!(back, Fault::always(FaultKind::Status { status: 503 }));
        let dflt: Fault = serde_json::from_value(json!({"kind": "status"})).unwrap();
        assert_eq!(dflt, Fault::always(FaultKind::Status { status: 500 }));
        let delay: Fault = serde_json::from_value(json!({"kind": "delay", "times": 1})).unwrap();
        assert_eq!(delay, Fault::times(FaultKind::Delay { ms: 1000 }, 1));
    }
}
