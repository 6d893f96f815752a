//! The admin API (`/_emulator/...`): how processes in other languages drive a running emulator.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;

use crate::emulator::{Shared, lock};
use crate::faults::{self, Fault};
use crate::hosts::RecordedRequest;
use crate::http::{Body, json_response};

pub(crate) async fn run_admin(shared: Arc<Shared>, listener: TcpListener) {
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
        ("GET", "/_emulator/info") => json_response(
            200,
            &json!({"hosts": shared.host_urls(), "rongcloud": shared.config.rongcloud, "easemob": shared.config.easemob}),
        ),
        ("POST", "/_emulator/faults") => match serde_json::from_slice::<FaultRequest>(&body) {
            Ok(f) if f.host < shared.hosts.len() => {
                faults::set_fault(&shared, f.host, f.fault).await;
                ok
            }
            Ok(f) => bad(format!("no host {}", f.host)),
            Err(e) => bad(format!("bad fault: {e}")),
        },
        ("DELETE", "/_emulator/faults") => {
            faults::clear_faults(&shared, host_q).await;
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
            shared.clear_requests();
            ok
        }
        ("POST", "/_emulator/online") => match serde_json::from_slice::<OnlineRequest>(&body) {
            Ok(o) => {
                shared.set_online(&o.user, o.online);
                ok
            }
            Err(e) => bad(format!("expected {{\"user\": .., \"online\": ..}}: {e}")),
        },
        ("GET", "/_emulator/messages") => {
            let m = lock(&shared.data).messages.clone();
            json_response(200, &serde_json::to_value(m).unwrap_or_default())
        }
        ("POST", "/_emulator/tokens/revoke") => {
            shared.revoke_tokens();
            ok
        }
        (m, p) => json_response(404, &json!({"error": format!("no admin route {m} {p}")})),
    }
}
