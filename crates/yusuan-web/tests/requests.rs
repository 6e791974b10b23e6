//! Property test over requests (issue 14): thousands of generated requests against the whole
//! router in process — every route with odd methods, path parameters, query strings, headers,
//! credentials and bodies — must each get an answer that is not a server error, carries the
//! security headers, and comes back quickly. A handler that panics fails the test.
//!
//! The generator is a seeded xorshift, so a failure names the seed and the request number and
//! reproduces: `REQUESTS_SEED=N REQUESTS=K cargo test -p yusuan-web --test requests`.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use std::time::{Duration, Instant};
use tower::ServiceExt;
use yusuan_store::{password, Role, Store};
use yusuan_web::{app, AppState, Config};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, in_100: usize) -> bool {
        self.below(100) < in_100
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The router's paths, with `{p}` where a parameter goes, and the methods each serves.
const ROUTES: &[(&str, &str)] = &[
    ("/", "GET"),
    ("/login", "GET POST"),
    ("/logout", "POST"),
    ("/upload", "GET POST"),
    ("/documents/{p}", "GET"),
    ("/documents/{p}/file", "GET"),
    ("/documents/{p}/published", "POST"),
    ("/documents/{p}/document.html", "GET"),
    ("/units/{p}", "GET"),
    ("/units/{p}/merge", "POST"),
    ("/publish", "GET POST"),
    ("/publish/import", "POST"),
    ("/publish/{p}", "GET"),
    ("/publish/{p}/{p}", "GET"),
    ("/api/openapi.json", "GET"),
    ("/api/session", "POST DELETE"),
    ("/api/documents", "GET POST"),
    ("/api/documents/{p}", "GET"),
    ("/api/documents/{p}/source", "GET"),
    ("/api/documents/{p}/next-year", "GET"),
    ("/api/documents/{p}/published", "PUT"),
    ("/api/documents/{p}/publications", "GET"),
    ("/api/units", "GET"),
    ("/api/units/{p}", "GET"),
    ("/api/units/{p}/merge", "POST"),
    ("/api/publish", "POST"),
    ("/api/publish/{p}/{p}", "GET"),
    ("/no-such-page", "GET"),
    ("/api/no-such-route", "POST"),
];

struct Known {
    hash: String,
    unit: String,
    bureau: String,
    dept: String,
    session: String,
    csrf: String,
    source: Vec<u8>,
    document: Vec<u8>,
}

fn parameter(rng: &mut Rng, k: &Known) -> String {
    match rng.below(12) {
        0 | 1 => k.hash.clone(),
        2 => k.hash[..k.hash.len() / 2].to_string(),
        3 => urlencode(&k.unit),
        4 => "document.pdf".into(),
        5 => rng
            .pick(&["document.xlsx", "document.html", "document.txt", "x.exe"])
            .to_string(),
        6 => "..%2F..%2Fetc%2Fpasswd".into(),
        7 => "%00%ff%fe".into(),
        8 => "a".repeat(rng.below(5000) + 1),
        9 => "%E9%87%8D%E5%BA%86%".into(),
        10 => format!("{:x}", rng.next()),
        _ => String::new(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn query(rng: &mut Rng) -> String {
    let parts = [
        "filename=a.txt",
        "filename=..%2F..%2Fx.pdf",
        "filename=%00",
        "filename=重庆.pdf",
        "year=2025",
        "year=-1",
        "year=99999999999999999999",
        "unit=%E9%87%8D",
        "published=true",
        "format=json",
        "page=0",
        "a=%ZZ",
        "&&&=",
    ];
    let n = rng.below(4);
    let mut q: Vec<&str> = Vec::new();
    for _ in 0..n {
        q.push(*rng.pick(&parts));
    }
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

fn body(rng: &mut Rng, k: &Known) -> (Option<&'static str>, Vec<u8>) {
    let json = Some("application/json");
    match rng.below(12) {
        0 => (None, Vec::new()),
        1 => (None, {
            let n = rng.below(4096);
            rng.bytes(n)
        }),
        2 => (
            json,
            br#"{"username":"bureau","password":"bureau-pass"}"#.to_vec(),
        ),
        3 => (json, br#"{"username":"#.to_vec()),
        4 => (json, br#"{"published": "yes"}"#.to_vec()),
        5 => (
            json,
            rng.pick(&[
                r#"{"published": true}"#,
                r#"{"published": true, "confirm_errors": 5}"#,
                r#"{"published": true, "confirm_errors": -1}"#,
                r#"{"into": "重庆市大渡口区人民政府办公室"}"#,
                r#"{"into": ""}"#,
            ])
            .as_bytes()
            .to_vec(),
        ),
        6 => (
            Some("multipart/form-data; boundary=XyZ"),
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../a.pdf\"\r\n\r\n%PDF-1.4\r\n--XyZ".to_vec(),
        ),
        7 => (
            Some("multipart/form-data; boundary="),
            b"--\r\n\r\n".to_vec(),
        ),
        8 => (
            Some("application/x-www-form-urlencoded"),
            if rng.chance(50) {
                format!("username=bureau&password=x&csrf={}&source=%00", k.csrf)
            } else {
                format!(
                    "csrf={}&published=1&confirm_errors={}&into={}",
                    k.csrf,
                    rng.below(7),
                    urlencode(&k.unit)
                )
            }
            .into_bytes(),
        ),
        9 => {
            // A budget source cut short, or with a byte changed.
            let mut s = k.source.clone();
            let cut = rng.below(s.len());
            if rng.chance(50) {
                s.truncate(cut);
            } else if let Some(b) = s.get_mut(cut) {
                *b = rng.next() as u8;
            }
            (Some("text/plain"), s)
        }
        10 => {
            // A disclosure cut short.
            let mut d = k.document.clone();
            d.truncate(rng.below(d.len()));
            (Some("text/plain"), d)
        }
        _ => (Some("application/pdf"), b"%PDF-1.7\n1 0 obj <<".to_vec()),
    }
}

fn request(rng: &mut Rng, k: &Known) -> Request<Body> {
    let (route, methods) = *rng.pick(ROUTES);
    let mut path = String::new();
    for (i, piece) in route.split("{p}").enumerate() {
        if i > 0 {
            path.push_str(&parameter(rng, k));
        }
        path.push_str(piece);
    }
    path.push_str(&query(rng));
    // Mostly a method the route serves, so requests get past the routing.
    let served: Vec<&str> = methods.split(' ').collect();
    let method = if rng.chance(80) {
        Method::from_bytes(rng.pick(&served).as_bytes()).unwrap_or(Method::GET)
    } else {
        rng.pick(&[
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::HEAD,
            Method::OPTIONS,
        ])
        .clone()
    };
    let mut b = Request::builder().method(method).uri(path);
    match rng.below(6) {
        0 => b = b.header(header::AUTHORIZATION, format!("Bearer {}", k.bureau)),
        1 => b = b.header(header::AUTHORIZATION, format!("Bearer {}", k.dept)),
        2 => b = b.header(header::AUTHORIZATION, "Bearer forged"),
        3 => {
            b = b.header(
                header::COOKIE,
                format!("{}; yusuan_csrf={}", k.session, k.csrf),
            );
            if rng.chance(70) {
                b = b.header("x-csrf-token", k.csrf.as_str());
            }
        }
        4 => b = b.header(header::COOKIE, "yusuan_session=%%%; yusuan_csrf=short"),
        _ => {}
    }
    if rng.chance(10) {
        b = b.header(header::CONTENT_LENGTH, "18446744073709551615");
    }
    if rng.chance(10) {
        b = b.header(header::ACCEPT, "text/html;q=0.9,*/*;q=0.1");
    }
    let (kind, bytes) = body(rng, k);
    if let Some(kind) = kind {
        b = b.header(header::CONTENT_TYPE, kind);
    }
    // A request the builder refuses (an impossible header value) is sent without that header.
    b.body(Body::from(bytes))
        .unwrap_or_else(|_| Request::new(Body::empty()))
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let r = app.clone().oneshot(req).await.expect("infallible");
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    (status, headers, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_never_get_a_server_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .expect("store");
    let unit = "重庆市大渡口区人民政府办公室".to_string();
    for (name, pass, role, units) in [
        ("bureau", "bureau-pass", Role::Bureau, vec![]),
        ("dept", "dept-pass-1", Role::Department, vec![unit.clone()]),
    ] {
        let hash = password::hash(pass).expect("hash");
        store
            .create_user(name, &hash, role, &units)
            .await
            .expect("user");
    }
    let app = app(AppState::new(store, Config::default()));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let document = std::fs::read(root.join("examples/chongqing-dadukou-govoffice-2025.txt"))
        .expect("bundled example");
    let source = std::fs::read(root.join("examples/chongqing-dadukou-govoffice-2025/budget.toml"))
        .expect("bundled budget source");

    // Credentials and one stored document, so generated requests reach past sign-in.
    let sign_in = |user: &str, pass: &str| {
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"username":"{user}","password":"{pass}"}}"#
            )))
            .expect("request")
    };
    let token = |b: &[u8]| -> String {
        let v: serde_json::Value = serde_json::from_slice(b).expect("json");
        v["token"].as_str().expect("token").to_string()
    };
    let (_, headers, b) = send(&app, sign_in("bureau", "bureau-pass")).await;
    let bureau = token(&b);
    let session = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("yusuan_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let (_, _, b) = send(&app, sign_in("dept", "dept-pass-1")).await;
    let dept = token(&b);
    let up = Request::post("/api/documents?filename=cq.txt")
        .header(header::AUTHORIZATION, format!("Bearer {bureau}"))
        .body(Body::from(document.clone()))
        .expect("request");
    let (status, _, b) = send(&app, up).await;
    assert!(status.is_success(), "{}", String::from_utf8_lossy(&b));
    let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
    let hash = v["hash"].as_str().expect("hash").to_string();
    let known = Known {
        hash,
        unit,
        bureau,
        dept,
        session,
        csrf: "c".repeat(40),
        source,
        document,
    };

    let seed: u64 = std::env::var("REQUESTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let count: usize = std::env::var("REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4000);
    let mut rng = Rng(seed | 1);
    let mut statuses = std::collections::BTreeMap::new();
    let mut slowest = (Duration::ZERO, String::new());
    for n in 0..count {
        let req = request(&mut rng, &known);
        let what = format!("#{n} (seed {seed}): {} {}", req.method(), req.uri());
        let t = Instant::now();
        let (status, headers, b) = send(&app, req).await;
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, what.clone());
        }
        *statuses.entry(status.as_u16()).or_insert(0usize) += 1;
        assert!(
            !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
            "{what}: {status} {}",
            String::from_utf8_lossy(&b)
        );
        assert_eq!(
            headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{what}: no security headers"
        );
        assert!(took < Duration::from_secs(20), "{what}: {took:?}");
    }
    println!("{count} requests: statuses {statuses:?}; slowest {slowest:?}");
    // The generator reaches past sign-in and the routing: successes and refusals both.
    assert!(
        statuses.keys().any(|s| (200..300).contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains_key(&401) && statuses.contains_key(&404),
        "{statuses:?}"
    );
}
