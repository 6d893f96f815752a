//! Chatrooms (RongCloud).

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::rc_error;

pub(crate) struct Chatrooms;

/// Chatrooms of one app, as `chatroom.query` shows them.
#[derive(Default)]
struct Rooms(BTreeMap<String, Value>);

impl Family for Chatrooms {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "chatroom.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        match call.op.name.as_str() {
            "chatroom.create" => {
                let id = call.s("chatroom_id").to_string();
                let room = json!({
                    "chatroomId": id,
                    "createTime": call.now,
                    "memberCount": 0,
                    "destroyType": call.int("destroy_type").unwrap_or(0),
                    "destroyTime": call.int("destroy_time").unwrap_or(0),
                    "ban": call.flag("is_ban").unwrap_or(false),
                });
                call.state.part::<Rooms>().0.entry(id).or_insert(room);
                ok(json!({}))
            }
            "chatroom.destroy" => {
                for id in call.list("chatroom_ids") {
                    call.state.part::<Rooms>().0.remove(&id);
                }
                ok(json!({}))
            }
            "chatroom.query" => {
                let id = call.s("chatroom_id").to_string();
                match call.state.part::<Rooms>().0.get(&id) {
                    None => Some(Err(rc_error(404, 404, "chatroom not found"))),
                    Some(r) => ok(r.clone()),
                }
            }
            _ => None,
        }
    }
}
