//! The emulator's own reading of a request, written from the wire formats themselves
//! (`application/x-www-form-urlencoded`, JSON, `multipart/form-data`, the query string, path
//! templates) and the catalogue's declaration of each operation. It shares no code with the
//! client's encoder (`imcloud::wire`), so a bug there cannot cancel itself out here: the tests in
//! `emulator/tests/wire.rs` feed it hand-written requests.

use bytes::Bytes;
use imcloud::catalogue::{Encoding, Location, Operation, Param, ParamType};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// A parameter that arrived in a form its declaration does not allow.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadParam {
    pub param: String,
    pub message: String,
}

fn bad(p: &Param, message: String) -> BadParam {
    BadParam {
        param: p.name.clone(),
        message: format!("{}: {message}", p.name),
    }
}

/// A request body, read according to its media type.
pub(crate) enum Body {
    None,
    /// Name/value pairs in order; a repeated name is a list.
    Pairs(Vec<(String, String)>),
    Json(Value),
    /// The text fields and the file part (file name, bytes).
    Multipart {
        fields: Vec<(String, String)>,
        file: Option<(String, Bytes)>,
    },
}

/// What a request carried, by parameter name.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    /// The operation's parameters, keyed by their caller-side name.
    pub args: Map<String, Value>,
    /// The body fields the declaration fixes (`const`) or fills from credentials (`secrets`), as
    /// sent, keyed by wire name.
    pub fixed: Map<String, Value>,
}

/// `application/x-www-form-urlencoded` (a body or a query string) into pairs.
pub(crate) fn pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

/// A JSON body, if it is one.
pub(crate) fn json(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

/// A `multipart/form-data` body: its text fields and the part named `file_field`.
pub(crate) async fn multipart(
    content_type: &str,
    body: Bytes,
    file_field: &str,
) -> Result<Body, String> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| "Content-Type must be multipart/form-data with a boundary".to_string())?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(f) = mp
        .next_field()
        .await
        .map_err(|e| format!("bad multipart body: {e}"))?
    {
        let name = f.name().unwrap_or_default().to_string();
        if name == file_field && file.is_none() {
            let file_name = f.file_name().unwrap_or("file").to_string();
            let data = f
                .bytes()
                .await
                .map_err(|e| format!("bad multipart body: {e}"))?;
            file = Some((file_name, data));
        } else {
            let text = f
                .text()
                .await
                .map_err(|e| format!("bad multipart body: {e}"))?;
            fields.push((name, text));
        }
    }
    Ok(Body::Multipart { fields, file })
}

/// Match a request path (no query) against a declared template (`/users/{username}`): the path
/// parameters by wire name, percent-decoded; `None` if it does not match.
pub(crate) fn match_template(template: &str, path: &str) -> Option<Map<String, Value>> {
    let want: Vec<&str> = template.trim_matches('/').split('/').collect();
    let got: Vec<&str> = path.trim_matches('/').split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut out = Map::new();
    for (w, g) in want.iter().zip(&got) {
        match w.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                if g.is_empty() {
                    return None;
                }
                let text = percent_decode_str(g).decode_utf8().ok()?;
                out.insert(name.to_string(), Value::String(text.into_owned()));
            }
            None if w == g => {}
            None => return None,
        }
    }
    Some(out)
}

/// The object holding an operation's body fields: the body itself, or the only element of a
/// one-element list for a `body_in_list` operation.
fn body_object<'a>(op: &Operation, body: &'a Value) -> Option<&'a Value> {
    if !op.body_in_list {
        return Some(body);
    }
    match body.as_array().map(Vec::as_slice) {
        Some([one]) if one.is_object() => Some(one),
        _ => None,
    }
}

/// A dotted wire name (`body.size.width`, `$` for the whole value) looked up in JSON.
fn lookup<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    if dotted == "$" {
        return Some(v);
    }
    dotted
        .split('.')
        .try_fold(v, |cur, key| cur.as_object()?.get(key))
}

/// Whether a JSON body is this operation's (among those sharing a method and path): the fixed
/// fields hold their declared values, and the body is a list exactly when the declaration says
/// the whole body is one (`$`) or a one-element list (`body_in_list`).
pub(crate) fn fits(op: &Operation, body: Option<&Value>) -> bool {
    if op.encoding != Encoding::Json {
        return true;
    }
    let Some(body) = body else {
        return !op.params.iter().any(|p| p.required);
    };
    let listed = op.body_in_list || op.params.iter().any(|p| p.wire == "$");
    if listed != body.is_array() {
        return false;
    }
    let Some(obj) = body_object(op, body) else {
        return false;
    };
    op.constants.iter().all(|(k, v)| lookup(obj, k) == Some(v))
}

/// Read the arguments of `op` out of what arrived: path parameters (from [`match_template`]), the
/// query string's pairs, the body, and the headers.
pub(crate) fn decode(
    op: &Operation,
    path_params: &Map<String, Value>,
    query: &[(String, String)],
    body: &Body,
    header: &dyn Fn(&str) -> Option<String>,
) -> Result<Decoded, BadParam> {
    let json_obj = match body {
        Body::Json(v) => body_object(op, v),
        _ => None,
    };
    let body_pairs: &[(String, String)] = match body {
        Body::Pairs(p) => p,
        Body::Multipart { fields, .. } => fields,
        _ => &[],
    };
    let mut out = Decoded::default();
    for p in &op.params {
        let value = match op.location_of(p) {
            Location::File => None,
            Location::Path => match path_params.get(&p.wire).and_then(Value::as_str) {
                // a list travels in one segment, comma-separated
                Some(s) if p.ty == ParamType::StringList => Some(Value::Array(
                    s.split(',').map(|x| Value::String(x.into())).collect(),
                )),
                Some(s) => Some(typed_text(p, s)?),
                None => None,
            },
            Location::Header => header(&p.wire).map(|s| typed_text(p, &s)).transpose()?,
            Location::Query => from_pairs(p, query)?,
            Location::Body => match op.encoding {
                Encoding::Json => match json_obj.and_then(|o| lookup(o, &p.wire)) {
                    Some(v) => Some(typed_json(p, v)?),
                    None => None,
                },
                _ => from_pairs(p, body_pairs)?,
            },
        };
        if let Some(v) = value {
            out.args.insert(p.name.clone(), v);
        }
    }
    let fixed_names = op.constants.keys().chain(op.secrets.keys());
    for wire in fixed_names {
        let v = match body {
            Body::Json(_) => json_obj.and_then(|o| lookup(o, wire)).cloned(),
            _ => body_pairs
                .iter()
                .find(|(k, _)| k == wire)
                .map(|(_, v)| Value::String(v.clone())),
        };
        if let Some(v) = v {
            out.fixed.insert(wire.clone(), v);
        }
    }
    Ok(out)
}

/// A parameter from name/value pairs: every value of a list (the name repeated), else the first.
fn from_pairs(p: &Param, pairs: &[(String, String)]) -> Result<Option<Value>, BadParam> {
    if p.bracket_map() {
        // one `wire[key]=value` pair per entry
        let prefix = format!("{}[", p.wire);
        let m: Map<String, Value> = pairs
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix(&prefix)?.strip_suffix(']')?;
                Some((key.to_string(), Value::String(v.clone())))
            })
            .collect();
        return Ok((!m.is_empty()).then_some(Value::Object(m)));
    }
    let mut values = pairs.iter().filter(|(k, _)| *k == p.wire).map(|(_, v)| v);
    if p.json_text_list() {
        // the list as JSON text in one field
        return values
            .next()
            .map(|v| serde_json::from_str(v).map_err(|e| bad(p, format!("must be JSON ({e})"))))
            .transpose();
    }
    if p.comma_joined() {
        return Ok(values.next().map(|v| split_list(v)));
    }
    if p.ty == ParamType::StringList {
        let all: Vec<Value> = values.map(|v| Value::String(v.clone())).collect();
        return Ok((!all.is_empty()).then_some(Value::Array(all)));
    }
    values.next().map(|v| typed_text(p, v)).transpose()
}

/// A comma-joined list (`a,b`) as a list of strings.
fn split_list(s: &str) -> Value {
    Value::Array(s.split(',').map(|x| Value::String(x.into())).collect())
}

/// A parameter sent as text (form field, query, path segment, header) as its declared type.
fn typed_text(p: &Param, s: &str) -> Result<Value, BadParam> {
    match p.ty {
        ParamType::Int => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| bad(p, format!("must be an integer, got '{s}'"))),
        ParamType::Bool => match p.format.as_deref() {
            Some("01") => match s {
                "1" => Ok(Value::Bool(true)),
                "0" => Ok(Value::Bool(false)),
                _ => Err(bad(p, format!("must be 1 or 0, got '{s}'"))),
            },
            // a flag word: present means true
            Some(word) => Ok(Value::Bool(s == word)),
            None => match s {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(bad(p, format!("must be true or false, got '{s}'"))),
            },
        },
        // JSON-valued parameters in a form or query travel as JSON text
        ParamType::Json | ParamType::StringMap | ParamType::ObjectList => {
            serde_json::from_str(s).map_err(|e| bad(p, format!("must be JSON ({e})")))
        }
        ParamType::StringList => Ok(Value::Array(vec![Value::String(s.to_string())])),
        // strings, and JSON carried as a string (validation checks the text)
        _ => Ok(Value::String(s.to_string())),
    }
}

/// A parameter sent inside a JSON body as its declared type.
fn typed_json(p: &Param, v: &Value) -> Result<Value, BadParam> {
    match (p.ty, v) {
        (ParamType::Bool, Value::Number(n)) if p.format.as_deref() == Some("01") => {
            match n.as_i64() {
                Some(1) => Ok(Value::Bool(true)),
                Some(0) => Ok(Value::Bool(false)),
                _ => Err(bad(p, format!("must be 1 or 0, got {n}"))),
            }
        }
        (ParamType::Bool, Value::String(s)) => typed_text(p, s),
        (ParamType::StringList, Value::String(s)) if p.comma_joined() => Ok(split_list(s)),
        (ParamType::ObjectList, Value::Array(items)) if !p.item_fields.is_empty() => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let mut obj = Map::new();
                for f in &p.item_fields {
                    if let Some(fv) = lookup(item, &f.wire) {
                        obj.insert(f.name.clone(), typed_json(f, fv)?);
                    }
                }
                out.push(Value::Object(obj));
            }
            Ok(Value::Array(out))
        }
        _ => Ok(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imcloud::catalogue::{easemob, rongcloud};
    use serde_json::json;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn templates_match_whole_segments_and_decode_them() {
        let m = match_template("/users/{username}/status", "/users/a%20b/status").unwrap();
        assert_eq!(m["username"], "a b");
        assert!(match_template("/users/{username}", "/users/").is_none());
        assert!(match_template("/users/{username}", "/users/a/status").is_none());
        assert!(match_template("/users/{username}", "/groups/a").is_none());
    }

    #[test]
    fn repeated_form_keys_are_a_list_and_01_bools_are_read() {
        let op = rongcloud().operation("message.private.publish").unwrap();
        let body = Body::Pairs(pairs(
            b"fromUserId=a&toUserId=b&toUserId=c&objectName=RC%3ATxtMsg&content=%7B%7D&isPersisted=0",
        ));
        let d = decode(op, &Map::new(), &[], &body, &none).unwrap();
        assert_eq!(d.args["to_user_ids"], json!(["b", "c"]));
        assert_eq!(d.args["object_name"], "RC:TxtMsg");
        assert_eq!(d.args["is_persisted"], false);
        let wrong = Body::Pairs(pairs(b"isPersisted=true"));
        let e = decode(op, &Map::new(), &[], &wrong, &none).unwrap_err();
        assert_eq!(e.param, "is_persisted");
    }

    #[test]
    fn json_bodies_are_read_by_dotted_wire_names_and_fit_by_constants() {
        let api = easemob();
        let img = api.operation("message.send_image").unwrap();
        let txt = api.operation("message.send_text").unwrap();
        let body = json!({"from": "a", "to": ["b"], "type": "img", "body": {"url": "u", "size": {"width": 3}}});
        assert!(fits(img, Some(&body)));
        assert!(!fits(txt, Some(&body)));
        let pp = match_template(&img.path, "/messages/users").unwrap();
        let d = decode(img, &pp, &[], &Body::Json(body), &none).unwrap();
        assert_eq!(d.args["width"], 3);
        assert_eq!(d.args["url"], "u");
        assert_eq!(d.args["target_type"], "users");
        assert_eq!(d.fixed["type"], "img");
    }

    #[test]
    fn a_one_element_list_is_a_single_registration_and_a_longer_list_a_batch() {
        let api = easemob();
        let one = api.operation("user.register").unwrap();
        let batch = api.operation("user.register_batch").unwrap();
        let single = json!([{"username": "a", "password": "p"}]);
        let two = json!([{"username": "a"}, {"username": "b"}]);
        assert!(fits(one, Some(&single)));
        assert!(!fits(one, Some(&two)));
        assert!(fits(batch, Some(&two)));
        let d = decode(batch, &Map::new(), &[], &Body::Json(two), &none).unwrap();
        assert_eq!(
            d.args["users"],
            json!([{"username": "a"}, {"username": "b"}])
        );
    }
}
