//! Sample arguments for any declared operation, from its declaration alone: a deterministic valid
//! value per parameter type that satisfies the declared limits. Shared by the core's catalogue
//! tests (`core/tests/catalogue.rs`) and the conformance crate's golden wire fixtures
//! (`tests/rust/golden.rs`, through `imcloud_conformance::sample`), so both exercise the same values.

use imcloud::catalogue::{Operation, Param, ParamType};
use serde_json::{Map, Value, json};

/// A valid value for a parameter, from its declaration alone.
pub fn sample_value(p: &Param) -> Value {
    let text = || -> Value {
        if let Some(e) = &p.enum_values {
            return json!(e[0]);
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

/// Arguments that pass validation: every required parameter with a valid value.
pub fn sample_args(op: &Operation) -> Map<String, Value> {
    op.params
        .iter()
        .filter(|p| p.required && p.ty != ParamType::File)
        .map(|p| (p.name.clone(), sample_value(p)))
        .collect()
}
