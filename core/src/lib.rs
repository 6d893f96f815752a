//! # imcloud
//!
//! One Rust core for the IM-cloud *server* APIs — RongCloud and Easemob / Agora Chat — shared by
//! the Python, Node, Kotlin and Swift bindings.
//!
//! - Every endpoint is declared once in the [`catalogue`]; calls are validated against it before
//!   anything is sent, and encoded from it.
//! - Requests are signed (RongCloud) or carry an app token (Easemob, Agora) that is cached,
//!   refreshed early and after a 401, single-flight.
//! - Hosts fail over by a small pure state machine ([`failover`]): a call that may have reached a
//!   server is re-sent only if it is idempotent.
//! - Errors are one type, [`Error`], with a stable [`ErrorKind`]; secrets never appear in output.
//!
//! ```no_run
//! # async fn demo() -> imcloud::Result<()> {
//! use imcloud::{RongCloud, RongCloudConfig, Region};
//! use serde_json::json;
//! let rc = RongCloud::new(RongCloudConfig::new("app-key", "app-secret", Region::Singapore))?;
//! let r = rc.call("user.register", json!({"user_id": "u1", "name": "Ann"})).await?;
//! println!("token for u1: {}", r.get_str("token").unwrap_or_default());
//! # Ok(()) }
//! ```

pub mod agora;
pub mod callbacks;
pub mod catalogue;
mod client;
pub mod config;
mod engine;
pub mod error;
pub mod failover;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod pages;
mod response;
pub mod runtime;
pub mod secret;
pub mod signing;
pub mod validate;
pub mod wire;

// The typed surface: `imcloud::rongcloud::UserRegister { .. }`, `RongCloud::user_register(..)` and
// the typed results, generated from the catalogue by `cargo xtask gen` (checked by `--check`).
mod generated;
pub use generated::{easemob, rongcloud};

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The crate's own README (crates.io, docs.rs), compiled as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;

pub use callbacks::Event;
pub use catalogue::Cloud;
pub use client::{Easemob, RongCloud};
pub use config::{
    ClientOptions, EasemobAuth, EasemobConfig, EasemobRegion, Region, RongCloudConfig,
};
pub use error::{Error, ErrorKind, ErrorRecord, Result};
pub use failover::{FailoverPolicy, RetryPolicy};
pub use files::{FileSink, FileSource};
pub use pages::{Pages, TypedPages};
pub use response::{Download, Response, Typed};
pub use secret::Secret;
