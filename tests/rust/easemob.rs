//! The Rust Easemob / Agora Chat client against the emulator: every operation with client
//! credentials and with Agora tokens, and the app token's life (single flight, refresh).

use std::time::Duration;

use imcloud::{Easemob, ErrorKind, FileSink, FileSource};
use imcloud_conformance::{count_op, emulator};
use serde_json::{Value, json};

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
