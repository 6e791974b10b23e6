//! The web workspace in a real browser: headless Chromium (Debian's chromium and
//! chromium-driver), driven over the WebDriver protocol. Sign in, upload the Chongqing
//! document, see its findings with the source highlighted, open the unit's page, publish the
//! example budget and download the PDF; make the Chongqing document public (its errors named
//! on a confirmation page first) and see it as the public does: the document itself.
//!
//! Skipped where chromedriver is not installed, except in CI (`CI=true`), where it must be.

mod server;

use serde_json::{json, Value};
use server::*;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Driver {
    fn start(downloads: &Path) -> Option<Driver> {
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        let Some(driver) = driver else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "chromedriver is not installed (apt install chromium chromium-driver)"
            );
            eprintln!("skipping: no chromedriver");
            return None;
        };
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent = agent();
        let start = Instant::now();
        while reply(agent.get(format!("{base}/status")).call_safe()).0 != 200 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1400,1000"],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false
                }
            }
        }}});
        let (status, body) = reply(agent.post(format!("{base}/session")).send_json(&caps));
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(status, 200, "new session: {v}");
        let session = v["value"]["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        let d = Driver {
            child,
            base,
            session,
            agent,
        };
        // Headless Chromium saves downloads only when told where.
        d.cmd(
            "POST",
            "chromium/send_command",
            json!({"cmd": "Page.setDownloadBehavior",
                   "params": {"behavior": "allow", "downloadPath": downloads.display().to_string()}}),
        );
        Some(d)
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            _ => self.agent.post(&url).send_json(&body),
        };
        let (status, bytes) = reply(r);
        let v: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "url", json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "element",
            json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd(
            "POST",
            &format!("element/{e}/value"),
            json!({ "text": text }),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("element/{e}/click"), json!({}));
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    fn url(&self) -> String {
        self.cmd("GET", "url", Value::Null)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Wait (up to 30 s) until the page satisfies `ok`: a click that submits a form returns
    /// before the next page has loaded.
    fn wait(&self, what: &str, ok: impl Fn(&Driver) -> bool) {
        let start = Instant::now();
        while !ok(self) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; at {}: {}",
                self.url(),
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, needle: &str) {
        self.wait(needle, |b| b.text().contains(needle));
    }

    fn text(&self) -> String {
        self.js("return document.body.innerText;")
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

trait CallSafe {
    fn call_safe(self) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>;
}

impl CallSafe for ureq::RequestBuilder<ureq::typestate::WithoutBody> {
    fn call_safe(self) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        match self.call() {
            Ok(r) => Ok(r),
            // Not listening yet: report as a non-200 status.
            Err(_) => Ok(ureq::http::Response::builder()
                .status(503)
                .body(ureq::Body::builder().data(Vec::<u8>::new()))
                .expect("response")),
        }
    }
}

fn wait_for_file(dir: &Path, ext: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        let found = std::fs::read_dir(dir).ok().and_then(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|e| e == ext))
        });
        if let Some(p) = found {
            return p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no .{ext} downloaded into {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sign_in_upload_review_compare_publish_download() {
    let Some(cq) = corpus("chongqing-dadukou-govoffice-2025-budget.txt") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let Some(b) = Driver::start(&downloads) else {
        return;
    };
    let db = db_path(dir.path());
    add_user(&db, "caizhengju", "bureau-pass", "bureau", &[]);
    let s = Server::start(&db);

    // Sign in.
    b.go(&format!("{}/login", s.base));
    b.type_in("input[name=username]", "caizhengju");
    b.type_in("input[name=password]", "bureau-pass");
    b.click("form[action='/login'] button");
    b.wait_text("caizhengju（财政局）");

    // Upload the Chongqing document.
    b.click("a[href='/upload']");
    b.type_in(
        "input[type=file]",
        &cq.canonicalize().unwrap().display().to_string(),
    );
    b.click("form[action='/upload'] button");
    b.wait("the report page", |b| b.url().contains("/documents/"));
    b.wait_text("错误（5）");
    let report = b.url();
    assert!(b.text().contains("警告（10）"));

    // Follow a finding to its source line: highlighted, and the target of the link.
    b.click("a.loc[href='#L51']");
    b.wait("the link's target", |b| b.url().ends_with("#L51"));
    let target = b.js("const t = document.querySelector(':target'); \
         return t ? [t.id, t.className, getComputedStyle(t).backgroundColor] : null;");
    assert_eq!(target[0], "L51");
    assert!(target[1].as_str().unwrap().contains("hl-error"), "{target}");
    assert_ne!(target[2], "rgba(0, 0, 0, 0)", "the line is highlighted");
    let line = b.js("return document.getElementById('L51').innerText;");
    assert!(line.as_str().unwrap().contains("1457.83"), "{line}");

    // The unit's page: its documents, the comparison and the charts.
    b.click("a[href^='/units/']");
    b.wait_text("支出总额");
    assert!(b.text().contains("重庆市大渡口区人民政府办公室"));
    assert!(
        b.js("return document.querySelectorAll('svg.chart').length;")
            .as_u64()
            >= Some(3)
    );

    // Publish the example budget, preview it, download the PDF.
    b.click("a[href='/publish']");
    b.wait("the publish form", |b| b.url().ends_with("/publish"));
    let source = b.js("return document.querySelector('textarea').value;");
    assert!(
        source.as_str().unwrap().contains("[unit]"),
        "the example is the starting point"
    );
    b.click("#preview");
    b.wait("the preview", |b| b.url().contains("/publish/"));
    b.wait_text("错误 0");
    assert!(b.text().contains("警告 0"));
    assert_eq!(
        b.js("return document.querySelector('iframe.preview') !== null;"),
        json!(true)
    );
    b.click("a[href$='document.pdf']");
    let pdf = wait_for_file(&downloads, "pdf");
    // Wait until Chromium has finished writing it.
    let start = Instant::now();
    let bytes = loop {
        let bytes = std::fs::read(&pdf).unwrap_or_default();
        if bytes.ends_with(b"%%EOF\n")
            || bytes.ends_with(b"%%EOF")
            || start.elapsed() > Duration::from_secs(30)
        {
            break bytes;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(bytes.starts_with(b"%PDF-"), "{}", pdf.display());
    assert!(bytes.len() > 10_000);

    // Make the Chongqing document public: it has errors, so the button leads to a page that
    // names them, and only its confirmation publishes.
    b.go(&report);
    b.wait_text("该文档有 5 个错误，公开前需确认");
    b.click("form.publish button");
    b.wait_text("确认公开（含 5 个错误）");
    let named =
        b.js("return [...document.querySelectorAll('ol.errors li')].map(e => e.innerText);");
    let named = named.as_array().expect("the errors listed");
    assert_eq!(named.len(), 5, "{named:?}");
    assert!(
        named.iter().all(|m| !m.as_str().unwrap_or("").is_empty()),
        "{named:?}"
    );
    assert!(b.text().contains("该文档有 5 个错误"));
    b.click("#confirm-publish");
    b.wait_text("确认文档有 5 个错误后设为公开");
    assert!(b
        .text()
        .contains("caizhengju 确认文档有 5 个错误后设为公开"));

    // The public (signed out) sees the document itself with its audit summary, not the audit.
    b.click("form[action='/logout'] button");
    b.wait_text("登录");
    b.go(&report);
    b.wait_text("审核摘要");
    let text = b.text();
    assert!(
        text.contains("错误 5") && text.contains("下载原文件"),
        "{text}"
    );
    assert!(
        !text.contains("审核发现") && !text.contains("有错误"),
        "{text}"
    );
    b.wait("the document in its frame", |b| {
        b.js("const f = document.querySelector('iframe.document'); \
              return !!(f && f.contentDocument && f.contentDocument.querySelector('table'));")
            == json!(true)
    });
    let shown =
        b.js("return document.querySelector('iframe.document').contentDocument.body.innerText;");
    assert!(
        shown
            .as_str()
            .unwrap_or("")
            .contains("重庆市大渡口区人民政府办公室"),
        "{shown}"
    );
}
