//! The shared test vectors (tests/vectors/*.json): every language's suite replays the same ones.

use std::io::Read;

use base64::Engine as _;
use imcloud::Secret;
use imcloud::agora::AccessToken2;
use imcloud::signing::{sign_with, signature};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap()
}

#[test]
fn rongcloud_signature_vectors() {
    let v = vectors("rongcloud-signature.json");
    let list = v["vectors"].as_array().unwrap();
    assert!(list.len() >= 5);
    for case in list {
        let got = signature(
            case["app_secret"].as_str().unwrap(),
            case["nonce"].as_str().unwrap(),
            case["timestamp"].as_str().unwrap(),
        );
        assert_eq!(got, case["signature"].as_str().unwrap(), "{case}");
    }
    // The documented request example signs to the documented header.
    let ex = &v["request_example"]["headers"];
    let h = sign_with(
        ex["App-Key"].as_str().unwrap(),
        &Secret::new("Y1W2MeFwwwRxa0"),
        ex["Nonce"].as_str().unwrap().into(),
        ex["Timestamp"].as_str().unwrap().into(),
    );
    assert_eq!(h.signature, ex["Signature"].as_str().unwrap());
}

fn inflate(token: &str) -> Vec<u8> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token.strip_prefix("007").unwrap())
        .unwrap();
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn agora_accesstoken2_vectors() {
    let v = vectors("agora-accesstoken2.json");
    let c = &v["common"];
    let app_id = c["app_id"].as_str().unwrap();
    let cert = Secret::new(c["app_certificate"].as_str().unwrap());
    let (ts, salt, expire) = (
        c["issue_ts"].as_u64().unwrap() as u32,
        c["salt"].as_u64().unwrap() as u32,
        c["expire"].as_u64().unwrap() as u32,
    );
    for case in v["vectors"].as_array().unwrap() {
        let user = case["user_id"].as_str().unwrap();
        let t = if case["privilege"].get("2").is_some() {
            AccessToken2::chat_app(app_id, ts, salt, expire)
        } else {
            AccessToken2::chat_user(app_id, user, ts, salt, expire)
        };
        let content = t.content(&cert).unwrap();
        assert_eq!(
            hex::encode(&content),
            case["content_hex"].as_str().unwrap(),
            "{}",
            case["case"]
        );
        // our token inflates to the same content, and the published token verifies
        let ours = t.build(&cert).unwrap();
        assert!(ours.starts_with("007"));
        assert_eq!(inflate(&ours), content);
        let published = case["token"].as_str().unwrap();
        assert_eq!(inflate(published), content);
        let parsed = AccessToken2::verify(published, &cert).unwrap();
        assert_eq!(parsed, t);
        // a wrong certificate is refused
        assert!(
            AccessToken2::verify(published, &Secret::new("00000000000000000000000000000000"))
                .is_err()
        );
    }
}

#[test]
fn agora_rejects_malformed_credentials_and_tokens() {
    let bad = AccessToken2::chat_app("not-hex", 1, 1, 1)
        .build(&Secret::new("5CFd2fd1755d40ecb72977518be15d3b"));
    assert_eq!(bad.unwrap_err().kind(), imcloud::ErrorKind::Config);
    let cert = Secret::new("5CFd2fd1755d40ecb72977518be15d3b");
    for t in ["", "006abc", "007!!!", "007eJw="] {
        assert!(AccessToken2::verify(t, &cert).is_err(), "{t}");
    }
}
