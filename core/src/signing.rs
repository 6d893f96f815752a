//! RongCloud request signing and server-callback verification. Pure functions, no I/O.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// `hex(sha1(app_secret + nonce + timestamp))`, lowercase.
pub fn signature(app_secret: &str, nonce: &str, timestamp: &str) -> String {
    let mut h = Sha1::new();
    h.update(app_secret.as_bytes());
    h.update(nonce.as_bytes());
    h.update(timestamp.as_bytes());
    hex::encode(h.finalize())
}

/// A fresh nonce: up to 18 decimal digits from a CSPRNG (the documented limit is 18 characters).
pub fn new_nonce() -> String {
    let n: u64 = rand::rng().random_range(0..1_000_000_000_000_000_000u64);
    n.to_string()
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The four authentication headers of one RongCloud request.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub app_key: String,
    pub nonce: String,
    pub timestamp: String,
    pub signature: String,
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("app_key", &self.app_key)
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .field("signature", &"***")
            .finish()
    }
}

/// Sign a request now, with a fresh nonce.
pub fn sign_now(app_key: &str, app_secret: &Secret) -> SignedHeaders {
    sign_with(app_key, app_secret, new_nonce(), now_millis().to_string())
}

pub fn sign_with(
    app_key: &str,
    app_secret: &Secret,
    nonce: String,
    timestamp: String,
) -> SignedHeaders {
    let signature = signature(app_secret.expose(), &nonce, &timestamp);
    SignedHeaders {
        app_key: app_key.to_string(),
        nonce,
        timestamp,
        signature,
    }
}

/// What a RongCloud server callback carried for its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackSignature {
    pub nonce: String,
    pub timestamp: String,
    pub signature: String,
}

impl CallbackSignature {
    /// Find the signature fields in a callback's query parameters, or else its headers.
    /// Accepts `nonce`/`signTimestamp`|`timestamp`/`signature`, the legacy `rc-` forms, and the
    /// headers `Nonce`/`Timestamp`/`Signature` (or `RC-` prefixed). Names are case-insensitive.
    pub fn extract(query: &[(String, String)], headers: &[(String, String)]) -> Result<Self> {
        let find = |pairs: &[(String, String)], names: &[&str]| {
            names.iter().find_map(|n| {
                pairs
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(_, v)| v.clone())
            })
        };
        let from = |pairs: &[(String, String)]| {
            Some(CallbackSignature {
                nonce: find(pairs, &["nonce", "rc-nonce"])?,
                timestamp: find(pairs, &["signTimestamp", "timestamp", "rc-timestamp"])?,
                signature: find(pairs, &["signature", "rc-signature"])?,
            })
        };
        from(query).or_else(|| from(headers)).ok_or_else(|| {
            Error::new(
                ErrorKind::Authentication,
                "callback has no nonce/timestamp/signature in its query or headers",
            )
        })
    }
}

/// Verify a RongCloud server callback: the signature matches `app_secret` (constant-time, hex case
/// ignored) and the timestamp (ms, or s if it looks like seconds) is within `window` of `now_ms`.
pub fn verify_callback(
    app_secret: &Secret,
    sig: &CallbackSignature,
    now_ms: u64,
    window: Duration,
) -> Result<()> {
    let ts: u64 = sig.timestamp.trim().parse().map_err(|_| {
        Error::new(
            ErrorKind::Authentication,
            "callback timestamp is not a number",
        )
    })?;
    let ts_ms = if ts < 100_000_000_000 {
        ts.saturating_mul(1000)
    } else {
        ts
    };
    let skew = now_ms.abs_diff(ts_ms);
    if u128::from(skew) > window.as_millis() {
        return Err(Error::new(
            ErrorKind::Authentication,
            format!(
                "callback timestamp is {}s away from now; the window is {}s",
                skew / 1000,
                window.as_secs()
            ),
        ));
    }
    let expected = signature(app_secret.expose(), &sig.nonce, &sig.timestamp);
    let given = sig.signature.trim().to_ascii_lowercase();
    if expected.as_bytes().ct_eq(given.as_bytes()).into() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Authentication,
            "callback signature does not match the app secret",
        ))
    }
}

/// Remembers the callbacks accepted within the freshness window, so that the same signed
/// callback delivered again (a replay: same nonce and timestamp) is refused. Only callbacks whose
/// signature verified are remembered, and only for the window, so its size is bounded by the
/// genuine traffic of one window.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: HashMap<(String, String), u64>,
}

impl ReplayGuard {
    /// Record a verified callback received at `now_ms`; an error if it was already accepted
    /// within `window`.
    pub fn check(&mut self, sig: &CallbackSignature, now_ms: u64, window: Duration) -> Result<()> {
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        self.seen
            .retain(|_, at| now_ms.saturating_sub(*at) <= window_ms.saturating_mul(2));
        let key = (sig.nonce.clone(), sig.timestamp.trim().to_string());
        if self.seen.contains_key(&key) {
            return Err(Error::new(
                ErrorKind::Authentication,
                "callback was already accepted once (same nonce and timestamp): a replay",
            ));
        }
        self.seen.insert(key, now_ms);
        Ok(())
    }

    /// How many callbacks are remembered now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_is_short_decimal_and_fresh() {
        let a = new_nonce();
        let b = new_nonce();
        assert!(
            a.len() <= 18 && a.chars().all(|c| c.is_ascii_digit()),
            "{a}"
        );
        assert_ne!(a, b);
    }

    #[test]
    fn signed_headers_debug_hides_signature() {
        let h = sign_with("key", &Secret::new("s"), "1".into(), "2".into());
        assert!(!format!("{h:?}").contains(&h.signature));
    }

    #[test]
    fn callback_accepts_good_and_rejects_bad() {
        let secret = Secret::new("Y1W2MeFwwwRxa0");
        let now = 1_408_710_653_000u64;
        let q = vec![
            ("nonce".to_string(), "14314".to_string()),
            ("signTimestamp".to_string(), "1408710653000".to_string()),
            (
                "signature".to_string(),
                "30BE0BBCA9C9B2E27578701E9FDA2358A814C88F".to_string(),
            ),
        ];
        let sig = CallbackSignature::extract(&q, &[]).unwrap();
        verify_callback(&secret, &sig, now + 1000, Duration::from_secs(300)).unwrap();
        // stale
        let e =
            verify_callback(&secret, &sig, now + 301_000, Duration::from_secs(300)).unwrap_err();
        assert!(e.detail().contains("window"), "{e}");
        // tampered
        let mut bad = sig.clone();
        bad.nonce = "14315".into();
        assert!(verify_callback(&secret, &bad, now, Duration::from_secs(300)).is_err());
        // from headers, RC- prefixed
        let h = vec![
            ("RC-Nonce".to_string(), "14314".to_string()),
            ("RC-Timestamp".to_string(), "1408710653000".to_string()),
            (
                "RC-Signature".to_string(),
                "30be0bbca9c9b2e27578701e9fda2358a814c88f".to_string(),
            ),
        ];
        let sig = CallbackSignature::extract(&[], &h).unwrap();
        verify_callback(&secret, &sig, now, Duration::from_secs(300)).unwrap();
        assert!(CallbackSignature::extract(&[], &[]).is_err());
    }
}

#[cfg(test)]
mod replay_tests {
    use super::*;

    #[test]
    fn a_replayed_callback_is_refused_within_the_window_and_forgotten_after() {
        let sig = CallbackSignature {
            nonce: "1".into(),
            timestamp: "1000".into(),
            signature: "x".into(),
        };
        let w = Duration::from_secs(300);
        let mut g = ReplayGuard::default();
        g.check(&sig, 1_000_000, w).unwrap();
        let e = g.check(&sig, 1_001_000, w).unwrap_err();
        assert!(e.detail().contains("replay"), "{e}");
        let other = CallbackSignature {
            nonce: "2".into(),
            ..sig.clone()
        };
        g.check(&other, 1_001_000, w).unwrap();
        assert_eq!(g.len(), 2);
        // long after the window the entries are dropped (the freshness check refuses them anyway)
        g.check(
            &CallbackSignature {
                nonce: "3".into(),
                ..sig.clone()
            },
            2_000_000,
            w,
        )
        .unwrap();
        assert_eq!(g.len(), 1);
    }
}
