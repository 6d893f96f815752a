//! Literal, hand-written requests — raw bodies, query strings and paths as the clouds document
//! them — and what the emulator made of them. Nothing here goes through the client's encoder, so
//! a bug shared by an encoder and a decoder written from it cannot pass unnoticed.

use imcloud_emulator::{
    DEFAULT_EASEMOB_CLIENT_ID, DEFAULT_EASEMOB_CLIENT_SECRET, DEFAULT_RONGCLOUD_APP_KEY,
    DEFAULT_RONGCLOUD_APP_SECRET, Emulator, EmulatorConfig,
};
use serde_json::{Value, json};

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig {
        hosts: 1,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

/// POST a literal form body to a RongCloud path, signed; the status and the JSON answer.
async fn rc(emu: &Emulator, path: &str, ctype: &str, body: &'static str) -> (u16, Value) {
    let (nonce, ts) = ("n0nce", "1700000000000");
    let sig = imcloud::signing::signature(DEFAULT_RONGCLOUD_APP_SECRET, nonce, ts);
    let r = reqwest::Client::new()
        .post(format!("{}{path}", emu.hosts()[0]))
        .header("App-Key", DEFAULT_RONGCLOUD_APP_KEY)
        .header("Nonce", nonce)
        .header("Timestamp", ts)
        .header("Signature", sig)
        .header("Content-Type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn rongcloud_form_fields_by_their_wire_names() {
    let emu = start().await;
    let (st, v) = rc(
        &emu,
        "/user/getToken.json",
        FORM,
        "userId=u1&name=Ann%20Lee&portraitUri=",
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["userId"], "u1");
    assert!(
        v["token"]
            .as_str()
            .unwrap()
            .contains(DEFAULT_RONGCLOUD_APP_KEY)
    );

    emu.set_online("u1", true);
    let (_, v) = rc(&emu, "/user/checkOnline.json", FORM, "userId=u1").await;
    assert_eq!(v["status"], "1");
    // a caller-side name is not a wire name: `user_id` is not read as `userId`
    let (st, v) = rc(&emu, "/user/checkOnline.json", FORM, "user_id=u1").await;
    assert_eq!((st, &v["code"]), (400, &json!(1002)), "{v}");
}

#[tokio::test]
async fn rongcloud_repeated_keys_are_lists() {
    let emu = start().await;
    let (st, v) = rc(
        &emu,
        "/message/private/publish.json",
        FORM,
        "fromUserId=a&toUserId=b&toUserId=c&objectName=RC%3ATxtMsg\
         &content=%7B%22content%22%3A%22hi+there%22%7D&isPersisted=0&pushExt=%7B%22t%22%3A1%7D",
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["messageUIDs"].as_array().unwrap().len(), 2);
    let sent = emu.sent_messages();
    let to: Vec<&str> = sent.iter().map(|m| m.to[0].as_str()).collect();
    assert_eq!(to, ["b", "c"]);
    assert_eq!(sent[0].from, "a");
    assert_eq!(sent[0].kind, "RC:TxtMsg");
    assert_eq!(sent[0].body, json!({"content": "hi there"}));
    assert_eq!(sent[0].ext, json!("{\"t\":1}"));

    let (st, _) = rc(
        &emu,
        "/group/create.json",
        FORM,
        "userId=m1&userId=m2&userId=m3&groupId=g1&groupName=G",
    )
    .await;
    assert_eq!(st, 200);
    let (_, v) = rc(&emu, "/group/user/query.json", FORM, "groupId=g1").await;
    assert_eq!(
        v["users"],
        json!([{"id": "m1"}, {"id": "m2"}, {"id": "m3"}])
    );

    let (st, _) = rc(&emu, "/user/block.json", FORM, "userId=x&userId=y&minute=5").await;
    assert_eq!(st, 200);
    let (_, v) = rc(&emu, "/user/block/query.json", FORM, "").await;
    let blocked: Vec<&str> = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userId"].as_str().unwrap())
        .collect();
    assert_eq!(blocked, ["x", "y"]);
}

#[tokio::test]
async fn rongcloud_text_that_is_not_its_declared_type_is_refused() {
    let emu = start().await;
    let (st, v) = rc(&emu, "/user/block.json", FORM, "userId=x&minute=five").await;
    assert_eq!((st, &v["code"]), (400, &json!(1005)), "{v}");
    assert!(
        v["errorMessage"].as_str().unwrap().contains("minute"),
        "{v}"
    );
    // a 0/1 flag does not take true/false
    let (st, _) = rc(
        &emu,
        "/message/system/publish.json",
        FORM,
        "fromUserId=a&toUserId=b&objectName=RC%3ATxtMsg&content=%7B%7D&isPersisted=true",
    )
    .await;
    assert_eq!(st, 400);
    // a JSON operation wants JSON
    let (st, _) = rc(&emu, "/push.json", FORM, "platform=ios").await;
    assert_eq!(st, 400);
    let (st, v) = rc(
        &emu,
        "/push.json",
        "application/json",
        r#"{"platform":["ios","android"],"audience":{"is_to_all":true},"notification":{"alert":"hi"}}"#,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert!(v["id"].is_string());
}

/// An Easemob request with a literal body; the status and the answer's bytes.
async fn em(
    emu: &Emulator,
    token: Option<&str>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, Vec<u8>) {
    let url = format!("{}/emulator-org/emulator-app{path}", emu.hosts()[0]);
    let mut r = reqwest::Client::new().request(method.parse().unwrap(), url);
    if let Some(t) = token {
        r = r.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.body(body).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn em_json(
    emu: &Emulator,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let headers = [("Content-Type", "application/json")];
    let (st, b) = em(
        emu,
        Some(token),
        method,
        path,
        &headers,
        body.as_bytes().to_vec(),
    )
    .await;
    (st, serde_json::from_slice(&b).unwrap())
}

async fn token(emu: &Emulator) -> String {
    let body = format!(
        r#"{{"grant_type":"client_credentials","client_id":"{DEFAULT_EASEMOB_CLIENT_ID}","client_secret":"{DEFAULT_EASEMOB_CLIENT_SECRET}","ttl":60}}"#
    );
    let (st, b) = em(
        emu,
        None,
        "POST",
        "/token",
        &[("Content-Type", "application/json")],
        body.into_bytes(),
    )
    .await;
    assert_eq!(st, 200);
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["expires_in"], 60);
    v["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn easemob_token_needs_the_literal_grant_type() {
    let emu = start().await;
    let body = format!(
        r#"{{"grant_type":"password","client_id":"{DEFAULT_EASEMOB_CLIENT_ID}","client_secret":"{DEFAULT_EASEMOB_CLIENT_SECRET}"}}"#
    );
    let (st, b) = em(
        &emu,
        None,
        "POST",
        "/token",
        &[("Content-Type", "application/json")],
        body.into_bytes(),
    )
    .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!((st, &v["error"]), (400, &json!("unsupported_grant_type")));
    token(&emu).await;
}

#[tokio::test]
async fn easemob_json_bodies_lists_and_nested_fields() {
    let emu = start().await;
    let t = token(&emu).await;
    // one user: a one-element list
    let (st, v) = em_json(
        &emu,
        &t,
        "POST",
        "/users",
        r#"[{"username":"Ann","password":"p","nickname":"A"}]"#,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["entities"][0]["username"], "ann");
    assert_eq!(v["entities"][0]["nickname"], "A");
    // a batch: a longer list
    let (_, v) = em_json(
        &emu,
        &t,
        "POST",
        "/users",
        r#"[{"username":"b1","password":"p"},{"username":"b2","password":"p"}]"#,
    )
    .await;
    assert_eq!(v["entities"].as_array().unwrap().len(), 2);
    // a percent-encoded path segment
    let (st, v) = em_json(&emu, &t, "GET", "/users/b%31", "").await;
    assert_eq!((st, &v["entities"][0]["username"]), (200, &json!("b1")));

    // nested wire names (`body.size.width`) come back as the parameters they are
    let (st, v) = em_json(
        &emu,
        &t,
        "POST",
        "/messages/users",
        r#"{"from":"ann","to":["b1","b2"],"type":"img","body":{"url":"https://x/y.png","filename":"y.png","secret":"s","size":{"width":480,"height":720}},"ext":{"k":"v"}}"#,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["data"].as_object().unwrap().len(), 2);
    let m = &emu.sent_messages()[0];
    assert_eq!(
        (m.kind.as_str(), m.from.as_str(), m.target_type.as_str()),
        ("img", "ann", "users")
    );
    assert_eq!(
        m.body,
        json!({"url": "https://x/y.png", "filename": "y.png", "secret": "s", "width": 480, "height": 720})
    );
    assert_eq!(m.ext, json!({"k": "v"}));

    // the `type` constant picks the operation among those sharing the path
    em_json(
        &emu,
        &t,
        "POST",
        "/messages/users",
        r#"{"to":["b1"],"type":"txt","body":{"msg":"hello"},"routetype":"ROUTE_ONLINE"}"#,
    )
    .await;
    let m = &emu.sent_messages()[2];
    assert_eq!((m.kind.as_str(), m.from.as_str()), ("txt", "admin"));
    assert_eq!(m.body, json!({"msg": "hello"}));
    let (st, _) = em_json(
        &emu,
        &t,
        "POST",
        "/messages/users",
        r#"{"to":["b1"],"type":"txt","body":{"msg":"x"},"routetype":7}"#,
    )
    .await;
    assert_eq!(st, 400, "a flag word is the word, not a number");
}

#[tokio::test]
async fn easemob_query_strings_and_lists_in_a_path_segment() {
    let emu = start().await;
    let t = token(&emu).await;
    let (st, v) = em_json(&emu, &t, "POST", "/chatgroups", r#"{"groupname":"g","description":"d","public":true,"maxusers":50,"owner":"o","members":["m1","m2","m3"]}"#).await;
    assert_eq!(st, 200, "{v}");
    let gid = v["data"]["groupid"].as_str().unwrap().to_string();
    let (_, v) = em_json(
        &emu,
        &t,
        "GET",
        &format!("/chatgroups/{gid}/users?pagenum=2&pagesize=2"),
        "",
    )
    .await;
    assert_eq!(v["data"], json!([{"member": "m2"}, {"member": "m3"}]));
    let (st, v) = em_json(
        &emu,
        &t,
        "GET",
        &format!("/chatgroups/{gid}/users?pagesize=many"),
        "",
    )
    .await;
    assert_eq!((st, &v["error"]), (400, &json!("illegal_argument")), "{v}");
    let (_, v) = em_json(
        &emu,
        &t,
        "DELETE",
        &format!("/chatgroups/{gid}/users/m1,m3"),
        "",
    )
    .await;
    let removed: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["m1", "m3"]);
    let (_, v) = em_json(&emu, &t, "GET", &format!("/chatgroups/{gid}"), "").await;
    assert_eq!(
        v["data"][0]["affiliations"],
        json!([{"owner": "o"}, {"member": "m2"}])
    );
    assert_eq!(v["data"][0]["maxusers"], 50);
    assert_eq!(v["data"][0]["public"], true);
}

#[tokio::test]
async fn easemob_multipart_upload_and_header_parameters() {
    let emu = start().await;
    let t = token(&emu).await;
    let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\
Content-Type: application/octet-stream\r\n\r\n\
\x00\x01hello\xff\r\n\
--XyZ--\r\n"
        .to_vec();
    let (st, b) = em(
        &emu,
        Some(&t),
        "POST",
        "/chatfiles",
        &[
            ("Content-Type", "multipart/form-data; boundary=XyZ"),
            ("restrict-access", "true"),
        ],
        body,
    )
    .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(st, 200, "{v}");
    let uuid = v["entities"][0]["uuid"].as_str().unwrap().to_string();
    let secret = v["entities"][0]["share-secret"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/chatfiles/{uuid}");
    let (st, _) = em(&emu, Some(&t), "GET", &path, &[], vec![]).await;
    assert_eq!(st, 403, "restrict-access: true was read as true");
    let (st, bytes) = em(
        &emu,
        Some(&t),
        "GET",
        &path,
        &[("share-secret", &secret)],
        vec![],
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(bytes, b"\x00\x01hello\xff");

    // a header flag that is not a bool is refused
    let (st, _) = em(
        &emu,
        Some(&t),
        "POST",
        "/chatfiles",
        &[("Content-Type", "multipart/form-data; boundary=XyZ"), ("restrict-access", "yes")],
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--XyZ--\r\n".to_vec(),
    )
    .await;
    assert_eq!(st, 400);
}
