//! Input the client refuses before sending, and plain http only on request.

use imcloud::{Easemob, ErrorKind, FileSource, RongCloud, RongCloudConfig};
use imcloud_conformance::emulator;
use serde_json::json;

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
    assert!(e.to_string().contains("512"), "{e}");
    let e = em
        .call(
            "group.share_files",
            json!({"group_id": "1", "pagesize": 5000}),
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("pagesize") && e.to_string().contains("1000"),
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
    assert!(e.to_string().contains("10 MB"), "{e}");
    let e = em.call("no.such.operation", json!({})).await.unwrap_err();
    assert!(
        e.to_string().contains("group.announcement_set"),
        "lists the known operations"
    );
    let e = em.call("attachment.upload", json!({})).await.unwrap_err();
    assert!(e.to_string().contains("upload()"), "{e}");
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
    assert!(e.to_string().contains("allow_insecure_http"), "{e}");
    let e = RongCloud::new(RongCloudConfig::with_hosts("k", "s", vec![])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}
