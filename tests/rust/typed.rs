//! The typed Rust surface sends exactly what the generic call sends.

use imcloud::{Easemob, ErrorKind, FileSink, FileSource, RongCloud};
use imcloud_conformance::emulator;
use serde_json::json;

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
