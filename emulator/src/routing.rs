//! From a request to a declared operation: which cloud and operation it is for, the cloud's
//! authentication (RongCloud signatures, Easemob / Agora bearer tokens), reading the arguments
//! with the emulator's own decoder, validating them against the declaration, and handing the call
//! to its resource family. Every declared operation is routed this way.

use imcloud::Secret;
use imcloud::agora::{AccessToken2, PRIVILEGE_CHAT_APP};
use imcloud::catalogue::{self, Auth, Cloud, Encoding, Operation};
use imcloud::validate::validate;
use serde_json::{Map, Value, json};

use crate::decode::{self, Body, Decoded};
use crate::emulator::{Data, Shared, lock};
use crate::families::{self, Answer, Call};
use crate::http::{Reply, Req, em_error, now_ms, rc_error};

/// Which cloud and operation a request is for, before anything is checked.
pub(crate) enum Route {
    Rong(&'static Operation),
    Ease { app: String, rest: String },
    Unknown,
}

pub(crate) fn route(shared: &Shared, req: &Req) -> Route {
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

impl Route {
    /// The operation's name, for the request log.
    pub fn operation_name(&self, req: &Req) -> Option<String> {
        match self {
            Route::Rong(op) => Some(op.name.clone()),
            Route::Ease { rest, .. } => {
                let json = json_body(req);
                easemob_op(req, rest, json.as_ref()).map(|o| o.name.clone())
            }
            Route::Unknown => None,
        }
    }

    /// Whether errors (injected ones included) take RongCloud's shape.
    pub fn speaks_rongcloud(&self, req: &Req) -> bool {
        match self {
            Route::Rong(_) => true,
            Route::Ease { .. } => false,
            Route::Unknown => !req.path.contains('#'),
        }
    }
}

/// The parameter and message of a validation failure.
fn rejected(e: &imcloud::Error) -> (String, String) {
    (
        e.param().unwrap_or_default().to_string(),
        e.detail().to_string(),
    )
}

/// Carry out a routed request.
pub(crate) async fn serve(shared: &Shared, route: Route, req: &Req) -> Reply {
    match route {
        Route::Rong(op) => serve_rong(shared, op, req),
        Route::Ease { app, rest } => serve_ease(shared, &app, &rest, req).await,
        Route::Unknown => rc_error(404, 404, "no such API path"),
    }
}

/// The Easemob operations declared at this path for this method; and whether any operation is
/// declared at this path at all (for 405 versus 404).
fn easemob_candidates(req: &Req, rest: &str) -> (Vec<&'static Operation>, bool) {
    let mut same_path = false;
    let ops = catalogue::easemob()
        .operations
        .iter()
        .filter(|o| {
            let m = decode::match_template(&o.path, rest).is_some();
            same_path |= m;
            m && o.method == req.method
        })
        .collect();
    (ops, same_path)
}

/// The operation a request is for, among those sharing its method and path: the first whose
/// declaration the body fits.
fn easemob_op(req: &Req, rest: &str, json: Option<&Value>) -> Option<&'static Operation> {
    let (ops, _) = easemob_candidates(req, rest);
    ops.iter()
        .find(|o| decode::fits(o, json))
        .or(ops.first())
        .copied()
}

fn json_body(req: &Req) -> Option<Value> {
    if req.content_type().starts_with("application/json") && !req.body.is_empty() {
        decode::json(&req.body)
    } else {
        None
    }
}

// ------------------------------------------------------------------------------------------------
// RongCloud
// ------------------------------------------------------------------------------------------------

fn serve_rong(shared: &Shared, op: &'static Operation, req: &Req) -> Reply {
    if req.method != op.method {
        return rc_error(405, 405, "method not allowed");
    }
    let h = |n: &str| req.header(n).or_else(|| req.header(&format!("rc-{n}")));
    let Some(app_key) = h("app-key") else {
        return rc_error(401, 1002, "Invalidate App-Key.");
    };
    let Some(app) = shared
        .config
        .rongcloud
        .iter()
        .find(|a| a.app_key == app_key)
    else {
        return rc_error(401, 1002, "Invalidate App-Key.");
    };
    let (Some(nonce), Some(ts), Some(sig)) = (h("nonce"), h("timestamp"), h("signature")) else {
        return rc_error(
            401,
            1004,
            "Signature error: Nonce, Timestamp and Signature headers are required",
        );
    };
    if imcloud::signing::signature(&app.app_secret, &nonce, &ts) != sig.to_ascii_lowercase() {
        return rc_error(401, 1004, "Signature error");
    }
    let ct = req.content_type();
    let body = match op.encoding {
        Encoding::Json => {
            if !ct.starts_with("application/json") {
                return rc_error(400, 1002, "Content-Type must be application/json");
            }
            match decode::json(&req.body) {
                Some(v) => Body::Json(v),
                None => return rc_error(400, 1002, "body is not JSON"),
            }
        }
        // a GET with its parameters in the query string
        Encoding::Query | Encoding::None => Body::None,
        _ => {
            if !ct.starts_with("application/x-www-form-urlencoded") {
                return rc_error(
                    400,
                    1002,
                    "Content-Type must be application/x-www-form-urlencoded",
                );
            }
            Body::Pairs(decode::pairs(&req.body))
        }
    };
    let header = |n: &str| req.header(n);
    let query = decode::pairs(req.query.as_bytes());
    let decoded = decode::decode(op, &Map::new(), &query, &body, &header)
        .map_err(|e| (e.param, e.message))
        .and_then(|d| validate(op, &d.args).map(|_| d).map_err(|e| rejected(&e)));
    let Decoded { args, fixed } = match decoded {
        Ok(d) => d,
        Err((_, message)) => {
            let code = if message.contains("required") {
                1002
            } else {
                1005
            };
            return rc_error(400, code, &message);
        }
    };
    let mut data = lock(&shared.data);
    let Data { rong, messages, .. } = &mut *data;
    let Some(state) = rong.get_mut(&app_key) else {
        return rc_error(401, 1002, "Invalidate App-Key.");
    };
    let mut call = Call {
        cloud: Cloud::Rongcloud,
        app: &app_key,
        easemob: None,
        state,
        op,
        args: &args,
        fixed: &fixed,
        file: None,
        log: messages,
        now: now_ms(),
    };
    match families::dispatch(&mut call) {
        Ok(Answer::Bytes(b)) => Reply::Bytes(200, b),
        Ok(Answer::Fields(extra) | Answer::Data(extra) | Answer::Raw(extra)) => {
            let mut body = json!({"code": 200});
            if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
                b.extend(e);
            }
            Reply::Json(200, body)
        }
        Ok(Answer::Entities(e)) => Reply::Json(200, json!({"code": 200, "entities": e})),
        Err(r) => r,
    }
}

// ------------------------------------------------------------------------------------------------
// Easemob / Agora Chat
// ------------------------------------------------------------------------------------------------

fn envelope(app: &str, req: &Req, op: &Operation, answer: Answer) -> Reply {
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
    match answer {
        Answer::Entities(e) => env["entities"] = Value::Array(e),
        Answer::Data(d) => env["data"] = d,
        Answer::Raw(v) | Answer::Fields(v) => return Reply::Json(200, v),
        Answer::Bytes(b) => return Reply::Bytes(200, b),
    }
    Reply::Json(200, env)
}

/// Whether the request carries a token this app accepts: one it issued, or a valid Agora token
/// for its App ID (not revoked).
fn bearer_ok(shared: &Shared, app_key: &str, d: &mut Data, req: &Req) -> bool {
    let Some(token) = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string))
    else {
        return false;
    };
    if d.ease
        .get_mut(app_key)
        .is_some_and(|a| families::tokens::valid(a, &token))
    {
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

async fn serve_ease(shared: &Shared, app: &str, rest: &str, req: &Req) -> Reply {
    let json = json_body(req);
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
        .find(|o| decode::fits(o, json.as_ref()))
        .copied()
        .unwrap_or(ops[0]);
    if op.encoding == Encoding::Json && json.is_none() && !req.body.is_empty() {
        return em_error(
            400,
            "invalid_request_body",
            "Request body is not valid JSON",
        );
    }
    let mut body = match json {
        Some(v) => Body::Json(v),
        None if op.encoding == Encoding::Form => Body::Pairs(decode::pairs(&req.body)),
        None => Body::None,
    };
    if op.encoding == Encoding::Multipart {
        let field = op
            .file_param()
            .map(|p| p.wire.clone())
            .unwrap_or_else(|| "file".into());
        body = match decode::multipart(&req.content_type(), req.body.clone(), &field).await {
            Ok(b) => b,
            Err(m) => return em_error(400, "illegal_argument", &m),
        };
    }
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
    let file = match &mut body {
        Body::Multipart { file, .. } => file.take(),
        _ => None,
    };
    if let (Some(p), Some((_, bytes))) = (op.file_param(), file.as_ref())
        && p.max_size.is_some_and(|m| bytes.len() as u64 > m)
    {
        return em_error(
            413,
            "request_entity_too_large",
            "file exceeding maximum limit",
        );
    }
    let path_params = decode::match_template(&op.path, rest).unwrap_or_default();
    let query = decode::pairs(req.query.as_bytes());
    let header = |n: &str| req.header(n);
    let decoded = decode::decode(op, &path_params, &query, &body, &header)
        .map_err(|e| (e.param, e.message))
        .and_then(|d| validate(op, &d.args).map(|_| d).map_err(|e| rejected(&e)));
    let Decoded { args, fixed } = match decoded {
        Ok(d) => d,
        Err((param, _)) if op.name == "group.announcement_set" && param == "announcement" => {
            return em_error(403, "forbidden_op", "announce info length exceeds limit!");
        }
        Err((_, message)) => return em_error(400, "illegal_argument", &message),
    };
    let mut call = Call {
        cloud: Cloud::Easemob,
        app,
        easemob: shared.config.easemob.iter().find(|a| a.app_key == app),
        state,
        op,
        args: &args,
        fixed: &fixed,
        file,
        log: messages,
        now: now_ms(),
    };
    match families::dispatch(&mut call) {
        Ok(answer) => envelope(app, req, op, answer),
        Err(r) => r,
    }
}
