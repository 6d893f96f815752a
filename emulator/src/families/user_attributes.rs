//! Easemob user attributes (`metadata.user.*`): per user, key → value. As the documentation
//! says, reading a user without attributes (or one that does not exist) gives `{}`, deleting
//! them is never an error, and one user's attributes take at most 2 KB together.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::em_error;

pub(crate) struct UserAttributes;

impl Family for UserAttributes {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "metadata.user.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        OPERATIONS
            .contains(&call.op.name.as_str())
            .then(|| easemob(call))
    }
}

/// The operations given behaviour here; another of this prefix gets the canned answer.
const OPERATIONS: &[&str] = &[
    "metadata.user.set",
    "metadata.user.get",
    "metadata.user.get_batch",
    "metadata.user.delete",
    "metadata.user.capacity",
];

/// The default limit of one user's attributes, in bytes (keys and values).
const PER_USER_BYTES: usize = 2048;

/// One app's attributes: lowercased user name → key → value.
#[derive(Default)]
struct Attributes(BTreeMap<String, BTreeMap<String, String>>);

fn size(attrs: &BTreeMap<String, String>) -> usize {
    attrs.iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let key = call.s("username").to_lowercase();
    let now = call.now;
    match call.op.name.as_str() {
        "metadata.user.set" => {
            let given: Vec<(String, String)> = call
                .op
                .params
                .iter()
                .filter(|p| p.name != "username")
                .filter_map(|p| call.args.get(&p.name).map(|v| (p.wire.clone(), as_text(v))))
                .collect();
            let all = &mut call.state.part::<Attributes>().0;
            let mut next = all.get(&key).cloned().unwrap_or_default();
            next.extend(given.iter().cloned());
            if size(&next) > PER_USER_BYTES {
                return Err(em_error(
                    403,
                    "FORBIDDEN",
                    &format!(
                        "size of metadata for this single user exceeds the user defined limit, {PER_USER_BYTES}Bytes"
                    ),
                ));
            }
            all.insert(key, next);
            let set: Map<String, Value> = given
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            Ok(Answer::Raw(
                json!({"timestamp": now, "data": set, "duration": 0}),
            ))
        }
        "metadata.user.get" => {
            let attrs = call.state.part::<Attributes>().0.get(&key).cloned();
            Ok(Answer::Raw(
                json!({"timestamp": now, "data": attrs.unwrap_or_default(), "duration": 0}),
            ))
        }
        "metadata.user.get_batch" => {
            let (targets, props) = (call.list("targets"), call.list("properties"));
            let all = &call.state.part::<Attributes>().0;
            let mut data = Map::new();
            for t in targets {
                let Some(attrs) = all.get(&t.to_lowercase()) else {
                    continue;
                };
                let chosen: Map<String, Value> = props
                    .iter()
                    .filter_map(|p| attrs.get(p).map(|v| (p.clone(), Value::String(v.clone()))))
                    .collect();
                if !chosen.is_empty() {
                    data.insert(t, Value::Object(chosen));
                }
            }
            Ok(Answer::Raw(
                json!({"timestamp": now, "data": data, "duration": 0}),
            ))
        }
        "metadata.user.delete" => {
            call.state.part::<Attributes>().0.remove(&key);
            Ok(Answer::Raw(
                json!({"timestamp": now, "duration": 0, "data": true}),
            ))
        }
        "metadata.user.capacity" => {
            let total: usize = call.state.part::<Attributes>().0.values().map(size).sum();
            Ok(Answer::Raw(
                json!({"timestamp": now, "data": total, "duration": 0}),
            ))
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    }
}
