//! Easemob chat rooms (`chatroom.*`): each room keeps its owner, members, admins, blocklist,
//! allowlist, mutes, mute-all, announcement and custom attributes; the app keeps its super
//! admins. User names are compared lowercased (Easemob user IDs are case-insensitive); a user
//! named to join a room must be registered (the users family answers an unknown one).

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::users::easemob_user;
use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{Reply, em_error};

pub(crate) struct EasemobChatrooms;

impl Family for EasemobChatrooms {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "chatroom.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        Some(easemob(call))
    }
}

/// One chat room. Lists keep insertion order.
struct Room {
    name: String,
    description: String,
    maxusers: i64,
    owner: String,
    custom: String,
    created: u64,
    /// Members other than the owner, in the order they joined.
    members: Vec<String>,
    admins: Vec<String>,
    blocks: Vec<String>,
    allow: Vec<String>,
    /// member → when the mute ends (ms; -1: for good)
    mutes: BTreeMap<String, i64>,
    mute_all: bool,
    announcement: String,
    /// key → (the user who set it, value, delete when that user leaves)
    attributes: BTreeMap<String, (String, String, bool)>,
}

impl Room {
    fn is_member(&self, u: &str) -> bool {
        self.owner == u || self.members.iter().any(|m| m == u)
    }

    fn affiliations(&self) -> Vec<Value> {
        std::iter::once(json!({"owner": self.owner}))
            .chain(self.members.iter().map(|m| json!({"member": m})))
            .collect()
    }

    /// `u` leaves: its roles go, and the attributes it set to be deleted with it.
    fn leave(&mut self, u: &str) {
        self.members.retain(|m| m != u);
        self.admins.retain(|m| m != u);
        self.allow.retain(|m| m != u);
        self.mutes.remove(u);
        self.attributes
            .retain(|_, (owner, _, auto)| !(*auto && owner == u));
    }
}

/// The chat rooms and super admins of one app.
#[derive(Default)]
struct Rooms {
    rooms: BTreeMap<String, Room>,
    super_admins: Vec<String>,
    next: u64,
}

/// Whether the app has the chat room `id` (for the messages family).
pub(crate) fn chatroom_exists(app: &mut AppState, id: &str) -> bool {
    app.part::<Rooms>().rooms.contains_key(id)
}

pub(crate) fn room_not_found(id: &str) -> Reply {
    em_error(
        404,
        "resource_not_found",
        &format!("grpID {id} does not exist!"),
    )
}

fn not_members(users: &[String]) -> Reply {
    em_error(
        400,
        "forbidden_op",
        &format!(
            "users [{}] are not members of this group!",
            users.join(", ")
        ),
    )
}

/// The registered user `name` (lowercased), or the users family's 404.
fn registered(call: &mut Call<'_>, name: &str) -> Result<String, Reply> {
    easemob_user(call, name).map(|_| name.to_lowercase())
}

fn registered_all(call: &mut Call<'_>, names: &[String]) -> Result<Vec<String>, Reply> {
    names.iter().map(|n| registered(call, n)).collect()
}

/// The lowercased names of a list argument.
fn lower_list(call: &Call<'_>, name: &str) -> Vec<String> {
    call.list(name).iter().map(|u| u.to_lowercase()).collect()
}

/// The room the call names (`chatroom_id`), or its 404.
fn room<'a>(call: &'a mut Call<'_>) -> Result<&'a mut Room, Reply> {
    let id = call.s("chatroom_id").to_string();
    call.state
        .part::<Rooms>()
        .rooms
        .get_mut(&id)
        .ok_or_else(|| room_not_found(&id))
}

fn data(v: Value) -> Outcome {
    Ok(Answer::Data(v))
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.clone();
    let id = call.s("chatroom_id").to_string();
    let now = call.now as i64;
    match op.as_str() {
        "chatroom.super_admins.list" => {
            let all: Vec<String> = call.state.part::<Rooms>().super_admins.clone();
            data(json!(call.page(&all, 10)))
        }
        "chatroom.super_admins.add" => {
            let name = call.s("superadmin").to_string();
            let u = registered(call, &name)?;
            let list = &mut call.state.part::<Rooms>().super_admins;
            if !list.contains(&u) {
                list.push(u);
            }
            data(json!({"result": "success", "resource": ""}))
        }
        "chatroom.super_admins.remove" => {
            let name = call.s("super_admin").to_string();
            let u = registered(call, &name)?;
            call.state.part::<Rooms>().super_admins.retain(|a| *a != u);
            data(json!({"newSuperAdmin": name, "resource": ""}))
        }
        "chatroom.create" => {
            let owner_name = call.s("owner").to_string();
            let owner = registered(call, &owner_name)?;
            let wanted = call.list("members");
            let mut members: Vec<String> = Vec::new();
            for m in registered_all(call, &wanted)? {
                if m != owner && !members.contains(&m) {
                    members.push(m);
                }
            }
            let maxusers = call.int("maxusers").unwrap_or(1000);
            if members.len() as i64 + 1 > maxusers {
                return Err(em_error(
                    403,
                    "exceed_limit",
                    "members size is greater than max user size !",
                ));
            }
            let room = Room {
                name: call.s("name").into(),
                description: call.s("description").into(),
                maxusers,
                owner,
                custom: call.s("custom").into(),
                created: call.now,
                members,
                admins: Vec::new(),
                blocks: Vec::new(),
                allow: Vec::new(),
                mutes: BTreeMap::new(),
                mute_all: false,
                announcement: String::new(),
                attributes: BTreeMap::new(),
            };
            let own_id = call.s("roomid").to_string();
            let all = call.state.part::<Rooms>();
            let id = if own_id.is_empty() {
                all.next += 1;
                format!(
                    "{}",
                    300_000_000_000_000u64 + call.now % 1_000_000_000 * 1000 + all.next
                )
            } else if all.rooms.contains_key(&own_id) {
                return Err(em_error(
                    400,
                    "illegal_argument",
                    &format!("group ID {own_id} already exists!"),
                ));
            } else {
                own_id
            };
            all.rooms.insert(id.clone(), room);
            data(json!({ "id": id }))
        }
        "chatroom.list" => {
            let size = call.int("limit").unwrap_or(10).clamp(1, 1000) as usize;
            let from = call.s("cursor").parse::<usize>().unwrap_or(0);
            let all = &call.state.part::<Rooms>().rooms;
            let items: Vec<Value> = all
                .iter()
                .skip(from)
                .take(size)
                .map(|(id, r)| {
                    json!({"id": id, "name": r.name, "owner": r.owner,
                        "affiliations_count": r.members.len() + 1})
                })
                .collect();
            let mut body = json!({"action": "get", "data": items, "count": items.len()});
            if from + size < all.len() {
                body["cursor"] = json!((from + size).to_string());
            }
            Ok(Answer::Raw(body))
        }
        "chatroom.get" => {
            let mut out = Vec::new();
            for id in call.list("chatroom_ids") {
                let Some(r) = call.state.part::<Rooms>().rooms.get(&id) else {
                    return Err(em_error(
                        404,
                        "service_resource_not_found",
                        &format!("do not find this group:{id}"),
                    ));
                };
                out.push(
                    json!({"id": id, "name": r.name, "description": r.description,
                    "membersonly": false, "allowinvites": false, "maxusers": r.maxusers,
                    "owner": r.owner, "created": r.created, "custom": r.custom,
                    "affiliations_count": r.members.len() + 1, "affiliations": r.affiliations(),
                    "public": true, "mute": r.mute_all}),
                );
            }
            data(Value::Array(out))
        }
        "chatroom.update" => {
            let new_owner = match call.args.get("newowner").and_then(Value::as_str) {
                Some(n) => {
                    let n = n.to_string();
                    Some(registered(call, &n)?)
                }
                None => None,
            };
            let name = call.opt_s("name");
            let desc = call.opt_s("description");
            let maxusers = call.int("maxusers");
            let r = room(call)?;
            let mut out = Map::new();
            if let Some(n) = name {
                r.name = n;
                out.insert("groupname".into(), json!(true));
            }
            if let Some(d) = desc {
                r.description = d;
                out.insert("description".into(), json!(true));
            }
            if let Some(m) = maxusers {
                r.maxusers = m;
                out.insert("maxusers".into(), json!(true));
            }
            if let Some(n) = new_owner {
                if n == r.owner {
                    return Err(em_error(
                        403,
                        "forbidden_op",
                        "new owner and old owner are the same",
                    ));
                }
                let old = std::mem::replace(&mut r.owner, n.clone());
                r.members.retain(|m| *m != n);
                r.admins.retain(|m| *m != n);
                r.members.insert(0, old);
                out.insert("newowner".into(), json!(true));
            }
            data(Value::Object(out))
        }
        "chatroom.delete" => match call.state.part::<Rooms>().rooms.remove(&id) {
            Some(_) => data(json!({"success": true, "id": id})),
            None => Err(room_not_found(&id)),
        },
        "chatroom.joined" => {
            let name = call.s("username").to_string();
            let u = registered(call, &name)?;
            let all: Vec<Value> = call
                .state
                .part::<Rooms>()
                .rooms
                .iter()
                .filter(|(_, r)| r.is_member(&u))
                .map(|(id, r)| json!({"id": id, "name": r.name, "disabled": false}))
                .collect();
            let default = if call.args.contains_key("pagenum") || call.args.contains_key("pagesize")
            {
                1000
            } else {
                500
            };
            data(Value::Array(call.page(&all, default)))
        }
        "chatroom.announcement.get" => {
            let r = room(call)?;
            data(json!({"announcement": r.announcement}))
        }
        "chatroom.announcement.set" => {
            let text = call.s("announcement").to_string();
            room(call)?.announcement = text;
            data(json!({"id": id, "result": true}))
        }
        "chatroom.members.list" => {
            let Some(r) = call.state.part::<Rooms>().rooms.get(&id) else {
                return Err(em_error(
                    404,
                    "service_resource_not_found",
                    &format!("do not find this group:{id}"),
                ));
            };
            let all = r.affiliations();
            data(Value::Array(call.page(&all, 1000)))
        }
        "chatroom.members.add_one" => {
            let name = call.s("username").to_string();
            let u = registered(call, &name)?;
            let r = room(call)?;
            if r.blocks.contains(&u) {
                return Err(em_error(
                    403,
                    "forbidden_op",
                    &format!("user {u} is in the blocklist of chatroom {id}"),
                ));
            }
            if r.is_member(&u) {
                return Err(em_error(
                    400,
                    "forbidden_op",
                    &format!("user {u} is already a member of chatroom {id}"),
                ));
            }
            r.members.push(u.clone());
            data(json!({"result": true, "action": "add_member", "id": id, "user": u}))
        }
        "chatroom.members.add" => {
            let names = call.list("usernames");
            let users = registered_all(call, &names)?;
            let r = room(call)?;
            if let Some(b) = users.iter().find(|u| r.blocks.contains(u)) {
                return Err(em_error(
                    403,
                    "forbidden_op",
                    &format!("user {b} is in the blocklist of chatroom {id}"),
                ));
            }
            let mut added = Vec::new();
            for u in users {
                if !r.is_member(&u) {
                    r.members.push(u.clone());
                    added.push(u);
                }
            }
            data(json!({"newmembers": added, "action": "add_member", "id": id}))
        }
        "chatroom.members.remove" => {
            let users = lower_list(call, "usernames");
            let r = room(call)?;
            let out: Vec<Value> = users
                .into_iter()
                .map(|u| {
                    let mut item =
                        json!({"result": false, "action": "remove_member", "user": u, "id": id});
                    if u == r.owner {
                        item["reason"] = json!("forbidden operation on chatroom owner!");
                    } else if r.members.contains(&u) {
                        r.leave(&u);
                        item["result"] = json!(true);
                    } else {
                        item["reason"] = json!(format!("user: {u} doesn't exist in group: {id}"));
                    }
                    item
                })
                .collect();
            data(Value::Array(out))
        }
        "chatroom.admins.list" => data(json!(room(call)?.admins.clone())),
        "chatroom.admins.add" => {
            let name = call.s("newadmin").to_string();
            let u = registered(call, &name)?;
            let r = room(call)?;
            if !r.members.contains(&u) {
                return Err(not_members(&[u]));
            }
            if !r.admins.contains(&u) {
                r.admins.push(u.clone());
            }
            data(json!({"result": "success", "newadmin": u}))
        }
        "chatroom.admins.remove" => {
            let name = call.s("oldadmin").to_string();
            let u = registered(call, &name)?;
            let r = room(call)?;
            if !r.admins.contains(&u) {
                return Err(em_error(
                    400,
                    "forbidden_op",
                    &format!("user {u} is not an admin of chatroom {id}"),
                ));
            }
            r.admins.retain(|a| *a != u);
            data(json!({"result": "success", "oldadmin": u}))
        }
        "chatroom.blocks.list" => data(json!(room(call)?.blocks.clone())),
        "chatroom.blocks.add_one" | "chatroom.blocks.add" => {
            let one = op == "chatroom.blocks.add_one";
            let users = if one {
                vec![call.s("username").to_lowercase()]
            } else {
                lower_list(call, "usernames")
            };
            let r = room(call)?;
            if one {
                let u = &users[0];
                if *u == r.owner {
                    return Err(em_error(
                        403,
                        "forbidden_op",
                        "forbidden operation on chatroom owner!",
                    ));
                }
                if !r.is_member(u) && !r.blocks.contains(u) {
                    return Err(not_members(&users));
                }
            }
            let out: Vec<Value> = users
                .into_iter()
                .map(|u| {
                    let mut item = json!({"result": false, "action": "add_blocks", "user": u, "chatroomid": id});
                    if u == r.owner {
                        item["reason"] = json!("forbidden operation on chatroom owner!");
                    } else if r.blocks.contains(&u) {
                        item["result"] = json!(true);
                    } else if r.is_member(&u) {
                        r.leave(&u);
                        r.blocks.push(u);
                        item["result"] = json!(true);
                    } else {
                        item["reason"] = json!(format!("user: {u} doesn't exist in chatroom: {id}"));
                    }
                    item
                })
                .collect();
            match (one, out.first()) {
                (true, Some(item)) => data(item.clone()),
                _ => data(Value::Array(out)),
            }
        }
        _ => easemob_rest(call, &op, &id, now),
    }
}

/// The per-user answer of a list change: `{result, action, user, chatroomid, reason?}`.
fn item(ok: bool, action: &str, u: &str, id: &str, reason: &str) -> Value {
    let mut v = json!({"result": ok, "action": action, "user": u, "chatroomid": id});
    if !ok {
        v["reason"] = json!(reason);
    }
    v
}

/// Allowlist, mutes, mute-all and custom attributes.
fn easemob_rest(call: &mut Call<'_>, op: &str, id: &str, now: i64) -> Outcome {
    match op {
        "chatroom.blocks.remove" => {
            let users = lower_list(call, "usernames");
            let r = room(call)?;
            let out: Vec<Value> = users
                .iter()
                .map(|u| {
                    let was = r.blocks.contains(u);
                    r.blocks.retain(|b| b != u);
                    let why = format!("user: {u} is not in the blocklist of chatroom: {id}");
                    item(was, "remove_blocks", u, id, &why)
                })
                .collect();
            data(Value::Array(out))
        }
        "chatroom.allowlist.list" => data(json!(room(call)?.allow.clone())),
        "chatroom.allowlist.add_one" | "chatroom.allowlist.add" => {
            let one = op == "chatroom.allowlist.add_one";
            let users = if one {
                vec![call.s("username").to_lowercase()]
            } else {
                lower_list(call, "usernames")
            };
            let r = room(call)?;
            if one && !r.is_member(&users[0]) {
                return Err(not_members(&users));
            }
            let out: Vec<Value> = users
                .iter()
                .map(|u| {
                    if !r.is_member(u) {
                        let why = format!("user: {u} doesn't exist in chatroom: {id}");
                        return item(false, "add_user_whitelist", u, id, &why);
                    }
                    if !r.allow.contains(u) {
                        r.allow.push(u.clone());
                    }
                    item(true, "add_user_whitelist", u, id, "")
                })
                .collect();
            match (one, out.first()) {
                (true, Some(first)) => data(first.clone()),
                _ => data(Value::Array(out)),
            }
        }
        "chatroom.allowlist.remove" => {
            let users = lower_list(call, "usernames");
            let r = room(call)?;
            let out: Vec<Value> = users
                .iter()
                .map(|u| {
                    let was = r.allow.contains(u);
                    r.allow.retain(|a| a != u);
                    let why = format!("user: {u} is not in the allowlist of chatroom: {id}");
                    item(was, "remove_user_whitelist", u, id, &why)
                })
                .collect();
            data(Value::Array(out))
        }
        "chatroom.mutes.list" => {
            let r = room(call)?;
            let out: Vec<Value> = r
                .mutes
                .iter()
                .filter(|(_, until)| **until < 0 || **until > now)
                .map(|(u, until)| json!({"user": u, "expire": until}))
                .collect();
            data(Value::Array(out))
        }
        "chatroom.mutes.add" => {
            let users = lower_list(call, "usernames");
            let duration = call.int("mute_duration").unwrap_or(-1);
            let r = room(call)?;
            let outside: Vec<String> = users.iter().filter(|u| !r.is_member(u)).cloned().collect();
            if !outside.is_empty() {
                return Err(not_members(&outside));
            }
            let until = if duration < 0 { -1 } else { now + duration };
            let out: Vec<Value> = users
                .iter()
                .map(|u| {
                    r.mutes.insert(u.clone(), until);
                    json!({"result": true, "expire": until, "user": u})
                })
                .collect();
            data(Value::Array(out))
        }
        "chatroom.mutes.remove" => {
            let users = lower_list(call, "usernames");
            let r = room(call)?;
            let out: Vec<Value> = users
                .iter()
                .map(|u| json!({"result": r.mutes.remove(u).is_some(), "user": u}))
                .collect();
            data(Value::Array(out))
        }
        "chatroom.mute_all" | "chatroom.unmute_all" => {
            let on = op == "chatroom.mute_all";
            room(call)?.mute_all = on;
            data(json!({ "mute": on }))
        }
        "chatroom.attributes.get" => {
            let keys = call.list("keys");
            let r = room(call)?;
            let out: Map<String, Value> = r
                .attributes
                .iter()
                .filter(|(k, _)| keys.is_empty() || keys.contains(k))
                .map(|(k, (_, v, _))| (k.clone(), json!(v)))
                .collect();
            data(Value::Object(out))
        }
        "chatroom.attributes.set" | "chatroom.attributes.set_forced" => {
            let forced = op.ends_with("_forced");
            let u = call.s("username").to_lowercase();
            let auto = call.s("auto_delete") != "NO_DELETE";
            // by key: the caller's map may arrive in any order (not every language keeps it)
            let wanted: BTreeMap<String, String> = call
                .args
                .get("metadata")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let r = room(call)?;
            if !r.is_member(&u) {
                return Err(em_error(
                    401,
                    "MetadataException",
                    "user is not in chatroom",
                ));
            }
            let mut ok = Vec::new();
            let mut failed = Map::new();
            for (k, v) in wanted {
                let why = if k.chars().count() > 128 {
                    Some(format!(
                        "properties key '{k}' is exceeding maximum limit 128"
                    ))
                } else if !k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                {
                    Some(format!("properties key '{k}' has illegal characters"))
                } else if v.chars().count() > 4096 {
                    Some(format!(
                        "properties value of '{k}' is exceeding maximum limit 4096"
                    ))
                } else if !forced && r.attributes.get(&k).is_some_and(|(o, _, _)| *o != u) {
                    Some("others are not allowed to be set".to_string())
                } else if !r.attributes.contains_key(&k) && r.attributes.len() >= 100 {
                    Some("chatroom properties exceed the limit 100".to_string())
                } else {
                    None
                };
                match why {
                    Some(w) => {
                        failed.insert(k, json!(w));
                    }
                    None => {
                        r.attributes.insert(k.clone(), (u.clone(), v, auto));
                        ok.push(k);
                    }
                }
            }
            data(json!({"successKeys": ok, "errorKeys": failed}))
        }
        "chatroom.attributes.delete" | "chatroom.attributes.delete_forced" => {
            let forced = op.ends_with("_forced");
            let u = call.s("username").to_lowercase();
            let given = call.args.contains_key("keys");
            let keys = call.list("keys");
            let r = room(call)?;
            if !forced && !r.is_member(&u) {
                return Err(em_error(
                    401,
                    "MetadataException",
                    "user is not in chatroom",
                ));
            }
            let keys: Vec<String> = if given {
                keys
            } else {
                r.attributes
                    .iter()
                    .filter(|(_, (o, _, _))| forced || *o == u)
                    .map(|(k, _)| k.clone())
                    .collect()
            };
            let mut ok = Vec::new();
            let mut failed = Map::new();
            for k in keys {
                match r.attributes.get(&k) {
                    None => {
                        failed.insert(k, json!("key not exist"));
                    }
                    Some((o, _, _)) if !forced && *o != u => {
                        failed.insert(k, json!("others are not allowed to be deleted"));
                    }
                    Some(_) => {
                        r.attributes.remove(&k);
                        ok.push(k);
                    }
                }
            }
            data(json!({"successKeys": ok, "errorKeys": failed}))
        }
        _ => Ok(super::canned::answer(Cloud::Easemob, call.op, call.args)),
    }
}
