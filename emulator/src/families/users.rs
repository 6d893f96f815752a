//! Users: registration, profiles, online status, blocking (RongCloud) and tags.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::{self, Cloud};
use serde_json::{Map, Value, json};

use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{Reply, datetime, em_error, new_id, rc_error};

pub(crate) struct Users;

impl Family for Users {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "user."), (Cloud::Easemob, "user.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        match call.cloud {
            Cloud::Rongcloud => rongcloud(call),
            Cloud::Easemob => easemob(call),
        }
    }
}

/// Users online, per app (Easemob names lowercased).
#[derive(Default)]
pub(crate) struct Online(BTreeSet<String>);

/// Set `user` online or offline in one app.
pub(crate) fn set_online(app: &mut AppState, cloud: Cloud, user: &str, online: bool) {
    let user = match cloud {
        Cloud::Rongcloud => user.to_string(),
        Cloud::Easemob => user.to_lowercase(),
    };
    let set = &mut app.part::<Online>().0;
    if online {
        set.insert(user);
    } else {
        set.remove(&user);
    }
}

// ------------------------------------------------------------------------------------------------
// RongCloud
// ------------------------------------------------------------------------------------------------

#[derive(Default)]
struct RongUser {
    name: String,
    portrait: String,
    token: String,
    created_ms: u64,
    blocked_until_ms: Option<u64>,
}

#[derive(Default)]
struct RongUsers(BTreeMap<String, RongUser>);

#[derive(Default)]
struct Tags(BTreeMap<String, Vec<String>>);

/// The push tags `user.tag.set` last gave `user` in one app (empty if none).
pub(crate) fn rong_tags(app: &mut AppState, user: &str) -> Vec<String> {
    app.part::<Tags>().0.get(user).cloned().unwrap_or_default()
}

/// The name a registered RongCloud user was given (at registration or the last refresh).
pub(crate) fn rong_user_name(app: &mut AppState, user: &str) -> Option<String> {
    app.part::<RongUsers>()
        .0
        .get(user)
        .filter(|u| u.created_ms > 0)
        .map(|u| u.name.clone())
}

fn rongcloud(call: &mut Call<'_>) -> Option<Outcome> {
    let now = call.now;
    let ok = |v: Value| Some(Ok(Answer::Fields(v)));
    match call.op.name.as_str() {
        "user.register" => {
            let id = call.s("user_id").to_string();
            let token = format!(
                "{}@{}.cn1.rongnav.com;{}",
                new_id().replace('-', ""),
                call.app,
                now
            );
            let (name, portrait) = (
                call.s("name").to_string(),
                call.s("portrait_uri").to_string(),
            );
            let u = call
                .state
                .part::<RongUsers>()
                .0
                .entry(id.clone())
                .or_default();
            u.name = name;
            u.portrait = portrait;
            u.token = token.clone();
            if u.created_ms == 0 {
                u.created_ms = now;
            }
            ok(json!({"userId": id, "token": token}))
        }
        "user.refresh" => {
            let name = call.opt_s("name");
            let portrait = call.opt_s("portrait_uri");
            let id = call.s("user_id").to_string();
            match call.state.part::<RongUsers>().0.get_mut(&id) {
                None => Some(Err(rc_error(404, 404, "user not found"))),
                Some(u) => {
                    if let Some(n) = name {
                        u.name = n;
                    }
                    if let Some(p) = portrait {
                        u.portrait = p;
                    }
                    ok(json!({}))
                }
            }
        }
        "user.info" => {
            let id = call.s("user_id").to_string();
            match call.state.part::<RongUsers>().0.get(&id) {
                Some(u) if u.created_ms > 0 => ok(json!({
                    "userName": u.name,
                    "userPortrait": u.portrait,
                    "createTime": datetime(u.created_ms),
                })),
                _ => Some(Err(rc_error(404, 404, "user not found"))),
            }
        }
        "user.check_online" => {
            let id = call.s("user_id").to_string();
            let on = call.state.part::<Online>().0.contains(&id);
            ok(json!({"status": if on { "1" } else { "0" }}))
        }
        "user.block.add" => {
            let until = now + call.args.get("minute").and_then(Value::as_u64).unwrap_or(1) * 60_000;
            for id in call.list("user_ids") {
                call.state.part::<Online>().0.remove(&id);
                call.state
                    .part::<RongUsers>()
                    .0
                    .entry(id)
                    .or_default()
                    .blocked_until_ms = Some(until);
            }
            ok(json!({}))
        }
        "user.block.remove" => {
            for id in call.list("user_ids") {
                if let Some(u) = call.state.part::<RongUsers>().0.get_mut(&id) {
                    u.blocked_until_ms = None;
                }
            }
            ok(json!({}))
        }
        "user.block.list" => {
            let users: Vec<Value> = call
                .state
                .part::<RongUsers>()
                .0
                .iter()
                .filter_map(|(id, u)| {
                    u.blocked_until_ms
                        .filter(|t| *t > now)
                        .map(|t| json!({"userId": id, "blockEndTime": datetime(t)}))
                })
                .collect();
            ok(json!({"users": users}))
        }
        "user.tag.set" => {
            let (id, tags) = (call.s("user_id").to_string(), call.list("tags"));
            call.state.part::<Tags>().0.insert(id, tags);
            ok(json!({}))
        }
        "user.tag.batch_set" => {
            let (ids, tags) = (call.list("user_ids"), call.list("tags"));
            let all = &mut call.state.part::<Tags>().0;
            for id in ids {
                all.insert(id, tags.clone());
            }
            ok(json!({}))
        }
        "user.sandbox.query" => {
            let page = call.int("page").unwrap_or(1).max(1) as usize;
            let size = call.int("page_size").unwrap_or(20).clamp(1, 100) as usize;
            let newest_first = call.int("order") == Some(1);
            let mut registered: Vec<(&String, &RongUser)> = call
                .state
                .part::<RongUsers>()
                .0
                .iter()
                .filter(|(_, u)| u.created_ms > 0)
                .collect();
            registered.sort_by_key(|(id, u)| (u.created_ms, id.to_string()));
            if newest_first {
                registered.reverse();
            }
            let users: Vec<Value> = registered
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .map(|(id, u)| {
                    json!({"userId": id, "userName": u.name, "userPortrait": u.portrait,
                           "regTime": datetime(u.created_ms)})
                })
                .collect();
            ok(json!({"total": registered.len(), "users": users}))
        }
        "user.sandbox.delete" => {
            for id in call.list("user_ids") {
                call.state.part::<RongUsers>().0.remove(&id);
                call.state.part::<Online>().0.remove(&id);
                call.state.part::<Tags>().0.remove(&id);
            }
            ok(json!({}))
        }
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------------
// Easemob / Agora Chat
// ------------------------------------------------------------------------------------------------

struct EaseUser {
    uuid: String,
    username: String,
    nickname: String,
    created: u64,
}

#[derive(Default)]
struct EaseUsers(BTreeMap<String, EaseUser>);

fn user_entity(u: &EaseUser) -> Value {
    json!({"uuid": u.uuid, "type": "user", "created": u.created, "modified": u.created,
           "username": u.username, "activated": true, "nickname": u.nickname})
}

fn add_user(app: &mut AppState, username: &str, nickname: &str, now: u64) -> Result<Value, Reply> {
    let key = username.to_lowercase();
    let users = &mut app.part::<EaseUsers>().0;
    if users.contains_key(&key) {
        return Err(em_error(
            400,
            "duplicate_unique_property_exists",
            &format!("Application user property username {username} already exists"),
        ));
    }
    let u = EaseUser {
        uuid: new_id(),
        username: key.clone(),
        nickname: nickname.to_string(),
        created: now,
    };
    let e = user_entity(&u);
    users.insert(key, u);
    Ok(e)
}

fn user_not_found(name: &str) -> Reply {
    em_error(
        404,
        "service_resource_not_found",
        &format!("Service resource not found: user {name}"),
    )
}

fn easemob(call: &mut Call<'_>) -> Option<Outcome> {
    let now = call.now;
    let name = call.s("username").to_string();
    let key = name.to_lowercase();
    Some(match call.op.name.as_str() {
        "user.register" => {
            let nick = call.s("nickname").to_string();
            add_user(call.state, &name, &nick, now).map(|e| Answer::Entities(vec![e]))
        }
        "user.register_batch" => {
            let users = call
                .args
                .get("users")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut out = Vec::new();
            for u in users {
                let field = |k: &str| u.get(k).and_then(Value::as_str).unwrap_or_default();
                if let Ok(e) = add_user(call.state, field("username"), field("nickname"), now) {
                    out.push(e);
                }
            }
            Ok(Answer::Entities(out))
        }
        "user.get" => match call.state.part::<EaseUsers>().0.get(&key) {
            Some(u) => Ok(Answer::Entities(vec![user_entity(u)])),
            None => Err(user_not_found(&name)),
        },
        "user.delete" => match call.state.part::<EaseUsers>().0.remove(&key) {
            Some(u) => {
                call.state.part::<Online>().0.remove(&key);
                Ok(Answer::Entities(vec![user_entity(&u)]))
            }
            None => Err(user_not_found(&name)),
        },
        "user.status" => {
            if !call.state.part::<EaseUsers>().0.contains_key(&key) {
                return Some(Err(user_not_found(&name)));
            }
            let st = if call.state.part::<Online>().0.contains(&key) {
                "online"
            } else {
                "offline"
            };
            Ok(Answer::Data(json!({ name: st })))
        }
        "user.status_batch" => {
            let names = call.list("usernames");
            let online = &call.state.part::<Online>().0;
            let out: Vec<Value> = names
                .iter()
                .map(|u| json!({ u: if online.contains(&u.to_lowercase()) { "online" } else { "offline" } }))
                .collect();
            Ok(Answer::Data(Value::Array(out)))
        }
        _ => return None,
    })
}

/// This family's answer to `op` (a declared Easemob operation) called with `args` in the same app:
/// how other families read or change users without reaching into this family's state.
pub(crate) fn ask_users(
    call: &mut Call<'_>,
    op: &str,
    args: Map<String, Value>,
) -> Option<Outcome> {
    let op = catalogue::easemob()
        .operation(op)
        .expect("the operation is declared");
    let fixed = Map::new();
    let mut sub = Call {
        cloud: Cloud::Easemob,
        app: call.app,
        easemob: call.easemob,
        state: &mut *call.state,
        op,
        args: &args,
        fixed: &fixed,
        file: None,
        log: &mut *call.log,
        now: call.now,
    };
    Users.handle(&mut sub)
}

/// The registered Easemob user `name` as `user.get` shows it (its entity), or that call's 404.
pub(crate) fn easemob_user(call: &mut Call<'_>, name: &str) -> Result<Value, Reply> {
    let mut args = Map::new();
    args.insert("username".into(), Value::String(name.to_string()));
    match ask_users(call, "user.get", args) {
        Some(Ok(Answer::Entities(mut e))) if !e.is_empty() => Ok(e.swap_remove(0)),
        Some(Err(reply)) => Err(reply),
        _ => unreachable!("the users family answers user.get with one entity or an error"),
    }
}
