//! Easemob message reactions (`reaction.*`): per message, each reaction with the users who added
//! it, earliest first. The documented refusals: adding a reaction twice, a 21st reaction on a
//! message, removing one the user did not add, a group list without the group.

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::{Reply, em_error, new_id};

pub(crate) struct Reactions;

impl Family for Reactions {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Easemob, "reaction.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        OPERATIONS
            .contains(&call.op.name.as_str())
            .then(|| easemob(call))
    }
}

/// The operations given behaviour here; another of this prefix gets the canned answer.
const OPERATIONS: &[&str] = &[
    "reaction.add",
    "reaction.list",
    "reaction.delete",
    "reaction.detail",
];

/// Different reactions one message takes by default.
const PER_MESSAGE: usize = 20;

struct Reaction {
    id: String,
    reaction: String,
    /// Lowercased user names, earliest first.
    users: Vec<String>,
}

/// One app's reactions: message id → reactions, in the order they were first added.
#[derive(Default)]
struct State(BTreeMap<String, Vec<Reaction>>);

fn bad(desc: &str) -> Reply {
    em_error(400, "Bad Request", desc)
}

/// UTC ISO-8601 with microseconds, as the documentation's example prints times.
fn iso(ms: u64) -> String {
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
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}000Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

fn easemob(call: &mut Call<'_>) -> Outcome {
    let op = call.op.name.clone();
    let user = call.s("user_id").to_lowercase();
    let msg = call.s("msg_id").to_string();
    let emoji = call.s("message").to_string();
    let now = call.now;
    let ok = |extra: Value| {
        let mut body = json!({"requestStatusCode": "ok", "timestamp": now});
        if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
            b.extend(e);
        }
        Ok(Answer::Raw(body))
    };
    match op.as_str() {
        "reaction.add" => {
            let list = call.state.part::<State>().0.entry(msg.clone()).or_default();
            let count = list.len();
            let id = match list.iter_mut().find(|r| r.reaction == emoji) {
                Some(r) if r.users.contains(&user) => {
                    return Err(bad("the user is already operation this message"));
                }
                Some(r) => {
                    r.users.push(user);
                    r.id.clone()
                }
                None if count >= PER_MESSAGE => {
                    return Err(bad("The quantity has exceeded the limit!"));
                }
                None => {
                    let id = new_id();
                    list.push(Reaction {
                        id: id.clone(),
                        reaction: emoji.clone(),
                        users: vec![user],
                    });
                    id
                }
            };
            ok(json!({"data": {
                "id": id, "msgId": msg, "msgType": "chat", "groupId": null,
                "reaction": emoji, "createdAt": iso(now), "updatedAt": iso(now)
            }}))
        }
        "reaction.list" => {
            if call.s("msg_type") == "groupchat" && call.s("group_id").is_empty() {
                return Err(bad("groupId can not be null!"));
            }
            let msg_ids = call.list("msg_ids");
            let all = &call.state.part::<State>().0;
            let data: Vec<Value> = msg_ids
                .into_iter()
                .filter_map(|m| {
                    let list = all.get(&m).filter(|l| !l.is_empty())?;
                    let reactions: Vec<Value> = list
                        .iter()
                        .map(|r| {
                            json!({"reactionId": r.id, "reaction": r.reaction,
                                   "count": r.users.len(), "state": r.users.contains(&user),
                                   "userList": r.users.iter().take(3).collect::<Vec<_>>()})
                        })
                        .collect();
                    Some(json!({"msgId": m, "reactionList": reactions}))
                })
                .collect();
            ok(json!({ "data": data }))
        }
        "reaction.delete" => {
            let list = call.state.part::<State>().0.entry(msg).or_default();
            let Some(r) = list
                .iter_mut()
                .find(|r| r.reaction == emoji && r.users.contains(&user))
            else {
                return Err(bad("the user operation is illegal!"));
            };
            r.users.retain(|u| *u != user);
            list.retain(|r| !r.users.is_empty());
            ok(json!({}))
        }
        "reaction.detail" => {
            let from = call.s("cursor").parse::<usize>().unwrap_or(0);
            let limit = call.int("limit").unwrap_or(50).max(1) as usize;
            let all = &call.state.part::<State>().0;
            let found = all
                .get(&msg)
                .and_then(|l| l.iter().find(|r| r.reaction == emoji));
            let (id, users) = found.map_or((String::new(), Vec::new()), |r| {
                (r.id.clone(), r.users.clone())
            });
            let page: Vec<&String> = users.iter().skip(from).take(limit).collect();
            let next = (from + page.len() < users.len()).then(|| (from + page.len()).to_string());
            ok(json!({"data": {
                "reactionId": id, "reaction": emoji, "count": users.len(),
                "state": users.contains(&user), "userList": page, "cursor": next
            }}))
        }
        _ => unreachable!("handle() passes only OPERATIONS"),
    }
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn iso_prints_utc_with_microseconds() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(iso(1_645_700_263_138), "2022-02-24T10:57:43.138000Z");
    }
}
