//! Valid sample arguments for any operation, from its declaration alone: what the generated
//! every-operation scenarios, the golden wire fixtures and the core's tests send.

use serde_json::{Map, Value, json};

use crate::{Operation, Param, ParamType};

/// A valid value for a parameter: the first enum value, the shortest allowed text (`a`…), the
/// least allowed number (at least 1), the fewest allowed list items (at least 1).
pub fn sample_value(p: &Param) -> Value {
    let text = || -> Value {
        if let Some(e) = p.enum_values.as_ref().and_then(|e| e.first()) {
            return json!(e);
        }
        json!("a".repeat(p.min_len.unwrap_or(1).max(1) as usize))
    };
    match p.ty {
        ParamType::String => text(),
        ParamType::Int => json!(p.min.unwrap_or(1).max(1).min(p.max.unwrap_or(i64::MAX))),
        ParamType::Bool => json!(true),
        ParamType::StringList => Value::Array(
            (0..p.min_items.unwrap_or(1).max(1))
                .map(|_| text())
                .collect(),
        ),
        ParamType::Json | ParamType::JsonString => json!({"a": 1}),
        ParamType::ObjectList => {
            let mut item = Map::new();
            for f in p.item_fields.iter().filter(|f| f.required) {
                item.insert(f.name.clone(), sample_value(f));
            }
            json!([item])
        }
        ParamType::StringMap => json!({"a": "b"}),
        ParamType::File => Value::Null,
    }
}

/// Arguments that pass validation: every required parameter (and with `optional`, every other
/// one too) with its [`sample_value`]; the file of an upload is not an argument.
pub fn sample_args(op: &Operation, optional: bool) -> Map<String, Value> {
    op.params
        .iter()
        .filter(|p| (p.required || optional) && p.ty != ParamType::File)
        .map(|p| (p.name.clone(), sample_value(p)))
        .collect()
}
