//! The answer of an operation no family carries out: built from the declared response shape, so
//! a client decoding it finds every documented field with a value of its declared type.

use bytes::Bytes;
use imcloud::catalogue::{Cloud, Field, Operation, PageStyle, ParamType};
use serde_json::{Map, Value, json};

use super::Answer;

/// An empty value of a declared type.
fn empty(ty: ParamType) -> Value {
    match ty {
        ParamType::String | ParamType::JsonString | ParamType::File => Value::String(String::new()),
        ParamType::Int => json!(0),
        ParamType::Bool => json!(false),
        ParamType::StringList | ParamType::ObjectList => json!([]),
        ParamType::Json | ParamType::StringMap => json!({}),
    }
}

/// An object with every documented field, each empty of its type.
fn object(fields: &[Field]) -> Value {
    let mut o = Map::new();
    for f in fields {
        o.insert(f.wire.clone(), empty(f.ty));
    }
    Value::Object(o)
}

/// Whether `args` ask a numbered list for a page after the first.
fn later_page(op: &Operation, args: &Map<String, Value>) -> bool {
    op.paged.as_ref().is_some_and(|pg| {
        pg.style == PageStyle::Page && args.get(&pg.param).and_then(Value::as_i64) > Some(1)
    })
}

/// The canned answer of `op` called with `args`. A paged list has one canned page: a numbered
/// list's later pages are empty, and a cursor list's answer carries no next cursor.
pub(crate) fn answer(cloud: Cloud, op: &Operation, args: &Map<String, Value>) -> Answer {
    let r = &op.response;
    let item = object(&r.fields);
    let value = match r.shape.as_str() {
        "bytes" => return Answer::Bytes(Bytes::new()),
        "array" if later_page(op, args) => Value::Array(Vec::new()),
        // one item, so that every documented field is there to be read
        "array" => Value::Array(vec![item]),
        _ => item,
    };
    match (cloud, r.root.as_deref()) {
        (Cloud::Rongcloud, None) => Answer::Fields(value),
        // the result sits under its root (`data`): nest it there
        (Cloud::Rongcloud, Some(root)) => Answer::Fields(
            root.rsplit('.')
                .fold(value, |inner, key| json!({ key: inner })),
        ),
        (Cloud::Easemob, None) => Answer::Raw(value),
        (Cloud::Easemob, Some("entities")) => match value {
            Value::Array(items) => Answer::Entities(items),
            one => Answer::Entities(vec![one]),
        },
        // `entities.0`: the object is the first entity
        (Cloud::Easemob, Some(root)) if root.starts_with("entities") => {
            Answer::Entities(vec![value])
        }
        (Cloud::Easemob, Some(_)) => Answer::Data(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imcloud::catalogue::{easemob, rongcloud};

    /// Every declared operation's canned answer, put in its envelope, has each documented field
    /// at the declared root with a value of the declared type.
    #[test]
    fn canned_answers_follow_the_declared_shape() {
        for (cloud, api) in [(Cloud::Rongcloud, rongcloud()), (Cloud::Easemob, easemob())] {
            for op in &api.operations {
                let body = match answer(cloud, op, &Map::new()) {
                    Answer::Bytes(b) => {
                        assert_eq!(op.response.shape, "bytes", "{}", op.name);
                        assert!(b.is_empty());
                        continue;
                    }
                    Answer::Fields(v) => {
                        let mut b = json!({"code": 200});
                        b.as_object_mut()
                            .unwrap()
                            .extend(v.as_object().unwrap().clone());
                        b
                    }
                    Answer::Raw(v) => v,
                    Answer::Data(v) => json!({ "data": v }),
                    Answer::Entities(e) => json!({ "entities": e }),
                };
                let root = match op.response.root.as_deref() {
                    None => &body,
                    Some(path) => path
                        .split('.')
                        .fold(&body, |cur, k| match k.parse::<usize>() {
                            Ok(i) => &cur[i],
                            Err(_) => &cur[k],
                        }),
                };
                let item = match op.response.shape.as_str() {
                    "array" => {
                        assert!(root.is_array(), "{}: {root}", op.name);
                        &root[0]
                    }
                    _ => {
                        assert!(root.is_object(), "{}: {root}", op.name);
                        root
                    }
                };
                for f in &op.response.fields {
                    let v = &item[f.wire.as_str()];
                    let ok = match f.ty {
                        ParamType::Int => v.is_i64(),
                        ParamType::Bool => v.is_boolean(),
                        ParamType::StringList | ParamType::ObjectList => v.is_array(),
                        ParamType::Json | ParamType::StringMap => v.is_object(),
                        _ => v.is_string(),
                    };
                    assert!(ok, "{}: field {} is {v}", op.name, f.wire);
                }
            }
        }
    }
}
