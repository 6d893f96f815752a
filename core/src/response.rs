//! What a call returns.

use serde_json::Value;

use crate::catalogue::Operation;
use crate::wire::get_path;

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
        let secret_fields = op
            .response
            .fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.wire.clone())
            .collect();
        Response {
            operation: op.name.clone(),
            request_id,
            host,
            http_status,
            body,
            result,
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

    fn redacted(&self, v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        if self.secret_fields.iter().any(|s| s == k) {
                            (k.clone(), Value::String("***".into()))
                        } else {
                            (k.clone(), self.redacted(v))
                        }
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.redacted(x)).collect()),
            other => other.clone(),
        }
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("request_id", &self.request_id)
            .field("host", &self.host)
            .field("http_status", &self.http_status)
            .field("result", &self.redacted(&self.result))
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
