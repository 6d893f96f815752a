//! # imcloud-emulator
//!
//! A local server speaking the RongCloud and Easemob / Agora Chat server APIs, for tests — ours
//! and our users'. It serves several hosts (ports) at once so failover can be exercised, checks
//! RongCloud signatures and Easemob / Agora bearer tokens, keeps state in memory, enforces the
//! catalogue's limits with the real error shapes, and injects faults per host.
//!
//! Routes and limits come from the catalogue the client uses; requests are read by the emulator's
//! own decoder (`decode.rs`), not by the client's encoder run backwards.
//!
//! Start it from Rust with [`Emulator::start`], from a language binding with [`Handle`], or as
//! the `imcloud-emulator` binary (it prints its URLs as one JSON line) and drive it over its admin
//! API (`/_emulator/...`) from any language.
//!
//! Layout: `config` (apps, credentials), `hosts` (listeners, a request's path through a host),
//! `faults`, `routing` (operation, authentication, decoding, validation), `decode`, `admin`,
//! `families/` (stateful behaviour, one file per resource family), `handle` (for bindings).

mod admin;
mod config;
mod decode;
mod emulator;
mod families;
mod faults;
mod handle;
mod hosts;
mod http;
mod routing;

pub use config::{
    DEFAULT_AGORA_APP_CERTIFICATE, DEFAULT_AGORA_APP_ID, DEFAULT_EASEMOB_APP_KEY,
    DEFAULT_EASEMOB_CLIENT_ID, DEFAULT_EASEMOB_CLIENT_SECRET, DEFAULT_RONGCLOUD_APP_KEY,
    DEFAULT_RONGCLOUD_APP_SECRET, EasemobApp, EmulatorConfig, RongCloudApp, test_options,
};
pub use emulator::Emulator;
pub use families::messages::SentMessage;
pub use faults::{Fault, FaultKind};
pub use handle::Handle;
pub use hosts::RecordedRequest;
