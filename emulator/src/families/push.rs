//! Pushes (RongCloud `push`, the Push Plus `push.custom` and the push-only `push.user`): each
//! answers its own push id.

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::new_id;

pub(crate) struct Push;

/// Pushes sent through one app.
#[derive(Default)]
struct Sent(Vec<Value>);

impl Family for Push {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "push")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let id = new_id();
        let push = match call.op.name.as_str() {
            "push" | "push.custom" => {
                json!({"id": id, "kind": call.op.name, "platform": call.args.get("platform"), "audience": call.args.get("audience"), "notification": call.args.get("notification")})
            }
            "push.user" => {
                json!({"id": id, "kind": call.op.name, "userIds": call.args.get("user_ids"), "notification": call.args.get("notification")})
            }
            _ => return None,
        };
        call.state.part::<Sent>().0.push(push);
        Some(Ok(Answer::Fields(json!({"id": id}))))
    }
}
