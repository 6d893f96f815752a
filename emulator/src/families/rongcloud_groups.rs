//! RongCloud groups and their members.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::rc_error;

pub(crate) struct RongcloudGroups;

impl Family for RongcloudGroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "group.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        rongcloud(call)
    }
}

/// Group id → (name, members).
#[derive(Default)]
struct RongGroups(BTreeMap<String, (String, BTreeSet<String>)>);

fn rongcloud(call: &mut Call<'_>) -> Option<Outcome> {
    let ok = |v: Value| Some(Ok(Answer::Fields(v)));
    let gid = call.s("group_id").to_string();
    let users = call.list("user_ids");
    let groups = &mut call.state.part::<RongGroups>().0;
    match call.op.name.as_str() {
        "group.create" | "group.join" => {
            let name = call
                .args
                .get("group_name")
                .and_then(Value::as_str)
                .map(str::to_string);
            let g = groups.entry(gid).or_default();
            if let Some(n) = name {
                g.0 = n;
            }
            g.1.extend(users);
            ok(json!({}))
        }
        "group.quit" => {
            if let Some(g) = groups.get_mut(&gid) {
                for u in users {
                    g.1.remove(&u);
                }
            }
            ok(json!({}))
        }
        "group.dismiss" => {
            groups.remove(&gid);
            ok(json!({}))
        }
        "group.refresh" => match groups.get_mut(&gid) {
            None => Some(Err(rc_error(404, 404, "group not found"))),
            Some(g) => {
                g.0 = call
                    .args
                    .get("group_name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                ok(json!({}))
            }
        },
        "group.members" => match groups.get(&gid) {
            None => Some(Err(rc_error(404, 404, "group not found"))),
            Some(g) => {
                let users: Vec<Value> = g.1.iter().map(|u| json!({"id": u})).collect();
                ok(json!({"id": gid, "users": users}))
            }
        },
        _ => None,
    }
}
