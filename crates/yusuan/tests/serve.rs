//! `yusuan serve` as a process: the API says what `yusuan check --format json` says, and a
//! server killed in the middle of uploads loses nothing it acknowledged.

mod server;

use serde_json::Value;
use server::*;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn check_json(path: &std::path::Path) -> Value {
    let out = Command::new(BIN)
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("yusuan check");
    serde_json::from_slice(&out.stdout).expect("check prints JSON")
}

#[test]
fn api_findings_are_those_of_check_json() {
    let files = [
        "chongqing-dadukou-govoffice-2025-budget.txt",
        "shanghai-putuo-wanli-street-2024-dept-budget.pdf",
        "shanghai-putuo-govoffice-2025-unit-budget.pdf",
    ];
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    add_user(&db, "bureau", "bureau-pass", "bureau", &[]);
    let s = Server::start(&db);
    let agent = agent();
    let token = sign_in(&agent, &s.base, "bureau", "bureau-pass");
    for f in files {
        let Some(path) = corpus(f) else { return };
        let cli = check_json(&path);
        let (status, body) = upload(&agent, &s.base, &token, f, &std::fs::read(&path).unwrap());
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
        let api: Value = serde_json::from_slice(&body).unwrap();
        let report = &api["report"];
        if f.starts_with("chongqing") {
            // Findings to compare: 5 errors and 10 warnings in this one.
            assert_eq!(cli["summary"]["errors"], 5);
        }
        assert_eq!(report["findings"], cli["findings"], "{f}");
        assert_eq!(report["summary"], cli["summary"], "{f}");
        for key in ["profile", "unit", "year"] {
            assert_eq!(report[key], cli[key], "{f}: {key}");
        }
    }
}

#[test]
fn killed_mid_upload_loses_nothing_acknowledged() {
    let Some(cq) = corpus("chongqing-dadukou-govoffice-2025-budget.txt") else {
        return;
    };
    let cq = std::fs::read_to_string(cq).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    add_user(&db, "bureau", "bureau-pass", "bureau", &[]);
    let mut s = Server::start(&db);
    let base = s.base.clone();
    let token = sign_in(&agent(), &base, "bureau", "bureau-pass");

    // Four clients upload distinct documents until the server dies under them.
    let acked: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let (acked, count, stop) = (acked.clone(), count.clone(), stop.clone());
            let (base, token, cq) = (base.clone(), token.clone(), cq.clone());
            std::thread::spawn(move || {
                let agent = agent();
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let doc = format!("{cq}\n附：第 {t}-{i} 份\n");
                    match agent
                        .post(format!("{base}/api/documents?filename=d{t}-{i}.txt"))
                        .header("authorization", format!("Bearer {token}"))
                        .send(doc.as_bytes())
                    {
                        Ok(mut r) if r.status().as_u16() == 201 => {
                            let v: Value = r.body_mut().read_json().expect("acknowledged JSON");
                            let hash = v["hash"].as_str().unwrap().to_string();
                            acked.lock().unwrap().push((hash, v["report"].clone()));
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        // The server was killed: the upload was not acknowledged.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    while count.load(Ordering::Relaxed) < 12 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Kill while uploads are in flight.
    std::thread::sleep(Duration::from_millis(37));
    s.kill();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("worker");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 12,
        "only {} uploads acknowledged",
        acked.len()
    );

    // After a restart every acknowledged upload is there, with the reading it was acknowledged with.
    let s = Server::start(&db);
    let agent = agent();
    let token = sign_in(&agent, &s.base, "bureau", "bureau-pass");
    for (hash, report) in &acked {
        let (status, body) = reply(
            agent
                .get(format!("{}/api/documents/{hash}", s.base))
                .header("authorization", format!("Bearer {token}"))
                .call(),
        );
        assert_eq!(status, 200, "acknowledged {hash} lost");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(&v["report"], report);
    }
    drop(s);
    // Nothing stored is corrupt: SQLite's integrity check and every document against its hash.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let problems = rt.block_on(async {
        let store = yusuan_store::Store::open(&db).await.expect("reopen");
        store.verify().await.expect("verify")
    });
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn serve_refuses_a_bad_database_with_exit_2() {
    let out = Command::new(BIN)
        .args([
            "serve",
            "--database",
            "mysql://nowhere/db",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不支持的数据库地址"));
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "x",
            "--role",
            "bureau",
            "--database",
            "/nonexistent/dir/y.db",
        ])
        .env("YUSUAN_PASSWORD", "long-enough")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "x",
            "--role",
            "bureau",
            "--database",
            &db_path(dir.path()),
        ])
        .env("YUSUAN_PASSWORD", "short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("至少 8 个字符"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let mut s = Server::start(&db);
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}
