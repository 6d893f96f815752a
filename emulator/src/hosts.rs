//! The hosts: one listener per host (closed and reopened by the `refuse` fault), and the path of
//! every request through a host: read, record, fault, route, answer.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Serialize;
use serde_json::json;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::emulator::{Shared, lock};
use crate::faults::{self, Fault, FaultKind};
use crate::http::{Body, Reply, Req, json_response, now_ms};
use crate::routing;

/// Largest request body accepted (a 10 MB file plus multipart overhead).
const MAX_BODY: usize = 11 * 1024 * 1024;

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

/// One host: its address, faults, request log and listening state.
pub(crate) struct HostShared {
    pub addr: SocketAddr,
    pub faults: Mutex<Vec<Fault>>,
    pub log: Mutex<Vec<RecordedRequest>>,
    pub refusing: watch::Sender<bool>,
    pub listening: AtomicBool,
    pub conns: Mutex<Vec<AbortHandle>>,
}

pub(crate) fn bind_socket(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let s = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    s.set_reuseaddr(true)?;
    s.bind(addr)?;
    s.listen(1024)
}

/// Serve host `i` until shutdown, closing the port while it is refusing.
pub(crate) async fn run_host(shared: Arc<Shared>, i: usize, listener: TcpListener) {
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

fn record(h: &HostShared, host: usize, peer_port: u16, req: &Req, operation: Option<String>) {
    let text = String::from_utf8_lossy(&req.body[..req.body.len().min(64 * 1024)]).into_owned();
    lock(&h.log).push(RecordedRequest {
        host,
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        operation,
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
    let route = routing::route(&shared, &req);
    let h = &shared.hosts[host];
    record(h, host, peer_port, &req, route.operation_name(&req));
    let fault = faults::take_fault(h, &req.path);
    match &fault {
        Some(FaultKind::Hang) => std::future::pending::<()>().await,
        Some(FaultKind::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(kind) => {
            if let Some(r) = faults::answer_instead(kind, route.speaks_rongcloud(&req)) {
                return r;
            }
        }
        None => {}
    }
    let (status, bytes, ctype) = match routing::serve(&shared, route, &req).await {
        Reply::Json(s, v) => (
            s,
            Bytes::from(v.to_string()),
            "application/json;charset=UTF-8",
        ),
        Reply::Bytes(s, b) => (s, b, "application/octet-stream"),
    };
    faults::deliver(fault.as_ref(), status, bytes, ctype)
}
