//! The `proxy` and `ca_bundle` client options against the emulator: calls go through an HTTP
//! forward proxy (absolute-form requests, `Proxy-Authorization` from the URL's credentials, which
//! are never printed), and over TLS to a server whose certificate only a given CA bundle vouches
//! for. A bad proxy or bundle is refused when the client is made, naming the option.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use imcloud::{ErrorKind, RongCloud, RongCloudConfig, Secret};
use imcloud_conformance::emulator;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASSWORD: &str = "pr0xy-s3cret";

/// Reads one request head (up to the blank line) from `s`.
async fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).await.unwrap_or(0) == 0 {
            break;
        }
        head.push(byte[0]);
    }
    head
}

/// A forward proxy for plain-http targets: records each connection's first request head, then
/// connects to the host of its absolute-form URI and pipes both ways.
async fn forward_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let head = read_head(&mut client).await;
                let text = String::from_utf8_lossy(&head).into_owned();
                seen.lock().unwrap().push(text.clone());
                let target = text
                    .split_whitespace()
                    .nth(1)
                    .and_then(|u| u.strip_prefix("http://"))
                    .and_then(|u| u.split('/').next())
                    .unwrap_or_default()
                    .to_string();
                let Ok(mut upstream) = TcpStream::connect(&target).await else {
                    return;
                };
                if upstream.write_all(&head).await.is_ok() {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (format!("127.0.0.1:{}", addr.port()), heads)
}

fn config_with(emu_cfg: RongCloudConfig, options: serde_json::Value) -> RongCloudConfig {
    let mut cfg = emu_cfg;
    cfg.options
        .apply_json(options.as_object().unwrap())
        .expect("options apply");
    cfg
}

#[tokio::test]
async fn a_proxy_carries_every_call_with_its_credentials_never_shown() {
    let emu = emulator(1).await;
    let (proxy, heads) = forward_proxy().await;
    let cfg = config_with(
        emu.rongcloud_config(),
        json!({"proxy": format!("http://alice:{PASSWORD}@{proxy}")}),
    );
    for shown in [format!("{cfg:?}"), format!("{:?}", cfg.options)] {
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
    let rc = RongCloud::new(cfg).unwrap();
    assert!(!format!("{rc:?}").contains(PASSWORD));
    rc.call("user.register", json!({"user_id": "u1", "name": "Ann"}))
        .await
        .unwrap();
    rc.call("user.info", json!({"user_id": "u1"}))
        .await
        .unwrap();

    let heads = heads.lock().unwrap().clone();
    assert!(!heads.is_empty(), "nothing went through the proxy");
    let first = heads[0].to_ascii_lowercase();
    let emu_host = emu.hosts()[0].trim_start_matches("http://").to_string();
    assert!(
        first.starts_with(&format!("post http://{emu_host}/user/gettoken.json ")),
        "not an absolute-form request to the emulator: {first}"
    );
    // Basic alice:<password>
    let expected = format!(
        "proxy-authorization: basic {}",
        STANDARD
            .encode(format!("alice:{PASSWORD}"))
            .to_ascii_lowercase()
    );
    assert!(first.contains(&expected), "{first}\nwant: {expected}");
    assert_eq!(emu.request_count(0), 2, "both calls reached the emulator");
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connect_failure_that_does_not_show_it() {
    let emu = emulator(1).await;
    let dead = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let cfg = config_with(
        emu.rongcloud_config(),
        json!({"proxy": format!("http://alice:{PASSWORD}@127.0.0.1:{port}"), "max_attempts": 1}),
    );
    let rc = RongCloud::new(cfg).unwrap();
    let e = rc
        .call("user.info", json!({"user_id": "u1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
    assert_eq!(emu.request_count(0), 0);
}

#[tokio::test]
async fn an_empty_proxy_means_a_direct_connection() {
    let emu = emulator(1).await;
    let rc = RongCloud::new(config_with(emu.rongcloud_config(), json!({"proxy": ""}))).unwrap();
    rc.call("user.info", json!({"user_id": "u1"})).await.ok();
    assert_eq!(emu.request_count(0), 1);
}

#[tokio::test]
async fn a_bad_proxy_or_ca_bundle_is_refused_when_the_client_is_made() {
    let emu = emulator(1).await;
    let garbage = tempfile("garbage.pem", b"not a certificate");
    let empty = tempfile("empty.pem", b"");
    for (options, names) in [
        (json!({"proxy": "not a url"}), "proxy"),
        (
            json!({"proxy": format!("socks5://alice:{PASSWORD}@127.0.0.1:1080")}),
            "proxy",
        ),
        (
            json!({"proxy": format!("ftp://alice:{PASSWORD}@h")}),
            "proxy",
        ),
        (json!({"ca_bundle": "/nonexistent/ca.pem"}), "ca_bundle"),
        (json!({"ca_bundle": garbage}), "ca_bundle"),
        (json!({"ca_bundle": empty}), "ca_bundle"),
        (json!({"ca_bundle": "/dev/zero"}), "ca_bundle"),
        (json!({"ca_bundle": std::env::temp_dir()}), "ca_bundle"),
    ] {
        let e = RongCloud::new(config_with(emu.rongcloud_config(), options.clone())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{options}: {e}");
        assert!(e.to_string().contains(names), "{options}: {e}");
        assert!(!e.to_string().contains(PASSWORD), "{e}");
        assert!(!format!("{e:?}").contains(PASSWORD), "{e:?}");
    }
    assert_eq!(emu.request_count(0), 0, "nothing was sent");
}

fn tempfile(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("imcloud-network-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path.to_string_lossy().into_owned()
}

/// A TLS front for the emulator: terminates TLS with a certificate for `localhost` signed by a
/// fresh private CA (returned as PEM), and pipes the plain bytes to `upstream`.
async fn tls_front(upstream: String) -> (u16, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    use tokio_rustls::rustls::ServerConfig;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "imcloud test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &Issuer::from_params(&ca_params, &ca_key))
        .unwrap();

    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return; // the client refused our certificate
                };
                if let Ok(mut up) = TcpStream::connect(&upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
    (port, ca_cert.pem())
}

#[tokio::test]
async fn ca_bundle_trusts_a_private_ca_and_certificates_stay_verified() {
    let emu = emulator(1).await;
    let (port, ca_pem) = tls_front(emu.hosts()[0].trim_start_matches("http://").to_string()).await;
    let base = emu.rongcloud_config();
    let https = |options: serde_json::Value| {
        let mut cfg = RongCloudConfig::with_hosts(
            base.app_key.clone(),
            Secret::new(base.app_secret.expose()),
            vec![format!("https://localhost:{port}")],
        );
        let mut options = options.as_object().unwrap().clone();
        options.insert("max_attempts".into(), json!(1));
        cfg.options.apply_json(&options).unwrap();
        RongCloud::new(cfg).unwrap()
    };

    // Without the bundle the private CA is not trusted: refused, nothing reaches the server.
    let e = https(json!({}))
        .call("user.info", json!({"user_id": "u1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert_eq!(emu.request_count(0), 0);

    // With it, the same server is trusted.
    let bundle = tempfile("private-ca.pem", ca_pem.as_bytes());
    https(json!({"ca_bundle": bundle}))
        .call("user.register", json!({"user_id": "u1", "name": "Ann"}))
        .await
        .unwrap();
    assert_eq!(emu.request_count(0), 1);
}
