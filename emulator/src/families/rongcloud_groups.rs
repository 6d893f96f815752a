//! RongCloud groups (not hosted): members, the group-wide mute (ban) and its allowlist, member
//! mutes (gags) and group push aliases (remarks).
//!
//! As the documentation says, a group's mute state is its own: the group-wide mute and the
//! allowlist outlive the group (dismissed and created again, it is still muted), and a member's
//! mute outlives their leaving the group.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, AppState, Call, Family, Outcome};
use crate::http::{datetime, rc_error};

pub(crate) struct RongcloudGroups;

impl Family for RongcloudGroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "group.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        rongcloud(call)
    }
}

/// Group id → (name, members).
#[derive(Default)]
struct RongGroups(BTreeMap<String, (String, BTreeSet<String>)>);

/// The groups muted as a whole.
#[derive(Default)]
struct Bans(BTreeSet<String>);

/// Per group, its mute allowlist in the order users were added.
#[derive(Default)]
struct Allowlists(BTreeMap<String, Vec<String>>);

/// One member's mute: when it started and when it ends (`None`: until lifted), in ms.
#[derive(Clone, Copy)]
struct Gag {
    start: u64,
    end: Option<u64>,
}

/// Per group (`""`: every group), the muted users.
#[derive(Default)]
struct Gags(BTreeMap<String, BTreeMap<String, Gag>>);

/// (group, member) → the member's push alias in that group.
#[derive(Default)]
struct Remarks(BTreeMap<(String, String), String>);

/// A plain group's name and members, if it exists (what importing it as a hosted group takes).
pub(crate) fn plain_group(app: &mut AppState, group: &str) -> Option<(String, Vec<String>)> {
    app.part::<RongGroups>()
        .0
        .get(group)
        .map(|(name, members)| (name.clone(), members.iter().cloned().collect()))
}

/// Lift `user`'s own mute in `group` and/or take them off its mute allowlist (what the hosted
/// groups' quit, kick and owner transfer do with `isDelBan` / `isDelWhite`).
pub(crate) fn clear_member_mutes(
    app: &mut AppState,
    group: &str,
    user: &str,
    gag: bool,
    allowlist: bool,
) {
    if gag && let Some(users) = app.part::<Gags>().0.get_mut(group) {
        users.remove(user);
    }
    if allowlist && let Some(list) = app.part::<Allowlists>().0.get_mut(group) {
        list.retain(|u| u != user);
    }
}

fn not_found() -> Option<Outcome> {
    Some(Err(rc_error(404, 404, "group not found")))
}

fn rongcloud(call: &mut Call<'_>) -> Option<Outcome> {
    let ok = |v: Value| Some(Ok(Answer::Fields(v)));
    let gid = call.s("group_id").to_string();
    let users = call.list("user_ids");
    let now = call.now;
    match call.op.name.as_str() {
        "group.create" | "group.join" => {
            let name = call.opt_s("group_name");
            let g = call.state.part::<RongGroups>().0.entry(gid).or_default();
            if let Some(n) = name {
                g.0 = n;
            }
            g.1.extend(users);
            ok(json!({}))
        }
        "group.quit" => {
            if let Some(g) = call.state.part::<RongGroups>().0.get_mut(&gid) {
                for u in users {
                    g.1.remove(&u);
                }
            }
            ok(json!({}))
        }
        "group.dismiss" => {
            call.state.part::<RongGroups>().0.remove(&gid);
            ok(json!({}))
        }
        "group.refresh" => {
            let name = call.s("group_name").to_string();
            match call.state.part::<RongGroups>().0.get_mut(&gid) {
                None => not_found(),
                Some(g) => {
                    g.0 = name;
                    ok(json!({}))
                }
            }
        }
        "group.members" => match call.state.part::<RongGroups>().0.get(&gid) {
            None => not_found(),
            Some(g) => {
                let users: Vec<Value> = g.1.iter().map(|u| json!({"id": u})).collect();
                ok(json!({"id": gid, "users": users}))
            }
        },
        "group.user_groups" => {
            let user = call.s("user_id").to_string();
            let page = call.int("page");
            let size = call.int("size").unwrap_or(50).max(1) as usize;
            let joined: Vec<Value> = call
                .state
                .part::<RongGroups>()
                .0
                .iter()
                .filter(|(_, (_, members))| members.contains(&user))
                .map(|(id, (name, _))| json!({"id": id, "name": name}))
                .collect();
            let groups: Vec<Value> = match page {
                // no paging: the first 5000
                None | Some(0) => joined.into_iter().take(5000).collect(),
                Some(n) => joined
                    .into_iter()
                    .skip((n as usize - 1) * size)
                    .take(size)
                    .collect(),
            };
            ok(json!({ "groups": groups }))
        }
        "group.sync" => {
            // the user ends up in exactly the given groups (none when none are given)
            let user = call.s("user_id").to_string();
            let named = call.args.get("groups").and_then(Value::as_object).cloned();
            let groups = &mut call.state.part::<RongGroups>().0;
            for (_, members) in groups.values_mut() {
                members.remove(&user);
            }
            for (id, name) in named.into_iter().flatten() {
                let g = groups.entry(id).or_default();
                if let Some(name) = name.as_str() {
                    g.0 = name.to_string();
                }
                g.1.insert(user.clone());
            }
            ok(json!({}))
        }
        "group.ban.add" => {
            let ids = call.list("group_ids");
            call.state.part::<Bans>().0.extend(ids);
            ok(json!({}))
        }
        "group.ban.remove" => {
            let ids = call.list("group_ids");
            let bans = &mut call.state.part::<Bans>().0;
            for id in ids {
                bans.remove(&id);
            }
            ok(json!({}))
        }
        "group.ban.query" => {
            let ids = call.list("group_ids");
            let (page, size) = (call.int("page"), call.int("size"));
            let bans = &call.state.part::<Bans>().0;
            let info: Vec<Value> = if ids.is_empty() || page.is_some() || size.is_some() {
                let no = page.unwrap_or(1).max(1) as usize;
                let size = size.unwrap_or(50).max(1) as usize;
                bans.iter()
                    .skip((no - 1) * size)
                    .take(size)
                    .map(|g| json!({"groupId": g, "stat": 1}))
                    .collect()
            } else {
                ids.iter()
                    .map(|g| json!({"groupId": g, "stat": i32::from(bans.contains(g))}))
                    .collect()
            };
            ok(json!({ "groupinfo": info }))
        }
        "group.ban.whitelist.add" => {
            let list = call.state.part::<Allowlists>().0.entry(gid).or_default();
            for u in users {
                if !list.contains(&u) {
                    list.push(u);
                }
            }
            ok(json!({}))
        }
        "group.ban.whitelist.remove" => {
            if let Some(list) = call.state.part::<Allowlists>().0.get_mut(&gid) {
                list.retain(|u| !users.contains(u));
            }
            ok(json!({}))
        }
        "group.ban.whitelist.query" => {
            let list = call
                .state
                .part::<Allowlists>()
                .0
                .get(&gid)
                .cloned()
                .unwrap_or_default();
            ok(json!({ "userIds": list }))
        }
        "group.gag.add" => {
            let minute = call.int("minute").unwrap_or(0).max(0) as u64;
            let gag = Gag {
                start: now,
                end: (minute > 0).then(|| now + minute * 60_000),
            };
            let muted = call.state.part::<Gags>().0.entry(gid).or_default();
            for u in users {
                muted.insert(u, gag);
            }
            ok(json!({}))
        }
        "group.gag.remove" => {
            if let Some(muted) = call.state.part::<Gags>().0.get_mut(&gid) {
                for u in users {
                    muted.remove(&u);
                }
            }
            ok(json!({}))
        }
        "group.gag.list" => {
            let users: Vec<Value> = call
                .state
                .part::<Gags>()
                .0
                .get(&gid)
                .map(|muted| {
                    muted
                        .iter()
                        .filter(|(_, g)| g.end.is_none_or(|end| end > now))
                        .map(|(u, g)| {
                            let mut item = json!({"userId": u, "startTime": datetime(g.start)});
                            // a mute until lifted has no end time
                            if let Some(end) = g.end {
                                item["time"] = json!(datetime(end));
                            }
                            item
                        })
                        .collect()
                })
                .unwrap_or_default();
            ok(json!({ "users": users }))
        }
        "group.remarks.set" => {
            let (user, remark) = (call.s("user_id").to_string(), call.s("remark").to_string());
            call.state.part::<Remarks>().0.insert((gid, user), remark);
            ok(json!({}))
        }
        "group.remarks.remove" => {
            let user = call.s("user_id").to_string();
            call.state.part::<Remarks>().0.remove(&(gid, user));
            ok(json!({}))
        }
        "group.remarks.get" => {
            let user = call.s("user_id").to_string();
            let remark = call
                .state
                .part::<Remarks>()
                .0
                .get(&(gid, user))
                .cloned()
                .unwrap_or_default();
            ok(json!({ "remark": remark }))
        }
        _ => None,
    }
}
