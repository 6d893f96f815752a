//! RongCloud AI agents: created, read, updated (only the fields given; the configuration merged
//! key by key), listed and deleted; asking one answers a fixed text that echoes the query.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::{new_id, rc_error};

pub(crate) struct Agents;

#[derive(Clone)]
struct Agent {
    name: String,
    description: String,
    status: String,
    config: Value,
    created_at: u64,
    updated_at: u64,
    seq: u64,
}

#[derive(Default)]
struct AgentState {
    by_id: BTreeMap<String, Agent>,
    next_seq: u64,
}

fn not_found(id: &str) -> Outcome {
    Err(rc_error(404, 404, &format!("agent {id} not found")))
}

fn agent_json(id: &str, a: &Agent) -> Value {
    json!({
        "agentId": id,
        "name": a.name,
        "description": a.description,
        "type": "chat",
        "status": a.status,
        "agentConfig": a.config,
        "createdAt": a.created_at,
        "updatedAt": a.updated_at,
    })
}

/// Merge `patch` into `base` key by key (objects recursively; anything else replaces).
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

impl Family for Agents {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "agent.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let id = call.s("agent_id").to_string();
        let now = call.now;
        let text =
            |call: &Call<'_>, k: &str| call.args.get(k).and_then(Value::as_str).map(str::to_string);
        Some(match call.op.name.as_str() {
            "agent.create" => {
                let agent = Agent {
                    name: call.s("name").to_string(),
                    description: call.s("description").to_string(),
                    status: text(call, "status").unwrap_or_else(|| "active".into()),
                    config: call.args.get("agent_config").cloned().unwrap_or(json!({})),
                    created_at: now,
                    updated_at: now,
                    seq: 0,
                };
                let st = call.state.part::<AgentState>();
                if st.by_id.contains_key(&id) {
                    return Some(Err(rc_error(
                        400,
                        1002,
                        &format!("agent {id} already exists"),
                    )));
                }
                st.next_seq += 1;
                let seq = st.next_seq;
                st.by_id.insert(id, Agent { seq, ..agent });
                Ok(Answer::Fields(json!({})))
            }
            "agent.get" => match call.state.part::<AgentState>().by_id.get(&id) {
                Some(a) => Ok(Answer::Fields(agent_json(&id, a))),
                None => not_found(&id),
            },
            "agent.update" => {
                let (name, description, status) = (
                    text(call, "name"),
                    text(call, "description"),
                    text(call, "status"),
                );
                let config = call.args.get("agent_config").cloned();
                match call.state.part::<AgentState>().by_id.get_mut(&id) {
                    None => not_found(&id),
                    Some(a) => {
                        if let Some(n) = name {
                            a.name = n;
                        }
                        if let Some(d) = description {
                            a.description = d;
                        }
                        if let Some(s) = status {
                            a.status = s;
                        }
                        if let Some(c) = config {
                            merge(&mut a.config, &c);
                        }
                        a.updated_at = now;
                        Ok(Answer::Fields(json!({})))
                    }
                }
            }
            "agent.delete" => match call.state.part::<AgentState>().by_id.remove(&id) {
                Some(_) => Ok(Answer::Fields(json!({}))),
                None => not_found(&id),
            },
            "agent.query" => {
                let page = call.int("page").unwrap_or(1).max(1) as usize;
                let size = call.int("size").unwrap_or(20).clamp(1, 100) as usize;
                let status = text(call, "status");
                let mut all: Vec<(&String, &Agent)> = call
                    .state
                    .part::<AgentState>()
                    .by_id
                    .iter()
                    .filter(|(_, a)| status.as_ref().is_none_or(|s| &a.status == s))
                    .collect();
                all.sort_by_key(|(_, a)| a.seq);
                let agents: Vec<Value> = all
                    .iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .map(|(id, a)| agent_json(id, a))
                    .collect();
                Ok(Answer::Fields(
                    json!({"total": all.len(), "agents": agents}),
                ))
            }
            "agent.chat.generate" => {
                if !call.state.part::<AgentState>().by_id.contains_key(&id) {
                    return Some(not_found(&id));
                }
                let conversation =
                    text(call, "conversation_id").unwrap_or_else(|| format!("conv_{}", new_id()));
                let mut out = Map::new();
                out.insert("runId".into(), json!(new_id()));
                out.insert("conversationId".into(), json!(conversation));
                out.insert("agentId".into(), json!(id));
                out.insert("timestamp".into(), json!(now));
                out.insert(
                    "answer".into(),
                    json!(format!("emulator answer to: {}", call.s("query"))),
                );
                out.insert("finishReason".into(), json!("stop"));
                Ok(Answer::Fields(Value::Object(out)))
            }
            _ => return None,
        })
    }
}
