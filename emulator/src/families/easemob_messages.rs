//! Easemob messages beyond the plain sends (those are in `messages.rs`): directed sends and
//! imports join the message log; recall marks a logged message recalled (gone: a second recall
//! or a rewrite no longer finds it); rewrite changes a logged text or custom message; the
//! broadcasts answer a broadcast ID.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::easemob_chatrooms::{chatroom_exists, room_not_found};
use super::easemob_groups::{EaseGroups, group_not_found};
use super::messages::SentMessage;
use super::{Answer, Call, Family, Outcome};
use crate::http::em_error;

pub(crate) struct EasemobMessages;

impl Family for EasemobMessages {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Easemob, "message.directed_send"),
            (Cloud::Easemob, "message.broadcast_"),
            (Cloud::Easemob, "message.recall"),
            (Cloud::Easemob, "message.rewrite"),
            (Cloud::Easemob, "message.import_"),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        Some(match call.op.name.as_str() {
            "message.directed_send" => directed(call),
            "message.broadcast_chatrooms"
            | "message.broadcast_users"
            | "message.broadcast_online" => Ok(Answer::Data(
                json!({"id": 1_100_000_000_000_000_000u64 + call.now}),
            )),
            "message.recall" => Ok(recall(call)),
            "message.rewrite" => rewrite(call),
            "message.import_user" | "message.import_group" => import(call),
            _ => return None,
        })
    }
}

/// How many times each message was rewritten, per app.
#[derive(Default)]
struct Rewrites(BTreeMap<String, u32>);

fn new_message_id() -> String {
    format!(
        "{}",
        1_000_000_000_000_000u64 + rand::random_range(0..1_000_000_000_000u64)
    )
}

fn check_group(call: &mut Call<'_>, id: &str) -> Result<(), crate::http::Reply> {
    if call.state.part::<EaseGroups>().groups.contains_key(id) {
        Ok(())
    } else {
        Err(group_not_found(id))
    }
}

fn directed(call: &mut Call<'_>) -> Outcome {
    let target_type = call.s("target_type").to_string();
    let to = call.list("to");
    for t in &to {
        if target_type == "chatgroups" {
            check_group(call, t)?;
        } else if !chatroom_exists(call.state, t) {
            return Err(room_not_found(t));
        }
    }
    let from = call
        .args
        .get("from")
        .and_then(Value::as_str)
        .unwrap_or("admin")
        .to_string();
    let mut out = Map::new();
    for t in &to {
        let id = new_message_id();
        out.insert(t.clone(), Value::String(id.clone()));
        call.log.push(SentMessage {
            cloud: "easemob".into(),
            app: call.app.into(),
            operation: call.op.name.clone(),
            id,
            from: from.clone(),
            target_type: target_type.clone(),
            to: vec![t.clone()],
            kind: call.s("type").into(),
            body: call.args.get("body").cloned().unwrap_or(Value::Null),
            ext: call.args.get("ext").cloned().unwrap_or(Value::Null),
            at_ms: call.now,
            recalled: false,
        });
    }
    Ok(Answer::Data(Value::Object(out)))
}

fn import(call: &mut Call<'_>) -> Outcome {
    let group = call.op.name == "message.import_group";
    let target = call.s("target").to_string();
    if group {
        check_group(call, &target)?;
    }
    let id = new_message_id();
    let at_ms = call
        .int("msg_timestamp")
        .map_or(call.now, |t| t.max(0) as u64);
    call.log.push(SentMessage {
        cloud: "easemob".into(),
        app: call.app.into(),
        operation: call.op.name.clone(),
        id: id.clone(),
        from: call.s("from").into(),
        target_type: if group { "chatgroups" } else { "users" }.into(),
        to: vec![target],
        kind: call.s("type").into(),
        body: call.args.get("body").cloned().unwrap_or(Value::Null),
        ext: call.args.get("ext").cloned().unwrap_or(Value::Null),
        at_ms,
        recalled: false,
    });
    Ok(Answer::Data(json!({ "msg_id": id })))
}

/// Recall answers 200 in every case; `recalled` says whether it happened.
fn recall(call: &mut Call<'_>) -> Answer {
    let msg_id = call.s("msg_id").to_string();
    let to = call.s("to").to_string();
    let chat_type = call.s("chat_type").to_string();
    let from = call
        .args
        .get("from")
        .and_then(Value::as_str)
        .unwrap_or("admin")
        .to_string();
    let target_type = match chat_type.as_str() {
        "chat" => "users",
        "groupchat" => "chatgroups",
        _ => "chatrooms",
    };
    let app = call.app.to_string();
    let found = call
        .log
        .iter_mut()
        .find(|m| m.cloud == "easemob" && m.app == app && m.id == msg_id && !m.recalled);
    let recalled = match found {
        None => "not_found msg",
        Some(m) if m.target_type != target_type || !m.to.contains(&to) => "can't find msg to",
        Some(m) => {
            m.recalled = true;
            "yes"
        }
    };
    Answer::Data(
        json!({"recalled": recalled, "chattype": chat_type, "from": from,
        "to": to, "msg_id": msg_id}),
    )
}

fn rewrite(call: &mut Call<'_>) -> Outcome {
    let msg_id = call.s("msg_id").to_string();
    if msg_id.is_empty() || !msg_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(em_error(
            400,
            "InvalidMessageIdException",
            "The provided message ID is not a valid number.",
        ));
    }
    let new_type = call.s("type").to_string();
    let args = call.args.clone();
    let app = call.app.to_string();
    let Some(m) = call
        .log
        .iter_mut()
        .find(|m| m.cloud == "easemob" && m.app == app && m.id == msg_id && !m.recalled)
    else {
        return Err(em_error(
            404,
            "MessageUnavailableException",
            "The message is unavailable or has expired.",
        ));
    };
    if !matches!(m.kind.as_str(), "txt" | "custom") || m.kind != new_type {
        return Err(em_error(
            400,
            "UnsupportedMessageTypeException",
            "The message is of a type that is currently not supported for modification.",
        ));
    }
    let count = call
        .state
        .part::<Rewrites>()
        .0
        .entry(msg_id.clone())
        .or_default();
    if *count >= 10 {
        return Err(em_error(
            403,
            "EditLimitExceededException",
            "The message has reached its edit limit and cannot be modified further.",
        ));
    }
    *count += 1;
    if !m.body.is_object() {
        m.body = json!({});
    }
    let body = m.body.as_object_mut().expect("made an object above");
    if new_type == "txt" {
        if let Some(text) = args.get("msg") {
            body.insert("msg".into(), text.clone());
        }
    } else {
        // the plain custom send logs its body by argument name, an import by wire name
        let (event, exts) = if body.contains_key("custom_event") {
            ("custom_event", "custom_exts")
        } else {
            ("customEvent", "customExts")
        };
        if let Some(e) = args.get("custom_event") {
            body.insert(event.into(), e.clone());
        }
        if let Some(x) = args.get("custom_exts") {
            body.insert(exts.into(), x.clone());
        }
    }
    if let Some(new_ext) = args.get("new_ext") {
        let combine = args
            .get("is_combine_ext")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        match (combine, m.ext.as_object_mut(), new_ext.as_object()) {
            (true, Some(old), Some(new)) => {
                for (k, v) in new {
                    old.insert(k.clone(), v.clone());
                }
            }
            _ => m.ext = new_ext.clone(),
        }
    }
    let (org, name) = app.split_once('#').unwrap_or((&app, &app));
    Ok(Answer::Raw(json!({
        "path": format!("/messages/rewrite/{msg_id}"),
        "uri": format!("http://emulator/{org}/{name}/messages/rewrite/{msg_id}"),
        "timestamp": call.now,
        "organization": org,
        "application": "8be024f0-e978-11e8-b697-5d598d5f8402",
        "action": "put",
        "data": "success",
        "duration": 0,
        "applicationName": name,
    })))
}
