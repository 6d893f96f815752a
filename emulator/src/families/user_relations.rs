//! RongCloud user relations and account state: each user's blocklist and allowlist, the
//! deactivated ids, and reading the push tags the users family keeps.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome, users};
use crate::http::new_id;

pub(crate) struct UserRelations;

impl Family for UserRelations {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[
            (Cloud::Rongcloud, "user.blacklist."),
            (Cloud::Rongcloud, "user.whitelist."),
            (Cloud::Rongcloud, "user.deactivate"),
            (Cloud::Rongcloud, "user.reactivate"),
            (Cloud::Rongcloud, "user.tags."),
        ]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        match call.op.name.as_str() {
            "user.blacklist.add" => ok(add::<Blacklists>(call, "black_user_ids")),
            "user.blacklist.remove" => ok(remove::<Blacklists>(call, "black_user_ids")),
            "user.blacklist.query" => ok(query::<Blacklists>(call)),
            "user.whitelist.add" => ok(add::<Whitelists>(call, "white_user_ids")),
            "user.whitelist.remove" => ok(remove::<Whitelists>(call, "white_user_ids")),
            "user.whitelist.query" => ok(query::<Whitelists>(call)),
            "user.deactivate" => {
                let ids = comma_list(call.s("user_ids"));
                for id in &ids {
                    // Deactivation deletes the user's one-to-one blocklist and allowlist.
                    call.state.part::<Blacklists>().lists().remove(id);
                    call.state.part::<Whitelists>().lists().remove(id);
                }
                call.state.part::<Deactivated>().0.extend(ids);
                ok(json!({"operateId": new_id()}))
            }
            "user.reactivate" => {
                let ids = comma_list(call.s("user_ids"));
                let set = &mut call.state.part::<Deactivated>().0;
                for id in ids {
                    set.remove(&id);
                }
                ok(json!({"operateId": new_id()}))
            }
            "user.deactivate.query" => {
                let no = call.int("page_no").unwrap_or(1).max(1) as usize;
                let size = call.int("page_size").unwrap_or(50).max(1) as usize;
                let users: Vec<&String> = call
                    .state
                    .part::<Deactivated>()
                    .0
                    .iter()
                    .skip((no - 1) * size)
                    .take(size)
                    .collect();
                ok(json!({"users": users}))
            }
            "user.tags.get" => {
                let result: serde_json::Map<String, Value> = call
                    .list("user_ids")
                    .into_iter()
                    .map(|id| {
                        let tags = users::rong_tags(call.state, &id);
                        (id, json!(tags))
                    })
                    .collect();
                ok(json!({"result": result}))
            }
            _ => None,
        }
    }
}

/// Per user, the users on one of their lists, in the order they were added.
type Lists = BTreeMap<String, Vec<String>>;

/// A kind of per-user list (blocklist or allowlist), kept per app.
trait UserLists: Default + Send + 'static {
    fn lists(&mut self) -> &mut Lists;
}

#[derive(Default)]
struct Blacklists(Lists);

#[derive(Default)]
struct Whitelists(Lists);

impl UserLists for Blacklists {
    fn lists(&mut self) -> &mut Lists {
        &mut self.0
    }
}

impl UserLists for Whitelists {
    fn lists(&mut self) -> &mut Lists {
        &mut self.0
    }
}

/// The user ids whose deactivation was requested (and not reactivated since).
#[derive(Default)]
struct Deactivated(BTreeSet<String>);

/// `uid1,uid2` as ids, blanks dropped.
fn comma_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

fn add<L: UserLists>(call: &mut Call<'_>, param: &str) -> Value {
    let (owner, others) = (call.s("user_id").to_string(), call.list(param));
    let list = call.state.part::<L>().lists().entry(owner).or_default();
    for other in others {
        if !list.contains(&other) {
            list.push(other);
        }
    }
    json!({})
}

fn remove<L: UserLists>(call: &mut Call<'_>, param: &str) -> Value {
    let (owner, others) = (call.s("user_id").to_string(), call.list(param));
    if let Some(list) = call.state.part::<L>().lists().get_mut(&owner) {
        list.retain(|u| !others.contains(u));
    }
    json!({})
}

/// A page of a user's list, most recently added first; `next` (the offset of the following
/// page) only when one follows. An unreadable page token starts from the beginning.
fn query<L: UserLists>(call: &mut Call<'_>) -> Value {
    let owner = call.s("user_id").to_string();
    let start: usize = call.s("page_token").parse().unwrap_or(0);
    let size = call.int("size").unwrap_or(1000).max(1) as usize;
    let list = call
        .state
        .part::<L>()
        .lists()
        .get(&owner)
        .cloned()
        .unwrap_or_default();
    let users: Vec<&String> = list.iter().rev().skip(start).take(size).collect();
    let mut out = json!({ "users": users });
    if start + size < list.len() {
        out["next"] = json!((start + size).to_string());
    }
    out
}
