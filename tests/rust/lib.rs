//! Helpers shared by the Rust conformance suites.

use imcloud_emulator::{Emulator, EmulatorConfig};

/// Start an emulator with the default apps and `hosts` hosts.
pub async fn emulator(hosts: usize) -> Emulator {
    Emulator::start(EmulatorConfig {
        hosts,
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Requests of `host` that matched `operation`.
pub fn count_op(emu: &Emulator, host: usize, operation: &str) -> usize {
    emu.requests(host)
        .iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .count()
}

/// Sample arguments for any declared operation (shared with the core's catalogue tests).
#[path = "../../core/tests/support/sample.rs"]
pub mod sample;
