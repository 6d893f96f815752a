//! What a call returns.

use serde_json::Value;

use crate::catalogue::{Operation, get_path, normalise_fields, redact};
use crate::error::{Error, ErrorKind, Result};

/// The answer of a successful call.
#[derive(Clone, PartialEq)]
pub struct Response {
    pub operation: String,
    /// The X-Request-ID the call was sent with.
    pub request_id: String,
    /// The host that answered.
    pub host: String,
    pub http_status: u16,
    /// The whole JSON body.
    pub body: Value,
    /// The part of the body the operation declares as its result (`data`, `entities`, …; the
    /// whole body for RongCloud).
    pub result: Value,
    /// The declared result fields, normalised by their declared types and keyed by their
    /// (snake_case) names: an object for an `object` result, a list of such objects for an `array`
    /// result. Every language's typed result reads these; nothing is coerced twice.
    pub fields: Value,
    secret_fields: Vec<String>,
}

impl Response {
    pub(crate) fn new(
        op: &Operation,
        request_id: String,
        host: String,
        http_status: u16,
        body: Value,
    ) -> Self {
        let result = match &op.response.root {
            Some(root) => get_path(&body, root).cloned().unwrap_or(Value::Null),
            None => body.clone(),
        };
        let secret_fields = op.secret_fields().into_iter().map(String::from).collect();
        let decl = &op.response.fields;
        let fields = if op.response.shape == "array" {
            match &result {
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .map(|x| Value::Object(normalise_fields(decl, x)))
                        .collect(),
                ),
                // A batch operation called with one item: Easemob answers the single-item form of
                // the same path (one object, not a list of one); it is that list's only item.
                Value::Object(_) => {
                    Value::Array(vec![Value::Object(normalise_fields(decl, &result))])
                }
                _ => Value::Array(Vec::new()),
            }
        } else {
            Value::Object(normalise_fields(decl, &result))
        };
        Response {
            operation: op.name.clone(),
            request_id,
            host,
            http_status,
            body,
            result,
            fields,
            secret_fields,
        }
    }

    /// A field of the result by wire name, e.g. `resp.get("token")`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.result.get(key)
    }

    /// A string field of the result.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The result with the fields the catalogue declares secret (tokens …) replaced by `"***"`:
    /// what every language prints for a result.
    pub fn redacted_result(&self) -> Value {
        let keys: Vec<&str> = self.secret_fields.iter().map(String::as_str).collect();
        redact(&self.result, &keys)
    }

    /// The typed result (the generated `…Result` struct of the operation, or a list of its items).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.fields.clone()).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!(
                    "the result of {} does not match its declaration: {e}",
                    self.operation
                ),
            )
        })
    }
}

/// A typed result and the answer it came from: derefs to the result, so `reply.token` reads a
/// field; `reply.response` has the request id, host, status and raw body.
#[derive(Clone, PartialEq)]
pub struct Typed<T> {
    pub value: T,
    pub response: Response,
}

impl<T: serde::de::DeserializeOwned> Typed<T> {
    pub(crate) fn from_response(response: Response) -> Result<Self> {
        Ok(Typed {
            value: response.decode()?,
            response,
        })
    }
}

impl<T> std::ops::Deref for Typed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Typed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typed")
            .field("value", &self.value)
            .field("request_id", &self.response.request_id)
            .field("host", &self.response.host)
            .finish()
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("request_id", &self.request_id)
            .field("host", &self.host)
            .field("http_status", &self.http_status)
            .field("result", &self.redacted_result())
            .finish()
    }
}

/// What a finished download returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub operation: String,
    pub request_id: String,
    pub host: String,
    pub http_status: u16,
    /// Bytes written to the sink.
    pub bytes: u64,
    pub content_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(op: &str, body: Value) -> Response {
        let op = crate::catalogue::easemob().require(op).unwrap();
        Response::new(op, "r".into(), "h".into(), 200, body)
    }

    #[test]
    fn a_list_answer_has_one_typed_item_per_element() {
        let r = response(
            "group.members_remove",
            json!({"data": [{"result": true, "user": "a"}, {"result": false, "user": "b"}]}),
        );
        assert_eq!(r.fields.as_array().unwrap().len(), 2);
    }

    #[test]
    fn a_single_object_where_a_list_is_declared_is_a_list_of_one() {
        // DELETE /chatgroups/{id}/users/a: the documented single-member answer
        let r = response(
            "group.members_remove",
            json!({"data": {"result": true, "action": "remove_member", "user": "a", "groupid": "1"}}),
        );
        let items = r.fields.as_array().unwrap();
        assert_eq!(items.len(), 1, "{:?}", r.fields);
        assert_eq!(r.result["user"], "a");
        // nothing there is still an empty list
        assert_eq!(
            response("group.members_remove", json!({})).fields,
            json!([])
        );
    }
}
