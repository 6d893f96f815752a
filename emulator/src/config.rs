//! What an emulator serves: how many hosts, where, and which apps (with their credentials).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use imcloud::ClientOptions;
use serde::{Deserialize, Serialize};

pub const DEFAULT_RONGCLOUD_APP_KEY: &str = "emulator-app-key";
pub const DEFAULT_RONGCLOUD_APP_SECRET: &str = "emulator-app-secret";
pub const DEFAULT_EASEMOB_APP_KEY: &str = "emulator-org#emulator-app";
pub const DEFAULT_EASEMOB_CLIENT_ID: &str = "YXA6emulator-client-id";
pub const DEFAULT_EASEMOB_CLIENT_SECRET: &str = "YXA6emulator-client-secret";
/// The Agora App ID and Certificate of the public AccessToken2 test vectors.
pub const DEFAULT_AGORA_APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
pub const DEFAULT_AGORA_APP_CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";

/// A RongCloud app the emulator knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RongCloudApp {
    pub app_key: String,
    pub app_secret: String,
}

/// An Easemob app the emulator knows, optionally reachable with Agora tokens too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EasemobApp {
    /// `org#app`.
    pub app_key: String,
    pub client_id: String,
    pub client_secret: String,
    pub agora_app_id: Option<String>,
    pub agora_app_certificate: Option<String>,
    /// Lifetime of issued app tokens, seconds.
    pub token_ttl: u64,
}

/// What to start. From JSON (other languages), every field is optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EmulatorConfig {
    /// How many hosts (each its own port) serve the APIs. Default 2: a primary and a backup.
    pub hosts: usize,
    pub bind: IpAddr,
    /// Fixed ports for the hosts (0 or absent: any free port).
    pub ports: Vec<u16>,
    pub admin_port: u16,
    pub rongcloud: Vec<RongCloudApp>,
    pub easemob: Vec<EasemobApp>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            hosts: 2,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: Vec::new(),
            admin_port: 0,
            rongcloud: vec![RongCloudApp {
                app_key: DEFAULT_RONGCLOUD_APP_KEY.into(),
                app_secret: DEFAULT_RONGCLOUD_APP_SECRET.into(),
            }],
            easemob: vec![EasemobApp {
                app_key: DEFAULT_EASEMOB_APP_KEY.into(),
                client_id: DEFAULT_EASEMOB_CLIENT_ID.into(),
                client_secret: DEFAULT_EASEMOB_CLIENT_SECRET.into(),
                agora_app_id: Some(DEFAULT_AGORA_APP_ID.into()),
                agora_app_certificate: Some(DEFAULT_AGORA_APP_CERTIFICATE.into()),
                token_ttl: 7200,
            }],
        }
    }
}

/// Client options for tests against the emulator: http allowed, short timeouts and back-offs.
pub fn test_options() -> ClientOptions {
    let mut o = ClientOptions {
        allow_insecure_http: true,
        ..ClientOptions::default()
    };
    o.connect_timeout = Duration::from_secs(2);
    o.request_timeout = Duration::from_secs(2);
    o.transfer_timeout = Duration::from_secs(10);
    o.retry.backoff_base = Duration::from_millis(20);
    o.retry.backoff_max = Duration::from_millis(200);
    o.retry.max_retry_after = Duration::from_secs(5);
    o
}
