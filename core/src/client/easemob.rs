//! The Easemob / Agora Chat REST API client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng;
use serde_json::Value;

use super::download::{Target, stream_to};
use super::token::{AGORA_DEFAULT_TTL, TokenManager, TokenState};
use super::{checked, json_reply};
use crate::agora::AccessToken2;
use crate::catalogue::{self, Api, Cloud, Operation};
use crate::config::{EasemobAuth, EasemobConfig};
use crate::engine::{AuthRef, Engine, TokenSource};
use crate::error::{Error, Result};
use crate::files::{FileSink, FileSource};
use crate::response::{Download, Response};
use crate::runtime::PerProcess;
use crate::secret::Secret;
use crate::signing::now_millis;

struct EasemobInner {
    engine: Engine,
    tokens: TokenManager,
    org_name: String,
    app_name: String,
}

/// An Easemob / Agora Chat REST API client.
#[derive(Clone)]
pub struct Easemob {
    inner: Arc<EasemobInner>,
}

impl std::fmt::Debug for Easemob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Easemob")
            .field("org_name", &self.inner.org_name)
            .field("app_name", &self.inner.app_name)
            .field("auth", &self.inner.tokens.auth)
            .field("hosts", &self.inner.engine.pool.hosts())
            .finish()
    }
}

fn check_name(what: &str, s: &str) -> Result<()> {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::config(format!(
            "{what} '{s}' must be non-empty letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

impl Easemob {
    pub fn new(config: EasemobConfig) -> Result<Self> {
        check_name("org_name", &config.org_name)?;
        check_name("app_name", &config.app_name)?;
        match &config.auth {
            EasemobAuth::ClientCredentials {
                client_id,
                client_secret,
            } => {
                if client_id.is_empty() || client_secret.is_empty() {
                    return Err(Error::config("client_id and client_secret are needed"));
                }
            }
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                // building a token checks both formats
                AccessToken2::chat_app(app_id, 0, 1, 1).build(app_certificate)?;
                if let Some(ttl) = config.token_ttl
                    && !(1..=AGORA_DEFAULT_TTL).contains(&ttl)
                {
                    return Err(Error::invalid_argument(
                        "token_ttl",
                        format!(
                            "is {ttl}; Agora app tokens live 1..={AGORA_DEFAULT_TTL} seconds (24 hours at most)"
                        ),
                    ));
                }
            }
        }
        let base = format!("/{}/{}", config.org_name, config.app_name);
        let engine = Engine::new(Cloud::Easemob, base, &config.hosts, config.options)?;
        let tokens = TokenManager {
            auth: config.auth,
            ttl: config.token_ttl,
            state: PerProcess::new(TokenState::default),
            fetches: AtomicU64::new(0),
        };
        Ok(Easemob {
            inner: Arc::new(EasemobInner {
                engine,
                tokens,
                org_name: config.org_name,
                app_name: config.app_name,
            }),
        })
    }

    pub fn api(&self) -> &'static Api {
        catalogue::easemob()
    }

    pub fn hosts(&self) -> Vec<String> {
        self.inner.engine.pool.hosts().to_vec()
    }

    fn auth_for(&self, op: &Operation) -> AuthRef<'_> {
        match op.auth {
            catalogue::Auth::None => AuthRef::None,
            catalogue::Auth::Default => AuthRef::Bearer(&self.inner.tokens),
        }
    }

    fn credential(&self) -> impl Fn(&str) -> Option<String> + Sync + '_ {
        move |name| match (&self.inner.tokens.auth, name) {
            (EasemobAuth::ClientCredentials { client_id, .. }, "client_id") => {
                Some(client_id.clone())
            }
            (EasemobAuth::ClientCredentials { client_secret, .. }, "client_secret") => {
                Some(client_secret.expose().to_string())
            }
            _ => None,
        }
    }

    /// Call an operation by name, e.g. `call("group.announcement_set", json!({"group_id": g, "announcement": a}))`.
    pub async fn call(&self, operation: &str, args: Value) -> Result<Response> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            None,
            &self.credential(),
        )
        .await?;
        if op.download {
            return Err(Error::invalid_argument(
                "operation",
                format!("{operation} is a download: use download()"),
            ));
        }
        let reply = self
            .inner
            .engine
            .execute(op, &prep, None, self.auth_for(op))
            .await?;
        json_reply(op, reply)
    }

    /// Call an upload operation (`attachment.upload`, `group.share_file_upload`) with its file, streamed.
    pub async fn upload(&self, operation: &str, args: Value, file: FileSource) -> Result<Response> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            Some(&file),
            &self.credential(),
        )
        .await?;
        let reply = self
            .inner
            .engine
            .execute(op, &prep, Some(&file), self.auth_for(op))
            .await?;
        json_reply(op, reply)
    }

    /// Call a download operation (`attachment.download`, `group.share_file_download`), streaming the file to `sink`.
    pub async fn download(&self, operation: &str, args: Value, sink: FileSink) -> Result<Download> {
        let (d, _) = self
            .download_to(operation, args, Target::Sink(sink))
            .await?;
        Ok(d)
    }

    /// Call a download operation and return the file's bytes with the [`Download`] (whose
    /// `bytes` is their count). For files that fit in memory; stream large ones with
    /// [`download`](Self::download).
    pub async fn download_bytes(
        &self,
        operation: &str,
        args: Value,
    ) -> Result<(Download, Vec<u8>)> {
        let (d, data) = self.download_to(operation, args, Target::Memory).await?;
        Ok((d, data.unwrap_or_default()))
    }

    async fn download_to(
        &self,
        operation: &str,
        args: Value,
        target: Target,
    ) -> Result<(Download, Option<Vec<u8>>)> {
        let (op, prep) = checked(
            catalogue::easemob(),
            operation,
            args,
            None,
            &self.credential(),
        )
        .await?;
        if !op.download {
            return Err(Error::invalid_argument(
                "operation",
                format!("{operation} is not a download: use call()"),
            ));
        }
        let reply = self
            .inner
            .engine
            .execute(op, &prep, None, self.auth_for(op))
            .await?;
        stream_to(op, reply, target).await
    }

    /// The current app token (fetched or built if needed). For inspection; calls use it automatically.
    pub async fn app_token(&self) -> Result<Secret> {
        self.inner.tokens.token(&self.inner.engine).await
    }

    /// How many times this client fetched or built an app token.
    pub fn token_fetches(&self) -> u64 {
        self.inner.tokens.fetches.load(Ordering::Relaxed)
    }

    /// Agora mode: a Chat user token for the user's UUID (from `user.get`), valid `ttl` seconds (≤ 24 h).
    pub fn chat_user_token(&self, user_uuid: &str, ttl: u32) -> Result<Secret> {
        match &self.inner.tokens.auth {
            EasemobAuth::Agora {
                app_id,
                app_certificate,
            } => {
                if user_uuid.is_empty() {
                    return Err(Error::invalid_argument("user_uuid", "must not be empty"));
                }
                if ttl == 0 || ttl > AGORA_DEFAULT_TTL {
                    return Err(Error::invalid_argument(
                        "ttl",
                        format!("is {ttl}; must be 1..=86400 seconds"),
                    ));
                }
                let salt = rand::rng().random_range(1..=99_999_999u32);
                let issue = (now_millis() / 1000) as u32;
                Ok(Secret::new(
                    AccessToken2::chat_user(app_id, user_uuid, issue, salt, ttl)
                        .build(app_certificate)?,
                ))
            }
            EasemobAuth::ClientCredentials { .. } => Err(Error::config(
                "chat user tokens are built from an Agora App Certificate; this client uses client credentials",
            )),
        }
    }

    /// Read a server callback's JSON body into its typed event (pre-send, post-send message,
    /// user status, moderation …), by the kinds declared in `catalogue/easemob/_callbacks.json`.
    /// Verify it first with [`verify_callback`](Self::verify_callback).
    pub fn parse_callback(
        &self,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Vec<crate::callbacks::Event>> {
        crate::callbacks::parse_callback(Cloud::Easemob, body, content_type)
    }

    /// Verify a server callback's `security`: md5(`callId` + `secret` + `timestamp`), in constant
    /// time, with its `timestamp` within `window` of now. `secret` is the **callback rule's**
    /// secret (the console lists it with the rule): Easemob signs callbacks with it, not with the
    /// client secret nor the Agora App Certificate, so neither kind of client holds it.
    pub fn verify_callback(
        &self,
        body: &[u8],
        secret: &str,
        window: std::time::Duration,
    ) -> Result<()> {
        crate::callbacks::verify_easemob(secret, body, now_millis(), window)
    }
}
