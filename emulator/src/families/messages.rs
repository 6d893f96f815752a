//! Messages: RongCloud publishing (every kind of send), recall, modify, expansion and the v3
//! history queries; Easemob sends. Every message sent is logged (across apps) for tests to read
//! back; the history queries read that log.

use std::collections::{BTreeMap, HashMap};

use imcloud::catalogue::Cloud;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::easemob_groups::{EaseGroups, group_not_found};
use super::{Answer, Call, Family, Outcome, conversations};
use crate::http::{Reply, new_id, rc_error};

pub(crate) struct Messages;

/// A message some operation sent, for tests to read back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentMessage {
    /// `rongcloud` or `easemob`.
    pub cloud: String,
    /// The app key (RongCloud) or `org#app` (Easemob).
    pub app: String,
    pub operation: String,
    pub id: String,
    pub from: String,
    /// `users`, `chatgroups`, `chatrooms` (Easemob); `private`, `group`, `system`, `chatroom`,
    /// `ultragroup` or `broadcast` (RongCloud).
    pub target_type: String,
    pub to: Vec<String>,
    /// The message type: `txt`, `img`, … or a RongCloud object name.
    pub kind: String,
    /// The message body (Easemob) or content (RongCloud), as JSON.
    pub body: Value,
    pub ext: Value,
    pub at_ms: u64,
    pub recalled: bool,
}

impl Family for Messages {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "message."), (Cloud::Easemob, "message.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        match (call.cloud, call.op.name.as_str()) {
            (Cloud::Rongcloud, "message.recall") => Some(recall(call)),
            (Cloud::Rongcloud, "message.broadcast.recall") => Some(broadcast_recall(call)),
            (Cloud::Rongcloud, "message.private.modify" | "message.group.modify") => {
                Some(modify(call))
            }
            (Cloud::Rongcloud, "message.expansion.set") => Some(expansion_set(call)),
            (Cloud::Rongcloud, "message.expansion.query") => Some(expansion_query(call)),
            (Cloud::Rongcloud, "message.expansion.delete") => Some(expansion_delete(call)),
            (Cloud::Rongcloud, op) if op.starts_with("message.") && op.ends_with(".query") => {
                Some(history_query(call))
            }
            (Cloud::Rongcloud, op) => sending(op).map(|how| publish(call, how)),
            (Cloud::Easemob, op) if op.starts_with("message.send_") => Some(send(call)),
            _ => None,
        }
    }
}

/// How a RongCloud send operation addresses its message.
struct Sending {
    /// The logged target type.
    target_type: &'static str,
    /// The parameter naming the recipients (a list, or one id); `None`: everyone (a broadcast).
    to: Option<&'static str>,
    /// The id key of each `messageUIDs` item; `None`: the answer has no `messageUIDs`.
    uid_key: Option<&'static str>,
    /// A template send: `content` is filled per recipient from `values`.
    template: bool,
    /// Kept in the server-side history (status messages and broadcasts are not).
    stored: bool,
}

/// The RongCloud operations that send a message, and how.
fn sending(op: &str) -> Option<Sending> {
    let s = |target_type, to, uid_key, template, stored| Sending {
        target_type,
        to,
        uid_key,
        template,
        stored,
    };
    Some(match op {
        "message.private.publish" => s("private", Some("to_user_ids"), Some("userId"), false, true),
        "message.group.publish" => s("group", Some("to_group_ids"), Some("groupId"), false, true),
        "message.system.publish" => s("system", Some("to_user_ids"), Some("userId"), false, true),
        "message.chatroom.publish" => s(
            "chatroom",
            Some("to_chatroom_ids"),
            Some("chatroomId"),
            false,
            true,
        ),
        "message.ultragroup.publish" => s(
            "ultragroup",
            Some("to_group_ids"),
            Some("groupId"),
            false,
            true,
        ),
        "message.private.publish_template" => {
            s("private", Some("to_user_ids"), Some("userId"), true, true)
        }
        "message.system.publish_template" => {
            s("system", Some("to_user_ids"), Some("userId"), true, true)
        }
        "message.private.publish_stream" => s("private", Some("to_user_id"), None, false, true),
        "message.group.publish_stream" => s("group", Some("to_group_id"), None, false, true),
        "message.status.private.publish" => s("private", Some("to_user_ids"), None, false, false),
        "message.status.group.publish" => s("group", Some("to_group_ids"), None, false, false),
        "message.broadcast" | "message.online.broadcast" | "message.chatroom.broadcast" => {
            s("broadcast", None, None, false, false)
        }
        _ => return None,
    })
}

/// What RongCloud keeps about its messages beyond the shared log, per app: by message UID.
#[derive(Default)]
struct RongMessages {
    meta: HashMap<String, Meta>,
}

#[derive(Default)]
struct Meta {
    /// Sent with `expansion` on.
    expansion: bool,
    /// The expansion: key → (value, time set in ms).
    extra: BTreeMap<String, (String, u64)>,
    bus_channel: String,
    /// Kept in the server-side history.
    stored: bool,
}

/// A JSON text argument (a `json_string` parameter) as JSON; other values as they are.
fn json_arg(call: &Call<'_>, name: &str) -> Value {
    match call.args.get(name) {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// A JSON object's members as texts (non-string values as their JSON).
fn string_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, x)| {
                    let text = x.as_str().map_or_else(|| x.to_string(), str::to_string);
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A template's text with each placeholder of `values` replaced.
fn fill(template: &str, values: Option<&Value>) -> String {
    string_pairs(values.unwrap_or(&Value::Null))
        .iter()
        .fold(template.to_string(), |text, (k, v)| text.replace(k, v))
}

fn publish(call: &mut Call<'_>, how: Sending) -> Outcome {
    let op = call.op.name.clone();
    let to: Vec<Option<String>> = match how.to {
        Some(param) if call.args.get(param).is_some_and(Value::is_string) => {
            vec![Some(call.s(param).to_string())]
        }
        Some(param) => call.list(param).into_iter().map(Some).collect(),
        None => vec![None],
    };
    let content = json_arg(call, "content");
    let values = call
        .args
        .get("values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let expansion = call.flag("expansion").unwrap_or(false);
    let extra = match op.as_str() {
        // stream messages take their expansion as an object, the others as JSON text
        o if o.ends_with(".publish_stream") => call.args.get("extra_content").cloned(),
        _ if expansion => Some(json_arg(call, "extra_content")),
        _ => None,
    };
    let bus_channel = call.s("bus_channel").to_string();
    let mut uids = Vec::new();
    let mut first_uid = None;
    for (i, t) in to.iter().enumerate() {
        let uid = new_id().to_uppercase()[..19].to_string();
        let body = if how.template {
            let text = call.s("content");
            let filled = fill(text, values.get(i));
            serde_json::from_str(&filled).unwrap_or(Value::String(filled))
        } else {
            content.clone()
        };
        if let (Some(key), Some(t)) = (how.uid_key, t) {
            uids.push(json!({key: t, "messageUID": uid}));
        }
        first_uid.get_or_insert_with(|| uid.clone());
        let now = call.now;
        let meta = Meta {
            expansion: expansion || extra.is_some(),
            extra: string_pairs(extra.as_ref().unwrap_or(&Value::Null))
                .into_iter()
                .map(|(k, v)| (k, (v, now)))
                .collect(),
            bus_channel: bus_channel.clone(),
            stored: how.stored,
        };
        call.state
            .part::<RongMessages>()
            .meta
            .insert(uid.clone(), meta);
        call.log.push(SentMessage {
            cloud: "rongcloud".into(),
            app: call.app.into(),
            operation: op.clone(),
            id: uid,
            from: call.s("from_user_id").into(),
            target_type: how.target_type.into(),
            to: t.iter().cloned().collect(),
            kind: call
                .fixed
                .get("objectName")
                .and_then(Value::as_str)
                .unwrap_or(call.s("object_name"))
                .into(),
            body,
            ext: call.args.get("push_ext").cloned().unwrap_or(Value::Null),
            at_ms: call.now,
            recalled: false,
        });
    }
    Ok(Answer::Fields(match (how.uid_key, op.as_str()) {
        (Some(_), _) => json!({"messageUIDs": uids}),
        (None, o) if o.ends_with(".publish_stream") => json!({"messageUID": first_uid}),
        _ => json!({}),
    }))
}

/// RongCloud's answer for a message UID it does not know.
fn message_not_found() -> Reply {
    rc_error(404, 404, "message not found")
}

/// This app's RongCloud message `uid` in the log.
fn logged<'a>(call: &'a mut Call<'_>, uid: &str) -> Option<&'a mut SentMessage> {
    let app = call.app;
    call.log
        .iter_mut()
        .find(|m| m.cloud == "rongcloud" && m.app == app && m.id == uid)
}

fn recall(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    match call
        .log
        .iter_mut()
        .find(|m| m.cloud == "rongcloud" && m.id == uid)
    {
        Some(m) => {
            m.recalled = true;
            Ok(Answer::Fields(json!({})))
        }
        None => Err(message_not_found()),
    }
}

/// The recall of a broadcast: its UID comes from the history log, which the emulator does not
/// write, so an unknown UID is accepted as it is.
fn broadcast_recall(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    if let Some(m) = logged(call, &uid) {
        m.recalled = true;
    }
    Ok(Answer::Fields(json!({})))
}

/// New content for a sent message: the sender, the conversation and the UID must match.
fn modify(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    let from = call.s("from_user_id").to_string();
    let (target_type, target) = match call.op.name.as_str() {
        "message.private.modify" => ("private", call.s("target_id").to_string()),
        _ => ("group", call.s("group_id").to_string()),
    };
    let content = json_arg(call, "content");
    match logged(call, &uid) {
        Some(m) if m.from == from && m.target_type == target_type && m.to == [target] => {
            m.body = content;
            Ok(Answer::Fields(json!({})))
        }
        _ => Err(message_not_found()),
    }
}

/// The expansion of a logged message of this app, or its 404.
fn expansion_of<'a>(call: &'a mut Call<'_>, uid: &str) -> Result<&'a mut Meta, Reply> {
    if logged(call, uid).is_none() {
        return Err(message_not_found());
    }
    Ok(call
        .state
        .part::<RongMessages>()
        .meta
        .entry(uid.to_string())
        .or_default())
}

fn expansion_set(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    let pairs = string_pairs(&json_arg(call, "extra_key_val"));
    let now = call.now;
    let meta = expansion_of(call, &uid)?;
    for (k, v) in pairs {
        meta.extra.insert(k, (v, now));
    }
    Ok(Answer::Fields(json!({})))
}

fn expansion_delete(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    let keys: Vec<String> = match json_arg(call, "extra_key") {
        Value::Array(items) => items
            .iter()
            .map(|k| k.as_str().map_or_else(|| k.to_string(), str::to_string))
            .collect(),
        Value::Object(o) => o.keys().cloned().collect(),
        Value::String(one) => vec![one],
        _ => Vec::new(),
    };
    let meta = expansion_of(call, &uid)?;
    for k in keys {
        meta.extra.remove(&k);
    }
    Ok(Answer::Fields(json!({})))
}

/// A page of 300 keys of the expansion, in key order.
fn expansion_query(call: &mut Call<'_>) -> Outcome {
    let uid = call.s("message_uid").to_string();
    let page = call.int("page_no").unwrap_or(1).max(1) as usize;
    let meta = expansion_of(call, &uid)?;
    let extra: Map<String, Value> = meta
        .extra
        .iter()
        .skip((page - 1) * 300)
        .take(300)
        .map(|(k, (v, ts))| (k.clone(), json!({"v": v, "ts": ts})))
        .collect();
    Ok(Answer::Fields(json!({ "extraContent": extra })))
}

/// The v3 history of one conversation, as `user_id` sees it: the stored messages between
/// `start_time` and `end_time`, oldest first, not recalled and not cleared by the user.
fn history_query(call: &mut Call<'_>) -> Outcome {
    let kind = call
        .op
        .name
        .trim_start_matches("message.")
        .trim_end_matches(".query")
        .to_string();
    let user = call.s("user_id").to_string();
    let target = call.s("target_id").to_string();
    let start = call.int("start_time").unwrap_or(0).max(0) as u64;
    let end = call.int("end_time").map_or(u64::MAX, |t| t.max(0) as u64);
    let include_start = call.flag("include_start").unwrap_or(true);
    let size = call.int("page_size").unwrap_or(10).max(1) as usize;
    let bus_channel = call.s("bus_channel").to_string();
    let conversation_type = match kind.as_str() {
        "private" => 1,
        "group" => 3,
        "chatroom" => 4,
        _ => 10,
    };
    let cleared = conversations::cleared_until(call.state, &user, conversation_type, &target);
    let meta = &call.state.part::<RongMessages>().meta;
    let data: Vec<Value> = call
        .log
        .iter()
        .filter(|m| m.cloud == "rongcloud" && m.app == call.app && !m.recalled)
        .filter(|m| m.target_type == kind)
        .filter(|m| match kind.as_str() {
            "private" => {
                (m.from == user && m.to == [target.clone()])
                    || (m.from == target && m.to == [user.clone()])
            }
            _ => m.to == [target.clone()],
        })
        .filter(|m| (m.at_ms > start || (include_start && m.at_ms == start)) && m.at_ms <= end)
        .filter(|m| cleared.is_none_or(|until| m.at_ms > until))
        .filter_map(|m| {
            let meta = meta.get(&m.id)?;
            (meta.stored && (bus_channel.is_empty() || meta.bus_channel == bus_channel))
                .then_some((m, meta))
        })
        .take(size)
        .map(|(m, meta)| {
            let extra: Map<String, Value> = meta
                .extra
                .iter()
                .map(|(k, (v, _))| (k.clone(), Value::String(v.clone())))
                .collect();
            json!({
                "targetId": target,
                "fromUserId": m.from,
                "messageUID": m.id,
                "msgTime": m.at_ms,
                "objectName": m.kind,
                "content": m.body.as_str().map_or_else(|| m.body.to_string(), str::to_string),
                "expansion": meta.expansion,
                "extraContent": Value::Object(extra).to_string(),
                "busChannel": meta.bus_channel,
            })
        })
        .collect();
    Ok(Answer::Fields(json!({ "data": data })))
}

fn send(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.as_str();
    let target_type = call.s("target_type").to_string();
    let to = call.list("to");
    let from = call
        .args
        .get("from")
        .and_then(Value::as_str)
        .unwrap_or("admin")
        .to_string();
    if target_type == "chatgroups" {
        let groups = &call.state.part::<EaseGroups>().groups;
        if let Some(missing) = to.iter().find(|g| !groups.contains_key(*g)) {
            return Err(group_not_found(missing));
        }
    }
    let kind = match op.trim_start_matches("message.send_") {
        "text" => "txt",
        "image" => "img",
        k => k,
    };
    let mut body = Map::new();
    for (k, v) in call.args {
        if !matches!(
            k.as_str(),
            "target_type" | "to" | "from" | "ext" | "sync_device" | "route_online"
        ) {
            body.insert(k.clone(), v.clone());
        }
    }
    let mut data = Map::new();
    for t in &to {
        let id = format!(
            "{}",
            1_000_000_000_000_000u64 + rand::random_range(0..1_000_000_000_000u64)
        );
        data.insert(t.clone(), Value::String(id.clone()));
        call.log.push(SentMessage {
            cloud: "easemob".into(),
            app: call.app.into(),
            operation: op.into(),
            id,
            from: from.clone(),
            target_type: target_type.clone(),
            to: vec![t.clone()],
            kind: kind.into(),
            body: Value::Object(body.clone()),
            ext: call.args.get("ext").cloned().unwrap_or(Value::Null),
            at_ms: call.now,
            recalled: false,
        });
    }
    Ok(Answer::Data(Value::Object(data)))
}
