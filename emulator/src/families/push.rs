//! Broadcast pushes (RongCloud `push`).

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
        if call.op.name != "push" {
            return None;
        }
        let id = new_id();
        let push = json!({"id": id, "platform": call.args.get("platform"), "audience": call.args.get("audience"), "notification": call.args.get("notification")});
        call.state.part::<Sent>().0.push(push);
        Some(Ok(Answer::Fields(json!({"id": id}))))
    }
}
