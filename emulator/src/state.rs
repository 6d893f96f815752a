//! The emulator's in-memory state and what each operation does to it. No I/O here: `server.rs`
//! parses requests (with the core's catalogue) and calls these.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value, json};

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// What a handler answers.
pub enum Reply {
    Json(u16, Value),
    Bytes(u16, Bytes),
}

/// A message some operation sent, for tests to read back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentMessage {
    /// `rongcloud` or `easemob`.
    pub cloud: String,
    /// The app key (RongCloud) or `org#app` (Easemob).
    pub app: String,
    pub operation: String,
    pub id: String,
    pub from: String,
    /// `users`, `chatgroups`, `chatrooms` (Easemob); `private`, `group`, `system` (RongCloud).
    pub target_type: String,
    pub to: Vec<String>,
    /// The message type: `txt`, `img`, … or a RongCloud object name.
    pub kind: String,
    /// The message body (Easemob) or content (RongCloud), as JSON.
    pub body: Value,
    pub ext: Value,
    pub at_ms: u64,
    pub recalled: bool,
}

// ------------------------------------------------------------------------------------------------
// RongCloud
// ------------------------------------------------------------------------------------------------

#[derive(Default)]
pub struct RongUser {
    pub name: String,
    pub portrait: String,
    pub token: String,
    pub blocked_until_ms: Option<u64>,
}

#[derive(Default)]
pub struct RongApp {
    pub secret: String,
    pub users: BTreeMap<String, RongUser>,
    pub groups: BTreeMap<String, (String, BTreeSet<String>)>,
    pub chatrooms: BTreeMap<String, Value>,
    pub tags: BTreeMap<String, Vec<String>>,
    pub online: BTreeSet<String>,
    pub pushes: Vec<Value>,
}

fn s<'a>(a: &'a Map<String, Value>, k: &str) -> &'a str {
    a.get(k).and_then(Value::as_str).unwrap_or_default()
}

fn list(a: &Map<String, Value>, k: &str) -> Vec<String> {
    a.get(k)
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn rc_ok(extra: Value) -> Reply {
    let mut body = json!({"code": 200});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    Reply::Json(200, body)
}

pub fn rc_error(http: u16, code: u32, msg: &str) -> Reply {
    Reply::Json(http, json!({"code": code, "errorMessage": msg}))
}

/// UTC `yyyy-MM-dd HH:mm:ss`, as RongCloud prints times.
fn datetime(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = ((secs / 86400) as i64, secs % 86400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

impl RongApp {
    pub fn handle(
        &mut self,
        app_key: &str,
        op: &str,
        a: &Map<String, Value>,
        log: &mut Vec<SentMessage>,
    ) -> Reply {
        let now = now_ms();
        match op {
            "user.register" => {
                let id = s(a, "user_id").to_string();
                let token = format!(
                    "{}@{}.cn1.rongnav.com;{}",
                    new_id().replace('-', ""),
                    app_key,
                    now
                );
                let u = self.users.entry(id.clone()).or_default();
                u.name = s(a, "name").to_string();
                u.portrait = s(a, "portrait_uri").to_string();
                u.token = token.clone();
                rc_ok(json!({"userId": id, "token": token}))
            }
            "user.refresh" => match self.users.get_mut(s(a, "user_id")) {
                None => rc_error(404, 404, "user not found"),
                Some(u) => {
                    if let Some(n) = a.get("name").and_then(Value::as_str) {
                        u.name = n.to_string();
                    }
                    if let Some(p) = a.get("portrait_uri").and_then(Value::as_str) {
                        u.portrait = p.to_string();
                    }
                    rc_ok(json!({}))
                }
            },
            "user.check_online" => {
                let on = self.online.contains(s(a, "user_id"));
                rc_ok(json!({"status": if on { "1" } else { "0" }}))
            }
            "user.block.add" => {
                let until = now + a.get("minute").and_then(Value::as_u64).unwrap_or(1) * 60_000;
                for id in list(a, "user_ids") {
                    self.users.entry(id.clone()).or_default().blocked_until_ms = Some(until);
                    self.online.remove(&id);
                }
                rc_ok(json!({}))
            }
            "user.block.remove" => {
                for id in list(a, "user_ids") {
                    if let Some(u) = self.users.get_mut(&id) {
                        u.blocked_until_ms = None;
                    }
                }
                rc_ok(json!({}))
            }
            "user.block.list" => {
                let users: Vec<Value> = self
                    .users
                    .iter()
                    .filter_map(|(id, u)| {
                        u.blocked_until_ms
                            .filter(|t| *t > now)
                            .map(|t| json!({"userId": id, "blockEndTime": datetime(t)}))
                    })
                    .collect();
                rc_ok(json!({"users": users}))
            }
            "message.private.publish" | "message.group.publish" | "message.system.publish" => {
                let (target_type, to_key, id_key) = match op {
                    "message.private.publish" => ("private", "to_user_ids", "userId"),
                    "message.group.publish" => ("group", "to_group_ids", "groupId"),
                    _ => ("system", "to_user_ids", "userId"),
                };
                let to = list(a, to_key);
                let content = match a.get("content") {
                    Some(Value::String(text)) => {
                        serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
                    }
                    Some(v) => v.clone(),
                    None => Value::Null,
                };
                let mut uids = Vec::new();
                for t in &to {
                    let uid = new_id().to_uppercase()[..19].to_string();
                    uids.push(json!({id_key: t, "messageUID": uid}));
                    log.push(SentMessage {
                        cloud: "rongcloud".into(),
                        app: app_key.into(),
                        operation: op.into(),
                        id: uid,
                        from: s(a, "from_user_id").into(),
                        target_type: target_type.into(),
                        to: vec![t.clone()],
                        kind: s(a, "object_name").into(),
                        body: content.clone(),
                        ext: a.get("push_ext").cloned().unwrap_or(Value::Null),
                        at_ms: now,
                        recalled: false,
                    });
                }
                rc_ok(json!({"messageUIDs": uids}))
            }
            "message.recall" => {
                let uid = s(a, "message_uid");
                match log
                    .iter_mut()
                    .find(|m| m.cloud == "rongcloud" && m.id == uid)
                {
                    Some(m) => {
                        m.recalled = true;
                        rc_ok(json!({}))
                    }
                    None => rc_error(404, 404, "message not found"),
                }
            }
            "group.create" | "group.join" => {
                let gid = s(a, "group_id").to_string();
                let name = a
                    .get("group_name")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let g = self.groups.entry(gid).or_default();
                if let Some(n) = name {
                    g.0 = n;
                }
                g.1.extend(list(a, "user_ids"));
                rc_ok(json!({}))
            }
            "group.quit" => {
                if let Some(g) = self.groups.get_mut(s(a, "group_id")) {
                    for u in list(a, "user_ids") {
                        g.1.remove(&u);
                    }
                }
                rc_ok(json!({}))
            }
            "group.dismiss" => {
                self.groups.remove(s(a, "group_id"));
                rc_ok(json!({}))
            }
            "group.refresh" => match self.groups.get_mut(s(a, "group_id")) {
                None => rc_error(404, 404, "group not found"),
                Some(g) => {
                    g.0 = s(a, "group_name").to_string();
                    rc_ok(json!({}))
                }
            },
            "group.members" => match self.groups.get(s(a, "group_id")) {
                None => rc_error(404, 404, "group not found"),
                Some(g) => {
                    let users: Vec<Value> = g.1.iter().map(|u| json!({"id": u})).collect();
                    rc_ok(json!({"id": s(a, "group_id"), "users": users}))
                }
            },
            "chatroom.create" => {
                let id = s(a, "chatroom_id").to_string();
                self.chatrooms.entry(id.clone()).or_insert_with(|| {
                    json!({
                        "chatroomId": id,
                        "createTime": now,
                        "memberCount": 0,
                        "destroyType": a.get("destroy_type").and_then(Value::as_i64).unwrap_or(0),
                        "destroyTime": a.get("destroy_time").and_then(Value::as_i64).unwrap_or(0),
                        "ban": a.get("is_ban").and_then(Value::as_bool).unwrap_or(false),
                    })
                });
                rc_ok(json!({}))
            }
            "chatroom.destroy" => {
                for id in list(a, "chatroom_ids") {
                    self.chatrooms.remove(&id);
                }
                rc_ok(json!({}))
            }
            "chatroom.query" => match self.chatrooms.get(s(a, "chatroom_id")) {
                None => rc_error(404, 404, "chatroom not found"),
                Some(r) => rc_ok(r.clone()),
            },
            "user.tag.set" => {
                self.tags
                    .insert(s(a, "user_id").to_string(), list(a, "tags"));
                rc_ok(json!({}))
            }
            "push" => {
                let id = new_id();
                self.pushes.push(json!({"id": id, "platform": a.get("platform"), "audience": a.get("audience"), "notification": a.get("notification")}));
                rc_ok(json!({"id": id}))
            }
            other => rc_error(404, 404, &format!("{other} is not emulated")),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Easemob / Agora Chat
// ------------------------------------------------------------------------------------------------

pub struct EaseUser {
    pub uuid: String,
    pub username: String,
    pub nickname: String,
    pub created: u64,
}

pub struct ShareFile {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub data: Bytes,
    pub created: u64,
}

pub struct EaseGroup {
    pub name: String,
    pub description: String,
    pub owner: String,
    pub public: bool,
    pub maxusers: i64,
    pub members: Vec<String>,
    pub announcement: String,
    pub created: u64,
    pub custom: String,
    pub files: Vec<ShareFile>,
}

pub struct Attachment {
    pub data: Bytes,
    pub secret: String,
    pub restrict: bool,
}

#[derive(Default)]
pub struct EaseApp {
    pub client_id: String,
    pub client_secret: String,
    /// token → expiry (ms; 0 = never)
    pub tokens: HashMap<String, u64>,
    pub token_ttl: u64,
    pub users: BTreeMap<String, EaseUser>,
    pub online: BTreeSet<String>,
    pub groups: BTreeMap<String, EaseGroup>,
    pub attachments: HashMap<String, Attachment>,
    pub next_group: u64,
}

pub fn em_error(status: u16, error: &str, desc: &str) -> Reply {
    Reply::Json(
        status,
        json!({"error": error, "exception": "EasemobEmulatorException", "timestamp": now_ms(), "duration": 0, "error_description": desc}),
    )
}

/// What a successful Easemob handler produced, before the envelope.
pub enum EmOk {
    Entities(Vec<Value>),
    Data(Value),
    Raw(Value),
    Bytes(Bytes),
}

fn page<T: Clone>(items: &[T], a: &Map<String, Value>, default_size: usize) -> Vec<T> {
    let num = a.get("pagenum").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
    let size = a
        .get("pagesize")
        .and_then(Value::as_u64)
        .map(|n| n as usize)
        .unwrap_or(default_size);
    items
        .iter()
        .skip((num - 1) * size)
        .take(size)
        .cloned()
        .collect()
}

impl EaseApp {
    fn user_entity(u: &EaseUser) -> Value {
        json!({"uuid": u.uuid, "type": "user", "created": u.created, "modified": u.created,
               "username": u.username, "activated": true, "nickname": u.nickname})
    }

    fn add_user(&mut self, username: &str, nickname: &str) -> Result<Value, Reply> {
        let key = username.to_lowercase();
        if self.users.contains_key(&key) {
            return Err(em_error(
                400,
                "duplicate_unique_property_exists",
                &format!("Application user property username {username} already exists"),
            ));
        }
        let u = EaseUser {
            uuid: new_id(),
            username: key.clone(),
            nickname: nickname.to_string(),
            created: now_ms(),
        };
        let e = Self::user_entity(&u);
        self.users.insert(key, u);
        Ok(e)
    }

    fn user_not_found(name: &str) -> Reply {
        em_error(
            404,
            "service_resource_not_found",
            &format!("Service resource not found: user {name}"),
        )
    }

    fn group_not_found(id: &str) -> Reply {
        em_error(
            404,
            "resource_not_found",
            &format!("grpID {id} does not exist!"),
        )
    }

    pub fn issue_token(&mut self, ttl: Option<u64>) -> Value {
        let ttl = ttl.unwrap_or(self.token_ttl);
        let token = format!("YWMt{}", new_id().replace('-', ""));
        let exp = if ttl == 0 {
            0
        } else {
            now_ms().saturating_add(ttl.saturating_mul(1000))
        };
        self.tokens.insert(token.clone(), exp);
        json!({"access_token": token, "expires_in": ttl, "application": new_id()})
    }

    pub fn token_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|exp| *exp == 0 || *exp > now_ms())
    }

    pub fn handle(
        &mut self,
        app: &str,
        op: &str,
        a: &Map<String, Value>,
        file: Option<(String, Bytes)>,
        header: &dyn Fn(&str) -> Option<String>,
        log: &mut Vec<SentMessage>,
    ) -> Result<EmOk, Reply> {
        let now = now_ms();
        match op {
            "auth.app_token" => Ok(EmOk::Raw(
                self.issue_token(a.get("ttl").and_then(Value::as_u64)),
            )),
            "user.register" => Ok(EmOk::Entities(vec![
                self.add_user(s(a, "username"), s(a, "nickname"))?,
            ])),
            "user.register_batch" => {
                let users = a
                    .get("users")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut out = Vec::new();
                for u in users {
                    let name = u
                        .get("username")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let nick = u
                        .get("nickname")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if let Ok(e) = self.add_user(name, nick) {
                        out.push(e);
                    }
                }
                Ok(EmOk::Entities(out))
            }
            "user.get" => {
                let u = self
                    .users
                    .get(&s(a, "username").to_lowercase())
                    .ok_or_else(|| Self::user_not_found(s(a, "username")))?;
                Ok(EmOk::Entities(vec![Self::user_entity(u)]))
            }
            "user.delete" => {
                let key = s(a, "username").to_lowercase();
                let u = self
                    .users
                    .remove(&key)
                    .ok_or_else(|| Self::user_not_found(s(a, "username")))?;
                self.online.remove(&key);
                Ok(EmOk::Entities(vec![Self::user_entity(&u)]))
            }
            "user.status" => {
                let key = s(a, "username").to_lowercase();
                if !self.users.contains_key(&key) {
                    return Err(Self::user_not_found(s(a, "username")));
                }
                let st = if self.online.contains(&key) {
                    "online"
                } else {
                    "offline"
                };
                Ok(EmOk::Data(json!({ s(a, "username"): st })))
            }
            "user.status_batch" => {
                let out: Vec<Value> = list(a, "usernames")
                    .iter()
                    .map(|u| json!({ u: if self.online.contains(&u.to_lowercase()) { "online" } else { "offline" } }))
                    .collect();
                Ok(EmOk::Data(Value::Array(out)))
            }
            op if op.starts_with("message.send_") => {
                let target_type = s(a, "target_type").to_string();
                let to = list(a, "to");
                let from = a
                    .get("from")
                    .and_then(Value::as_str)
                    .unwrap_or("admin")
                    .to_string();
                if target_type == "chatgroups"
                    && let Some(missing) = to.iter().find(|g| !self.groups.contains_key(*g))
                {
                    return Err(Self::group_not_found(missing));
                }
                let kind = op.trim_start_matches("message.send_");
                let kind = match kind {
                    "text" => "txt",
                    "image" => "img",
                    k => k,
                };
                let mut body = Map::new();
                for (k, v) in a {
                    if !matches!(
                        k.as_str(),
                        "target_type" | "to" | "from" | "ext" | "sync_device" | "route_online"
                    ) {
                        body.insert(k.clone(), v.clone());
                    }
                }
                let mut data = Map::new();
                for t in &to {
                    let id = format!(
                        "{}",
                        1_000_000_000_000_000u64 + rand::random_range(0..1_000_000_000_000u64)
                    );
                    data.insert(t.clone(), Value::String(id.clone()));
                    log.push(SentMessage {
                        cloud: "easemob".into(),
                        app: app.into(),
                        operation: op.into(),
                        id,
                        from: from.clone(),
                        target_type: target_type.clone(),
                        to: vec![t.clone()],
                        kind: kind.into(),
                        body: Value::Object(body.clone()),
                        ext: a.get("ext").cloned().unwrap_or(Value::Null),
                        at_ms: now,
                        recalled: false,
                    });
                }
                Ok(EmOk::Data(Value::Object(data)))
            }
            "attachment.upload" => {
                let (_, data) =
                    file.ok_or_else(|| em_error(400, "illegal_argument", "file part is missing"))?;
                let uuid = new_id();
                let secret = new_id().replace('-', "");
                let restrict = a
                    .get("restrict_access")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                self.attachments.insert(
                    uuid.clone(),
                    Attachment {
                        data,
                        secret: secret.clone(),
                        restrict,
                    },
                );
                Ok(EmOk::Entities(vec![
                    json!({"uuid": uuid, "type": "chatfile", "share-secret": secret}),
                ]))
            }
            "attachment.download" => {
                let f = self
                    .attachments
                    .get(s(a, "uuid"))
                    .ok_or_else(|| em_error(404, "file_expired", "file not found or expired"))?;
                if f.restrict && header("share-secret").as_deref() != Some(f.secret.as_str()) {
                    return Err(em_error(
                        403,
                        "forbidden_op",
                        "share-secret is missing or wrong",
                    ));
                }
                Ok(EmOk::Bytes(f.data.clone()))
            }
            "group.create" => {
                self.next_group += 1;
                let id = format!(
                    "{}",
                    200_000_000_000_000u64 + now % 1_000_000_000 * 1000 + self.next_group
                );
                let mut members = vec![s(a, "owner").to_string()];
                for m in list(a, "members") {
                    if !members.contains(&m) {
                        members.push(m);
                    }
                }
                self.groups.insert(
                    id.clone(),
                    EaseGroup {
                        name: s(a, "groupname").into(),
                        description: s(a, "description").into(),
                        owner: s(a, "owner").into(),
                        public: a.get("public").and_then(Value::as_bool).unwrap_or(false),
                        maxusers: a.get("maxusers").and_then(Value::as_i64).unwrap_or(200),
                        members,
                        announcement: String::new(),
                        created: now,
                        custom: s(a, "custom").into(),
                        files: Vec::new(),
                    },
                );
                Ok(EmOk::Data(json!({"groupid": id})))
            }
            "group.get" => {
                let mut out = Vec::new();
                for id in list(a, "group_ids") {
                    let g = self
                        .groups
                        .get(&id)
                        .ok_or_else(|| Self::group_not_found(&id))?;
                    let aff: Vec<Value> = g
                        .members
                        .iter()
                        .map(|m| {
                            if *m == g.owner {
                                json!({"owner": m})
                            } else {
                                json!({"member": m})
                            }
                        })
                        .collect();
                    out.push(json!({"id": id, "name": g.name, "description": g.description, "owner": g.owner,
                        "public": g.public, "maxusers": g.maxusers, "affiliations_count": g.members.len(),
                        "affiliations": aff, "created": g.created, "custom": g.custom}));
                }
                Ok(EmOk::Data(Value::Array(out)))
            }
            "group.delete" => {
                let id = s(a, "group_id");
                self.groups
                    .remove(id)
                    .ok_or_else(|| Self::group_not_found(id))?;
                Ok(EmOk::Data(json!({"success": true, "groupid": id})))
            }
            "group.members" => {
                let g = self
                    .groups
                    .get(s(a, "group_id"))
                    .ok_or_else(|| Self::group_not_found(s(a, "group_id")))?;
                let all: Vec<Value> = g
                    .members
                    .iter()
                    .map(|m| {
                        if *m == g.owner {
                            json!({"owner": m})
                        } else {
                            json!({"member": m})
                        }
                    })
                    .collect();
                Ok(EmOk::Data(Value::Array(page(&all, a, 1000))))
            }
            "group.members_add" => {
                let id = s(a, "group_id");
                let g = self
                    .groups
                    .get_mut(id)
                    .ok_or_else(|| Self::group_not_found(id))?;
                let mut added = Vec::new();
                for u in list(a, "usernames") {
                    if !g.members.contains(&u) {
                        g.members.push(u.clone());
                        added.push(u);
                    }
                }
                Ok(EmOk::Data(
                    json!({"newmembers": added, "groupid": id, "action": "add_member"}),
                ))
            }
            "group.members_remove" => {
                let id = s(a, "group_id");
                let g = self
                    .groups
                    .get_mut(id)
                    .ok_or_else(|| Self::group_not_found(id))?;
                let mut out = Vec::new();
                for u in list(a, "usernames") {
                    if u == g.owner {
                        out.push(json!({"result": false, "action": "remove_member", "reason": "forbidden operation on group owner!", "user": u, "groupid": id}));
                    } else if let Some(pos) = g.members.iter().position(|m| *m == u) {
                        g.members.remove(pos);
                        out.push(json!({"result": true, "action": "remove_member", "user": u, "groupid": id}));
                    } else {
                        out.push(json!({"result": false, "action": "remove_member", "reason": format!("user: {u} doesn't exist in group: {id}"), "user": u, "groupid": id}));
                    }
                }
                Ok(EmOk::Data(Value::Array(out)))
            }
            "group.announcement_get" => {
                let g = self
                    .groups
                    .get(s(a, "group_id"))
                    .ok_or_else(|| Self::group_not_found(s(a, "group_id")))?;
                Ok(EmOk::Data(json!({"announcement": g.announcement})))
            }
            "group.announcement_set" => {
                let id = s(a, "group_id");
                let g = self
                    .groups
                    .get_mut(id)
                    .ok_or_else(|| Self::group_not_found(id))?;
                g.announcement = s(a, "announcement").to_string();
                Ok(EmOk::Data(json!({"id": id, "result": true})))
            }
            "group.share_files" => {
                let g = self
                    .groups
                    .get(s(a, "group_id"))
                    .ok_or_else(|| Self::group_not_found(s(a, "group_id")))?;
                let all: Vec<Value> = g
                    .files
                    .iter()
                    .map(|f| json!({"file_id": f.id, "file_name": f.name, "file_owner": f.owner, "file_size": f.data.len(), "created": f.created}))
                    .collect();
                Ok(EmOk::Data(Value::Array(page(&all, a, 1000))))
            }
            "group.share_file_upload" => {
                let id = s(a, "group_id").to_string();
                let g = self
                    .groups
                    .get_mut(&id)
                    .ok_or_else(|| Self::group_not_found(&id))?;
                let (name, data) =
                    file.ok_or_else(|| em_error(400, "illegal_argument", "file part is missing"))?;
                let fid = new_id();
                let size = data.len();
                g.files.push(ShareFile {
                    id: fid.clone(),
                    name: name.clone(),
                    owner: g.owner.clone(),
                    data,
                    created: now,
                });
                Ok(EmOk::Data(json!({
                    "file_url": format!("https://emulator/{}/chatgroups/{id}/share_files/{fid}", app.replace('#', "/")),
                    "group_id": id, "file_name": name, "created": now, "file_id": fid, "file_size": size
                })))
            }
            "group.share_file_download" => {
                let g = self
                    .groups
                    .get(s(a, "group_id"))
                    .ok_or_else(|| Self::group_not_found(s(a, "group_id")))?;
                let f = g
                    .files
                    .iter()
                    .find(|f| f.id == s(a, "file_id"))
                    .ok_or_else(|| em_error(404, "file_expired", "share file not found"))?;
                Ok(EmOk::Bytes(f.data.clone()))
            }
            "group.share_file_delete" => {
                let gid = s(a, "group_id");
                let g = self
                    .groups
                    .get_mut(gid)
                    .ok_or_else(|| Self::group_not_found(gid))?;
                let before = g.files.len();
                g.files.retain(|f| f.id != s(a, "file_id"));
                if g.files.len() == before {
                    return Err(em_error(404, "file_expired", "share file not found"));
                }
                Ok(EmOk::Data(
                    json!({"group_id": gid, "file_id": s(a, "file_id"), "result": true}),
                ))
            }
            other => Err(em_error(
                404,
                "resource_not_found",
                &format!("{other} is not emulated"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_formats_utc() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(datetime(1_408_710_653_000), "2014-08-22 12:30:53");
        assert_eq!(datetime(951_825_600_000), "2000-02-29 12:00:00");
    }
}
