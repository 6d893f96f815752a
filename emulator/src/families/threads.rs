//! Easemob group threads (`thread.*`): threads started from a group message, with their members.
//! A thread belongs to an existing group and its owner must be a member of it; deleting the group
//! deletes its threads, and a member leaving the group leaves its threads. Lists page with a
//! cursor in `properties.cursor`, the last page carrying none.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::easemob_groups::{EaseGroups, body_with, cursor_page, is_group_member};
use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{Reply, em_error};

pub(crate) struct Threads;

impl Family for Threads {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "thread.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        easemob(call)
    }
}

struct Thread {
    name: String,
    owner: String,
    msg_id: String,
    group_id: String,
    created: u64,
    /// Members with when they joined (Unix ms), in joining order.
    members: Vec<(String, u64)>,
}

/// The threads of one app.
#[derive(Default)]
struct AppThreads {
    threads: BTreeMap<String, Thread>,
    next: u64,
}

fn thread_not_found() -> Reply {
    em_error(404, "group_error", "thread not found.")
}

/// Delete the threads of group `group_id` (the group is being deleted).
pub(crate) fn drop_group_threads(app: &mut AppState, group_id: &str) {
    app.part::<AppThreads>()
        .threads
        .retain(|_, t| t.group_id != group_id);
}

/// Take `user` out of every thread of group `group_id` (they left the group).
pub(crate) fn leave_group_threads(app: &mut AppState, group_id: &str, user: &str) {
    for t in app.part::<AppThreads>().threads.values_mut() {
        if t.group_id == group_id {
            t.members.retain(|(m, _)| m != user);
        }
    }
}

fn row(id: &str, t: &Thread) -> Value {
    json!({"name": t.name, "owner": t.owner, "id": id, "msgId": t.msg_id, "groupId": t.group_id,
        "created": t.created})
}

/// A page of `items` in the documented body: `entities`, and `properties.cursor` unless it is the
/// last page.
fn paged_entities(call: &Call<'_>, items: Vec<Value>) -> Answer {
    let size = call.int("limit").unwrap_or(50).clamp(1, 50) as usize;
    let (page, next) = cursor_page(&items, call.s("cursor"), size);
    let mut extra = json!({"entities": page, "properties": {}});
    if let Some(c) = next {
        extra["properties"]["cursor"] = json!(c);
    }
    body_with(call, extra)
}

/// Sort newest first unless `sort` is `asc`.
fn order(call: &Call<'_>, rows: &mut [(u64, String, Value)]) {
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    if call.s("sort") != "asc" {
        rows.reverse();
    }
}

fn easemob(call: &mut Call<'_>) -> Option<Outcome> {
    let now = call.now;
    let tid = call.s("thread_id").to_string();
    Some(match call.op.name.as_str() {
        "thread.create" => {
            let group = call.s("group_id").to_string();
            let owner = call.s("owner").to_string();
            let msg = call.s("msg_id").to_string();
            let name = call.s("name").to_string();
            if !call.state.part::<EaseGroups>().groups.contains_key(&group) {
                return Some(Err(em_error(404, "group_error", "group not found.")));
            }
            if !is_group_member(call.state, &group, &owner) {
                return Some(Err(em_error(404, "group_error", "user not in group.")));
            }
            let all = call.state.part::<AppThreads>();
            if all
                .threads
                .values()
                .any(|t| t.group_id == group && t.msg_id == msg)
            {
                return Some(Err(em_error(
                    403,
                    "group_error",
                    "msg already create thread.not allow to create.",
                )));
            }
            all.next += 1;
            let id = format!(
                "{}",
                300_000_000_000_000u64 + now % 1_000_000_000 * 1000 + all.next
            );
            all.threads.insert(
                id.clone(),
                Thread {
                    name,
                    owner: owner.clone(),
                    msg_id: msg,
                    group_id: group,
                    created: now,
                    members: vec![(owner, now)],
                },
            );
            Ok(Answer::Data(json!({"thread_id": id})))
        }
        "thread.update" => {
            let name = call.s("name").to_string();
            match call.state.part::<AppThreads>().threads.get_mut(&tid) {
                Some(t) => {
                    t.name = name.clone();
                    Ok(Answer::Data(json!({"name": name})))
                }
                None => Err(thread_not_found()),
            }
        }
        "thread.delete" => match call.state.part::<AppThreads>().threads.remove(&tid) {
            Some(_) => Ok(Answer::Data(json!({"status": "ok"}))),
            None => Err(thread_not_found()),
        },
        "thread.members" => {
            let members: Vec<String> = match call.state.part::<AppThreads>().threads.get(&tid) {
                Some(t) => t.members.iter().map(|(m, _)| m.clone()).collect(),
                None => return Some(Err(thread_not_found())),
            };
            let size = call.int("limit").unwrap_or(50).clamp(1, 50) as usize;
            let (page, next) = cursor_page(&members, call.s("cursor"), size);
            let mut extra = json!({"data": {"affiliations": page}, "properties": {}});
            if let Some(c) = next {
                extra["properties"]["cursor"] = json!(c);
            }
            Ok(body_with(call, extra))
        }
        "thread.members_add" => {
            let names = call.list("usernames");
            match call.state.part::<AppThreads>().threads.get_mut(&tid) {
                Some(t) => {
                    for u in names {
                        if !t.members.iter().any(|(m, _)| *m == u) {
                            t.members.push((u, now));
                        }
                    }
                    Ok(Answer::Data(json!({"status": "ok"})))
                }
                None => Err(thread_not_found()),
            }
        }
        "thread.members_remove" => {
            let names = call.list("usernames");
            match call.state.part::<AppThreads>().threads.get_mut(&tid) {
                Some(t) => {
                    let out = names
                        .into_iter()
                        .map(|u| {
                            let was = t.members.iter().any(|(m, _)| *m == u);
                            t.members.retain(|(m, _)| *m != u);
                            json!({"result": was, "user": u})
                        })
                        .collect();
                    Ok(Answer::Entities(out))
                }
                None => Err(thread_not_found()),
            }
        }
        "thread.list" => {
            let mut rows: Vec<(u64, String, Value)> = call
                .state
                .part::<AppThreads>()
                .threads
                .iter()
                .map(|(id, t)| (t.created, id.clone(), json!({"id": id})))
                .collect();
            order(call, &mut rows);
            Ok(paged_entities(
                call,
                rows.into_iter().map(|(_, _, v)| v).collect(),
            ))
        }
        "thread.list_for_user" | "thread.list_for_user_in_group" => {
            let user = call.s("username").to_string();
            let group = call.s("group_id").to_string();
            let in_group = call.op.name == "thread.list_for_user_in_group";
            let mut rows: Vec<(u64, String, Value)> = call
                .state
                .part::<AppThreads>()
                .threads
                .iter()
                .filter(|(_, t)| !in_group || t.group_id == group)
                .filter_map(|(id, t)| {
                    t.members
                        .iter()
                        .find(|(m, _)| *m == user)
                        .map(|(_, joined)| (*joined, id.clone(), row(id, t)))
                })
                .collect();
            order(call, &mut rows);
            Ok(paged_entities(
                call,
                rows.into_iter().map(|(_, _, v)| v).collect(),
            ))
        }
        _ => return None,
    })
}
