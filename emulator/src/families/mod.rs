//! Stateful behaviour, one file per resource family. A family says which operations it serves (by
//! cloud and operation-name prefix) and what they do to its state; the longest matching prefix
//! wins (`group.share_` goes to files, the rest of `group.` to groups).
//!
//! **A new family is a new file plus one line in [`FAMILIES`].** Its state is its own: any
//! `Default` type, kept per app by [`AppState::part`], so no other file changes. A declared
//! operation no family serves (or one its family leaves alone) still gets routed, decoded and
//! validated from the declaration, and answers a canned, schema-true body ([`canned`]).

pub(crate) mod agents;
pub(crate) mod bots;
pub(crate) mod canned;
pub(crate) mod chatroom_moderation;
pub(crate) mod chatrooms;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod easemob_chatrooms;
pub(crate) mod easemob_groups;
pub(crate) mod easemob_messages;
pub(crate) mod easemob_push;
pub(crate) mod easemob_users;
pub(crate) mod entrust_groups;
pub(crate) mod files;
pub(crate) mod friends;
pub(crate) mod messages;
pub(crate) mod presence;
pub(crate) mod push;
pub(crate) mod reactions;
pub(crate) mod rongcloud_groups;
pub(crate) mod sensitive_words;
pub(crate) mod threads;
pub(crate) mod tokens;
pub(crate) mod ultragroups;
pub(crate) mod user_attributes;
pub(crate) mod user_relations;
pub(crate) mod user_settings;
pub(crate) mod users;

use std::any::{Any, TypeId};
use std::collections::HashMap;

use bytes::Bytes;
use imcloud::catalogue::{Cloud, Operation};
use serde_json::{Map, Value};

use crate::config::EasemobApp;
use crate::http::Reply;
use messages::SentMessage;

/// Every family, in no particular order (dispatch goes by the longest prefix).
static FAMILIES: &[&dyn Family] = &[
    &tokens::Tokens,
    &users::Users,
    &user_relations::UserRelations,
    &messages::Messages,
    &rongcloud_groups::RongcloudGroups,
    &easemob_groups::EasemobGroups,
    &entrust_groups::EntrustGroups,
    &chatrooms::Chatrooms,
    &chatroom_moderation::ChatroomModeration,
    &files::Files,
    &push::Push,
    &contacts::Contacts,
    &user_settings::UserSettings,
    &sensitive_words::SensitiveWords,
    &friends::Friends,
    &agents::Agents,
    &bots::Bots,
    &ultragroups::Ultragroups,
    &easemob_users::EasemobUsers,
    &user_attributes::UserAttributes,
    &presence::Presence,
    &easemob_push::EasemobPush,
    &reactions::Reactions,
    &threads::Threads,
    &easemob_chatrooms::EasemobChatrooms,
    &easemob_messages::EasemobMessages,
    &conversations::Conversations,
];

/// The state of one app of one cloud: one part per family, by type.
#[derive(Default)]
pub(crate) struct AppState {
    parts: HashMap<TypeId, Box<dyn Any + Send>>,
}

impl AppState {
    /// This app's part of type `T`, created empty on first use.
    pub fn part<T: Default + Send + 'static>(&mut self) -> &mut T {
        self.parts
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut::<T>()
            .expect("parts are keyed by their type")
    }
}

/// One call of an operation, decoded and validated.
pub(crate) struct Call<'a> {
    pub cloud: Cloud,
    /// The app key (RongCloud) or `org#app` (Easemob).
    pub app: &'a str,
    /// The Easemob app's settings (credentials, token lifetime); `None` for RongCloud.
    pub easemob: Option<&'a EasemobApp>,
    pub state: &'a mut AppState,
    pub op: &'static Operation,
    pub args: &'a Map<String, Value>,
    /// Fixed and credential body fields as sent, by wire name.
    pub fixed: &'a Map<String, Value>,
    /// The uploaded file of a multipart operation: (file name, bytes).
    pub file: Option<(String, Bytes)>,
    /// Messages sent through any app.
    pub log: &'a mut Vec<SentMessage>,
    pub now: u64,
}

impl Call<'_> {
    /// A string argument, `""` if absent.
    pub fn s(&self, name: &str) -> &str {
        self.args
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A string-list argument, empty if absent.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.args
            .get(name)
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A string argument if given (`s` gives "" when absent).
    pub fn opt_s(&self, name: &str) -> Option<String> {
        self.args
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.args.get(name).and_then(Value::as_i64)
    }

    pub fn flag(&self, name: &str) -> Option<bool> {
        self.args.get(name).and_then(Value::as_bool)
    }

    /// The page `pagenum` (from 1) of `pagesize` items (default `default_size`).
    pub fn page<T: Clone>(&self, items: &[T], default_size: usize) -> Vec<T> {
        let num = self.int("pagenum").unwrap_or(1).max(1) as usize;
        let size = self
            .int("pagesize")
            .map(|n| n.max(0) as usize)
            .unwrap_or(default_size);
        items
            .iter()
            .skip((num - 1) * size)
            .take(size)
            .cloned()
            .collect()
    }
}

/// A successful answer, before the cloud's envelope.
pub(crate) enum Answer {
    /// RongCloud: these fields next to `"code": 200`.
    Fields(Value),
    /// Easemob: `entities` of the envelope.
    Entities(Vec<Value>),
    /// Easemob: `data` of the envelope.
    Data(Value),
    /// Easemob: this body, no envelope (the token endpoint).
    Raw(Value),
    /// A download.
    Bytes(Bytes),
}

/// What a family's handler gives: an answer, or a finished error reply in the cloud's shape.
pub(crate) type Outcome = Result<Answer, Reply>;

/// A resource family's behaviour.
pub(crate) trait Family: Sync {
    /// The operations it serves: (cloud, operation name or a prefix of names).
    fn serves(&self) -> &'static [(Cloud, &'static str)];

    /// Carry out `call`; `None` leaves it to the canned answer.
    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome>;
}

/// The family serving an operation: the one with the longest matching prefix.
pub(crate) fn family_of(cloud: Cloud, op: &str) -> Option<&'static dyn Family> {
    FAMILIES
        .iter()
        .filter_map(|f| {
            f.serves()
                .iter()
                .filter(|(c, prefix)| *c == cloud && op.starts_with(prefix))
                .map(|(_, prefix)| prefix.len())
                .max()
                .map(|len| (len, *f))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, f)| f)
}

/// Carry out a decoded, validated call: its family's behaviour, or the canned answer.
pub(crate) fn dispatch(call: &mut Call<'_>) -> Outcome {
    family_of(call.cloud, &call.op.name)
        .and_then(|f| f.handle(call))
        .unwrap_or_else(|| Ok(canned::answer(call.cloud, call.op, call.args)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins() {
        let files = family_of(Cloud::Easemob, "group.share_file_upload").unwrap();
        let groups = family_of(Cloud::Easemob, "group.create").unwrap();
        assert!(std::ptr::addr_eq(files, &files::Files as &dyn Family));
        assert!(std::ptr::addr_eq(
            groups,
            &easemob_groups::EasemobGroups as &dyn Family
        ));
        assert!(family_of(Cloud::Rongcloud, "nothing.like.this").is_none());
    }
}
