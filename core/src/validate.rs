//! Checking a call's arguments against its declaration, before anything is sent.
//! The emulator runs the same checks on what it receives, so limits live in one place.

use serde_json::{Map, Value};

use crate::catalogue::{Location, Operation, Param, ParamType};
use crate::error::{Error, Result};

/// Check `args` (keyed by parameter `name`) against `op`. The file of an upload is checked apart
/// (see [`check_file_size`]); its parameter may be absent from `args`.
pub fn validate(op: &Operation, args: &Map<String, Value>) -> Result<()> {
    for key in args.keys() {
        if op.param(key).is_none() {
            let known: Vec<&str> = op
                .params
                .iter()
                .filter(|p| p.ty != ParamType::File)
                .map(|p| p.name.as_str())
                .collect();
            return Err(Error::invalid_argument(
                key.as_str(),
                format!(
                    "unknown parameter for {}; expected one of: {}",
                    op.name,
                    known.join(", ")
                ),
            )
            .with_operation(&op.name));
        }
    }
    for p in &op.params {
        if p.ty == ParamType::File {
            continue;
        }
        let v = args.get(&p.name).filter(|v| !v.is_null());
        match v {
            None if p.required && p.default.is_none() => {
                return Err(
                    Error::invalid_argument(&p.name, "is required").with_operation(&op.name)
                );
            }
            None => {}
            Some(v) => {
                check_value(p, &p.name, v, args).map_err(|e| e.with_operation(&op.name))?;
                match op.location_of(p) {
                    Location::Path if v.is_array() => {
                        check_each_text(&p.name, v, check_path_list_item)
                    }
                    Location::Path => check_each_text(&p.name, v, check_path_segment),
                    Location::Header => check_each_text(&p.name, v, check_header_param),
                    _ => Ok(()),
                }
                .map_err(|e| e.with_operation(&op.name))?
            }
        }
    }
    Ok(())
}

/// Apply `check` to a string value, or to each item of a list (`name[i]`).
fn check_each_text(name: &str, v: &Value, check: fn(&str, &str) -> Result<()>) -> Result<()> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| match item {
                Value::String(s) => check(&format!("{name}[{i}]"), s),
                _ => Ok(()),
            }),
        Value::String(s) => check(name, s),
        _ => Ok(()),
    }
}

/// A value sent as a request header: printable ASCII (a header carries no encoding for other
/// text), without control characters (CR/LF would split the request) and without surrounding
/// whitespace (which HTTP strips, so the server would see another value).
pub fn check_header_param(name: &str, s: &str) -> Result<()> {
    crate::config::check_header_text(name, s)?;
    if let Some(c) = s.chars().find(|c| !c.is_ascii()) {
        return Err(Error::invalid_argument(
            name,
            format!("contains '{c}'; a header value must be ASCII"),
        ));
    }
    if s.trim() != s {
        return Err(Error::invalid_argument(
            name,
            "has leading or trailing whitespace, which HTTP would strip",
        ));
    }
    Ok(())
}

/// An item of a list sent comma-joined in one path segment: a path segment, without commas
/// (which would split it into two items).
pub fn check_path_list_item(name: &str, s: &str) -> Result<()> {
    check_path_segment(name, s)?;
    if s.contains(',') {
        return Err(Error::invalid_argument(
            name,
            "contains ','; the items of this list are sent comma-separated in the path",
        ));
    }
    Ok(())
}

/// A value that becomes one segment of the request's path must stay that segment: `.` and `..`
/// would be collapsed by URL parsing (even percent-encoded) and reach another endpoint — a
/// `DELETE …/members/..` would delete the group — so they, empty values, `/` and `\`, and control
/// characters are refused before anything is sent, for every operation.
pub fn check_path_segment(name: &str, s: &str) -> Result<()> {
    let why = if s.is_empty() {
        Some("must not be empty".to_string())
    } else if s == "." || s == ".." {
        Some(format!(
            "cannot be '{s}': it would address another endpoint"
        ))
    } else {
        s.chars()
            .find(|c| matches!(c, '/' | '\\') || c.is_control())
            .map(|c| {
                let what = if c.is_control() {
                    format!("the control character U+{:04X}", c as u32)
                } else {
                    format!("'{c}'")
                };
                format!(
                    "contains {what}; a path segment cannot hold '/', '\\' or control characters"
                )
            })
    };
    match why {
        Some(w) => Err(Error::invalid_argument(name, w)),
        None => Ok(()),
    }
}

/// Check a file's size against the parameter's `max_size`.
pub fn check_file_size(op: &Operation, size: u64) -> Result<()> {
    if let Some(p) = op.file_param()
        && let Some(max) = p.max_size
        && size > max
    {
        return Err(Error::invalid_argument(
            &p.name,
            format!(
                "file is {size} bytes; the limit is {max} bytes ({})",
                human_size(max)
            ),
        )
        .with_operation(&op.name));
    }
    Ok(())
}

fn human_size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(path: &str, want: &str, v: &Value) -> Error {
    Error::invalid_argument(path, format!("must be {want}, got {}", type_name(v)))
}

fn check_value(p: &Param, path: &str, v: &Value, args: &Map<String, Value>) -> Result<()> {
    match p.ty {
        ParamType::String => {
            let s = v.as_str().ok_or_else(|| wrong_type(path, "a string", v))?;
            check_str(p, path, s)
        }
        ParamType::Int => {
            let n = match v {
                Value::Number(x) if x.is_u64() || x.is_i64() => x.as_i64().ok_or_else(|| {
                    Error::invalid_argument(
                        path,
                        format!(
                            "is {x}; must be at most {}{}",
                            p.max.unwrap_or(i64::MAX),
                            range_text(p)
                        ),
                    )
                })?,
                Value::Number(x) if x.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                    return Err(Error::invalid_argument(
                        path,
                        format!("is {x}; out of range{}", range_text(p)),
                    ));
                }
                _ => return Err(wrong_type(path, "an integer", v)),
            };
            if let Some(min) = p.min
                && n < min
            {
                return Err(Error::invalid_argument(
                    path,
                    format!("is {n}; must be at least {min}{}", range_text(p)),
                ));
            }
            if let Some(max) = p.max
                && n > max
            {
                return Err(Error::invalid_argument(
                    path,
                    format!("is {n}; must be at most {max}{}", range_text(p)),
                ));
            }
            Ok(())
        }
        ParamType::Bool => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| wrong_type(path, "a bool", v)),
        ParamType::StringList => {
            let items = v
                .as_array()
                .ok_or_else(|| wrong_type(path, "a list of strings", v))?;
            check_count(p, path, items.len() as u64, args)?;
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let s = item
                    .as_str()
                    .ok_or_else(|| wrong_type(&item_path, "a string", item))?;
                check_str(p, &item_path, s)?;
                if p.comma_joined() && s.contains(',') {
                    return Err(Error::invalid_argument(
                        &item_path,
                        "must not contain ',' (the list is sent comma-joined)",
                    ));
                }
            }
            Ok(())
        }
        ParamType::Json => check_json_bytes(p, path, v),
        ParamType::JsonString => match v {
            Value::Object(_) | Value::Array(_) => check_json_bytes(p, path, v),
            Value::String(s) => serde_json::from_str::<Value>(s)
                .map(|_| ())
                .map_err(|e| {
                    Error::invalid_argument(
                        path,
                        format!("must be a JSON object or a string holding JSON ({e})"),
                    )
                })
                .and_then(|_| check_json_bytes(p, path, v)),
            _ => Err(wrong_type(
                path,
                "a JSON object or a string holding JSON",
                v,
            )),
        },
        ParamType::ObjectList => {
            let items = v
                .as_array()
                .ok_or_else(|| wrong_type(path, "a list of objects", v))?;
            check_count(p, path, items.len() as u64, args)?;
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let obj = item
                    .as_object()
                    .ok_or_else(|| wrong_type(&item_path, "an object", item))?;
                if p.item_fields.is_empty() {
                    continue;
                }
                for key in obj.keys() {
                    if !p.item_fields.iter().any(|f| &f.name == key) {
                        let known: Vec<&str> =
                            p.item_fields.iter().map(|f| f.name.as_str()).collect();
                        return Err(Error::invalid_argument(
                            format!("{item_path}.{key}"),
                            format!("unknown field; expected one of: {}", known.join(", ")),
                        ));
                    }
                }
                for f in &p.item_fields {
                    let fpath = format!("{item_path}.{}", f.name);
                    match obj.get(&f.name).filter(|v| !v.is_null()) {
                        None if f.required => {
                            return Err(Error::invalid_argument(fpath, "is required"));
                        }
                        None => {}
                        Some(fv) => check_value(f, &fpath, fv, obj)?,
                    }
                }
            }
            Ok(())
        }
        ParamType::StringMap => {
            let obj = v
                .as_object()
                .ok_or_else(|| wrong_type(path, "an object of strings", v))?;
            check_count(p, path, obj.len() as u64, args)?;
            for (k, val) in obj {
                if !val.is_string() {
                    return Err(wrong_type(&format!("{path}.{k}"), "a string", val));
                }
            }
            check_json_bytes(p, path, v)
        }
        ParamType::File => Ok(()),
    }
}

fn range_text(p: &Param) -> String {
    match (p.min, p.max) {
        (Some(a), Some(b)) => format!(" (allowed range {a}..={b})"),
        _ => String::new(),
    }
}

fn check_str(p: &Param, path: &str, s: &str) -> Result<()> {
    let chars = s.chars().count() as u64;
    if let Some(min) = p.min_len
        && chars < min
    {
        return Err(if min == 1 {
            Error::invalid_argument(path, "must not be empty")
        } else {
            Error::invalid_argument(
                path,
                format!("is {chars} characters; must be at least {min}"),
            )
        });
    }
    if let Some(max) = p.max_len
        && chars > max
    {
        return Err(Error::invalid_argument(
            path,
            format!("is {chars} characters; the limit is {max} characters"),
        ));
    }
    if let Some(max) = p.max_bytes
        && s.len() as u64 > max
    {
        return Err(Error::invalid_argument(
            path,
            format!("is {} bytes; the limit is {max} bytes", s.len()),
        ));
    }
    if let Some(values) = &p.enum_values
        && !values.iter().any(|v| v == s)
    {
        return Err(Error::invalid_argument(
            path,
            format!("is '{s}'; must be one of: {}", values.join(", ")),
        ));
    }
    if let Some(pattern) = &p.pattern {
        let (ok, allowed) = pattern_class(pattern);
        if let Some(bad) = s.chars().find(|c| !ok(*c)) {
            let shown = if bad.is_control() {
                format!("the control character {}", bad.escape_unicode())
            } else {
                format!("'{bad}'")
            };
            return Err(Error::invalid_argument(
                path,
                format!("contains {shown}; only {allowed} are allowed"),
            ));
        }
    }
    Ok(())
}

/// A named character class: which characters it allows, and how to say so in an error.
/// `user_id`: Easemob user names; `rongcloud_user_id`: RongCloud user ids (letters, digits, `=`,
/// `-`, `_`); `custom_event`: Easemob custom message events.
fn pattern_class(name: &str) -> (fn(char) -> bool, &'static str) {
    match name {
        "user_id" => (
            |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'),
            "a-z A-Z 0-9 _ - .",
        ),
        "rongcloud_user_id" => (
            |c| c.is_ascii_alphanumeric() || matches!(c, '=' | '-' | '_'),
            "a-z A-Z 0-9 = - _",
        ),
        "custom_event" => (
            |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '.'),
            "a-z A-Z 0-9 _ - / .",
        ),
        _ => (|_| true, "any character"),
    }
}

/// The size in bytes a JSON-valued parameter takes on the wire (a string holding JSON is sent as it is).
fn json_bytes(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.len() as u64,
        other => other.to_string().len() as u64,
    }
}

fn check_json_bytes(p: &Param, path: &str, v: &Value) -> Result<()> {
    if let Some(max) = p.max_bytes {
        let n = json_bytes(v);
        if n > max {
            return Err(Error::invalid_argument(
                path,
                format!(
                    "is {n} bytes as JSON; the limit is {max} bytes ({})",
                    human_size(max)
                ),
            ));
        }
    }
    Ok(())
}

fn check_count(p: &Param, path: &str, n: u64, args: &Map<String, Value>) -> Result<()> {
    if let Some(min) = p.min_items
        && n < min
    {
        return Err(if min == 1 {
            Error::invalid_argument(path, "must not be empty")
        } else {
            Error::invalid_argument(path, format!("has {n} items; must have at least {min}"))
        });
    }
    if let Some(max) = p.max_items
        && n > max
    {
        return Err(Error::invalid_argument(
            path,
            format!("has {n} items; the limit is {max}"),
        ));
    }
    if let Some(by) = &p.max_items_by
        && let Some(key) = args.get(&by.param).and_then(Value::as_str)
        && let Some(max) = by.values.get(key)
        && n > *max
    {
        return Err(Error::invalid_argument(
            path,
            format!(
                "has {n} items; the limit is {max} when {} is '{key}'",
                by.param
            ),
        ));
    }
    Ok(())
}
