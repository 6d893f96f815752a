//! Entry points and invariant checks for the fuzz targets in `fuzz/` (cargo-fuzz, nightly) and
//! for `core/tests/fuzz_corpus.rs`, which replays the committed corpus through the same checks on
//! stable. Not part of the API: hidden from the docs and free to change.
//!
//! Each `check_*` function reads an arbitrary byte string as one input, calls the real code and
//! panics if an invariant does not hold (a panic is what the fuzzer reports as a crash). With
//! `strict == false` the inputs of *known, open* defects are skipped (see [`KNOWN_OPEN`]), so the
//! fuzzer keeps looking for new ones; `strict == true` checks them too, which is how the files
//! under `fuzz/regressions/` are replayed.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::catalogue::{self, Cloud, Encoding, Location, Operation, Param, ParamType};
use crate::config::{self, ClientOptions};
use crate::engine::{self, Answer};
use crate::error::ErrorKind;
use crate::failover::{Outcome, parse_retry_after};
use crate::secret::Secret;
use crate::signing::{self, CallbackSignature};
use crate::validate;
use crate::wire::{self, Incoming, PreparedBody};

/// Defects the campaign found (or that were known) and that are not fixed yet. Their inputs are
/// skipped unless `strict`; each has an input under `fuzz/regressions/`. Remove an entry (and the
/// skip it names) once the defect is fixed, and the regression input becomes a plain test.
pub const KNOWN_OPEN: &[(&str, &str)] = &[];

/// Whether the fuzz targets check the [`KNOWN_OPEN`] defects too: set `IMCLOUD_FUZZ_STRICT=1`
/// (e.g. to confirm a fix, or to reproduce one of them from scratch).
pub fn strict() -> bool {
    static STRICT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("IMCLOUD_FUZZ_STRICT").is_some_and(|v| v == "1"))
}

/// The fuzz targets, by name (the names of `fuzz/fuzz_targets/*.rs` and `fuzz/corpus/*`).
pub const TARGETS: [&str; 5] = ["classify", "headers", "callback", "roundtrip", "validate"];

/// Run the check of target `name` on one input.
pub fn check(name: &str, data: &[u8], strict: bool) {
    match name {
        "classify" => check_classify(data, strict),
        "headers" => check_headers(data, strict),
        "callback" => check_callback(data, strict),
        "roundtrip" => check_roundtrip(data, strict),
        "validate" => check_validate(data, strict),
        other => panic!("no fuzz target named {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading structured values out of fuzzer bytes.

/// Reads values from the fuzzer's bytes; past the end it reads zeros.
pub struct Reader<'a> {
    data: &'a [u8],
}

/// Strings that matter to the code under test, picked by the fuzzer by index.
const SPECIAL: [&str; 24] = [
    "",
    ".",
    "..",
    ",",
    "a,b",
    "/",
    "a/b",
    "%2e",
    "%2e%2e",
    " ",
    " a ",
    "\n",
    "a\r\nb",
    "\0",
    "é",
    "😀",
    "true",
    "1",
    "?x=1&y",
    "#",
    "\u{7f}",
    "{\"a\":1}",
    "[]",
    "null",
];

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.byte();
        }
        u64::from_le_bytes(b)
    }
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(usize::MAX)
    }
    /// A string: one of [`SPECIAL`], ASCII letters/digits, or raw bytes read as lossy UTF-8.
    pub fn string(&mut self) -> String {
        let b = self.byte();
        match b {
            0..=47 => SPECIAL[usize::from(b) % SPECIAL.len()].to_string(),
            48..=127 => {
                let n = usize::from(b - 48);
                const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_-=ABCXYZ";
                (0..n)
                    .map(|_| char::from(ALNUM[usize::from(self.byte()) % ALNUM.len()]))
                    .collect()
            }
            _ => {
                let n = usize::from(b - 128);
                String::from_utf8_lossy(self.take(n)).into_owned()
            }
        }
    }
    /// Any JSON value, nested at most `depth` deep.
    pub fn json(&mut self, depth: u8) -> Value {
        let b = self.byte();
        match if depth == 0 { b % 5 } else { b % 7 } {
            0 => Value::Null,
            1 => Value::Bool(b & 8 != 0),
            2 => match b >> 4 {
                0 => Value::from(i64::MIN),
                1 => Value::from(u64::MAX),
                2 => Value::from(-1),
                3 => Value::from(f64::from_bits(self.u64())),
                4 => Value::from(1.5),
                _ => Value::from(i64::from(self.u16()) - 1000),
            },
            3 | 4 => Value::String(self.string()),
            5 => {
                let n = usize::from(self.byte() % 6);
                Value::Array((0..n).map(|_| self.json(depth - 1)).collect())
            }
            _ => {
                let n = usize::from(self.byte() % 6);
                Value::Object(
                    (0..n)
                        .map(|_| (self.string(), self.json(depth - 1)))
                        .collect(),
                )
            }
        }
    }
}

fn cloud_of(b: u8) -> Cloud {
    if b & 1 == 0 {
        Cloud::Rongcloud
    } else {
        Cloud::Easemob
    }
}

// ---------------------------------------------------------------------------------------------
// classify: an HTTP answer (status, body bytes, Retry-After) into an outcome and an error.

/// Input: flags (bit 0 cloud, bit 1 bearer auth, bit 2 idempotent), status (u16 → 100..=999),
/// the Retry-After text, then the body bytes.
pub fn check_classify(data: &[u8], _strict: bool) {
    let mut r = Reader::new(data);
    let flags = r.byte();
    let cloud = cloud_of(flags);
    let bearer = flags & 2 != 0;
    let idempotent = flags & 4 != 0;
    let status = 100 + r.u16() % 900;
    let ra_text = r.string();
    let body_bytes = r.rest();
    let retry_after = parse_retry_after(&ra_text);
    let body: Option<Value> = serde_json::from_slice(body_bytes).ok();
    let (outcome, result) =
        engine::classify(cloud, bearer, status, body.clone(), retry_after, idempotent);
    let ctx = || format!("{cloud:?} status {status} body {body:?} -> {outcome:?}");

    assert_eq!(
        outcome == Outcome::Success,
        result.is_ok(),
        "Success iff Ok: {}",
        ctx()
    );
    let two_xx = (200..300).contains(&status);
    if outcome == Outcome::Success {
        assert!(two_xx, "Success for a non-2xx answer: {}", ctx());
    }
    match cloud {
        Cloud::Rongcloud => {
            let code = body
                .as_ref()
                .and_then(|b| b.get("code"))
                .and_then(Value::as_i64);
            if status == 200 && code == Some(200) {
                assert_eq!(outcome, Outcome::Success, "{}", ctx());
            } else {
                assert_ne!(outcome, Outcome::Success, "{}", ctx());
            }
        }
        Cloud::Easemob => {
            if two_xx && body.is_some() {
                assert_eq!(outcome, Outcome::Success, "{}", ctx());
            }
            if two_xx && body.is_none() {
                assert_eq!(outcome, Outcome::NoAnswer { timed_out: false }, "{}", ctx());
            }
        }
    }
    match result {
        Ok(Answer::Json { status: s, body: b }) => {
            assert_eq!(s, status, "{}", ctx());
            assert_eq!(
                Some(&b).filter(|b| !b.is_null()),
                body.as_ref().filter(|b| !b.is_null())
            );
        }
        Ok(Answer::Stream { .. }) => panic!("classify never streams: {}", ctx()),
        Err(e) => {
            assert_eq!(e.http_status(), Some(status), "{}", ctx());
            assert!(
                !matches!(
                    e.kind(),
                    ErrorKind::Connect
                        | ErrorKind::Timeout
                        | ErrorKind::Network
                        | ErrorKind::Io
                        | ErrorKind::Internal
                        | ErrorKind::Config
                ),
                "an answer classified as the local/transport kind {}: {}",
                e.kind(),
                ctx()
            );
            assert!(!e.detail().is_empty(), "{}", ctx());
            let _ = e.to_string();
            let _ = format!("{e:?}");
            if e.kind() == ErrorKind::RateLimited {
                assert_eq!(outcome, Outcome::RateLimited { retry_after }, "{}", ctx());
                assert!(e.retryable(), "{}", ctx());
                assert_eq!(e.retry_after(), retry_after, "{}", ctx());
            }
            if e.retryable() {
                assert!(
                    e.kind() == ErrorKind::RateLimited || idempotent,
                    "a non-idempotent call marked retryable: {}",
                    ctx()
                );
            }
            if outcome == Outcome::Unauthorized {
                assert!(
                    cloud == Cloud::Easemob && bearer && e.kind() == ErrorKind::Authentication,
                    "{}",
                    ctx()
                );
            }
            if (500..600).contains(&status) {
                assert!(
                    outcome.host_failed(),
                    "HTTP {status} did not count as a server failure (not failed over): {}",
                    ctx()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// headers: Retry-After, header text, durations and option maps.

/// Input: a selector byte, then the text/number/JSON for the parser it picks.
pub fn check_headers(data: &[u8], _strict: bool) {
    let mut r = Reader::new(data);
    match r.byte() % 4 {
        0 => {
            let raw = r.rest();
            let s = String::from_utf8_lossy(raw);
            let got = parse_retry_after(&s);
            let num = s.trim().parse::<f64>().ok();
            match (got, num) {
                (Some(d), Some(f)) => {
                    assert!(f >= 0.0, "{s:?} gave {d:?}");
                    // Clamping is allowed (never more than asked, never more than the cap);
                    // below an hour it is exact.
                    assert!(d.as_secs_f64() <= f + 1e-6, "{s:?} gave {d:?}");
                    assert!(d <= crate::failover::RETRY_AFTER_CAP, "{s:?} gave {d:?}");
                    if f <= 3600.0 {
                        assert!((d.as_secs_f64() - f).abs() < 1e-6, "{s:?} gave {d:?}");
                    }
                }
                (Some(d), None) => panic!("{s:?} is not a number but gave {d:?}"),
                (None, Some(f)) => assert!(
                    !(f.is_finite() && f >= 0.0),
                    "{s:?} is a valid delay but was ignored"
                ),
                (None, None) => {}
            }
        }
        1 => {
            let s = String::from_utf8_lossy(r.rest()).into_owned();
            if config::check_header_text("user_agent", &s).is_ok() {
                assert!(
                    reqwest::header::HeaderValue::from_str(&s).is_ok(),
                    "check_header_text accepted {s:?}, which is not a valid header value"
                );
            }
        }
        2 => {
            let key = config::OPTION_KEYS[usize::from(r.byte()) % config::OPTION_KEYS.len()];
            let f = match r.byte() % 4 {
                0 => f64::from_bits(r.u64()),
                1 => f64::from(r.u16()) / 16.0,
                2 => -f64::from(r.u16()),
                _ => [
                    f64::INFINITY,
                    f64::NAN,
                    1e20,
                    1e300,
                    0.0,
                    -0.0,
                    f64::MIN_POSITIVE,
                ][usize::from(r.byte()) % 7],
            };
            match config::duration_secs(key, f) {
                Ok(d) => {
                    assert!((0.0..=86_400.0).contains(&f), "{key}={f} gave {d:?}");
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
                    assert_eq!(e.param(), Some(key), "{e}");
                }
            }
        }
        _ => {
            let n = usize::from(r.byte() % 6);
            let mut m = Map::new();
            for _ in 0..n {
                let key = match r.byte() {
                    b if b < 200 => {
                        config::OPTION_KEYS[usize::from(b) % config::OPTION_KEYS.len()].to_string()
                    }
                    _ => r.string(),
                };
                m.insert(key, r.json(1));
            }
            let mut o = ClientOptions::default();
            match o.apply_json(&m) {
                Ok(()) => {
                    // The clients call validate() after apply_json: a refusal there must name
                    // one of the settings given.
                    if let Err(e) = o.validate() {
                        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
                        let p = e.param().map(str::to_string).unwrap_or_default();
                        assert!(
                            m.contains_key(&p),
                            "validate names {p:?}, not a key of {m:?}"
                        );
                        return;
                    }
                    let mut again = ClientOptions::default();
                    again
                        .apply_json(&o.to_json())
                        .unwrap_or_else(|e| panic!("to_json of {o:?} does not apply: {e}"));
                    assert_options_close(&o, &again);
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
                    let p = e.param().map(str::to_string).unwrap_or_default();
                    assert!(m.contains_key(&p), "error names {p:?}, not a key of {m:?}");
                }
            }
        }
    }
}

fn assert_options_close(a: &ClientOptions, b: &ClientOptions) {
    let (ja, jb) = (a.to_json(), b.to_json());
    assert_eq!(ja.keys().collect::<Vec<_>>(), jb.keys().collect::<Vec<_>>());
    for (k, va) in &ja {
        let vb = &jb[k];
        match (va.as_f64(), vb.as_f64()) {
            (Some(x), Some(y)) => {
                assert!((x - y).abs() <= 1e-6 * x.abs().max(1.0), "{k}: {x} vs {y}")
            }
            _ => assert_eq!(va, vb, "{k}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// callback: CallbackSignature::extract + verify_callback.

const CALLBACK_NAMES: [&str; 12] = [
    "nonce",
    "rc-nonce",
    "signTimestamp",
    "timestamp",
    "rc-timestamp",
    "signature",
    "rc-signature",
    "NONCE",
    "Timestamp",
    "RC-Signature",
    "appKey",
    "x",
];

fn pairs(r: &mut Reader<'_>) -> Vec<(String, String)> {
    let n = usize::from(r.byte() % 7);
    (0..n)
        .map(|_| {
            let b = r.byte();
            let k = if b < 224 {
                CALLBACK_NAMES[usize::from(b) % CALLBACK_NAMES.len()].to_string()
            } else {
                r.string()
            };
            (k, r.string())
        })
        .collect()
}

/// The extraction rule, written independently: the first source (query, then headers) that has
/// all three fields; each field takes the first name in priority order, and for a name the first
/// pair (names compared ASCII-case-insensitively).
fn model_extract(q: &[(String, String)], h: &[(String, String)]) -> Option<CallbackSignature> {
    fn field(p: &[(String, String)], names: &[&str]) -> Option<String> {
        for n in names {
            for (k, v) in p {
                if k.eq_ignore_ascii_case(n) {
                    return Some(v.clone());
                }
            }
        }
        None
    }
    for p in [q, h] {
        if let (Some(nonce), Some(timestamp), Some(signature)) = (
            field(p, &["nonce", "rc-nonce"]),
            field(p, &["signtimestamp", "timestamp", "rc-timestamp"]),
            field(p, &["signature", "rc-signature"]),
        ) {
            return Some(CallbackSignature {
                nonce,
                timestamp,
                signature,
            });
        }
    }
    None
}

/// Input: secret, now (ms), window, query and header pairs, and optionally a correctly signed
/// triple put first in the query or the headers.
pub fn check_callback(data: &[u8], _strict: bool) {
    let mut r = Reader::new(data);
    let secret_text = r.string();
    let now_ms = match r.byte() % 3 {
        0 => r.u64(),
        _ => 1_700_000_000_000 + r.u64() % 1_000_000_000,
    };
    let window_f = match r.byte() % 4 {
        0 => f64::from_bits(r.u64()),
        1 => [f64::INFINITY, f64::NAN, -1.0, 0.0, 1e300][usize::from(r.byte()) % 5],
        _ => f64::from(r.u16()),
    };
    let window = match config::duration_secs("window", window_f) {
        Ok(w) => {
            assert!(
                window_f.is_finite() && window_f >= 0.0,
                "window {window_f} accepted"
            );
            w
        }
        Err(e) => {
            assert_eq!(e.param(), Some("window"), "{e}");
            Duration::from_secs(300)
        }
    };
    let mut query = pairs(&mut r);
    let mut headers = pairs(&mut r);
    let forge = r.byte();
    let mut forged_fresh: Option<CallbackSignature> = None;
    if forge & 1 == 1 {
        let nonce = r.string();
        let ts = match (forge >> 1) % 4 {
            0 => now_ms.to_string(),
            1 => (now_ms / 1000).to_string(),
            2 => now_ms.saturating_sub(u64::from(r.u16()) * 1000).to_string(),
            _ => r.string(),
        };
        let mut sig = signing::signature(&secret_text, &nonce, &ts);
        if forge & 32 != 0 {
            sig = sig.to_ascii_uppercase();
        }
        let fresh = CallbackSignature {
            nonce: nonce.clone(),
            timestamp: ts.clone(),
            signature: sig.clone(),
        };
        let triple = vec![
            ("nonce".to_string(), nonce),
            ("timestamp".to_string(), ts),
            ("signature".to_string(), sig),
        ];
        let into = if forge & 64 == 0 {
            &mut query
        } else {
            &mut headers
        };
        let mut v = triple;
        v.append(into);
        *into = v;
        if (forge >> 1).is_multiple_of(4) && forge & 64 == 0 && now_ms >= 100_000_000_000 {
            forged_fresh = Some(fresh);
        }
    }
    let secret = Secret::new(secret_text.clone());

    let got = CallbackSignature::extract(&query, &headers);
    let want = model_extract(&query, &headers);
    match (&got, &want) {
        (Ok(g), Some(w)) => assert_eq!(g, w, "extract from {query:?} / {headers:?}"),
        (Err(e), None) => assert_eq!(e.kind(), ErrorKind::Authentication),
        _ => panic!("extract gave {got:?}, expected {want:?} from {query:?} / {headers:?}"),
    }
    let Ok(sig) = got else { return };
    let res = signing::verify_callback(&secret, &sig, now_ms, window);
    // The rule, written independently (u128, no casts).
    let model_ok = sig.timestamp.trim().parse::<u64>().ok().is_some_and(|ts| {
        let ts_ms = if ts < 100_000_000_000 {
            u128::from(ts) * 1000
        } else {
            u128::from(ts)
        };
        u128::from(now_ms).abs_diff(ts_ms) <= window.as_millis()
    }) && signing::signature(&secret_text, &sig.nonce, &sig.timestamp)
        == sig.signature.trim().to_ascii_lowercase();
    assert_eq!(
        res.is_ok(),
        model_ok,
        "verify_callback({sig:?}, now {now_ms}, window {window:?}) gave {res:?}"
    );
    if forged_fresh.as_ref() == Some(&sig) {
        assert!(
            res.is_ok(),
            "a correctly signed fresh callback was refused: {res:?}"
        );
    }
    if let Err(e) = &res {
        assert_eq!(e.kind(), ErrorKind::Authentication);
        let shown = format!("{e} {e:?}");
        let fixed = "callback timestamp is not a number away from now the window is signature \
                     does not match the app secret";
        // the same check with another secret: text that shows either way is the message's own
        // (a secret such as "param" is in every Debug), not a leak
        let other = Secret::new("\u{1}".repeat(secret_text.chars().count()));
        let shown_anyway = signing::verify_callback(&other, &sig, now_ms, window)
            .err()
            .is_some_and(|e| format!("{e} {e:?}").contains(&secret_text));
        if secret_text.len() >= 6
            && !secret_text
                .chars()
                .all(|c| c.is_ascii_digit() || c == 's' || c == ' ')
            && !fixed.contains(&secret_text)
            && !shown_anyway
        {
            assert!(!shown.contains(&secret_text), "the secret shows in {shown}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Arguments for an operation, built from fuzzer bytes.

fn gen_args(r: &mut Reader<'_>, op: &Operation) -> Map<String, Value> {
    let mut m = Map::new();
    for p in &op.params {
        if let Some(v) = gen_param(r, p) {
            m.insert(p.name.clone(), v);
        }
    }
    if r.byte() == 255 {
        m.insert(r.string(), r.json(1));
    }
    m
}

fn gen_param(r: &mut Reader<'_>, p: &Param) -> Option<Value> {
    match r.byte() % 10 {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(r.json(2)),
        _ => typed(r, p),
    }
}

fn typed_string(r: &mut Reader<'_>, p: &Param) -> String {
    match &p.enum_values {
        Some(vals) if !vals.is_empty() && r.byte() < 224 => {
            vals[usize::from(r.byte()) % vals.len()].clone()
        }
        _ => r.string(),
    }
}

fn typed(r: &mut Reader<'_>, p: &Param) -> Option<Value> {
    Some(match p.ty {
        ParamType::String => Value::String(typed_string(r, p)),
        ParamType::Int => {
            let (lo, hi) = (p.min.unwrap_or(-1000), p.max.unwrap_or(1_000_000));
            match r.byte() % 4 {
                0 => Value::from(r.u64() as i64),
                _ if hi >= lo => {
                    let span = (hi as i128 - lo as i128 + 1) as u128;
                    Value::from((lo as i128 + (u128::from(r.u64()) % span) as i128) as i64)
                }
                _ => Value::from(lo),
            }
        }
        ParamType::Bool => Value::Bool(r.byte() & 1 == 1),
        ParamType::StringList => {
            let n = usize::from(r.byte() % 5);
            Value::Array((0..n).map(|_| Value::String(typed_string(r, p))).collect())
        }
        ParamType::Json => r.json(2),
        ParamType::JsonString => match r.byte() % 3 {
            0 => Value::String(r.json(2).to_string()),
            1 => Value::String(r.string()),
            _ => {
                let n = usize::from(r.byte() % 4);
                Value::Object((0..n).map(|_| (r.string(), r.json(1))).collect())
            }
        },
        ParamType::ObjectList => {
            let n = usize::from(r.byte() % 4);
            Value::Array(
                (0..n)
                    .map(|_| {
                        let mut o = Map::new();
                        for f in &p.item_fields {
                            if let Some(v) = gen_param(r, f) {
                                o.insert(f.name.clone(), v);
                            }
                        }
                        Value::Object(o)
                    })
                    .collect(),
            )
        }
        ParamType::StringMap => {
            let n = usize::from(r.byte() % 4);
            Value::Object(
                (0..n)
                    .map(|_| (r.string(), Value::String(r.string())))
                    .collect(),
            )
        }
        ParamType::File => return None,
    })
}

/// Input: cloud bit, operation index, then either (bit 1 of the first byte) arguments as raw
/// JSON text, or arguments built parameter by parameter.
fn op_and_args(data: &[u8]) -> (Cloud, &'static Operation, Map<String, Value>) {
    let mut r = Reader::new(data);
    let b = r.byte();
    let cloud = cloud_of(b);
    let api = catalogue::api(cloud);
    let op = &api.operations[usize::from(r.byte()) % api.operations.len()];
    let args = if b & 2 != 0 {
        match serde_json::from_slice::<Value>(r.rest()) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    } else {
        gen_args(&mut r, op)
    };
    (cloud, op, args)
}

// ---------------------------------------------------------------------------------------------
// validate: never panics, errors name the parameter, limits hold when it says Ok.

pub fn check_validate(data: &[u8], _strict: bool) {
    let (_, op, args) = op_and_args(data);
    let res = validate::validate(op, &args);
    assert_eq!(
        res,
        validate::validate(op, &args),
        "validate is not deterministic"
    );
    match res {
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
            assert_eq!(e.operation(), Some(op.name.as_str()), "{e}");
            let p = e
                .param()
                .map(str::to_string)
                .unwrap_or_else(|| panic!("no param in {e}"));
            let head = p.split(['[', '.']).next().unwrap_or_default();
            assert!(
                args.contains_key(&p) || args.contains_key(head) || op.param(head).is_some(),
                "{} error names {p:?}, neither an argument nor a parameter: {e}",
                op.name
            );
            assert!(e.detail().contains(&p), "message does not name {p}: {e}");
        }
        Ok(()) => {
            for p in &op.params {
                let v = args.get(&p.name).filter(|v| !v.is_null());
                if p.required && p.default.is_none() && p.ty != ParamType::File {
                    assert!(
                        v.is_some(),
                        "{}: required {} missing but Ok",
                        op.name,
                        p.name
                    );
                }
                let Some(v) = v else { continue };
                let strs: Vec<&str> = match v {
                    Value::String(s) if p.ty == ParamType::String => vec![s.as_str()],
                    Value::Array(a) if p.ty == ParamType::StringList => {
                        if let Some(max) = p.max_items {
                            assert!(a.len() as u64 <= max, "{}: {} too many", op.name, p.name);
                        }
                        if let Some(min) = p.min_items {
                            assert!(a.len() as u64 >= min, "{}: {} too few", op.name, p.name);
                        }
                        a.iter().filter_map(Value::as_str).collect()
                    }
                    Value::Number(n) if p.ty == ParamType::Int => {
                        let n = n.as_i64().expect("an Int that validated is an i64");
                        assert!(
                            p.min.is_none_or(|m| n >= m),
                            "{}: {} below min",
                            op.name,
                            p.name
                        );
                        assert!(
                            p.max.is_none_or(|m| n <= m),
                            "{}: {} above max",
                            op.name,
                            p.name
                        );
                        vec![]
                    }
                    _ => vec![],
                };
                for s in strs {
                    let chars = s.chars().count() as u64;
                    assert!(
                        p.max_len.is_none_or(|m| chars <= m),
                        "{}: {} too long",
                        op.name,
                        p.name
                    );
                    assert!(
                        p.min_len.is_none_or(|m| chars >= m),
                        "{}: {} too short",
                        op.name,
                        p.name
                    );
                    assert!(
                        p.max_bytes.is_none_or(|m| s.len() as u64 <= m),
                        "{}: {} over max_bytes",
                        op.name,
                        p.name
                    );
                    if let Some(vals) = &p.enum_values {
                        assert!(
                            vals.iter().any(|x| x == s),
                            "{}: {} not in enum",
                            op.name,
                            p.name
                        );
                    }
                }
            }
            wire::prepare(op, &args, &|c| Some(format!("cred-{c}")))
                .unwrap_or_else(|e| panic!("{}: validated arguments do not prepare: {e}", op.name));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// roundtrip: prepare, put on the wire as the client does, read back as the emulator does.

/// What `decode` must give back for validated `args`: defaults filled in, a bool sent as a word
/// absent when false, a `json_string` object as its JSON text, empty lists in a form/query absent,
/// an empty bracket map absent (it puts no `wire[key]` field on the wire: the same request).
fn expected_args(op: &Operation, args: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for p in &op.params {
        if p.ty == ParamType::File {
            continue;
        }
        let Some(v) = args
            .get(&p.name)
            .filter(|v| !v.is_null())
            .or(p.default.as_ref())
        else {
            continue;
        };
        let loc = op.location_of(p);
        let json_body = loc == Location::Body && op.encoding == Encoding::Json;
        let v = match (p.ty, v) {
            (ParamType::Bool, Value::Bool(false))
                if p.format.as_deref().is_some_and(|f| f != "01") =>
            {
                continue;
            }
            (ParamType::JsonString, Value::Object(_) | Value::Array(_)) => {
                Value::String(v.to_string())
            }
            (ParamType::StringList, Value::Array(a)) if a.is_empty() && !json_body => continue,
            (_, Value::Object(m)) if m.is_empty() && p.bracket_map() => continue,
            (ParamType::ObjectList, Value::Array(items)) if !p.item_fields.is_empty() => {
                Value::Array(
                    items
                        .iter()
                        .map(|item| {
                            let mut o = Map::new();
                            for f in &p.item_fields {
                                if let Some(fv) = item.get(&f.name).filter(|v| !v.is_null()) {
                                    o.insert(f.name.clone(), fv.clone());
                                }
                            }
                            Value::Object(o)
                        })
                        .collect(),
                )
            }
            _ => v.clone(),
        };
        out.insert(p.name.clone(), v);
    }
    out
}

/// The texts a path parameter puts in the URL, one per segment (a list is one segment).
fn path_texts(op: &Operation, args: &Map<String, Value>) -> Vec<String> {
    op.params
        .iter()
        .filter(|p| op.location_of(p) == Location::Path)
        .filter_map(|p| {
            args.get(&p.name)
                .filter(|v| !v.is_null())
                .or(p.default.as_ref())
        })
        .map(|v| match v {
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// A header value that survives the trip: visible ASCII and inner spaces.
fn header_safe(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b)) && s.trim() == s
}

pub fn check_roundtrip(data: &[u8], _strict: bool) {
    let (cloud, op, args) = op_and_args(data);
    if validate::validate(op, &args).is_err() {
        return;
    }
    let name = &op.name;
    let segments = path_texts(op, &args);
    let bad_segment = segments
        .iter()
        .find(|s| matches!(s.as_str(), "" | "." | ".."));
    if let Some(s) = bad_segment {
        panic!("{name}: validate accepted the path segment {s:?}");
    }
    let comma_item = op.params.iter().any(|p| {
        p.ty == ParamType::StringList
            && op.location_of(p) == Location::Path
            && args
                .get(&p.name)
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter()
                        .any(|x| x.as_str().is_some_and(|s| s.contains(',')))
                })
    });
    assert!(
        !comma_item,
        "{name}: validate accepted a ',' inside an item of a comma-joined path list"
    );
    let prep = wire::prepare(op, &args, &|c| Some(format!("cred-{c}")))
        .unwrap_or_else(|e| panic!("{name}: validated arguments do not prepare: {e}"));
    for (k, v) in &prep.headers {
        if !header_safe(v) {
            panic!("{name}: validate accepted the header {k}: {v:?}");
        }
    }
    // The client: base path + path and query, parsed as a URL (as reqwest does).
    let base = if cloud == Cloud::Easemob {
        "/org/app"
    } else {
        ""
    };
    let url = url::Url::parse(&format!("http://h.invalid{base}{}", prep.path_and_query()))
        .unwrap_or_else(|e| panic!("{name}: {:?} is not a URL: {e}", prep.path_and_query()));
    // The emulator: route, then decode.
    let rest = url
        .path()
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{name}: {} lost the base path", url.path()));
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let (form, json): (Vec<(String, String)>, Option<Value>) = match &prep.body {
        PreparedBody::Form(s) => (
            form_urlencoded::parse(s.as_bytes()).into_owned().collect(),
            None,
        ),
        PreparedBody::Json(s) => (
            Vec::new(),
            Some(serde_json::from_str(s).unwrap_or_else(|e| panic!("{name}: body {s:?}: {e}"))),
        ),
        PreparedBody::Multipart { field } => {
            let want = op.file_param().map_or("file", |p| p.wire.as_str());
            assert_eq!(field, want, "{name}: multipart file part");
            (Vec::new(), None)
        }
        PreparedBody::Empty => (Vec::new(), None),
    };
    let path_params = match cloud {
        Cloud::Rongcloud => {
            assert_eq!(rest, op.path, "{name}: path");
            Map::new()
        }
        Cloud::Easemob => {
            let pp = wire::match_path(&op.path, rest)
                .unwrap_or_else(|| panic!("{name}: {rest} does not match {}", op.path));
            let candidates: Vec<&Operation> = catalogue::easemob()
                .operations
                .iter()
                .filter(|o| o.method == op.method && wire::match_path(&o.path, rest).is_some())
                .collect();
            let routed = candidates
                .iter()
                .find(|o| wire::body_fits(o, json.as_ref()))
                .or(candidates.first())
                .map(|o| o.name.as_str());
            if let Some(other) = routed.filter(|r| *r != name.as_str()) {
                // Two operations may send the very same request (a batch of one registration is
                // a single registration): routing elsewhere is right only when the other
                // operation reads this request back into the same request.
                let o = catalogue::easemob()
                    .require(other)
                    .expect("routed to a known operation");
                let header = |_: &str| None;
                let inc = Incoming {
                    path_params: &pp,
                    query: &query,
                    form: &form,
                    json: json.as_ref(),
                    header: &header,
                };
                let same = wire::decode(o, &inc)
                    .ok()
                    .filter(|a| validate::validate(o, a).is_ok())
                    .and_then(|a| wire::prepare(o, &a, &|c| Some(format!("cred-{c}"))).ok())
                    .is_some_and(|p2| p2.body == prep.body && p2.path == prep.path);
                assert!(same, "{name}: {} {rest} is routed to {other}", op.method);
            }
            pp
        }
    };
    let header = |n: &str| {
        prep.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let inc = Incoming {
        path_params: &path_params,
        query: &query,
        form: &form,
        json: json.as_ref(),
        header: &header,
    };
    let decoded =
        wire::decode(op, &inc).unwrap_or_else(|e| panic!("{name}: decode of {prep:?} failed: {e}"));
    let want = expected_args(op, &args);
    assert!(
        json_close(
            &Value::Object(decoded.clone()),
            &Value::Object(want.clone())
        ),
        "{name}: round trip of {args:?} via {prep:?}\n got: {decoded:?}\nwant: {want:?}"
    );
    validate::validate(op, &decoded)
        .unwrap_or_else(|e| panic!("{name}: the emulator refuses what the client sent: {e}"));
}

/// Equal, except that floats may differ in the last bits (serde_json parses without
/// `float_roundtrip`, on the emulator's side as here).
fn json_close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_close(v, w)))
        }
        _ => a == b,
    }
}
