//! Messages: RongCloud publishing and recall, Easemob sends. Every message sent is logged (across
//! apps) for tests to read back.

use imcloud::catalogue::Cloud;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::easemob_groups::{EaseGroups, group_not_found};
use super::{Answer, Call, Family, Outcome};
use crate::http::{new_id, rc_error};

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
    /// `users`, `chatgroups`, `chatrooms` (Easemob); `private`, `group`, `system` (RongCloud).
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
            (Cloud::Rongcloud, op) if op.ends_with(".publish") => Some(publish(call)),
            (Cloud::Easemob, op) if op.starts_with("message.send_") => Some(send(call)),
            _ => None,
        }
    }
}

fn publish(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.as_str();
    let (target_type, to_key, id_key) = match op {
        "message.private.publish" => ("private", "to_user_ids", "userId"),
        "message.group.publish" => ("group", "to_group_ids", "groupId"),
        _ => ("system", "to_user_ids", "userId"),
    };
    let to = call.list(to_key);
    let content = match call.args.get("content") {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let mut uids = Vec::new();
    for t in &to {
        let uid = new_id().to_uppercase()[..19].to_string();
        uids.push(json!({id_key: t, "messageUID": uid}));
        call.log.push(SentMessage {
            cloud: "rongcloud".into(),
            app: call.app.into(),
            operation: op.into(),
            id: uid,
            from: call.s("from_user_id").into(),
            target_type: target_type.into(),
            to: vec![t.clone()],
            kind: call.s("object_name").into(),
            body: content.clone(),
            ext: call.args.get("push_ext").cloned().unwrap_or(Value::Null),
            at_ms: call.now,
            recalled: false,
        });
    }
    Ok(Answer::Fields(json!({"messageUIDs": uids})))
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
        None => Err(rc_error(404, 404, "message not found")),
    }
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
