//! The RongCloud Server API client.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::{checked, json_reply};
use crate::catalogue::{self, Api, Cloud};
use crate::config::RongCloudConfig;
use crate::engine::{AuthRef, Engine};
use crate::error::{Error, Result};
use crate::response::Response;
use crate::runtime::PerProcess;
use crate::secret::Secret;
use crate::signing::{CallbackSignature, ReplayGuard, now_millis, verify_callback};

struct RongInner {
    engine: Engine,
    app_key: String,
    app_secret: Secret,
    /// Callbacks accepted within their window, for `verify_callback_with(.., reject_replays)`.
    callbacks_seen: PerProcess<std::sync::Mutex<ReplayGuard>>,
}

/// A RongCloud Server API client.
#[derive(Clone)]
pub struct RongCloud {
    inner: Arc<RongInner>,
}

impl std::fmt::Debug for RongCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RongCloud")
            .field("app_key", &self.inner.app_key)
            .field("app_secret", &self.inner.app_secret)
            .field("hosts", &self.inner.engine.pool.hosts())
            .finish()
    }
}

impl RongCloud {
    pub fn new(config: RongCloudConfig) -> Result<Self> {
        if config.app_key.trim().is_empty() {
            return Err(Error::config("app_key is empty"));
        }
        crate::config::check_header_text("app_key", &config.app_key)?;
        if config.app_secret.is_empty() {
            return Err(Error::config("app_secret is empty"));
        }
        let engine = Engine::new(
            Cloud::Rongcloud,
            String::new(),
            &config.hosts,
            config.options,
        )?;
        Ok(RongCloud {
            inner: Arc::new(RongInner {
                engine,
                app_key: config.app_key,
                app_secret: config.app_secret,
                callbacks_seen: PerProcess::new(Default::default),
            }),
        })
    }

    /// The catalogue this client serves.
    pub fn api(&self) -> &'static Api {
        catalogue::rongcloud()
    }

    /// The configured hosts, primary first.
    pub fn hosts(&self) -> Vec<String> {
        self.inner.engine.pool.hosts().to_vec()
    }

    /// Call an operation by name with its parameters, e.g.
    /// `call("user.register", json!({"user_id": "u1", "name": "Ann"}))`.
    pub async fn call(&self, operation: &str, args: Value) -> Result<Response> {
        let (op, prep) = checked(catalogue::rongcloud(), operation, args, None, &|_| None).await?;
        let inner = &self.inner;
        let auth = AuthRef::RongCloud {
            app_key: &inner.app_key,
            secret: &inner.app_secret,
        };
        let reply = inner.engine.execute(op, &prep, None, auth).await?;
        json_reply(op, reply)
    }

    /// Verify a server callback signed with this app's secret (query or header parameters,
    /// constant-time, within `window` of now).
    pub fn verify_callback(
        &self,
        query: &[(String, String)],
        headers: &[(String, String)],
        window: Duration,
    ) -> Result<()> {
        self.verify_callback_with(query, headers, window, false)
    }

    /// [`verify_callback`](Self::verify_callback), and with `reject_replays` also refuse a
    /// callback whose nonce and timestamp this client already accepted within the window (a
    /// replay of a captured request). Off by default: turn it on when RongCloud does not resend
    /// the same signed callback to you (its retries are new requests with a new nonce).
    pub fn verify_callback_with(
        &self,
        query: &[(String, String)],
        headers: &[(String, String)],
        window: Duration,
        reject_replays: bool,
    ) -> Result<()> {
        let sig = CallbackSignature::extract(query, headers)?;
        let now = now_millis();
        verify_callback(&self.inner.app_secret, &sig, now, window)?;
        if reject_replays {
            let seen = self.inner.callbacks_seen.get();
            let mut g = seen.lock().unwrap_or_else(|e| e.into_inner());
            g.check(&sig, now, window)?;
        }
        Ok(())
    }

    /// Read a server callback's body into its typed events (one, or one per item of a JSON
    /// array), by the kinds declared in `catalogue/rongcloud/_callbacks.json`. `content_type` is
    /// the request's header if known. Verify the signature first with
    /// [`verify_callback`](Self::verify_callback).
    pub fn parse_callback(
        &self,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Vec<crate::callbacks::Event>> {
        crate::callbacks::parse_callback(Cloud::Rongcloud, body, content_type)
    }
}
