//! Easemob offline push (`push.*`): device bindings, per-chat notification settings, the
//! translation language, push templates and the template each user chose. Push nicknames live
//! with the user (`easemob_users`), so `user.get` shows what `push.nickname_batch` set. Per-user
//! settings need a registered user (the documented 400 otherwise); an unknown template is the
//! documented 400 `EntityNotFoundException`.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::easemob_users::{registered, set_push_nickname};
use super::{Answer, Call, Family, Outcome};
use crate::http::{Reply, em_error};

pub(crate) struct EasemobPush;

impl Family for EasemobPush {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "push.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        OPERATIONS
            .contains(&call.op.name.as_str())
            .then(|| easemob(call))
    }
}

/// The operations given behaviour here; another of this prefix gets the canned answer.
const OPERATIONS: &[&str] = &[
    "push.binding.set",
    "push.binding.get",
    "push.nickname_batch",
    "push.notification.set",
    "push.notification.get",
    "push.language.set",
    "push.language.get",
    "push.template.create",
    "push.template.get",
    "push.template.delete",
    "push.template.use",
];

#[derive(Clone)]
struct Binding {
    device_id: String,
    device_token: String,
    notifier_name: String,
}

#[derive(Clone)]
struct Setting {
    kind: String,
    interval: String,
    /// When the one-off do-not-disturb period ends, Unix milliseconds (0: none).
    until: u64,
}

#[derive(Clone)]
struct Template {
    name: String,
    title: String,
    content: String,
    created: u64,
}

/// One app's push state, by lowercased user name.
#[derive(Default)]
struct State {
    bindings: BTreeMap<String, Vec<Binding>>,
    /// (user, chat type, key) → setting
    settings: BTreeMap<(String, String, String), Setting>,
    language: BTreeMap<String, String>,
    templates: BTreeMap<String, Template>,
    chosen: BTreeMap<String, String>,
}

fn binding_json(b: &Binding) -> Value {
    json!({"device_id": b.device_id, "device_token": b.device_token, "notifier_name": b.notifier_name})
}

fn setting_json(s: &Setting) -> Value {
    json!({"type": s.kind, "ignoreInterval": s.interval, "ignoreDuration": s.until})
}

fn template_json(t: &Template) -> Value {
    json!({"name": t.name, "createAt": t.created, "updateAt": t.created,
           "title_pattern": t.title, "content_pattern": t.content})
}

fn no_template(name: &str) -> Reply {
    em_error(
        400,
        "EntityNotFoundException",
        &format!("{name} template is not exist"),
    )
}

/// The documented answer to a per-user setting of a user that does not exist.
fn user_needed(call: &mut Call<'_>, name: &str) -> Result<(), Reply> {
    registered(call, name).map(|_| ()).map_err(|_| {
        em_error(
            400,
            "RequiredPropertyNotFoundException",
            "Entity user requires a property named username",
        )
    })
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.clone();
    let name = call.s("username").to_string();
    let user = name.to_lowercase();
    let now = call.now;
    if op != "push.nickname_batch" && !op.starts_with("push.template.") || op == "push.template.use"
    {
        user_needed(call, &name)?;
    }
    match op.as_str() {
        "push.binding.set" => {
            let (device, notifier, token) = (
                call.s("device_id").to_string(),
                call.s("notifier_name").to_string(),
                call.s("device_token").to_string(),
            );
            let list = call.state.part::<State>().bindings.entry(user).or_default();
            if notifier.is_empty() {
                list.retain(|b| b.device_id != device);
            } else {
                list.retain(|b| !(b.device_id == device && b.notifier_name == notifier));
                if !token.is_empty() {
                    list.push(Binding {
                        device_id: device.clone(),
                        device_token: token,
                        notifier_name: notifier,
                    });
                }
            }
            let now_bound: Vec<Value> = list
                .iter()
                .filter(|b| b.device_id == device)
                .map(binding_json)
                .collect();
            Ok(Answer::Entities(now_bound))
        }
        "push.binding.get" => {
            let all: Vec<Value> = call
                .state
                .part::<State>()
                .bindings
                .get(&user)
                .map(|l| l.iter().map(binding_json).collect())
                .unwrap_or_default();
            Ok(Answer::Entities(all))
        }
        "push.nickname_batch" => {
            let items = call
                .args
                .get("users")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut out = Vec::new();
            for item in items {
                let u = item["username"].as_str().unwrap_or_default().to_string();
                let nick = item["push_nickname"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                if registered(call, &u).is_ok() {
                    set_push_nickname(call.state, &u, &nick);
                    out.push(json!({"push_nickname": nick, "username": u}));
                }
            }
            Ok(Answer::Entities(out))
        }
        "push.notification.set" | "push.notification.get" => {
            let at = (
                user,
                call.s("chat_type").to_string(),
                call.s("key").to_string(),
            );
            let kind = call.opt_s("type");
            let interval = call.opt_s("ignore_interval");
            let duration = call.int("ignore_duration");
            let settings = &mut call.state.part::<State>().settings;
            let current = settings.get(&at).cloned().unwrap_or(Setting {
                kind: "DEFAULT".into(),
                interval: String::new(),
                until: 0,
            });
            if op == "push.notification.get" {
                return Ok(Answer::Data(setting_json(&current)));
            }
            let next = Setting {
                kind: kind.unwrap_or(current.kind),
                interval: interval.unwrap_or(current.interval),
                until: match duration {
                    Some(0) => 0,
                    Some(ms) => now + ms.max(0) as u64,
                    None => current.until,
                },
            };
            let shown = setting_json(&next);
            settings.insert(at, next);
            Ok(Answer::Data(shown))
        }
        "push.language.set" => {
            let lang = call.s("translation_language").to_string();
            call.state
                .part::<State>()
                .language
                .insert(user, lang.clone());
            Ok(Answer::Data(json!({ "language": lang })))
        }
        "push.language.get" => {
            let lang = call
                .state
                .part::<State>()
                .language
                .get(&user)
                .cloned()
                .unwrap_or_default();
            Ok(Answer::Data(json!({ "language": lang })))
        }
        "push.template.create" => {
            let t = Template {
                name: call.s("name").to_string(),
                title: call.s("title_pattern").to_string(),
                content: call.s("content_pattern").to_string(),
                created: now,
            };
            let shown = template_json(&t);
            call.state
                .part::<State>()
                .templates
                .insert(t.name.clone(), t);
            Ok(Answer::Data(shown))
        }
        "push.template.get" | "push.template.delete" => {
            let tname = call.s("name").to_string();
            let templates = &mut call.state.part::<State>().templates;
            let found = if op == "push.template.get" {
                templates.get(&tname).cloned()
            } else {
                templates.remove(&tname)
            };
            found
                .map(|t| Answer::Data(template_json(&t)))
                .ok_or_else(|| no_template(&tname))
        }
        "push.template.use" => {
            let tname = call.s("template_name").to_string();
            let st = call.state.part::<State>();
            if !st.templates.contains_key(&tname) {
                return Err(no_template(&tname));
            }
            st.chosen.insert(user, tname.clone());
            Ok(Answer::Data(json!({ "templateName": tname })))
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    }
}
