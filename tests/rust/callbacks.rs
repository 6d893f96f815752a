//! Verifying callbacks and parsing them through the clients, generic and typed.

use std::time::Duration;

use imcloud::easemob::events::EasemobEvent;
use imcloud::rongcloud::events::RongCloudEvent;
use imcloud::{ErrorKind, RongCloud};
use imcloud_conformance::emulator;

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
async fn callbacks_parse_into_typed_events_through_both_clients() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let route = "fromUserId=u1&toUserId=u2&objectName=RC%3ATxtMsg&content=%7B%7D&channelType=PERSON&msgTimestamp=5&msgUID=m1";
    let ev = rc
        .parse_callback(route.as_bytes(), Some("application/x-www-form-urlencoded"))
        .unwrap();
    assert_eq!(ev[0].kind, "message_route");
    assert_eq!(ev[0].fields["msg_timestamp"], 5);
    let typed = rc
        .parse_callback_typed(route.as_bytes(), Some("application/x-www-form-urlencoded"))
        .unwrap();
    match &typed[..] {
        [RongCloudEvent::MessageRoute(m)] => {
            assert_eq!(m.msg_timestamp, Some(5));
            assert_eq!(m.object_name.as_deref(), Some("RC:TxtMsg"));
            assert_eq!(m.source, None);
        }
        other => panic!("{other:?}"),
    }
    for config in [emu.easemob_config(), emu.agora_config()] {
        let em = imcloud::Easemob::new(config).unwrap();
        let now = imcloud::signing::now_millis();
        let security =
            imcloud::callbacks::easemob_security("a#b_1", "rule-secret", &now.to_string());
        let body = serde_json::json!({"callId": "a#b_1", "eventType": "chat", "timestamp": now,
            "from": "u1", "to": "u2", "msg_id": "1", "payload": {}, "security": security})
        .to_string();
        em.verify_callback(body.as_bytes(), "rule-secret", Duration::from_secs(300))
            .unwrap();
        assert_eq!(
            em.verify_callback(
                body.as_bytes(),
                "emulator-client-secret",
                Duration::from_secs(300)
            )
            .unwrap_err()
            .kind(),
            ErrorKind::Authentication
        );
        let ev = em.parse_callback(body.as_bytes(), None).unwrap();
        assert_eq!(ev[0].kind, "post_send");
        assert_eq!(ev[0].fields["from"], "u1");
        match &em.parse_callback_typed(body.as_bytes(), None).unwrap()[..] {
            [EasemobEvent::PostSend(p)] => {
                assert_eq!(p.from.as_deref(), Some("u1"));
                assert_eq!(p.timestamp, Some(now as i64));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rc.parse_callback(body.as_bytes(), None).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}
