//! The emulator as a process, driven over its admin API, as other languages' tests use it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use imcloud::{RongCloud, RongCloudConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn binary_prints_its_urls_and_obeys_the_admin_api() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imcloud-emulator"))
        .args([
            "--hosts",
            "2",
            "--rongcloud",
            "bin-key:bin-secret",
            "--exit-on-stdin-close",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).expect("one JSON line");
    let hosts: Vec<String> = serde_json::from_value(info["hosts"].clone()).unwrap();
    let admin = info["admin"].as_str().unwrap().to_string();
    assert_eq!(hosts.len(), 2);
    assert_eq!(info["rongcloud"][0]["app_key"], "bin-key");

    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| http.post(format!("{admin}{path}")).json(&body).send();
    assert!(
        post("/_emulator/faults", json!({"host": 0, "kind": "refuse"}))
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let bad = post("/_emulator/faults", json!({"host": 9, "kind": "hang"}))
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);

    let mut cfg = RongCloudConfig::with_hosts("bin-key", "bin-secret", hosts.clone());
    cfg.options.allow_insecure_http = true;
    let rc = RongCloud::new(cfg).unwrap();
    post("/_emulator/online", json!({"user": "u1", "online": true}))
        .await
        .unwrap();
    let r = rc
        .call("user.check_online", json!({"user_id": "u1"}))
        .await
        .unwrap();
    assert_eq!(
        (r.host.as_str(), r.get_str("status")),
        (hosts[1].as_str(), Some("1"))
    );
    rc.call(
        "message.private.publish",
        json!({"from_user_id": "u1", "to_user_ids": ["u2"], "object_name": "RC:TxtMsg", "content": {"content": "hi"}}),
    )
    .await
    .unwrap();

    let get = |path: &str| http.get(format!("{admin}{path}")).send();
    let reqs: Value = get("/_emulator/requests?host=1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["user.check_online", "message.private.publish"]);
    let none: Value = get("/_emulator/requests?host=0")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let msgs: Value = get("/_emulator/messages")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(msgs[0]["body"], json!({"content": "hi"}));
    let info2: Value = get("/_emulator/info").await.unwrap().json().await.unwrap();
    assert_eq!(info2["hosts"], json!(hosts));
    assert!(
        http.delete(format!("{admin}/_emulator/faults"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );

    drop(child.stdin.take()); // closing stdin stops it
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}
