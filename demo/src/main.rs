//! The README's demonstration: the seeds' journey against the embedded emulator, in Rust.
//! Part-way through, the primary host stops accepting connections; the calls go on through the backup.

use std::time::Instant;

use imcloud::{Easemob, FileSink, FileSource, Response, RongCloud};
use imcloud_emulator::{Emulator, EmulatorConfig, Fault, FaultKind};
use serde_json::json;

fn host_name(emu: &Emulator, host: &str) -> &'static str {
    if emu.hosts().first().is_some_and(|h| h == host) {
        "primary"
    } else {
        "backup"
    }
}

fn step(emu: &Emulator, what: &str, r: &Response, detail: String) {
    println!(
        "  ✓ {what:<44} via {:<7}  {detail}",
        host_name(emu, &r.host)
    );
}

fn short(s: &str) -> String {
    if s.chars().count() > 12 {
        format!("{}…", s.chars().take(12).collect::<String>())
    } else {
        s.to_string()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    println!(
        "imcloud demo (Rust) — emulator hosts: primary {}, backup {}",
        emu.hosts()[0],
        emu.hosts()[1]
    );
    let rc = RongCloud::new(emu.rongcloud_config())?;
    let em = Easemob::new(emu.easemob_config())?;

    println!("RongCloud:");
    for (id, name) in [("u1", "Ann"), ("u2", "Bob")] {
        let r = rc
            .call("user.register", json!({"user_id": id, "name": name}))
            .await?;
        step(
            &emu,
            &format!("register {id} and get its token"),
            &r,
            format!("token {}", short(r.get_str("token").unwrap_or(""))),
        );
    }
    let r = rc
        .call("message.private.publish", json!({"from_user_id": "u1", "to_user_ids": ["u2"], "object_name": "RC:TxtMsg", "content": {"content": "Hello Bob"}}))
        .await?;
    step(
        &emu,
        "send a text message u1 → u2",
        &r,
        format!(
            "messageUID {}",
            r.get("messageUIDs")
                .map(|v| v[0]["messageUID"].to_string())
                .unwrap_or_default()
        ),
    );
    emu.set_online("u2", true);
    let r = rc
        .call("user.check_online", json!({"user_id": "u2"}))
        .await?;
    step(
        &emu,
        "check whether u2 is online",
        &r,
        format!("status {}", r.get_str("status").unwrap_or("?")),
    );

    println!("Easemob / Agora Chat:");
    let r = em.call("user.register_batch", json!({"users": [{"username": "alice", "password": "pw-a"}, {"username": "bob", "password": "pw-b"}]})).await?;
    step(
        &emu,
        "register alice and bob",
        &r,
        format!("{} users", r.result.as_array().map_or(0, Vec::len)),
    );
    let r = em
        .call(
            "message.send_text",
            json!({"target_type": "users", "from": "alice", "to": ["bob"], "msg": "Hi Bob!"}),
        )
        .await?;
    step(
        &emu,
        "send a text message alice → bob",
        &r,
        format!("message id {}", r.get_str("bob").unwrap_or("")),
    );
    let img = em
        .upload(
            "attachment.upload",
            json!({"restrict_access": true}),
            FileSource::bytes("cat.jpg", &b"\xff\xd8\xff\xe0 a tiny jpeg"[..]),
        )
        .await?;
    let (uuid, secret) = (
        img.get_str("uuid").unwrap_or("").to_string(),
        img.get_str("share-secret").unwrap_or("").to_string(),
    );
    step(
        &emu,
        "upload an image attachment",
        &img,
        format!("uuid {}", short(&uuid)),
    );
    let r = em
        .call("message.send_image", json!({"target_type": "users", "from": "alice", "to": ["bob"], "url": format!("{}/chatfiles/{uuid}", emu.hosts()[0]), "filename": "cat.jpg", "secret": secret, "width": 64, "height": 48}))
        .await?;
    step(
        &emu,
        "send the image message alice → bob",
        &r,
        format!("message id {}", r.get_str("bob").unwrap_or("")),
    );
    emu.set_online("alice", true);
    let r = em
        .call("user.status_batch", json!({"usernames": ["alice", "bob"]}))
        .await?;
    step(
        &emu,
        "check online status of alice and bob",
        &r,
        r.result.to_string(),
    );
    let r = em
        .call(
            "group.create",
            json!({"groupname": "launch", "public": false, "owner": "alice", "members": ["bob"]}),
        )
        .await?;
    let gid = r.get_str("groupid").unwrap_or("").to_string();
    step(&emu, "create a group", &r, format!("group {gid}"));
    let r = em
        .call(
            "group.announcement_set",
            json!({"group_id": gid, "announcement": "Launch on Friday 🚀"}),
        )
        .await?;
    step(
        &emu,
        "set the group announcement",
        &r,
        format!("result {}", r.get("result").unwrap_or(&json!(null))),
    );
    let r = em
        .call("group.announcement_get", json!({"group_id": gid}))
        .await?;
    step(
        &emu,
        "read the group announcement",
        &r,
        format!("{:?}", r.get_str("announcement").unwrap_or("")),
    );

    println!("--- the primary host goes down (connections refused) ---");
    emu.set_fault(0, Fault::always(FaultKind::Refuse)).await;

    let dir = std::env::temp_dir().join(format!("imcloud-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let plan = dir.join("plan.txt");
    std::fs::write(&plan, "Friday: ship it.\n".repeat(1000))?;
    let r = em
        .upload(
            "group.share_file_upload",
            json!({"group_id": gid}),
            FileSource::path(&plan),
        )
        .await?;
    let fid = r.get_str("file_id").unwrap_or("").to_string();
    step(
        &emu,
        "upload a share file (streamed from disk)",
        &r,
        format!("{} bytes", r.get("file_size").unwrap_or(&json!(0))),
    );
    let r = em
        .call(
            "group.share_files",
            json!({"group_id": gid, "pagenum": 1, "pagesize": 10}),
        )
        .await?;
    step(
        &emu,
        "list the group's share files",
        &r,
        format!("{} file(s)", r.result.as_array().map_or(0, Vec::len)),
    );
    let copy = dir.join("plan-copy.txt");
    let d = em
        .download(
            "group.share_file_download",
            json!({"group_id": gid, "file_id": fid}),
            FileSink::path(&copy),
        )
        .await?;
    let same = std::fs::read(&copy)? == std::fs::read(&plan)?;
    println!(
        "  ✓ {:<44} via {:<7}  {} bytes, identical: {same}",
        "download the share file (streamed to disk)",
        host_name(&emu, &d.host),
        d.bytes
    );
    let r = em
        .call(
            "group.share_file_delete",
            json!({"group_id": gid, "file_id": fid}),
        )
        .await?;
    step(
        &emu,
        "delete the share file",
        &r,
        format!("result {}", r.get("result").unwrap_or(&json!(null))),
    );
    let r = em
        .upload(
            "attachment.upload",
            json!({}),
            FileSource::bytes("voice.amr", vec![7u8; 4096]),
        )
        .await?;
    let au = r.get_str("uuid").unwrap_or("").to_string();
    step(
        &emu,
        "upload an attachment",
        &r,
        format!("uuid {}", short(&au)),
    );
    let (w, mut rd) = tokio::io::duplex(1 << 16);
    let d = em
        .download(
            "attachment.download",
            json!({"uuid": au}),
            FileSink::writer(w),
        )
        .await?;
    let mut buf = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut rd, &mut buf).await?;
    println!(
        "  ✓ {:<44} via {:<7}  {} bytes",
        "download the attachment (streamed to memory)",
        host_name(&emu, &d.host),
        buf.len()
    );
    let r = rc
        .call("message.private.publish", json!({"from_user_id": "u2", "to_user_ids": ["u1"], "object_name": "RC:TxtMsg", "content": {"content": "Still here"}}))
        .await?;
    step(
        &emu,
        "RongCloud: send a text message u2 → u1",
        &r,
        "sent once".to_string(),
    );

    let _ = std::fs::remove_dir_all(&dir);
    let sent = emu.sent_messages().len();
    println!(
        "done in {:.2}s: primary served {} requests, backup {}; {} messages recorded by the emulator",
        started.elapsed().as_secs_f64(),
        emu.request_count(0),
        emu.request_count(1),
        sent
    );
    if emu.request_count(1) == 0 || sent != 4 {
        return Err("the demo did not go as expected".into());
    }
    Ok(())
}
