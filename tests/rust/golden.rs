//! Golden wire fixtures: for every operation of the catalogue, the literal request the client
//! sends for fixed sample arguments (method, path and query, headers, body), committed under
//! `tests/wire/<cloud>/<operation>.txt` and compared here. The requests are captured by a bare
//! HTTP listener in this file, not by the emulator, so a symmetric bug (the client and the
//! emulator agreeing on a wrong encoding) shows up as a fixture to review against the docs.
//!
//! `IMCLOUD_BLESS=1 cargo test -p imcloud-conformance --test golden` (or `just bless-wire`)
//! rewrites the fixtures from what the client sends now (and removes those of operations no
//! longer declared); review the diff before committing it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use imcloud::catalogue::{self, Cloud, Encoding, Operation, Param, ParamType};
use imcloud::catalogue::{sample_args, sample_value};
use imcloud::validate::validate;
use imcloud::{
    ClientOptions, Easemob, EasemobAuth, EasemobConfig, FileSink, FileSource, RongCloud,
    RongCloudConfig,
};
use serde_json::{Map, Value, json};

const RC_KEY: &str = "golden-app-key";
const RC_SECRET: &str = "golden-app-secret";
const EM_APP_KEY: &str = "golden-org#golden-app";
const EM_CLIENT_ID: &str = "golden-client-id";
const EM_CLIENT_SECRET: &str = "golden-client-secret";
const EM_TOKEN: &str = "golden-app-token";
const USER_AGENT: &str = "imcloud-golden/1";
const UPLOAD_NAME: &str = "golden.txt";
const UPLOAD_BYTES: &[u8] = b"golden file content";
const BLESS: &str = "IMCLOUD_BLESS=1 cargo test -p imcloud-conformance --test golden";

/// One request as it arrived.
#[derive(Debug, Clone)]
struct Captured {
    method: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Captured>>>;

/// A listener that records every request and answers each with a plausible success: an app
/// token for Easemob's `/token`, `{"code":200}` otherwise (enough for RongCloud; Easemob's result
/// decoding may fail, which does not matter here: only the request is compared).
async fn capture_server() -> (String, Log) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let log2 = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let log = log2.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let log = log.clone();
                    async move { Ok::<_, Infallible>(record(req, &log).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (base, log)
}

async fn record(req: Request<Incoming>, log: &Log) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let token = path_and_query.ends_with("/token");
    log.lock().unwrap().push(Captured {
        method: parts.method.as_str().to_string(),
        path_and_query,
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let answer = if token {
        json!({"access_token": EM_TOKEN, "expires_in": 3600, "application": "golden"})
    } else {
        json!({"code": 200, "data": {}, "entities": []})
    };
    Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(answer.to_string())))
        .unwrap()
}

fn options() -> ClientOptions {
    ClientOptions {
        allow_insecure_http: true,
        user_agent: Some(USER_AGENT.into()),
        ..ClientOptions::default()
    }
}

/// More telling values than the bare samples where the declaration allows them (a parameter's
/// own name as its text, two list items, a round number), and every optional parameter that
/// validates alongside the others, so the fixture shows each parameter's wire name and form.
fn fixture_args(op: &Operation) -> Map<String, Value> {
    let mut args = sample_args(op, false);
    if let Err(e) = validate(op, &args) {
        panic!("{}: the sample arguments do not validate: {e}", op.name);
    }
    for p in op.params.iter().filter(|p| p.ty != ParamType::File) {
        let mut candidates = telling_values(p);
        if !args.contains_key(&p.name) {
            candidates.push(sample_value(p));
        }
        for v in candidates {
            let mut trial = args.clone();
            trial.insert(p.name.clone(), v);
            if validate(op, &trial).is_ok() {
                args = trial;
                break;
            }
        }
    }
    args
}

fn telling_values(p: &Param) -> Vec<Value> {
    if p.enum_values.is_some() {
        return vec![];
    }
    let name = p.name.as_str();
    let bare = name.replace('_', "");
    match p.ty {
        ParamType::String => vec![json!(name), json!(bare)],
        ParamType::StringList => vec![
            json!([format!("{name}1"), format!("{name}2")]),
            json!([format!("{bare}1"), format!("{bare}2")]),
            json!([format!("{bare}1")]),
        ],
        ParamType::Int => vec![json!(10)],
        ParamType::Json | ParamType::JsonString => vec![json!({name: "value"})],
        ParamType::StringMap => vec![json!({name: "value"})],
        ParamType::ObjectList => {
            let mut item = Map::new();
            for f in &p.item_fields {
                let v = telling_values(f)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| sample_value(f));
                item.insert(f.name.clone(), v);
            }
            vec![json!([item])]
        }
        ParamType::Bool | ParamType::File => vec![],
    }
}

/// Send `op` with its fixture arguments and return what arrived (the first request after `log`
/// was cleared).
async fn send(rc: &RongCloud, em: &Easemob, cloud: Cloud, op: &Operation, log: &Log) -> Captured {
    let args = Value::Object(fixture_args(op));
    log.lock().unwrap().clear();
    // the answer does not matter, only the request
    let _ = match cloud {
        Cloud::Rongcloud => rc.call(&op.name, args).await.map(drop),
        Cloud::Easemob if op.encoding == Encoding::Multipart => em
            .upload(
                &op.name,
                args,
                FileSource::bytes(UPLOAD_NAME, UPLOAD_BYTES.to_vec()),
            )
            .await
            .map(drop),
        Cloud::Easemob if op.download => em
            .download(&op.name, args, FileSink::writer(tokio::io::sink()))
            .await
            .map(drop),
        Cloud::Easemob => em.call(&op.name, args).await.map(drop),
    };
    let log = log.lock().unwrap();
    log.first()
        .cloned()
        .unwrap_or_else(|| panic!("{}: no request was sent", op.name))
}

/// The request as fixture text. Values that change per request are checked here and shown as a
/// placeholder: RongCloud's Nonce, Timestamp and Signature (the signature is verified), the
/// request id, the Host (the listener's port); a multipart boundary is shown as `BOUNDARY`, and
/// the multipart line breaks, checked to be CRLF, as plain line breaks.
fn render(cloud: Cloud, op: &Operation, args: &Map<String, Value>, req: &Captured) -> String {
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let boundary = header("content-type")
        .and_then(|ct| ct.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_string());
    let mut out = format!(
        "# {} {}: {}\n# sample arguments: {}\n# written by tests/rust/golden.rs ({BLESS})\n",
        cloud_name(cloud),
        op.name,
        op.summary.lines().next().unwrap_or(""),
        Value::Object(args.clone()),
    );
    out.push_str(&format!("{} {}\n", req.method, req.path_and_query));
    let mut headers: BTreeMap<&str, String> = BTreeMap::new();
    for (k, v) in &req.headers {
        let shown = match k.as_str() {
            "host" => "<the listener>".to_string(),
            "x-request-id" => {
                assert!(!v.is_empty(), "{}: empty x-request-id", op.name);
                "<a fresh id per call>".to_string()
            }
            "nonce" | "timestamp" if cloud == Cloud::Rongcloud => {
                assert!(
                    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
                    "{}: {k}: {v}",
                    op.name
                );
                "<fresh per request>".to_string()
            }
            "signature" if cloud == Cloud::Rongcloud => {
                let want = imcloud::signing::signature(
                    RC_SECRET,
                    header("nonce").unwrap_or_default(),
                    header("timestamp").unwrap_or_default(),
                );
                assert_eq!(v, &want, "{}: the signature does not verify", op.name);
                "<sha1(app secret + nonce + timestamp), verified>".to_string()
            }
            _ => match &boundary {
                Some(b) => v.replace(b.as_str(), "BOUNDARY"),
                None => v.clone(),
            },
        };
        let previous = headers.insert(k.as_str(), shown);
        assert!(previous.is_none(), "{}: header {k} sent twice", op.name);
    }
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push('\n');
    let mut body = String::from_utf8_lossy(&req.body).into_owned();
    if let Some(b) = &boundary {
        body = body.replace(b.as_str(), "BOUNDARY");
        assert!(
            !body.replace("\r\n", "").contains('\n'),
            "{}: a multipart line break that is not CRLF",
            op.name
        );
        body = body.replace("\r\n", "\n");
    }
    out.push_str(&body);
    if !out.ends_with('\n') {
        out.push_str("\n# (the body ends without a line break)\n");
    }
    out
}

fn cloud_name(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Rongcloud => "rongcloud",
        Cloud::Easemob => "easemob",
    }
}

fn wire_dir(cloud: Cloud) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("wire")
        .join(cloud_name(cloud))
}

#[tokio::test]
async fn every_operation_sends_its_golden_request() {
    let bless = std::env::var("IMCLOUD_BLESS").is_ok_and(|v| v == "1");
    let (base, log) = capture_server().await;
    let mut rc_config = RongCloudConfig::with_hosts(RC_KEY, RC_SECRET, vec![base.clone()]);
    rc_config.options = options();
    let rc = RongCloud::new(rc_config).unwrap();
    let auth = EasemobAuth::ClientCredentials {
        client_id: EM_CLIENT_ID.into(),
        client_secret: EM_CLIENT_SECRET.into(),
    };
    let mut em_config = EasemobConfig::new(EM_APP_KEY, vec![base.clone()], auth).unwrap();
    em_config.options = options();
    let em = Easemob::new(em_config).unwrap();
    // the app token is fetched once and cached: fetch it before the operations' requests
    em.app_token().await.expect("the listener's app token");

    let mut failures = Vec::new();
    let mut missing = Vec::new();
    let mut compared = 0;
    for cloud in [Cloud::Rongcloud, Cloud::Easemob] {
        let dir = wire_dir(cloud);
        let api = catalogue::api(cloud);
        for op in &api.operations {
            let req = send(&rc, &em, cloud, op, &log).await;
            let got = render(cloud, op, &fixture_args(op), &req);
            let file = dir.join(format!("{}.txt", op.name));
            let shown = format!("tests/wire/{}/{}.txt", cloud_name(cloud), op.name);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&file, &got).unwrap();
                continue;
            }
            match std::fs::read_to_string(&file) {
                Ok(want) if want == got => compared += 1,
                Ok(want) => failures.push(format!(
                    "{shown}: the request differs from the fixture\n--- fixture\n{want}--- sent\n{got}"
                )),
                Err(_) => missing.push(shown),
            }
        }
        // a fixture of an operation no longer declared is stale
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let declared = name
                .strip_suffix(".txt")
                .is_some_and(|n| api.operation(n).is_some());
            if !declared {
                if bless {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    failures.push(format!(
                        "tests/wire/{}/{name}: no such operation in the catalogue (stale fixture; `{BLESS}` removes it)",
                        cloud_name(cloud)
                    ));
                }
            }
        }
    }
    if bless {
        eprintln!("golden: fixtures rewritten under tests/wire/; review the diff");
        return;
    }
    if !missing.is_empty() {
        failures.push(format!(
            "no fixture for {} operation(s): {}\ncreate them with `{BLESS}` (or `just bless-wire`) and review them",
            missing.len(),
            missing.join(", ")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let declared = catalogue::rongcloud().operations.len() + catalogue::easemob().operations.len();
    assert_eq!(compared, declared);
}

/// The fixture text really depends on what is sent: a changed body, header or path is a difference.
#[test]
fn a_different_request_renders_differently() {
    let op = catalogue::rongcloud().operation("user.register").unwrap();
    let args = fixture_args(op);
    let base = Captured {
        method: "POST".into(),
        path_and_query: "/user/getToken.json".into(),
        headers: vec![
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("app-key".into(), RC_KEY.into()),
            ("nonce".into(), "1".into()),
            ("timestamp".into(), "2".into()),
            (
                "signature".into(),
                imcloud::signing::signature(RC_SECRET, "1", "2"),
            ),
        ],
        body: b"userId=a&name=b".to_vec(),
    };
    let text = render(Cloud::Rongcloud, op, &args, &base);
    assert!(text.contains("\nPOST /user/getToken.json\n"), "{text}");
    assert!(text.contains("\napp-key: golden-app-key\n"), "{text}");
    assert!(text.ends_with("\n\nuserId=a&name=b\n# (the body ends without a line break)\n"));
    // a fresh nonce and timestamp (correctly signed) render the same
    let mut resigned = base.clone();
    resigned.headers[2].1 = "77".into();
    resigned.headers[3].1 = "88".into();
    resigned.headers[4].1 = imcloud::signing::signature(RC_SECRET, "77", "88");
    assert_eq!(render(Cloud::Rongcloud, op, &args, &resigned), text);
    let changes: [fn(&mut Captured); 4] = [
        |c: &mut Captured| c.body = b"userId=a&name=c".to_vec(),
        |c: &mut Captured| c.path_and_query = "/user/getToken.json?x=1".into(),
        |c: &mut Captured| c.headers[1].1 = "other".into(),
        |c: &mut Captured| c.headers.push(("x-extra".into(), "1".into())),
    ];
    for change in changes {
        let mut other = base.clone();
        change(&mut other);
        assert_ne!(render(Cloud::Rongcloud, op, &args, &other), text);
    }
}

#[test]
#[should_panic(expected = "the signature does not verify")]
fn a_wrong_signature_is_caught() {
    let op = catalogue::rongcloud().operation("user.register").unwrap();
    let req = Captured {
        method: "POST".into(),
        path_and_query: "/user/getToken.json".into(),
        headers: vec![
            ("nonce".into(), "1".into()),
            ("timestamp".into(), "2".into()),
            ("signature".into(), "0000".into()),
        ],
        body: vec![],
    };
    render(Cloud::Rongcloud, op, &fixture_args(op), &req);
}

/// A multipart boundary is normalised, wherever it appears.
#[test]
fn the_multipart_boundary_is_normalised() {
    let op = catalogue::easemob()
        .operation("group.share_file_upload")
        .unwrap();
    let req = |b: &str| Captured {
        method: "POST".into(),
        path_and_query: "/o/a/chatgroups/g/share_files".into(),
        headers: vec![(
            "content-type".into(),
            format!("multipart/form-data; boundary={b}"),
        )],
        body: format!(
            "--{b}\r\ncontent-disposition: form-data; name=\"file\"\r\n\r\nx\r\n--{b}--\r\n"
        )
        .into_bytes(),
    };
    let a = render(Cloud::Easemob, op, &fixture_args(op), &req("abc123"));
    let b = render(Cloud::Easemob, op, &fixture_args(op), &req("zz9"));
    assert_eq!(a, b);
    assert!(
        a.contains("boundary=BOUNDARY\n") && a.contains("--BOUNDARY--\n"),
        "{a}"
    );
}
