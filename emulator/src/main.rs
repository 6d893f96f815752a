//! `imcloud-emulator`: run the emulator as a process. Prints one JSON line with its URLs and
//! credentials, then serves until interrupted (or until stdin closes, with --exit-on-stdin-close).

use std::process::ExitCode;

use imcloud_emulator::{EasemobApp, Emulator, EmulatorConfig, RongCloudApp};
use serde_json::json;
use tokio::io::AsyncReadExt;

const USAGE: &str = "usage: imcloud-emulator [options]
  --hosts N                  hosts (ports) serving the APIs, primary first (default 2)
  --ports P1,P2,...          fixed ports for the hosts (default: free ports)
  --admin-port P             port of the admin API (default: a free port)
  --bind ADDR                address to bind (default 127.0.0.1)
  --rongcloud KEY:SECRET     a RongCloud app (repeatable; replaces the default app)
  --easemob ORG#APP:CLIENT_ID:CLIENT_SECRET
                             an Easemob app (repeatable; replaces the default app)
  --agora APP_ID:CERT        accept Agora tokens for the last --easemob app
  --token-ttl SECONDS        lifetime of issued Easemob app tokens (default 7200)
  --exit-on-stdin-close      stop when standard input closes (for test harnesses)";

fn parse(args: &[String]) -> Result<(EmulatorConfig, bool), String> {
    let mut c = EmulatorConfig::default();
    let mut rong = Vec::new();
    let mut ease: Vec<EasemobApp> = Vec::new();
    let mut ttl = None;
    let mut stdin_close = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--hosts" => c.hosts = val()?.parse().map_err(|_| "--hosts takes a number")?,
            "--ports" => {
                c.ports = val()?
                    .split(',')
                    .map(|p| p.trim().parse().map_err(|_| "--ports takes numbers"))
                    .collect::<Result<_, _>>()?
            }
            "--admin-port" => {
                c.admin_port = val()?.parse().map_err(|_| "--admin-port takes a number")?
            }
            "--bind" => c.bind = val()?.parse().map_err(|_| "--bind takes an IP address")?,
            "--rongcloud" => {
                let v = val()?;
                let (k, s) = v.split_once(':').ok_or("--rongcloud takes KEY:SECRET")?;
                rong.push(RongCloudApp {
                    app_key: k.into(),
                    app_secret: s.into(),
                });
            }
            "--easemob" => {
                let v = val()?;
                let parts: Vec<&str> = v.splitn(3, ':').collect();
                if parts.len() != 3 || !parts[0].contains('#') {
                    return Err("--easemob takes ORG#APP:CLIENT_ID:CLIENT_SECRET".into());
                }
                ease.push(EasemobApp {
                    app_key: parts[0].into(),
                    client_id: parts[1].into(),
                    client_secret: parts[2].into(),
                    agora_app_id: None,
                    agora_app_certificate: None,
                    token_ttl: 7200,
                });
            }
            "--agora" => {
                let v = val()?;
                let (id, cert) = v.split_once(':').ok_or("--agora takes APP_ID:CERT")?;
                let last = ease.last_mut().ok_or("--agora follows an --easemob app")?;
                last.agora_app_id = Some(id.into());
                last.agora_app_certificate = Some(cert.into());
            }
            "--token-ttl" => ttl = Some(val()?.parse().map_err(|_| "--token-ttl takes seconds")?),
            "--exit-on-stdin-close" => stdin_close = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !rong.is_empty() {
        c.rongcloud = rong;
    }
    if !ease.is_empty() {
        c.easemob = ease;
    }
    if let Some(t) = ttl {
        for e in &mut c.easemob {
            e.token_ttl = t;
        }
    }
    Ok((c, stdin_close))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, stdin_close) = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("imcloud-emulator: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let emu = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("imcloud-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let c = emu.config();
    println!(
        "{}",
        json!({"hosts": emu.hosts(), "admin": emu.admin_url(), "rongcloud": c.rongcloud, "easemob": c.easemob})
    );
    let stdin_closed = async {
        if stdin_close {
            let mut buf = [0u8; 256];
            let mut stdin = tokio::io::stdin();
            while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
        } else {
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        #[cfg(unix)]
        {
            if let Ok(mut s) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                s.recv().await;
                return;
            }
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
        _ = stdin_closed => {}
    }
    emu.stop();
    ExitCode::SUCCESS
}
