//! Client configuration: credentials, hosts, timeouts, retries.

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
    /// Idle connections kept per host. Default 32.
    pub pool_max_idle_per_host: usize,
    /// Allow `http://` hosts (the emulator). Off by default: production traffic is always TLS-verified.
    pub allow_insecure_http: bool,
    /// Sent as User-Agent; default `imcloud/<version>`.
    pub user_agent: Option<String>,
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
            pool_max_idle_per_host: 32,
            allow_insecure_http: false,
            user_agent: None,
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
        .map(|h| {
            let u = url::Url::parse(h.trim()).map_err(|e| Error::config(format!("host '{h}' is not a URL: {e}")))?;
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
            Ok(h.trim().trim_end_matches('/').to_string())
        })
        .collect()
}
