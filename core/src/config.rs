//! Client configuration: credentials, hosts, timeouts, retries.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::failover::{FailoverPolicy, RetryPolicy};
use crate::secret::Secret;

/// RongCloud data centres, each with its primary and backup domain (https).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    Beijing,
    Singapore,
    SingaporeB,
    NorthAmerica,
    SaudiArabia,
}

impl Region {
    /// `[primary, backup]` base URLs.
    pub fn hosts(self) -> [&'static str; 2] {
        match self {
            Region::Beijing => ["https://api.rong-api.com", "https://api-b.rong-api.com"],
            Region::Singapore => [
                "https://api.sg-light-api.com",
                "https://api-b.sg-light-api.com",
            ],
            Region::SingaporeB => [
                "https://api.sg-b-light-api.com",
                "https://api-b.sg-b-light-api.com",
            ],
            Region::NorthAmerica => [
                "https://api.us-light-api.com",
                "https://api-b.us-light-api.com",
            ],
            Region::SaudiArabia => [
                "https://api.sau-light-api.com",
                "https://api-b.sau-light-api.com",
            ],
        }
    }

    /// Parse `beijing`, `singapore`, `singapore_b`, `north_america`, `saudi_arabia` (also `bj`, `sg`, `sg_b`, `na`, `sau`).
    pub fn parse(s: &str) -> Result<Region> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "beijing" | "bj" | "china" => Ok(Region::Beijing),
            "singapore" | "sg" => Ok(Region::Singapore),
            "singapore_b" | "sg_b" => Ok(Region::SingaporeB),
            "north_america" | "na" | "us" => Ok(Region::NorthAmerica),
            "saudi_arabia" | "sau" => Ok(Region::SaudiArabia),
            _ => Err(Error::invalid_argument(
                "region",
                format!(
                    "unknown region '{s}'; one of beijing, singapore, singapore_b, north_america, saudi_arabia"
                ),
            )),
        }
    }
}

/// Timeouts, retries, failover and connection pooling; the defaults suit production.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Time to establish a connection to one host. Default 5 s.
    pub connect_timeout: Duration,
    /// Time for one attempt of an ordinary call, answer included. Default 30 s.
    pub request_timeout: Duration,
    /// Time for one attempt of an upload or download. Default 300 s.
    pub transfer_timeout: Duration,
    pub retry: RetryPolicy,
    pub failover: FailoverPolicy,
    /// Pooled connections idle longer than this are closed. Default 50 s (RongCloud asks for < 55 s).
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host. Default 256: above the calls usually in flight (with 32,
    /// 64 calls in flight opened a new connection for one call in five; benches/REPORT.md).
    pub pool_max_idle_per_host: usize,
    /// Allow `http://` hosts (the emulator). Off by default: production traffic is always TLS-verified.
    pub allow_insecure_http: bool,
    /// Sent as User-Agent; default `imcloud/<version>`.
    pub user_agent: Option<String>,
    /// No connection is used for new requests once it is this old. Default 50 s (RongCloud asks
    /// that one connection be used for less than 60 s).
    pub connection_max_age: Duration,
    /// An HTTP(S) proxy for every call (`http://[user:password@]host:port`); `Some("")` for no
    /// proxy at all; `None` uses the HTTPS_PROXY / HTTP_PROXY / NO_PROXY environment. A
    /// [`Secret`]: it may hold a password, so it is never printed.
    pub proxy: Option<Secret>,
    /// A PEM file of extra root certificates, trusted besides the built-in (webpki) roots.
    pub ca_bundle: Option<PathBuf>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            transfer_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            failover: FailoverPolicy::default(),
            pool_idle_timeout: Duration::from_secs(50),
            pool_max_idle_per_host: 256,
            allow_insecure_http: false,
            user_agent: None,
            connection_max_age: Duration::from_secs(50),
            proxy: None,
            ca_bundle: None,
        }
    }
}

/// Configuration of a RongCloud client.
#[derive(Debug, Clone)]
pub struct RongCloudConfig {
    pub app_key: String,
    pub app_secret: Secret,
    /// Base URLs, primary first.
    pub hosts: Vec<String>,
    pub options: ClientOptions,
}

impl RongCloudConfig {
    /// A client for a data centre's primary and backup domains.
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<Secret>, region: Region) -> Self {
        Self::with_hosts(
            app_key,
            app_secret,
            region.hosts().iter().map(|s| s.to_string()).collect(),
        )
    }

    /// A client for your own host list (primary first), e.g. the console's domains or the emulator.
    pub fn with_hosts(
        app_key: impl Into<String>,
        app_secret: impl Into<Secret>,
        hosts: Vec<String>,
    ) -> Self {
        RongCloudConfig {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            hosts,
            options: ClientOptions::default(),
        }
    }
}

/// How an Easemob / Agora Chat client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EasemobAuth {
    /// Easemob: fetch app tokens from `POST /token` with the client credentials.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    /// Agora Chat: build app tokens (AccessToken2) locally from the App ID and App Certificate.
    Agora {
        app_id: String,
        app_certificate: Secret,
    },
}

/// Easemob REST domains of the public data centres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EasemobRegion {
    China1,
    China2,
    Singapore1,
    Singapore2,
    UsEast1,
    Germany2,
}

impl EasemobRegion {
    /// `[primary, backup]` base URLs (the `easemob.com` domain, then its `easecdn.com` twin).
    pub fn hosts(self) -> [&'static str; 2] {
        match self {
            EasemobRegion::China1 => ["https://a1.easemob.com", "https://a1.easecdn.com"],
            EasemobRegion::China2 => ["https://a31.easemob.com", "https://a31.easecdn.com"],
            EasemobRegion::Singapore1 => {
                ["https://a1-sgp.easemob.com", "https://a1-sgp.easecdn.com"]
            }
            EasemobRegion::Singapore2 => ["https://a61.easemob.com", "https://a61.easecdn.com"],
            EasemobRegion::UsEast1 => ["https://a41.easemob.com", "https://a41.easecdn.com"],
            EasemobRegion::Germany2 => ["https://a71.easemob.com", "https://a71.easecdn.com"],
        }
    }
}

/// Configuration of an Easemob / Agora Chat client.
#[derive(Debug, Clone)]
pub struct EasemobConfig {
    pub org_name: String,
    pub app_name: String,
    /// Base URLs, primary first (the console's REST domain).
    pub hosts: Vec<String>,
    pub auth: EasemobAuth,
    /// Lifetime asked for app tokens, in seconds. Default: 24 h for Agora tokens, the console's for Easemob.
    pub token_ttl: Option<u32>,
    pub options: ClientOptions,
}

impl EasemobConfig {
    /// `app_key` is `org_name#app_name` as the console shows it.
    pub fn new(app_key: &str, hosts: Vec<String>, auth: EasemobAuth) -> Result<Self> {
        let (org, app) = app_key.split_once('#').ok_or_else(|| {
            Error::invalid_argument(
                "app_key",
                "must be 'org_name#app_name' as the console shows it",
            )
        })?;
        Ok(Self::with_names(org, app, hosts, auth))
    }

    pub fn with_names(
        org_name: &str,
        app_name: &str,
        hosts: Vec<String>,
        auth: EasemobAuth,
    ) -> Self {
        EasemobConfig {
            org_name: org_name.to_string(),
            app_name: app_name.to_string(),
            hosts,
            auth,
            token_ttl: None,
            options: ClientOptions::default(),
        }
    }
}

/// Check and normalise a host list: non-empty, absolute URLs, https unless http is allowed.
pub(crate) fn normalise_hosts(hosts: &[String], options: &ClientOptions) -> Result<Vec<String>> {
    if hosts.is_empty() {
        return Err(Error::config("at least one host is needed"));
    }
    hosts
        .iter()
        .map(|raw| {
            // the text as it may appear in errors: a password in a host URL is never shown
            let shown = without_userinfo(raw);
            let h = &shown;
            let u = url::Url::parse(raw.trim()).map_err(|e| Error::config(format!("host '{h}' is not a URL: {e}")))?;
            match u.scheme() {
                "https" => {}
                "http" if options.allow_insecure_http => {}
                "http" => {
                    return Err(Error::config(format!(
                        "host '{h}' is plain http; set allow_insecure_http (for the emulator) or use https"
                    )));
                }
                s => return Err(Error::config(format!("host '{h}' has scheme '{s}'; use https"))),
            }
            if u.host_str().is_none() || !u.username().is_empty() || u.password().is_some() {
                return Err(Error::config(format!("host '{h}' must be scheme://host[:port] without credentials")));
            }
            if u.query().is_some() || u.fragment().is_some() {
                return Err(Error::config(format!(
                    "host '{h}' must be scheme://host[:port] without a query or fragment"
                )));
            }
            Ok(raw.trim().trim_end_matches('/').to_string())
        })
        .collect()
}

/// A host URL as it may be shown: `https://user:pw@h` becomes `https://***@h`.
fn without_userinfo(h: &str) -> String {
    match h.split_once("://") {
        Some((scheme, rest)) => {
            let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..auth_end].rfind('@') {
                Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
                None => h.to_string(),
            }
        }
        None => match h.rfind('@') {
            Some(at) => format!("***@{}", &h[at + 1..]),
            None => h.to_string(),
        },
    }
}

// ------------------------------------------------------------------------------------------------
// Configuration from a plain map: what every binding hands over (keyword arguments, an options
// object, a Kotlin data class), parsed once here so no binding repeats it.
// ------------------------------------------------------------------------------------------------

use serde_json::{Map, Value};

/// The allowed range of a duration setting, in seconds: (least, whether the least is allowed,
/// most), from its declaration in `catalogue/options.json` (timeouts must be positive: a zero
/// timeout would fail every call); `window` is the callback-signature window.
fn duration_range(key: &str) -> (f64, bool, f64) {
    if key == "window" {
        return (0.0, false, 86_400.0);
    }
    crate::catalogue::client_options()
        .iter()
        .find(|o| o.name == key && o.ty == crate::catalogue::OptionType::Seconds)
        .map(|o| {
            (
                o.min.unwrap_or(0.0),
                !o.min_exclusive,
                o.max.unwrap_or(86_400.0),
            )
        })
        .unwrap_or((0.0, true, 86_400.0))
}

/// A number of seconds for the setting `key`, checked against its range (finite, not negative,
/// positive for timeouts, bounded): every binding converts durations through this, so a NaN, an
/// infinity or 1e300 is a named error, never a panic.
pub fn duration_secs(key: &str, secs: f64) -> Result<Duration> {
    let (lo, lo_ok, hi) = duration_range(key);
    let ok = secs.is_finite() && (secs > lo || (lo_ok && secs == lo)) && secs <= hi;
    if !ok {
        let least = if lo_ok { "at least" } else { "more than" };
        return Err(Error::invalid_argument(
            key,
            format!("is {secs}; must be a number of seconds {least} {lo} and at most {hi}"),
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn secs(key: &str, v: &Value) -> Result<Duration> {
    match v.as_f64() {
        Some(f) => duration_secs(key, f),
        None => Err(Error::invalid_argument(
            key,
            format!("must be a number of seconds, got {v}"),
        )),
    }
}

fn uint(key: &str, v: &Value) -> Result<u64> {
    v.as_u64()
        .ok_or_else(|| Error::invalid_argument(key, "must be a non-negative integer"))
}

fn string(key: &str, v: &Value) -> Result<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| Error::invalid_argument(key, "must be a string"))
}

/// Option keys understood by [`ClientOptions::apply_json`]; durations are seconds. In the order of their declaration in `catalogue/options.json` (a test keeps
/// the two equal).
pub const OPTION_KEYS: [&str; 17] = [
    "connect_timeout",
    "request_timeout",
    "transfer_timeout",
    "max_attempts",
    "rate_limit_retries",
    "backoff_base",
    "backoff_max",
    "max_retry_after",
    "host_cooldown",
    "host_max_cooldown",
    "pool_idle_timeout",
    "pool_max_idle_per_host",
    "allow_insecure_http",
    "user_agent",
    "connection_max_age",
    "proxy",
    "ca_bundle",
];

impl ClientOptions {
    /// Apply the option keys present in `m` (see [`OPTION_KEYS`]); other keys are left alone.
    pub fn apply_json(&mut self, m: &Map<String, Value>) -> Result<()> {
        for (k, v) in m {
            if v.is_null() {
                continue;
            }
            match k.as_str() {
                "connect_timeout" => self.connect_timeout = secs(k, v)?,
                "request_timeout" => self.request_timeout = secs(k, v)?,
                "transfer_timeout" => self.transfer_timeout = secs(k, v)?,
                "max_attempts" => self.retry.max_attempts = uint(k, v)?.clamp(1, 100) as u32,
                "rate_limit_retries" => self.retry.rate_limit_retries = uint(k, v)?.min(100) as u32,
                "backoff_base" => self.retry.backoff_base = secs(k, v)?,
                "backoff_max" => self.retry.backoff_max = secs(k, v)?,
                "max_retry_after" => self.retry.max_retry_after = secs(k, v)?,
                "host_cooldown" => self.failover.cooldown = secs(k, v)?,
                "host_max_cooldown" => self.failover.max_cooldown = secs(k, v)?,
                "pool_idle_timeout" => self.pool_idle_timeout = secs(k, v)?,
                "pool_max_idle_per_host" => self.pool_max_idle_per_host = uint(k, v)? as usize,
                "allow_insecure_http" => {
                    self.allow_insecure_http = v
                        .as_bool()
                        .ok_or_else(|| Error::invalid_argument(k.as_str(), "must be a bool"))?
                }
                "user_agent" => self.user_agent = Some(string(k, v)?),
                "connection_max_age" => self.connection_max_age = secs(k, v)?,
                "proxy" => self.proxy = Some(Secret::new(string(k, v)?)),
                "ca_bundle" => self.ca_bundle = Some(PathBuf::from(string(k, v)?)),
                _ => {}
            }
        }
        Ok(())
    }

    /// These options as a map of [`OPTION_KEYS`].
    pub fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("connect_timeout", self.connect_timeout.as_secs_f64().into());
        put("request_timeout", self.request_timeout.as_secs_f64().into());
        put(
            "transfer_timeout",
            self.transfer_timeout.as_secs_f64().into(),
        );
        put("max_attempts", self.retry.max_attempts.into());
        put("rate_limit_retries", self.retry.rate_limit_retries.into());
        put("backoff_base", self.retry.backoff_base.as_secs_f64().into());
        put("backoff_max", self.retry.backoff_max.as_secs_f64().into());
        put(
            "max_retry_after",
            self.retry.max_retry_after.as_secs_f64().into(),
        );
        put("host_cooldown", self.failover.cooldown.as_secs_f64().into());
        put(
            "host_max_cooldown",
            self.failover.max_cooldown.as_secs_f64().into(),
        );
        put(
            "pool_idle_timeout",
            self.pool_idle_timeout.as_secs_f64().into(),
        );
        put("pool_max_idle_per_host", self.pool_max_idle_per_host.into());
        put("allow_insecure_http", self.allow_insecure_http.into());
        if let Some(ua) = &self.user_agent {
            put("user_agent", ua.clone().into());
        }
        put(
            "connection_max_age",
            self.connection_max_age.as_secs_f64().into(),
        );
        if let Some(p) = &self.proxy {
            put("proxy", p.expose().into());
        }
        if let Some(c) = &self.ca_bundle {
            put("ca_bundle", c.to_string_lossy().into_owned().into());
        }
        m
    }

    /// Check every setting (durations in range, a user agent that can be a header value); the
    /// clients call this, so options built field by field are checked as strictly as maps.
    pub fn validate(&self) -> Result<()> {
        for (k, d) in [
            ("connect_timeout", self.connect_timeout),
            ("request_timeout", self.request_timeout),
            ("transfer_timeout", self.transfer_timeout),
            ("backoff_base", self.retry.backoff_base),
            ("backoff_max", self.retry.backoff_max),
            ("max_retry_after", self.retry.max_retry_after),
            ("host_cooldown", self.failover.cooldown),
            ("host_max_cooldown", self.failover.max_cooldown),
            ("pool_idle_timeout", self.pool_idle_timeout),
            ("connection_max_age", self.connection_max_age),
        ] {
            duration_secs(k, d.as_secs_f64())?;
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::invalid_argument(
                "max_attempts",
                "must be at least 1",
            ));
        }
        if let Some(ua) = &self.user_agent {
            check_header_text("user_agent", ua)?;
        }
        self.proxy()?;
        self.root_certificates()?;
        Ok(())
    }

    /// The configured proxy: `Ok(None)` for the environment's, `Ok(Some(None))` for none, or a
    /// refusal naming `proxy` (never showing its text, which may hold a password).
    pub(crate) fn proxy(&self) -> Result<Option<Option<reqwest::Proxy>>> {
        let Some(p) = &self.proxy else {
            return Ok(None);
        };
        let text = p.expose().trim();
        if text.is_empty() {
            return Ok(Some(None));
        }
        let refuse = |why: &str| Err(Error::invalid_argument("proxy", why.to_string()));
        let Ok(url) = url::Url::parse(text) else {
            return refuse("is not a URL; expected http://[user:password@]host:port or https://…");
        };
        if !matches!(url.scheme(), "http" | "https") {
            return refuse(&format!(
                "has the scheme {:?}; expected http or https",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return refuse("has no host");
        }
        match reqwest::Proxy::all(text) {
            Ok(proxy) => Ok(Some(Some(proxy))),
            Err(_) => refuse("is not a usable proxy URL"),
        }
    }

    /// The extra root certificates of `ca_bundle` (none without it), or a refusal naming it.
    pub(crate) fn root_certificates(&self) -> Result<Vec<reqwest::Certificate>> {
        let Some(path) = &self.ca_bundle else {
            return Ok(Vec::new());
        };
        // A regular file of reasonable size: never a device or pipe that would block or never end.
        const MAX_BUNDLE: u64 = 16 << 20;
        let shown = path.display();
        let cannot = |e: &dyn std::fmt::Display| {
            Error::invalid_argument("ca_bundle", format!("cannot read {shown}: {e}"))
        };
        let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
        if !meta.is_file() {
            return Err(cannot(&"not a regular file"));
        }
        if meta.len() > MAX_BUNDLE {
            return Err(cannot(&format!("larger than {MAX_BUNDLE} bytes")));
        }
        let mut pem = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(path).map_err(|e| cannot(&e))?,
                MAX_BUNDLE,
            ),
            &mut pem,
        )
        .map_err(|e| cannot(&e))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
            Error::invalid_argument(
                "ca_bundle",
                format!("{shown} is not a PEM certificate bundle"),
            )
        })?;
        if certs.is_empty() {
            return Err(Error::invalid_argument(
                "ca_bundle",
                format!("{shown} holds no PEM certificate"),
            ));
        }
        Ok(certs)
    }
}

/// Text that is sent as an HTTP header value: printable, no CR, LF, NUL or other control
/// characters (which would split or corrupt the request). Refused before anything is sent.
pub fn check_header_text(name: &str, v: &str) -> Result<()> {
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(Error::invalid_argument(
            name,
            format!(
                "contains the control character U+{:04X}; header values cannot carry control characters",
                c as u32
            ),
        ));
    }
    Ok(())
}

fn reject_unknown(m: &Map<String, Value>, own: &[&str]) -> Result<()> {
    for k in m.keys() {
        if !own.contains(&k.as_str()) && !OPTION_KEYS.contains(&k.as_str()) {
            let mut all: Vec<&str> = own.to_vec();
            all.extend(OPTION_KEYS);
            return Err(Error::invalid_argument(
                k.as_str(),
                format!("unknown setting; expected one of: {}", all.join(", ")),
            ));
        }
    }
    Ok(())
}

fn hosts_from(
    m: &Map<String, Value>,
    region: impl Fn(&str) -> Result<Vec<String>>,
) -> Result<Vec<String>> {
    match (
        m.get("hosts").filter(|v| !v.is_null()),
        m.get("region").filter(|v| !v.is_null()),
    ) {
        (Some(h), None) => h
            .as_array()
            .ok_or_else(|| Error::invalid_argument("hosts", "must be a list of base URLs"))?
            .iter()
            .map(|x| string("hosts", x))
            .collect(),
        (None, Some(r)) => region(&string("region", r)?),
        (Some(_), Some(_)) => Err(Error::invalid_argument(
            "hosts",
            "give either hosts or region, not both",
        )),
        (None, None) => Err(Error::invalid_argument(
            "hosts",
            "give hosts (base URLs) or a region",
        )),
    }
}

fn required(m: &Map<String, Value>, key: &str) -> Result<String> {
    match m.get(key).filter(|v| !v.is_null()) {
        Some(v) => string(key, v),
        None => Err(Error::invalid_argument(key, "is required")),
    }
}

impl EasemobRegion {
    /// Parse `china1`, `china2`, `singapore1`, `singapore2`, `us_east1`, `germany2`.
    pub fn parse(s: &str) -> Result<EasemobRegion> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "china1" | "china_1" => Ok(EasemobRegion::China1),
            "china2" | "china_2" => Ok(EasemobRegion::China2),
            "singapore1" | "singapore_1" => Ok(EasemobRegion::Singapore1),
            "singapore2" | "singapore_2" => Ok(EasemobRegion::Singapore2),
            "us_east1" | "us_east_1" => Ok(EasemobRegion::UsEast1),
            "germany2" | "germany_2" => Ok(EasemobRegion::Germany2),
            _ => Err(Error::invalid_argument(
                "region",
                format!(
                    "unknown Easemob region '{s}'; one of china1, china2, singapore1, singapore2, us_east1, germany2"
                ),
            )),
        }
    }
}

impl RongCloudConfig {
    /// From `{app_key, app_secret, region | hosts, <options>}`.
    pub fn from_json(v: &Value) -> Result<Self> {
        let m = v
            .as_object()
            .ok_or_else(|| Error::invalid_argument("config", "must be an object"))?;
        reject_unknown(m, &["app_key", "app_secret", "region", "hosts"])?;
        let hosts = hosts_from(m, |r| {
            Ok(Region::parse(r)?
                .hosts()
                .iter()
                .map(|s| s.to_string())
                .collect())
        })?;
        let mut c =
            RongCloudConfig::with_hosts(required(m, "app_key")?, required(m, "app_secret")?, hosts);
        c.options.apply_json(m)?;
        Ok(c)
    }

    /// The inverse of [`from_json`](Self::from_json); holds the secret, so keep it out of logs.
    pub fn to_json(&self) -> Value {
        let mut m = self.options.to_json();
        m.insert("app_key".into(), self.app_key.clone().into());
        m.insert("app_secret".into(), self.app_secret.expose().into());
        m.insert("hosts".into(), self.hosts.clone().into());
        Value::Object(m)
    }
}

impl EasemobConfig {
    /// From `{app_key: "org#app", region | hosts, client_id + client_secret | agora_app_id +
    /// agora_app_certificate, token_ttl?, <options>}`.
    pub fn from_json(v: &Value) -> Result<Self> {
        let m = v
            .as_object()
            .ok_or_else(|| Error::invalid_argument("config", "must be an object"))?;
        let own = [
            "app_key",
            "region",
            "hosts",
            "client_id",
            "client_secret",
            "agora_app_id",
            "agora_app_certificate",
            "token_ttl",
        ];
        reject_unknown(m, &own)?;
        let hosts = hosts_from(m, |r| {
            Ok(EasemobRegion::parse(r)?
                .hosts()
                .iter()
                .map(|s| s.to_string())
                .collect())
        })?;
        let has = |k: &str| m.get(k).is_some_and(|v| !v.is_null());
        let auth = match (
            has("client_id") || has("client_secret"),
            has("agora_app_id") || has("agora_app_certificate"),
        ) {
            (true, false) => EasemobAuth::ClientCredentials {
                client_id: required(m, "client_id")?,
                client_secret: Secret::new(required(m, "client_secret")?),
            },
            (false, true) => EasemobAuth::Agora {
                app_id: required(m, "agora_app_id")?,
                app_certificate: Secret::new(required(m, "agora_app_certificate")?),
            },
            _ => {
                return Err(Error::invalid_argument(
                    "client_id",
                    "give either client_id + client_secret (Easemob) or agora_app_id + agora_app_certificate (Agora Chat)",
                ));
            }
        };
        let mut c = EasemobConfig::new(&required(m, "app_key")?, hosts, auth)?;
        if let Some(t) = m.get("token_ttl").filter(|v| !v.is_null()) {
            c.token_ttl = Some(uint("token_ttl", t)?.min(u32::MAX as u64) as u32);
        }
        c.options.apply_json(m)?;
        Ok(c)
    }

    /// The inverse of [`from_json`](Self::from_json); holds secrets, so keep it out of logs.
    pub fn to_json(&self) -> Value {
        let mut m = self.options.to_json();
        m.insert(
            "app_key".into(),
            format!("{}#{}", self.org_name, self.app_name).into(),
        );
        m.insert("hosts".into(), self.hosts.clone().into());
        match &self.auth {
            EasemobAuth::ClientCredentials {
                client_id,
                client_secret,
            } => {
                m.insert("client_id".into(), client_id.clone().into());
                m.insert("client_secret".into(), client_secret.expose().into());
            }
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                m.insert("agora_app_id".into(), app_id.clone().into());
                m.insert(
                    "agora_app_certificate".into(),
                    app_certificate.expose().into(),
                );
            }
        }
        if let Some(t) = self.token_ttl {
            m.insert("token_ttl".into(), t.into());
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_options_are_the_declared_ones_with_the_declared_defaults() {
        use crate::catalogue::{OptionType, client_options};
        let declared: Vec<&str> = client_options().iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            declared, OPTION_KEYS,
            "catalogue/options.json and OPTION_KEYS differ"
        );
        let defaults = ClientOptions::default().to_json();
        for o in client_options() {
            match &o.default {
                Some(d) => assert_eq!(
                    defaults.get(&o.name).and_then(Value::as_f64).or(defaults
                        .get(&o.name)
                        .and_then(Value::as_bool)
                        .map(f64::from)),
                    d.as_f64().or(d.as_bool().map(f64::from)),
                    "default of {}",
                    o.name
                ),
                None => assert!(defaults.get(&o.name).is_none(), "{} has a default", o.name),
            }
            if o.ty == OptionType::Seconds {
                let max = o.max.unwrap();
                assert!(duration_secs(&o.name, max).is_ok());
                assert!(duration_secs(&o.name, max * 2.0).is_err(), "{}", o.name);
                assert_eq!(
                    duration_secs(&o.name, 0.0).is_ok(),
                    !o.min_exclusive,
                    "{}",
                    o.name
                );
            }
        }
    }
    use super::*;
    use serde_json::json;

    #[test]
    fn rongcloud_config_from_json_round_trips() {
        let c = RongCloudConfig::from_json(&json!({"app_key": "k", "app_secret": "s", "region": "singapore", "request_timeout": 2.5, "max_attempts": 3})).unwrap();
        assert_eq!(
            c.hosts,
            vec![
                "https://api.sg-light-api.com",
                "https://api-b.sg-light-api.com"
            ]
        );
        assert_eq!(c.options.request_timeout, Duration::from_millis(2500));
        assert_eq!(c.options.retry.max_attempts, 3);
        let back = RongCloudConfig::from_json(&c.to_json()).unwrap();
        assert_eq!(back.options, c.options);
        assert_eq!(back.app_secret, c.app_secret);
    }

    #[test]
    fn config_errors_name_the_setting() {
        let e = RongCloudConfig::from_json(
            &json!({"app_key": "k", "app_secret": "s", "hosts": ["https://h"], "timeout": 1}),
        )
        .unwrap_err();
        assert_eq!(e.param(), Some("timeout"));
        assert!(e.detail().contains("request_timeout"), "{e}");
        let e =
            RongCloudConfig::from_json(&json!({"app_key": "k", "app_secret": "s"})).unwrap_err();
        assert_eq!(e.param(), Some("hosts"));
        let e = RongCloudConfig::from_json(
            &json!({"app_key": "k", "app_secret": "s", "region": "mars"}),
        )
        .unwrap_err();
        assert!(e.detail().contains("singapore"), "{e}");
        let e = EasemobConfig::from_json(&json!({"app_key": "o#a", "hosts": ["https://h"]}))
            .unwrap_err();
        assert!(e.detail().contains("agora_app_id"), "{e}");
        let e = RongCloudConfig::from_json(&json!({"app_key": "k", "app_secret": "s", "hosts": ["https://h"], "request_timeout": -1})).unwrap_err();
        assert_eq!(e.param(), Some("request_timeout"));
    }

    #[test]
    fn easemob_config_from_json() {
        let c = EasemobConfig::from_json(&json!({"app_key": "org#app", "region": "us_east1", "agora_app_id": "a", "agora_app_certificate": "c", "token_ttl": 600})).unwrap();
        assert_eq!((c.org_name.as_str(), c.app_name.as_str()), ("org", "app"));
        assert_eq!(c.hosts[0], "https://a41.easemob.com");
        assert!(matches!(c.auth, EasemobAuth::Agora { .. }));
        assert_eq!(c.token_ttl, Some(600));
        let back = EasemobConfig::from_json(&c.to_json()).unwrap();
        assert_eq!(back.auth, c.auth);
    }
}
