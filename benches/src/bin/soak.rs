//! A bounded soak against the emulator (in-process, loopback): many calls of mixed operations
//! while faults are flipped on and off the emulator's hosts and some calls are cancelled
//! (their future dropped). Counts outcomes by error kind, duplicates and lost messages,
//! latency percentiles and RSS at start/middle/end. A benchmark with a written report
//! (benches/REPORT.md, "Soak"), not a timed test.
//!
//! cargo run --release -p imcloud-benches --bin soak -- [--calls N] [--secs S] [--concurrency C]
//!     [--seed X] [--think-ms T]   (each worker waits 0..T ms between calls)

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use imcloud::{Easemob, Error, ErrorKind, RongCloud};
use imcloud_emulator::{Emulator, EmulatorConfig, Fault, FaultKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

struct Args {
    calls: usize,
    secs: u64,
    concurrency: usize,
    seed: u64,
    think_ms: u64,
}

fn args() -> Args {
    let mut a = Args {
        calls: 30_000,
        secs: 300,
        concurrency: 32,
        seed: 6,
        think_ms: 40,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < v.len() {
        let n: u64 = v[i + 1].parse().expect("a number");
        match v[i].as_str() {
            "--calls" => a.calls = n as usize,
            "--secs" => a.secs = n,
            "--concurrency" => a.concurrency = n as usize,
            "--seed" => a.seed = n,
            "--think-ms" => a.think_ms = n,
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    a
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The kinds of call the soak makes. Sends are not idempotent: each carries a unique marker so
/// the emulator's message log tells how many times it was processed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    RcSend,
    RcCheckOnline,
    RcRefresh,
    EmSend,
    EmStatus,
    EmGet,
}

/// What became of one call.
enum Fate {
    Ok,
    Err(Error),
    Cancelled,
}

struct Record {
    op: Op,
    marker: Option<u64>,
    fate: Fate,
    micros: u64,
}

/// Errors that say the call was certainly not processed: seeing its message in the log would
/// mean a mislabelled failure.
fn says_not_processed(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Connect | ErrorKind::RateLimited | ErrorKind::InvalidArgument
    ) || (e.kind() == ErrorKind::Server && !e.detail().contains("may have been processed"))
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let emu = Arc::new(Emulator::start(EmulatorConfig::default()).await.unwrap());
    let mut rc_cfg = emu.rongcloud_config();
    let mut em_cfg = emu.easemob_config();
    for o in [&mut rc_cfg.options, &mut em_cfg.options] {
        o.request_timeout = Duration::from_millis(500);
        o.connect_timeout = Duration::from_millis(300);
        o.failover.cooldown = Duration::from_millis(200);
        o.failover.max_cooldown = Duration::from_secs(2);
        o.retry.max_retry_after = Duration::from_millis(200);
    }
    let rc = Arc::new(RongCloud::new(rc_cfg).unwrap());
    let em = Arc::new(Easemob::new(em_cfg).unwrap());
    for i in 0..20 {
        em.call(
            "user.register",
            json!({"username": format!("u{i}"), "password": "p"}),
        )
        .await
        .unwrap();
        rc.call(
            "user.register",
            json!({"user_id": format!("u{i}"), "name": "n"}),
        )
        .await
        .unwrap();
    }
    emu.clear_requests();
    let rss_start = rss_kib();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.secs);

    // Faults: every 100-400 ms one host gets a random fault for 50-600 ms (sometimes both hosts).
    let stop = Arc::new(AtomicBool::new(false));
    let fault_log: Arc<Mutex<BTreeMap<&'static str, usize>>> = Default::default();
    let flipper = {
        let (emu, stop, fault_log) = (emu.clone(), stop.clone(), fault_log.clone());
        let seed = a.seed;
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed);
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(rng.random_range(100..400))).await;
                let hosts: Vec<usize> = if rng.random_bool(0.15) {
                    vec![0, 1]
                } else {
                    vec![rng.random_range(0..2)]
                };
                let (name, kind) = match rng.random_range(0..6) {
                    0 => ("refuse", FaultKind::Refuse),
                    1 => ("hang", FaultKind::Hang),
                    2 => ("status 503", FaultKind::Status { status: 503 }),
                    3 => (
                        "rate_limit",
                        FaultKind::RateLimit {
                            retry_after: Some(0.05),
                        },
                    ),
                    4 => ("reset", FaultKind::Reset),
                    _ => ("truncate", FaultKind::Truncate),
                };
                *fault_log.lock().unwrap().entry(name).or_default() += hosts.len();
                for &h in &hosts {
                    let f = if rng.random_bool(0.5) {
                        Fault::always(kind.clone())
                    } else {
                        Fault::times(kind.clone(), rng.random_range(1..20))
                    };
                    emu.set_fault(h, f).await;
                }
                tokio::time::sleep(Duration::from_millis(rng.random_range(50..600))).await;
                emu.clear_faults(None).await;
            }
            emu.clear_faults(None).await;
        })
    };

    let next = Arc::new(AtomicUsize::new(0));
    let records: Arc<Mutex<Vec<Record>>> = Arc::new(Mutex::new(Vec::with_capacity(a.calls)));
    let rss_mid = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for w in 0..a.concurrency {
        let (rc, em, next, records, emu, rss_mid) = (
            rc.clone(),
            em.clone(),
            next.clone(),
            records.clone(),
            emu.clone(),
            rss_mid.clone(),
        );
        let (calls, seed, think) = (a.calls, a.seed, a.think_ms.max(1));
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed ^ (w as u64 + 1).wrapping_mul(0x9e37_79b9));
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= calls || Instant::now() >= deadline {
                    break;
                }
                // Think time between a worker's calls, so that the run spans many fault flips.
                tokio::time::sleep(Duration::from_millis(rng.random_range(0..think))).await;
                if n == calls / 2 {
                    rss_mid.store(rss_kib() as usize, Ordering::Relaxed);
                }
                if n % 1000 == 999 {
                    // The emulator keeps every request it received; drop that log so its growth
                    // does not hide (or fake) the client's.
                    emu.clear_requests();
                }
                let op = match rng.random_range(0..10) {
                    0..=1 => Op::RcSend,
                    2 => Op::RcCheckOnline,
                    3 => Op::RcRefresh,
                    4..=5 => Op::EmSend,
                    6..=7 => Op::EmStatus,
                    _ => Op::EmGet,
                };
                let user = format!("u{}", rng.random_range(0..20));
                let marker = matches!(op, Op::RcSend | Op::EmSend).then_some(n as u64);
                let text = format!("soak-{n}-end");
                let call = async {
                    match op {
                        Op::RcSend => rc
                            .call(
                                "message.private.publish",
                                json!({"from_user_id": "u0", "to_user_ids": [user],
                                       "object_name": "RC:TxtMsg", "content": {"content": text}}),
                            )
                            .await
                            .map(drop),
                        Op::RcCheckOnline => rc
                            .call("user.check_online", json!({"user_id": user}))
                            .await
                            .map(drop),
                        Op::RcRefresh => rc
                            .call("user.refresh", json!({"user_id": user, "name": "m"}))
                            .await
                            .map(drop),
                        Op::EmSend => em
                            .call(
                                "message.send_text",
                                json!({"target_type": "users", "from": "u0", "to": [user], "msg": text}),
                            )
                            .await
                            .map(drop),
                        Op::EmStatus => em
                            .call("user.status", json!({"username": user}))
                            .await
                            .map(drop),
                        Op::EmGet => em
                            .call("user.get", json!({"username": user}))
                            .await
                            .map(drop),
                    }
                };
                let t0 = Instant::now();
                // One call in 20 is cancelled after 1-300 ms (its future dropped).
                let fate = if rng.random_bool(0.05) {
                    let limit = Duration::from_millis(rng.random_range(1..300));
                    match tokio::time::timeout(limit, call).await {
                        Ok(Ok(())) => Fate::Ok,
                        Ok(Err(e)) => Fate::Err(e),
                        Err(_) => Fate::Cancelled,
                    }
                } else {
                    match call.await {
                        Ok(()) => Fate::Ok,
                        Err(e) => Fate::Err(e),
                    }
                };
                let micros = t0.elapsed().as_micros() as u64;
                records.lock().unwrap().push(Record {
                    op,
                    marker,
                    fate,
                    micros,
                });
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    flipper.await.unwrap();
    // Let calls the emulator is still finishing (hung then released) settle.
    tokio::time::sleep(Duration::from_millis(700)).await;
    emu.clear_requests();
    let rss_end = rss_kib();

    // How many times the emulator processed each marked send.
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let msgs = emu.sent_messages();
    for m in &msgs {
        let s = m.body.to_string();
        if let Some(i) = s.find("soak-") {
            let digits: String = s[i + 5..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(k) = digits.parse() {
                *seen.entry(k).or_default() += 1;
            }
        }
    }

    let records = records.lock().unwrap();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_op: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let (mut ok, mut failed, mut cancelled) = (0, 0, 0);
    let (mut dup, mut lost, mut mislabelled, mut failed_processed, mut cancelled_processed) =
        (0, 0, 0, 0, 0);
    let mut sends = 0;
    let mut lat_all = Vec::new();
    let mut lat_ok = Vec::new();
    let mut examples = Vec::new();
    for r in records.iter() {
        let slot = by_op.entry(format!("{:?}", r.op)).or_default();
        match &r.fate {
            Fate::Ok => {
                ok += 1;
                slot[0] += 1;
                lat_ok.push(r.micros);
                lat_all.push(r.micros);
            }
            Fate::Err(e) => {
                failed += 1;
                slot[1] += 1;
                *by_kind.entry(e.kind().as_str().to_string()).or_default() += 1;
                lat_all.push(r.micros);
            }
            Fate::Cancelled => {
                cancelled += 1;
                slot[2] += 1;
            }
        }
        let Some(m) = r.marker else { continue };
        sends += 1;
        let c = seen.get(&m).copied().unwrap_or(0);
        if c > 1 {
            dup += 1;
        }
        match (&r.fate, c) {
            (Fate::Ok, 0) => lost += 1,
            (Fate::Err(e), 1) => {
                failed_processed += 1;
                if says_not_processed(e) {
                    mislabelled += 1;
                    if examples.len() < 5 {
                        examples.push(format!("{:?} #{m}: {} ({})", r.op, e.kind(), e.detail()));
                    }
                }
            }
            (Fate::Cancelled, 1) => cancelled_processed += 1,
            _ => {}
        }
    }
    lat_all.sort_unstable();
    lat_ok.sort_unstable();
    let ms = |u: u64| format!("{:.2} ms", u as f64 / 1000.0);

    println!(
        "soak: {} calls in {:.1}s (limits: {} calls, {} s), concurrency {}, think 0..{} ms, seed {}",
        records.len(),
        elapsed.as_secs_f64(),
        a.calls,
        a.secs,
        a.concurrency,
        a.think_ms,
        a.seed
    );
    println!(
        "faults flipped (host-faults): {:?}",
        fault_log.lock().unwrap()
    );
    println!("outcomes: ok {ok}, failed {failed}, cancelled {cancelled}");
    println!("failed by kind: {by_kind:?}");
    println!("by operation [ok, failed, cancelled]: {by_op:?}");
    println!(
        "non-idempotent sends: {sends}; messages in the emulator: {}; duplicates {dup}; lost (Ok but not delivered) {lost}",
        msgs.len()
    );
    println!(
        "failed sends that were processed: {failed_processed} (of which labelled as surely-not-processed: {mislabelled}); cancelled sends processed: {cancelled_processed}"
    );
    for e in &examples {
        println!("  mislabelled: {e}");
    }
    println!(
        "latency all completed: p50 {} p99 {} max {}; ok only: p50 {} p99 {}",
        ms(pct(&lat_all, 0.5)),
        ms(pct(&lat_all, 0.99)),
        ms(*lat_all.last().unwrap_or(&0)),
        ms(pct(&lat_ok, 0.5)),
        ms(pct(&lat_ok, 0.99))
    );
    println!(
        "RSS: start {} KiB, middle {} KiB, end {} KiB (emulator in the same process; its message log holds {} messages)",
        rss_start,
        rss_mid.load(Ordering::Relaxed),
        rss_end,
        msgs.len()
    );
    let bad = dup + lost + mislabelled;
    if bad > 0 {
        println!("SOAK FOUND {bad} problem(s)");
        std::process::exit(1);
    }
}
