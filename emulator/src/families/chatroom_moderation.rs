//! Chatroom moderation (RongCloud): the whole-room mute and its exceptions, per-room mutes,
//! app-wide mutes, bans (blocks), the per-room user allowlist, and the app-wide message type
//! lists (low priority, allowlisted). Each list answers what was added and not removed since;
//! timed entries (mutes, bans) leave the lists when they end.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::datetime;

pub(crate) struct ChatroomModeration;

/// The chatrooms whose members are all muted, in the order they were muted.
#[derive(Default)]
struct MutedRooms(Vec<String>);

/// Per chatroom, the users exempt from its whole-room mute, in the order they were added.
#[derive(Default)]
struct MuteExceptions(BTreeMap<String, Vec<String>>);

/// Users with the time (ms) their mute or ban ends, in the order they were first added.
type Timed = Vec<(String, u64)>;

/// The users muted in every chatroom.
#[derive(Default)]
struct GlobalMutes(Timed);

/// Per chatroom, its muted users.
#[derive(Default)]
struct RoomMutes(BTreeMap<String, Timed>);

/// Per chatroom, its banned users.
#[derive(Default)]
struct RoomBlocks(BTreeMap<String, Timed>);

/// Per chatroom, its allowlisted users.
#[derive(Default)]
struct UserAllowlists(BTreeMap<String, Vec<String>>);

/// The low-priority message types.
#[derive(Default)]
struct LowPriority(Vec<String>);

/// The allowlisted message types.
#[derive(Default)]
struct MessageAllowlist(Vec<String>);

impl Family for ChatroomModeration {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Rongcloud, "chatroom.mute_all."),
            (Cloud::Rongcloud, "chatroom.mute_whitelist."),
            (Cloud::Rongcloud, "chatroom.global_mute."),
            (Cloud::Rongcloud, "chatroom.mute."),
            (Cloud::Rongcloud, "chatroom.block."),
            (Cloud::Rongcloud, "chatroom.user_whitelist."),
            (Cloud::Rongcloud, "chatroom.message_whitelist."),
            (Cloud::Rongcloud, "chatroom.low_priority."),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let answer = |v: Value| Some(Ok(Answer::Fields(v)));
        let done = || answer(json!({}));
        let room = call.s("chatroom_id").to_string();
        let users = call.list("user_ids");
        let types = call.list("object_names");
        let until = call.now + call.int("minute").unwrap_or(1).max(1) as u64 * 60_000;
        let now = call.now;
        match call.op.name.as_str() {
            "chatroom.mute_all.add" => {
                mute_all(call.state, &room);
                done()
            }
            "chatroom.mute_all.remove" => {
                call.state.part::<MutedRooms>().0.retain(|r| *r != room);
                done()
            }
            "chatroom.mute_all.check" => {
                answer(json!({"status": i32::from(all_muted(call.state, &room))}))
            }
            "chatroom.mute_all.query" => {
                let page = call.int("page").unwrap_or(1).max(1) as usize;
                let size = call.int("size").unwrap_or(50).max(1) as usize;
                let ids: Vec<&String> = call
                    .state
                    .part::<MutedRooms>()
                    .0
                    .iter()
                    .skip((page - 1) * size)
                    .take(size)
                    .collect();
                answer(json!({ "chatroomIds": ids }))
            }
            "chatroom.mute_whitelist.add" => {
                exempt(call.state, &room, &users);
                done()
            }
            "chatroom.mute_whitelist.remove" => {
                remove_users(&mut call.state.part::<MuteExceptions>().0, &room, &users);
                done()
            }
            "chatroom.mute_whitelist.query" => {
                let list = listed(&call.state.part::<MuteExceptions>().0, &room);
                // the documented example lists the latest addition first
                let ids: Vec<&String> = list.iter().rev().collect();
                answer(json!({ "userIds": ids }))
            }
            "chatroom.global_mute.add" => {
                add_timed(&mut call.state.part::<GlobalMutes>().0, &users, until);
                done()
            }
            "chatroom.global_mute.remove" => {
                call.state
                    .part::<GlobalMutes>()
                    .0
                    .retain(|(u, _)| !users.contains(u));
                done()
            }
            "chatroom.global_mute.query" => {
                answer(json!({"users": current(&call.state.part::<GlobalMutes>().0, now)}))
            }
            "chatroom.mute.add" => {
                let list = call.state.part::<RoomMutes>().0.entry(room).or_default();
                add_timed(list, &users, until);
                done()
            }
            "chatroom.mute.remove" => {
                if let Some(list) = call.state.part::<RoomMutes>().0.get_mut(&room) {
                    list.retain(|(u, _)| !users.contains(u));
                }
                done()
            }
            "chatroom.mute.query" => {
                let mutes = &call.state.part::<RoomMutes>().0;
                let users = mutes
                    .get(&room)
                    .map(|l| current(l, now))
                    .unwrap_or_default();
                answer(json!({ "users": users }))
            }
            "chatroom.block.add" => {
                let list = call.state.part::<RoomBlocks>().0.entry(room).or_default();
                add_timed(list, &users, until);
                done()
            }
            "chatroom.block.remove" => {
                if let Some(list) = call.state.part::<RoomBlocks>().0.get_mut(&room) {
                    list.retain(|(u, _)| !users.contains(u));
                }
                done()
            }
            "chatroom.block.query" => {
                let blocks = &call.state.part::<RoomBlocks>().0;
                let users = blocks
                    .get(&room)
                    .map(|l| current(l, now))
                    .unwrap_or_default();
                answer(json!({ "users": users }))
            }
            "chatroom.user_whitelist.add" => {
                let list = call
                    .state
                    .part::<UserAllowlists>()
                    .0
                    .entry(room)
                    .or_default();
                add_unique(list, &users);
                done()
            }
            "chatroom.user_whitelist.remove" => {
                remove_users(&mut call.state.part::<UserAllowlists>().0, &room, &users);
                done()
            }
            "chatroom.user_whitelist.query" => {
                let list = listed(&call.state.part::<UserAllowlists>().0, &room);
                answer(json!({ "users": list }))
            }
            "chatroom.message_whitelist.add" => {
                add_unique(&mut call.state.part::<MessageAllowlist>().0, &types);
                done()
            }
            "chatroom.message_whitelist.remove" => {
                call.state
                    .part::<MessageAllowlist>()
                    .0
                    .retain(|t| !types.contains(t));
                done()
            }
            "chatroom.message_whitelist.query" => {
                answer(json!({"whitlistMsgType": call.state.part::<MessageAllowlist>().0}))
            }
            "chatroom.low_priority.add" => {
                add_unique(&mut call.state.part::<LowPriority>().0, &types);
                done()
            }
            "chatroom.low_priority.remove" => {
                call.state
                    .part::<LowPriority>()
                    .0
                    .retain(|t| !types.contains(t));
                done()
            }
            "chatroom.low_priority.query" => {
                answer(json!({"objectNames": call.state.part::<LowPriority>().0}))
            }
            _ => None,
        }
    }
}

/// Mute every member of `room` (also `chatroom.create` with `is_ban`).
pub(crate) fn mute_all(state: &mut AppState, room: &str) {
    let rooms = &mut state.part::<MutedRooms>().0;
    if !rooms.iter().any(|r| r == room) {
        rooms.push(room.to_string());
    }
}

/// Whether every member of `room` is muted (`chatroom.query`'s `ban`).
pub(crate) fn all_muted(state: &mut AppState, room: &str) -> bool {
    state.part::<MutedRooms>().0.iter().any(|r| r == room)
}

/// Exempt `users` from the whole-room mute of `room` (also `chatroom.create`'s `white_user_ids`).
pub(crate) fn exempt(state: &mut AppState, room: &str, users: &[String]) {
    if users.is_empty() {
        return;
    }
    let list = state
        .part::<MuteExceptions>()
        .0
        .entry(room.to_string())
        .or_default();
    add_unique(list, users);
}

/// What a destroyed chatroom loses (documented): its whole-room mute and the exceptions to it.
pub(crate) fn forget_room(state: &mut AppState, room: &str) {
    state.part::<MutedRooms>().0.retain(|r| r != room);
    state.part::<MuteExceptions>().0.remove(room);
}

fn add_unique(list: &mut Vec<String>, items: &[String]) {
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

fn remove_users(lists: &mut BTreeMap<String, Vec<String>>, room: &str, users: &[String]) {
    if let Some(list) = lists.get_mut(room) {
        list.retain(|u| !users.contains(u));
    }
}

fn listed(lists: &BTreeMap<String, Vec<String>>, room: &str) -> Vec<String> {
    lists.get(room).cloned().unwrap_or_default()
}

/// Add `users` until `until`; a user already there gets the new end, keeping its place.
fn add_timed(list: &mut Timed, users: &[String], until: u64) {
    for user in users {
        match list.iter_mut().find(|(u, _)| u == user) {
            Some(entry) => entry.1 = until,
            None => list.push((user.clone(), until)),
        }
    }
}

/// The entries that have not ended, as `{userId, time}` with the end time.
fn current(list: &Timed, now: u64) -> Vec<Value> {
    list.iter()
        .filter(|(_, until)| *until > now)
        .map(|(u, until)| json!({"userId": u, "time": datetime(*until)}))
        .collect()
}
