//! Paged lists, read page after page.
//!
//! An operation declared `paged` in the catalogue says how its next page is asked for: with the
//! cursor the previous answer carried (`style: cursor`) or by page number (`style: page`).
//! [`next_args`] is that rule, once: from the arguments of one page and its answer, the
//! arguments of the next page, or `None` after the last. Every language's iterator is a loop
//! around it (Rust: [`Pages`]; the bindings call it through their native module).

use std::marker::PhantomData;

use serde_json::{Map, Value};

use crate::catalogue::{Operation, PageStyle, get_path};
use crate::client::{Easemob, RongCloud};
use crate::error::{Error, Result};
use crate::response::{Response, Typed};

/// The arguments of the page after the one `args` asked for and `body` answered, or `None` when
/// that page was the last (or the operation is not paged).
///
/// - cursor lists: the answer's cursor (`paged.next`) becomes the cursor parameter; no cursor,
///   an empty one, the same one again, or an empty page ends the list;
/// - numbered lists: the page number goes up by one (from the given number, else the
///   parameter's default, else 1); an empty page, or one shorter than the page size asked for,
///   ends the list.
pub fn next_args(
    op: &Operation,
    args: &Map<String, Value>,
    body: &Value,
) -> Option<Map<String, Value>> {
    let paged = op.paged.as_ref()?;
    let count = page_len(op, body);
    if count == Some(0) {
        return None;
    }
    let mut next = args.clone();
    match paged.style {
        PageStyle::Cursor => {
            let cursor = get_path(body, paged.next.as_deref()?)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())?;
            let same = args.get(&paged.param).and_then(Value::as_str) == Some(cursor.as_str());
            if same {
                return None;
            }
            next.insert(paged.param.clone(), Value::String(cursor));
        }
        PageStyle::Page => {
            let param = op.param(&paged.param)?;
            if let (Some(size_name), Some(count)) = (&paged.size, count) {
                let size = args
                    .get(size_name)
                    .filter(|v| !v.is_null())
                    .or(op.param(size_name).and_then(|p| p.default.as_ref()))
                    .and_then(Value::as_u64);
                if size.is_some_and(|size| (count as u64) < size) {
                    return None;
                }
            }
            let page = args
                .get(&paged.param)
                .filter(|v| !v.is_null())
                .or(param.default.as_ref())
                .and_then(Value::as_i64)
                .unwrap_or(1);
            next.insert(paged.param.clone(), Value::from(page + 1));
        }
    }
    Some(next)
}

/// How many items a page holds (`None`: the answer does not say).
fn page_len(op: &Operation, body: &Value) -> Option<usize> {
    let result = match &op.response.root {
        Some(root) => get_path(body, root)?,
        None => body,
    };
    let list = match op.paged.as_ref()?.items.as_deref() {
        Some(name) => {
            let wire = &op.response.fields.iter().find(|f| f.name == name)?.wire;
            get_path(result, wire)?
        }
        None => result,
    };
    list.as_array().map(Vec::len)
}

#[derive(Clone)]
enum AnyClient {
    RongCloud(RongCloud),
    Easemob(Easemob),
}

impl AnyClient {
    async fn call(&self, op: &str, args: Value) -> Result<Response> {
        match self {
            AnyClient::RongCloud(c) => c.call(op, args).await,
            AnyClient::Easemob(c) => c.call(op, args).await,
        }
    }
}

/// The pages of a paged list, one call each, in order: `while let Some(page) = pages.next().await`.
/// After an error the list ends (the error is the last item).
pub struct Pages {
    client: AnyClient,
    op: &'static Operation,
    next: Option<Map<String, Value>>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.op.name)
            .field("done", &self.next.is_none())
            .finish()
    }
}

impl Pages {
    fn start(
        client: AnyClient,
        api: &'static crate::catalogue::Api,
        operation: &str,
        args: Value,
    ) -> Result<Self> {
        let op = api.require(operation)?;
        if op.paged.is_none() {
            return Err(Error::invalid_argument(
                "operation",
                format!("{operation} is not a paged list; use call()"),
            ));
        }
        let args = match args {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(Error::invalid_argument(
                    "args",
                    format!("must be an object of parameters, got {other}"),
                ));
            }
        };
        Ok(Pages {
            client,
            op,
            next: Some(args),
        })
    }

    /// The next page, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<Response>> {
        let args = self.next.take()?;
        match self
            .client
            .call(&self.op.name, Value::Object(args.clone()))
            .await
        {
            Ok(response) => {
                self.next = next_args(self.op, &args, &response.body);
                Some(Ok(response))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// [`Pages`] with each page decoded into the operation's typed result.
pub struct TypedPages<T> {
    pages: Pages,
    _result: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for TypedPages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pages.fmt(f)
    }
}

impl<T: serde::de::DeserializeOwned> TypedPages<T> {
    pub(crate) fn new(pages: Pages) -> Self {
        TypedPages {
            pages,
            _result: PhantomData,
        }
    }

    /// The next page, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<Typed<T>>> {
        Some(self.pages.next().await?.and_then(Typed::from_response))
    }
}

/// [`next_args`] for an operation named in `api`, on JSON values (what the bindings call).
fn next_page_of(
    api: &'static crate::catalogue::Api,
    operation: &str,
    args: &Value,
    body: &Value,
) -> Result<Option<Value>> {
    let op = api.require(operation)?;
    let args = match args {
        Value::Object(m) => m,
        _ => {
            return Err(Error::invalid_argument(
                "args",
                "must be an object of parameters",
            ));
        }
    };
    Ok(next_args(op, args, body).map(Value::Object))
}

impl RongCloud {
    /// The arguments of the page after the one `args` asked for and `body` (the whole answer)
    /// answered, or `None` after the last page: [`next_args`] for the bindings' iterators.
    pub fn next_page(&self, operation: &str, args: &Value, body: &Value) -> Result<Option<Value>> {
        next_page_of(crate::catalogue::rongcloud(), operation, args, body)
    }

    /// The pages of a paged list operation (`paged` in the catalogue), starting from `args`.
    pub fn pages(&self, operation: &str, args: Value) -> Result<Pages> {
        Pages::start(
            AnyClient::RongCloud(self.clone()),
            crate::catalogue::rongcloud(),
            operation,
            args,
        )
    }
}

impl Easemob {
    /// The arguments of the page after the one `args` asked for and `body` (the whole answer)
    /// answered, or `None` after the last page: [`next_args`] for the bindings' iterators.
    pub fn next_page(&self, operation: &str, args: &Value, body: &Value) -> Result<Option<Value>> {
        next_page_of(crate::catalogue::easemob(), operation, args, body)
    }

    /// The pages of a paged list operation (`paged` in the catalogue), starting from `args`.
    pub fn pages(&self, operation: &str, args: Value) -> Result<Pages> {
        Pages::start(
            AnyClient::Easemob(self.clone()),
            crate::catalogue::easemob(),
            operation,
            args,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::load;
    use serde_json::json;

    fn op(paged: Value, root: Option<&str>, shape: &str, fields: Value) -> Operation {
        let mut decl = json!({
            "name": "thing.list", "summary": "s", "method": "GET", "path": "/things",
            "encoding": "query", "idempotent": true,
            "params": [
                {"name": "cursor", "wire": "cursor", "type": "string"},
                {"name": "limit", "wire": "limit", "type": "int"},
                {"name": "page_num", "wire": "pagenum", "type": "int", "default": 1},
                {"name": "page_size", "wire": "pagesize", "type": "int", "default": 2}
            ],
            "response": {"shape": shape, "fields": fields},
            "paged": paged
        });
        if let Some(root) = root {
            decl["response"]["root"] = json!(root);
        }
        let family = json!({"family": "thing", "operations": [decl]}).to_string();
        let cloud = r#"{"cloud": "easemob", "doc": "d"}"#;
        let api = load("easemob", &[("_cloud", cloud), ("thing", &family)]).expect("loads");
        api.operations.into_iter().next().expect("one op")
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_cursor_list_passes_the_answers_cursor_on_and_stops_without_one() {
        let op = op(
            json!({"style": "cursor", "param": "cursor", "next": "cursor", "size": "limit"}),
            Some("entities"),
            "array",
            json!([]),
        );
        let first = args(json!({"limit": 2}));
        let body = json!({"entities": [{"a": 1}, {"a": 2}], "cursor": "c2"});
        let next = next_args(&op, &first, &body).expect("a second page");
        assert_eq!(
            Value::Object(next.clone()),
            json!({"limit": 2, "cursor": "c2"})
        );
        // the last page carries no cursor (or an empty one, or the same again)
        assert!(next_args(&op, &next, &json!({"entities": [{"a": 3}]})).is_none());
        assert!(next_args(&op, &next, &json!({"entities": [{"a": 3}], "cursor": ""})).is_none());
        assert!(next_args(&op, &next, &json!({"entities": [{"a": 3}], "cursor": "c2"})).is_none());
        // an empty page ends it even with a cursor
        assert!(next_args(&op, &first, &json!({"entities": [], "cursor": "c9"})).is_none());
    }

    #[test]
    fn a_numbered_list_counts_pages_and_stops_at_a_short_one() {
        let op = op(
            json!({"style": "page", "param": "page_num", "size": "page_size", "items": "list"}),
            Some("data"),
            "object",
            json!([{"name": "list", "wire": "items", "type": "object_list"}]),
        );
        let full = json!({"data": {"items": [{"a": 1}, {"a": 2}]}});
        // no page number given: the default (1) was asked for, so the next is 2
        let second = next_args(&op, &Map::new(), &full).expect("a second page");
        assert_eq!(Value::Object(second.clone()), json!({"page_num": 2}));
        let third = next_args(&op, &second, &full).expect("a third page");
        assert_eq!(third["page_num"], json!(3));
        // shorter than the page size (default 2, or as given): the last page
        assert!(next_args(&op, &second, &json!({"data": {"items": [{"a": 1}]}})).is_none());
        let bigger = args(json!({"page_size": 5, "page_num": 4}));
        assert!(next_args(&op, &bigger, &full).is_none());
        assert!(next_args(&op, &second, &json!({"data": {"items": []}})).is_none());
    }

    #[test]
    fn an_operation_that_is_not_paged_has_no_next_page() {
        let rc = crate::catalogue::rongcloud();
        let register = rc.require("user.register").expect("declared");
        assert!(next_args(register, &Map::new(), &json!({"code": 200})).is_none());
    }
}
