//! Runs the language-neutral scenarios in tests/scenarios/*.json against the emulator.
//! The other languages' runners follow this one.

use std::collections::HashMap;

use imcloud::{Easemob, Error, FileSink, FileSource, RongCloud};
use imcloud_conformance::emulator;
use imcloud_emulator::{Emulator, Fault};
use serde_json::{Map, Value, json};

enum Client {
    Rong(RongCloud),
    Ease(Easemob),
}

impl Client {
    async fn call(&self, op: &str, args: Value, file: Option<&Value>) -> Result<Value, Error> {
        match self {
            Client::Rong(c) => c.call(op, args).await.map(|r| r.result),
            Client::Ease(c) => {
                if let Some(f) = file {
                    let name = f["name"].as_str().unwrap_or("file").to_string();
                    let data: Vec<u8> = match (f.get("text"), f.get("size")) {
                        (Some(Value::String(t)), _) => t.clone().into_bytes(),
                        (_, Some(n)) => vec![0u8; n.as_u64().unwrap_or(0) as usize],
                        _ => Vec::new(),
                    };
                    return c
                        .upload(op, args, FileSource::bytes(name, data))
                        .await
                        .map(|r| r.result);
                }
                if c.api().operation(op).is_some_and(|o| o.download) {
                    let (w, mut r) = tokio::io::duplex(16 << 20);
                    c.download(op, args, FileSink::writer(w)).await?;
                    let mut buf = Vec::new();
                    tokio::io::AsyncReadExt::read_to_end(&mut r, &mut buf)
                        .await
                        .expect("read the download");
                    return Ok(json!({"downloaded_text": String::from_utf8_lossy(&buf)}));
                }
                c.call(op, args).await.map(|r| r.result)
            }
        }
    }
}

/// More pages than any scenario reads: a list that does not end is a failure, not a hang.
const MAX_PAGES: usize = 100;

impl Client {
    /// Every page of a paged list, through the client's page iterator: the results, in order.
    async fn pages(&self, op: &str, args: Value) -> Result<Value, Error> {
        let mut pages = match self {
            Client::Rong(c) => c.pages(op, args)?,
            Client::Ease(c) => c.pages(op, args)?,
        };
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            out.push(page?.result);
            assert!(out.len() <= MAX_PAGES, "{op}: more than {MAX_PAGES} pages");
        }
        Ok(Value::Array(out))
    }
}

/// Replace `${var}` in every string, and expand the generators `${N chars}` / `${N users}`.
fn subst(v: &Value, vars: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => {
            if let Some(inner) = s.strip_prefix("${").and_then(|x| x.strip_suffix('}'))
                && let Some((n, what)) = inner.split_once(' ')
                && let Ok(n) = n.parse::<usize>()
            {
                return match what {
                    "chars" => Value::String("x".repeat(n)),
                    "users" => {
                        Value::Array((0..n).map(|i| Value::String(format!("u{i}"))).collect())
                    }
                    _ => v.clone(),
                };
            }
            let mut out = s.clone();
            for (k, val) in vars {
                out = out.replace(&format!("${{{k}}}"), val);
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| subst(x, vars)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), subst(x, vars))).collect())
        }
        other => other.clone(),
    }
}

/// `expected` is a subset of `actual`; `$any` means present, `$nonempty` a non-empty string or list.
fn subset(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::String(s), a) if s == "$any" => {
            (!a.is_null()).then_some(()).ok_or(format!("{at}: missing"))
        }
        (Value::String(s), a) if s == "$nonempty" => match a {
            Value::String(x) if !x.is_empty() => Ok(()),
            Value::Array(x) if !x.is_empty() => Ok(()),
            _ => Err(format!("{at}: expected non-empty, got {a}")),
        },
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                subset(ev, a.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{at}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (e, a) => (e == a)
            .then_some(())
            .ok_or(format!("{at}: expected {e}, got {a}")),
    }
}

fn check_error(exp: &Value, e: &Error) -> Result<(), String> {
    let got = json!({
        "kind": e.kind().as_str(), "param": e.param(), "http_status": e.http_status(), "api_code": e.api_code(), "retryable": e.retryable(),
    });
    for key in ["kind", "param", "http_status", "api_code", "retryable"] {
        if let Some(want) = exp.get(key)
            && want != &got[key]
        {
            return Err(format!(
                "error.{key}: expected {want}, got {} ({e})",
                got[key]
            ));
        }
    }
    for frag in exp
        .get("message_contains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let frag = frag.as_str().unwrap_or_default();
        if !e.to_string().contains(frag) {
            return Err(format!("error message lacks {frag:?}: {e}"));
        }
    }
    Ok(())
}

fn check_requests(emu: &Emulator, op: &str, exp: &Value, hosts: usize) -> Result<(), String> {
    let mut reqs: Vec<_> = (0..hosts)
        .flat_map(|h| emu.requests(h))
        .filter(|r| r.operation.as_deref() == Some(op))
        .collect();
    reqs.sort_by_key(|r| r.at_ms);
    if let Some(per) = exp.get("requests_per_host").and_then(Value::as_array) {
        let got: Vec<usize> = (0..per.len())
            .map(|h| reqs.iter().filter(|r| r.host == h).count())
            .collect();
        let want: Vec<usize> = per
            .iter()
            .map(|n| n.as_u64().unwrap_or(0) as usize)
            .collect();
        if got != want {
            return Err(format!("requests per host: expected {want:?}, got {got:?}"));
        }
    }
    let Some(list) = exp.get("requests").and_then(Value::as_array) else {
        return Ok(());
    };
    if list.len() != reqs.len() {
        return Err(format!(
            "expected {} requests of {op}, got {}",
            list.len(),
            reqs.len()
        ));
    }
    for (i, (want, r)) in list.iter().zip(&reqs).enumerate() {
        let at = format!("requests[{i}]");
        let mut got = json!({
            "host": r.host, "method": r.method, "path": r.path, "query": r.query, "body": r.body,
        });
        for key in ["host", "method", "path", "query", "body"] {
            if let Some(w) = want.get(key) {
                subset(w, &got[key], &format!("{at}.{key}"))?;
            }
        }
        if let Some(ct) = want.get("content_type").and_then(Value::as_str) {
            let h = r.header("content-type").unwrap_or_default();
            if !h.starts_with(ct) {
                return Err(format!("{at}.content_type: expected {ct}, got {h}"));
            }
        }
        if let Some(form) = want.get("form") {
            let mut m: Map<String, Value> = Map::new();
            for (k, v) in form_urlencoded::parse(r.body.as_bytes()).into_owned() {
                m.entry(k)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .expect("a list")
                    .push(Value::String(v));
            }
            subset(form, &Value::Object(m), &format!("{at}.form"))?;
        }
        if let Some(j) = want.get("json") {
            let body: Value = serde_json::from_str(&r.body)
                .map_err(|e| format!("{at}: body is not JSON: {e}"))?;
            subset(j, &body, &format!("{at}.json"))?;
        }
        if let Some(hs) = want.get("headers").and_then(Value::as_object) {
            for (name, v) in hs {
                got = Value::String(r.header(name).unwrap_or_default().to_string());
                if r.header(name).is_none() {
                    return Err(format!("{at}: header {name} missing"));
                }
                subset(v, &got, &format!("{at}.headers.{name}"))?;
            }
        }
    }
    Ok(())
}

/// Why an Easemob scenario cannot be replayed with Agora Chat authentication, if it cannot: it
/// fetches a token with client credentials (`auth.*`), which an Agora client does not have.
fn easemob_only(sc: &Value) -> Option<&'static str> {
    let uses_auth_op = std::iter::once(&sc["operation"])
        .chain(
            sc.get("setup")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|s| &s["call"]["operation"]),
        )
        .any(|op| op.as_str().is_some_and(|o| o.starts_with("auth.")));
    uses_auth_op.then_some("fetches a token with client credentials")
}

async fn run(sc: &Value) -> Result<(), String> {
    let hosts = sc.get("hosts").and_then(Value::as_u64).unwrap_or(2) as usize;
    let emu = emulator(hosts).await;
    let client = match sc["client"].as_str() {
        Some("rongcloud") => {
            Client::Rong(RongCloud::new(emu.rongcloud_config()).map_err(|e| e.to_string())?)
        }
        Some("easemob") => {
            Client::Ease(Easemob::new(emu.easemob_config()).map_err(|e| e.to_string())?)
        }
        Some("agora") => Client::Ease(Easemob::new(emu.agora_config()).map_err(|e| e.to_string())?),
        other => return Err(format!("unknown client {other:?}")),
    };
    let mut vars: HashMap<String, String> = HashMap::new();
    for step in sc
        .get("setup")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(f) = step.get("fault") {
            let host = f["host"].as_u64().unwrap_or(0) as usize;
            let fault: Fault =
                serde_json::from_value(f.clone()).map_err(|e| format!("bad fault {f}: {e}"))?;
            emu.set_fault(host, fault).await;
        } else if let Some(o) = step.get("online") {
            emu.set_online(
                o["user"].as_str().unwrap_or_default(),
                o["online"].as_bool().unwrap_or(true),
            );
        } else if let Some(c) = step.get("call") {
            let args = subst(&c["args"], &vars);
            let res = client
                .call(
                    c["operation"].as_str().unwrap_or_default(),
                    args,
                    c.get("file"),
                )
                .await
                .map_err(|e| format!("setup call {} failed: {e}", c["operation"]))?;
            for (var, path) in step
                .get("save")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let v = imcloud::wire::get_path(&res, path.as_str().unwrap_or_default())
                    .ok_or(format!("setup result has no {path}: {res}"))?;
                vars.insert(
                    var.clone(),
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                );
            }
        }
    }
    emu.clear_requests();
    let op = sc["operation"].as_str().ok_or("no operation")?;
    let args = subst(&sc["args"], &vars);
    let expect = subst(&sc["expect"], &vars);
    let outcome = if sc["pages"].as_bool().unwrap_or(false) {
        client.pages(op, args).await
    } else {
        client.call(op, args, sc.get("file")).await
    };
    match (&outcome, expect.get("error")) {
        (Ok(res), None) => {
            if let Some(r) = expect.get("result") {
                subset(r, res, "result")?;
            }
            if let Some(p) = expect.get("pages") {
                subset(p, res, "pages")?;
            }
            if let Some(t) = expect.get("downloaded_text") {
                subset(t, &res["downloaded_text"], "downloaded_text")?;
            }
        }
        (Err(e), Some(want)) => check_error(want, e)?,
        (Ok(res), Some(_)) => return Err(format!("expected an error, got {res}")),
        (Err(e), None) => return Err(format!("unexpected error: {e}")),
    }
    check_requests(&emu, op, &expect, hosts)
}

#[tokio::test]
async fn all_scenarios() {
    let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let (mut passed, mut failed) = (0, Vec::new());
    let mut names = std::collections::HashSet::new();
    for f in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for sc in doc["scenarios"].as_array().unwrap() {
            let name = sc["name"].as_str().unwrap().to_string();
            assert!(names.insert(name.clone()), "duplicate scenario name {name}");
            match run(sc).await {
                Ok(()) => passed += 1,
                Err(e) => failed.push(format!(
                    "{} / {name}: {e}",
                    f.file_name().unwrap().to_string_lossy()
                )),
            }
        }
    }
    println!("scenarios: {passed} passed, {} failed", failed.len());
    assert!(passed >= 30, "the scenarios were found");
    assert!(
        failed.is_empty(),
        "failed scenarios:\n{}",
        failed.join("\n")
    );
}

/// Agora Chat: every Easemob scenario again, authenticated with an AccessToken2 app token built
/// locally from the App ID and App Certificate instead of client credentials: the same calls, the
/// same answers (the emulator checks the token's signature and privileges).
#[tokio::test]
async fn every_easemob_scenario_holds_with_agora_authentication() {
    let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, Vec::new());
    for f in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for sc in doc["scenarios"].as_array().unwrap() {
            if sc["client"] != "easemob" || easemob_only(sc).is_some() {
                continue;
            }
            let mut agora = sc.clone();
            agora["client"] = json!("agora");
            match run(&agora).await {
                Ok(()) => passed += 1,
                Err(e) => failed.push(format!(
                    "{} / {}: {e}",
                    f.file_name().unwrap().to_string_lossy(),
                    sc["name"].as_str().unwrap_or_default()
                )),
            }
        }
    }
    println!("easemob scenarios with agora authentication: {passed} passed");
    assert!(passed >= 100, "the Easemob scenarios were found");
    assert!(
        failed.is_empty(),
        "failed with agora authentication:\n{}",
        failed.join("\n")
    );
}

/// Every operation of the catalogue is the call under test of a scenario that expects success (a
/// paged list also through its page iterator), so every language's suite (which replays these
/// files) calls every operation. The generated
/// `every-operation.json` covers the operations no hand-written scenario calls.
#[test]
fn every_catalogue_operation_is_called_by_a_scenario() {
    let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut called = std::collections::HashSet::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        for sc in doc["scenarios"].as_array().unwrap() {
            if sc["expect"].get("error").is_some() {
                continue;
            }
            let cloud = match sc["client"].as_str().unwrap() {
                "agora" => "easemob",
                c => c,
            };
            let pages = if sc["pages"].as_bool().unwrap_or(false) {
                " (pages)"
            } else {
                ""
            };
            called.insert(format!(
                "{cloud} {}{pages}",
                sc["operation"].as_str().unwrap()
            ));
        }
    }
    let missing: Vec<String> = imcloud::catalogue::CLOUDS
        .iter()
        .flat_map(|&c| {
            imcloud::catalogue::api(c)
                .operations
                .iter()
                .flat_map(move |o| {
                    // a paged list is read through its page iterator too
                    let pages = o
                        .paged
                        .as_ref()
                        .map(|_| format!("{} {} (pages)", c.as_str(), o.name));
                    std::iter::once(format!("{} {}", c.as_str(), o.name)).chain(pages)
                })
        })
        .filter(|k| !called.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "operations no scenario calls (run `cargo xtask gen`): {missing:?}"
    );
}
