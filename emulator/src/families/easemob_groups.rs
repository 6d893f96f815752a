//! Easemob chat groups with their members and announcement. (Group share files are in `files.rs`.)

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{Reply, em_error};

pub(crate) struct EasemobGroups;

impl Family for EasemobGroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "group.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        easemob(call)
    }
}

pub(crate) struct EaseGroup {
    pub name: String,
    pub description: String,
    pub owner: String,
    pub public: bool,
    pub maxusers: i64,
    pub members: Vec<String>,
    pub announcement: String,
    pub created: u64,
    pub custom: String,
}

/// The chat groups of one app.
#[derive(Default)]
pub(crate) struct EaseGroups {
    pub groups: BTreeMap<String, EaseGroup>,
    next: u64,
}

/// The group `id` of this app, or Easemob's not-found error.
pub(crate) fn ease_group<'a>(app: &'a mut AppState, id: &str) -> Result<&'a mut EaseGroup, Reply> {
    app.part::<EaseGroups>()
        .groups
        .get_mut(id)
        .ok_or_else(|| group_not_found(id))
}

pub(crate) fn group_not_found(id: &str) -> Reply {
    em_error(
        404,
        "resource_not_found",
        &format!("grpID {id} does not exist!"),
    )
}

fn affiliations(g: &EaseGroup) -> Vec<Value> {
    g.members
        .iter()
        .map(|m| {
            if *m == g.owner {
                json!({"owner": m})
            } else {
                json!({"member": m})
            }
        })
        .collect()
}

fn easemob(call: &mut Call<'_>) -> Option<Outcome> {
    let now = call.now;
    let id = call.s("group_id").to_string();
    Some(match call.op.name.as_str() {
        "group.create" => {
            let owner = call.s("owner").to_string();
            let mut members = vec![owner.clone()];
            for m in call.list("members") {
                if !members.contains(&m) {
                    members.push(m);
                }
            }
            let group = EaseGroup {
                name: call.s("groupname").into(),
                description: call.s("description").into(),
                owner,
                public: call.flag("public").unwrap_or(false),
                maxusers: call.int("maxusers").unwrap_or(200),
                members,
                announcement: String::new(),
                created: now,
                custom: call.s("custom").into(),
            };
            let all = call.state.part::<EaseGroups>();
            all.next += 1;
            let id = format!(
                "{}",
                200_000_000_000_000u64 + now % 1_000_000_000 * 1000 + all.next
            );
            all.groups.insert(id.clone(), group);
            Ok(Answer::Data(json!({"groupid": id})))
        }
        "group.get" => {
            let mut out = Vec::new();
            for id in call.list("group_ids") {
                let g = match ease_group(call.state, &id) {
                    Ok(g) => g,
                    Err(e) => return Some(Err(e)),
                };
                out.push(json!({"id": id, "name": g.name, "description": g.description, "owner": g.owner,
                    "public": g.public, "maxusers": g.maxusers, "affiliations_count": g.members.len(),
                    "affiliations": affiliations(g), "created": g.created, "custom": g.custom}));
            }
            Ok(Answer::Data(Value::Array(out)))
        }
        "group.delete" => match call.state.part::<EaseGroups>().groups.remove(&id) {
            Some(_) => Ok(Answer::Data(json!({"success": true, "groupid": id}))),
            None => Err(group_not_found(&id)),
        },
        "group.members" => match ease_group(call.state, &id).map(|g| affiliations(g)) {
            Ok(all) => Ok(Answer::Data(Value::Array(call.page(&all, 1000)))),
            Err(e) => Err(e),
        },
        "group.members_add" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let mut added = Vec::new();
                for u in names {
                    if !g.members.contains(&u) {
                        g.members.push(u.clone());
                        added.push(u);
                    }
                }
                Answer::Data(json!({"newmembers": added, "groupid": id, "action": "add_member"}))
            })
        }
        "group.members_remove" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in names {
                    if u == g.owner {
                        out.push(json!({"result": false, "action": "remove_member", "reason": "forbidden operation on group owner!", "user": u, "groupid": id}));
                    } else if let Some(pos) = g.members.iter().position(|m| *m == u) {
                        g.members.remove(pos);
                        out.push(json!({"result": true, "action": "remove_member", "user": u, "groupid": id}));
                    } else {
                        out.push(json!({"result": false, "action": "remove_member", "reason": format!("user: {u} doesn't exist in group: {id}"), "user": u, "groupid": id}));
                    }
                }
                Answer::Data(Value::Array(out))
            })
        }
        "group.announcement_get" => ease_group(call.state, &id)
            .map(|g| Answer::Data(json!({"announcement": g.announcement}))),
        "group.announcement_set" => {
            let text = call.s("announcement").to_string();
            ease_group(call.state, &id).map(|g| {
                g.announcement = text;
                Answer::Data(json!({"id": id, "result": true}))
            })
        }
        _ => return None,
    })
}
