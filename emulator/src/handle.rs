//! [`Handle`]: the emulator for the language bindings' testing helpers (Python
//! `imcloud.testing`, Node `imcloud/testing`, Kotlin `imcloud.testing`). Blocking calls with JSON
//! text in and out, run on the core's runtime behind its panic guard, failing with
//! [`imcloud::Error`] — so each binding only converts types and errors, as for the clients.

use imcloud::runtime::{block_on, guard_sync, guarded};

use crate::{Emulator, EmulatorConfig, Fault};

/// A running emulator, started on the core's runtime. Stops on [`Handle::stop`] or when dropped.
pub struct Handle {
    emu: Emulator,
}

fn bad(param: &str, e: impl std::fmt::Display) -> imcloud::Error {
    imcloud::Error::invalid_argument(param, e.to_string())
}

impl Handle {
    /// Start an emulator from its configuration as JSON ([`EmulatorConfig`]; every field optional).
    /// Call from synchronous code (not from inside a tokio runtime).
    pub fn start(config_json: &str) -> imcloud::Result<Handle> {
        let cfg: EmulatorConfig = serde_json::from_str(config_json)
            .map_err(|e| bad("config", format!("bad emulator config: {e}")))?;
        Self::start_with(cfg)
    }

    /// Start an emulator from its configuration.
    pub fn start_with(config: EmulatorConfig) -> imcloud::Result<Handle> {
        let emu = block_on(guarded(async {
            Emulator::start(config)
                .await
                .map_err(|e| imcloud::Error::io(format!("the emulator did not start: {e}")))
        }))?;
        Ok(Handle { emu })
    }

    /// The emulator itself, for Rust callers.
    pub fn emulator(&self) -> &Emulator {
        &self.emu
    }

    /// Base URLs of the hosts, primary first.
    pub fn hosts(&self) -> Vec<String> {
        self.emu.hosts()
    }

    /// Base URL of the admin API.
    pub fn admin_url(&self) -> String {
        self.emu.admin_url()
    }

    /// Settings of a client wired to this emulator, as JSON: `kind` is `rongcloud`, `easemob`
    /// (client credentials) or `agora` (App ID + Certificate).
    pub fn client_config(&self, kind: &str) -> imcloud::Result<String> {
        guard_sync(|| {
            Ok(match kind {
                "rongcloud" => self.emu.rongcloud_config().to_json(),
                "easemob" => self.emu.easemob_config().to_json(),
                "agora" => self.emu.agora_config().to_json(),
                _ => return Err(bad("kind", "is rongcloud, easemob or agora")),
            }
            .to_string())
        })
    }

    /// Add a fault (as JSON: `{"kind": "refuse"|…, "times"?, "path_contains"?, …}`) to `host`.
    /// Blocks until a `refuse` fault has closed the port.
    pub fn set_fault(&self, host: usize, fault_json: &str) -> imcloud::Result<()> {
        let fault: Fault = serde_json::from_str(fault_json)
            .map_err(|e| bad("fault", format!("bad fault: {e}")))?;
        if host >= self.emu.hosts().len() {
            return Err(bad("host", format!("no host {host}")));
        }
        block_on(guarded(async {
            self.emu.set_fault(host, fault).await;
            Ok(())
        }))
    }

    /// Remove the faults of `host`, or of every host; blocks until refused ports are open again.
    pub fn clear_faults(&self, host: Option<usize>) -> imcloud::Result<()> {
        block_on(guarded(async {
            self.emu.clear_faults(host).await;
            Ok(())
        }))
    }

    /// What `host` received, oldest first, as a JSON array.
    pub fn requests_json(&self, host: usize) -> String {
        serde_json::to_string(&self.emu.requests(host)).unwrap_or_default()
    }

    pub fn clear_requests(&self) {
        self.emu.clear_requests()
    }

    /// Set a user online or offline (every app of both clouds).
    pub fn set_online(&self, user: &str, online: bool) {
        self.emu.set_online(user, online)
    }

    /// Messages sent through any app, oldest first, as a JSON array.
    pub fn sent_messages_json(&self) -> String {
        serde_json::to_string(&self.emu.sent_messages()).unwrap_or_default()
    }

    /// Invalidate every app token issued so far.
    pub fn revoke_tokens(&self) {
        self.emu.revoke_tokens()
    }

    /// Stop serving (also done on drop).
    pub fn stop(&self) {
        self.emu.stop()
    }
}
