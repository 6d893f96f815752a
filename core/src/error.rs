//! The one public error type. Every failure a caller can see is an [`Error`] with a stable [`ErrorKind`].
//!
//! No secret ever reaches an error: messages are built from parameter names, limits, hosts and the
//! server's own error text, never from credentials, signatures or tokens.

use std::fmt;
use std::sync::{Arc, OnceLock};
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

    /// The stem of the kind's exception class in every language, by one rule: the code in
    /// UpperCamelCase (`"invalid_argument"` → `"InvalidArgument"`). Python and Node add `Error`
    /// (`TimeoutError`), Kotlin and Swift `Exception` (`TimeoutException`).
    pub fn class_name(self) -> &'static str {
        static NAMES: OnceLock<Vec<String>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            ErrorKind::ALL
                .iter()
                .map(|k| upper_camel(k.as_str()))
                .collect()
        });
        let i = ErrorKind::ALL
            .iter()
            .position(|k| *k == self)
            .expect("ErrorKind::ALL holds every kind");
        &names[i]
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

/// `"invalid_argument"` → `"InvalidArgument"`.
fn upper_camel(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from any imcloud operation: a stable [`kind`](Error::kind), the short
/// [`detail`](Error::detail) of what went wrong, and the context the call had (operation, host,
/// request id, HTTP status, the cloud's own code). `Display` is the full one-line message with
/// that context: what every binding calls the error's *message*. Boxed so that `Result` stays small.
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    detail: String,
    /// Context found while the call went on (hosts tried, why it was not re-sent), shown by
    /// `Display` after the detail.
    notes: Vec<String>,
    operation: Option<String>,
    param: Option<String>,
    http_status: Option<u16>,
    api_code: Option<String>,
    request_id: Option<String>,
    host: Option<String>,
    retryable: bool,
    retry_after: Option<Duration>,
    /// The underlying failure (an I/O or transport error), free of secrets and URLs.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// An [`Error`] as one flat record of plain values, the single shape every binding converts
/// from (Python exceptions, the Node envelope, the UniFFI error), so that each field has one
/// name and one meaning everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRecord {
    /// The stable code of the kind, e.g. `"not_found"` ([`ErrorKind::as_str`]).
    pub kind: &'static str,
    /// The stem of the exception class of the kind, e.g. `"Timeout"`: Python and Node name the
    /// class `TimeoutError`, Kotlin and Swift `TimeoutException` ([`ErrorKind::class_name`]).
    pub class_name: &'static str,
    /// The full one-line message with its context (the error's `Display`).
    pub message: String,
    /// The short text of what went wrong, without context.
    pub detail: String,
    pub operation: Option<String>,
    pub param: Option<String>,
    pub http_status: Option<u16>,
    /// The cloud's own error code as text: RongCloud's numeric `code` (`"1002"`), Easemob's `error`.
    pub api_code: Option<String>,
    pub request_id: Option<String>,
    pub host: Option<String>,
    pub retryable: bool,
    /// How long the server asked to wait, in seconds.
    pub retry_after_secs: Option<f64>,
}

impl Error {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            detail: detail.into(),
            notes: Vec::new(),
            operation: None,
            param: None,
            http_status: None,
            api_code: None,
            request_id: None,
            host: None,
            retryable: false,
            retry_after: None,
            source: None,
        }))
    }

    /// Bad input for `param`, refused before anything was sent.
    pub fn invalid_argument(param: impl Into<String>, message: impl Into<String>) -> Self {
        let param = param.into();
        let mut e = Error::new(
            ErrorKind::InvalidArgument,
            format!("{param}: {}", message.into()),
        );
        e.0.param = Some(param);
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

    /// The same error with another detail (a binding that knows the failure better, e.g. the
    /// `write()` of a foreign file object that broke a download); the context is kept.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = detail.into();
        self
    }

    pub(crate) fn with_operation(mut self, op: &str) -> Self {
        if self.0.operation.is_none() {
            self.0.operation = Some(op.to_string());
        }
        self
    }

    pub(crate) fn with_request_id(mut self, id: &str) -> Self {
        self.0.request_id = Some(id.to_string());
        self
    }

    pub(crate) fn with_host(mut self, host: &str) -> Self {
        self.0.host = Some(host.to_string());
        self
    }

    pub(crate) fn with_retryable(mut self, yes: bool) -> Self {
        self.0.retryable = yes;
        self
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.0.http_status = Some(status);
        self
    }

    pub(crate) fn with_api_code(mut self, code: Option<String>) -> Self {
        self.0.api_code = code;
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.0.retry_after = after;
        self
    }

    /// Add context that `Display` shows after the detail (hosts tried, why it was not re-sent).
    pub(crate) fn with_note(mut self, note: String) -> Self {
        self.0.notes.push(note);
        self
    }

    /// Keep the underlying failure as [`source`](std::error::Error::source). It must carry no
    /// secret: a `reqwest::Error` goes through [`without_url`](reqwest::Error::without_url) first.
    pub(crate) fn with_source(mut self, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Arc::new(e));
        self
    }

    /// What went wrong, stable across versions and languages.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The short text of what went wrong, without context (no operation, host or request id;
    /// `to_string()` has those). Names the parameter and the limit for bad input.
    pub fn detail(&self) -> &str {
        &self.0.detail
    }

    /// The operation, e.g. `"group.announcement_set"`.
    pub fn operation(&self) -> Option<&str> {
        self.0.operation.as_deref()
    }

    /// The parameter at fault, for `InvalidArgument` raised before sending.
    pub fn param(&self) -> Option<&str> {
        self.0.param.as_deref()
    }

    /// HTTP status of the last answer, if one came.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// The cloud's own error code as text: RongCloud's numeric `code` (e.g. `"1002"`) or
    /// Easemob's `error` string (e.g. `"duplicate_unique_property_exists"`).
    pub fn api_code(&self) -> Option<&str> {
        self.0.api_code.as_deref()
    }

    /// The X-Request-ID this call was sent with (the same on every attempt).
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The host that produced the final answer or failure.
    pub fn host(&self) -> Option<&str> {
        self.0.host.as_deref()
    }

    /// Whether sending the same call again later is safe and may succeed.
    pub fn retryable(&self) -> bool {
        self.0.retryable
    }

    /// How long the server asked us to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// This error as the flat record every binding converts from.
    pub fn record(&self) -> ErrorRecord {
        ErrorRecord {
            kind: self.0.kind.as_str(),
            class_name: self.0.kind.class_name(),
            message: self.to_string(),
            detail: self.0.detail.clone(),
            operation: self.0.operation.clone(),
            param: self.0.param.clone(),
            http_status: self.0.http_status,
            api_code: self.0.api_code.clone(),
            request_id: self.0.request_id.clone(),
            host: self.0.host.clone(),
            retryable: self.0.retryable,
            retry_after_secs: self.0.retry_after.map(|d| d.as_secs_f64()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{}", e.detail)?;
        for note in &e.notes {
            write!(f, "; {note}")?;
        }
        let mut extra = Vec::new();
        if let Some(op) = &e.operation {
            extra.push(format!("operation={op}"));
        }
        if let Some(s) = e.http_status {
            extra.push(format!("http_status={s}"));
        }
        if let Some(c) = &e.api_code {
            extra.push(format!("api_code={c}"));
        }
        if let Some(r) = &e.request_id {
            extra.push(format!("request_id={r}"));
        }
        if let Some(h) = &e.host {
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
        let e = &self.0;
        f.debug_struct("Error")
            .field("kind", &e.kind)
            .field("detail", &e.detail)
            .field("notes", &e.notes)
            .field("operation", &e.operation)
            .field("param", &e.param)
            .field("http_status", &e.http_status)
            .field("api_code", &e.api_code)
            .field("request_id", &e.request_id)
            .field("host", &e.host)
            .field("retryable", &e.retryable)
            .field("retry_after", &e.retry_after)
            .field("source", &e.source)
            .finish()
    }
}

/// Equal when everything the caller can read is equal (the source is compared by its text).
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.kind == b.kind
            && a.detail == b.detail
            && a.notes == b.notes
            && a.operation == b.operation
            && a.param == b.param
            && a.http_status == b.http_status
            && a.api_code == b.api_code
            && a.request_id == b.request_id
            && a.host == b.host
            && a.retryable == b.retryable
            && a.retry_after == b.retry_after
            && a.source.as_ref().map(|s| s.to_string()) == b.source.as_ref().map(|s| s.to_string())
    }
}

impl Eq for Error {}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn every_kind_has_the_class_name_of_the_rule() {
        for k in ErrorKind::ALL {
            assert_eq!(Error::new(k, "x").record().class_name, k.class_name());
        }
        assert_eq!(ErrorKind::Timeout.class_name(), "Timeout");
        assert_eq!(ErrorKind::InvalidArgument.class_name(), "InvalidArgument");
        assert_eq!(ErrorKind::QuotaExceeded.class_name(), "QuotaExceeded");
        assert_eq!(ErrorKind::Io.class_name(), "Io");
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.class_name()).collect();
        assert_eq!(
            names.len(),
            ErrorKind::ALL.len(),
            "class names are distinct"
        );
    }

    #[test]
    fn detail_is_short_and_display_has_the_context() {
        let e = Error::new(ErrorKind::Connect, "could not connect to h2")
            .with_operation("user.register")
            .with_request_id("r1")
            .with_host("h2")
            .with_note("tried h1 (connect), h2 (connect)".into());
        assert_eq!(e.detail(), "could not connect to h2");
        assert_eq!(
            e.to_string(),
            "could not connect to h2; tried h1 (connect), h2 (connect) (operation=user.register, request_id=r1, host=h2)"
        );
        let r = e.record();
        assert_eq!((r.kind, r.class_name), ("connect", "Connect"));
        assert_eq!(r.message, e.to_string());
        assert_eq!(r.detail, e.detail());
        assert_eq!(r.operation.as_deref(), Some("user.register"));
        assert_eq!(r.request_id.as_deref(), Some("r1"));
        assert_eq!(r.host.as_deref(), Some("h2"));
        assert_eq!(r.api_code, None);
    }

    #[test]
    fn accessors_read_what_the_builders_set() {
        let e = Error::new(ErrorKind::RateLimited, "slow down")
            .with_http_status(429)
            .with_api_code(Some("1008".into()))
            .with_retry_after(Some(Duration::from_millis(1500)))
            .with_retryable(true);
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.http_status(), Some(429));
        assert_eq!(e.api_code(), Some("1008"));
        assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
        assert!(e.retryable());
        assert_eq!(e.record().retry_after_secs, Some(1.5));
        let p = Error::invalid_argument("user_id", "is required");
        assert_eq!(
            (p.kind(), p.param(), p.detail()),
            (
                ErrorKind::InvalidArgument,
                Some("user_id"),
                "user_id: is required"
            )
        );
        assert!(p.source().is_none());
    }

    #[test]
    fn the_source_is_kept_and_compared_by_its_text() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "no access");
        let e = Error::io("cannot open f").with_source(io);
        assert_eq!(
            e.source().map(|s| s.to_string()).as_deref(),
            Some("no access")
        );
        assert_eq!(e.clone(), e);
        assert_ne!(e, Error::io("cannot open f"));
    }
}
