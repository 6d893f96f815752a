//! Easemob / Agora app tokens: cached, refreshed before expiry and after a 401, single-flight.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::Value;

use super::{checked, json_reply};
use crate::agora::AccessToken2;
use crate::catalogue;
use crate::config::EasemobAuth;
use crate::engine::{AuthRef, Engine, TokenSource};
use crate::error::{Error, ErrorKind, Result};
use crate::runtime::PerProcess;
use crate::secret::Secret;
use crate::signing::now_millis;

pub(super) struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

pub(super) type TokenState = tokio::sync::Mutex<Option<CachedToken>>;

/// App tokens: cached, refreshed before expiry and after a 401, single-flight.
pub(super) struct TokenManager {
    pub(super) auth: EasemobAuth,
    pub(super) ttl: Option<u32>,
    /// The cache of this process: a child of fork() starts with an empty one, since the parent
    /// may have been holding the lock mid-fetch when it forked.
    pub(super) state: PerProcess<TokenState>,
    pub(super) fetches: AtomicU64,
}

/// The longest a token is kept without asking again, whatever lifetime the server announces
/// (0 = never expires, or `expires_in: 18446744073709551615`).
const MAX_TOKEN_REUSE: Duration = Duration::from_secs(30 * 86_400);

/// When to refresh a token that lives `ttl` seconds: a quarter early, at most 5 minutes early,
/// and at the latest after [`MAX_TOKEN_REUSE`].
fn refresh_after(ttl: u64) -> Duration {
    if ttl == 0 {
        return MAX_TOKEN_REUSE;
    }
    Duration::from_secs(ttl - (ttl / 4).min(300)).min(MAX_TOKEN_REUSE)
}

/// Agora app tokens last at most 24 hours.
pub(super) const AGORA_DEFAULT_TTL: u32 = 86_400;

impl TokenManager {
    fn state(&self) -> Arc<TokenState> {
        self.state.get()
    }

    async fn fetch(&self, engine: &Engine) -> Result<(Secret, u64)> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match &self.auth {
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                let ttl = self.ttl.unwrap_or(AGORA_DEFAULT_TTL);
                let salt = rand::rng().random_range(1..=99_999_999u32);
                let issue = (now_millis() / 1000) as u32;
                let t = AccessToken2::chat_app(app_id, issue, salt, ttl).build(app_certificate)?;
                Ok((Secret::new(t), ttl as u64))
            }
            EasemobAuth::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let args = match self.ttl {
                    Some(t) => serde_json::json!({ "ttl": t }),
                    None => Value::Null,
                };
                let cred = |name: &str| match name {
                    "client_id" => Some(client_id.clone()),
                    "client_secret" => Some(client_secret.expose().to_string()),
                    _ => None,
                };
                let (op, prep) =
                    checked(catalogue::easemob(), "auth.app_token", args, None, &cred).await?;
                let reply = engine.execute(op, &prep, None, AuthRef::None).await?;
                let resp = json_reply(op, reply)?;
                let token = resp.get_str("access_token").ok_or_else(|| {
                    Error::new(ErrorKind::Decode, "token answer has no access_token")
                        .with_operation(&op.name)
                })?;
                let ttl = resp
                    .get("expires_in")
                    .and_then(Value::as_u64)
                    .unwrap_or(3600);
                Ok((Secret::new(token), ttl))
            }
        }
    }
}

impl TokenSource for TokenManager {
    fn token<'a>(
        &'a self,
        engine: &'a Engine,
    ) -> Pin<Box<dyn Future<Output = Result<Secret>> + Send + 'a>> {
        Box::pin(async move {
            let state = self.state();
            let mut g = state.lock().await;
            if let Some(c) = g.as_ref()
                && Instant::now() < c.refresh_at
            {
                return Ok(c.token.clone());
            }
            let (token, ttl) = self.fetch(engine).await?;
            *g = Some(CachedToken {
                token: token.clone(),
                refresh_at: Instant::now() + refresh_after(ttl), // bounded: cannot overflow
            });
            Ok(token)
        })
    }

    fn invalidate<'a>(&'a self, used: &'a Secret) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            let state = self.state();
            let mut g = state.lock().await;
            if g.as_ref().is_some_and(|c| &c.token == used) {
                *g = None;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_timing() {
        assert_eq!(refresh_after(7200), Duration::from_secs(6900));
        assert_eq!(refresh_after(60), Duration::from_secs(45));
        // never-expiring and absurd lifetimes from the server are kept at most 30 days, and the
        // refresh instant can always be computed (no Instant overflow)
        assert_eq!(refresh_after(0), MAX_TOKEN_REUSE);
        assert_eq!(refresh_after(u64::MAX), MAX_TOKEN_REUSE);
        let _ = Instant::now() + refresh_after(u64::MAX);
    }
}
