//! The web workspace in process (no sockets): sign-in, CSRF, roles, limits, upload, overview,
//! unit comparison and publishing, on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use std::path::PathBuf;
use tower::ServiceExt;
use yusuan_store::{password, testing, Role, Store};
use yusuan_web::{app, AppState, Config};

fn corpus(name: &str) -> Option<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) if std::env::var("CI").as_deref() != Ok("true") => None,
        Err(e) => panic!("{}: {e}", p.display()),
    }
}

struct Client {
    app: Router,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// `name=value` of a Set-Cookie header.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(|c| c.split(';').next().unwrap_or("").to_string())
    }
}

impl Client {
    async fn send(&self, req: Request<Body>) -> Reply {
        let r = self.app.clone().oneshot(req).await.expect("infallible");
        let status = r.status();
        let headers = r.headers().clone();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, uri: &str, auth: Option<&str>) -> Reply {
        let mut b = Request::get(uri);
        if let Some(t) = auth {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, uri: &str, auth: Option<&str>, body: Vec<u8>) -> Reply {
        let mut b = Request::post(uri);
        if let Some(t) = auth {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    async fn sign_in(&self, user: &str, pass: &str) -> Reply {
        let body = serde_json::json!({"username": user, "password": pass}).to_string();
        self.send(
            Request::post("/api/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn token(&self, user: &str, pass: &str) -> String {
        let r = self.sign_in(user, pass).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()["token"].as_str().expect("token").to_string()
    }
}

async fn setup(store: Store, config: Config) -> Client {
    let hash = password::hash("bureau-pass").unwrap();
    store
        .create_user("bureau", &hash, Role::Bureau, &[])
        .await
        .unwrap();
    let hash = password::hash("dept-pass-1").unwrap();
    let units = vec!["重庆市大渡口区人民政府办公室".to_string()];
    store
        .create_user("dept", &hash, Role::Department, &units)
        .await
        .unwrap();
    Client {
        app: app(AppState::new(store, config)),
    }
}

const CQ: &str = "chongqing-dadukou-govoffice-2025-budget.txt";

async fn exercise(store: Store) {
    let c = setup(store, Config::default()).await;

    // Sign-in.
    assert_eq!(
        c.sign_in("bureau", "wrong").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.sign_in("nobody", "x").await.status,
        StatusCode::UNAUTHORIZED
    );
    let bureau = c.token("bureau", "bureau-pass").await;
    let dept = c.token("dept", "dept-pass-1").await;

    // The public cannot upload (401: sign in first, before any CSRF question); a forged
    // token is the public.
    let r = c
        .post("/api/documents?filename=a.txt", None, b"x".to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("请先登录"));
    let r = c
        .post(
            "/api/documents?filename=a.txt",
            Some("forged"),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Type limits and names.
    let r = c
        .post(
            "/api/documents?filename=x.pdf",
            Some(&bureau),
            vec![0xff, 0xfe, 0x00, 0x81],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("PDF"));
    let r = c.post("/api/documents", Some(&bureau), Vec::new()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c
        .post(
            "/api/documents?filename=bad.pdf",
            Some(&bureau),
            b"%PDF-1.4 garbage".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

    let Some(cq) = corpus(CQ) else { return };
    // A department uploads its own document; the name never becomes a path.
    let r = c
        .post(
            "/api/documents?filename=..%2F..%2Fetc%2F重庆.txt",
            Some(&dept),
            cq.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let up = r.json();
    let hash = up["hash"].as_str().unwrap().to_string();
    assert_eq!(up["document"]["filename"], "重庆.txt");
    assert_eq!(up["document"]["unit"], "重庆市大渡口区人民政府办公室");
    assert_eq!(up["report"]["summary"]["errors"], 5);
    assert_eq!(up["report"]["summary"]["warnings"], 10);
    // Stored once: the same bytes again are recognised.
    let r = c
        .post(
            "/api/documents?filename=again.txt",
            Some(&bureau),
            cq.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        (r.json()["new"].as_bool(), r.json()["hash"].as_str()),
        (Some(false), Some(hash.as_str()))
    );

    // Who sees it: the department and the bureau, not the public (until published).
    let path = format!("/api/documents/{hash}");
    assert_eq!(c.get(&path, Some(&dept)).await.status, StatusCode::OK);
    assert_eq!(c.get(&path, Some(&bureau)).await.status, StatusCode::OK);
    assert_eq!(c.get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.get("/api/documents", None).await.json(),
        serde_json::json!([])
    );
    let source = c.get(&format!("{path}/source"), Some(&dept)).await.json();
    assert!(source["lines"].as_array().unwrap().len() > 100);
    // Last year's document seeds next year's budget source.
    let draft = c
        .get(&format!("{path}/next-year"), Some(&dept))
        .await
        .text();
    assert!(draft.contains("year = 2026"), "{draft}");
    // The document's own 尾差 (its economic table's 合计 0.01 off the sum of its 款) is kept
    // as such, so the draft is a valid source.
    assert!(draft.contains("[rounding]"), "{draft}");
    let next = yusuan_core::budget::Budget::from_toml(&draft).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(next.rounding.economic, yusuan_core::Money(10_000));
    // Only the bureau publishes.
    let put = |auth: &str| {
        Request::put(format!("{path}/published"))
            .header(header::AUTHORIZATION, format!("Bearer {auth}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"published":true}"#))
            .unwrap()
    };
    assert_eq!(c.send(put(&dept)).await.status, StatusCode::FORBIDDEN);
    // A document with errors is not made public without the confirmation.
    let r = c.send(put(&bureau)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(c.get(&path, None).await.status, StatusCode::NOT_FOUND);
    let confirm = |count: i64| {
        Request::put(format!("{path}/published"))
            .header(header::AUTHORIZATION, format!("Bearer {bureau}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"published":true,"confirm_errors":{count}}}"#
            )))
            .unwrap()
    };
    let r = c.send(confirm(5)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["record"]["confirmed"], true);
    assert_eq!(c.get(&path, None).await.status, StatusCode::OK);

    // Pages: the report shows the findings beside the source with the lines highlighted.
    let page = c.get(&format!("/documents/{hash}"), Some(&bureau)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("错误（5）"), "{html}");
    assert!(html.contains("id=\"L123\" class=\"l hl-error\""));
    assert!(html.contains("href=\"#L51\""));
    let overview = c.get("/", None).await.text();
    assert!(overview.contains("重庆市大渡口区人民政府办公室") && overview.contains("有错误"));
    let filtered = c.get("/?status=%E9%80%9A%E8%BF%87", None).await.text();
    assert!(
        !filtered.contains("重庆市大渡口区人民政府办公室"),
        "filter by status 通过"
    );

    // Cookie sessions need the CSRF token, on forms and on the API.
    let r = c.get("/login", None).await;
    let csrf = r.cookie("yusuan_csrf").expect("csrf cookie");
    let token = csrf.split_once('=').unwrap().1.to_string();
    let form = |csrf_field: &str| {
        Request::post("/login")
            .header(header::COOKIE, &csrf)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=dept&password=dept-pass-1&csrf={csrf_field}"
            )))
            .unwrap()
    };
    assert_eq!(c.send(form("forged")).await.status, StatusCode::FORBIDDEN);
    let r = c.send(form(&token)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let session = r.cookie("yusuan_session").expect("session cookie");
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookies = format!("{session}; {csrf}");
    let upload = |with_header: bool| {
        let mut b = Request::post("/api/documents?filename=t.txt").header(header::COOKIE, &cookies);
        if with_header {
            b = b.header("x-csrf-token", &token);
        }
        b.body(Body::from("第二份".as_bytes().to_vec())).unwrap()
    };
    assert_eq!(c.send(upload(false)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.send(upload(true)).await.status, StatusCode::CREATED);
    // A document whose unit and year cannot be read is still listed, under 最近上传.
    let overview = c.get("/", Some(&bureau)).await.text();
    assert!(
        overview.contains("最近上传") && overview.contains("（未识别）"),
        "{overview}"
    );

    // A unit over two years: totals, 类 and 三公 compared.
    if let (Some(a), Some(b)) = (
        corpus("shanghai-putuo-wanli-street-2024-dept-budget.pdf"),
        corpus("shanghai-putuo-wanli-street-2025-dept-budget.pdf"),
    ) {
        // A department uploads only for its own units: this is another unit's document.
        let r = c
            .post("/api/documents?filename=other.pdf", Some(&dept), a.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let why = r.json()["error"].as_str().unwrap().to_string();
        assert!(
            why.contains("上海市普陀区人民政府万里街道办事处")
                && why.contains("重庆市大渡口区人民政府办公室"),
            "{why}"
        );
        for (n, bytes) in [("2024.pdf", a), ("2025.pdf", b)] {
            let r = c
                .post(
                    &format!("/api/documents?filename={n}"),
                    Some(&bureau),
                    bytes,
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let unit = "/api/units/%E4%B8%8A%E6%B5%B7%E5%B8%82%E6%99%AE%E9%99%80%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C%E4%B8%87%E9%87%8C%E8%A1%97%E9%81%93%E5%8A%9E%E4%BA%8B%E5%A4%84";
        let u = c.get(unit, Some(&bureau)).await.json();
        assert_eq!(u["comparison"]["years"], serde_json::json!([2024, 2025]));
        let three = &u["comparison"]["groups"][2];
        assert_eq!(three["lines"][0]["label"], "合计");
        // 47.91 and 37.91 万元, in fen.
        assert_eq!(
            three["lines"][0]["values"],
            serde_json::json!([47_910_000, 37_910_000])
        );
        let page = c.get(&unit.replace("/api", ""), Some(&bureau)).await.text();
        assert!(
            page.contains("减少10.00万元（20.9%）"),
            "三公 change worded"
        );
        assert!(page.contains("<svg"), "charts");
        // The department does not see another unit.
        assert_eq!(c.get(unit, Some(&dept)).await.status, StatusCode::NOT_FOUND);
    }

    // A unit's 决算: its execution against the plan, 科目 by 科目, with a chart.
    if let Some(fin) = corpus("shanghai-putuo-finance-bureau-2024-final-accounts.pdf") {
        let r = c
            .post("/api/documents?filename=final.pdf", Some(&bureau), fin)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // 上海市普陀区财政局
        let unit = "/api/units/%E4%B8%8A%E6%B5%B7%E5%B8%82%E6%99%AE%E9%99%80%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%80";
        let u = c.get(unit, Some(&bureau)).await.json();
        let e = &u["execution"][0];
        assert_eq!(e["year"], 2024, "{u}");
        // 2,940.05 of 2,993.92: 98.20%.
        assert_eq!(e["execution"]["total"]["rate_bp"], 9820, "{u}");
        let page = c.get(&unit.replace("/api", ""), Some(&bureau)).await.text();
        assert!(page.contains("2024年度预算执行（决算）"), "{page}");
        assert!(
            page.contains("2010601") && page.contains("96.91%"),
            "{page}"
        );
        assert!(page.contains("2024年度预算与决算"), "the chart");
        // The 三公: 预算数 0.95 (公务接待费), nothing spent.
        assert_eq!(
            e["execution"]["three_public"][0]["initial"]["amount"]["fen"], 950_000,
            "{u}"
        );
        assert!(page.contains("财政拨款“三公”经费（万元）"), "{page}");
    }

    // Publish the example budget: clean by construction, downloadable in every format.
    let example = include_str!("../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
    let r = c
        .post("/api/publish", Some(&dept), example.as_bytes().to_vec())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let p = r.json();
    assert_eq!(p["published"]["report"]["summary"]["errors"], 0);
    assert_eq!(p["published"]["report"]["summary"]["warnings"], 0);
    let files: Vec<String> = p["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let pdf = c.get(&files[0], Some(&dept)).await;
    assert!(pdf.body.starts_with(b"%PDF-"), "{}", pdf.text());
    assert!(pdf.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(".pdf"));
    assert!(c.get(&files[1], Some(&dept)).await.body.starts_with(b"PK"));
    assert!(c
        .get(&files[2], Some(&dept))
        .await
        .text()
        .contains("<table"));
    let bad = c
        .post(
            "/api/publish",
            Some(&dept),
            b"year = \"x\"\n[unit]\n".to_vec(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.json()["error"].as_str().unwrap().contains("第 1 行"),
        "{}",
        bad.text()
    );
}

/// Every byte percent-encoded (a path segment).
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn upload(c: &Client, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let r = c
        .post(
            &format!("/api/documents?filename={name}"),
            Some(token),
            bytes,
        )
        .await;
    assert!(r.status.is_success(), "{name}: {}", r.text());
    r.json()
}

/// The overview's row of the unit with this name among its names.
fn row<'a>(units: &'a Value, name: &str) -> Option<&'a Value> {
    units["units"].as_array().expect("units").iter().find(|r| {
        r["names"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n == name))
    })
}

/// A signed-in browser's cookies (session and CSRF) and its CSRF token.
async fn browser_session(c: &Client, user: &str, pass: &str) -> (String, String) {
    let r = c.get("/login", None).await;
    let csrf = r.cookie("yusuan_csrf").expect("csrf cookie");
    let token = csrf.split_once('=').unwrap().1.to_string();
    let r = c
        .send(
            Request::post("/login")
                .header(header::COOKIE, &csrf)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "username={user}&password={pass}&csrf={token}"
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let session = r.cookie("yusuan_session").expect("session cookie");
    (format!("{session}; {csrf}"), token)
}

impl Client {
    async fn form(&self, uri: &str, cookies: &str, body: String) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::COOKIE, cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn page(&self, uri: &str, cookies: &str) -> Reply {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

/// Issue 15: the overview's status is the public document's, publishing errors needs a
/// confirmation that names them and is recorded, a unit is one across its names (and the
/// bureau merges what names cannot tell), the public sees the document itself.
async fn the_workspace_tells_the_truth(store: Store) {
    let c = setup(store, Config::default()).await;
    let bureau = c.token("bureau", "bureau-pass").await;
    let dept = c.token("dept", "dept-pass-1").await;
    let Some(cq) = corpus(CQ) else { return };
    let clean = include_bytes!("../../../examples/chongqing-dadukou-govoffice-2025.txt").to_vec();
    const CQ_UNIT: &str = "重庆市大渡口区人民政府办公室";

    // The status of a unit-year is its public document's: none yet, whatever was uploaded.
    let with_errors = upload(&c, &bureau, "cq.txt", cq.clone()).await;
    let e = with_errors["hash"].as_str().unwrap().to_string();
    assert_eq!(with_errors["report"]["summary"]["errors"], 5);
    let passed = upload(&c, &bureau, "clean.txt", clean).await;
    let p = passed["hash"].as_str().unwrap().to_string();
    assert_eq!(passed["report"]["summary"]["errors"], 0);
    assert_eq!(
        (&passed["document"]["unit"], &passed["document"]["year"]),
        (&CQ_UNIT.into(), &2025.into())
    );
    let units = c.get("/api/units", Some(&bureau)).await.json();
    let cell = &row(&units, CQ_UNIT).expect("the unit")["years"]["2025"];
    assert_eq!(cell["public"], Value::Null, "{cell}");
    // Both uploaded (within the same second): the cell names one of them, not a status.
    assert_eq!(cell["documents"], 2);
    assert!([e.as_str(), p.as_str()].contains(&cell["latest"].as_str().unwrap()));
    let overview = c.get("/", Some(&bureau)).await.text();
    assert!(overview.contains("无公开文档"), "{overview}");
    let none = c
        .get(
            &format!("/api/units?status={}", enc("无公开文档")),
            Some(&bureau),
        )
        .await
        .json();
    assert!(row(&none, CQ_UNIT).is_some());

    // Publishing the document with errors, through the pages: the button says it needs a
    // confirmation, the confirmation names the errors, a stale count is refused.
    let (cookies, csrf) = browser_session(&c, "bureau", "bureau-pass").await;
    let report = c.page(&format!("/documents/{e}"), &cookies).await.text();
    assert!(
        report.contains("设为公开…") && report.contains("该文档有 5 个错误，公开前需确认"),
        "{report}"
    );
    let r = c
        .form(
            &format!("/documents/{e}/published"),
            &cookies,
            format!("csrf={csrf}&published=1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let confirm = r.text();
    let first = with_errors["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .expect("an error")["message"]
        .as_str()
        .unwrap()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert!(
        confirm.contains("该文档有 <strong>5</strong> 个错误"),
        "{confirm}"
    );
    assert!(
        confirm.contains(&first),
        "the first error is named: {first}\n{confirm}"
    );
    assert!(
        confirm.contains(r#"name="confirm_errors" value="5""#),
        "{confirm}"
    );
    assert_eq!(
        c.get(&format!("/documents/{e}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c
        .form(
            &format!("/documents/{e}/published"),
            &cookies,
            format!("csrf={csrf}&published=1&confirm_errors=4"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a count other than the document's"
    );
    let r = c
        .form(
            &format!("/documents/{e}/published"),
            &cookies,
            format!("csrf={csrf}&published=1&confirm_errors=5"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Recorded: who, when, how many errors; shown on the document's page.
    let record = c
        .get(&format!("/api/documents/{e}/publications"), Some(&bureau))
        .await
        .json();
    assert_eq!(record.as_array().map(Vec::len), Some(1), "{record}");
    assert_eq!(
        (
            &record[0]["published"],
            &record[0]["errors"],
            &record[0]["confirmed"],
            &record[0]["username"]
        ),
        (&true.into(), &5.into(), &true.into(), &"bureau".into())
    );
    assert!(record[0]["at"].as_i64().unwrap() > 1_700_000_000);
    let report = c.page(&format!("/documents/{e}"), &cookies).await.text();
    assert!(
        report.contains("bureau 确认文档有 5 个错误后设为公开"),
        "{report}"
    );
    assert_eq!(
        c.get(&format!("/api/documents/{e}/publications"), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the record is the workspace's"
    );

    // Now the unit-year is what its public document is, though a clean one is newer.
    let units = c.get("/api/units", Some(&bureau)).await.json();
    let cell = &row(&units, CQ_UNIT).unwrap()["years"]["2025"];
    assert_eq!(cell["public"]["hash"], e.as_str(), "{cell}");
    assert_eq!(cell["public"]["status"], "有错误");
    let passing = c
        .get(&format!("/api/units?status={}", enc("通过")), Some(&bureau))
        .await
        .json();
    assert!(row(&passing, CQ_UNIT).is_none(), "{passing}");
    // A clean document is one click; withdrawing asks nothing either.
    let put = |hash: &str, published: bool| {
        Request::put(format!("/api/documents/{hash}/published"))
            .header(header::AUTHORIZATION, format!("Bearer {bureau}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(r#"{{"published":{published}}}"#)))
            .unwrap()
    };
    assert_eq!(c.send(put(&e, false)).await.status, StatusCode::OK);
    assert_eq!(c.send(put(&p, true)).await.status, StatusCode::OK);
    let units = c.get("/api/units", Some(&bureau)).await.json();
    let cell = &row(&units, CQ_UNIT).unwrap()["years"]["2025"];
    assert_eq!(
        (&cell["public"]["hash"], &cell["public"]["status"]),
        (&p.as_str().into(), &"通过".into())
    );
    let r = c.send(put(&e, true)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let said = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        said.contains("该文档有 5 个错误") && said.contains("confirm_errors"),
        "{said}"
    );

    // The public sees the published document itself, with its audit summary.
    let public = c.get(&format!("/documents/{p}"), None).await;
    assert_eq!(public.status, StatusCode::OK);
    let html = public.text();
    // What the page shows (after the stylesheet).
    let main = html.split_once("<main>").expect("main").1;
    assert!(
        html.contains("审核摘要") && html.contains("错误 0") && html.contains("警告 "),
        "{html}"
    );
    assert!(
        html.contains(&format!("/documents/{p}/file"))
            && html.contains(&format!("/documents/{p}/document.html")),
        "{html}"
    );
    assert!(
        !main.contains("审核发现") && !main.contains("hl-error") && !main.contains("badge"),
        "{main}"
    );
    let doc = c.get(&format!("/documents/{p}/document.html"), None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.text();
    assert!(doc.contains("<table") && doc.contains(CQ_UNIT), "{doc}");
    assert_eq!(
        c.get(&format!("/documents/{e}/document.html"), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a document no longer public"
    );
    // The bureau still sees the audit.
    assert!(c
        .page(&format!("/documents/{p}"), &cookies)
        .await
        .text()
        .contains("审核发现"));

    // One office, two names: one unit.
    let (Some(js18), Some(js19)) = (
        corpus("jiangsu-party-office-2018-dept-budget-text.layout.txt"),
        corpus("jiangsu-party-office-2019-dept-budget-tables.layout.txt"),
    ) else {
        return;
    };
    let a = upload(&c, &bureau, "js18.txt", js18).await;
    let b = upload(&c, &bureau, "js19.txt", js19).await;
    assert_eq!(
        (&a["document"]["unit"], &b["document"]["unit"]),
        (&"江苏省委办公厅".into(), &"中共江苏省委办公厅".into())
    );
    assert_eq!(a["document"]["unit_key"], b["document"]["unit_key"]);
    let units = c.get("/api/units", Some(&bureau)).await.json();
    let js = row(&units, "江苏省委办公厅").expect("the unit");
    assert_eq!(row(&units, "中共江苏省委办公厅"), Some(js), "{units}");
    assert!(
        js["years"]["2018"].is_object() && js["years"]["2019"].is_object(),
        "{js}"
    );
    let u = c
        .get(
            &format!("/api/units/{}", enc("中共江苏省委办公厅")),
            Some(&bureau),
        )
        .await
        .json();
    assert_eq!(u["documents"].as_array().map(Vec::len), Some(2), "{u}");

    // What names cannot tell, the bureau merges.
    let (Some(pr18), Some(pr19)) = (
        corpus("jiangsu-procuratorate-2018-dept-budget.layout.txt"),
        corpus("jiangsu-procuratorate-2019-dept-budget.layout.txt"),
    ) else {
        return;
    };
    let renamed = String::from_utf8(pr19)
        .unwrap()
        .replace("江苏省人民检察院", "江苏省检察院");
    upload(&c, &bureau, "pr18.txt", pr18).await;
    let short = upload(&c, &bureau, "pr19.txt", renamed.into_bytes()).await;
    assert_eq!(short["document"]["unit"], "江苏省检察院");
    let units = c.get("/api/units", Some(&bureau)).await.json();
    assert_ne!(row(&units, "江苏省人民检察院"), row(&units, "江苏省检察院"));
    let merge = |token: &str, into: &str| {
        Request::post(format!("/api/units/{}/merge", enc("江苏省检察院")))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "into": into }).to_string()))
            .unwrap()
    };
    assert_eq!(
        c.send(merge(&dept, "江苏省人民检察院")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.send(merge(&bureau, "江苏省检察院")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.send(merge(&bureau, "没有的单位")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c.send(merge(&bureau, "江苏省人民检察院")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["moved"], 1);
    let units = c.get("/api/units", Some(&bureau)).await.json();
    let pr = row(&units, "江苏省人民检察院").expect("the unit");
    assert_eq!(row(&units, "江苏省检察院"), Some(pr));
    let u = c
        .get(
            &format!("/api/units/{}", enc("江苏省检察院")),
            Some(&bureau),
        )
        .await
        .json();
    assert_eq!(u["merged"][0]["username"], "bureau", "{u}");
    let page = c
        .page(&format!("/units/{}", enc("江苏省人民检察院")), &cookies)
        .await
        .text();
    assert!(
        page.contains("bureau 将") && page.contains("并入本单位"),
        "{page}"
    );
}

#[tokio::test]
async fn truth_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    the_workspace_tells_the_truth(store).await;
}

#[tokio::test]
async fn truth_on_postgres() {
    let Some(url) = testing::fresh_postgres().await else {
        return;
    };
    the_workspace_tells_the_truth(Store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn web_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    exercise(store).await;
}

#[tokio::test]
async fn web_on_postgres() {
    let Some(url) = testing::fresh_postgres().await else {
        return;
    };
    exercise(Store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let config = Config {
        max_upload: 1000,
        ..Config::default()
    };
    let c = setup(store, config).await;
    let t = c.token("bureau", "bureau-pass").await;
    let r = c
        .post(
            "/api/documents?filename=big.txt",
            Some(&t),
            vec![b'a'; 2000],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    let r = c
        .post(
            "/api/documents?filename=huge.txt",
            Some(&t),
            vec![b'a'; 200_000],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn openapi_describes_every_api_route() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    let spec = c.get("/api/openapi.json", None).await.json();
    assert_eq!(spec["openapi"], "3.0.3");
    let paths: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    assert!(paths.len() >= 10);
    for p in paths {
        // Every described path is routed: an unrouted path gets the fallback's message.
        let uri = p
            .replace("{hash}", &"0".repeat(64))
            .replace("{unit}", "x")
            .replace("{file}", "document.pdf");
        let r = c.get(&uri, None).await;
        let unrouted =
            r.status == StatusCode::NOT_FOUND && r.text().contains(yusuan_web::pages::NO_SUCH_PATH);
        assert!(!unrouted, "{p} is described but not routed");
    }
    // axum's own rejections are JSON under /api/ too.
    let r = c.get("/api/documents?year=abc", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let said = r.json()["error"].as_str().unwrap().to_string();
    assert!(said.starts_with("请求格式不正确：查询参数不正确"), "{said}");
    let r = c.post("/api/session", None, b"{".to_vec()).await;
    assert!(r.status.is_client_error());
    let said = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        !said.contains("Expected request") && !said.contains("Failed to"),
        "{said}"
    );
    let r = c.get("/api/nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], yusuan_web::pages::NO_SUCH_PATH);
    assert!(c.get("/nothing-here", None).await.text().contains("<html"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_bytes_at_once_are_analysed_once() {
    let Some(cq) = corpus(CQ) else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let state = AppState::new(store.clone(), Config::default());
    let hash = password::hash("bureau-pass").unwrap();
    store
        .create_user("bureau", &hash, Role::Bureau, &[])
        .await
        .unwrap();
    let c = std::sync::Arc::new(Client {
        app: app(state.clone()),
    });
    let t = c.token("bureau", "bureau-pass").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (c, t, cq) = (c.clone(), t.clone(), cq.clone());
        tasks.spawn(async move {
            c.post(&format!("/api/documents?filename={i}.txt"), Some(&t), cq)
                .await
        });
    }
    let mut created = 0;
    while let Some(r) = tasks.join_next().await {
        let r = r.unwrap();
        assert!(r.status.is_success(), "{}", r.text());
        created += usize::from(r.status == StatusCode::CREATED);
        assert_eq!(r.json()["report"]["summary"]["errors"], 5);
    }
    assert_eq!(created, 1);
    let analysed = state.analysed.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(analysed, 1, "one analysis, seven answers from the store");
}

/// A body that fails if anything reads it: a request refused from its headers never reads it.
fn unreadable_body() -> Body {
    let chunks: Vec<Result<&'static [u8], std::io::Error>> =
        vec![Err(std::io::Error::other("the body was read"))];
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn writes_are_refused_from_headers_before_the_body_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    for uri in ["/api/documents?filename=a.txt", "/api/publish"] {
        let r = c
            .send(Request::post(uri).body(unreadable_body()).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}: {}", r.text());
    }
    // The pages' forms too: an anonymous visitor has a CSRF cookie, but no right to upload.
    for (uri, kind) in [
        ("/publish", "application/x-www-form-urlencoded"),
        ("/upload", "multipart/form-data; boundary=x"),
    ] {
        let r = c
            .send(
                Request::post(uri)
                    .header(header::CONTENT_TYPE, kind)
                    .body(unreadable_body())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}: {}", r.text());
    }
    // Signed in with a cookie but without the CSRF header: 403, body unread.
    let r = c.sign_in("bureau", "bureau-pass").await;
    let session = r.cookie("yusuan_session").expect("session cookie");
    let r = c
        .send(
            Request::post("/api/documents?filename=a.txt")
                .header(header::COOKIE, session)
                .body(unreadable_body())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
}

#[tokio::test]
async fn a_multipart_upload_is_accepted_beside_a_raw_body() {
    let Some(bytes) = corpus(CQ) else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    let t = c.token("bureau", "bureau-pass").await;
    // As `curl -F file=@重庆.txt` sends it.
    let boundary = "----yusuan-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cq.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = c
        .send(
            Request::post("/api/documents")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["document"]["filename"], "cq.txt");
    assert_eq!(r.json()["document"]["unit"], "重庆市大渡口区人民政府办公室");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    for uri in ["/", "/login", "/api/documents", "/no-such-page"] {
        let r = c.get(uri, None).await;
        let h = |name: header::HeaderName| {
            r.headers
                .get(&name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
        assert_eq!(h(header::REFERRER_POLICY), "same-origin", "{uri}");
        assert_eq!(h(header::CACHE_CONTROL), "no-store", "{uri}");
        let html = h(header::CONTENT_TYPE).starts_with("text/html");
        let csp = h(header::CONTENT_SECURITY_POLICY);
        assert_eq!(html, csp.contains("frame-ancestors 'self'"), "{uri}: {csp}");
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_make_the_account_wait() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    // Five failures are free; the next attempt, even with the right password, waits.
    for _ in 0..yusuan_web::auth::Throttle::FREE {
        assert_eq!(
            c.sign_in("dept", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = c.sign_in("dept", "dept-pass-1").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("秒后再试"));
    // Another account is not held up by it.
    assert_eq!(
        c.sign_in("bureau", "bureau-pass").await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_others_served() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let config = Config {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..Config::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(yusuan_web::serve(
        store,
        config,
        "127.0.0.1:0".parse().unwrap(),
        move |a| {
            let _ = tx.send(a);
        },
    ));
    let addr = rx.await.unwrap();
    // Everything the server sends until it closes, within 10 s.
    async fn answer(s: &mut tokio::net::TcpStream) -> String {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
                Err(_) => panic!("the server kept a slow connection open"),
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    }
    // Headers that never end: closed after the header timeout.
    let start = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    answer(&mut slow).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // A body that never arrives: answered, then closed, after the body timeout.
    let start = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(
        b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let reply = answer(&mut slow).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(reply.starts_with("HTTP/1.1 4"), "{reply}");
    // A normal request meanwhile and after.
    let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
    ok.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let reply = answer(&mut ok).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

/// A multipart form as a browser sends it: the CSRF field, then the file.
fn form_with_file(boundary: &str, csrf: &str, filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn a_filled_workbook_is_imported_into_the_editor_with_its_problems_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.sqlite3").display().to_string())
        .await
        .unwrap();
    let c = setup(store, Config::default()).await;
    let (cookies, token) = browser_session(&c, "dept", "dept-pass-1").await;
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chongqing-dadukou-govoffice-2025/budget.toml"
    ))
    .unwrap();
    let budget = yusuan_core::budget::Budget::from_toml(&example).unwrap();
    let publication =
        yusuan_pipeline::publish(&budget, None, &[yusuan_pipeline::Format::Xlsx]).unwrap();
    let xlsx = publication.files[0].bytes.clone();
    let import = |name: &str, bytes: &[u8]| {
        let boundary = "----yusuan-import";
        Request::post("/publish/import")
            .header(header::COOKIE, &cookies)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(form_with_file(boundary, &token, name, bytes)))
            .unwrap()
    };
    // Our own XLSX gives its source back into the editor.
    let r = c.send(import("预算底稿.xlsx", &xlsx)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains("已导入 预算底稿.xlsx"), "{page}");
    assert!(
        page.contains("2010301") && page.contains("[[projects]]"),
        "{page}"
    );
    // An empty template: its problems, by sheet, before anything is published.
    let template = yusuan_publish::form::template(2025, "chongqing").unwrap();
    let r = c.send(import("空白.xlsx", &template)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("工作表“单位信息”：缺少“单位名称”"),
        "{}",
        r.text()
    );
}
