use serde_json::json;

use super::*;

#[test]
fn both_catalogues_load_and_every_operation_sits_in_its_family() {
    for cloud in CLOUDS {
        let api = api(cloud);
        assert_eq!(api.cloud, cloud);
        assert!(!api.operations.is_empty());
        for op in &api.operations {
            assert!(
                api.families.iter().any(|f| f.name == op.family),
                "{}",
                op.name
            );
            assert!(op.name == op.family || op.name.starts_with(&format!("{}.", op.family)));
        }
        let combined: Api = serde_json::from_str(catalogue_json(cloud)).unwrap();
        assert_eq!(combined.operations.len(), api.operations.len());
    }
}

#[test]
fn a_misfiled_or_duplicate_operation_is_refused_with_the_file_named() {
    let head = r#"{"cloud": "easemob", "doc": "x"}"#;
    let op = |name: &str| {
        format!(
            r#"{{"name": "{name}", "summary": "s", "method": "GET", "path": "/x", "encoding": "none", "idempotent": true, "response": {{"shape": "object"}}}}"#
        )
    };
    let user = format!(
        r#"{{"family": "user", "operations": [{}]}}"#,
        op("group.get")
    );
    let e = load("easemob", &[("_cloud", head), ("user", &user)]).unwrap_err();
    assert!(
        e.to_string().contains("catalogue/easemob/user.json")
            && e.to_string().contains("group.get"),
        "{e}"
    );
    let twice = format!(
        r#"{{"family": "user", "operations": [{}, {}]}}"#,
        op("user.get"),
        op("user.get")
    );
    let e = load("easemob", &[("_cloud", head), ("user", &twice)]).unwrap_err();
    assert!(e.to_string().contains("twice"), "{e}");
    let renamed = format!(
        r#"{{"family": "users", "operations": [{}]}}"#,
        op("user.get")
    );
    assert!(load("easemob", &[("_cloud", head), ("user", &renamed)]).is_err());
    let ok = format!(
        r#"{{"family": "user", "operations": [{}]}}"#,
        op("user.get")
    );
    let api = load("easemob", &[("_cloud", head), ("user", &ok)]).unwrap();
    assert_eq!(api.operations[0].family, "user");
    assert!(
        load("easemob", &[("user", &ok)]).is_err(),
        "the _cloud file is required"
    );
}

#[test]
fn normalise_reads_each_declared_type_the_same_way() {
    use ParamType::*;
    let n = |t, v: serde_json::Value| normalise(t, Some(&v));
    assert_eq!(n(String, json!("a")), json!("a"));
    assert_eq!(n(String, json!(12)), json!("12"));
    assert_eq!(n(String, json!({"a": 1})), json!(r#"{"a":1}"#));
    assert_eq!(n(Int, json!("42")), json!(42));
    assert_eq!(n(Int, json!(" 7 ")), json!(7));
    assert_eq!(n(Int, json!(3.0)), json!(3));
    assert_eq!(n(Int, json!(3.5)), json!(null));
    assert_eq!(n(Int, json!("x")), json!(null));
    assert_eq!(n(Int, json!(true)), json!(1));
    assert_eq!(n(Bool, json!("true")), json!(true));
    assert_eq!(n(Bool, json!("TRUE")), json!(true));
    assert_eq!(n(Bool, json!("1")), json!(true));
    assert_eq!(n(Bool, json!("false")), json!(false));
    assert_eq!(n(Bool, json!(0)), json!(false));
    assert_eq!(n(Bool, json!(2)), json!(true));
    assert_eq!(n(StringList, json!(["a", 1, null])), json!(["a", "1"]));
    assert_eq!(n(StringList, json!("a")), json!(null));
    assert_eq!(n(ObjectList, json!([{"a": 1}, 2])), json!([{"a": 1}]));
    assert_eq!(n(Json, json!([1])), json!([1]));
    assert_eq!(normalise(String, None), json!(null));
    assert_eq!(n(String, json!(null)), json!(null));
}

#[test]
fn redact_replaces_secret_keys_at_any_depth() {
    let v = json!({"token": "t", "a": [{"token": "u", "b": 1}], "c": {"token": 2}});
    assert_eq!(
        redact(&v, &["token"]),
        json!({"token": "***", "a": [{"token": "***", "b": 1}], "c": {"token": "***"}})
    );
    assert_eq!(redact(&v, &[]), v);
}

#[test]
fn limits_are_worded_once() {
    let p: Param = serde_json::from_value(json!({
        "name": "ids", "wire": "ids", "type": "string_list", "min_len": 1, "max_len": 64,
        "min_items": 1, "max_items": 100, "enum": ["a", "b"]
    }))
    .unwrap();
    assert_eq!(
        p.limits_text(),
        "at most 64 characters each; 1 to 100 items; one of a, b"
    );
    let q: Param = serde_json::from_value(json!({
        "name": "n", "wire": "n", "type": "int", "min": 1, "max_size": 10485760
    }))
    .unwrap();
    assert_eq!(q.limits_text(), "1..…; at most 10 MB");
}

#[test]
fn options_are_declared_once_with_their_ranges() {
    let opts = client_options();
    assert_eq!(opts[0].name, "connect_timeout");
    for o in opts {
        if o.ty == OptionType::Seconds {
            assert!(o.max.is_some(), "{} has no upper bound", o.name);
        }
        assert!(!o.doc.is_empty());
    }
    let names: Vec<&str> = opts.iter().map(|o| o.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "an option is declared twice");
}

#[test]
fn callback_declarations_load_with_examples_recognised_as_their_kind() {
    // the loader checks every example has every field and is recognised as its own kind
    let rc = rongcloud();
    for name in [
        "message_route",
        "message_callback",
        "user_online_status",
        "chatroom_status",
        "chatroom_kv",
        "user_deactivation",
        "audit_result",
        "hosted_info_moderation",
    ] {
        assert!(rc.callback(name).is_some(), "{name}");
    }
    let em = easemob();
    for name in [
        "pre_send",
        "post_send",
        "user_status",
        "moderation",
        "read_ack",
        "channel_ack",
        "recall",
        "roster",
        "reaction",
        "thread",
        "group_op",
        "message_edit",
        "keyword_alert",
        "offline_push",
    ] {
        assert!(em.callback(name).is_some(), "{name}");
    }
    // a contact event is a chat post-send body too (eventType chat): its own kind comes first
    let roster = em.callback("roster").unwrap();
    assert!(post_matches(em, &roster.example));
    // an edit has no eventType, like a pre-send body: its own kind comes first
    let edit = em.callback("message_edit").unwrap();
    assert!(
        em.callback("pre_send")
            .unwrap()
            .matches
            .matches(&edit.example)
    );
    let pre = em.callback("pre_send").unwrap();
    assert!(pre.matches.matches(&pre.example));
    let post = em.callback("post_send").unwrap();
    assert!(
        !pre.matches.matches(&post.example),
        "a post-send body has eventType"
    );
}

fn post_matches(em: &Api, example: &serde_json::Value) -> bool {
    em.callback("post_send").unwrap().matches.matches(example)
}

#[test]
fn callback_when_keys_are_wire_paths() {
    let m: CallbackMatch = serde_json::from_str(
        r#"{"present": ["payload.data.id"], "absent": ["payload.gone"], "equals": {"payload.type": ["thread"]}}"#,
    )
    .unwrap();
    assert!(m.matches(&json!({"payload": {"type": "thread", "data": {"id": "t1"}}})));
    // the nested value decides, not a top-level key of the same name
    assert!(!m.matches(&json!({"type": "thread", "payload": {"data": {"id": "t1"}}})));
    assert!(!m.matches(&json!({"payload": {"type": "reaction", "data": {"id": "t1"}}})));
    assert!(!m.matches(&json!({"payload": {"type": "thread", "data": {}}})));
    assert!(!m.matches(&json!({"payload": {"type": "thread", "data": {"id": "t1"}, "gone": 1}})));
}

#[test]
fn a_callback_example_missing_a_field_or_matching_another_kind_is_refused() {
    let head = r#"{"cloud": "easemob", "doc": "x"}"#;
    let kind = |name: &str, when: &str, example: &str| {
        format!(
            r#"{{"name": "{name}", "arrives": "json", "when": {when}, "fields": [{{"name": "a", "wire": "a", "type": "string"}}], "example": {example}}}"#
        )
    };
    let file = |kinds: &[String]| format!(r#"{{"callbacks": [{}]}}"#, kinds.join(","));
    let missing = file(&[kind("k", r#"{"present": ["b"]}"#, r#"{"b": "1"}"#)]);
    let e = load("easemob", &[("_cloud", head), ("_callbacks", &missing)]).unwrap_err();
    assert!(
        e.to_string().contains("_callbacks.json") && e.to_string().contains("'a'"),
        "{e}"
    );
    let shadowed = file(&[
        kind("first", r#"{"present": ["a"]}"#, r#"{"a": "1"}"#),
        kind(
            "second",
            r#"{"present": ["a", "b"]}"#,
            r#"{"a": "1", "b": "2"}"#,
        ),
    ]);
    let e = load("easemob", &[("_cloud", head), ("_callbacks", &shadowed)]).unwrap_err();
    assert!(e.to_string().contains("recognised as"), "{e}");
    // JSON kinds are told apart whether their examples are objects or arrays of objects
    let array_kind = kind("listed", r#"{"present": ["a"]}"#, r#"[{"a": "1"}]"#)
        .replace(r#""arrives": "json""#, r#""arrives": "json_array""#);
    let shadowed_by_array = file(&[
        array_kind,
        kind(
            "object",
            r#"{"present": ["a", "b"]}"#,
            r#"{"a": "1", "b": "2"}"#,
        ),
    ]);
    let e = load(
        "easemob",
        &[("_cloud", head), ("_callbacks", &shadowed_by_array)],
    )
    .unwrap_err();
    assert!(e.to_string().contains("recognised as"), "{e}");
    let ok = file(&[kind("k", r#"{"equals": {"a": ["1"]}}"#, r#"{"a": 1}"#)]);
    let api = load("easemob", &[("_cloud", head), ("_callbacks", &ok)]).unwrap();
    assert_eq!(api.callbacks[0].name, "k");
}
