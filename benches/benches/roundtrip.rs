//! Whole calls through the client against the emulator on loopback: one at a time (latency) and
//! 64 in flight (throughput on pooled connections). The emulator shares the machine, so these
//! numbers bound the client's overhead from above.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use imcloud::{Easemob, RongCloud};
use imcloud_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt
        .block_on(Emulator::start(EmulatorConfig {
            hosts: 1,
            ..Default::default()
        }))
        .unwrap();
    let rc = RongCloud::new(emu.rongcloud_config()).unwrap();
    let em = Easemob::new(emu.easemob_config()).unwrap();
    rt.block_on(em.call("user.register", json!({"username": "u", "password": "p"})))
        .unwrap();

    c.bench_function("rongcloud user.check_online, sequential", |b| {
        b.to_async(&rt).iter(|| async {
            rc.call("user.check_online", json!({"user_id": "u"}))
                .await
                .unwrap()
        })
    });
    c.bench_function(
        "easemob user.status (bearer token cached), sequential",
        |b| {
            b.to_async(&rt).iter(|| async {
                em.call("user.status", json!({"username": "u"}))
                    .await
                    .unwrap()
            })
        },
    );
    let mut g = c.benchmark_group("64 concurrent calls");
    g.throughput(Throughput::Elements(64));
    g.bench_function("rongcloud user.check_online", |b| {
        b.to_async(&rt).iter(|| async {
            let calls =
                (0..64).map(|i| rc.call("user.check_online", json!({"user_id": format!("u{i}")})));
            for r in futures_util::future::join_all(calls).await {
                r.unwrap();
            }
        })
    });
    g.finish();
    drop(emu);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
