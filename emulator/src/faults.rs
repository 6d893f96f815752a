//! Fault injection per host: what a fault does, which requests it takes, and the answers it forces.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::Response;
use hyper::body::Frame;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::emulator::{Shared, lock};
use crate::hosts::HostShared;
use crate::http::{Body, json_response};

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

pub(crate) async fn set_fault(shared: &Shared, host: usize, fault: Fault) {
    let Some(h) = shared.hosts.get(host) else {
        return;
    };
    let refuse = fault.kind == FaultKind::Refuse;
    lock(&h.faults).push(fault);
    if refuse {
        h.refusing.send_replace(true);
        wait_listening(h, false).await;
        // The host's open connections were dropped with the port: give their clients a moment to
        // see the close, so a pooled connection is not picked up after the fault is in place (a
        // request sent on it would be reset after sending, which is a different fault).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn clear_faults(shared: &Shared, host: Option<usize>) {
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

/// The fault that takes this request, if any (counting it down).
pub(crate) fn take_fault(h: &HostShared, path: &str) -> Option<FaultKind> {
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

/// The answer a fault gives instead of processing the request (`rong`: in RongCloud's shape).
/// `None`: the request is processed (and the fault may act on the answer, see [`deliver`]).
pub(crate) fn answer_instead(kind: &FaultKind, rong: bool) -> Option<Response<Body>> {
    match kind {
        FaultKind::Status { status } => {
            let body = if rong {
                json!({"code": if *status >= 500 { 1000 } else { 1002 }, "errorMessage": "injected fault"})
            } else {
                json!({"error": "injected_fault", "error_description": "injected fault"})
            };
            Some(json_response(*status, &body))
        }
        FaultKind::RateLimit { retry_after } => {
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
            Some(r)
        }
        FaultKind::QuotaExceeded => Some(if rong {
            json_response(
                403,
                &json!({"code": 2007, "errorMessage": "The number of test users exceeds the limit"}),
            )
        } else {
            json_response(
                429,
                &json!({"error": "resource_limited", "error_description": "You have exceeded the limit of the community edition"}),
            )
        }),
        _ => None,
    }
}

/// The processed answer as the fault (if any) lets it reach the client.
pub(crate) fn deliver(
    fault: Option<&FaultKind>,
    status: u16,
    bytes: Bytes,
    ctype: &'static str,
) -> Response<Body> {
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
            crate::http::full("<html><body>502 Bad Gateway</body></html>"),
            "text/html",
            None,
        ),
        _ => (status, crate::http::full(bytes.clone()), ctype, None),
    };
    let mut r = Response::builder()
        .status(status)
        .header("content-type", ctype);
    if let Some(n) = len {
        r = r.header("content-length", n);
    }
    r.body(body).expect("response parts are valid")
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
