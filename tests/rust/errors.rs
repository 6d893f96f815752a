//! What an error says, through the public accessors: the cloud's own code, the short detail
//! against the full message, the underlying cause, and the flat record every binding converts from.

use std::error::Error as _;

use imcloud::{Easemob, ErrorKind, RongCloud};
use imcloud_conformance::emulator;
use imcloud_emulator::{Fault, FaultKind};
use serde_json::json;

#[tokio::test]
async fn api_code_is_the_clouds_own_code_and_detail_its_text() {
    let emu = emulator(1).await;
    // RongCloud answers an unknown App-Key with code 1002
    let mut cfg = emu.rongcloud_config();
    cfg.app_key = "no-such-app".into();
    let e = RongCloud::new(cfg)
        .unwrap()
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some("1002"), "{e}");
    assert_eq!(e.http_status(), Some(401));
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.detail(), "Invalidate App-Key.");
    assert_eq!(e.operation(), Some("user.check_online"));
    let message = e.to_string();
    assert!(message.starts_with("Invalidate App-Key. ("), "{message}");
    for part in [
        "operation=user.check_online",
        "http_status=401",
        "api_code=1002",
    ] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
    let r = e.record();
    assert_eq!(
        (r.kind, r.class_name, r.api_code.as_deref()),
        ("invalid_argument", "InvalidArgument", Some("1002"))
    );
    assert_eq!((r.message, r.detail.as_str()), (message, e.detail()));
    assert!(
        e.source().is_none(),
        "an answer of the server has no underlying cause"
    );

    // Easemob's `error` string is its code
    let em = Easemob::new(emu.easemob_config()).unwrap();
    em.call(
        "user.register",
        json!({"username": "dup", "password": "pw-123456"}),
    )
    .await
    .unwrap();
    let e = em
        .call(
            "user.register",
            json!({"username": "dup", "password": "pw-123456"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.api_code(), Some("duplicate_unique_property_exists"));
    assert!(!e.detail().contains("api_code="), "{}", e.detail());
}

#[tokio::test]
async fn a_connect_failure_keeps_its_cause_without_secrets_or_urls() {
    let emu = emulator(1).await;
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;
    let cfg = emu.rongcloud_config();
    let secret = cfg.app_secret.expose().to_string();
    let e = RongCloud::new(cfg)
        .unwrap()
        .call("user.check_online", json!({"user_id": "u"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert_eq!(e.record().class_name, "Connect");
    let cause = e
        .source()
        .expect("a connect failure keeps the transport error");
    let mut chain = vec![format!("{cause}"), format!("{cause:?}")];
    let mut next = cause.source();
    while let Some(c) = next {
        chain.push(format!("{c} {c:?}"));
        next = c.source();
    }
    chain.push(format!("{e:?}"));
    for text in chain {
        assert!(!text.contains(&secret), "secret in {text}");
        // the request's URL (its path names the operation) is stripped from the cause
        assert!(!text.contains("checkOnline"), "URL in {text}");
    }
}
