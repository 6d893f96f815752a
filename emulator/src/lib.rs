//! # imcloud-emulator
//!
//! A local server speaking the RongCloud and Easemob / Agora Chat server APIs, for tests — ours
//! and our users'. It serves several hosts (ports) at once so failover can be exercised, checks
//! RongCloud signatures and Easemob / Agora bearer tokens, keeps state in memory, enforces the
//! catalogue's limits with the real error shapes, and injects faults per host.
//!
//! Routes, parameter parsing and limits come from the same catalogue the client uses.
//!
//! Start it from Rust with [`Emulator::start`], or as the `imcloud-emulator` binary (it prints its
//! URLs as one JSON line) and drive it over its admin API (`/_emulator/...`) from any language.

mod server;
pub mod state;

pub use server::{
    DEFAULT_AGORA_APP_CERTIFICATE, DEFAULT_AGORA_APP_ID, DEFAULT_EASEMOB_APP_KEY,
    DEFAULT_EASEMOB_CLIENT_ID, DEFAULT_EASEMOB_CLIENT_SECRET, DEFAULT_RONGCLOUD_APP_KEY,
    DEFAULT_RONGCLOUD_APP_SECRET, EasemobApp, Emulator, EmulatorConfig, Fault, FaultKind,
    RecordedRequest, RongCloudApp, test_options,
};
pub use state::SentMessage;
