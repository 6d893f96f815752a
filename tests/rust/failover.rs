//! Faults on the hosts and what the caller sees: failover, retries only when safe, rate limits and
//! quotas, and what each host received.

use std::time::{Duration, Instant};

use imcloud::{Easemob, ErrorKind, RongCloud};
use imcloud_conformance::{count_op, emulator};
use imcloud_emulator::{Fault, FaultKind};
use serde_json::{Value, json};

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
    assert!(e.to_string().contains("test users"), "{}", e.to_string());
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
