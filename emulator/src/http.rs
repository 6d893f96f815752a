//! HTTP plumbing shared by the hosts and the admin API: the request as received, the answer a
//! handler gives, and the two clouds' error bodies.

use std::convert::Infallible;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::Response;
use hyper::header::HeaderMap;
use serde_json::{Value, json};

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) type Body = BoxBody<Bytes, std::io::Error>;

pub(crate) fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub(crate) fn json_response(status: u16, v: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=UTF-8")
        .body(full(v.to_string()))
        .expect("static response parts are valid")
}

/// A request as one host received it, body read in full.
pub(crate) struct Req {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }
}

/// What a handler answers.
pub(crate) enum Reply {
    Json(u16, Value),
    Bytes(u16, Bytes),
}

/// A RongCloud error body.
pub(crate) fn rc_error(http: u16, code: u32, msg: &str) -> Reply {
    Reply::Json(http, json!({"code": code, "errorMessage": msg}))
}

/// An Easemob error body.
pub(crate) fn em_error(status: u16, error: &str, desc: &str) -> Reply {
    Reply::Json(
        status,
        json!({"error": error, "exception": "EasemobEmulatorException", "timestamp": now_ms(), "duration": 0, "error_description": desc}),
    )
}
