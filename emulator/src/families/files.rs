//! Files: Easemob chat attachments (upload, download with share-secret) and group share files.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::easemob_groups::{EaseGroups, group_not_found};
use super::{Answer, Call, Family, Outcome};
use crate::http::{em_error, new_id};

pub(crate) struct Files;

struct Attachment {
    data: Bytes,
    secret: String,
    restrict: bool,
}

#[derive(Default)]
struct Attachments(HashMap<String, Attachment>);

#[derive(Clone)]
struct ShareFile {
    id: String,
    name: String,
    owner: String,
    data: Bytes,
    created: u64,
}

/// Group id → its share files.
#[derive(Default)]
struct ShareFiles(BTreeMap<String, Vec<ShareFile>>);

impl Family for Files {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Easemob, "attachment."),
            (Cloud::Easemob, "group.share_"),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        Some(match call.op.name.as_str() {
            "attachment.upload" => upload(call),
            "attachment.download" => download(call),
            "group.share_files" => share_files(call),
            "group.share_file_upload" => share_upload(call),
            "group.share_file_download" => share_download(call),
            "group.share_file_delete" => share_delete(call),
            _ => return None,
        })
    }
}

fn missing_file() -> crate::http::Reply {
    em_error(400, "illegal_argument", "file part is missing")
}

fn upload(call: &mut Call<'_>) -> Outcome {
    let (_, data) = call.file.take().ok_or_else(missing_file)?;
    let uuid = new_id();
    let secret = new_id().replace('-', "");
    let restrict = call.flag("restrict_access").unwrap_or(false);
    call.state.part::<Attachments>().0.insert(
        uuid.clone(),
        Attachment {
            data,
            secret: secret.clone(),
            restrict,
        },
    );
    Ok(Answer::Entities(vec![
        json!({"uuid": uuid, "type": "chatfile", "share-secret": secret}),
    ]))
}

fn download(call: &mut Call<'_>) -> Outcome {
    let given = call.opt_s("share_secret");
    let f = call
        .state
        .part::<Attachments>()
        .0
        .get(
            call.args
                .get("uuid")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )
        .ok_or_else(|| em_error(404, "file_expired", "file not found or expired"))?;
    if f.restrict && given.as_deref() != Some(f.secret.as_str()) {
        return Err(em_error(
            403,
            "forbidden_op",
            "share-secret is missing or wrong",
        ));
    }
    Ok(Answer::Bytes(f.data.clone()))
}

/// The owner of group `id`, or the not-found error.
fn group_owner(call: &mut Call<'_>, id: &str) -> Result<String, crate::http::Reply> {
    call.state
        .part::<EaseGroups>()
        .groups
        .get(id)
        .map(|g| g.owner.clone())
        .ok_or_else(|| group_not_found(id))
}

fn share_files(call: &mut Call<'_>) -> Outcome {
    let id = call.s("group_id").to_string();
    group_owner(call, &id)?;
    let all: Vec<Value> = call
        .state
        .part::<ShareFiles>()
        .0
        .get(&id)
        .into_iter()
        .flatten()
        .map(|f| json!({"file_id": f.id, "file_name": f.name, "file_owner": f.owner, "file_size": f.data.len(), "created": f.created}))
        .collect();
    Ok(Answer::Data(Value::Array(call.page(&all, 1000))))
}

fn share_upload(call: &mut Call<'_>) -> Outcome {
    let id = call.s("group_id").to_string();
    let owner = group_owner(call, &id)?;
    let (name, data) = call.file.take().ok_or_else(missing_file)?;
    let fid = new_id();
    let size = data.len();
    let now = call.now;
    call.state
        .part::<ShareFiles>()
        .0
        .entry(id.clone())
        .or_default()
        .push(ShareFile {
            id: fid.clone(),
            name: name.clone(),
            owner,
            data,
            created: now,
        });
    Ok(Answer::Data(json!({
        "file_url": format!("https://emulator/{}/chatgroups/{id}/share_files/{fid}", call.app.replace('#', "/")),
        "group_id": id, "file_name": name, "created": now, "file_id": fid, "file_size": size
    })))
}

fn share_download(call: &mut Call<'_>) -> Outcome {
    let id = call.s("group_id").to_string();
    let fid = call.s("file_id").to_string();
    group_owner(call, &id)?;
    call.state
        .part::<ShareFiles>()
        .0
        .get(&id)
        .and_then(|files| files.iter().find(|f| f.id == fid))
        .map(|f| Answer::Bytes(f.data.clone()))
        .ok_or_else(|| em_error(404, "file_expired", "share file not found"))
}

fn share_delete(call: &mut Call<'_>) -> Outcome {
    let id = call.s("group_id").to_string();
    let fid = call.s("file_id").to_string();
    group_owner(call, &id)?;
    let files = call
        .state
        .part::<ShareFiles>()
        .0
        .entry(id.clone())
        .or_default();
    let before = files.len();
    files.retain(|f| f.id != fid);
    if files.len() == before {
        return Err(em_error(404, "file_expired", "share file not found"));
    }
    Ok(Answer::Data(
        json!({"group_id": id, "file_id": fid, "result": true}),
    ))
}
