//! Server callbacks: a body a cloud POSTs to your app server, read into typed events by the kinds
//! declared in `catalogue/<cloud>/_callbacks.json`, and Easemob's `security` signature. Pure
//! functions, no I/O; the clients' `parse_callback` / `verify_callback` and every binding use them.

use std::time::Duration;

use md5::{Digest, Md5};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::catalogue::{self, CallbackKind, Cloud};
use crate::error::{Error, ErrorKind, Result};

/// One callback event: its declared kind, its declared fields normalised to their types (keyed by
/// their snake_case names; every declared field is present, `null` when the body left it out),
/// and the body (or array item) as it came.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The declared kind, e.g. `message_route`, `post_send`.
    pub kind: String,
    pub fields: Map<String, Value>,
    pub raw: Value,
}

impl Event {
    /// `{"kind": …, "fields": {…}, "raw": …}`, what the bindings convert.
    pub fn to_json(&self) -> Value {
        serde_json::json!({"kind": self.kind, "fields": self.fields, "raw": self.raw})
    }

    /// A field by its declared name, normalised.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }
}

/// An event's declared fields as the typed struct of its kind (`kind`): the generated
/// `TryFrom<&Event>` of each `<cloud>::events::…Event` uses it. An event of another kind is an
/// `invalid_argument` error naming both.
pub(crate) fn typed_fields<T: serde::de::DeserializeOwned>(event: &Event, kind: &str) -> Result<T> {
    if event.kind != kind {
        return Err(Error::invalid_argument(
            "event",
            format!("is a `{}` event, not `{kind}`", event.kind),
        ));
    }
    serde_json::from_value(Value::Object(event.fields.clone())).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!("the `{kind}` event does not match its declaration: {e}"),
        )
    })
}

/// The error for an event whose kind the cloud does not declare (an event built by hand, or
/// parsed for the other cloud).
pub(crate) fn unknown_kind(cloud: Cloud, event: &Event) -> Error {
    bad(cloud, format!("`{}` is no declared kind", event.kind))
}

fn bad(cloud: Cloud, message: impl Into<String>) -> Error {
    let known: Vec<&str> = catalogue::api(cloud)
        .callbacks
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    Error::invalid_argument(
        "body",
        format!(
            "{}; known {} callback kinds: {}",
            message.into(),
            cloud.as_str(),
            known.join(", ")
        ),
    )
}

/// How a body is read: JSON, or form fields.
fn is_json(text: &str, content_type: Option<&str>) -> bool {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("json") {
        return true;
    }
    if ct.contains("x-www-form-urlencoded") {
        return false;
    }
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

/// The body as a JSON value: a JSON body as it is, a form body as an object of its fields
/// (text values; a repeated name keeps its first value).
fn decode(cloud: Cloud, body: &[u8], content_type: Option<&str>) -> Result<(Value, bool)> {
    let text = std::str::from_utf8(body).map_err(|_| bad(cloud, "body is not UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(bad(cloud, "body is empty"));
    }
    if is_json(text, content_type) {
        let v = serde_json::from_str(text)
            .map_err(|e| bad(cloud, format!("body is not valid JSON ({e})")))?;
        return Ok((v, true));
    }
    let mut o = Map::new();
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        o.entry(k.into_owned())
            .or_insert_with(|| Value::String(v.into_owned()));
    }
    Ok((Value::Object(o), false))
}

fn event(kind: &CallbackKind, raw: Value) -> Event {
    Event {
        kind: kind.name.clone(),
        fields: catalogue::normalise_fields(&kind.fields, &raw),
        raw,
    }
}

/// Read a callback body of `cloud` into its events: one for a form or JSON-object body, one per
/// item for a JSON-array body (a JSON kind is recognised in either, whichever shape its
/// documentation shows). `content_type` (the request's header, if known) decides JSON vs
/// form; without it a body starting with `{` or `[` is JSON. A body (or item) that is no declared
/// kind is an `invalid_argument` error naming the known kinds.
pub fn parse_callback(cloud: Cloud, body: &[u8], content_type: Option<&str>) -> Result<Vec<Event>> {
    let kinds = &catalogue::api(cloud).callbacks;
    let (value, json) = decode(cloud, body, content_type)?;
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                kinds
                    .iter()
                    .filter(|k| k.arrives.is_json())
                    .find(|k| k.matches.matches(&item))
                    .map(|k| event(k, item.clone()))
                    .ok_or_else(|| {
                        bad(
                            cloud,
                            format!("item {i} of the JSON array is no known kind"),
                        )
                    })
            })
            .collect(),
        object @ Value::Object(_) => kinds
            .iter()
            .filter(|k| k.arrives.is_json() == json)
            .find(|k| k.matches.matches(&object))
            .map(|k| vec![event(k, object.clone())])
            .ok_or_else(|| {
                let what = if json { "JSON object" } else { "form body" };
                bad(cloud, format!("the {what} is no known kind"))
            }),
        _ => Err(bad(cloud, "body is neither a JSON object nor a JSON array")),
    }
}

/// `hex(md5(call_id + secret + timestamp))`, lowercase: Easemob's callback `security`.
pub fn easemob_security(call_id: &str, secret: &str, timestamp: &str) -> String {
    let mut h = Md5::new();
    h.update(call_id.as_bytes());
    h.update(secret.as_bytes());
    h.update(timestamp.as_bytes());
    hex::encode(h.finalize())
}

fn auth(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Authentication, message)
}

/// Verify an Easemob / Agora Chat callback body (JSON): its `security` is
/// md5(`callId` + `secret` + `timestamp`) (constant-time, hex case ignored), and its `timestamp`
/// (ms) is within `window` of `now_ms`. `secret` is the callback rule's secret (the console's
/// callback rule list shows it).
pub fn verify_easemob(secret: &str, body: &[u8], now_ms: u64, window: Duration) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::invalid_argument(
            "secret",
            "is empty; give the callback rule's secret from the console",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| auth(format!("callback body is not JSON ({e})")))?;
    let text = |key: &str| match v.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(call_id), Some(ts), Some(given)) =
        (text("callId"), text("timestamp"), text("security"))
    else {
        return Err(auth("callback has no callId, timestamp and security"));
    };
    let ts_ms: u64 = ts
        .trim()
        .parse()
        .map_err(|_| auth("callback timestamp is not a number"))?;
    let skew = now_ms.abs_diff(ts_ms);
    if u128::from(skew) > window.as_millis() {
        return Err(auth(format!(
            "callback timestamp is {}s away from now; the window is {}s",
            skew / 1000,
            window.as_secs()
        )));
    }
    let expected = easemob_security(&call_id, secret, &ts);
    let given = given.trim().to_ascii_lowercase();
    if expected.as_bytes().ct_eq(given.as_bytes()).into() {
        Ok(())
    } else {
        Err(auth("callback security does not match the callback secret"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalogue::Arrival;
    use crate::easemob::events::{self as em, EasemobEvent};
    use crate::rongcloud::events::{self as rc, RongCloudEvent};

    fn form(example: &Value) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in example.as_object().unwrap() {
            s.append_pair(k, v.as_str().unwrap());
        }
        s.finish()
    }

    /// Each declared kind's documented example, as it arrives on the wire.
    fn example_body(kind: &CallbackKind) -> (String, &'static str) {
        match kind.arrives {
            Arrival::Form => (form(&kind.example), "application/x-www-form-urlencoded"),
            _ => (kind.example.to_string(), "application/json"),
        }
    }

    #[test]
    fn every_declared_kind_parses_from_its_documented_example() {
        for cloud in catalogue::CLOUDS {
            for kind in &catalogue::api(cloud).callbacks {
                let (body, ct) = example_body(kind);
                let events = parse_callback(cloud, body.as_bytes(), Some(ct)).unwrap();
                let n = kind.example.as_array().map_or(1, Vec::len);
                assert_eq!(events.len(), n, "{}", kind.name);
                for e in &events {
                    assert_eq!(e.kind, kind.name);
                    for f in &kind.fields {
                        assert!(e.get(&f.name).is_some(), "{}.{}", kind.name, f.name);
                    }
                }
                // without the content type the body is sniffed the same way
                assert_eq!(
                    parse_callback(cloud, body.as_bytes(), None).unwrap()[0].kind,
                    kind.name
                );
            }
        }
    }

    /// The typed event of `e` as `{"kind", "fields"}` (its serialised form), and its kind.
    fn typed(cloud: Cloud, e: &Event) -> Result<(Value, &'static str)> {
        Ok(match cloud {
            Cloud::Rongcloud => {
                let t = RongCloudEvent::try_from(e)?;
                (serde_json::to_value(&t).unwrap(), t.kind())
            }
            Cloud::Easemob => {
                let t = EasemobEvent::try_from(e)?;
                (serde_json::to_value(&t).unwrap(), t.kind())
            }
        })
    }

    #[test]
    fn every_declared_kind_converts_to_its_typed_rust_event() {
        for cloud in catalogue::CLOUDS {
            for kind in &catalogue::api(cloud).callbacks {
                let (body, ct) = example_body(kind);
                for e in parse_callback(cloud, body.as_bytes(), Some(ct)).unwrap() {
                    let (value, k) = typed(cloud, &e).unwrap();
                    assert_eq!(k, kind.name);
                    // every declared field reached its typed field, with the normalised value
                    assert_eq!(
                        value,
                        json!({"kind": kind.name, "fields": e.fields}),
                        "{}",
                        kind.name
                    );
                    let fields = value["fields"].as_object().unwrap();
                    assert_eq!(fields.len(), kind.fields.len(), "{}", kind.name);
                    assert!(fields.values().all(|v| !v.is_null()), "{}", kind.name);
                }
            }
        }
    }

    #[test]
    fn typed_events_read_their_fields_and_refuse_another_kind() {
        let kind = catalogue::api(Cloud::Rongcloud)
            .callback("chatroom_status")
            .unwrap();
        let events =
            parse_callback(Cloud::Rongcloud, kind.example.to_string().as_bytes(), None).unwrap();
        let first = rc::ChatroomStatusEvent::try_from(&events[0]).unwrap();
        assert_eq!(first.chat_room_id.as_deref(), Some("destory_11"));
        assert_eq!(first.user_ids, Some(vec!["gggg".to_string()]));
        assert_eq!(
            (first.event_type, first.time),
            (Some(1), Some(1_574_476_797_772))
        );
        assert_eq!(
            rc::ChatroomStatusEvent::try_from(&events[1])
                .unwrap()
                .user_ids,
            Some(vec![])
        );
        let e = rc::MessageRouteEvent::try_from(&events[0]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.detail().contains("chatroom_status"), "{e}");
        // a field the body left out is None; one of the wrong shape too
        let body = json!({"userid": "u1", "status": "x"});
        let ev = &parse_callback(Cloud::Rongcloud, body.to_string().as_bytes(), None).unwrap()[0];
        let status = rc::UserOnlineStatusEvent::try_from(ev).unwrap();
        assert_eq!(status.user_id.as_deref(), Some("u1"));
        assert_eq!((status.status, status.time, status.os), (None, None, None));
        // an event of a kind the cloud does not declare
        let stray = Event {
            kind: "post_send".into(),
            fields: Map::new(),
            raw: Value::Null,
        };
        let e = RongCloudEvent::try_from(&stray).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(
            e.detail().contains("post_send") && e.detail().contains("known"),
            "{e}"
        );
        assert!(matches!(
            EasemobEvent::try_from(&stray).unwrap(),
            EasemobEvent::PostSend(em::PostSendEvent { call_id: None, .. })
        ));
    }

    #[test]
    fn a_json_kind_is_read_from_one_object_or_an_array_of_them() {
        let kv = json!({"chatroomId": "r1", "key": "k", "value": "v", "optType": 2,
                        "userId": "u1", "status": 0, "timestamp": 5, "version": 6});
        let one = parse_callback(Cloud::Rongcloud, kv.to_string().as_bytes(), None).unwrap();
        let many = json!([kv, {"chatroomId": "r2", "optType": "3"}]);
        let two = parse_callback(Cloud::Rongcloud, many.to_string().as_bytes(), None).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(two.len(), 2);
        assert_eq!(one[0], two[0]);
        let second = rc::ChatroomKvEvent::try_from(&two[1]).unwrap();
        assert_eq!(
            (second.chatroom_id.as_deref(), second.opt_type),
            (Some("r2"), Some(3))
        );
        // and an array kind's item alone
        let item = json!({"userid": "u1", "status": 1, "os": "iOS", "time": 1, "clientIp": "x"});
        let ev = parse_callback(Cloud::Rongcloud, item.to_string().as_bytes(), None).unwrap();
        assert_eq!(ev[0].kind, "user_online_status");
        // a form kind is still not read from JSON
        let form =
            json!({"userId": "u1", "operateId": "o1", "type": "0", "code": "0", "time": "1"});
        assert!(parse_callback(Cloud::Rongcloud, form.to_string().as_bytes(), None).is_err());
        let ev = parse_callback(
            Cloud::Rongcloud,
            b"userId=u1&operateId=o1&type=1&code=0&time=7",
            None,
        )
        .unwrap();
        let d = rc::UserDeactivationEvent::try_from(&ev[0]).unwrap();
        assert_eq!((d.operation_type, d.time), (Some(1), Some(7)));
    }

    #[test]
    fn easemob_post_send_events_are_told_apart_by_chat_type_and_payload_type() {
        let base = json!({"callId": "a#b_1", "eventType": "chat", "timestamp": 1, "from": "u1",
                          "to": "u2", "msg_id": "9", "security": "s"});
        let with = |chat_type: &str, payload: Value| {
            let mut b = base.clone();
            b["chat_type"] = json!(chat_type);
            b["payload"] = payload;
            parse_callback(Cloud::Easemob, b.to_string().as_bytes(), None).unwrap()[0]
                .kind
                .clone()
        };
        assert_eq!(with("chat", json!({"bodies": []})), "post_send");
        assert_eq!(with("groupchat", json!({"bodies": []})), "post_send");
        assert_eq!(with("roster", json!({"operation": "ban"})), "roster");
        assert_eq!(with("recall", json!({"ack_message_id": "8"})), "recall");
        assert_eq!(with("read_ack", json!({"ack_message_id": "8"})), "read_ack");
        assert_eq!(
            with("channel_ack", json!({"type": "channel_ack"})),
            "channel_ack"
        );
        assert_eq!(
            with("notify", json!({"type": "reaction", "data": []})),
            "reaction"
        );
        assert_eq!(
            with("notify", json!({"type": "thread", "data": {}})),
            "thread"
        );
        // a notify body of an undeclared type is still a post-send message
        assert_eq!(with("notify", json!({"type": "other"})), "post_send");
        let mut b = base.clone();
        b["chat_type"] = json!("notify");
        b["payload"] = json!({"type": "thread", "data": {"id": "t1", "message_count": "4"}});
        let ev = &parse_callback(Cloud::Easemob, b.to_string().as_bytes(), None).unwrap()[0];
        let t = em::ThreadEvent::try_from(ev).unwrap();
        assert_eq!(
            (t.thread_id.as_deref(), t.message_count),
            (Some("t1"), Some(4))
        );
        assert_eq!(t.thread_name, None);
        // bodies without eventType that carry the pre-send keys are their own kinds
        let edit = json!({"callId": "c", "msg_id": "1", "chat_type": "edit", "timestamp": 2,
                          "payload": {"edit_message_id": "0", "meta": {"edit_msg": {"count": 2}}}});
        let ev = &parse_callback(Cloud::Easemob, edit.to_string().as_bytes(), None).unwrap()[0];
        let e = em::MessageEditEvent::try_from(ev).unwrap();
        assert_eq!(
            (e.edit_message_id.as_deref(), e.edit_count),
            (Some("0"), Some(2))
        );
        assert_eq!(e.operator, None);
        let push = json!({"callId": "c", "msg_id": "1", "step": "push", "status": "success",
                          "from": "u1", "payload": {}, "timestamp": 2});
        let ev = &parse_callback(Cloud::Easemob, push.to_string().as_bytes(), None).unwrap()[0];
        assert_eq!(ev.kind, "offline_push");
        let mut pre = push.clone();
        pre.as_object_mut().unwrap().remove("step");
        let ev = &parse_callback(Cloud::Easemob, pre.to_string().as_bytes(), None).unwrap()[0];
        assert_eq!(ev.kind, "pre_send");
        let group = json!({"callId": "c", "event": "group_op_event", "operation": "DESTROY",
                           "type": "CHATROOM", "id": "r1", "timestamp": 3, "payload": {}});
        let ev = &parse_callback(Cloud::Easemob, group.to_string().as_bytes(), None).unwrap()[0];
        let g = em::GroupOpEvent::try_from(ev).unwrap();
        assert_eq!(
            (
                g.operation.as_deref(),
                g.target_type.as_deref(),
                g.target_id.as_deref()
            ),
            (Some("DESTROY"), Some("CHATROOM"), Some("r1"))
        );
    }

    #[test]
    fn rongcloud_message_route_fields_are_typed() {
        let body = "fromUserId=u1&toUserId=g1&objectName=RC%3ATxtMsg&content=%7B%22content%22%3A%22hi%22%7D\
                    &channelType=GROUP&msgTimestamp=1408710653491&msgUID=596E-P5PG-4FS2-7OJK&sensitiveType=0&source=iOS";
        let e = &parse_callback(Cloud::Rongcloud, body.as_bytes(), None).unwrap()[0];
        assert_eq!(e.kind, "message_route");
        assert_eq!(e.fields["object_name"], "RC:TxtMsg");
        assert_eq!(e.fields["content"], r#"{"content":"hi"}"#);
        assert_eq!(e.fields["msg_timestamp"], 1_408_710_653_491i64);
        assert_eq!(e.fields["sensitive_type"], 0);
        assert_eq!(e.raw["channelType"], "GROUP");
    }

    #[test]
    fn rongcloud_online_status_array_gives_one_event_per_item() {
        let body = json!([
            {"userid": "a", "status": "0", "os": "iOS", "time": 1, "clientIp": "x"},
            {"userid": "b", "status": 2, "os": "Android", "time": "2", "clientIp": "y"}
        ]);
        let ev = parse_callback(Cloud::Rongcloud, body.to_string().as_bytes(), None).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].fields["status"], 0);
        assert_eq!(ev[1].fields["status"], 2);
        assert_eq!(ev[1].fields["time"], 2);
        assert!(ev.iter().all(|e| e.kind == "user_online_status"));
        let empty = parse_callback(Cloud::Rongcloud, b"[]", None).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn easemob_kinds_are_told_apart() {
        let pre = json!({"callId": "a#b_1", "timestamp": 1, "chat_type": "chat", "from": "u1",
                         "to": "u2", "msg_id": "9", "payload": {"msg": "hi", "type": "txt"}, "security": "x"});
        let e = &parse_callback(Cloud::Easemob, pre.to_string().as_bytes(), None).unwrap()[0];
        assert_eq!(e.kind, "pre_send");
        assert_eq!(e.fields["payload"]["msg"], "hi");
        assert!(e.fields["group_id"].is_null());
        let mut post = pre.clone();
        post["eventType"] = json!("chat");
        let e = &parse_callback(Cloud::Easemob, post.to_string().as_bytes(), None).unwrap()[0];
        assert_eq!(e.kind, "post_send");
        assert_eq!(e.fields["event_type"], "chat");
        let status = json!({"callId": "c", "reason": "logout", "status": "offline",
                            "user": "a#b_u1@easemob.com/ios_1", "timestamp": 5, "security": "s"});
        let e = &parse_callback(Cloud::Easemob, status.to_string().as_bytes(), None).unwrap()[0];
        assert_eq!(e.kind, "user_status");
        assert_eq!(e.fields["reason"], "logout");
    }

    #[test]
    fn an_unknown_or_malformed_body_is_an_invalid_argument_naming_the_known_kinds() {
        for (cloud, body) in [
            (
                Cloud::Easemob,
                r#"{"eventType": "group_op", "callId": "x"}"#,
            ),
            (Cloud::Easemob, "not json at all"),
            (Cloud::Easemob, "{broken"),
            (Cloud::Easemob, ""),
            (Cloud::Rongcloud, r#"[{"chatRoomId": "r"}]"#),
            (Cloud::Rongcloud, "a=1&b=2"),
            (Cloud::Rongcloud, "42"),
        ] {
            let e = parse_callback(cloud, body.as_bytes(), None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{body}: {e}");
            assert_eq!(e.param(), Some("body"));
            assert!(e.detail().contains("known"), "{e}");
        }
        // a form body is not read as a JSON kind, whatever its fields
        let e = parse_callback(Cloud::Easemob, b"eventType=chat&callId=1", None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(parse_callback(Cloud::Rongcloud, &[0xff, 0xfe], None).is_err());
    }

    #[test]
    fn easemob_security_matches_an_independent_md5_and_refuses_tampering() {
        // python3 -c "import hashlib; print(hashlib.md5(b'org#app_1f2e3d' + b'cb-secret' + b'1600060847294').hexdigest())"
        let known = "b31d85100792627fb915202bfb64453c";
        assert_eq!(
            easemob_security("org#app_1f2e3d", "cb-secret", "1600060847294"),
            known
        );
        let body = json!({"callId": "org#app_1f2e3d", "timestamp": 1_600_060_847_294u64,
                          "security": known.to_uppercase(), "eventType": "chat"});
        let now = 1_600_060_847_294u64 + 10_000;
        let w = Duration::from_secs(300);
        verify_easemob("cb-secret", body.to_string().as_bytes(), now, w).unwrap();
        // the timestamp as a string signs the same
        let mut s = body.clone();
        s["timestamp"] = json!("1600060847294");
        verify_easemob("cb-secret", s.to_string().as_bytes(), now, w).unwrap();
        // wrong secret, tampered id, tampered timestamp, stale, missing signature
        let refuse = |secret: &str, b: &Value, now: u64| {
            let e = verify_easemob(secret, b.to_string().as_bytes(), now, w).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Authentication, "{e}");
            e
        };
        refuse("other", &body, now);
        let mut t = body.clone();
        t["callId"] = json!("org#app_1f2e3e");
        refuse("cb-secret", &t, now);
        let mut t = body.clone();
        t["timestamp"] = json!(1_600_060_847_295u64);
        refuse("cb-secret", &t, now);
        let e = refuse("cb-secret", &body, now + 400_000);
        assert!(e.detail().contains("window"), "{e}");
        let mut t = body.clone();
        t.as_object_mut().unwrap().remove("security");
        refuse("cb-secret", &t, now);
        let e = verify_easemob("", body.to_string().as_bytes(), now, w).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}
