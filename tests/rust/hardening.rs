//! What no input, server answer or cancellation may do: reach another endpoint, panic, blame a
//! healthy host for a local failure, or keep a host out longer than its outage warrants. Each test
//! here failed before the fix it guards.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use imcloud::{Easemob, EasemobConfig, ErrorKind, FileSource, RongCloud};
use imcloud_conformance::{count_op, emulator};
use imcloud_emulator::{EasemobApp, Emulator, EmulatorConfig, Fault, FaultKind};
use serde_json::json;

async fn group(em: &Easemob) -> String {
    em.call(
        "user.register",
        json!({"username": "owner", "password": "p"}),
    )
    .await
    .unwrap();
    em.call("group.create", json!({"public": true, "owner": "owner"}))
        .await
        .unwrap()
        .get_str("groupid")
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn dot_segments_never_reach_another_endpoint() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    let gid = group(&em).await;
    emu.clear_requests();
    for (op, args) in [
        (
            "group.members_remove",
            json!({"group_id": gid, "usernames": [".."]}),
        ),
        (
            "group.members_remove",
            json!({"group_id": gid, "usernames": ["."]}),
        ),
        ("user.delete", json!({"username": ".."})),
        ("group.delete", json!({"group_id": ".."})),
        (
            "group.share_file_delete",
            json!({"group_id": gid, "file_id": ".."}),
        ),
    ] {
        let e = em.call(op, args.clone()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{op} {args}: {e}");
        assert!(e.detail().contains("another endpoint"), "{e}");
    }
    assert_eq!(emu.request_count(0), 0, "nothing was sent");
    // the group is still there
    em.call("group.get", json!({"group_ids": [gid]}))
        .await
        .unwrap();
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused_before_sending_and_cool_no_host() {
    let emu = emulator(2).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    let up = em
        .upload(
            "attachment.upload",
            json!({"restrict_access": true}),
            FileSource::bytes("a.txt", &b"abc"[..]),
        )
        .await
        .unwrap();
    emu.clear_requests();
    let e = em
        .download(
            "attachment.download",
            json!({"uuid": up.get_str("uuid").unwrap(), "share_secret": "a\nb"}),
            imcloud::FileSink::writer(tokio::io::sink()),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    assert_eq!(e.param(), Some("share_secret"));
    assert_eq!(emu.request_count(0) + emu.request_count(1), 0);
    // the primary was not cooled down
    let r = em
        .call("user.register", json!({"username": "x", "password": "p"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);

    let mut c = emu.rongcloud_config();
    c.app_key = "key\0".into();
    assert_eq!(RongCloud::new(c).unwrap_err().param(), Some("app_key"));
    let mut c = emu.rongcloud_config();
    c.options.user_agent = Some("me\r\nX-Evil: 1".into());
    assert_eq!(RongCloud::new(c).unwrap_err().param(), Some("user_agent"));
}

#[tokio::test]
async fn absurd_numbers_from_the_server_saturate_instead_of_panicking() {
    // Retry-After: 1e20 is beyond any wait we accept: the rate-limit error comes back at once
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    emu.set_fault(
        0,
        Fault::times(
            FaultKind::RateLimit {
                retry_after: Some(1e20),
            },
            1,
        ),
    )
    .await;
    let t = Instant::now();
    let e = rc
        .call("user.register", json!({"user_id": "u1", "name": "Ann"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(
        e.retry_after()
            .is_some_and(|d| d >= Duration::from_secs(86_400))
    );
    assert!(t.elapsed() < Duration::from_secs(2));

    // an app token that "expires in" u64::MAX seconds is cached, bounded, and used
    let cfg = EmulatorConfig {
        hosts: 1,
        easemob: vec![EasemobApp {
            token_ttl: u64::MAX,
            ..EmulatorConfig::default().easemob[0].clone()
        }],
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(cfg).await.unwrap();
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call("user.register", json!({"username": "a", "password": "p"}))
        .await
        .unwrap();
    em.call("user.get", json!({"username": "a"})).await.unwrap();
    assert_eq!(em.token_fetches(), 1);
}

/// A reader that yields some bytes, then fails, as a broken file object or disk would.
struct FailingReader {
    sent: bool,
}

impl tokio::io::AsyncRead for FailingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.sent {
            return Poll::Ready(Err(std::io::Error::other("disk on fire")));
        }
        self.sent = true;
        buf.put_slice(b"first chunk");
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_failing_upload_source_is_a_file_error_and_cools_no_host() {
    let emu = emulator(2).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    for replayable in [false, true] {
        let src = if replayable {
            FileSource::reopen("a.bin", None, || {
                Ok(Box::new(FailingReader { sent: false }) as Box<_>)
            })
        } else {
            FileSource::reader("a.bin", None, FailingReader { sent: false })
        };
        let e = em
            .upload("attachment.upload", json!({}), src)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{e}");
        assert!(e.detail().contains("disk on fire"), "{e}");
        assert!(!e.retryable());
        // not tried on the backup: the source is at fault, not the host
        assert_eq!(count_op(&emu, 1, "attachment.upload"), 0);
    }
    // and the primary is still first in line
    let r = em
        .call("user.register", json!({"username": "b", "password": "p"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);
}

#[tokio::test]
async fn one_outage_with_many_calls_in_flight_cools_the_host_once() {
    let emu = emulator(2).await;
    let mut c = emu.rongcloud_config();
    c.options.request_timeout = Duration::from_millis(500);
    c.options.failover.cooldown = Duration::from_millis(800);
    c.options.failover.max_cooldown = Duration::from_secs(60);
    let rc = RongCloud::new(c).unwrap();
    emu.set_fault(0, Fault::always(FaultKind::Hang)).await;
    // 16 idempotent calls in flight on the hanging primary: each times out and fails over
    let calls = (0..16).map(|i| {
        let rc = rc.clone();
        async move {
            rc.call("user.check_online", json!({"user_id": format!("u{i}")}))
                .await
        }
    });
    for r in futures_util::future::join_all(calls).await {
        assert_eq!(r.unwrap().host, emu.hosts()[1]);
    }
    emu.clear_faults(None).await;
    // one outage: after one cooldown the primary is probed and preferred again (before the fix,
    // 16 failures doubled the cooldown 15 times, to its cap)
    tokio::time::sleep(Duration::from_millis(900)).await;
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);
}

#[tokio::test]
async fn a_cancelled_probe_does_not_hold_the_primary_out() {
    let emu = emulator(2).await;
    let mut c = emu.rongcloud_config();
    c.options.failover.cooldown = Duration::from_millis(300);
    let rc = RongCloud::new(c).unwrap();
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[1]);
    emu.clear_faults(None).await;
    emu.set_fault(0, Fault::times(FaultKind::Hang, 1)).await;
    tokio::time::sleep(Duration::from_millis(350)).await;
    // this call takes the probe of the primary, which hangs; the caller gives up on it
    let probe = rc.call("user.check_online", json!({"user_id": "u"}));
    assert!(
        tokio::time::timeout(Duration::from_millis(200), probe)
            .await
            .is_err()
    );
    // the next call probes the primary at once instead of waiting out a lease
    let r = rc
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap();
    assert_eq!(r.host, emu.hosts()[0]);
}

#[tokio::test]
async fn no_connection_carries_new_requests_past_its_max_age() {
    let emu = emulator(1).await;
    let mut c = emu.rongcloud_config();
    c.options.connection_max_age = Duration::from_millis(400);
    let rc = RongCloud::new(c).unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1300) {
        rc.call("user.check_online", json!({"user_id": "u"}))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reqs = emu.requests(0);
    let mut by_conn: std::collections::BTreeMap<u16, (u64, u64)> = Default::default();
    for r in &reqs {
        let e = by_conn.entry(r.peer_port).or_insert((r.at_ms, r.at_ms));
        e.0 = e.0.min(r.at_ms);
        e.1 = e.1.max(r.at_ms);
    }
    assert!(by_conn.len() >= 3, "{} connections", by_conn.len());
    for (port, (first, last)) in by_conn {
        assert!(
            last - first < 550,
            "connection {port} used for {} ms",
            last - first
        );
    }
    // the default keeps RongCloud's rule: under 60 s
    assert!(imcloud::ClientOptions::default().connection_max_age < Duration::from_secs(60));
}

#[tokio::test]
async fn upload_file_names_cannot_inject_headers_and_carry_their_content_type() {
    let emu = emulator(1).await;
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.upload(
        "attachment.upload",
        json!({}),
        FileSource::bytes("evil\r\nX-Injected: 1\".png", &b"\x89PNG"[..]),
    )
    .await
    .unwrap();
    let req = emu
        .requests(0)
        .into_iter()
        .find(|r| r.operation.as_deref() == Some("attachment.upload"))
        .unwrap();
    assert!(
        req.body
            .contains("filename=\"evil%0D%0AX-Injected: 1%22.png\""),
        "{}",
        req.body
    );
    assert!(!req.body.contains("\r\nX-Injected"), "{}", req.body);
    assert!(req.body.contains("Content-Type: image/png"), "{}", req.body);
}

#[tokio::test]
async fn configuration_is_checked_and_never_shows_a_password() {
    let emu = emulator(1).await;
    let mut c = emu.rongcloud_config();
    c.hosts = vec!["https://admin:hunter2@example.invalid".into()];
    let e = RongCloud::new(c).unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(e.to_string().contains("***@example.invalid"), "{e}");

    for (ttl, ok) in [(0, false), (1, true), (86_400, true), (90_000, false)] {
        let mut c: EasemobConfig = emu.agora_config();
        c.token_ttl = Some(ttl);
        let r = Easemob::new(c);
        assert_eq!(r.is_ok(), ok, "token_ttl {ttl}");
        if let Err(e) = r {
            assert_eq!(e.param(), Some("token_ttl"));
        }
    }
    for (key, v) in [
        ("request_timeout", json!(0)),
        ("request_timeout", json!(1e20)),
        ("connect_timeout", json!(-1)),
        ("connection_max_age", json!(0)),
    ] {
        let mut cfg = emu.rongcloud_config().to_json();
        cfg[key] = v.clone();
        let e = imcloud::RongCloudConfig::from_json(&cfg).unwrap_err();
        assert_eq!(e.param(), Some(key), "{key}={v}: {e}");
    }
    let mut c = emu.rongcloud_config();
    c.options.request_timeout = Duration::ZERO;
    assert_eq!(
        RongCloud::new(c).unwrap_err().param(),
        Some("request_timeout")
    );
}

#[tokio::test]
async fn a_replayed_callback_can_be_refused() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let secret = emu.config().rongcloud[0].app_secret.clone();
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let sig = imcloud::signing::signature(&secret, "4242", &ts);
    let q = vec![
        ("nonce".to_string(), "4242".to_string()),
        ("signTimestamp".to_string(), ts),
        ("signature".to_string(), sig),
    ];
    let w = Duration::from_secs(300);
    rc.verify_callback_with(&q, &[], w, true).unwrap();
    let e = rc.verify_callback_with(&q, &[], w, true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    // without the guard the same callback verifies again (the default, as before)
    rc.verify_callback(&q, &[], w).unwrap();
}
