//! Easemob accounts beyond registration (`user.list`, `user.delete_batch`, `user.set_password`,
//! `user.deactivate` / `user.activate`, `user.update`, `user.disconnect*`, the app-wide mutes
//! `user.mute.*`), kept as an overlay on the users family: that family keeps each user (uuid,
//! name, creation time) and answers an unknown one with its 404; this one keeps what it does not
//! (registration order, deactivation, push nickname and display style, mutes). To know the order
//! and to show the overlay, it also takes `user.register*`, `user.get` and `user.delete` and hands
//! each to the users family first.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::users::{Users, ask_users, set_online};
use super::{Answer, AppState, Call, Family, Outcome, canned};
use crate::http::Reply;

pub(crate) struct EasemobUsers;

impl Family for EasemobUsers {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Easemob, "user.register"),
            (Cloud::Easemob, "user.get"),
            (Cloud::Easemob, "user.delete"),
            (Cloud::Easemob, "user.list"),
            (Cloud::Easemob, "user.set_password"),
            (Cloud::Easemob, "user.deactivate"),
            (Cloud::Easemob, "user.activate"),
            (Cloud::Easemob, "user.update"),
            (Cloud::Easemob, "user.disconnect"),
            (Cloud::Easemob, "user.resources"),
            (Cloud::Easemob, "user.mute."),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        if OPERATIONS.contains(&call.op.name.as_str()) {
            Some(easemob(call))
        } else {
            Users.handle(call)
        }
    }
}

/// The operations given behaviour here; another of these prefixes is handed to the users family.
const OPERATIONS: &[&str] = &[
    "user.register",
    "user.register_batch",
    "user.get",
    "user.delete",
    "user.delete_batch",
    "user.list",
    "user.set_password",
    "user.deactivate",
    "user.activate",
    "user.update",
    "user.disconnect",
    "user.disconnect_device",
    "user.resources",
    "user.mute.set",
    "user.mute.get",
    "user.mute.list",
];

/// One app's overlay, by lowercased user name (Easemob names are case-insensitive).
#[derive(Default)]
struct Overlay {
    /// Every registered user, oldest first.
    order: Vec<String>,
    deactivated: BTreeSet<String>,
    /// The push nickname set after registration (`user.update`, `push.nickname_batch`).
    nickname: BTreeMap<String, String>,
    display_style: BTreeMap<String, i64>,
    /// user → kind (`chat`, `groupchat`, `chatroom`) → mute
    mutes: BTreeMap<String, BTreeMap<&'static str, Mute>>,
}

#[derive(Clone, Copy)]
enum Mute {
    Forever,
    /// Until this time, Unix milliseconds.
    Until(u64),
}

const MUTE_KINDS: [&str; 3] = ["chat", "groupchat", "chatroom"];

/// The registered user `name` as `user.get` shows it (overlay included), or the users family's 404.
pub(crate) fn registered(call: &mut Call<'_>, name: &str) -> Result<Value, Reply> {
    let mut args = Map::new();
    args.insert("username".into(), Value::String(name.to_string()));
    match ask_users(call, "user.get", args) {
        Some(Ok(Answer::Entities(mut e))) if !e.is_empty() => {
            let mut entity = e.swap_remove(0);
            patch(call.state, &mut entity);
            Ok(entity)
        }
        Some(Err(reply)) => Err(reply),
        _ => unreachable!("the users family answers user.get with one entity or an error"),
    }
}

/// Set the push nickname of a registered user (lowercased name), as `user.update` does.
pub(crate) fn set_push_nickname(app: &mut AppState, user: &str, nickname: &str) {
    app.part::<Overlay>()
        .nickname
        .insert(user.to_lowercase(), nickname.to_string());
}

/// Show the overlay in a user entity.
fn patch(app: &mut AppState, entity: &mut Value) {
    let key = entity["username"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let o = app.part::<Overlay>();
    entity["activated"] = Value::Bool(!o.deactivated.contains(&key));
    if let Some(n) = o.nickname.get(&key) {
        entity["nickname"] = Value::String(n.clone());
    }
    if let Some(s) = o.display_style.get(&key) {
        entity["notification_display_style"] = json!(s);
    }
}

/// A body of our own (no envelope from the router): the documented action and these fields.
fn raw(call: &Call<'_>, action: &str, extra: Value) -> Answer {
    let mut body =
        json!({"action": action, "path": call.op.path, "timestamp": call.now, "duration": 0});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    Answer::Raw(body)
}

/// Seconds left of a mute (-1 for good, 0 when over), rounded up.
fn seconds_left(m: Mute, now: u64) -> i64 {
    match m {
        Mute::Forever => -1,
        Mute::Until(t) if t > now => (t - now).div_ceil(1000) as i64,
        Mute::Until(_) => 0,
    }
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.clone();
    let name = call.s("username").to_string();
    let key = name.to_lowercase();
    let now = call.now;
    match op.as_str() {
        "user.register" | "user.register_batch" => {
            let answer = Users.handle(call).expect("the users family registers")?;
            if let Answer::Entities(e) = &answer {
                let o = call.state.part::<Overlay>();
                for u in e {
                    let k = u["username"].as_str().unwrap_or_default().to_lowercase();
                    if !o.order.contains(&k) {
                        o.order.push(k);
                    }
                }
            }
            Ok(answer)
        }
        "user.get" => registered(call, &name).map(|e| Answer::Entities(vec![e])),
        "user.delete" => {
            let entity = registered(call, &name)?;
            Users.handle(call).expect("the users family deletes")?;
            forget(call.state, &key);
            Ok(Answer::Entities(vec![entity]))
        }
        "user.delete_batch" => {
            let from = call.s("cursor").parse::<usize>().unwrap_or(0);
            let limit = call.int("limit").unwrap_or(10).max(1) as usize;
            let doomed: Vec<String> = {
                let order = &call.state.part::<Overlay>().order;
                order.iter().skip(from).take(limit).cloned().collect()
            };
            let mut deleted = Vec::new();
            for u in doomed {
                let entity = registered(call, &u)?;
                let mut args = Map::new();
                args.insert("username".into(), Value::String(u.clone()));
                ask_users(call, "user.delete", args).expect("the users family deletes")?;
                forget(call.state, &u);
                deleted.push(entity);
            }
            // what followed the deleted users now starts where they did
            let more = call.state.part::<Overlay>().order.len() > from;
            let mut extra = json!({"entities": deleted});
            if more {
                extra["cursor"] = Value::String(from.to_string());
            }
            Ok(raw(call, "delete", extra))
        }
        "user.list" => {
            let from = call.s("cursor").parse::<usize>().unwrap_or(0);
            let limit = call.int("limit").unwrap_or(10).max(1) as usize;
            let (page, total): (Vec<String>, usize) = {
                let order = &call.state.part::<Overlay>().order;
                (
                    order.iter().skip(from).take(limit).cloned().collect(),
                    order.len(),
                )
            };
            let mut entities = Vec::new();
            for u in &page {
                entities.push(registered(call, u)?);
            }
            let mut extra = json!({"count": entities.len(), "entities": entities});
            if from + page.len() < total {
                extra["cursor"] = Value::String((from + page.len()).to_string());
            }
            Ok(raw(call, "get", extra))
        }
        "user.set_password" => {
            registered(call, &name)?;
            Ok(raw(call, "set user password", json!({})))
        }
        "user.deactivate" => {
            registered(call, &name)?;
            call.state.part::<Overlay>().deactivated.insert(key.clone());
            set_online(call.state, Cloud::Easemob, &key, false);
            let entity = registered(call, &name)?;
            Ok(raw(call, "Deactivate user", json!({"entities": [entity]})))
        }
        "user.activate" => {
            registered(call, &name)?;
            call.state.part::<Overlay>().deactivated.remove(&key);
            Ok(raw(call, "activate user", json!({})))
        }
        "user.update" => {
            registered(call, &name)?;
            let nickname = call.opt_s("nickname");
            let style = call.int("notification_display_style");
            let o = call.state.part::<Overlay>();
            if let Some(n) = nickname {
                o.nickname.insert(key.clone(), n);
            }
            if let Some(s) = style {
                o.display_style.insert(key.clone(), s);
            }
            registered(call, &name).map(|e| Answer::Entities(vec![e]))
        }
        "user.disconnect" => {
            registered(call, &name)?;
            set_online(call.state, Cloud::Easemob, &key, false);
            Ok(Answer::Data(json!({"result": true})))
        }
        "user.disconnect_device" => {
            registered(call, &name)?;
            Ok(Answer::Data(json!({"result": true})))
        }
        "user.resources" => {
            registered(call, &name)?;
            Ok(canned::answer(call.cloud, call.op, call.args))
        }
        "user.mute.set" => {
            registered(call, &name)?;
            let given: Vec<(&'static str, i64)> = MUTE_KINDS
                .iter()
                .filter_map(|k| call.int(k).map(|v| (*k, v)))
                .collect();
            let mutes = call.state.part::<Overlay>().mutes.entry(key).or_default();
            for (kind, secs) in given {
                match secs {
                    0 => {
                        mutes.remove(kind);
                    }
                    -1 => {
                        mutes.insert(kind, Mute::Forever);
                    }
                    s => {
                        mutes.insert(kind, Mute::Until(now + s.max(0) as u64 * 1000));
                    }
                }
            }
            Ok(Answer::Data(json!({"result": "ok"})))
        }
        "user.mute.get" => {
            registered(call, &name)?;
            let mut data =
                json!({"userid": format!("{}_{}", call.app, key), "unixtime": now / 1000});
            let mutes = call.state.part::<Overlay>().mutes.get(&key).cloned();
            for kind in MUTE_KINDS {
                let left = mutes
                    .as_ref()
                    .and_then(|m| m.get(kind))
                    .map_or(0, |m| seconds_left(*m, now));
                data[kind] = json!(left);
            }
            Ok(Answer::Data(data))
        }
        "user.mute.list" => {
            let items: Vec<Value> = call
                .state
                .part::<Overlay>()
                .mutes
                .iter()
                .flat_map(|(user, kinds)| {
                    MUTE_KINDS.iter().filter_map(move |kind| {
                        let left = seconds_left(*kinds.get(kind)?, now);
                        (left != 0).then(|| json!({"username": user, *kind: left}))
                    })
                })
                .collect();
            let num = call.int("page_num").unwrap_or(1).max(1) as usize;
            let size = call.int("page_size").unwrap_or(10).max(1) as usize;
            let page: Vec<Value> = items
                .into_iter()
                .skip((num - 1) * size)
                .take(size)
                .collect();
            Ok(Answer::Data(json!({"data": page, "unixtime": now / 1000})))
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    }
}

/// Drop a deleted user from the overlay.
fn forget(app: &mut AppState, key: &str) {
    let o = app.part::<Overlay>();
    o.order.retain(|u| u != key);
    o.deactivated.remove(key);
    o.nickname.remove(key);
    o.display_style.remove(key);
    o.mutes.remove(key);
}
