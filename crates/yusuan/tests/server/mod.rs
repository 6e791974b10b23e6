//! A real `yusuan serve` process for the tests that need one (sockets, kill -9, a browser).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_yusuan");

/// The shared corpus, or `None` outside CI when it is not beside the repository.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing",
            p.display()
        );
        None
    }
}

/// Add a user to the database with `yusuan user add`.
pub fn add_user(db: &str, name: &str, password: &str, role: &str, units: &[&str]) {
    let mut cmd = Command::new(BIN);
    cmd.args(["user", "add", name, "--role", role, "--database", db]);
    for u in units {
        cmd.args(["--unit", u]);
    }
    let out = cmd
        .env("YUSUAN_PASSWORD", password)
        .output()
        .expect("yusuan user add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Start `yusuan serve` on a free port and wait until it listens.
    pub fn start(db: &str) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--database", db, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("yusuan serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("banner");
        let base = line
            .split("http://")
            .nth(1)
            .map(|s| format!("http://{}", s.trim().trim_end_matches('/')))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, base }
    }

    /// Kill -9: no chance to flush anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// Status and body of a response.
pub fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Vec<u8>) {
    let mut r = r.expect("request");
    let status = r.status().as_u16();
    let mut body = Vec::new();
    let _ = r.body_mut().as_reader().read_to_end(&mut body);
    (status, body)
}

pub fn sign_in(agent: &ureq::Agent, base: &str, user: &str, password: &str) -> String {
    let (status, body) = reply(
        agent
            .post(format!("{base}/api/session"))
            .header("content-type", "application/json")
            .send(format!(
                r#"{{"username":"{user}","password":"{password}"}}"#
            )),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    v["token"].as_str().expect("token").to_string()
}

pub fn upload(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    name: &str,
    bytes: &[u8],
) -> (u16, Vec<u8>) {
    reply(
        agent
            .post(format!("{base}/api/documents?filename={name}"))
            .header("authorization", format!("Bearer {token}"))
            .send(bytes),
    )
}

pub fn db_path(dir: &Path) -> String {
    dir.join("yusuan.sqlite3").display().to_string()
}
