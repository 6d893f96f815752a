//! Easemob app tokens: issuing them for client credentials, checking and revoking them.

use std::collections::HashMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{em_error, new_id, now_ms};

pub(crate) struct Tokens;

/// Issued tokens of one app: token → expiry (ms; 0 = never).
#[derive(Default)]
pub(crate) struct Issued(HashMap<String, u64>);

impl Family for Tokens {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "auth.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        match call.op.name.as_str() {
            "auth.app_token" => Some(app_token(call)),
            _ => None,
        }
    }
}

fn app_token(call: &mut Call<'_>) -> Outcome {
    let get = |k: &str| {
        call.fixed
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if get("grant_type") != "client_credentials" {
        return Err(em_error(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    if get("client_id").is_empty() {
        return Err(em_error(
            400,
            "illegal_argument",
            "client_id must be provided.",
        ));
    }
    if get("client_secret").is_empty() {
        return Err(em_error(
            400,
            "illegal_argument",
            "client_secret must be provided",
        ));
    }
    let app = call
        .easemob
        .expect("auth.app_token is an Easemob operation");
    if get("client_id") != app.client_id {
        return Err(em_error(400, "invalid_grant", "client_id does not match"));
    }
    if get("client_secret") != app.client_secret {
        return Err(em_error(
            400,
            "invalid_grant",
            "client_secret does not match",
        ));
    }
    let ttl = call
        .args
        .get("ttl")
        .and_then(Value::as_u64)
        .unwrap_or(app.token_ttl);
    let token = format!("YWMt{}", new_id().replace('-', ""));
    let exp = if ttl == 0 {
        0
    } else {
        now_ms().saturating_add(ttl.saturating_mul(1000))
    };
    call.state.part::<Issued>().0.insert(token.clone(), exp);
    Ok(Answer::Raw(
        json!({"access_token": token, "expires_in": ttl, "application": new_id()}),
    ))
}

/// Whether `token` was issued for this app and has not expired.
pub(crate) fn valid(app: &mut AppState, token: &str) -> bool {
    app.part::<Issued>()
        .0
        .get(token)
        .is_some_and(|exp| *exp == 0 || *exp > now_ms())
}

/// Forget every token issued for this app.
pub(crate) fn revoke_all(app: &mut AppState) {
    app.part::<Issued>().0.clear();
}
