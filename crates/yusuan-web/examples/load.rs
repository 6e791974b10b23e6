//! Load on a running `yusuan serve`: N concurrent uploads of corpus documents, released at
//! once; prints throughput, latency percentiles and the statuses. Exit 1 on any 5xx.
//!
//! ```text
//! scripts/load.sh                      # starts a server, runs this, stops the server
//! cargo run --release -p yusuan-web --example load -- \
//!     --base http://127.0.0.1:8080 --user bureau --password … --concurrency 100 ../shared/corpus/*.pdf
//! ```
//!
//! Each upload is made distinct (a comment appended after the file's end, which readers
//! ignore) so that every one is read and audited, not answered from the content-hash store;
//! `--same` sends the files unchanged.
//!
//! `--attackers` runs, during the uploads: 20 clients that trickle headers a byte at a time,
//! 20 that trickle a body, 20 anonymous uploads of 1 MB, and 4 budget sources of about 1.1 MB
//! with 30,000 problems each (POST /api/publish). Their statuses are printed apart; the
//! figures for the uploads are those of the normal clients only.

use std::io::Read;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

struct Args {
    base: String,
    user: String,
    password: String,
    concurrency: usize,
    same: bool,
    attackers: bool,
    files: Vec<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        base: "http://127.0.0.1:8080".into(),
        user: "bureau".into(),
        password: String::new(),
        concurrency: 100,
        same: false,
        attackers: false,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--base" => a.base = value()?,
            "--user" => a.user = value()?,
            "--password" => a.password = value()?,
            "--concurrency" => a.concurrency = value()?.parse().map_err(|e| format!("{e}"))?,
            "--same" => a.same = true,
            "--attackers" => a.attackers = true,
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}")),
            _ => a.files.push(arg),
        }
    }
    if a.files.is_empty() {
        return Err("give corpus files to upload".into());
    }
    Ok(a)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let docs: Vec<(String, Vec<u8>)> = a
        .files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            let name = f.rsplit('/').next().unwrap_or(f).to_string();
            (name, bytes)
        })
        .collect();
    let login = serde_json::json!({"username": a.user, "password": a.password}).to_string();
    let mut r = agent()
        .post(format!("{}/api/session", a.base))
        .header("content-type", "application/json")
        .send(login)
        .expect("sign in");
    let v: serde_json::Value = r.body_mut().read_json().expect("sign-in JSON");
    let token = v["token"]
        .as_str()
        .expect("token (check --user / --password)")
        .to_string();

    let run = format!("{}", std::process::id());
    let barrier = Arc::new(Barrier::new(a.concurrency + 1));
    let threads: Vec<_> = (0..a.concurrency)
        .map(|i| {
            let (name, mut bytes) = docs[i % docs.len()].clone();
            if !a.same {
                bytes.extend_from_slice(format!("\n%yusuan-load {run}-{i}\n").as_bytes());
            }
            let (base, token, barrier) = (a.base.clone(), token.clone(), barrier.clone());
            std::thread::spawn(move || {
                let agent = agent();
                barrier.wait();
                let start = Instant::now();
                let status = match agent
                    .post(format!("{base}/api/documents?filename={name}"))
                    .header("authorization", format!("Bearer {token}"))
                    .send(&bytes[..])
                {
                    Ok(mut r) => {
                        let mut sink = Vec::new();
                        let _ = r.body_mut().as_reader().read_to_end(&mut sink);
                        r.status().as_u16()
                    }
                    Err(_) => 0,
                };
                (status, start.elapsed(), bytes.len())
            })
        })
        .collect();
    let attackers = if a.attackers {
        attack(&a.base, &token)
    } else {
        Vec::new()
    };
    barrier.wait();
    let start = Instant::now();
    let results: Vec<(u16, Duration, usize)> = threads
        .into_iter()
        .map(|t| t.join().expect("client"))
        .collect();
    let wall = start.elapsed();
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.1).collect();
    latencies.sort();
    let mut statuses = std::collections::BTreeMap::new();
    for r in &results {
        *statuses.entry(r.0).or_insert(0) += 1;
    }
    let bytes: usize = results.iter().map(|r| r.2).sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} uploads ({:.1} MB) of {} files, {} at once: {:.2} s, {:.1} uploads/s",
        results.len(),
        bytes as f64 / 1e6,
        docs.len(),
        a.concurrency,
        wall.as_secs_f64(),
        results.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.0}, p90 {:.0}, p99 {:.0}, max {:.0}",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0))
    );
    println!("statuses: {statuses:?} (0 = no response)");
    if !attackers.is_empty() {
        let mut by_kind: std::collections::BTreeMap<(&str, u16), usize> = Default::default();
        for t in attackers {
            let (kind, status) = t.join().expect("attacker");
            *by_kind.entry((kind, status)).or_insert(0) += 1;
        }
        println!("attackers (kind, status): {by_kind:?} (0 = cut off without an answer)");
        if by_kind.keys().any(|(_, s)| *s >= 500) {
            eprintln!("load: an attacker got a 5xx");
            std::process::exit(1);
        }
    }
    let failed = results.iter().filter(|r| r.0 == 0 || r.0 >= 500).count();
    if failed > 0 {
        eprintln!("load: {failed} uploads failed with 5xx or no response");
        std::process::exit(1);
    }
}

type Attacker = std::thread::JoinHandle<(&'static str, u16)>;

/// The attackers, started now; each ends with what the server answered.
fn attack(base: &str, token: &str) -> Vec<Attacker> {
    let addr = base.trim_start_matches("http://").to_string();
    let mut out: Vec<Attacker> = Vec::new();
    // The status of a raw HTTP exchange: what the server sent before closing (0: nothing).
    fn status_of(stream: &mut std::net::TcpStream) -> u16 {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer)
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
    for _ in 0..20 {
        let addr = addr.clone();
        out.push(std::thread::spawn(move || {
            use std::io::Write;
            let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
                return ("slow headers", 0);
            };
            for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
                .iter()
                .chain([b'a'; 10_000].iter())
            {
                if s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            ("slow headers", status_of(&mut s))
        }));
    }
    for _ in 0..20 {
        let (addr, token) = (addr.clone(), token.to_string());
        out.push(std::thread::spawn(move || {
            use std::io::Write;
            let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
                return ("slow body", 0);
            };
            let head = format!(
                "POST /api/documents?filename=slow.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 8000000\r\n\r\n"
            );
            let _ = s.write_all(head.as_bytes());
            for _ in 0..100_000 {
                if s.write_all(&[b'a'; 80]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            ("slow body", status_of(&mut s))
        }));
    }
    for _ in 0..20 {
        let base = base.to_string();
        out.push(std::thread::spawn(move || {
            let status = agent()
                .post(format!("{base}/api/documents?filename=anon.txt"))
                .send(&vec![b'a'; 1 << 20][..])
                .map_or(0, |r| r.status().as_u16());
            ("anonymous upload", status)
        }));
    }
    let mut source = String::from("year = 2025\n\n[unit]\nname = \"压力测试单位\"\n\n");
    for _ in 0..30_000 {
        source.push_str("[[items]]\ncode = \"9999999\"\nbasic = 1.00\n\n");
    }
    for _ in 0..4 {
        let (base, token, source) = (base.to_string(), token.to_string(), source.clone());
        out.push(std::thread::spawn(move || {
            let status = agent()
                .post(format!("{base}/api/publish"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/toml")
                .send(source.as_bytes())
                .map_or(0, |r| r.status().as_u16());
            ("oversized budget source", status)
        }));
    }
    out
}
