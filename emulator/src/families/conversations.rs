//! RongCloud conversations: each user's do-not-disturb levels (per conversation and per
//! conversation type), pinned conversations, history cleared up to a time (which the v3 history
//! queries of the messages family honour), and the users' conversation tags with the
//! conversations under each; the GET queries read all of it back.

use std::collections::{BTreeMap, HashMap};

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome};

pub(crate) struct Conversations;

impl Family for Conversations {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "conversation.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        let user = call.s("user_id").to_string();
        let ty = call.int("conversation_type").unwrap_or(0);
        let target = call.s("target_id").to_string();
        match call.op.name.as_str() {
            "conversation.notification.set" => {
                // the level when given; else the older switch, 1 muted and 0 not
                let level = call
                    .int("unpush_level")
                    .or_else(|| call.flag("is_muted").map(i64::from))
                    .unwrap_or(0);
                let key = (user, ty, target, call.s("bus_channel").to_string());
                state(call).muted.insert(key, level);
                ok(json!({}))
            }
            "conversation.notification.get" => {
                let key = (user, ty, target, call.s("bus_channel").to_string());
                let level = state(call).muted.get(&key).copied().unwrap_or(0);
                ok(json!({ "isMuted": level }))
            }
            "conversation.type.notification.set" => {
                let level = call.int("unpush_level").unwrap_or(0);
                state(call).type_muted.insert((user, ty), level);
                ok(json!({}))
            }
            "conversation.type.notification.get" => {
                let level = state(call)
                    .type_muted
                    .get(&(user, ty))
                    .copied()
                    .unwrap_or(0);
                ok(json!({ "isMuted": level }))
            }
            "conversation.top.set" => {
                let top = call.flag("set_top").unwrap_or(false);
                let now = call.now;
                // once set (either way) the conversation's attributes show it, with when
                state(call).pinned.insert((user, ty, target), (top, now));
                ok(json!({}))
            }
            "conversation.history.clean" => {
                // a chatroom's history is cleared for every user, kept under the empty user
                let user = match ty {
                    CHATROOM => String::new(),
                    _ => call.s("from_user_id").to_string(),
                };
                let until = call
                    .int("msg_timestamp")
                    .map_or(call.now, |t| t.max(0) as u64);
                state(call).cleared.insert((user, ty, target), until);
                ok(json!({}))
            }
            "conversation.user_tag.set" => {
                let tags: Vec<(String, String)> = objects(call.args.get("tags"))
                    .map(|t| (text(t, "tag_id"), text(t, "tag_name")))
                    .collect();
                let now = call.now;
                let mine = state(call).tags.entry(user).or_default();
                for (id, name) in tags {
                    // renaming keeps the tag's creation time
                    match mine.iter_mut().find(|have| have.id == id) {
                        Some(existing) => existing.name = name,
                        None => mine.push(Tag {
                            id,
                            name,
                            created: now,
                        }),
                    }
                }
                ok(json!({}))
            }
            "conversation.user_tag.delete" => {
                let ids = call.list("tag_ids");
                let s = state(call);
                if let Some(mine) = s.tags.get_mut(&user) {
                    mine.retain(|t| !ids.contains(&t.id));
                }
                for id in ids {
                    s.tagged.remove(&(user.clone(), id));
                }
                ok(json!({}))
            }
            "conversation.tag.set" | "conversation.tag.delete" => {
                let add = call.op.name == "conversation.tag.set";
                let tag = call.s("tag_id").to_string();
                let convs: Vec<(String, i64)> = objects(call.args.get("conversations"))
                    .map(|c| {
                        let ty = c.get("conversation_type").and_then(Value::as_i64);
                        (text(c, "target_id"), ty.unwrap_or(0))
                    })
                    .collect();
                let under = state(call).tagged.entry((user, tag)).or_default();
                for conv in convs {
                    under.retain(|have| *have != conv);
                    if add {
                        under.push(conv);
                    }
                }
                // a tag holds at most 1000 conversations: the earliest added drop out
                let excess = under.len().saturating_sub(TAG_CAPACITY);
                under.drain(..excess);
                ok(json!({}))
            }
            "conversation.user_tag.get" => {
                let tags: Vec<Value> = state(call)
                    .tags
                    .get(&user)
                    .into_iter()
                    .flatten()
                    .map(Tag::to_json)
                    .collect();
                ok(json!({ "data": { "userId": user, "tags": tags } }))
            }
            "conversation.tag.get" => {
                let tag = call.s("tag_id").to_string();
                let convs: Vec<Value> = state(call)
                    .tagged
                    .get(&(user, tag.clone()))
                    .into_iter()
                    .flatten()
                    .map(|(target, ty)| json!({ "targetId": target, "conversationType": ty }))
                    .collect();
                ok(json!({ "data": { "tagId": tag, "conversations": convs } }))
            }
            "conversation.attribute.get" => {
                let s = state(call);
                let mut data = json!({ "targetId": target, "conversationType": ty });
                let key = (user.clone(), ty, target.clone());
                if let Some((top, at)) = s.pinned.get(&key) {
                    data["top"] = json!({ "top": top, "topTime": at });
                }
                // the level set for the conversation itself (no channel)
                let muted = s
                    .muted
                    .get(&(user.clone(), ty, target.clone(), String::new()));
                if let Some(level) = muted {
                    data["mute"] = json!({ "mute": level });
                }
                // the tags it is under, in the order the user created them
                let conv = (target, ty);
                let tags: Vec<Value> = s
                    .tags
                    .get(&user)
                    .into_iter()
                    .flatten()
                    .filter(|t| {
                        s.tagged
                            .get(&(user.clone(), t.id.clone()))
                            .is_some_and(|under| under.contains(&conv))
                    })
                    .map(Tag::to_json)
                    .collect();
                data["tags"] = Value::Array(tags);
                ok(json!({ "data": data }))
            }
            _ => None,
        }
    }
}

/// The chatroom conversation type.
const CHATROOM: i64 = 4;

/// The most conversations one tag holds.
const TAG_CAPACITY: usize = 1000;

/// (user, conversation type, target)
type ConvKey = (String, i64, String);

/// One app's conversation settings.
#[derive(Default)]
struct ConversationState {
    /// (user, type, target, channel) → do-not-disturb level
    muted: HashMap<(String, i64, String, String), i64>,
    /// (user, type) → do-not-disturb level
    type_muted: HashMap<(String, i64), i64>,
    /// conversation → pinned or not, and when that was set (ms)
    pinned: HashMap<ConvKey, (bool, u64)>,
    /// conversation → its history is cleared up to this time (ms)
    cleared: HashMap<ConvKey, u64>,
    /// user → their tags, in creation order
    tags: BTreeMap<String, Vec<Tag>>,
    /// (user, tag) → the conversations under it (target, type), oldest first
    tagged: BTreeMap<(String, String), Vec<(String, i64)>>,
}

/// One of a user's conversation tags.
struct Tag {
    id: String,
    name: String,
    /// when it was created (ms)
    created: u64,
}

impl Tag {
    fn to_json(&self) -> Value {
        json!({ "tagId": self.id, "tagName": self.name, "createTime": self.created })
    }
}

fn state<'a>(call: &'a mut Call<'_>) -> &'a mut ConversationState {
    call.state.part::<ConversationState>()
}

/// The objects of an `object_list` argument.
fn objects(v: Option<&Value>) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn text(o: &serde_json::Map<String, Value>, key: &str) -> String {
    o.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Up to when `user`'s history of a conversation was cleared, if it was (ms since the epoch); a
/// chatroom's is cleared for every user.
pub(crate) fn cleared_until(
    app: &mut AppState,
    user: &str,
    conversation_type: i64,
    target: &str,
) -> Option<u64> {
    let user = match conversation_type {
        CHATROOM => "",
        _ => user,
    };
    app.part::<ConversationState>()
        .cleared
        .get(&(user.to_string(), conversation_type, target.to_string()))
        .copied()
}
