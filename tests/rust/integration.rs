//! The Rust client against the emulator: every operation, every fault, what the caller sees and
//! what each host received.

use std::time::{Duration, Instant};

use imcloud::{Easemob, ErrorKind, FileSink, FileSource, RongCloud, RongCloudConfig};
use imcloud_conformance::{count_op, emulator};
use imcloud_emulator::{EmulatorConfig, Fault, FaultKind, RongCloudApp};
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

async fn easemob_journey(em: &Easemob, emu: &imcloud_emulator::Emulator) {
    let r = em
        .call(
            "user.register",
            json!({"username": "alice", "password": "pw", "nickname": "Alice"}),
        )
        .await
        .unwrap();
    let uuid = r.result[0]["uuid"].as_str().unwrap().to_string();
    let e = em
        .call(
            "user.register",
            json!({"username": "alice", "password": "pw"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.api_code(), Some("duplicate_unique_property_exists"));
    let b = em
        .call("user.register_batch", json!({"users": [{"username": "bob", "password": "p"}, {"username": "carol", "password": "p", "nickname": "C"}]}))
        .await
        .unwrap();
    assert_eq!(b.result.as_array().unwrap().len(), 2);
    let g = em
        .call("user.get", json!({"username": "alice"}))
        .await
        .unwrap();
    assert_eq!(g.result[0]["uuid"], uuid.as_str());
    assert_eq!(
        em.call("user.get", json!({"username": "nobody"}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    emu.set_online("alice", true);
    let s = em
        .call("user.status", json!({"username": "alice"}))
        .await
        .unwrap();
    assert_eq!(s.result, json!({"alice": "online"}));
    let sb = em
        .call("user.status_batch", json!({"usernames": ["alice", "bob"]}))
        .await
        .unwrap();
    assert_eq!(sb.result, json!([{"alice": "online"}, {"bob": "offline"}]));

    let gid = em
        .call("group.create", json!({"groupname": "team", "description": "d", "public": true, "owner": "alice", "members": ["bob"]}))
        .await
        .unwrap()
        .get_str("groupid")
        .unwrap()
        .to_string();
    let info = em
        .call("group.get", json!({"group_ids": [gid]}))
        .await
        .unwrap();
    assert_eq!(info.result[0]["affiliations_count"], 2);
    let add = em
        .call(
            "group.members_add",
            json!({"group_id": gid, "usernames": ["carol"]}),
        )
        .await
        .unwrap();
    assert_eq!(add.get("newmembers").unwrap(), &json!(["carol"]));
    let mem = em
        .call(
            "group.members",
            json!({"group_id": gid, "pagenum": 1, "pagesize": 2}),
        )
        .await
        .unwrap();
    assert_eq!(mem.result, json!([{"owner": "alice"}, {"member": "bob"}]));
    let rm = em
        .call(
            "group.members_remove",
            json!({"group_id": gid, "usernames": ["bob", "zed"]}),
        )
        .await
        .unwrap();
    assert_eq!(rm.result[0]["result"], true);
    assert_eq!(rm.result[1]["result"], false);

    let text = "公告 & news = 100% «ok»";
    let set = em
        .call(
            "group.announcement_set",
            json!({"group_id": gid, "announcement": text}),
        )
        .await
        .unwrap();
    assert_eq!(set.get("result"), Some(&json!(true)));
    let got = em
        .call("group.announcement_get", json!({"group_id": gid}))
        .await
        .unwrap();
    assert_eq!(got.get_str("announcement"), Some(text));

    // share files: upload from a path and from memory, list, download to a path and a writer, delete
    let dir = std::env::temp_dir().join(format!("imcloud-test-{}", uuid));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("report.bin");
    let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&src, &payload).unwrap();
    let up = em
        .upload(
            "group.share_file_upload",
            json!({"group_id": gid}),
            FileSource::path(&src),
        )
        .await
        .unwrap();
    assert_eq!(up.get_str("file_name"), Some("report.bin"));
    assert_eq!(up.get("file_size"), Some(&json!(300_000)));
    let fid = up.get_str("file_id").unwrap().to_string();
    em.upload(
        "group.share_file_upload",
        json!({"group_id": gid, "restrict_access": true}),
        FileSource::bytes("n.txt", &b"notes"[..]),
    )
    .await
    .unwrap();
    let list = em
        .call(
            "group.share_files",
            json!({"group_id": gid, "pagenum": 1, "pagesize": 10}),
        )
        .await
        .unwrap();
    assert_eq!(list.result.as_array().unwrap().len(), 2);
    assert_eq!(list.result[0]["file_owner"], "alice");
    let out = dir.join("copy.bin");
    let d = em
        .download(
            "group.share_file_download",
            json!({"group_id": gid, "file_id": fid}),
            FileSink::path(&out),
        )
        .await
        .unwrap();
    assert_eq!(d.bytes, 300_000);
    assert_eq!(std::fs::read(&out).unwrap(), payload);
    let (w, mut r) = tokio::io::duplex(1 << 20);
    let d2 = em
        .download(
            "group.share_file_download",
            json!({"group_id": gid, "file_id": fid}),
            FileSink::writer(w),
        )
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut r, &mut buf)
        .await
        .unwrap();
    assert_eq!((d2.bytes, buf.len()), (300_000, 300_000));
    em.call(
        "group.share_file_delete",
        json!({"group_id": gid, "file_id": fid}),
    )
    .await
    .unwrap();
    let e = em
        .call(
            "group.share_file_delete",
            json!({"group_id": gid, "file_id": fid}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    // attachments: restricted upload, download with the share-secret, refused without
    let att = em
        .upload(
            "attachment.upload",
            json!({"restrict_access": true}),
            FileSource::reader("pic.jpg", Some(5), &b"\xff\xd8img"[..]),
        )
        .await
        .unwrap();
    let (auuid, secret) = (
        att.get_str("uuid").unwrap().to_string(),
        att.get_str("share-secret").unwrap().to_string(),
    );
    let img = dir.join("pic.jpg");
    em.download(
        "attachment.download",
        json!({"uuid": auuid, "share_secret": secret}),
        FileSink::path(&img),
    )
    .await
    .unwrap();
    assert_eq!(std::fs::read(&img).unwrap(), b"\xff\xd8img");
    let e = em
        .download(
            "attachment.download",
            json!({"uuid": auuid}),
            FileSink::path(dir.join("no.jpg")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    assert!(
        !dir.join("no.jpg").exists() && !dir.join("no.jpg.part").exists(),
        "no half file left behind"
    );

    // messages of every type to users, a group and a chatroom
    let url = format!("https://emulator/chatfiles/{auuid}");
    let base = |t: &str, to: Value| json!({"target_type": t, "from": "alice", "to": to});
    let with = |mut b: Value, extra: Value| {
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let sends = [
        (
            "message.send_text",
            with(
                base("users", json!(["bob", "carol"])),
                json!({"msg": "hello 👋", "ext": {"k": 1}}),
            ),
        ),
        (
            "message.send_image",
            with(
                base("users", json!(["bob"])),
                json!({"url": url, "filename": "pic.jpg", "secret": secret, "width": 2, "height": 1}),
            ),
        ),
        (
            "message.send_audio",
            with(
                base("users", json!(["bob"])),
                json!({"url": url, "filename": "a.amr", "length": 3}),
            ),
        ),
        (
            "message.send_video",
            with(
                base("users", json!(["bob"])),
                json!({"url": url, "filename": "v.mp4", "thumb": url, "length": 9, "file_length": 1000}),
            ),
        ),
        (
            "message.send_file",
            with(
                base("chatgroups", json!([gid])),
                json!({"url": url, "filename": "f.pdf"}),
            ),
        ),
        (
            "message.send_cmd",
            with(
                base("chatrooms", json!(["room1"])),
                json!({"action": "refresh"}),
            ),
        ),
        (
            "message.send_custom",
            with(
                base("users", json!(["bob"])),
                json!({"custom_event": "gift", "custom_exts": {"n": "3"}}),
            ),
        ),
    ];
    for (op, args) in sends {
        let r = em
            .call(op, args)
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        assert!(
            r.result.as_object().is_some_and(|m| !m.is_empty()),
            "{op}: {:?}",
            r.result
        );
    }
    let sent = emu.sent_messages();
    let kinds: Vec<&str> = sent
        .iter()
        .filter(|m| m.cloud == "easemob")
        .map(|m| m.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "txt", "txt", "img", "audio", "video", "file", "cmd", "custom"
        ]
    );
    let img_msg = sent.iter().find(|m| m.kind == "img").unwrap();
    assert_eq!(img_msg.body["width"], 2);
    assert_eq!(
        sent.iter().find(|m| m.kind == "txt").unwrap().ext,
        json!({"k": 1})
    );
    let e = em
        .call(
            "message.send_text",
            json!({"target_type": "chatgroups", "to": ["999"], "msg": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    em.call("group.delete", json!({"group_id": gid}))
        .await
        .unwrap();
    assert_eq!(
        em.call("group.announcement_get", json!({"group_id": gid}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    em.call("user.delete", json!({"username": "carol"}))
        .await
        .unwrap();
    assert_eq!(
        em.call("user.get", json!({"username": "carol"}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn easemob_every_operation_with_client_credentials() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    easemob_journey(&em, &emu).await;
    // one token for the whole journey, and it was requested as JSON client credentials
    assert_eq!(count_op(&emu, 0, "auth.app_token"), 1);
    let tok = emu
        .requests(0)
        .into_iter()
        .find(|r| r.operation.as_deref() == Some("auth.app_token"))
        .unwrap();
    let body: Value = serde_json::from_str(&tok.body).unwrap();
    assert_eq!(body["grant_type"], "client_credentials");
    assert!(!format!("{em:?}").contains("emulator-client-secret"));
    let t = em.app_token().await.unwrap();
    assert!(!format!("{t:?}").contains(t.expose()));
}

#[tokio::test]
async fn agora_mode_builds_tokens_locally() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.agora_config()).unwrap();
    easemob_journey(&em, &emu).await;
    assert_eq!(
        count_op(&emu, 0, "auth.app_token"),
        0,
        "no token request in Agora mode"
    );
    let auth = emu.requests(0)[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth.starts_with("Bearer 007"), "{auth}");
    let user = em.chat_user_token("0b5c6f60-uuid", 600).unwrap();
    let cert = imcloud::Secret::new(imcloud_emulator::DEFAULT_AGORA_APP_CERTIFICATE);
    let t = imcloud::agora::AccessToken2::verify(user.expose(), &cert).unwrap();
    assert!(
        t.has_chat_privilege(imcloud::agora::PRIVILEGE_CHAT_USER)
            && !t.has_chat_privilege(imcloud::agora::PRIVILEGE_CHAT_APP)
    );
    assert_eq!(t.services[0].user_id, "0b5c6f60-uuid");
    assert_eq!(
        em.chat_user_token("u", 90_000).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    // a client-credentials client cannot build user tokens
    let cc = Easemob::new(emu.easemob_config()).unwrap();
    assert_eq!(
        cc.chat_user_token("u", 60).unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[tokio::test]
async fn app_token_is_single_flight_and_refreshed_after_401() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call("user.register", json!({"username": "u", "password": "p"}))
        .await
        .unwrap();
    emu.clear_requests();
    let em2 = Easemob::new(emu.easemob_config()).unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| em2.call("user.status", json!({"username": "u"})))
        .collect();
    for r in futures_util::future::join_all(calls).await {
        r.unwrap();
    }
    assert_eq!(
        count_op(&emu, 0, "auth.app_token"),
        1,
        "20 concurrent calls, one token request"
    );
    assert_eq!(em2.token_fetches(), 1);

    emu.revoke_tokens();
    emu.clear_requests();
    em2.call("user.status", json!({"username": "u"}))
        .await
        .unwrap();
    assert_eq!(count_op(&emu, 0, "user.status"), 2, "401, then the retry");
    assert_eq!(count_op(&emu, 0, "auth.app_token"), 1, "one refresh");
    assert_eq!(em2.token_fetches(), 2);

    // Agora tokens are rebuilt after a 401 too
    let ag = Easemob::new(emu.agora_config()).unwrap();
    ag.call("user.status", json!({"username": "u"}))
        .await
        .unwrap();
    emu.revoke_tokens();
    ag.call("user.status", json!({"username": "u"}))
        .await
        .unwrap();
    assert_eq!(ag.token_fetches(), 2);

    // wrong client secret: a clear authentication error, no retry loop
    let mut cfg = emu.easemob_config();
    cfg.auth = imcloud::EasemobAuth::ClientCredentials {
        client_id: imcloud_emulator::DEFAULT_EASEMOB_CLIENT_ID.into(),
        client_secret: "nope-secret".into(),
    };
    let bad = Easemob::new(cfg).unwrap();
    let e = bad
        .call("user.status", json!({"username": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.api_code(), Some("invalid_grant"));
    assert_eq!(e.operation(), Some("auth.app_token"));
    assert!(!format!("{e}{e:?}").contains("nope-secret"));
}

// ------------------------------------------------------------------------------------------------
// Faults
// ------------------------------------------------------------------------------------------------

fn private_publish() -> Value {
    json!({"from_user_id": "a", "to_user_ids": ["b"], "object_name": "RC:TxtMsg", "content": {"content": "x"}})
}

#[tokio::test]
async fn refused_primary_fails_over_for_every_call_then_returns_after_cooldown() {
    let emu = emulator(2).await;
    let mut cfg = emu.rongcloud_config();
    cfg.options.failover.cooldown = Duration::from_millis(300);
    let rc = RongCloud::new(cfg).unwrap();
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;
    // a non-idempotent send is safe to move: nothing reached the primary
    let r = rc
        .call("message.private.publish", private_publish())
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[1]);
    // concurrent calls all go through
    let calls: Vec<_> = (0..10)
        .map(|i| rc.call("user.check_online", json!({"user_id": format!("u{i}")})))
        .collect();
    for r in futures_util::future::join_all(calls).await {
        assert_eq!(r.unwrap().host, emu.hosts()[1]);
    }
    assert_eq!(emu.request_count(0), 0);
    assert_eq!(emu.request_count(1), 11);
    assert_eq!(emu.sent_messages().len(), 1, "sent exactly once");
    // the primary comes back; within its cooldown it is still avoided …
    emu.clear_faults(None).await;
    rc.call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(emu.request_count(0), 0);
    // … and after it, calls return to the primary
    tokio::time::sleep(Duration::from_millis(350)).await;
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);
}

#[tokio::test]
async fn all_hosts_refusing_gives_a_connect_error_naming_them() {
    let emu = emulator(2).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;
    emu.set_fault(1, Fault::always(FaultKind::Refuse)).await;
    let e = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert!(e.retryable());
    assert!(
        e.to_string().contains(&emu.hosts()[0]) && e.to_string().contains(&emu.hosts()[1]),
        "{e}"
    );
}

/// For a fault on the primary: an idempotent call moves to the backup (both hosts saw it once);
/// a non-idempotent one fails with `kind` and is not re-sent (the backup saw nothing).
async fn maybe_processed_fault(kind: FaultKind, expect: ErrorKind) {
    let emu = emulator(2).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(0, Fault::always(kind.clone())).await;
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[1], "{kind:?}");
    assert_eq!(
        (
            count_op(&emu, 0, "user.check_online"),
            count_op(&emu, 1, "user.check_online")
        ),
        (1, 1),
        "{kind:?}"
    );

    // a fresh client, so the primary is tried first again
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let e = rc
        .call("message.private.publish", private_publish())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), expect, "{kind:?}: {e}");
    assert!(!e.retryable(), "{kind:?}");
    assert_eq!(e.host(), Some(emu.hosts()[0].as_str()));
    assert!(e.to_string().contains("not idempotent"), "{e}");
    let published = |h| count_op(&emu, h, "message.private.publish");
    assert_eq!(
        (published(0), published(1)),
        (1, 0),
        "{kind:?}: never sent twice"
    );
}

#[tokio::test]
async fn hang_after_send_is_retried_only_when_idempotent() {
    maybe_processed_fault(FaultKind::Hang, ErrorKind::Timeout).await;
}

#[tokio::test]
async fn server_error_is_retried_only_when_idempotent() {
    maybe_processed_fault(FaultKind::Status { status: 503 }, ErrorKind::Server).await;
}

#[tokio::test]
async fn reset_mid_response_is_retried_only_when_idempotent() {
    maybe_processed_fault(FaultKind::Reset, ErrorKind::Network).await;
}

#[tokio::test]
async fn truncated_body_is_retried_only_when_idempotent() {
    maybe_processed_fault(FaultKind::Truncate, ErrorKind::Network).await;
}

#[tokio::test]
async fn garbage_body_is_retried_only_when_idempotent() {
    maybe_processed_fault(FaultKind::Garbage, ErrorKind::Decode).await;
}

#[tokio::test]
async fn rate_limit_is_retried_on_the_same_host_honouring_retry_after() {
    let emu = emulator(2).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(
        0,
        Fault::times(
            FaultKind::RateLimit {
                retry_after: Some(0.3),
            },
            2,
        ),
    )
    .await;
    let t = Instant::now();
    let r = rc
        .call("message.private.publish", private_publish())
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        r.host,
        emu.hosts()[0],
        "rate limits do not fail the host over"
    );
    assert_eq!(count_op(&emu, 0, "message.private.publish"), 3);
    assert_eq!(emu.request_count(1), 0);
    assert_eq!(emu.sent_messages().len(), 1);

    // bounded: a host that keeps saying 429 gives a RateLimited error after the retries
    emu.set_fault(0, Fault::always(FaultKind::RateLimit { retry_after: None }))
        .await;
    let e = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.api_code(), Some("1008"));
    assert!(e.retryable());
    assert_eq!(
        count_op(&emu, 0, "user.check_online"),
        4,
        "first try + 3 retries"
    );
    // a Retry-After longer than we wait is returned at once, with the wait
    emu.clear_faults(None).await;
    emu.set_fault(
        0,
        Fault::always(FaultKind::RateLimit {
            retry_after: Some(3600.0),
        }),
    )
    .await;
    let e = rc
        .call("user.check_online", json!({"user_id": "v"}))
        .await
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn easemob_reach_limit_is_retried_but_resource_limited_is_not() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call("user.register", json!({"username": "u", "password": "p"}))
        .await
        .unwrap();
    emu.set_fault(
        0,
        Fault {
            path_contains: Some("/status".into()),
            ..Fault::times(FaultKind::RateLimit { retry_after: None }, 1)
        },
    )
    .await;
    em.call("user.status", json!({"username": "u"}))
        .await
        .unwrap();
    assert_eq!(count_op(&emu, 0, "user.status"), 2);
    emu.set_fault(0, Fault::times(FaultKind::QuotaExceeded, 1))
        .await;
    let e = em
        .call("user.status", json!({"username": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(e.api_code(), Some("resource_limited"));
    assert!(!e.retryable());
    assert_eq!(count_op(&emu, 0, "user.status"), 3, "not retried");
}

#[tokio::test]
async fn rongcloud_quota_fault_answers_in_rongclouds_shape() {
    let emu = emulator(2).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(0, Fault::times(FaultKind::QuotaExceeded, 1))
        .await;
    let e = rc
        .call(
            "user.register",
            json!({"user_id": "quota-user", "name": "Q"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{e:?}");
    assert_eq!(e.http_status(), Some(403));
    assert_eq!(e.api_code(), Some("2007"));
    assert!(!e.retryable());
    assert_eq!(count_op(&emu, 0, "user.register"), 1, "not retried");
    assert_eq!(count_op(&emu, 1, "user.register"), 0, "not failed over");
    // Before the fix the fault answered Easemob's `{"error": "resource_limited"}`, which a
    // RongCloud client reads as a plain 429 (rate limited, retried), not as a quota.
    assert!(e.detail().contains("test users"), "{}", e.detail());
}

#[tokio::test]
async fn delay_within_the_timeout_is_just_slow() {
    let emu = emulator(2).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(0, Fault::times(FaultKind::Delay { ms: 300 }, 1))
        .await;
    let t = Instant::now();
    let r = rc
        .call("message.private.publish", private_publish())
        .await
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.host, emu.hosts()[0]);
    assert_eq!(emu.request_count(1), 0);
}

#[tokio::test]
async fn uploads_fail_over_from_paths_but_one_shot_streams_are_never_resent() {
    let emu = emulator(2).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call("user.register", json!({"username": "o", "password": "p"}))
        .await
        .unwrap();
    let gid = em
        .call("group.create", json!({"public": true, "owner": "o"}))
        .await
        .unwrap()
        .get_str("groupid")
        .unwrap()
        .to_string();
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;
    let r = em
        .upload(
            "attachment.upload",
            json!({}),
            FileSource::bytes("a.txt", &b"abc"[..]),
        )
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[1]);
    emu.clear_faults(None).await;
    // a fresh client so the primary is tried first; the primary answers 503 after reading the stream
    let em = Easemob::new(emu.easemob_config()).unwrap();
    emu.set_fault(
        0,
        Fault {
            path_contains: Some("share_files".into()),
            ..Fault::always(FaultKind::Status { status: 503 })
        },
    )
    .await;
    let e = em
        .upload(
            "group.share_file_upload",
            json!({"group_id": gid}),
            FileSource::reader("s.txt", None, &b"stream"[..]),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(count_op(&emu, 1, "group.share_file_upload"), 0);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let long = "x".repeat(513);
    let e = em
        .call(
            "group.announcement_set",
            json!({"group_id": "1", "announcement": long}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.param()),
        (ErrorKind::InvalidArgument, Some("announcement"))
    );
    assert!(e.detail().contains("512"), "{e}");
    let e = em
        .call(
            "group.share_files",
            json!({"group_id": "1", "pagesize": 5000}),
        )
        .await
        .unwrap_err();
    assert!(
        e.detail().contains("pagesize") && e.detail().contains("1000"),
        "{e}"
    );
    let users: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    assert_eq!(
        em.call("user.status_batch", json!({"usernames": users}))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        rc.call("user.register", json!({"name": "n"}))
            .await
            .unwrap_err()
            .param(),
        Some("user_id")
    );
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    let e = em
        .upload(
            "group.share_file_upload",
            json!({"group_id": "1"}),
            FileSource::bytes("big.bin", big),
        )
        .await
        .unwrap_err();
    assert!(e.detail().contains("10 MB"), "{e}");
    let e = em.call("no.such.operation", json!({})).await.unwrap_err();
    assert!(
        e.detail().contains("group.announcement_set"),
        "lists the known operations"
    );
    let e = em.call("attachment.upload", json!({})).await.unwrap_err();
    assert!(e.detail().contains("upload()"), "{e}");
    assert_eq!(emu.request_count(0), 0, "nothing was sent");

    // a stream whose size is not known up front is cut off at the limit
    let big = vec![0u8; 10 * 1024 * 1024 + 100];
    let e = em
        .upload(
            "attachment.upload",
            json!({}),
            FileSource::reader("big.bin", None, std::io::Cursor::new(big)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    // the emulator enforces the same limits itself, with the real error shapes
    let e = em
        .call("user.status", json!({"username": "nobody"}))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status()),
        (ErrorKind::NotFound, Some(404))
    );
}

#[tokio::test]
async fn plain_http_needs_the_explicit_opt_in() {
    let emu = emulator(1).await;
    let mut cfg = emu.rongcloud_config();
    cfg.options.allow_insecure_http = false;
    let e = RongCloud::new(cfg).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.detail().contains("allow_insecure_http"), "{e}");
    let e = RongCloud::new(RongCloudConfig::with_hosts("k", "s", vec![])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn callbacks_verify_with_the_app_secret() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let ts = imcloud::signing::now_millis().to_string();
    let sig = imcloud::signing::signature("emulator-app-secret", "42", &ts);
    let q = vec![
        ("nonce".into(), "42".into()),
        ("signTimestamp".into(), ts.clone()),
        ("signature".into(), sig),
    ];
    rc.verify_callback(&q, &[], Duration::from_secs(300))
        .unwrap();
    let bad = vec![
        ("nonce".into(), "43".into()),
        ("signTimestamp".into(), ts),
        ("signature".into(), "00".into()),
    ];
    assert_eq!(
        rc.verify_callback(&bad, &[], Duration::from_secs(300))
            .unwrap_err()
            .kind(),
        ErrorKind::Authentication
    );
}

#[tokio::test]
async fn app_token_is_refreshed_before_it_expires() {
    // tokens live 4 s here, so the client refreshes after 3 s, before any call is refused
    let mut cfg = imcloud_emulator::EmulatorConfig {
        hosts: 1,
        ..Default::default()
    };
    cfg.easemob[0].token_ttl = 4;
    let emu = imcloud_emulator::Emulator::start(cfg).await.unwrap();
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call("user.register", json!({"username": "u", "password": "p"}))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    em.call("user.get", json!({"username": "u"})).await.unwrap();
    assert_eq!(em.token_fetches(), 2);
    assert_eq!(count_op(&emu, 0, "auth.app_token"), 2);
    assert_eq!(
        count_op(&emu, 0, "user.get"),
        1,
        "no 401 round trip: refreshed ahead of expiry"
    );
}

#[tokio::test]
async fn typed_rust_surface_sends_what_the_generic_call_sends() {
    use imcloud::{easemob, rongcloud};
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let r = rc
        .user_register(rongcloud::UserRegister {
            user_id: "u1".into(),
            name: "Ann".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(r.user_id.as_deref(), Some("u1"));
    assert!(r.token.is_some());
    assert!(
        !format!("{r:?}").contains(r.token.as_deref().unwrap()),
        "the typed result's Debug redacts the token"
    );
    rc.call("user.register", json!({"user_id": "u1", "name": "Ann"}))
        .await
        .unwrap();
    let bodies: Vec<String> = emu.requests(0).into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies[0], bodies[1],
        "typed and generic calls encode the same"
    );
    let e = rc
        .group_refresh(rongcloud::GroupRefresh {
            group_id: "g".into(),
            group_name: "x".repeat(65),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.param()),
        (ErrorKind::InvalidArgument, Some("group_name"))
    );

    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.user_register(easemob::UserRegister {
        username: "o".into(),
        password: "p".into(),
        nickname: None,
    })
    .await
    .unwrap();
    let gid = em
        .group_create(easemob::GroupCreate {
            public: true,
            owner: "o".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .groupid
        .clone()
        .unwrap();
    let up = em
        .group_share_file_upload(
            easemob::GroupShareFileUpload {
                group_id: gid.clone(),
                restrict_access: Some(true),
            },
            FileSource::bytes("t.txt", &b"typed"[..]),
        )
        .await
        .unwrap();
    let fid = up.file_id.clone().unwrap();
    let (w, mut rd) = tokio::io::duplex(1024);
    let d = em
        .group_share_file_download(
            easemob::GroupShareFileDownload {
                group_id: gid,
                file_id: fid,
            },
            FileSink::writer(w),
        )
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut rd, &mut buf)
        .await
        .unwrap();
    assert_eq!((d.bytes, buf.as_slice()), (5, &b"typed"[..]));
    let sent = em
        .message_send_text(easemob::MessageSendText {
            target_type: "users".into(),
            to: vec!["b".into()],
            msg: "hi".into(),
            route_online: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(sent.response.get_str("b").is_some());
}
