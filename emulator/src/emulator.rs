//! The running emulator: what its tasks share, and the Rust handle [`Emulator`].

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use imcloud::catalogue::Cloud;
use imcloud::{EasemobAuth, EasemobConfig, RongCloudConfig, Secret};
use tokio::sync::watch;

use crate::config::{EmulatorConfig, test_options};
use crate::families::messages::SentMessage;
use crate::families::{AppState, tokens, users};
use crate::faults::{self, Fault};
use crate::hosts::{self, HostShared, RecordedRequest};

/// Everything the hosts' and the admin API's tasks share.
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub hosts: Vec<HostShared>,
    pub data: Mutex<Data>,
    pub shutdown: watch::Sender<bool>,
}

/// The state behind every app of both clouds.
#[derive(Default)]
pub(crate) struct Data {
    pub rong: HashMap<String, AppState>,
    pub ease: HashMap<String, AppState>,
    pub messages: Vec<SentMessage>,
    /// Agora tokens accepted so far, and those revoked (`revoke_tokens`). Tokens have one-second
    /// resolution, so revocation goes by the token itself, not by time.
    pub agora_seen: HashSet<String>,
    pub agora_revoked: HashSet<String>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running emulator. Stops when dropped.
pub struct Emulator {
    shared: Arc<Shared>,
    admin: SocketAddr,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
    }
}

impl Emulator {
    /// Start the hosts and the admin API on loopback (by default).
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let (shutdown, _) = watch::channel(false);
        let mut listeners = Vec::new();
        let mut hosts = Vec::new();
        for i in 0..config.hosts.max(1) {
            let port = config.ports.get(i).copied().unwrap_or(0);
            let l = hosts::bind_socket(SocketAddr::new(config.bind, port))?;
            let addr = l.local_addr()?;
            let (refusing, _) = watch::channel(false);
            hosts.push(HostShared {
                addr,
                faults: Mutex::new(Vec::new()),
                log: Mutex::new(Vec::new()),
                refusing,
                listening: AtomicBool::new(true),
                conns: Mutex::new(Vec::new()),
            });
            listeners.push(l);
        }
        let admin_listener = hosts::bind_socket(SocketAddr::new(config.bind, config.admin_port))?;
        let admin = admin_listener.local_addr()?;
        let mut data = Data::default();
        for a in &config.rongcloud {
            data.rong.insert(a.app_key.clone(), AppState::default());
        }
        for a in &config.easemob {
            data.ease.insert(a.app_key.clone(), AppState::default());
        }
        let shared = Arc::new(Shared {
            config,
            hosts,
            data: Mutex::new(data),
            shutdown,
        });
        for (i, l) in listeners.into_iter().enumerate() {
            tokio::spawn(hosts::run_host(shared.clone(), i, l));
        }
        tokio::spawn(crate::admin::run_admin(shared.clone(), admin_listener));
        Ok(Emulator { shared, admin })
    }

    /// Base URLs of the hosts, primary first: `http://127.0.0.1:PORT`.
    pub fn hosts(&self) -> Vec<String> {
        self.shared.host_urls()
    }

    /// Base URL of the admin API.
    pub fn admin_url(&self) -> String {
        format!("http://{}", self.admin)
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Add a fault to `host`. For `Refuse`, returns once the port is closed and its open
    /// connections dropped (and their clients have had a moment to see it).
    pub async fn set_fault(&self, host: usize, fault: Fault) {
        faults::set_fault(&self.shared, host, fault).await
    }

    /// Remove the faults of `host`, or of every host. Returns once refused ports are open again.
    pub async fn clear_faults(&self, host: Option<usize>) {
        faults::clear_faults(&self.shared, host).await
    }

    /// What `host` received, oldest first.
    pub fn requests(&self, host: usize) -> Vec<RecordedRequest> {
        self.shared
            .hosts
            .get(host)
            .map(|h| lock(&h.log).clone())
            .unwrap_or_default()
    }

    pub fn request_count(&self, host: usize) -> usize {
        self.shared
            .hosts
            .get(host)
            .map(|h| lock(&h.log).len())
            .unwrap_or(0)
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests()
    }

    /// Set a user online or offline (every app of both clouds).
    pub fn set_online(&self, user: &str, online: bool) {
        self.shared.set_online(user, online)
    }

    /// Messages sent through any app, oldest first.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        lock(&self.shared.data).messages.clone()
    }

    /// Invalidate every app token issued so far (Easemob tokens and Agora tokens), to test 401 handling.
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens()
    }

    /// A RongCloud client configuration for the first RongCloud app, all hosts, plain http allowed,
    /// and short timeouts and cooldowns suited to tests.
    pub fn rongcloud_config(&self) -> RongCloudConfig {
        let a = &self.shared.config.rongcloud[0];
        let mut c =
            RongCloudConfig::with_hosts(a.app_key.clone(), a.app_secret.as_str(), self.hosts());
        c.options = test_options();
        c
    }

    /// An Easemob client configuration (client credentials) for the first Easemob app.
    pub fn easemob_config(&self) -> EasemobConfig {
        let a = &self.shared.config.easemob[0];
        let auth = EasemobAuth::ClientCredentials {
            client_id: a.client_id.clone(),
            client_secret: Secret::new(a.client_secret.clone()),
        };
        let mut c =
            EasemobConfig::new(&a.app_key, self.hosts(), auth).expect("app keys are org#app");
        c.options = test_options();
        c
    }

    /// An Agora Chat client configuration (App ID + Certificate) for the first Easemob app.
    pub fn agora_config(&self) -> EasemobConfig {
        let a = &self.shared.config.easemob[0];
        let auth = EasemobAuth::Agora {
            app_id: a.agora_app_id.clone().unwrap_or_default(),
            app_certificate: Secret::new(a.agora_app_certificate.clone().unwrap_or_default()),
        };
        let mut c =
            EasemobConfig::new(&a.app_key, self.hosts(), auth).expect("app keys are org#app");
        c.options = test_options();
        c
    }

    /// Stop serving (also done on drop).
    pub fn stop(&self) {
        self.shared.shutdown.send_replace(true);
    }
}

impl Shared {
    pub fn host_urls(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|h| format!("http://{}", h.addr))
            .collect()
    }

    pub fn clear_requests(&self) {
        for h in &self.hosts {
            lock(&h.log).clear();
        }
    }

    pub fn set_online(&self, user: &str, online: bool) {
        let mut d = lock(&self.data);
        for a in d.rong.values_mut() {
            users::set_online(a, Cloud::Rongcloud, user, online);
        }
        for a in d.ease.values_mut() {
            users::set_online(a, Cloud::Easemob, user, online);
        }
    }

    pub fn revoke_tokens(&self) {
        let mut d = lock(&self.data);
        for a in d.ease.values_mut() {
            tokens::revoke_all(a);
        }
        let seen: Vec<String> = d.agora_seen.drain().collect();
        d.agora_revoked.extend(seen);
    }
}
