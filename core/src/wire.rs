//! Turning checked arguments into a request on the wire, and (for the emulator) a request on the
//! wire back into arguments. Both directions read the same declaration.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::catalogue::{Encoding, Location, Operation, Param, ParamType};
use crate::error::{Error, Result};

/// Characters kept as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request ready to send to any host.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub method: String,
    /// Path with its parameters filled in and percent-encoded (relative to the cloud's base).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: PreparedBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PreparedBody {
    Empty,
    /// `application/x-www-form-urlencoded`, already encoded.
    Form(String),
    /// `application/json`, already serialised.
    Json(String),
    /// `multipart/form-data` with the file under this part name.
    Multipart {
        field: String,
    },
}

impl Prepared {
    /// The path with its query string.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.query {
            s.append_pair(k, v);
        }
        format!("{}?{}", self.path, s.finish())
    }
}

/// Build the request for `op` from arguments already checked by [`crate::validate::validate`].
/// `credential` supplies the body fields an operation declares in `secrets` (e.g. `client_secret`).
pub fn prepare(
    op: &Operation,
    args: &Map<String, Value>,
    credential: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Prepared> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut form = form_urlencoded::Serializer::new(String::new());
    let mut json = Value::Object(Map::new());
    let mut file_field = None;

    for p in &op.params {
        let v = match args
            .get(&p.name)
            .filter(|v| !v.is_null())
            .or(p.default.as_ref())
        {
            Some(v) => v,
            None => {
                if p.ty == ParamType::File {
                    file_field = Some(p.wire.clone());
                }
                continue;
            }
        };
        match op.location_of(p) {
            Location::Path => {
                let joined = scalar_strings(p, v)
                    .iter()
                    .map(|s| utf8_percent_encode(s, PATH_SEGMENT).to_string())
                    .collect::<Vec<_>>()
                    .join(",");
                path = path.replace(&format!("{{{}}}", p.wire), &joined);
            }
            Location::Query => {
                for (k, s) in named_strings(p, v) {
                    query.push((k, s));
                }
            }
            Location::Header => {
                for s in scalar_strings(p, v) {
                    headers.push((p.wire.clone(), s));
                }
            }
            Location::File => file_field = Some(p.wire.clone()),
            Location::Body => match op.encoding {
                Encoding::Json => {
                    if let Some(jv) = json_value(p, v) {
                        set_path(&mut json, &p.wire, jv);
                    }
                }
                _ => {
                    for (k, s) in named_strings(p, v) {
                        form.append_pair(&k, &s);
                    }
                }
            },
        }
    }
    for (wire, cred) in &op.secrets {
        let value = credential(cred)
            .ok_or_else(|| Error::config(format!("{} needs the credential '{cred}'", op.name)))?;
        match op.encoding {
            Encoding::Json => set_path(&mut json, wire, Value::String(value)),
            _ => {
                form.append_pair(wire, &value);
            }
        }
    }
    for (k, v) in &op.constants {
        match op.encoding {
            Encoding::Json => set_path(&mut json, k, v.clone()),
            _ => {
                form.append_pair(k, &plain_string(v));
            }
        }
    }
    // a backstop behind validation: the path must reach the server as built. URL parsing
    // collapses `.`/`..` segments (even percent-encoded), which would address another endpoint.
    let parsed = url::Url::parse(&format!("http://h{path}")).map_err(|e| {
        Error::invalid_argument("path", format!("cannot form the request path: {e}"))
    })?;
    if parsed.path() != path.split('?').next().unwrap_or_default() {
        return Err(Error::invalid_argument(
            "path",
            format!(
                "the request path {path} would be read as {}; a path parameter holds '.', '..' or '/'",
                parsed.path()
            ),
        ));
    }
    let body = match op.encoding {
        Encoding::Form => PreparedBody::Form(form.finish()),
        Encoding::Json if op.body_in_list => {
            PreparedBody::Json(Value::Array(vec![json]).to_string())
        }
        Encoding::Json => PreparedBody::Json(json.to_string()),
        Encoding::Multipart => PreparedBody::Multipart {
            field: file_field.unwrap_or_else(|| "file".to_string()),
        },
        Encoding::Query | Encoding::None => PreparedBody::Empty,
    };
    Ok(Prepared {
        method: op.method.clone(),
        path,
        query,
        headers,
        body,
    })
}

fn plain_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The (name, text) pairs of a value in a query or form: one pair per text form, all under the
/// parameter's wire name, except a bracket map (`wire[key]` per entry).
fn named_strings(p: &Param, v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Object(m) if p.bracket_map() => m
            .iter()
            .map(|(k, x)| (format!("{}[{k}]", p.wire), plain_string(x)))
            .collect(),
        _ => scalar_strings(p, v)
            .into_iter()
            .map(|s| (p.wire.clone(), s))
            .collect(),
    }
}

/// The text form(s) of a value for a path, query, header or form field. Lists give one per item.
fn scalar_strings(p: &Param, v: &Value) -> Vec<String> {
    match (p.ty, v) {
        (ParamType::Bool, Value::Bool(b)) => match p.format.as_deref() {
            Some("01") => vec![if *b { "1" } else { "0" }.to_string()],
            Some(word) => {
                if *b {
                    vec![word.to_string()]
                } else {
                    vec![]
                }
            }
            None => vec![b.to_string()],
        },
        (ParamType::StringList, Value::Array(items)) if p.comma_joined() => {
            vec![items.iter().map(plain_string).collect::<Vec<_>>().join(",")]
        }
        (ParamType::StringList | ParamType::ObjectList, Value::Array(_)) if p.json_text_list() => {
            vec![v.to_string()]
        }
        (ParamType::StringList, Value::Array(items)) => items.iter().map(plain_string).collect(),
        (ParamType::JsonString, Value::String(s)) => vec![s.clone()],
        (_, v) => vec![plain_string(v)],
    }
}

/// The JSON form of a value for a JSON body; `None` leaves the field out.
fn json_value(p: &Param, v: &Value) -> Option<Value> {
    match (p.ty, v) {
        (ParamType::Bool, Value::Bool(b)) => match p.format.as_deref() {
            Some("01") => Some(Value::from(u8::from(*b))),
            Some(word) => b.then(|| Value::String(word.to_string())),
            None => Some(Value::Bool(*b)),
        },
        (ParamType::JsonString, Value::Object(_) | Value::Array(_)) => {
            Some(Value::String(v.to_string()))
        }
        (ParamType::StringList, Value::Array(items)) if p.comma_joined() => Some(Value::String(
            items.iter().map(plain_string).collect::<Vec<_>>().join(","),
        )),
        (ParamType::ObjectList, Value::Array(items)) if !p.item_fields.is_empty() => {
            Some(Value::Array(
                items
                    .iter()
                    .map(|item| {
                        let mut out = Value::Object(Map::new());
                        if let Some(obj) = item.as_object() {
                            for f in &p.item_fields {
                                if let Some(fv) = obj.get(&f.name).filter(|v| !v.is_null())
                                    && let Some(jv) = json_value(f, fv)
                                {
                                    set_path(&mut out, &f.wire, jv);
                                }
                            }
                        }
                        out
                    })
                    .collect(),
            ))
        }
        _ => Some(v.clone()),
    }
}

/// Set a dotted path (`body.size.width`) in a JSON object; `$` replaces the whole value.
fn set_path(root: &mut Value, path: &str, v: Value) {
    if path == "$" {
        *root = v;
        return;
    }
    let mut cur = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let obj = cur.as_object_mut().expect("made an object above");
        if parts.peek().is_none() {
            obj.insert(part.to_string(), v);
            return;
        }
        cur = obj
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

pub use crate::catalogue::get_path;

/// Match a concrete path (no query) against a template; returns the path parameters, decoded.
pub fn match_path(template: &str, path: &str) -> Option<Map<String, Value>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut out = Map::new();
    for (ts, ps) in t.iter().zip(&p) {
        if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if ps.is_empty() {
                return None;
            }
            let decoded = percent_decode_str(ps).decode_utf8().ok()?;
            out.insert(name.to_string(), Value::String(decoded.into_owned()));
        } else if ts != ps {
            return None;
        }
    }
    Some(out)
}

/// What arrived on the wire, for [`decode`].
pub struct Incoming<'a> {
    /// Path parameters from [`match_path`], keyed by wire name.
    pub path_params: &'a Map<String, Value>,
    pub query: &'a [(String, String)],
    pub form: &'a [(String, String)],
    pub json: Option<&'a Value>,
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

/// Does a JSON body fit this operation (constants equal; a `$` body is a list, a `body_in_list`
/// body a list of exactly one object, others an object)? Tells apart operations that share a
/// method and path (message types; single registration, a one-element list, vs batch).
pub fn body_fits(op: &Operation, json: Option<&Value>) -> bool {
    if op.encoding != Encoding::Json {
        return true;
    }
    let Some(body) = json else {
        return op.params.iter().all(|p| !p.required);
    };
    let whole = op.params.iter().any(|p| p.wire == "$");
    if (whole || op.body_in_list) != body.is_array() {
        return false;
    }
    let Some(body) = json_body(op, body) else {
        return false;
    };
    op.constants
        .iter()
        .all(|(k, v)| get_path(body, k) == Some(v))
}

/// The object the parameters were read from: the body, or the single item of a `body_in_list` body.
fn json_body<'a>(op: &Operation, body: &'a Value) -> Option<&'a Value> {
    if !op.body_in_list {
        return Some(body);
    }
    match body.as_array().map(Vec::as_slice) {
        Some([one]) if one.is_object() => Some(one),
        _ => None,
    }
}

/// Turn what arrived into arguments keyed by parameter name (the inverse of [`prepare`]).
/// Values that cannot be read as their declared type give an `InvalidArgument` error.
pub fn decode(op: &Operation, inc: &Incoming<'_>) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for p in &op.params {
        let loc = op.location_of(p);
        let v = match loc {
            Location::File => None,
            Location::Path => inc
                .path_params
                .get(&p.wire)
                .and_then(Value::as_str)
                .map(|s| {
                    if p.ty == ParamType::StringList {
                        Ok(Value::Array(
                            s.split(',').map(|x| Value::String(x.to_string())).collect(),
                        ))
                    } else {
                        from_text(p, s)
                    }
                }),
            Location::Header => (inc.header)(&p.wire).map(|s| from_text(p, &s)),
            Location::Query => from_pairs(p, inc.query),
            Location::Body => match op.encoding {
                Encoding::Json => inc
                    .json
                    .and_then(|b| json_body(op, b))
                    .and_then(|b| get_path(b, &p.wire))
                    .map(|v| from_json(p, v)),
                _ => from_pairs(p, inc.form),
            },
        };
        if let Some(v) = v {
            out.insert(p.name.clone(), v?);
        }
    }
    Ok(out)
}

fn from_pairs(p: &Param, pairs: &[(String, String)]) -> Option<Result<Value>> {
    if p.bracket_map() {
        let prefix = format!("{}[", p.wire);
        let m: Map<String, Value> = pairs
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix(&prefix)?.strip_suffix(']')?;
                Some((key.to_string(), Value::String(v.clone())))
            })
            .collect();
        return (!m.is_empty()).then_some(Ok(Value::Object(m)));
    }
    let vals: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == &p.wire)
        .map(|(_, v)| v.as_str())
        .collect();
    if vals.is_empty() {
        return None;
    }
    if p.comma_joined() {
        return Some(Ok(Value::Array(
            vals[0]
                .split(',')
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )));
    }
    if p.ty == ParamType::StringList {
        return Some(Ok(Value::Array(
            vals.iter().map(|s| Value::String(s.to_string())).collect(),
        )));
    }
    Some(from_text(p, vals[0]))
}

fn from_text(p: &Param, s: &str) -> Result<Value> {
    match p.ty {
        ParamType::Int => s.trim().parse::<i64>().map(Value::from).map_err(|_| {
            Error::invalid_argument(&p.name, format!("must be an integer, got '{s}'"))
        }),
        ParamType::Bool => match (p.format.as_deref(), s) {
            (Some("01"), "1") | (None, "true") | (None, "1") => Ok(Value::Bool(true)),
            (Some("01"), "0") | (None, "false") | (None, "0") => Ok(Value::Bool(false)),
            (Some(word), other) if word != "01" => Ok(Value::Bool(other == word)),
            _ => Err(Error::invalid_argument(
                &p.name,
                format!("must be a bool, got '{s}'"),
            )),
        },
        ParamType::Json | ParamType::StringMap | ParamType::ObjectList => serde_json::from_str(s)
            .map_err(|e| Error::invalid_argument(&p.name, format!("must be JSON ({e})"))),
        ParamType::StringList if p.json_text_list() => serde_json::from_str(s)
            .map_err(|e| Error::invalid_argument(&p.name, format!("must be JSON ({e})"))),
        ParamType::StringList => Ok(Value::Array(vec![Value::String(s.to_string())])),
        _ => Ok(Value::String(s.to_string())),
    }
}

fn from_json(p: &Param, v: &Value) -> Result<Value> {
    match (p.ty, v) {
        (ParamType::Bool, Value::Number(n)) if p.format.as_deref() == Some("01") => {
            Ok(Value::Bool(n.as_i64() == Some(1)))
        }
        (ParamType::Bool, Value::String(s)) => from_text(p, s),
        (ParamType::ObjectList, Value::Array(items)) if !p.item_fields.is_empty() => {
            Ok(Value::Array(
                items
                    .iter()
                    .map(|item| {
                        let mut out = Map::new();
                        for f in &p.item_fields {
                            if let Some(fv) = get_path(item, &f.wire) {
                                out.insert(f.name.clone(), fv.clone());
                            }
                        }
                        Value::Object(out)
                    })
                    .collect(),
            ))
        }
        _ => Ok(v.clone()),
    }
}
