//! Result decoding by declared type, and redaction: the one implementation every language uses
//! (the bindings only convert the normalised JSON into their own values).

use serde_json::{Map, Value};

use crate::{Field, ParamType};

/// A declared result field's value normalised to its declared type; `Null` when the server left it
/// out, sent null, or sent something that cannot be read as that type.
///
/// - `string`: strings as they are; numbers and booleans as their JSON text; objects and lists as
///   their JSON text.
/// - `int`: integers; integral floats; strings holding an integer; booleans as 0/1.
/// - `bool`: booleans; `"true"`/`"1"` (any case) as true and other strings as false; numbers as
///   non-zero.
/// - `string_list`: lists, each item as a `string` above (a `null` item is dropped).
/// - `object_list`: lists, keeping the items that are objects.
/// - other types (`json`, `string_map`, …): the value as sent.
pub fn normalise(ty: ParamType, v: Option<&Value>) -> Value {
    let Some(v) = v else { return Value::Null };
    if v.is_null() {
        return Value::Null;
    }
    match ty {
        ParamType::String => Value::String(as_text(v)),
        ParamType::Int => match v {
            Value::Number(n) => n
                .as_i64()
                .map(Value::from)
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| Value::from(f as i64))
                })
                .unwrap_or(Value::Null),
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::Null),
            Value::Bool(b) => Value::from(i64::from(*b)),
            _ => Value::Null,
        },
        ParamType::Bool => match v {
            Value::Bool(b) => Value::Bool(*b),
            Value::String(s) => Value::Bool(s.eq_ignore_ascii_case("true") || s == "1"),
            Value::Number(n) => Value::Bool(n.as_f64().is_some_and(|f| f != 0.0)),
            _ => Value::Null,
        },
        ParamType::StringList => match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|x| !x.is_null())
                    .map(|x| Value::String(as_text(x)))
                    .collect(),
            ),
            _ => Value::Null,
        },
        ParamType::ObjectList => match v {
            Value::Array(items) => {
                Value::Array(items.iter().filter(|x| x.is_object()).cloned().collect())
            }
            _ => Value::Null,
        },
        _ => v.clone(),
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The declared fields of one result object, normalised and keyed by their declared (snake_case)
/// name; every declared field is present (`null` when absent).
pub fn normalise_fields(fields: &[Field], object: &Value) -> Map<String, Value> {
    fields
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                normalise(f.ty, crate::get_path(object, &f.wire)),
            )
        })
        .collect()
}

/// `value` with every object key in `secret_keys` replaced by `"***"`, at any depth.
pub fn redact(value: &Value, secret_keys: &[&str]) -> Value {
    if secret_keys.is_empty() {
        return value.clone();
    }
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if secret_keys.contains(&k.as_str()) {
                        Value::String("***".into())
                    } else {
                        redact(v, secret_keys)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|x| redact(x, secret_keys)).collect()),
        other => other.clone(),
    }
}
