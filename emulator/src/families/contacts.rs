//! Contacts and the user blocklist (Easemob `user.contact.*`, `user.blocklist.*`): per owner, a
//! contact list (with remarks) and a blocklist, most recent first when listed. Every user named
//! must be registered: the users family answers an unknown one, so the 404 is its own.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::users::easemob_user;
use super::{Answer, Call, Family, Outcome};
use crate::http::em_error;

pub(crate) struct Contacts;

impl Family for Contacts {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Easemob, "user.contact."),
            (Cloud::Easemob, "user.blocklist."),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        OPERATIONS
            .contains(&call.op.name.as_str())
            .then(|| easemob(call))
    }
}

/// The operations given behaviour here; another of these prefixes gets the canned answer.
const OPERATIONS: &[&str] = &[
    "user.contact.import",
    "user.contact.add",
    "user.contact.remove",
    "user.contact.list",
    "user.contact.list_paged",
    "user.contact.remark",
    "user.blocklist.list",
    "user.blocklist.add",
    "user.blocklist.remove",
];

/// One app's relations, by lowercased user name (Easemob names are case-insensitive). Lists are
/// kept oldest first and shown newest first.
#[derive(Default)]
struct Relations {
    /// owner → (contact, remark)
    contacts: BTreeMap<String, Vec<(String, Option<String>)>>,
    /// owner → blocked users
    blocks: BTreeMap<String, Vec<String>>,
}

/// Page `items` (already newest first) from the offset `cursor` (a number we handed out; absent:
/// the start), `size` at a time.
fn page<T: Clone>(items: &[T], cursor: &str, size: usize) -> Vec<T> {
    let from = cursor.parse::<usize>().unwrap_or(0);
    items.iter().skip(from).take(size).cloned().collect()
}

/// Adding is two-way: each user shows up in the other's list (once).
fn befriend(call: &mut Call<'_>, owner: &str, friend: &str) {
    let rel = call.state.part::<Relations>();
    for (a, b) in [(owner, friend), (friend, owner)] {
        let list = rel.contacts.entry(a.to_string()).or_default();
        if !list.iter().any(|(c, _)| c == b) {
            list.push((b.to_string(), None));
        }
    }
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.clone();
    let owner_name = if op == "user.contact.list_paged" {
        call.s("username").to_string()
    } else {
        call.s("owner_username").to_string()
    };
    easemob_user(call, &owner_name)?;
    let owner = owner_name.to_lowercase();
    match op.as_str() {
        "user.contact.add" => {
            let friend_name = call.s("friend_username").to_string();
            let entity = easemob_user(call, &friend_name)?;
            befriend(call, &owner, &friend_name.to_lowercase());
            Ok(Answer::Entities(vec![entity]))
        }
        "user.contact.import" => {
            // Each name on its own: a registered user becomes a two-way contact (as `add`), an
            // unknown one is listed as NotExistFailed; the emulator has no contact limit.
            let mut success = Vec::new();
            let mut missing = Vec::new();
            for name in call.list("usernames") {
                if easemob_user(call, &name).is_err() {
                    missing.push(name);
                    continue;
                }
                befriend(call, &owner, &name.to_lowercase());
                success.push(name);
            }
            Ok(Answer::Data(json!({
                "success": success,
                "NotExistFailed": missing,
                "maxLimitFailed": [],
                "UnKnowFailed": [],
            })))
        }
        "user.contact.remove" => {
            let friend_name = call.s("friend_username").to_string();
            let entity = easemob_user(call, &friend_name)?;
            let friend = friend_name.to_lowercase();
            let rel = call.state.part::<Relations>();
            for (a, b) in [(&owner, &friend), (&friend, &owner)] {
                if let Some(list) = rel.contacts.get_mut(a) {
                    list.retain(|(c, _)| c != b);
                }
            }
            Ok(Answer::Entities(vec![entity]))
        }
        "user.contact.list" => {
            let names: Vec<Value> = contacts_newest_first(call, &owner)
                .into_iter()
                .map(|(c, _)| Value::String(c))
                .collect();
            Ok(Answer::Data(Value::Array(names)))
        }
        "user.contact.list_paged" => {
            let all = contacts_newest_first(call, &owner);
            let size = call.int("limit").unwrap_or(10).max(1) as usize;
            let remarks = call.flag("need_return_remark").unwrap_or(false);
            let from = call.s("cursor").parse::<usize>().unwrap_or(0);
            let contacts: Vec<Value> = page(&all, call.s("cursor"), size)
                .into_iter()
                .map(|(c, r)| json!({"username": c, "remark": if remarks { r } else { None }}))
                .collect();
            // a cursor (the next offset) while more remain; none on the last page
            let mut data = json!({ "contacts": contacts });
            if from + size < all.len() {
                data["cursor"] = json!((from + size).to_string());
            }
            Ok(Answer::Data(data))
        }
        "user.contact.remark" => {
            let friend_name = call.s("friend_username").to_string();
            easemob_user(call, &friend_name)?;
            let friend = friend_name.to_lowercase();
            let remark = call.s("remark").to_string();
            let (org, app) = call.app.split_once('#').unwrap_or((call.app, call.app));
            let uri = format!(
                "http://emulator/{org}/{app}/user/{owner_name}/contacts/users/{friend_name}"
            );
            let now = call.now;
            let rel = call.state.part::<Relations>();
            let entry = rel
                .contacts
                .get_mut(&owner)
                .and_then(|l| l.iter_mut().find(|(c, _)| *c == friend));
            match entry {
                Some((_, r)) => {
                    *r = Some(remark);
                    Ok(Answer::Raw(
                        json!({"action": "put", "duration": 0, "status": "ok",
                        "timestamp": now, "uri": uri}),
                    ))
                }
                None => Err(em_error(
                    403,
                    "forbidden_op",
                    &format!("{friend_name} is not a contact of {owner_name}"),
                )),
            }
        }
        "user.blocklist.list" => {
            let all: Vec<String> = call
                .state
                .part::<Relations>()
                .blocks
                .get(&owner)
                .map(|l| l.iter().rev().cloned().collect())
                .unwrap_or_default();
            let size = call
                .int("page_size")
                .map_or(all.len(), |n| n.max(1) as usize);
            let names = page(&all, call.s("cursor"), size);
            Ok(Answer::Data(json!(names)))
        }
        "user.blocklist.add" => {
            let names = call.list("usernames");
            for n in &names {
                easemob_user(call, n)?;
            }
            let list = call
                .state
                .part::<Relations>()
                .blocks
                .entry(owner)
                .or_default();
            for n in &names {
                let key = n.to_lowercase();
                if !list.contains(&key) {
                    list.push(key);
                }
            }
            Ok(Answer::Data(json!(names)))
        }
        "user.blocklist.remove" => {
            let blocked_name = call.s("blocked_username").to_string();
            let entity = easemob_user(call, &blocked_name)?;
            let blocked = blocked_name.to_lowercase();
            if let Some(list) = call.state.part::<Relations>().blocks.get_mut(&owner) {
                list.retain(|b| *b != blocked);
            }
            Ok(Answer::Entities(vec![entity]))
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    }
}

/// `owner`'s contacts with their remarks, most recently added first.
fn contacts_newest_first(call: &mut Call<'_>, owner: &str) -> Vec<(String, Option<String>)> {
    call.state
        .part::<Relations>()
        .contacts
        .get(owner)
        .map(|l| l.iter().rev().cloned().collect())
        .unwrap_or_default()
}
