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

use std::io::Read;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

struct Args {
    base: String,
    user: String,
    password: String,
    concurrency: usize,
    same: bool,
    files: Vec<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        base: "http://127.0.0.1:8080".into(),
        user: "bureau".into(),
        password: String::new(),
        concurrency: 100,
        same: false,
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
    let failed = results.iter().filter(|r| r.0 == 0 || r.0 >= 500).count();
    if failed > 0 {
        eprintln!("load: {failed} uploads failed with 5xx or no response");
        std::process::exit(1);
    }
}
