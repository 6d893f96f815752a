//! RongCloud per-user settings: the daily do-not-disturb window for pushes, the one-to-one chat
//! mute, user-level push aliases (remarks) and hosted user profiles.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::rc_error;

pub(crate) struct UserSettings;

impl Family for UserSettings {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Rongcloud, "user.block_push_period."),
            (Cloud::Rongcloud, "user.chat_mute."),
            (Cloud::Rongcloud, "user.remarks."),
            (Cloud::Rongcloud, "user.profile."),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        let user = call.s("user_id").to_string();
        match call.op.name.as_str() {
            "user.block_push_period.set" => {
                let period = PushPeriod {
                    start_time: call.s("start_time").to_string(),
                    period: call.int("period").unwrap_or(0),
                    level: call.int("level").unwrap_or(0),
                };
                call.state.part::<PushPeriods>().0.insert(user, period);
                ok(json!({}))
            }
            "user.block_push_period.get" => {
                // Nothing set: an empty window (period 0, level 0: everything is pushed).
                let data = match call.state.part::<PushPeriods>().0.get(&user) {
                    Some(p) => {
                        json!({"startTime": p.start_time, "period": p.period, "unPushLevel": p.level})
                    }
                    None => json!({"startTime": "", "period": 0, "unPushLevel": 0}),
                };
                ok(json!({ "data": data }))
            }
            "user.block_push_period.remove" => {
                call.state.part::<PushPeriods>().0.remove(&user);
                ok(json!({}))
            }
            "user.chat_mute.set" => {
                let mute = call.int("state") == Some(1);
                let users = call.list("user_ids");
                let muted = &mut call.state.part::<ChatMuted>().0;
                for u in users {
                    if mute {
                        muted.insert(u);
                    } else {
                        muted.remove(&u);
                    }
                }
                ok(json!({}))
            }
            "user.chat_mute.list" => {
                let offset = call.int("offset").unwrap_or(0).max(0) as usize;
                let num = call.int("num").unwrap_or(100).max(0) as usize;
                let muted = &call.state.part::<ChatMuted>().0;
                let users: Vec<&String> = muted.iter().skip(offset).take(num).collect();
                ok(json!({"total": muted.len(), "users": users}))
            }
            "user.remarks.set" => {
                let remarks = match parse_json_text(call.args.get("remarks")) {
                    Some(Value::Array(items)) => items,
                    _ => {
                        return Some(Err(rc_error(
                            400,
                            1002,
                            "remarks must be a JSON list of {id, remark}",
                        )));
                    }
                };
                let mine = call.state.part::<Remarks>().0.entry(user).or_default();
                for r in remarks {
                    let field = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
                    if let (Some(id), Some(remark)) = (field("id"), field("remark")) {
                        mine.insert(id, remark);
                    }
                }
                ok(json!({}))
            }
            "user.remarks.get" => {
                let page = call.int("page").unwrap_or(1).max(1) as usize;
                let size = call.int("size").unwrap_or(50).clamp(1, 50) as usize;
                let mine = call
                    .state
                    .part::<Remarks>()
                    .0
                    .get(&user)
                    .cloned()
                    .unwrap_or_default();
                let users: Vec<Value> = mine
                    .iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .map(|(id, remark)| json!({"id": id, "remark": remark}))
                    .collect();
                ok(json!({"total": mine.len(), "users": users}))
            }
            "user.remarks.remove" => {
                let target = call.s("target_id").to_string();
                if let Some(mine) = call.state.part::<Remarks>().0.get_mut(&user) {
                    mine.remove(&target);
                }
                ok(json!({}))
            }
            "user.profile.set" => {
                let (basic, ext) = (
                    json_text(call.args.get("user_profile")),
                    json_text(call.args.get("user_ext_profile")),
                );
                let now = call.now;
                let profiles = call.state.part::<Profiles>();
                profiles.next_seq += 1;
                let seq = profiles.next_seq;
                let p = profiles.by_user.entry(user).or_insert_with(|| Profile {
                    seq,
                    ..Profile::default()
                });
                if let Some(b) = basic {
                    p.basic = b;
                }
                if let Some(e) = ext {
                    p.ext = e;
                }
                p.version = now;
                ok(json!({}))
            }
            "user.profile.batch_query" => {
                let ids = call.list("user_ids");
                let profiles = &call.state.part::<Profiles>().by_user;
                let list: Vec<Value> = ids
                    .iter()
                    .filter_map(|id| profiles.get(id).map(|p| profile_item(id, p, true)))
                    .collect();
                ok(json!({ "userList": list }))
            }
            "user.profile.query" => {
                let page = call.int("page").unwrap_or(1).max(1) as usize;
                let size = call.int("size").unwrap_or(20).clamp(1, 100) as usize;
                let newest_first = call.int("order") == Some(1);
                let profiles = &call.state.part::<Profiles>().by_user;
                let mut all: Vec<(&String, &Profile)> = profiles.iter().collect();
                all.sort_by_key(|(_, p)| p.seq);
                if newest_first {
                    all.reverse();
                }
                let list: Vec<Value> = all
                    .into_iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .map(|(id, p)| profile_item(id, p, false))
                    .collect();
                ok(json!({ "userList": list }))
            }
            "user.profile.clean" => {
                let ids = call.list("user_ids");
                let profiles = &mut call.state.part::<Profiles>().by_user;
                for id in ids {
                    profiles.remove(&id);
                }
                ok(json!({}))
            }
            _ => None,
        }
    }
}

/// A user's do-not-disturb window.
struct PushPeriod {
    start_time: String,
    period: i64,
    level: i64,
}

#[derive(Default)]
struct PushPeriods(BTreeMap<String, PushPeriod>);

/// The users muted in one-to-one chat.
#[derive(Default)]
struct ChatMuted(BTreeSet<String>);

/// Per user, the alias they see for each other user.
#[derive(Default)]
struct Remarks(BTreeMap<String, BTreeMap<String, String>>);

/// A hosted profile: JSON text as set, with the order it was first set in and its version.
#[derive(Default, Clone)]
struct Profile {
    seq: u64,
    version: u64,
    basic: String,
    ext: String,
}

#[derive(Default)]
struct Profiles {
    by_user: BTreeMap<String, Profile>,
    next_seq: u64,
}

fn profile_item(id: &str, p: &Profile, with_version: bool) -> Value {
    let mut item = json!({"userId": id, "userProfile": p.basic, "userExtProfile": p.ext});
    if with_version {
        item["version"] = json!(p.version);
    }
    item
}

/// A JSON-valued argument as the JSON text it stands for (`None` when absent).
fn json_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A JSON-valued argument parsed (a string holding JSON is parsed).
fn parse_json_text(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}
