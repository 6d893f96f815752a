//! The peer benchmark's Rust side (issue 11; driven by `benches/peers/run.sh`, not a test):
//!
//! * `peers server` — one fixed-answer HTTP/1.1 server on 127.0.0.1 (keep-alive, no signature
//!   checks): `/user/getToken.json` answers `{"code":200,"userId":"u1","token":"t"}`, an Easemob
//!   `…/token` a fixed app token, an Easemob `…/users…` a fixed user entity, anything else
//!   `{"code":200}`; `/__peers/stats` the number of connections accepted. Prints `PORT <n>` and
//!   serves until killed.
//! * `peers raw URL C SECS WARMUP` — a raw keep-alive load generator: C connections, each writing
//!   one fixed getToken request and reading the answer, again and again (what a perfect client
//!   would cost).
//! * `peers rust URL C SECS WARMUP` — imcloud's Rust client (`user.register` = getToken), C calls
//!   in flight on one client (default options but plain http); `rust-pool64` the same with
//!   `pool_max_idle_per_host = 64` (the default was 32 until the run in REPORT.md showed the churn; it is 256 now).
//!
//! Each client prints one JSON line (see `benches/peers/report.py`): calls in the measured window,
//! calls/s, p50/p99 latency, process CPU time per call, peak RSS.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use imcloud::{RongCloud, RongCloudConfig};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match args.first().map(String::as_str) {
        Some("server") => rt.block_on(server()),
        Some(kind @ ("raw" | "rust" | "rust-pool64")) if args.len() == 5 => {
            let url = args[1].clone();
            let c: usize = args[2].parse().expect("concurrency");
            let secs: f64 = args[3].parse().expect("seconds");
            let warmup: f64 = args[4].parse().expect("warm-up seconds");
            let line = rt.block_on(run(kind, url, c, secs, warmup));
            println!("{line}");
        }
        _ => {
            eprintln!(
                "usage: peers server | peers (raw|rust|rust-pool64) URL CONCURRENCY SECS WARMUP_SECS"
            );
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// the fixed-answer server

const RC_TOKEN: &str = r#"{"code":200,"userId":"u1","token":"t"}"#;
const EM_TOKEN: &str = r#"{"access_token":"YWMtfixed","expires_in":5184000,"application":"a1b2"}"#;
const EM_USER: &str = r#"{"action":"get","path":"/users","uri":"http://127.0.0.1/org/app/users/u1","entities":[{"uuid":"a1b2","type":"user","created":1700000000000,"modified":1700000000000,"username":"u1","activated":true}],"timestamp":1700000000000,"duration":0,"count":1,"organization":"org","applicationName":"app"}"#;
const OK: &str = r#"{"code":200}"#;

/// Connections accepted so far: `GET /__peers/stats` answers `{"accepted":N}` (run.sh reads it
/// around each client run, to see how many connections a client opened).
static ACCEPTED: AtomicU64 = AtomicU64::new(0);

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let path = req.uri().path();
    if path == "/__peers/stats" {
        let stats = format!(r#"{{"accepted":{}}}"#, ACCEPTED.load(Ordering::Relaxed));
        return Ok(Response::new(Full::new(Bytes::from(stats))));
    }
    let body = if path == "/user/getToken.json" {
        RC_TOKEN
    } else if path.ends_with("/token") {
        EM_TOKEN
    } else if path.contains("/users") {
        EM_USER
    } else {
        OK
    };
    // the request body is not read: hyper drains a small one before the next request
    Ok(Response::builder()
        .header("content-type", "application/json;charset=UTF-8")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("static response"))
}

async fn server() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("PORT {}", listener.local_addr().expect("addr").port());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        ACCEPTED.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), hyper::service::service_fn(answer))
                .await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// the clients

/// User + system CPU time of this process, in microseconds (/proc/self/stat, clock ticks of 10 ms).
fn cpu_us() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which ends at the last ')'): utime is the 12th, stime the 13th
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10_000.0
}

/// Peak resident set size (VmHWM) in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[derive(Clone)]
enum Caller {
    Raw(String),
    Rust(RongCloud),
}

struct Window {
    start: Instant,
    end: Instant,
    stop: AtomicBool,
}

async fn run(kind: &str, url: String, c: usize, secs: f64, warmup: f64) -> String {
    let caller = match kind {
        "raw" => Caller::Raw(url.trim_start_matches("http://").to_string()),
        _ => {
            let mut config = RongCloudConfig::with_hosts("bench-key", "bench-secret", vec![url]);
            config.options.allow_insecure_http = true;
            if kind == "rust-pool64" {
                // the issue's first suspect: the default pool keeps 32 idle connections per host
                config.options.pool_max_idle_per_host = 64;
            }
            Caller::Rust(RongCloud::new(config).expect("client"))
        }
    };
    let now = Instant::now();
    let start = now + Duration::from_secs_f64(warmup);
    let w = Arc::new(Window {
        start,
        end: start + Duration::from_secs_f64(secs),
        stop: AtomicBool::new(false),
    });
    let workers: Vec<_> = (0..c)
        .map(|_| tokio::spawn(worker(caller.clone(), w.clone())))
        .collect();
    tokio::time::sleep_until(w.start.into()).await;
    let cpu0 = cpu_us();
    tokio::time::sleep_until(w.end.into()).await;
    let cpu1 = cpu_us();
    w.stop.store(true, Ordering::Relaxed);
    let mut lat: Vec<u32> = Vec::new();
    let mut errors = 0u64;
    for h in workers {
        let (l, e) = h.await.expect("worker");
        lat.extend(l);
        errors += e;
    }
    lat.sort_unstable();
    let pct = |p: f64| {
        if lat.is_empty() {
            0
        } else {
            lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)]
        }
    };
    let calls = lat.len() as f64;
    json!({
        "client": kind, "concurrency": c, "secs": secs, "calls": lat.len(), "errors": errors,
        "calls_per_s": calls / secs, "p50_us": pct(0.50), "p99_us": pct(0.99),
        "cpu_us_per_call": if calls > 0.0 { (cpu1 - cpu0) / calls } else { 0.0 },
        "peak_rss_kib": peak_rss_kib(),
    })
    .to_string()
}

/// Calls until the window ends; returns the latencies (µs) of the calls made inside it, and errors.
async fn worker(caller: Caller, w: Arc<Window>) -> (Vec<u32>, u64) {
    let mut lat = Vec::new();
    let mut errors = 0;
    let mut raw = match &caller {
        Caller::Raw(addr) => Some(RawConn::connect(addr).await),
        Caller::Rust(_) => None,
    };
    while !w.stop.load(Ordering::Relaxed) {
        let t0 = Instant::now();
        if t0 >= w.end {
            break;
        }
        let ok = match (&caller, raw.as_mut()) {
            (Caller::Raw(_), Some(conn)) => conn.call().await,
            (Caller::Rust(rc), _) => rc
                .call("user.register", json!({"user_id": "u1", "name": "n"}))
                .await
                .is_ok(),
            _ => false,
        };
        let t1 = Instant::now();
        if t0 >= w.start && t1 <= w.end {
            if ok {
                lat.push((t1 - t0).as_micros() as u32);
            } else {
                errors += 1;
            }
        }
    }
    (lat, errors)
}

/// One keep-alive connection sending a fixed request (the same size as a signed getToken).
struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
}

const RAW_BODY: &str = "userId=u1&name=n";

impl RawConn {
    async fn connect(addr: &str) -> RawConn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        RawConn {
            stream,
            buf: Vec::with_capacity(4096),
        }
    }

    async fn call(&mut self) -> bool {
        let req = format!(
            "POST /user/getToken.json HTTP/1.1\r\nhost: 127.0.0.1\r\napp-key: bench-key\r\n\
             nonce: 1234567890\r\ntimestamp: 1700000000000\r\n\
             signature: 0123456789abcdef0123456789abcdef01234567\r\n\
             content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n{}",
            RAW_BODY.len(),
            RAW_BODY
        );
        if self.stream.write_all(req.as_bytes()).await.is_err() {
            return false;
        }
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(h) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..h]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if self.buf.len() >= h + 4 + len {
                    return head.starts_with("http/1.1 200");
                }
            }
            match self.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
