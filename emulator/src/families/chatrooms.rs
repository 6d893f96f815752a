//! Chatrooms (RongCloud): the rooms themselves (create, get, destroy, destroy type), the
//! keep-alive list and each room's custom attributes (KV). Mutes, bans and allowlists are in
//! [`chatroom_moderation`](super::chatroom_moderation). Members join through the client SDK, so
//! no server call adds one: member queries answer that nobody is in.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome, chatroom_moderation};
use crate::http::{datetime, rc_error};

pub(crate) struct Chatrooms;

/// Chatrooms of one app, as `chatroom.query` shows them (without `ban`, which is the whole-room
/// mute's state).
#[derive(Default)]
struct Rooms(BTreeMap<String, Value>);

/// The keep-alive chatroom ids, in the order they were added.
#[derive(Default)]
struct Keepalive(Vec<String>);

/// The keep-alive list's documented size once the service is enabled.
const KEEPALIVE_LIMIT: usize = 5;

/// One custom attribute of a chatroom.
#[derive(Clone)]
struct Entry {
    value: String,
    owner: String,
    auto_delete: bool,
    set_ms: u64,
}

/// Each chatroom's custom attributes, by key.
#[derive(Default)]
struct Entries(BTreeMap<String, BTreeMap<String, Entry>>);

impl Family for Chatrooms {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "chatroom.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        let room = call.s("chatroom_id").to_string();
        match call.op.name.as_str() {
            "chatroom.create" => {
                if !call.state.part::<Rooms>().0.contains_key(&room) {
                    create(call, &room);
                }
                ok(json!({}))
            }
            "chatroom.create_named" => {
                let named = call
                    .args
                    .get("chatrooms")
                    .and_then(Value::as_object)
                    .cloned();
                for (id, name) in named.into_iter().flatten() {
                    if !call.state.part::<Rooms>().0.contains_key(&id) {
                        create(call, &id);
                    }
                    if let Some(r) = call.state.part::<Rooms>().0.get_mut(&id) {
                        r["name"] = name;
                    }
                }
                ok(json!({}))
            }
            "chatroom.destroy" => {
                for id in call.list("chatroom_ids") {
                    call.state.part::<Rooms>().0.remove(&id);
                    // documented: a room's attributes go with it
                    call.state.part::<Entries>().0.remove(&id);
                    chatroom_moderation::forget_room(call.state, &id);
                }
                ok(json!({}))
            }
            "chatroom.query" => match call.state.part::<Rooms>().0.get(&room).cloned() {
                None => Some(Err(not_found())),
                Some(mut r) => {
                    r["ban"] = json!(chatroom_moderation::all_muted(call.state, &room));
                    ok(r)
                }
            },
            "chatroom.query_batch" => {
                let ids = call.list("chatroom_ids");
                let rooms = &call.state.part::<Rooms>().0;
                let found: Vec<Value> = ids
                    .iter()
                    .filter_map(|id| rooms.get(id))
                    .map(|r| {
                        let created = r["createTime"].as_u64().unwrap_or_default();
                        // a name only the legacy create gives
                        let name = r.get("name").cloned().unwrap_or(json!(""));
                        json!({"chrmId": r["chatroomId"], "name": name, "time": datetime(created)})
                    })
                    .collect();
                ok(json!({"chatRooms": found}))
            }
            "chatroom.destroy_type.set" => {
                let (kind, time) = (call.int("destroy_type"), call.int("destroy_time"));
                match call.state.part::<Rooms>().0.get_mut(&room) {
                    None => Some(Err(not_found())),
                    Some(r) => {
                        if let Some(k) = kind {
                            r["destroyType"] = json!(k);
                        }
                        if let Some(t) = time {
                            r["destroyTime"] = json!(t);
                        }
                        ok(json!({}))
                    }
                }
            }
            "chatroom.members" => ok(json!({"total": 0, "users": []})),
            "chatroom.member.exists" => ok(json!({"isInChrm": false})),
            "chatroom.members.exist" => {
                let result: Vec<Value> = call
                    .list("user_ids")
                    .iter()
                    .map(|u| json!({"userId": u, "isInChrm": 0}))
                    .collect();
                ok(json!({ "result": result }))
            }
            "chatroom.keepalive.add" => {
                let list = &mut call.state.part::<Keepalive>().0;
                if !list.contains(&room) {
                    if list.len() >= KEEPALIVE_LIMIT {
                        return Some(Err(rc_error(403, 1016, "too many keep-alive chatrooms")));
                    }
                    list.push(room);
                }
                ok(json!({}))
            }
            "chatroom.keepalive.remove" => {
                let list = &mut call.state.part::<Keepalive>().0;
                match list.iter().position(|r| *r == room) {
                    // documented: code 1015 with HTTP 200
                    None => Some(Err(rc_error(200, 1015, "the chatroom is not kept alive"))),
                    Some(i) => {
                        list.remove(i);
                        ok(json!({}))
                    }
                }
            }
            "chatroom.keepalive.query" => {
                ok(json!({"chatroomIds": call.state.part::<Keepalive>().0}))
            }
            "chatroom.entry.set" => {
                if !call.state.part::<Rooms>().0.contains_key(&room) {
                    return Some(Err(not_found()));
                }
                let entry = Entry {
                    value: call.s("value").to_string(),
                    owner: call.s("user_id").to_string(),
                    auto_delete: call.flag("auto_delete").unwrap_or(false),
                    set_ms: call.now,
                };
                let key = call.s("key").to_string();
                entries(call.state, &room).insert(key, entry);
                ok(json!({}))
            }
            "chatroom.entry.batch_set" => {
                if !call.state.part::<Rooms>().0.contains_key(&room) {
                    return Some(Err(not_found()));
                }
                let (owner, auto_delete) = (
                    call.s("entry_owner_id").to_string(),
                    call.flag("auto_delete").unwrap_or(false),
                );
                let pairs = json_text(call.s("entry_info"));
                let now = call.now;
                let kv = entries(call.state, &room);
                for (key, value) in pairs.as_object().into_iter().flatten() {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    let owner = owner.clone();
                    kv.insert(
                        key.clone(),
                        Entry {
                            value,
                            owner,
                            auto_delete,
                            set_ms: now,
                        },
                    );
                }
                ok(json!({}))
            }
            "chatroom.entry.remove" => {
                let key = call.s("key").to_string();
                entries(call.state, &room).remove(&key);
                ok(json!({}))
            }
            "chatroom.entry.batch_remove" => {
                let keys = call.list("entry_keys");
                let kv = entries(call.state, &room);
                for key in &keys {
                    kv.remove(key);
                }
                ok(json!({}))
            }
            "chatroom.entry.query" => {
                let wanted = call.list("keys");
                let keys: Vec<Value> = entries(call.state, &room)
                    .iter()
                    .filter(|(k, _)| wanted.is_empty() || wanted.contains(k))
                    .map(|(k, e)| {
                        json!({
                            "key": k,
                            "value": e.value,
                            "userId": e.owner,
                            "autoDelete": if e.auto_delete { "1" } else { "0" },
                            "lastSetTime": e.set_ms.to_string(),
                        })
                    })
                    .collect();
                ok(json!({ "keys": keys }))
            }
            _ => None,
        }
    }
}

/// `chatroom.create` of a new room: the room, its whole-room mute and exceptions, its first
/// attributes.
fn create(call: &mut Call<'_>, room: &str) {
    let r = json!({
        "chatroomId": room,
        "createTime": call.now,
        "memberCount": 0,
        "destroyType": call.int("destroy_type").unwrap_or(0),
        "destroyTime": call.int("destroy_time").unwrap_or(60),
    });
    call.state.part::<Rooms>().0.insert(room.to_string(), r);
    if call.flag("is_ban").unwrap_or(false) {
        chatroom_moderation::mute_all(call.state, room);
    }
    let exempt = call.list("white_user_ids");
    chatroom_moderation::exempt(call.state, room, &exempt);
    let owner = call.s("entry_owner_id").to_string();
    let pairs = json_text(call.s("entry_info"));
    let now = call.now;
    let kv = entries(call.state, room);
    for (key, value) in pairs.as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        let entry = Entry {
            value,
            owner: owner.clone(),
            auto_delete: false,
            set_ms: now,
        };
        kv.insert(key.clone(), entry);
    }
}

fn not_found() -> crate::http::Reply {
    rc_error(404, 404, "chatroom not found")
}

/// A chatroom's attributes, created empty on first use.
fn entries<'a>(state: &'a mut AppState, room: &str) -> &'a mut BTreeMap<String, Entry> {
    state
        .part::<Entries>()
        .0
        .entry(room.to_string())
        .or_default()
}

/// JSON sent as text (a `json_string` argument); `null` if absent or not JSON.
fn json_text(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}
