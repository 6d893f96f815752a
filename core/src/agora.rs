//! Agora AccessToken2 ("007") for Agora Chat: the app token the REST API accepts as a Bearer, and
//! user tokens for client login, built locally from the App ID and App Certificate.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// Service type of Agora Chat in AccessToken2.
pub const SERVICE_CHAT: u16 = 5;
/// Privilege: log in as a Chat user.
pub const PRIVILEGE_CHAT_USER: u16 = 1;
/// Privilege: call the Chat REST API as the app.
pub const PRIVILEGE_CHAT_APP: u16 = 2;

/// One service of a token with its privileges (privilege → TTL in seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub service_type: u16,
    pub privileges: BTreeMap<u16, u32>,
    /// The Chat user id (the user's UUID for a user token; empty for an app token).
    pub user_id: String,
}

/// The fields of an AccessToken2 (without the app certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken2 {
    pub app_id: String,
    /// Seconds since the epoch.
    pub issue_ts: u32,
    /// TTL in seconds from `issue_ts`.
    pub expire: u32,
    pub salt: u32,
    pub services: Vec<Service>,
}

fn hmac256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn pack_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s);
}

fn check_hex32(what: &str, s: &str) -> Result<()> {
    if s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "{what} must be 32 hexadecimal characters"
        )))
    }
}

impl AccessToken2 {
    /// A Chat app token (privilege 2) valid for `ttl` seconds from `issue_ts`.
    pub fn chat_app(app_id: &str, issue_ts: u32, salt: u32, ttl: u32) -> Self {
        AccessToken2 {
            app_id: app_id.to_string(),
            issue_ts,
            expire: ttl,
            salt,
            services: vec![Service {
                service_type: SERVICE_CHAT,
                privileges: BTreeMap::from([(PRIVILEGE_CHAT_APP, ttl)]),
                user_id: String::new(),
            }],
        }
    }

    /// A Chat user token (privilege 1) for `user_uuid`, valid for `ttl` seconds.
    pub fn chat_user(app_id: &str, user_uuid: &str, issue_ts: u32, salt: u32, ttl: u32) -> Self {
        AccessToken2 {
            app_id: app_id.to_string(),
            issue_ts,
            expire: ttl,
            salt,
            services: vec![Service {
                service_type: SERVICE_CHAT,
                privileges: BTreeMap::from([(PRIVILEGE_CHAT_USER, ttl)]),
                user_id: user_uuid.to_string(),
            }],
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        pack_string(&mut b, self.app_id.as_bytes());
        b.extend_from_slice(&self.issue_ts.to_le_bytes());
        b.extend_from_slice(&self.expire.to_le_bytes());
        b.extend_from_slice(&self.salt.to_le_bytes());
        let mut services = self.services.clone();
        services.sort_by_key(|s| s.service_type);
        b.extend_from_slice(&(services.len() as u16).to_le_bytes());
        for s in &services {
            b.extend_from_slice(&s.service_type.to_le_bytes());
            b.extend_from_slice(&(s.privileges.len() as u16).to_le_bytes());
            for (k, v) in &s.privileges {
                b.extend_from_slice(&k.to_le_bytes());
                b.extend_from_slice(&v.to_le_bytes());
            }
            pack_string(&mut b, s.user_id.as_bytes());
        }
        b
    }

    fn signature(&self, app_certificate: &str, body: &[u8]) -> [u8; 32] {
        let k1 = hmac256(&self.issue_ts.to_le_bytes(), app_certificate.as_bytes());
        let key = hmac256(&self.salt.to_le_bytes(), &k1);
        hmac256(&key, body)
    }

    /// The signed, uncompressed content: `pack_string(signature) + body`.
    pub fn content(&self, app_certificate: &Secret) -> Result<Vec<u8>> {
        check_hex32("app_id", &self.app_id)?;
        check_hex32("app_certificate", app_certificate.expose())?;
        let body = self.body();
        let sig = self.signature(app_certificate.expose(), &body);
        let mut c = Vec::with_capacity(body.len() + 34);
        pack_string(&mut c, &sig);
        c.extend_from_slice(&body);
        Ok(c)
    }

    /// The token text: `"007" + base64(zlib(content))`.
    pub fn build(&self, app_certificate: &Secret) -> Result<String> {
        let content = self.content(app_certificate)?;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&content)
            .map_err(|e| Error::io(e.to_string()))?;
        let compressed = z.finish().map_err(|e| Error::io(e.to_string()))?;
        Ok(format!("007{}", STANDARD.encode(compressed)))
    }

    /// Parse a token and check its signature against `app_certificate`.
    pub fn verify(token: &str, app_certificate: &Secret) -> Result<Self> {
        let bad = |why: &str| {
            Error::new(
                ErrorKind::Authentication,
                format!("not a valid AccessToken2: {why}"),
            )
        };
        let b64 = token
            .strip_prefix("007")
            .ok_or_else(|| bad("no 007 prefix"))?;
        let compressed = STANDARD.decode(b64).map_err(|_| bad("not base64"))?;
        let mut content = Vec::new();
        ZlibDecoder::new(&compressed[..])
            .take(1 << 16)
            .read_to_end(&mut content)
            .map_err(|_| bad("not zlib"))?;
        let mut r = Reader { b: &content, i: 0 };
        let sig = r.string().ok_or_else(|| bad("truncated"))?.to_vec();
        let body_start = r.i;
        let app_id = String::from_utf8(r.string().ok_or_else(|| bad("truncated"))?.to_vec())
            .map_err(|_| bad("app id"))?;
        let issue_ts = r.u32().ok_or_else(|| bad("truncated"))?;
        let expire = r.u32().ok_or_else(|| bad("truncated"))?;
        let salt = r.u32().ok_or_else(|| bad("truncated"))?;
        let n = r.u16().ok_or_else(|| bad("truncated"))?;
        let mut services = Vec::new();
        for _ in 0..n {
            let service_type = r.u16().ok_or_else(|| bad("truncated"))?;
            let np = r.u16().ok_or_else(|| bad("truncated"))?;
            let mut privileges = BTreeMap::new();
            for _ in 0..np {
                let k = r.u16().ok_or_else(|| bad("truncated"))?;
                let v = r.u32().ok_or_else(|| bad("truncated"))?;
                privileges.insert(k, v);
            }
            if service_type != SERVICE_CHAT {
                return Err(bad("only the Chat service is understood"));
            }
            let user_id = String::from_utf8(r.string().ok_or_else(|| bad("truncated"))?.to_vec())
                .map_err(|_| bad("user id"))?;
            services.push(Service {
                service_type,
                privileges,
                user_id,
            });
        }
        let t = AccessToken2 {
            app_id,
            issue_ts,
            expire,
            salt,
            services,
        };
        let expected = t.signature(app_certificate.expose(), &content[body_start..]);
        if !bool::from(expected.ct_eq(&sig[..])) {
            return Err(Error::new(
                ErrorKind::Authentication,
                "AccessToken2 signature does not match",
            ));
        }
        Ok(t)
    }

    /// Seconds since the epoch at which the token stops being valid.
    pub fn expires_at(&self) -> u64 {
        self.issue_ts as u64 + self.expire as u64
    }

    /// Whether the token grants `privilege` of the Chat service.
    pub fn has_chat_privilege(&self, privilege: u16) -> bool {
        self.services
            .iter()
            .any(|s| s.service_type == SERVICE_CHAT && s.privileges.contains_key(&privilege))
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.i..self.i + n)?;
        self.i += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }
}
