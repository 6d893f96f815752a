//! RongCloud sensitive words: the app's list of blocked and replaced words, shared by the
//! `/sensitiveword` API and the older `/wordfilter` API (which only adds blocked words).

use std::collections::BTreeMap;

use imcloud::catalogue::Cloud;
use serde_json::{Value, json};

use super::{Answer, Call, Family, Outcome};
use crate::http::rc_error;

pub(crate) struct SensitiveWords;

/// The app's default quota of sensitive words.
const QUOTA: usize = 50;

/// Word → its replacement (`None`: blocked), in word order.
#[derive(Default)]
struct Words(BTreeMap<String, Option<String>>);

impl Family for SensitiveWords {
    fn serves(&self) -> &'static [(Cloud, &'static str)] {
        &[(Cloud::Rongcloud, "sensitiveword.")]
    }

    fn handle(&self, call: &mut Call<'_>) -> Option<Outcome> {
        let ok = |v: Value| Some(Ok(Answer::Fields(v)));
        let word = call.s("word").to_string();
        match call.op.name.as_str() {
            "sensitiveword.add" | "sensitiveword.filter.add" => {
                let replace = call.opt_s("replace_word");
                Some(add(call, vec![(word, replace)]).map(|()| Answer::Fields(json!({}))))
            }
            "sensitiveword.batch_add" => {
                let words: Vec<(String, Option<String>)> = call
                    .args
                    .get("words")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .map(|w| {
                                let field =
                                    |k: &str| w.get(k).and_then(Value::as_str).map(str::to_string);
                                (field("word").unwrap_or_default(), field("replace_word"))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(add(call, words).map(|()| Answer::Fields(json!({}))))
            }
            "sensitiveword.delete" | "sensitiveword.filter.delete" => {
                call.state.part::<Words>().0.remove(&word);
                ok(json!({}))
            }
            "sensitiveword.batch_delete" => {
                let words = call.list("words");
                let all = &mut call.state.part::<Words>().0;
                for w in words {
                    all.remove(&w);
                }
                ok(json!({}))
            }
            "sensitiveword.list" => {
                // 0: replaced words, 1: blocked words (the default), 2: all.
                let kind = match call.s("type") {
                    "" => "1".to_string(),
                    t => t.to_string(),
                };
                let words: Vec<Value> = call
                    .state
                    .part::<Words>()
                    .0
                    .iter()
                    .filter(|(_, r)| match kind.as_str() {
                        "0" => r.is_some(),
                        "1" => r.is_none(),
                        _ => true,
                    })
                    .map(|(w, r)| word_item(w, r))
                    .collect();
                ok(json!({ "words": words }))
            }
            "sensitiveword.filter.list" => {
                let words: Vec<Value> = call
                    .state
                    .part::<Words>()
                    .0
                    .iter()
                    .filter(|(_, r)| r.is_none())
                    .map(|(w, r)| word_item(w, r))
                    .collect();
                ok(json!({ "words": words }))
            }
            _ => None,
        }
    }
}

fn word_item(word: &str, replace: &Option<String>) -> Value {
    json!({
        "word": word,
        "replaceWord": replace.clone().unwrap_or_default(),
        "type": if replace.is_some() { "0" } else { "1" },
    })
}

/// Add words (a word already there takes the new replacement); over the quota nothing is added.
fn add(
    call: &mut Call<'_>,
    words: Vec<(String, Option<String>)>,
) -> Result<(), crate::http::Reply> {
    let all = &mut call.state.part::<Words>().0;
    let new = words.iter().filter(|(w, _)| !all.contains_key(w)).count();
    if all.len() + new > QUOTA {
        return Err(rc_error(
            403,
            1019,
            &format!(
                "sensitive word quota exceeded: {} left",
                QUOTA.saturating_sub(all.len())
            ),
        ));
    }
    for (w, r) in words {
        all.insert(w, r);
    }
    Ok(())
}
