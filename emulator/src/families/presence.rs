//! Easemob presence (`presence.*`): each user's per-device status and extension text, and who
//! is subscribed to whom until when. Numbers in the answers are strings, as in the documentation's
//! examples; a subscription past its expiry is gone.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};

pub(crate) struct Presence;

impl Family for Presence {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "presence.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        OPERATIONS
            .contains(&call.op.name.as_str())
            .then(|| easemob(call))
    }
}

/// The operations given behaviour here; another of this prefix gets the canned answer.
const OPERATIONS: &[&str] = &[
    "presence.set",
    "presence.subscribe",
    "presence.get",
    "presence.unsubscribe",
    "presence.sublist",
];

#[derive(Default, Clone)]
struct Status {
    /// resource → status
    devices: BTreeMap<String, String>,
    ext: String,
    /// Unix seconds.
    last_time: u64,
}

/// One app's presence, by lowercased user name.
#[derive(Default)]
struct State {
    status: BTreeMap<String, Status>,
    /// subscriber → user → expiry (Unix seconds)
    subs: BTreeMap<String, BTreeMap<String, u64>>,
}

/// `user`'s presence as the answers show it (`uid` as asked).
fn shown(state: &State, uid: &str) -> Value {
    let s = state
        .status
        .get(&uid.to_lowercase())
        .cloned()
        .unwrap_or_default();
    json!({"uid": uid, "last_time": s.last_time.to_string(), "ext": s.ext, "status": s.devices})
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let me = call.s("username").to_lowercase();
    let secs = call.now / 1000;
    let op = call.op.name.clone();
    let names = call.list("usernames");
    let (resource, status, ext) = (
        call.s("resource").to_string(),
        call.s("status").to_string(),
        call.s("ext").to_string(),
    );
    let expiry = secs + call.int("expiry").unwrap_or(0).max(0) as u64;
    let num = call.int("page_num").unwrap_or(1).max(1) as usize;
    let size = call.int("page_size").unwrap_or(1).max(1) as usize;
    let state = call.state.part::<State>();
    state
        .subs
        .values_mut()
        .for_each(|m| m.retain(|_, exp| *exp > secs));
    let body = match op.as_str() {
        "presence.set" => {
            let s = state.status.entry(me).or_default();
            s.devices.insert(resource, status);
            s.ext = ext;
            s.last_time = secs;
            json!({"result": "ok"})
        }
        "presence.subscribe" => {
            let mine = state.subs.entry(me).or_default();
            for n in &names {
                mine.insert(n.to_lowercase(), expiry);
            }
            let result: Vec<Value> = names
                .iter()
                .map(|n| {
                    let mut v = shown(state, n);
                    v["expiry"] = Value::String(expiry.to_string());
                    v
                })
                .collect();
            json!({ "result": result })
        }
        "presence.get" => {
            let result: Vec<Value> = names.iter().map(|n| shown(state, n)).collect();
            json!({ "result": result })
        }
        "presence.unsubscribe" => {
            if let Some(mine) = state.subs.get_mut(&me) {
                for n in &names {
                    mine.remove(&n.to_lowercase());
                }
            }
            json!({"result": "ok"})
        }
        "presence.sublist" => {
            let all: Vec<(String, u64)> = state
                .subs
                .get(&me)
                .map(|m| m.iter().map(|(u, e)| (u.clone(), *e)).collect())
                .unwrap_or_default();
            let sublist: Vec<Value> = all
                .iter()
                .skip((num - 1) * size)
                .take(size)
                .map(|(u, e)| json!({"uid": u, "expiry": e.to_string()}))
                .collect();
            json!({"result": {"totalnum": all.len().to_string(), "sublist": sublist}})
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    };
    Ok(Answer::Raw(body))
}
