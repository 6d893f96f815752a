//! The per-cloud error tables: an HTTP answer or a transport failure becomes an outcome for the
//! failover state machine and either the answer or the error the caller sees.

use std::time::Duration;

use serde_json::Value;

use super::Answer;
use crate::catalogue::Cloud;
use crate::error::{Error, ErrorKind, Result};
use crate::failover::Outcome;

/// A request that got no complete answer: the error keeps the transport failure (without its URL)
/// as its source.
pub(super) fn transport_failure(
    e: reqwest::Error,
    host: &str,
    timeout: Duration,
    idempotent: bool,
) -> (Outcome, Result<Answer>) {
    let reason = error_chain(&e);
    let (connect, timed_out) = (e.is_connect(), e.is_timeout());
    let source = e.without_url();
    if connect {
        let err = Error::new(
            ErrorKind::Connect,
            format!("could not connect to {host}: {reason}"),
        )
        .with_retryable(true)
        .with_source(source);
        return (Outcome::ConnectFailed, Err(err));
    }
    if timed_out {
        let err = Error::new(
            ErrorKind::Timeout,
            format!(
                "no answer from {host} within {:.1}s; the call may have been processed",
                timeout.as_secs_f64()
            ),
        )
        .with_retryable(idempotent)
        .with_source(source);
        return (Outcome::NoAnswer { timed_out: true }, Err(err));
    }
    let err = Error::new(
        ErrorKind::Network,
        format!("connection to {host} failed before a complete answer ({reason}); the call may have been processed"),
    )
    .with_retryable(idempotent)
    .with_source(source);
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
pub(super) fn without_url(e: &reqwest::Error) -> String {
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
                // 23410: the chatroom does not exist (chatroom/get.json)
                Some(404 | 1015 | 23410) => ErrorKind::NotFound,
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
                .with_retryable(idempotent)
                .with_http_status(status);
                return (Outcome::NoAnswer { timed_out: false }, Err(e));
            }
            let error = body
                .as_ref()
                .and_then(|b| b.get("error"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let kind = match (status, error.as_deref()) {
                // the token was refused (expired, revoked): refresh it and try again
                (401, None | Some("unauthorized")) => ErrorKind::Authentication,
                // a 401 about something else (`MetadataException`: the user is not in the
                // chatroom) is not the token's fault: a new token would be refused the same way
                (401, Some(_)) => ErrorKind::PermissionDenied,
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
    let retryable = match kind {
        ErrorKind::RateLimited => true,
        ErrorKind::Server | ErrorKind::Decode => idempotent,
        _ => false,
    };
    let e = Error::new(kind, text)
        .with_http_status(status)
        .with_api_code(api_code)
        .with_retry_after(retry_after)
        .with_retryable(retryable);
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
            assert_eq!(
                (e.kind(), e.retryable()),
                (ErrorKind::Server, true),
                "{body}"
            );
        }
    }

    #[test]
    fn a_missing_rongcloud_chatroom_is_not_found() {
        // chatroom/get.json answers 200 with code 23410 for a chatroom that does not exist
        let body = json!({"code": 23410, "errorMessage": "chatroom not exist"});
        let (_, answer) = classify(Cloud::Rongcloud, false, 200, Some(body), None, true);
        let e = answer.err().expect("an error");
        assert_eq!(
            (e.kind(), e.api_code()),
            (ErrorKind::NotFound, Some("23410"))
        );
    }

    #[test]
    fn an_easemob_401_refreshes_the_token_only_when_the_token_was_refused() {
        let expired = json!({"error": "unauthorized", "error_description": "expired access token"});
        let (outcome, answer) = classify(Cloud::Easemob, true, 401, Some(expired), None, true);
        assert_eq!(outcome, Outcome::Unauthorized);
        assert_eq!(answer.err().unwrap().kind(), ErrorKind::Authentication);
        // no body at all: still the token
        let (outcome, _) = classify(Cloud::Easemob, true, 401, None, None, true);
        assert_eq!(outcome, Outcome::Unauthorized);
        // the user is not in the chatroom: no refresh, no retry, the server's reason kept
        let not_member =
            json!({"error": "MetadataException", "error_description": "user is not in chatroom"});
        let (outcome, answer) = classify(Cloud::Easemob, true, 401, Some(not_member), None, true);
        assert_eq!(outcome, Outcome::Rejected);
        let e = answer.err().unwrap();
        assert_eq!(
            (e.kind(), e.api_code(), e.http_status()),
            (
                ErrorKind::PermissionDenied,
                Some("MetadataException"),
                Some(401)
            )
        );
    }
}
