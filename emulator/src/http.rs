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

/// A UTC time in milliseconds as RongCloud writes it: `2014-08-22 12:30:53`.
pub(crate) fn datetime(ms: u64) -> String {
    let t = UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_seconds(t)
        .to_string()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::datetime;

    #[test]
    fn datetime_is_utc_to_the_second() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(datetime(1_408_710_653_000), "2014-08-22 12:30:53");
        assert_eq!(datetime(1_709_619_756_077), "2024-03-05 06:22:36");
        assert_eq!(datetime(951_825_600_000), "2000-02-29 12:00:00");
    }
}
