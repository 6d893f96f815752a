//! Easemob chat groups: details, members, admins, the blocklist, the allowlist, mutes (one by one
//! and the whole group), the disabled flag, member attributes and the announcement. (Group share
//! files are in `files.rs`, threads in `threads.rs`.)
//!
//! Lists are kept in the order things were added. A request that names a user the group does not
//! have answers the documented error; the batch forms answer one item per user instead.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::threads::{drop_group_threads, leave_group_threads};
use super::users::easemob_user;
use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{Reply, em_error};

pub(crate) struct EasemobGroups;

impl Family for EasemobGroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "group.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        easemob(call)
    }
}

pub(crate) struct EaseGroup {
    pub name: String,
    pub description: String,
    pub owner: String,
    pub public: bool,
    pub maxusers: i64,
    /// The owner and the members, in the order they joined.
    pub members: Vec<String>,
    pub announcement: String,
    pub created: u64,
    pub custom: String,
    pub avatar: String,
    pub membersonly: bool,
    pub allowinvites: bool,
    pub invite_need_confirm: bool,
    pub modified: u64,
    pub admins: Vec<String>,
    pub blocks: Vec<String>,
    pub allowlist: Vec<String>,
    /// Muted member → when the mute ends (Unix ms).
    pub mutes: BTreeMap<String, u64>,
    pub mute_all: bool,
    pub disabled: bool,
    /// Member → their custom attributes in this group.
    pub attributes: BTreeMap<String, BTreeMap<String, String>>,
}

impl EaseGroup {
    fn is_member(&self, u: &str) -> bool {
        self.members.iter().any(|m| m == u)
    }

    /// Take `u` out of the group and every list that needs membership.
    fn drop_member(&mut self, u: &str) {
        self.members.retain(|m| m != u);
        self.admins.retain(|m| m != u);
        self.allowlist.retain(|m| m != u);
        self.mutes.remove(u);
        self.attributes.remove(u);
    }
}

/// The chat groups of one app.
#[derive(Default)]
pub(crate) struct EaseGroups {
    pub groups: BTreeMap<String, EaseGroup>,
    next: u64,
}

/// The group `id` of this app, or Easemob's not-found error.
pub(crate) fn ease_group<'a>(app: &'a mut AppState, id: &str) -> Result<&'a mut EaseGroup, Reply> {
    app.part::<EaseGroups>()
        .groups
        .get_mut(id)
        .ok_or_else(|| group_not_found(id))
}

pub(crate) fn group_not_found(id: &str) -> Reply {
    em_error(
        404,
        "resource_not_found",
        &format!("grpID {id} does not exist!"),
    )
}

/// Whether `user` is a member of group `id` (false for an unknown group).
pub(crate) fn is_group_member(app: &mut AppState, id: &str, user: &str) -> bool {
    app.part::<EaseGroups>()
        .groups
        .get(id)
        .is_some_and(|g| g.is_member(user))
}

fn affiliations(g: &EaseGroup) -> Vec<Value> {
    g.members
        .iter()
        .map(|m| {
            if *m == g.owner {
                json!({"owner": m})
            } else {
                json!({"member": m})
            }
        })
        .collect()
}

fn forbidden(desc: &str) -> Reply {
    em_error(403, "forbidden_op", desc)
}

fn not_members(users: &[String]) -> Reply {
    forbidden(&format!(
        "users [{}] are not members of this group!",
        users.join(", ")
    ))
}

fn on_owner() -> Reply {
    forbidden("forbidden operation on group owner!")
}

/// Each of `names` who is no longer a member of group `id` leaves its threads too.
fn leave_threads_unless_member(state: &mut AppState, id: &str, names: &[String]) {
    for u in names {
        if !is_group_member(state, id, u) {
            leave_group_threads(state, id, u);
        }
    }
}

/// A 404 unless `name` is a registered user of this app (the users family answers the lookup).
fn registered(call: &mut Call<'_>, name: &str) -> Result<(), Reply> {
    match easemob_user(call, name) {
        Err(_) => Err(em_error(
            404,
            "resource_not_found",
            &format!("username {name} doesn't exist!"),
        )),
        Ok(_) => Ok(()),
    }
}

/// An Easemob body with the envelope's usual fields plus `extra` (for answers that carry fields
/// beside `data` / `entities`: `cursor`, `count`, `total`, `properties`).
pub(crate) fn body_with(call: &Call<'_>, extra: Value) -> Answer {
    let (org, name) = call.app.split_once('#').unwrap_or((call.app, call.app));
    let mut body = json!({
        "action": call.op.method.to_lowercase(),
        "entities": [],
        "timestamp": call.now,
        "duration": 0,
        "organization": org,
        "applicationName": name,
    });
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    Answer::Raw(body)
}

/// The page of `items` starting at the offset `cursor` (a number handed out before; absent: 0),
/// and the cursor of the next page if there is one.
pub(crate) fn cursor_page<T: Clone>(
    items: &[T],
    cursor: &str,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let from = cursor.parse::<usize>().unwrap_or(0).min(items.len());
    let to = (from + size.max(1)).min(items.len());
    let next = (to < items.len()).then(|| to.to_string());
    (items[from..to].to_vec(), next)
}

/// The row a batch add or remove answers for one user.
fn row(action: &str, user: &str, id: &str, failure: Option<&str>) -> Value {
    match failure {
        None => json!({"result": true, "action": action, "user": user, "groupid": id}),
        Some(reason) => {
            json!({"result": false, "action": action, "reason": reason, "user": user, "groupid": id})
        }
    }
}

fn easemob(call: &mut Call<'_>) -> Option<Outcome> {
    let now = call.now;
    let id = call.s("group_id").to_string();
    let user = call.s("username").to_string();
    Some(match call.op.name.as_str() {
        "group.create" => {
            let owner = call.s("owner").to_string();
            let mut members = vec![owner.clone()];
            for m in call.list("members") {
                if !members.contains(&m) {
                    members.push(m);
                }
            }
            let public = call.flag("public").unwrap_or(false);
            let group = EaseGroup {
                name: call.s("groupname").into(),
                description: call.s("description").into(),
                owner,
                public,
                maxusers: call.int("maxusers").unwrap_or(200),
                members,
                announcement: String::new(),
                created: now,
                custom: call.s("custom").into(),
                avatar: call.s("avatar").into(),
                membersonly: call.flag("membersonly").unwrap_or(false),
                // a public group's members never invite at creation (the documentation's note)
                allowinvites: !public && call.flag("allowinvites").unwrap_or(false),
                invite_need_confirm: call.flag("invite_need_confirm").unwrap_or(true),
                modified: now,
                admins: Vec::new(),
                blocks: Vec::new(),
                allowlist: Vec::new(),
                mutes: BTreeMap::new(),
                mute_all: false,
                disabled: false,
                attributes: BTreeMap::new(),
            };
            let all = call.state.part::<EaseGroups>();
            all.next += 1;
            let id = format!(
                "{}",
                200_000_000_000_000u64 + now % 1_000_000_000 * 1000 + all.next
            );
            all.groups.insert(id.clone(), group);
            Ok(Answer::Data(json!({"groupid": id})))
        }
        "group.get" => {
            let mut out = Vec::new();
            for id in call.list("group_ids") {
                let g = match ease_group(call.state, &id) {
                    Ok(g) => g,
                    Err(e) => return Some(Err(e)),
                };
                out.push(json!({"id": id, "name": g.name, "description": g.description, "owner": g.owner,
                    "public": g.public, "maxusers": g.maxusers, "affiliations_count": g.members.len(),
                    "affiliations": affiliations(g), "created": g.created, "custom": g.custom,
                    "avatar": g.avatar, "membersonly": g.membersonly, "allowinvites": g.allowinvites,
                    "mute": g.mute_all, "disabled": g.disabled}));
            }
            Ok(Answer::Data(Value::Array(out)))
        }
        "group.list" => {
            let app = call.app.to_string();
            let all = &call.state.part::<EaseGroups>().groups;
            let mut rows: Vec<(u64, &String, &EaseGroup)> =
                all.iter().map(|(id, g)| (g.created, id, g)).collect();
            // newest first
            rows.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
            let items: Vec<Value> = rows
                .into_iter()
                .map(|(_, id, g)| {
                    json!({"owner": format!("{app}_{}", g.owner), "groupid": id, "affiliations": g.members.len(),
                        "type": "group", "lastModified": g.modified.to_string(), "groupname": g.name})
                })
                .collect();
            let size = call.int("limit").unwrap_or(10).clamp(1, 1000) as usize;
            let (page, next) = cursor_page(&items, call.s("cursor"), size);
            let mut extra = json!({"count": page.len(), "data": page});
            if let Some(c) = next {
                extra["cursor"] = json!(c);
            }
            Ok(body_with(call, extra))
        }
        "group.list_for_user" => {
            let all = &call.state.part::<EaseGroups>().groups;
            let mut rows: Vec<(u64, &String, &EaseGroup)> = all
                .iter()
                .filter(|(_, g)| g.is_member(&user))
                .map(|(id, g)| (g.created, id, g))
                .collect();
            rows.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
            let items: Vec<Value> = rows
                .into_iter()
                .map(|(_, id, g)| {
                    json!({"id": id, "groupId": id, "name": g.name, "avatar": g.avatar, "owner": g.owner,
                        "description": g.description, "disabled": g.disabled, "public": g.public,
                        "allowinvites": g.allowinvites, "membersonly": g.membersonly,
                        "maxusers": g.maxusers, "created": g.created})
                })
                .collect();
            let total = items.len();
            let page = call.page(&items, 5);
            Ok(body_with(call, json!({"entities": page, "total": total})))
        }
        // The transfer of ownership is the same PUT with `newowner` (documented as its own call).
        "group.update" => {
            let args = call.args.clone();
            ease_group(call.state, &id).and_then(|g| {
                if let Some(new) = args.get("newowner").and_then(Value::as_str) {
                    if new == g.owner {
                        return Err(forbidden("new owner and old owner are the same"));
                    }
                    if !g.is_member(new) {
                        return Err(forbidden(&format!(
                            "user: {new} doesn't exist in group: {id}"
                        )));
                    }
                }
                let mut changed = Map::new();
                for (k, v) in &args {
                    let done = match k.as_str() {
                        "groupname" => v.as_str().map(|s| g.name = s.into()),
                        "avatar" => v.as_str().map(|s| g.avatar = s.into()),
                        "description" => v.as_str().map(|s| g.description = s.into()),
                        "custom" => v.as_str().map(|s| g.custom = s.into()),
                        "maxusers" => v.as_i64().map(|n| g.maxusers = n),
                        "membersonly" => v.as_bool().map(|b| g.membersonly = b),
                        "allowinvites" => v.as_bool().map(|b| g.allowinvites = b),
                        "invite_need_confirm" => v.as_bool().map(|b| g.invite_need_confirm = b),
                        "public" => v.as_bool().map(|b| g.public = b),
                        "newowner" => v.as_str().map(|new| {
                            g.admins.retain(|a| a != new);
                            g.owner = new.into();
                        }),
                        _ => None,
                    };
                    if done.is_some() {
                        changed.insert(k.clone(), Value::Bool(true));
                    }
                }
                g.modified = now;
                Ok(Answer::Data(Value::Object(changed)))
            })
        }
        "group.disable" | "group.enable" => {
            let disabled = call.op.name == "group.disable";
            ease_group(call.state, &id).map(|g| {
                g.disabled = disabled;
                Answer::Data(json!({"disabled": disabled}))
            })
        }
        "group.is_joined" => {
            let joined = is_group_member(call.state, &id, &user);
            Ok(Answer::Data(Value::Bool(joined)))
        }
        "group.delete" => match call.state.part::<EaseGroups>().groups.remove(&id) {
            Some(_) => {
                drop_group_threads(call.state, &id);
                Ok(Answer::Data(json!({"success": true, "groupid": id})))
            }
            None => Err(group_not_found(&id)),
        },
        "group.members" => match ease_group(call.state, &id).map(|g| affiliations(g)) {
            Ok(all) => Ok(Answer::Data(Value::Array(call.page(&all, 1000)))),
            Err(e) => Err(e),
        },
        "group.members_add" => {
            let names = call.list("usernames");
            if let Err(e) = ease_group(call.state, &id) {
                return Some(Err(e));
            }
            for u in &names {
                if let Err(e) = registered(call, u) {
                    return Some(Err(e));
                }
            }
            ease_group(call.state, &id).map(|g| {
                let mut added = Vec::new();
                for u in names {
                    if !g.members.contains(&u) {
                        g.blocks.retain(|b| *b != u);
                        g.members.push(u.clone());
                        added.push(u);
                    }
                }
                Answer::Data(json!({"newmembers": added, "groupid": id, "action": "add_member"}))
            })
        }
        "group.members_add_one" => {
            if let Err(e) = ease_group(call.state, &id) {
                return Some(Err(e));
            }
            if let Err(e) = registered(call, &user) {
                return Some(Err(e));
            }
            ease_group(call.state, &id).and_then(|g| {
                if g.is_member(&user) {
                    return Err(forbidden(&format!(
                        "can not join this group, reason:user: {user} already in group: {id}"
                    )));
                }
                g.blocks.retain(|b| *b != user);
                g.members.push(user.clone());
                Ok(Answer::Data(
                    json!({"result": true, "groupid": id, "action": "add_member", "user": user}),
                ))
            })
        }
        "group.members_remove" => {
            let names = call.list("usernames");
            let outcome = ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in &names {
                    if *u == g.owner {
                        out.push(row(
                            "remove_member",
                            u,
                            &id,
                            Some("forbidden operation on group owner!"),
                        ));
                    } else if g.is_member(u) {
                        g.drop_member(u);
                        out.push(row("remove_member", u, &id, None));
                    } else {
                        let why = format!("user: {u} doesn't exist in group: {id}");
                        out.push(row("remove_member", u, &id, Some(&why)));
                    }
                }
                Answer::Data(Value::Array(out))
            });
            if outcome.is_ok() {
                leave_threads_unless_member(call.state, &id, &names);
            }
            outcome
        }
        "group.admins" => ease_group(call.state, &id).map(|g| {
            Answer::Data(json!(g.admins))
        }),
        "group.admins_add" => {
            let new = call.s("newadmin").to_string();
            ease_group(call.state, &id).and_then(|g| {
                if !g.is_member(&new) {
                    return Err(em_error(
                        404,
                        "resource_not_found",
                        &format!("user: {new} doesn't exist in group: {id}"),
                    ));
                }
                if new == g.owner {
                    return Err(on_owner());
                }
                if !g.admins.contains(&new) {
                    g.admins.push(new.clone());
                }
                Ok(Answer::Data(
                    json!({"result": "success", "newadmin": new}),
                ))
            })
        }
        "group.admins_remove" => ease_group(call.state, &id).and_then(|g| {
            if !g.admins.contains(&user) {
                return Err(forbidden(&format!(
                    "user:{user} is not admin of group:{id}"
                )));
            }
            g.admins.retain(|a| *a != user);
            Ok(Answer::Data(
                json!({"result": "success", "oldadmin": user}),
            ))
        }),
        "group.blocks" => match ease_group(call.state, &id).map(|g| g.blocks.clone()) {
            Ok(users) => Ok(body_with(call, json!({"data": users, "count": users.len()}))),
            Err(e) => Err(e),
        },
        "group.blocks_add_one" => {
            let outcome = ease_group(call.state, &id).and_then(|g| {
                if user == g.owner {
                    return Err(on_owner());
                }
                if !g.is_member(&user) {
                    return Err(not_members(std::slice::from_ref(&user)));
                }
                g.drop_member(&user);
                g.blocks.push(user.clone());
                Ok(Answer::Data(
                    json!({"result": true, "action": "add_blocks", "user": user, "groupid": id}),
                ))
            });
            if outcome.is_ok() {
                leave_group_threads(call.state, &id, &user);
            }
            outcome
        }
        "group.blocks_add" => {
            let names = call.list("usernames");
            let outcome = ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in &names {
                    if *u == g.owner {
                        out.push(row(
                            "add_blocks",
                            u,
                            &id,
                            Some("forbidden operation on group owner!"),
                        ));
                    } else if g.is_member(u) {
                        g.drop_member(u);
                        g.blocks.push(u.clone());
                        out.push(row("add_blocks", u, &id, None));
                    } else {
                        let why = format!("user: {u} doesn't exist in group: {id}");
                        out.push(row("add_blocks", u, &id, Some(&why)));
                    }
                }
                Answer::Data(Value::Array(out))
            });
            if outcome.is_ok() {
                leave_threads_unless_member(call.state, &id, &names);
            }
            outcome
        }
        "group.blocks_remove" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in &names {
                    if g.blocks.contains(u) {
                        g.blocks.retain(|b| b != u);
                        out.push(row("remove_blocks", u, &id, None));
                    } else {
                        let why = format!("user: {u} is not in the blocklist of group: {id}");
                        out.push(row("remove_blocks", u, &id, Some(&why)));
                    }
                }
                Answer::Data(Value::Array(out))
            })
        }
        "group.allowlist" => match ease_group(call.state, &id).map(|g| g.allowlist.clone()) {
            Ok(users) => Ok(body_with(call, json!({"data": users, "count": users.len()}))),
            Err(e) => Err(e),
        },
        "group.allowlist_add_one" => ease_group(call.state, &id).and_then(|g| {
            if !g.is_member(&user) {
                return Err(not_members(std::slice::from_ref(&user)));
            }
            if !g.allowlist.contains(&user) {
                g.allowlist.push(user.clone());
            }
            Ok(Answer::Data(
                json!({"result": true, "action": "add_user_whitelist", "user": user, "groupid": id}),
            ))
        }),
        "group.allowlist_add" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in &names {
                    if g.is_member(u) {
                        if !g.allowlist.contains(u) {
                            g.allowlist.push(u.clone());
                        }
                        out.push(row("add_user_whitelist", u, &id, None));
                    } else {
                        let why = format!("user: {u} doesn't exist in group: {id}");
                        out.push(row("add_user_whitelist", u, &id, Some(&why)));
                    }
                }
                Answer::Data(Value::Array(out))
            })
        }
        "group.allowlist_remove" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let mut out = Vec::new();
                for u in &names {
                    if g.allowlist.contains(u) {
                        g.allowlist.retain(|a| a != u);
                        out.push(row("remove_user_whitelist", u, &id, None));
                    } else {
                        let why = format!("user: {u} is not in the allowlist of group: {id}");
                        out.push(row("remove_user_whitelist", u, &id, Some(&why)));
                    }
                }
                Answer::Data(Value::Array(out))
            })
        }
        "group.mutes" => ease_group(call.state, &id).map(|g| {
            let rows: Vec<Value> = g
                .mutes
                .iter()
                .filter(|(_, expire)| **expire > now)
                .map(|(u, expire)| json!({"expire": expire, "user": u}))
                .collect();
            Answer::Data(Value::Array(rows))
        }),
        "group.mutes_add" => {
            let names = call.list("usernames");
            let duration = call.int("mute_duration").unwrap_or(0);
            ease_group(call.state, &id).and_then(|g| {
                if names.contains(&g.owner) {
                    return Err(on_owner());
                }
                let strangers: Vec<String> =
                    names.iter().filter(|u| !g.is_member(u)).cloned().collect();
                if !strangers.is_empty() {
                    return Err(not_members(&strangers));
                }
                let expire = now.saturating_add_signed(duration);
                let mut out = Vec::new();
                for u in names {
                    g.mutes.insert(u.clone(), expire);
                    out.push(json!({"result": true, "expire": expire, "user": u}));
                }
                Ok(Answer::Data(Value::Array(out)))
            })
        }
        "group.mutes_remove" => {
            let names = call.list("usernames");
            ease_group(call.state, &id).map(|g| {
                let out: Vec<Value> = names
                    .iter()
                    .map(|u| json!({"result": g.mutes.remove(u).is_some(), "user": u}))
                    .collect();
                Answer::Data(Value::Array(out))
            })
        }
        "group.mute_all" | "group.unmute_all" => {
            let mute = call.op.name == "group.mute_all";
            ease_group(call.state, &id).map(|g| {
                g.mute_all = mute;
                Answer::Data(json!({"mute": mute}))
            })
        }
        "group.member_attributes_set" => {
            let given = string_map(call.args.get("metadata"));
            attributes_group(call.state, &id).and_then(|g| {
                if !g.is_member(&user) {
                    return Err(not_in_group(std::slice::from_ref(&user)));
                }
                check_attributes(&given)?;
                let mine = g.attributes.entry(user.clone()).or_default();
                apply(mine, &given);
                let set: Map<String, Value> = given
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                Ok(Answer::Data(Value::Object(set)))
            })
        }
        "group.member_attributes_set_batch" => {
            let items: Vec<(String, BTreeMap<String, String>)> = call
                .args
                .get("members")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|i| {
                            let name = i.get("username").and_then(Value::as_str).unwrap_or("");
                            (name.to_string(), string_map(i.get("metadata")))
                        })
                        .collect()
                })
                .unwrap_or_default();
            attributes_group(call.state, &id).and_then(|g| {
                let strangers: Vec<String> = items
                    .iter()
                    .filter(|(u, _)| !g.is_member(u))
                    .map(|(u, _)| u.clone())
                    .collect();
                if !strangers.is_empty() {
                    return Err(not_in_group(&strangers));
                }
                for (_, given) in &items {
                    check_attributes(given)?;
                }
                let mut done = Vec::new();
                for (u, given) in items {
                    let mine = g.attributes.entry(u.clone()).or_default();
                    apply(mine, &given);
                    done.push(json!({"username": u, "metadata": mine}));
                }
                Ok(Answer::Data(
                    json!({"updateMetadataFailed": [], "updateMetadataSucceeded": done}),
                ))
            })
        }
        "group.member_attributes_get" => attributes_group(call.state, &id).and_then(|g| {
            if !g.is_member(&user) {
                return Err(em_error(404, "MetadataException", "user not in group"));
            }
            let mine = g.attributes.get(&user).cloned().unwrap_or_default();
            Ok(Answer::Data(json!(mine)))
        }),
        "group.member_attributes_get_many" => {
            let targets = call.list("targets");
            let keys = call.list("properties");
            attributes_group(call.state, &id).map(|g| {
                let mut out = Map::new();
                for u in targets.iter().filter(|u| g.is_member(u)) {
                    let mine: Map<String, Value> = g
                        .attributes
                        .get(u)
                        .into_iter()
                        .flatten()
                        .filter(|(k, _)| keys.is_empty() || keys.contains(k))
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect();
                    out.insert(u.clone(), Value::Object(mine));
                }
                Answer::Data(Value::Object(out))
            })
        }
        "group.announcement_get" => ease_group(call.state, &id)
            .map(|g| Answer::Data(json!({"announcement": g.announcement}))),
        "group.announcement_set" => {
            let text = call.s("announcement").to_string();
            ease_group(call.state, &id).map(|g| {
                g.announcement = text;
                Answer::Data(json!({"id": id, "result": true}))
            })
        }
        _ => return None,
    })
}

// ------------------------------------------------------------------------------------------------
// Member attributes
// ------------------------------------------------------------------------------------------------

/// The group `id`, or the member-attribute API's not-found error.
fn attributes_group<'a>(app: &'a mut AppState, id: &str) -> Result<&'a mut EaseGroup, Reply> {
    app.part::<EaseGroups>()
        .groups
        .get_mut(id)
        .ok_or_else(|| em_error(404, "metadata_error", "group not exists"))
}

fn not_in_group(users: &[String]) -> Reply {
    em_error(
        400,
        "metadata_error",
        &format!("Some users are not in the group: {}", users.join(",")),
    )
}

/// A `string_map` argument (values that are not strings are left out).
fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The documented limits: a name of at most 16 bytes, a value of at most 512 bytes.
fn check_attributes(given: &BTreeMap<String, String>) -> Result<(), Reply> {
    if given.keys().any(|k| k.is_empty() || k.len() > 16) {
        return Err(em_error(
            400,
            "metadata_error",
            "exceeds chatgroup user metadata single key limit",
        ));
    }
    if given.values().any(|v| v.len() > 512) {
        return Err(em_error(
            400,
            "metadata_error",
            "exceeds chatgroup user metadata single value limit",
        ));
    }
    Ok(())
}

/// Set each given attribute; an empty value deletes it.
fn apply(mine: &mut BTreeMap<String, String>, given: &BTreeMap<String, String>) {
    for (k, v) in given {
        if v.is_empty() {
            mine.remove(k);
        } else {
            mine.insert(k.clone(), v.clone());
        }
    }
}
