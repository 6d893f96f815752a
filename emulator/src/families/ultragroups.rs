//! RongCloud ultragroups: the groups and their members, channels (public or private, with their
//! private-user lists), mutes (per user, everyone, and the allowlist; for the whole ultragroup or
//! one channel), default push levels, message expansions, and user groups with their channel
//! bindings. Message history, fetching and modifying messages keep the canned answers.
//!
//! An unknown ultragroup, channel or user group answers 404 (the emulator's not-found code); a
//! user who is not a member where the docs require one answers 24406 and changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use imcloud::catalogue::Cloud;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::{Reply, rc_error};

pub(crate) struct Ultragroups;

impl Family for Ultragroups {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "ultragroup.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        handle(call).map(|r| r.map(Answer::Fields)).transpose()
    }
}

/// The default channel every new ultragroup has (apps opened for ultragroups since 2022-10-13).
const DEFAULT_CHANNEL: &str = "RCDefault";

/// The documented error for a user who is not a member of the ultragroup.
const NOT_A_MEMBER: u32 = 24406;

/// Every ultragroup of an app, by id.
#[derive(Default)]
struct Groups(BTreeMap<String, Group>);

#[derive(Default)]
struct Group {
    name: String,
    members: BTreeSet<String>,
    /// In creation order.
    channels: Vec<Channel>,
    /// In creation order: (user group id, its users in the order they were added).
    user_groups: Vec<(String, Vec<String>)>,
    /// Per channel (`""`: the whole ultragroup): the muted users, in the order they were added.
    user_bans: BTreeMap<String, Vec<String>>,
    /// The channels (`""`: the whole ultragroup) where everyone is muted.
    global_bans: BTreeSet<String>,
    /// Per channel (`""`: the whole ultragroup): who may speak while everyone is muted.
    ban_allowlist: BTreeMap<String, Vec<String>>,
    /// Per channel (`""`: the ultragroup's default): the push level set.
    unpush_levels: BTreeMap<String, i64>,
    /// Per (channel, message UID): key → (value, when it was set in ms).
    expansions: BTreeMap<(String, String), BTreeMap<String, (String, u64)>>,
}

struct Channel {
    id: String,
    /// 0 public, 1 private.
    kind: i64,
    created_ms: u64,
    private_users: Vec<String>,
    /// The bound user groups, in the order they were bound.
    user_groups: Vec<String>,
}

impl Channel {
    fn new(id: &str, kind: i64, now: u64) -> Self {
        Channel {
            id: id.to_string(),
            kind,
            created_ms: now,
            private_users: Vec::new(),
            user_groups: Vec::new(),
        }
    }
}

impl Group {
    fn channel(&mut self, id: &str) -> Result<&mut Channel, Reply> {
        self.channels
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| rc_error(404, 404, "ultragroup channel not found"))
    }

    fn user_group(&mut self, id: &str) -> Result<&mut Vec<String>, Reply> {
        self.user_groups
            .iter_mut()
            .find(|(g, _)| g == id)
            .map(|(_, users)| users)
            .ok_or_else(|| rc_error(404, 404, "ultragroup user group not found"))
    }

    /// Refuses the whole call when any of `users` is not a member.
    fn all_members(&self, users: &[String]) -> Result<(), Reply> {
        match users.iter().find(|u| !self.members.contains(*u)) {
            None => Ok(()),
            Some(u) => Err(rc_error(
                400,
                NOT_A_MEMBER,
                &format!("user {u} is not a member of the ultragroup"),
            )),
        }
    }
}

/// The call's arguments, read before the state is borrowed.
struct Args {
    all: Map<String, Value>,
    user: String,
    users: Vec<String>,
    /// The channel; `""` when absent (the whole ultragroup).
    channel: String,
    user_group_ids: Vec<String>,
}

impl Args {
    fn of(call: &Call<'_>) -> Self {
        Args {
            all: call.args.clone(),
            user: call.s("user_id").to_string(),
            users: call.list("user_ids"),
            channel: call.s("bus_channel").to_string(),
            user_group_ids: call.list("user_group_ids"),
        }
    }

    fn text(&self, name: &str) -> String {
        self.all
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.all.get(name).and_then(Value::as_i64)
    }

    fn flag(&self, name: &str) -> bool {
        self.all.get(name).and_then(Value::as_bool).unwrap_or(false)
    }

    /// The new user groups' ids (`user_groups`: each `{user_group_id}`).
    fn new_user_groups(&self) -> Vec<String> {
        self.all
            .get("user_groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("user_group_id").and_then(Value::as_str))
            .map(str::to_string)
            .collect()
    }

    /// The page `page` (from 1) of `size_param` items (default `default_size`).
    fn page<T: Clone>(&self, items: &[T], size_param: &str, default_size: usize) -> Vec<T> {
        let num = self.int("page").unwrap_or(1).max(1) as usize;
        let size = self
            .int(size_param)
            .map(|n| n.max(1) as usize)
            .unwrap_or(default_size);
        items
            .iter()
            .skip((num - 1) * size)
            .take(size)
            .cloned()
            .collect()
    }
}

/// The answer's fields; `None` leaves the operation to the canned answer.
fn handle(call: &mut Call<'_>) -> Result<Option<Value>, Reply> {
    let op = call.op;
    let name = op.name.as_str();
    if name.starts_with("ultragroup.message.") {
        return Ok(None);
    }
    let gid = call.s("group_id").to_string();
    let now = call.now;
    if name == "ultragroup.create" {
        let (user, group_name) = (
            call.s("user_id").to_string(),
            call.s("group_name").to_string(),
        );
        let g = call.state.part::<Groups>().0.entry(gid).or_default();
        g.name = group_name;
        g.members.insert(user);
        if !g.channels.iter().any(|c| c.id == DEFAULT_CHANNEL) {
            g.channels.insert(0, Channel::new(DEFAULT_CHANNEL, 0, now));
        }
        return Ok(Some(json!({})));
    }
    if name == "ultragroup.dismiss" {
        return match call.state.part::<Groups>().0.remove(&gid) {
            Some(_) => Ok(Some(json!({}))),
            None => Err(not_found()),
        };
    }
    // Everything else works on an existing ultragroup.
    let args = Args::of(call);
    let g = call
        .state
        .part::<Groups>()
        .0
        .get_mut(&gid)
        .ok_or_else(not_found)?;
    match name {
        "ultragroup.join" => {
            g.members.insert(args.user.clone());
            Ok(json!({}))
        }
        "ultragroup.quit" => {
            g.members.remove(&args.user);
            Ok(json!({}))
        }
        "ultragroup.refresh" => {
            g.name = args.text("group_name");
            Ok(json!({}))
        }
        "ultragroup.member.exists" => Ok(json!({"status": g.members.contains(&args.user)})),
        "ultragroup.channel.create" => {
            let kind = args.int("type").unwrap_or(0);
            if !g.channels.iter().any(|c| c.id == args.channel) {
                g.channels.push(Channel::new(&args.channel, kind, now));
            }
            Ok(json!({}))
        }
        "ultragroup.channel.delete" => {
            g.channel(&args.channel)?;
            g.channels.retain(|c| c.id != args.channel);
            Ok(json!({}))
        }
        "ultragroup.channel.list" => {
            let list: Vec<Value> = g
                .channels
                .iter()
                .map(|c| {
                    json!({"channelId": c.id, "type": c.kind, "createTime": c.created_ms.to_string()})
                })
                .collect();
            Ok(json!({"channelList": args.page(&list, "limit", 20)}))
        }
        "ultragroup.channel.change_type" => {
            let kind = args.int("type").unwrap_or(0);
            if args.channel == DEFAULT_CHANNEL && kind != 0 {
                return Err(rc_error(400, 1002, "the default channel RCDefault stays public"));
            }
            g.channel(&args.channel)?.kind = kind;
            Ok(json!({}))
        }
        "ultragroup.channel.private_users.add" => {
            g.all_members(&args.users)?;
            add_all(&mut g.channel(&args.channel)?.private_users, &args.users);
            Ok(json!({}))
        }
        "ultragroup.channel.private_users.remove" => {
            let c = g.channel(&args.channel)?;
            c.private_users.retain(|u| !args.users.contains(u));
            Ok(json!({}))
        }
        "ultragroup.channel.private_users.list" => {
            let users = g.channel(&args.channel)?.private_users.clone();
            Ok(json!({"users": args.page(&users, "page_size", 50)}))
        }
        "ultragroup.user.private_channels" => {
            let ids: Vec<String> = g
                .channels
                .iter()
                .filter(|c| c.private_users.contains(&args.user))
                .map(|c| c.id.clone())
                .collect();
            Ok(json!({"data": args.page(&ids, "page_size", 10)}))
        }
        "ultragroup.user_ban.add" => {
            add_all(g.user_bans.entry(args.channel.clone()).or_default(), &args.users);
            Ok(json!({}))
        }
        "ultragroup.user_ban.remove" => {
            if let Some(list) = g.user_bans.get_mut(&args.channel) {
                list.retain(|u| !args.users.contains(u));
            }
            Ok(json!({}))
        }
        "ultragroup.user_ban.list" => {
            let users = ids(g.user_bans.get(&args.channel));
            Ok(json!({"users": args.page(&users, "page_size", 50)}))
        }
        "ultragroup.global_ban.set" => {
            if args.flag("status") {
                g.global_bans.insert(args.channel.clone());
            } else {
                g.global_bans.remove(&args.channel);
            }
            Ok(json!({}))
        }
        "ultragroup.global_ban.get" => Ok(json!({"status": g.global_bans.contains(&args.channel)})),
        "ultragroup.ban_allowlist.add" => {
            add_all(g.ban_allowlist.entry(args.channel.clone()).or_default(), &args.users);
            Ok(json!({}))
        }
        "ultragroup.ban_allowlist.remove" => {
            if let Some(list) = g.ban_allowlist.get_mut(&args.channel) {
                list.retain(|u| !args.users.contains(u));
            }
            Ok(json!({}))
        }
        "ultragroup.ban_allowlist.list" => {
            let users = ids(g.ban_allowlist.get(&args.channel));
            Ok(json!({"users": args.page(&users, "page_size", 50)}))
        }
        "ultragroup.not_disturb.set" => {
            let level = args.int("unpush_level").unwrap_or(0);
            if ![-1, 0, 1, 2, 4, 5].contains(&level) {
                return Err(rc_error(
                    400,
                    1002,
                    "unpushLevel must be one of -1, 0, 1, 2, 4, 5",
                ));
            }
            g.unpush_levels.insert(args.channel.clone(), level);
            Ok(json!({}))
        }
        "ultragroup.not_disturb.get" => {
            let level = g.unpush_levels.get(&args.channel).copied().unwrap_or(0);
            Ok(json!({"groupId": gid, "busChannel": args.channel, "unpushLevel": level}))
        }
        "ultragroup.expansion.set" => {
            let kv = json_text(&args.text("extra_key_val"), "extraKeyVal")?;
            let Value::Object(kv) = kv else {
                return Err(bad("extraKeyVal must be a JSON object"));
            };
            let keys = g.expansions.entry((args.channel.clone(), args.text("msg_uid")));
            let map = keys.or_default();
            for (k, v) in kv {
                let v = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
                map.insert(k, (v, now));
            }
            Ok(json!({}))
        }
        "ultragroup.expansion.delete" => {
            let keys = json_text(&args.text("extra_key"), "extraKey")?;
            let keys: Vec<String> = match keys {
                Value::Array(items) => items
                    .iter()
                    .map(|k| k.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad("extraKey must be a JSON list of strings"))?,
                _ => return Err(bad("extraKey must be a JSON list of strings")),
            };
            if let Some(map) = g
                .expansions
                .get_mut(&(args.channel.clone(), args.text("msg_uid")))
            {
                for k in keys {
                    map.remove(&k);
                }
            }
            Ok(json!({}))
        }
        "ultragroup.expansion.query" => {
            let page = args.int("page_no").unwrap_or(1).max(1) as usize;
            let content: Map<String, Value> = g
                .expansions
                .get(&(args.channel.clone(), args.text("msg_uid")))
                .into_iter()
                .flatten()
                .skip((page - 1) * 300)
                .take(300)
                .map(|(k, (v, ts))| (k.clone(), json!({"v": v, "ts": ts})))
                .collect();
            Ok(json!({"extraContent": content}))
        }
        "ultragroup.usergroup.create" => {
            for id in args.new_user_groups() {
                if !g.user_groups.iter().any(|(u, _)| *u == id) {
                    g.user_groups.push((id, Vec::new()));
                }
            }
            Ok(json!({}))
        }
        "ultragroup.usergroup.delete" => {
            let gone = &args.user_group_ids;
            g.user_groups.retain(|(id, _)| !gone.contains(id));
            for c in &mut g.channels {
                c.user_groups.retain(|id| !gone.contains(id));
            }
            Ok(json!({}))
        }
        "ultragroup.usergroup.list" => {
            let list: Vec<Value> = g
                .user_groups
                .iter()
                .map(|(id, _)| json!({"userGroupId": id}))
                .collect();
            Ok(json!({"userGroups": args.page(&list, "page_size", 10)}))
        }
        "ultragroup.usergroup.user.add" => {
            g.all_members(&args.users)?;
            add_all(g.user_group(&args.text("user_group_id"))?, &args.users);
            Ok(json!({}))
        }
        "ultragroup.usergroup.user.remove" => {
            g.user_group(&args.text("user_group_id"))?
                .retain(|u| !args.users.contains(u));
            Ok(json!({}))
        }
        "ultragroup.user.usergroups" => {
            let ids: Vec<String> = g
                .user_groups
                .iter()
                .filter(|(_, users)| users.contains(&args.user))
                .map(|(id, _)| id.clone())
                .collect();
            Ok(json!({"data": args.page(&ids, "page_size", 10)}))
        }
        "ultragroup.channel.usergroup.bind" => {
            for id in &args.user_group_ids {
                g.user_group(id)?;
            }
            add_all(
                &mut g.channel(&args.channel)?.user_groups,
                &args.user_group_ids,
            );
            Ok(json!({}))
        }
        "ultragroup.channel.usergroup.unbind" => {
            let c = g.channel(&args.channel)?;
            c.user_groups.retain(|id| !args.user_group_ids.contains(id));
            Ok(json!({}))
        }
        "ultragroup.channel.usergroup.list" => {
            let bound = g.channel(&args.channel)?.user_groups.clone();
            Ok(json!({"data": args.page(&bound, "page_size", 10)}))
        }
        "ultragroup.usergroup.channels" => {
            let id = args.text("user_group_id");
            g.user_group(&id)?;
            let channels: Vec<String> = g
                .channels
                .iter()
                .filter(|c| c.user_groups.contains(&id))
                .map(|c| c.id.clone())
                .collect();
            Ok(json!({"data": args.page(&channels, "page_size", 10)}))
        }
        _ => return Ok(None),
    }
    .map(Some)
}

fn not_found() -> Reply {
    rc_error(404, 404, "ultragroup not found")
}

fn bad(msg: &str) -> Reply {
    rc_error(400, 1002, msg)
}

/// JSON sent as text in a form field.
fn json_text(s: &str, wire: &str) -> Result<Value, Reply> {
    serde_json::from_str(s).map_err(|_| bad(&format!("{wire} must be JSON")))
}

/// Appends the ones not there yet, keeping the order.
fn add_all(list: &mut Vec<String>, new: &[String]) {
    for u in new {
        if !list.contains(u) {
            list.push(u.clone());
        }
    }
}

/// A list of users as `{id}` objects.
fn ids(list: Option<&Vec<String>>) -> Vec<Value> {
    list.into_iter()
        .flatten()
        .map(|u| json!({ "id": u }))
        .collect()
}
