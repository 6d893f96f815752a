//! The one public error type. Every failure a caller can see is an [`Error`] with a stable [`ErrorKind`].
//!
//! No secret ever reaches an error: messages are built from parameter names, limits, hosts and the
//! server's own error text, never from credentials, signatures or tokens.

use std::fmt;
use std::time::Duration;

/// What went wrong, stable across versions and languages (`as_str` is the code every binding exposes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input, refused before anything was sent (or refused by the server as malformed).
    InvalidArgument,
    /// The client's configuration is unusable (no hosts, plain http without opt-in, bad credentials format).
    Config,
    /// Credentials, signature or token were rejected.
    Authentication,
    /// Authenticated but not allowed (service not enabled, forbidden operation).
    PermissionDenied,
    /// The user, group, file … does not exist.
    NotFound,
    /// The resource already exists or a concurrent change conflicted.
    Conflict,
    /// Too many requests; retried with back-off before this was returned.
    RateLimited,
    /// A quota of the plan or edition is exhausted (not retried: waiting does not help).
    QuotaExceeded,
    /// The server rejected the call for another API reason.
    Api,
    /// The server failed (5xx or its internal error code).
    Server,
    /// No host could be connected to; nothing was sent.
    Connect,
    /// A host accepted the request but did not answer in time; it may have been processed.
    Timeout,
    /// The connection broke after the request was sent; it may have been processed.
    Network,
    /// The answer could not be understood.
    Decode,
    /// A local file or stream could not be read or written.
    Io,
    /// A defect inside imcloud (a caught panic); the call was abandoned. Please report it.
    Internal,
}

impl ErrorKind {
    /// The stable code of this kind, e.g. `"rate_limited"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Config => "config",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::QuotaExceeded => "quota_exceeded",
            ErrorKind::Api => "api",
            ErrorKind::Server => "server",
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::Decode => "decode",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }

    /// Every kind, for bindings that generate one exception class per kind.
    pub const ALL: [ErrorKind; 16] = [
        ErrorKind::InvalidArgument,
        ErrorKind::Config,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::RateLimited,
        ErrorKind::QuotaExceeded,
        ErrorKind::Api,
        ErrorKind::Server,
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::Decode,
        ErrorKind::Io,
        ErrorKind::Internal,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from any imcloud operation. Its fields are those of [`ErrorDetails`] (`e.kind`,
/// `e.message`, …), boxed so that `Result` stays small.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorDetails>);

/// What an [`Error`] says.
#[derive(Clone, PartialEq, Eq)]
pub struct ErrorDetails {
    pub kind: ErrorKind,
    /// Human-readable; names the parameter and the limit for bad input.
    pub message: String,
    /// The operation, e.g. `"group.announcement_set"`.
    pub operation: Option<String>,
    /// The parameter at fault, for `InvalidArgument` raised before sending.
    pub param: Option<String>,
    /// HTTP status of the last answer, if one came.
    pub http_status: Option<u16>,
    /// The API's own code: RongCloud's numeric `code` (as text) or Easemob's `error` string.
    pub api_code: Option<String>,
    /// The X-Request-ID this call was sent with (the same on every attempt).
    pub request_id: Option<String>,
    /// The host that produced the final answer or failure.
    pub host: Option<String>,
    /// Whether sending the same call again later is safe and may succeed.
    pub retryable: bool,
    /// How long the server asked us to wait, when it did.
    pub retry_after: Option<Duration>,
}

impl std::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorDetails {
            kind,
            message: message.into(),
            operation: None,
            param: None,
            http_status: None,
            api_code: None,
            request_id: None,
            host: None,
            retryable: false,
            retry_after: None,
        }))
    }

    /// Bad input for `param`, refused before anything was sent.
    pub fn invalid_argument(param: impl Into<String>, message: impl Into<String>) -> Self {
        let param = param.into();
        let mut e = Error::new(
            ErrorKind::InvalidArgument,
            format!("{param}: {}", message.into()),
        );
        e.param = Some(param);
        e
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Io, message)
    }

    /// A caught panic, as the typed internal error every binding reports instead of crashing.
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Error::new(
            ErrorKind::Internal,
            format!("internal error in imcloud (please report it): {what}"),
        )
    }

    /// Name the operation, unless one is named already.
    pub fn with_operation_name(self, op: &str) -> Self {
        self.with_operation(op)
    }

    pub(crate) fn with_operation(mut self, op: &str) -> Self {
        if self.operation.is_none() {
            self.operation = Some(op.to_string());
        }
        self
    }

    pub(crate) fn with_request_id(mut self, id: &str) -> Self {
        self.request_id = Some(id.to_string());
        self
    }

    pub(crate) fn with_host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    pub(crate) fn retryable(mut self, yes: bool) -> Self {
        self.retryable = yes;
        self
    }

    /// The stable code of the kind, e.g. `"not_found"`.
    pub fn code(&self) -> &'static str {
        self.kind.as_str()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        let mut extra = Vec::new();
        if let Some(op) = &self.operation {
            extra.push(format!("operation={op}"));
        }
        if let Some(s) = self.http_status {
            extra.push(format!("http_status={s}"));
        }
        if let Some(c) = &self.api_code {
            extra.push(format!("api_code={c}"));
        }
        if let Some(r) = &self.request_id {
            extra.push(format!("request_id={r}"));
        }
        if let Some(h) = &self.host {
            extra.push(format!("host={h}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("operation", &self.operation)
            .field("param", &self.param)
            .field("http_status", &self.http_status)
            .field("api_code", &self.api_code)
            .field("request_id", &self.request_id)
            .field("host", &self.host)
            .field("retryable", &self.retryable)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
