//! RongCloud hosted (entrusted) groups: the profile, permissions and custom attributes RongCloud
//! keeps for each group, its members with their roles (owner, administrators), nicknames and
//! extra information, each member's alias for the group and the members they follow.
//!
//! Leaving a group can also lift the member's mute and take them off the mute allowlist, which
//! the plain groups family keeps ([`rongcloud_groups::clear_member_mutes`]); importing a plain
//! group takes its members from there.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Family, Outcome, rongcloud_groups};
use crate::http::rc_error;

pub(crate) struct EntrustGroups;

impl Family for EntrustGroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "entrust.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        match handle(call) {
            // an operation this family does not carry out: the canned answer
            Ok(Value::Null) => None,
            Ok(v) => Some(Ok(Answer::Fields(v))),
            Err(e) => Some(Err(e)),
        }
    }
}

const OWNER: u8 = 3;
const MANAGER: u8 = 2;
const MEMBER: u8 = 1;
/// The most administrators a group has.
const MAX_MANAGERS: usize = 10;

/// The hosted groups of one app, and a counter that orders creations and joins made in the
/// same millisecond.
#[derive(Default)]
struct Hosted {
    groups: BTreeMap<String, Group>,
    seq: u64,
}

struct Group {
    name: String,
    owner: String,
    creator: String,
    profile: Map<String, Value>,
    ext: Map<String, Value>,
    permissions: Map<String, Value>,
    created: u64,
    created_seq: u64,
    members: BTreeMap<String, Member>,
    /// Per user, their alias for the group.
    remark_names: BTreeMap<String, String>,
    /// Per member, the members they follow with when (ms), in the order followed.
    follows: BTreeMap<String, Vec<(String, u64)>>,
}

struct Member {
    role: u8,
    joined: u64,
    seq: u64,
    nickname: String,
    extra: String,
}

type Reply = crate::http::Reply;

fn not_found() -> Reply {
    rc_error(404, 404, "group not found")
}

/// The hosted group `gid` of this app, or the 404.
fn group<'a>(call: &'a mut Call<'_>, gid: &str) -> Result<&'a mut Group, Reply> {
    call.state
        .part::<Hosted>()
        .groups
        .get_mut(gid)
        .ok_or_else(not_found)
}

/// The JSON object a `json_string` argument holds (empty if absent or not an object).
fn object_arg(call: &Call<'_>, name: &str) -> Map<String, Value> {
    match call.args.get(name) {
        Some(Value::String(s)) => serde_json::from_str::<Map<String, Value>>(s).unwrap_or_default(),
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    }
}

fn text(o: &Map<String, Value>) -> String {
    Value::Object(o.clone()).to_string()
}

impl Hosted {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Add `user` with `role` unless they are a member already.
    fn join(&mut self, gid: &str, user: &str, role: u8, now: u64) {
        let seq = self.next_seq();
        if let Some(g) = self.groups.get_mut(gid) {
            g.members.entry(user.to_string()).or_insert(Member {
                role,
                joined: now,
                seq,
                nickname: String::new(),
                extra: String::new(),
            });
        }
    }
}

impl Group {
    fn member_json(&self, user: &str) -> Option<Value> {
        self.members.get(user).map(|m| {
            json!({"userId": user, "nickname": m.nickname, "role": m.role, "time": m.joined, "extra": m.extra})
        })
    }

    /// Members in join order (oldest first).
    fn by_join_time(&self) -> Vec<(&String, &Member)> {
        let mut v: Vec<_> = self.members.iter().collect();
        v.sort_by_key(|(_, m)| (m.joined, m.seq));
        v
    }
}

/// One page of `items` from the offset in `token` (an unreadable token starts at the beginning),
/// and the next page's token when one follows.
fn page<T>(items: Vec<T>, token: &str, size: usize) -> (Vec<T>, Option<String>) {
    let start: usize = token.parse().unwrap_or(0);
    let total = items.len();
    let page = items.into_iter().skip(start).take(size).collect();
    let next = (start + size < total).then(|| (start + size).to_string());
    (page, next)
}

fn with_next(mut v: Value, next: Option<String>) -> Value {
    if let Some(n) = next {
        v["pageToken"] = json!(n);
    }
    v
}

/// Remove `user` from `gid` (not its owner), clearing what the flags say (each default yes).
fn leave(call: &mut Call<'_>, gid: &str, user: &str) {
    let flag = |name: &str| call.flag(name).unwrap_or(true);
    let (ban, white, followed) = (
        flag("delete_ban"),
        flag("delete_whitelist"),
        flag("delete_followed"),
    );
    let hosted = call.state.part::<Hosted>();
    let Some(g) = hosted.groups.get_mut(gid) else {
        return;
    };
    if g.owner == user || g.members.remove(user).is_none() {
        return;
    }
    if followed {
        g.follows.remove(user);
    }
    rongcloud_groups::clear_member_mutes(call.state, gid, user, ban, white);
}

fn handle(call: &mut Call<'_>) -> Result<Value, Reply> {
    let now = call.now;
    let gid = call.s("group_id").to_string();
    let user = call.s("user_id").to_string();
    let users = call.list("user_ids");
    match call.op.name.as_str() {
        "entrust.group.create" | "entrust.group.import" => {
            let owner = call.s("owner").to_string();
            let mut name = call.s("name").to_string();
            let mut members = users;
            if call.op.name == "entrust.group.import"
                && let Some((plain_name, plain_members)) =
                    rongcloud_groups::plain_group(call.state, &gid)
            {
                if name.is_empty() {
                    name = plain_name;
                }
                members = plain_members;
            }
            let (profile, ext, permissions) = (
                object_arg(call, "group_profile"),
                object_arg(call, "group_ext_profile"),
                object_arg(call, "permissions"),
            );
            let hosted = call.state.part::<Hosted>();
            if hosted.groups.contains_key(&gid) {
                return Err(rc_error(400, 1002, "group already exists"));
            }
            let created_seq = hosted.next_seq();
            hosted.groups.insert(
                gid.clone(),
                Group {
                    name,
                    owner: owner.clone(),
                    creator: owner.clone(),
                    profile,
                    ext,
                    permissions,
                    created: now,
                    created_seq,
                    members: BTreeMap::new(),
                    remark_names: BTreeMap::new(),
                    follows: BTreeMap::new(),
                },
            );
            hosted.join(&gid, &owner, OWNER, now);
            for u in members {
                hosted.join(&gid, &u, MEMBER, now);
            }
            Ok(json!({}))
        }
        "entrust.group.update" => {
            let (profile, ext, permissions) = (
                object_arg(call, "group_profile"),
                object_arg(call, "group_ext_profile"),
                object_arg(call, "permissions"),
            );
            let g = group(call, &gid)?;
            for (k, v) in profile {
                if k == "name" {
                    g.name = v.as_str().unwrap_or_default().to_string();
                } else {
                    g.profile.insert(k, v);
                }
            }
            g.ext.extend(ext);
            g.permissions.extend(permissions);
            Ok(json!({}))
        }
        "entrust.group.profiles" => {
            let ids = call.list("group_ids");
            let hosted = call.state.part::<Hosted>();
            let profiles: Vec<Value> = ids
                .iter()
                .filter_map(|id| hosted.groups.get(id).map(|g| (id, g)))
                .map(|(id, g)| {
                    json!({
                        "groupId": id, "groupName": g.name, "groupProfile": text(&g.profile),
                        "groupExtProfile": text(&g.ext), "permissions": text(&g.permissions),
                        "owner": g.owner, "createTime": g.created, "memberCount": g.members.len(),
                    })
                })
                .collect();
            Ok(json!({ "profiles": profiles }))
        }
        "entrust.group.join" => {
            let hosted = call.state.part::<Hosted>();
            if !hosted.groups.contains_key(&gid) {
                return Err(not_found());
            }
            for u in &users {
                hosted.join(&gid, u, MEMBER, now);
            }
            let g = &hosted.groups[&gid];
            Ok(json!({
                "groupId": gid, "name": g.name, "groupProfile": text(&g.profile),
                "groupExtProfile": text(&g.ext), "permissions": text(&g.permissions),
                "owner": g.owner, "createTime": g.created, "memberCount": g.members.len(),
            }))
        }
        "entrust.group.quit" | "entrust.group.kick" => {
            if !call.state.part::<Hosted>().groups.contains_key(&gid) {
                return Err(not_found());
            }
            for u in &users {
                leave(call, &gid, u);
            }
            Ok(json!({}))
        }
        "entrust.group.kick_all" => {
            // every group the user is in but does not own
            for g in call.state.part::<Hosted>().groups.values_mut() {
                if g.owner != user && g.members.remove(&user).is_some() {
                    g.follows.remove(&user);
                }
            }
            Ok(json!({}))
        }
        "entrust.group.dismiss" => call
            .state
            .part::<Hosted>()
            .groups
            .remove(&gid)
            .map(|_| json!({}))
            .ok_or_else(not_found),
        "entrust.group.transfer_owner" => {
            let new_owner = call.s("new_owner").to_string();
            let quit = call.flag("quit").unwrap_or(false);
            let hosted = call.state.part::<Hosted>();
            if !hosted.groups.contains_key(&gid) {
                return Err(not_found());
            }
            hosted.join(&gid, &new_owner, MEMBER, now);
            let g = hosted.groups.get_mut(&gid).expect("checked above");
            let old = std::mem::replace(&mut g.owner, new_owner.clone());
            if let Some(m) = g.members.get_mut(&old) {
                m.role = MEMBER;
            }
            if let Some(m) = g.members.get_mut(&new_owner) {
                m.role = OWNER;
            }
            if quit && old != new_owner {
                leave(call, &gid, &old);
            }
            Ok(json!({}))
        }
        "entrust.group.manager.add" => {
            let g = group(call, &gid)?;
            let not_members: Vec<&String> = users
                .iter()
                .filter(|u| !g.members.contains_key(*u))
                .collect();
            let managers = g.members.values().filter(|m| m.role == MANAGER).count();
            let new: Vec<&String> = users
                .iter()
                .filter(|u| g.members.get(*u).is_some_and(|m| m.role == MEMBER))
                .collect();
            if managers + new.len() > MAX_MANAGERS {
                return Ok(json!({ "userIds": not_members, "managerCount": managers }));
            }
            for u in new {
                if let Some(m) = g.members.get_mut(u) {
                    m.role = MANAGER;
                }
            }
            Ok(json!({ "userIds": not_members }))
        }
        "entrust.group.manager.remove" => {
            let g = group(call, &gid)?;
            for u in &users {
                if let Some(m) = g.members.get_mut(u)
                    && m.role == MANAGER
                {
                    m.role = MEMBER;
                }
            }
            Ok(json!({}))
        }
        "entrust.group.members" => {
            let kind = call.int("type").unwrap_or(0);
            let newest_first = call.int("order").unwrap_or(1) == 1;
            let size = call.int("size").unwrap_or(50).max(1) as usize;
            let token = call.s("page_token").to_string();
            let g = group(call, &gid)?;
            let mut list: Vec<Value> = g
                .by_join_time()
                .into_iter()
                .filter(|(_, m)| kind == 0 || i64::from(m.role) == kind)
                .filter_map(|(u, _)| g.member_json(u))
                .collect();
            if newest_first {
                list.reverse();
            }
            let (members, next) = page(list, &token, size);
            Ok(with_next(
                json!({"totalCount": g.members.len(), "members": members}),
                next,
            ))
        }
        "entrust.group.member.get" => {
            let g = group(call, &gid)?;
            let members: Vec<Value> = users.iter().filter_map(|u| g.member_json(u)).collect();
            Ok(json!({ "members": members }))
        }
        "entrust.group.member.set" => {
            let (nickname, extra) = (call.s("nickname").to_string(), call.opt_s("extra"));
            let g = group(call, &gid)?;
            if let Some(m) = g.members.get_mut(&user) {
                m.nickname = nickname;
                if let Some(e) = extra {
                    m.extra = e;
                }
            }
            Ok(json!({}))
        }
        "entrust.group.member.follow" | "entrust.group.member.unfollow" => {
            let others = call.list("follow_user_ids");
            let follow = call.op.name == "entrust.group.member.follow";
            let g = group(call, &gid)?;
            let list = g.follows.entry(user).or_default();
            if follow {
                for o in others {
                    if !list.iter().any(|(u, _)| *u == o) {
                        list.push((o, now));
                    }
                }
            } else {
                list.retain(|(u, _)| !others.contains(u));
            }
            Ok(json!({}))
        }
        "entrust.group.member.followed" => {
            let g = group(call, &gid)?;
            let members: Vec<Value> = g
                .follows
                .get(&user)
                .map(|l| {
                    l.iter()
                        .map(|(u, t)| json!({"userId": u, "timestamp": t}))
                        .collect()
                })
                .unwrap_or_default();
            Ok(json!({"userId": user, "groupId": gid, "members": members}))
        }
        "entrust.group.remark_name.set" | "entrust.group.remark_name.remove" => {
            let remark = call.s("remark_name").to_string();
            let set = call.op.name == "entrust.group.remark_name.set";
            let g = group(call, &gid)?;
            if set {
                g.remark_names.insert(user, remark);
            } else {
                g.remark_names.remove(&user);
            }
            Ok(json!({}))
        }
        "entrust.group.remark_name.get" => {
            let g = group(call, &gid)?;
            let remark = g.remark_names.get(&user).cloned().unwrap_or_default();
            Ok(json!({ "remarkName": remark }))
        }
        "entrust.group.list" => {
            let newest_first = call.int("order").unwrap_or(1) == 1;
            let size = call.int("size").unwrap_or(50).max(1) as usize;
            let token = call.s("page_token").to_string();
            let hosted = call.state.part::<Hosted>();
            let mut all: Vec<(&String, &Group)> = hosted.groups.iter().collect();
            all.sort_by_key(|(_, g)| (g.created, g.created_seq));
            if newest_first {
                all.reverse();
            }
            let list: Vec<Value> = all
                .into_iter()
                .map(|(id, g)| {
                    json!({
                        "groupId": id, "name": g.name, "groupProfile": text(&g.profile),
                        "creator": g.creator, "owner": g.owner, "time": g.created,
                    })
                })
                .collect();
            let (groups, next) = page(list, &token, size);
            Ok(with_next(json!({ "groups": groups }), next))
        }
        "entrust.joined_groups" => {
            let role = call.int("role").unwrap_or(0);
            let newest_first = call.int("order").unwrap_or(1) == 1;
            let size = call.int("size").unwrap_or(50).max(1) as usize;
            let token = call.s("page_token").to_string();
            let hosted = call.state.part::<Hosted>();
            let mut joined: Vec<(&String, &Group, &Member)> = hosted
                .groups
                .iter()
                .filter_map(|(id, g)| g.members.get(&user).map(|m| (id, g, m)))
                .filter(|(_, _, m)| role == 0 || i64::from(m.role) == role)
                .collect();
            joined.sort_by_key(|(_, _, m)| (m.joined, m.seq));
            if newest_first {
                joined.reverse();
            }
            let list: Vec<Value> = joined
                .into_iter()
                .map(|(id, g, m)| {
                    json!({
                        "groupId": id, "name": g.name,
                        "remarkName": g.remark_names.get(&user).cloned().unwrap_or_default(),
                        "groupProfile": text(&g.profile), "groupExtProfile": text(&g.ext),
                        "permissions": text(&g.permissions), "createTime": g.created,
                        "joinTime": m.joined, "role": m.role, "count": g.members.len(),
                    })
                })
                .collect();
            let (groups, next) = page(list, &token, size);
            Ok(with_next(json!({ "groups": groups }), next))
        }
        _ => Ok(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_carry_the_next_offset_until_the_last() {
        let (p, next) = page(vec![1, 2, 3], "", 2);
        assert_eq!((p, next.as_deref()), (vec![1, 2], Some("2")));
        let (p, next) = page(vec![1, 2, 3], "2", 2);
        assert_eq!((p, next), (vec![3], None));
    }
}
