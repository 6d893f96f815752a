//! The Rust RongCloud client against the emulator: every operation, signing, many apps in one process.

use imcloud::{ErrorKind, RongCloud, RongCloudConfig};
use imcloud_conformance::emulator;
use imcloud_emulator::{EmulatorConfig, RongCloudApp};
use serde_json::{Value, json};

#[tokio::test]
async fn rongcloud_every_operation() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();

    let r = rc
        .call(
            "user.register",
            json!({"user_id": "u1", "name": "Ann", "portrait_uri": "http://x/a.png"}),
        )
        .await
        .unwrap();
    assert_eq!(r.get_str("userId"), Some("u1"));
    assert!(r.get_str("token").is_some_and(|t| !t.is_empty()));
    assert!(
        !format!("{r:?}").contains(r.get_str("token").unwrap()),
        "token redacted in Debug"
    );
    rc.call("user.register", json!({"user_id": "u2", "name": "Bob"}))
        .await
        .unwrap();
    rc.call("user.refresh", json!({"user_id": "u1", "name": "Ann B"}))
        .await
        .unwrap();
    let e = rc
        .call("user.refresh", json!({"user_id": "nobody", "name": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    assert_eq!(
        rc.call("user.check_online", json!({"user_id": "u1"}))
            .await
            .unwrap()
            .get_str("status"),
        Some("0")
    );
    emu.set_online("u1", true);
    assert_eq!(
        rc.call("user.check_online", json!({"user_id": "u1"}))
            .await
            .unwrap()
            .get_str("status"),
        Some("1")
    );

    rc.call("user.block.add", json!({"user_ids": ["u2"], "minute": 10}))
        .await
        .unwrap();
    let l = rc.call("user.block.list", json!({})).await.unwrap();
    assert_eq!(l.get("users").unwrap()[0]["userId"], "u2");
    rc.call("user.block.remove", json!({"user_ids": ["u2"]}))
        .await
        .unwrap();
    assert_eq!(
        rc.call("user.block.list", json!({}))
            .await
            .unwrap()
            .get("users")
            .unwrap(),
        &json!([])
    );

    let p = rc
        .call(
            "message.private.publish",
            json!({"from_user_id": "u1", "to_user_ids": ["u2"], "object_name": "RC:TxtMsg", "content": {"content": "hi & bye"}}),
        )
        .await
        .unwrap();
    let uid = p.get("messageUIDs").unwrap()[0]["messageUID"]
        .as_str()
        .unwrap()
        .to_string();
    rc.call(
        "group.create",
        json!({"user_ids": ["u1", "u2"], "group_id": "g1", "group_name": "G"}),
    )
    .await
    .unwrap();
    rc.call("group.join", json!({"user_ids": ["u3"], "group_id": "g1"}))
        .await
        .unwrap();
    rc.call("group.quit", json!({"user_ids": ["u2"], "group_id": "g1"}))
        .await
        .unwrap();
    rc.call(
        "group.refresh",
        json!({"group_id": "g1", "group_name": "G2"}),
    )
    .await
    .unwrap();
    let m = rc
        .call("group.members", json!({"group_id": "g1"}))
        .await
        .unwrap();
    assert_eq!(
        m.get("users").unwrap(),
        &json!([{"id": "u1"}, {"id": "u3"}])
    );
    rc.call("message.group.publish", json!({"from_user_id": "u1", "to_group_ids": ["g1"], "object_name": "RC:TxtMsg", "content": "{\"content\":\"to group\"}"}))
        .await
        .unwrap();
    rc.call("message.system.publish", json!({"from_user_id": "sys", "to_user_ids": ["u1", "u3"], "object_name": "RC:TxtMsg", "content": {"content": "notice"}}))
        .await
        .unwrap();
    rc.call(
        "message.recall",
        json!({"from_user_id": "u1", "conversation_type": 1, "target_id": "u2", "message_uid": uid, "sent_time": 1}),
    )
    .await
    .unwrap();
    rc.call("group.dismiss", json!({"user_id": "u1", "group_id": "g1"}))
        .await
        .unwrap();
    assert_eq!(
        rc.call("group.members", json!({"group_id": "g1"}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    rc.call(
        "chatroom.create",
        json!({"chatroom_id": "r1", "destroy_type": 1, "destroy_time": 60}),
    )
    .await
    .unwrap();
    let q = rc
        .call("chatroom.query", json!({"chatroom_id": "r1"}))
        .await
        .unwrap();
    assert_eq!(q.get("destroyType"), Some(&json!(1)));
    rc.call("chatroom.destroy", json!({"chatroom_ids": ["r1"]}))
        .await
        .unwrap();
    assert_eq!(
        rc.call("chatroom.query", json!({"chatroom_id": "r1"}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    rc.call(
        "user.tag.set",
        json!({"user_id": "u1", "tags": ["vip", "北京"]}),
    )
    .await
    .unwrap();
    let push = rc
        .call("push", json!({"platform": ["ios", "android"], "audience": {"tag": ["vip"], "is_to_all": false}, "notification": {"alert": "hi"}}))
        .await
        .unwrap();
    assert!(push.get_str("id").is_some());

    let sent = emu.sent_messages();
    assert_eq!(sent.len(), 4, "{sent:?}");
    assert_eq!(sent[0].body, json!({"content": "hi & bye"}));
    assert!(sent[0].recalled);
    assert_eq!(sent[1].target_type, "group");
    assert_eq!(sent[1].body, json!({"content": "to group"}));
    // the JSON endpoints really went as JSON, the others as forms
    let reqs = emu.requests(0);
    let tag = reqs
        .iter()
        .find(|r| r.operation.as_deref() == Some("user.tag.set"))
        .unwrap();
    assert_eq!(tag.header("content-type"), Some("application/json"));
    assert_eq!(
        serde_json::from_str::<Value>(&tag.body).unwrap(),
        json!({"userId": "u1", "tags": ["vip", "北京"]})
    );
    let reg = reqs
        .iter()
        .find(|r| r.operation.as_deref() == Some("user.register"))
        .unwrap();
    assert_eq!(
        reg.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        reg.body,
        "userId=u1&name=Ann&portraitUri=http%3A%2F%2Fx%2Fa.png"
    );
}

#[tokio::test]
async fn rongcloud_requests_are_signed_fresh_and_carry_a_request_id() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    for _ in 0..3 {
        rc.call("user.check_online", json!({"user_id": "u"}))
            .await
            .unwrap();
    }
    let reqs = emu.requests(0);
    let mut nonces = std::collections::HashSet::new();
    let now = imcloud::signing::now_millis();
    for r in &reqs {
        let (nonce, ts, sig) = (
            r.header("nonce").unwrap(),
            r.header("timestamp").unwrap(),
            r.header("signature").unwrap(),
        );
        assert_eq!(r.header("app-key"), Some("emulator-app-key"));
        assert!(nonce.len() <= 18 && nonce.chars().all(|c| c.is_ascii_digit()));
        assert!(nonces.insert(nonce.to_string()), "nonce reused");
        let ts: u64 = ts.parse().unwrap();
        assert!(now.abs_diff(ts) < 60_000, "timestamp in ms");
        assert_eq!(
            sig,
            imcloud::signing::signature("emulator-app-secret", nonce, &ts.to_string())
        );
        let id = r.request_id.as_deref().unwrap();
        assert!(!id.is_empty() && id.len() <= 36);
    }
    // a wrong secret is refused by the server, and the error says so without the secret
    let mut cfg = emu.rongcloud_config();
    cfg.app_secret = "wrong-secret-value".into();
    let bad = RongCloud::new(cfg).unwrap();
    let e = bad
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.http_status(), Some(401));
    assert_eq!(e.api_code(), Some("1004"));
    assert!(e.request_id().is_some() && e.host().is_some());
    assert!(!e.retryable());
    for text in [format!("{e}"), format!("{e:?}"), format!("{bad:?}")] {
        assert!(!text.contains("wrong-secret-value"), "{text}");
    }
}

#[tokio::test]
async fn many_clients_with_different_app_keys_share_a_process() {
    let emu = imcloud_emulator::Emulator::start(EmulatorConfig {
        hosts: 1,
        rongcloud: vec![
            RongCloudApp {
                app_key: "key-a".into(),
                app_secret: "secret-a".into(),
            },
            RongCloudApp {
                app_key: "key-b".into(),
                app_secret: "secret-b".into(),
            },
        ],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let mk = |k: &str, s: &str| {
        let mut c = RongCloudConfig::with_hosts(k, s, emu.hosts());
        c.options = imcloud_emulator::test_options();
        RongCloud::new(c).unwrap()
    };
    let (a, b) = (mk("key-a", "secret-a"), mk("key-b", "secret-b"));
    let (ra, rb) = tokio::join!(
        a.call(
            "group.create",
            json!({"user_ids": ["x"], "group_id": "g", "group_name": "A"})
        ),
        b.call(
            "group.create",
            json!({"user_ids": ["y"], "group_id": "g", "group_name": "B"})
        ),
    );
    ra.unwrap();
    rb.unwrap();
    let ma = a
        .call("group.members", json!({"group_id": "g"}))
        .await
        .unwrap();
    let mb = b
        .call("group.members", json!({"group_id": "g"}))
        .await
        .unwrap();
    assert_eq!(ma.get("users").unwrap(), &json!([{"id": "x"}]));
    assert_eq!(mb.get("users").unwrap(), &json!([{"id": "y"}]));
}
