//! Uploads and downloads against the emulator under faults.

use imcloud::{Easemob, ErrorKind, FileSource};
use imcloud_conformance::{count_op, emulator};
use imcloud_emulator::{Fault, FaultKind};
use serde_json::json;

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
