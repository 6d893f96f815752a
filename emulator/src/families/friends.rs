//! RongCloud friends (profile hosting): friendships (both ways), each user's alias and custom
//! attributes for a friend, and who may add a user.
//!
//! Emulator rules: a request is accepted at once when `opt_type` is 2 or the target lets anyone
//! add them (permission 1, also when never set); with permission 2 it waits for an approval that
//! never comes here, with 3 it is refused. Either way the call itself succeeds.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome, users};
use crate::http::rc_error;

pub(crate) struct Friends;

/// One side of a friendship: what `owner` keeps about `friend`.
#[derive(Default, Clone)]
struct FriendEntry {
    added_ms: u64,
    /// Order of adding, to break ties between friends added in the same millisecond.
    seq: u64,
    remark_name: String,
    ext: String,
}

#[derive(Default)]
struct FriendState {
    /// owner → friend → entry.
    lists: BTreeMap<String, BTreeMap<String, FriendEntry>>,
    /// user → permission type (1 anyone, 2 approval, 3 nobody).
    permission: BTreeMap<String, i64>,
    next_seq: u64,
}

impl FriendState {
    fn are_friends(&self, a: &str, b: &str) -> bool {
        self.lists.get(a).is_some_and(|l| l.contains_key(b))
    }

    fn unfriend(&mut self, a: &str, b: &str) {
        if let Some(l) = self.lists.get_mut(a) {
            l.remove(b);
        }
        if let Some(l) = self.lists.get_mut(b) {
            l.remove(a);
        }
    }
}

impl Family for Friends {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "friend.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        let user = call.s("user_id").to_string();
        let target = call.s("target_id").to_string();
        let now = call.now;
        match call.op.name.as_str() {
            "friend.add" => {
                if user == target {
                    return Some(Err(rc_error(400, 1002, "a user cannot add themselves")));
                }
                let direct = call.int("opt_type") == Some(2);
                let st = call.state.part::<FriendState>();
                let permission = st.permission.get(&target).copied().unwrap_or(1);
                if (direct || permission == 1) && !st.are_friends(&user, &target) {
                    st.next_seq += 1;
                    let seq = st.next_seq;
                    for (a, b) in [(&user, &target), (&target, &user)] {
                        st.lists.entry(a.clone()).or_default().insert(
                            b.clone(),
                            FriendEntry {
                                added_ms: now,
                                seq,
                                ..FriendEntry::default()
                            },
                        );
                    }
                }
                ok(json!({}))
            }
            "friend.delete" => {
                let targets = call.list("target_ids");
                let st = call.state.part::<FriendState>();
                for t in targets {
                    st.unfriend(&user, &t);
                }
                ok(json!({}))
            }
            "friend.clean" => {
                let st = call.state.part::<FriendState>();
                let friends: Vec<String> = st
                    .lists
                    .get(&user)
                    .map(|l| l.keys().cloned().collect())
                    .unwrap_or_default();
                for f in friends {
                    st.unfriend(&user, &f);
                }
                ok(json!({}))
            }
            "friend.profile.set" => {
                let remark = call.opt_s("remark_name");
                let ext = match call.args.get("friend_ext_profile") {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Null) | None => None,
                    Some(other) => Some(other.to_string()),
                };
                let st = call.state.part::<FriendState>();
                match st.lists.get_mut(&user).and_then(|l| l.get_mut(&target)) {
                    None => Some(Err(rc_error(404, 404, "not a friend"))),
                    Some(e) => {
                        if let Some(r) = remark {
                            e.remark_name = r;
                        }
                        if let Some(x) = ext {
                            e.ext = x;
                        }
                        ok(json!({}))
                    }
                }
            }
            "friend.get" => Some(Ok(Answer::Fields(friend_page(call, &user)))),
            "friend.check" => {
                let targets = call.list("target_ids");
                let st = call.state.part::<FriendState>();
                let results: Vec<Value> = targets
                    .iter()
                    .map(|t| {
                        let r = if st.are_friends(&user, t) { 4 } else { 1 };
                        json!({"userId": t, "result": r})
                    })
                    .collect();
                ok(json!({ "results": results }))
            }
            "friend.permission.set" => {
                let (ids, kind) = (
                    call.list("user_ids"),
                    call.int("permission_type").unwrap_or(1),
                );
                let st = call.state.part::<FriendState>();
                for id in ids {
                    st.permission.insert(id, kind);
                }
                ok(json!({}))
            }
            "friend.permission.get" => {
                let ids = call.list("user_ids");
                let st = call.state.part::<FriendState>();
                let settings: Vec<Value> = ids
                    .iter()
                    .map(|id| json!({"userId": id, "type": st.permission.get(id).copied().unwrap_or(1)}))
                    .collect();
                ok(json!({ "permissionSettings": settings }))
            }
            _ => None,
        }
    }
}

/// A page of a user's friends; the page token is the offset of the next page, absent on the last.
fn friend_page(call: &mut Call<'_>, user: &str) -> Value {
    let start: usize = call.s("page_token").parse().unwrap_or(0);
    let size = call.int("size").unwrap_or(50).clamp(1, 100) as usize;
    let newest_first = call.int("order") == Some(1);
    let mut friends: Vec<(String, FriendEntry)> = call
        .state
        .part::<FriendState>()
        .lists
        .get(user)
        .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    friends.sort_by_key(|(_, e)| (e.added_ms, e.seq));
    if newest_first {
        friends.reverse();
    }
    let total = friends.len();
    let list: Vec<Value> = friends
        .into_iter()
        .skip(start)
        .take(size)
        .map(|(id, e)| friend_item(call.state, &id, &e))
        .collect();
    let mut out = json!({"totalCount": total, "friendList": list});
    if start + size < total {
        out["pageToken"] = json!((start + size).to_string());
    }
    out
}

fn friend_item(app: &mut AppState, id: &str, e: &FriendEntry) -> Value {
    json!({
        "userId": id,
        "name": users::rong_user_name(app, id).unwrap_or_default(),
        "remarkName": e.remark_name,
        "friendExtProfile": e.ext,
        "time": e.added_ms,
    })
}
