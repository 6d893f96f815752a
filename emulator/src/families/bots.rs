//! RongCloud chatbots: created, read, updated, listed and deleted, each with its integrations
//! (at most one per type).

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::rc_error;

pub(crate) struct Bots;

/// An app holds at most this many bots.
const MAX_BOTS: usize = 10;

#[derive(Clone, Default)]
struct Bot {
    name: String,
    kind: String,
    profile_url: String,
    metadata: Value,
    /// Integration type → its settings as sent (wire names).
    integrations: BTreeMap<String, Value>,
    seq: u64,
}

#[derive(Default)]
struct BotState {
    by_id: BTreeMap<String, Bot>,
    next_seq: u64,
}

/// The integration fields, caller name → wire name.
const INTEGRATION_FIELDS: &[(&str, &str)] = &[
    ("type", "type"),
    ("callback_url", "callbackUrl"),
    ("enabled", "enabled"),
    ("object_names", "objectNames"),
    ("events", "events"),
    ("stream", "stream"),
    ("handle_response", "handleResponse"),
    ("auth", "auth"),
];

/// An integration from caller-named fields, in wire names.
fn integration(src: &Map<String, Value>) -> (String, Value) {
    let mut out = Map::new();
    for (name, wire) in INTEGRATION_FIELDS {
        if let Some(v) = src.get(*name).filter(|v| !v.is_null()) {
            out.insert((*wire).to_string(), v.clone());
        }
    }
    let kind = src
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    (kind, Value::Object(out))
}

fn integrations_arg(call: &Call<'_>) -> Option<BTreeMap<String, Value>> {
    let items = call.args.get("integrations")?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(Value::as_object)
            .map(integration)
            .collect(),
    )
}

fn not_found(id: &str) -> Outcome {
    Err(rc_error(404, 404, &format!("bot {id} not found")))
}

fn bot_json(id: &str, b: &Bot, with_integrations: bool) -> Value {
    let mut out = json!({
        "userId": id,
        "name": b.name,
        "type": b.kind,
        "profileUrl": b.profile_url,
        "metadata": b.metadata,
    });
    if with_integrations {
        out["integrations"] = Value::Array(b.integrations.values().cloned().collect());
    }
    out
}

impl Family for Bots {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "bot.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let id = call.s("user_id").to_string();
        let text =
            |call: &Call<'_>, k: &str| call.args.get(k).and_then(Value::as_str).map(str::to_string);
        let ok = || Ok(Answer::Fields(json!({})));
        Some(match call.op.name.as_str() {
            "bot.create" => {
                let bot = Bot {
                    name: call.s("name").to_string(),
                    kind: call.s("type").to_string(),
                    profile_url: call.s("profile_url").to_string(),
                    metadata: call.args.get("metadata").cloned().unwrap_or(json!({})),
                    integrations: integrations_arg(call).unwrap_or_default(),
                    seq: 0,
                };
                let st = call.state.part::<BotState>();
                if st.by_id.contains_key(&id) {
                    return Some(Err(rc_error(
                        400,
                        1002,
                        &format!("bot {id} already exists"),
                    )));
                }
                if st.by_id.len() >= MAX_BOTS {
                    return Some(Err(rc_error(400, 1002, "at most 10 bots per app")));
                }
                st.next_seq += 1;
                let seq = st.next_seq;
                st.by_id.insert(id, Bot { seq, ..bot });
                ok()
            }
            "bot.get" => {
                let ids = call.list("user_ids");
                let st = call.state.part::<BotState>();
                let bots: Vec<Value> = ids
                    .iter()
                    .filter_map(|id| st.by_id.get(id).map(|b| bot_json(id, b, true)))
                    .collect();
                Ok(Answer::Fields(json!({ "bots": bots })))
            }
            "bot.update" => {
                let (name, kind, url) = (
                    text(call, "name"),
                    text(call, "type"),
                    text(call, "profile_url"),
                );
                let metadata = call.args.get("metadata").cloned();
                let integrations = integrations_arg(call);
                match call.state.part::<BotState>().by_id.get_mut(&id) {
                    None => not_found(&id),
                    Some(b) => {
                        if let Some(n) = name {
                            b.name = n;
                        }
                        if let Some(k) = kind {
                            b.kind = k;
                        }
                        if let Some(u) = url {
                            b.profile_url = u;
                        }
                        if let Some(m) = metadata {
                            b.metadata = m;
                        }
                        if let Some(i) = integrations {
                            b.integrations = i;
                        }
                        ok()
                    }
                }
            }
            "bot.delete" => match call.state.part::<BotState>().by_id.remove(&id) {
                Some(_) => ok(),
                None => not_found(&id),
            },
            "bot.query" => {
                let page = call.int("page").unwrap_or(1).max(1) as usize;
                let size = call.int("page_size").unwrap_or(10).max(1) as usize;
                let with_integrations = call.flag("include_integration") == Some(true);
                let st = call.state.part::<BotState>();
                let mut all: Vec<(&String, &Bot)> = st.by_id.iter().collect();
                all.sort_by_key(|(_, b)| b.seq);
                let bots: Vec<Value> = all
                    .iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .map(|(id, b)| bot_json(id, b, with_integrations))
                    .collect();
                let has_next = page * size < all.len();
                Ok(Answer::Fields(
                    json!({"total": all.len(), "hasNext": has_next, "bots": bots}),
                ))
            }
            "bot.integration.create" | "bot.integration.update" => {
                let creating = call.op.name == "bot.integration.create";
                let (kind, settings) = integration(call.args);
                match call.state.part::<BotState>().by_id.get_mut(&id) {
                    None => not_found(&id),
                    Some(b) => match (creating, b.integrations.contains_key(&kind)) {
                        (true, true) => Err(rc_error(
                            400,
                            1002,
                            &format!("bot {id} already has a {kind} integration"),
                        )),
                        (false, false) => Err(rc_error(
                            404,
                            404,
                            &format!("bot {id} has no {kind} integration"),
                        )),
                        _ => {
                            b.integrations.insert(kind, settings);
                            ok()
                        }
                    },
                }
            }
            "bot.integration.delete" => {
                let kind = call.s("type").to_string();
                match call.state.part::<BotState>().by_id.get_mut(&id) {
                    None => not_found(&id),
                    Some(b) => {
                        b.integrations.remove(&kind);
                        ok()
                    }
                }
            }
            _ => return None,
        })
    }
}
