//! Verifying RongCloud callbacks.

use std::time::Duration;

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
