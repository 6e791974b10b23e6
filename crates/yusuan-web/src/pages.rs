//! Server-rendered pages in Chinese (maud). No script and nothing loaded from elsewhere: the
//! stylesheet is inline, the charts are SVG, a finding's link scrolls the source beside it to
//! its line, highlighted with `:target`.

use crate::api::{self, ListQuery};
use crate::auth::{self, Viewer};
use crate::charts;
use crate::compare::{change, wan, Comparison};
use crate::ops::{self, Problem};
use crate::AppState;
use axum::extract::FromRequest;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use yusuan_audit::report::StoredReport;
use yusuan_audit::{Finding, Location, Severity};
use yusuan_store::{DocumentSummary, Status};

/// The example budget a new publication starts from.
const EXAMPLE_BUDGET: &str =
    include_str!("../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#8b1a1a;color:#fff;padding:.6em 1.5em;display:flex;gap:1.5em;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:bold;font-size:1.2em}
header .me{margin-left:auto;display:flex;gap:.8em;align-items:center}
main{padding:1em 1.5em;max-width:1400px;margin:auto}
h1{font-size:1.4em}h2{font-size:1.15em;border-left:4px solid #8b1a1a;padding-left:.5em}
table{border-collapse:collapse;background:#fff;margin:.5em 0 1em}
th,td{border:1px solid #ccd;padding:.3em .6em;text-align:left}th{background:#eef0f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .5em;border-radius:.7em;font-size:.9em}
.s-passed{background:#dff0d8;color:#2b542c}.s-errors{background:#f2dede;color:#a94442}
.s-warnings{background:#fcf8e3;color:#8a6d3b}.s-unchecked{background:#eee;color:#555}
.s-none{background:#fff;color:#555;border:1px dashed #999}.aka{color:#666;font-size:.85em}
.error{color:#a94442}.warning{color:#8a6d3b}.info{color:#31708f}
.msg{padding:.6em 1em;border-radius:4px;margin:1em 0}.msg.bad{background:#f2dede}.msg.good{background:#dff0d8}
form.inline{display:inline}
button,.button{background:#8b1a1a;color:#fff;border:0;padding:.4em 1em;border-radius:3px;cursor:pointer;text-decoration:none;display:inline-block}
.report{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);gap:1em}
.findings li{margin:.4em 0}.findings .rule{font-family:monospace;color:#666;font-size:.85em}
.source{background:#fff;border:1px solid #ccd;height:80vh;overflow:auto;font-family:"Noto Sans Mono CJK SC",monospace;font-size:12px;white-space:pre}
.source .l{display:block;padding:0 .5em}.source .n{display:inline-block;width:4em;color:#999;user-select:none}
.source .hl-error{background:#fbe3e3}.source .hl-warning{background:#fdf3d1}.source .hl-info{background:#e8f1f8}
.source .l:target{background:#ffd54f;outline:2px solid #e6a700}
.source .page{display:block;background:#eef0f4;color:#666;padding:0 .5em}
textarea{width:100%;height:60vh;font-family:monospace;font-size:13px}
iframe.preview,iframe.document{width:100%;height:75vh;border:1px solid #ccd;background:#fff}
.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{background:#fff;border:1px solid #ccd}
.chart-title{font-size:13px;font-weight:bold}.chart-label{font-size:11px}
label{margin-right:1em}
@media print{header,form{display:none}.source{height:auto;overflow:visible}}
"#;

/// A region's short name, from its reading profile.
fn region_label(region: &str) -> &str {
    if region.is_empty() {
        return "未识别";
    }
    yusuan_core::Profile::builtin()
        .iter()
        .find(|p| p.id == region)
        .map_or(region, |p| p.region.as_str())
}

fn page(viewer: &Viewer, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 预算公开审核" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a.brand href="/" { "预算公开审核" }
                    a href="/" { "总览" }
                    @if viewer.can_upload() {
                        a href="/upload" { "上传审核" }
                        a href="/publish" { "生成公开文档" }
                    }
                    span.me {
                        @if let Some(u) = &viewer.user {
                            span { (u.username) "（" (u.role.label()) "）" }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(viewer.csrf);
                                button type="submit" { "退出" }
                            }
                        } @else {
                            a href="/login" { "登录" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

fn respond(status: StatusCode, markup: Markup) -> Response {
    (status, markup).into_response()
}

fn error_page(viewer: &Viewer, p: Problem) -> Response {
    respond(
        p.status,
        page(
            viewer,
            "出错了",
            html! { div.msg.bad { (p.message) } p { a href="/" { "返回总览" } } },
        ),
    )
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

fn bad_csrf(viewer: &Viewer) -> Response {
    error_page(
        viewer,
        Problem::new(
            StatusCode::FORBIDDEN,
            "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
        ),
    )
}

fn status_badge(status: Status) -> Markup {
    html! { span class=(format!("badge s-{}", status.code())) { (status.label()) } }
}

fn unit_href(unit: &str) -> String {
    format!("/units/{}", ops::percent_encode(unit))
}

/// Unix seconds as Beijing time, `2025-06-01 09:30`.
fn beijing_time(secs: i64) -> String {
    let t = secs + 8 * 3600;
    let (days, rest) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// One line of a document's public record: who made it public or not, when, and whether they
/// confirmed its errors.
fn publication_text(p: &yusuan_store::Publication) -> String {
    let who = p.username.as_deref().unwrap_or("（已删除的用户）");
    let what = match (p.published, p.confirmed) {
        (true, true) => format!("确认文档有 {} 个错误后设为公开", p.errors),
        (true, false) => "设为公开".to_string(),
        (false, _) => "取消公开".to_string(),
    };
    format!("{}（北京时间） {who} {what}", beijing_time(p.at))
}

/// What an unrouted path gets: JSON under `/api/`, a page elsewhere.
pub async fn not_found(viewer: Viewer, uri: axum::http::Uri) -> Response {
    let p = Problem::new(StatusCode::NOT_FOUND, NO_SUCH_PATH);
    if uri.path().starts_with("/api/") {
        p.into_response()
    } else {
        error_page(&viewer, p)
    }
}

/// The message of [`not_found`].
pub const NO_SUCH_PATH: &str = "没有这个页面或接口";

// ---- overview ----

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Response {
    let selected = (
        q.year,
        q.region.clone().unwrap_or_default(),
        q.status.clone().unwrap_or_default(),
    );
    // The choices come from everything visible, not from the filtered list.
    let all = match state.store.list(&viewer.restrict(Default::default())).await {
        Ok(a) => a,
        Err(e) => return error_page(&viewer, e.into()),
    };
    let years: BTreeSet<i32> = all.iter().filter_map(|d| d.year).collect();
    let regions: BTreeSet<&str> = all.iter().map(|d| d.region.as_str()).collect();
    let view = match ops::overview(&state, &viewer, q.filter()).await {
        Ok(v) => v,
        Err(p) => return error_page(&viewer, p),
    };
    let body = html! {
        h1 { "各单位预算公开文档总览" }
        form method="get" action="/" {
            label { "年度 " select name="year" {
                option value="" { "全部" }
                @for y in years.iter().rev() {
                    option value=(y) selected[selected.0 == Some(*y)] { (y) "年" }
                }
            } }
            label { "地区 " select name="region" {
                option value="" { "全部" }
                @for r in &regions {
                    option value=(r) selected[selected.1 == *r] { (region_label(r)) }
                }
            } }
            label { "公开文档状态 " select name="status" {
                option value="" { "全部" }
                @for s in Status::ALL {
                    option value=(s.label()) selected[selected.2 == s.label()] { (s.label()) }
                }
                @if !viewer.is_public() {
                    option value=(ops::NO_PUBLIC_LABEL) selected[selected.2 == ops::NO_PUBLIC_LABEL] { (ops::NO_PUBLIC_LABEL) }
                }
            } }
            button type="submit" { "筛选" }
        }
        @if view.units.is_empty() {
            @if !all.is_empty() { p { "没有符合条件且能确定单位和年度的文档。" } }
            @else { p { "暂无文档。" @if viewer.can_upload() { a href="/upload" { "上传一份公开文档" } "开始审核。" } @else { "登录后可上传审核。" } } }
        } @else {
            p.aka { "各年度的状态为该年度公开文档的审核结果；没有公开文档的年度显示“" (ops::NO_PUBLIC_LABEL) "”。" }
            table.overview {
                thead { tr { th { "单位" } @for y in &view.years { th { (y) "年" } } } }
                tbody {
                    @for row in &view.units {
                        tr {
                            td {
                                a href=(unit_href(&row.key)) { (row.name) }
                                @let others: Vec<&String> = row.names.iter().filter(|n| **n != row.name).collect();
                                @if !others.is_empty() {
                                    br; span.aka { "又名：" @for (i, n) in others.iter().enumerate() { @if i > 0 { "、" } (n) } }
                                }
                            }
                            @for y in &view.years {
                                td {
                                    @if let Some(c) = row.years.get(y) {
                                        @if let Some(p) = &c.public {
                                            a href=(format!("/documents/{}", p.hash)) { (status_badge(p.status)) }
                                            " 错误 " (p.errors) " · 警告 " (p.warnings)
                                        } @else {
                                            a href=(format!("/documents/{}", c.latest)) { span.badge.s-none { (ops::NO_PUBLIC_LABEL) } }
                                        }
                                        @if c.documents > 1 { " （共 " (c.documents) " 份）" }
                                    } @else { span.info { "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !view.recent.is_empty() {
            h2 { "最近上传" }
            table.recent {
                thead { tr { th { "文件" } th { "单位" } th { "年度" } th { "类型" } th { "状态" } } }
                tbody {
                    @for d in &view.recent {
                        tr {
                            td { a href=(format!("/documents/{}", d.hash)) { (d.filename) } }
                            td { @if d.unit.is_empty() { span.info { "（未识别）" } } @else { (d.unit) } }
                            td { @if let Some(y) = d.year { (y) "年" } }
                            td { (d.scope.label()) (d.stage.label()) @if d.kind == yusuan_store::DocumentKind::BudgetSource { "（预算源文件）" } }
                            td { (status_badge(d.status)) }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, page(&viewer, "总览", body))
}

// ---- sign-in ----

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub csrf: String,
}

fn login_page(viewer: &Viewer, message: Option<&str>) -> Markup {
    page(
        viewer,
        "登录",
        html! {
            h1 { "登录" }
            @if let Some(m) = message { div.msg.bad { (m) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                p { label { "用户名 " input type="text" name="username" autocomplete="username" required; } }
                p { label { "密码 " input type="password" name="password" autocomplete="current-password" required; } }
                button type="submit" { "登录" }
            }
        },
    )
}

pub async fn login_form(viewer: Viewer) -> Response {
    respond(StatusCode::OK, login_page(&viewer, None))
}

pub async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<LoginForm>,
) -> Response {
    if !viewer.form_csrf_ok(&f.csrf) {
        return bad_csrf(&viewer);
    }
    match auth::sign_in(&state, viewer.peer, &f.username, &f.password).await {
        Ok(signed) => with_cookie(redirect("/"), &signed.cookie),
        Err(p)
            if matches!(
                p.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            respond(p.status, login_page(&viewer, Some(&p.message)))
        }
        Err(p) => error_page(&viewer, p),
    }
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = cookie.parse() {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !viewer.form_csrf_ok(&f.csrf) {
        return bad_csrf(&viewer);
    }
    if let Some(t) = &viewer.token {
        let _ = state.store.delete_session(t).await;
    }
    with_cookie(redirect("/"), &auth::session_cookie(&state, "", 0))
}

// ---- upload and report ----

fn upload_page(viewer: &Viewer, max_mb: usize, message: Option<&str>) -> Markup {
    page(
        viewer,
        "上传审核",
        html! {
            h1 { "上传公开文档或预算源文件" }
            @if let Some(m) = message { div.msg.bad { (m) } }
            p { "支持 PDF、Excel（xlsx / xls）、文本（UTF-8），以及预算源文件（.toml）。单个文件不超过 " (max_mb) " MB。同一文件只保存一份。" }
            form method="post" action="/upload" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                p { input type="file" name="file" accept=".pdf,.txt,.xlsx,.xls,.html,.htm,.docx,.toml" required; }
                button type="submit" { "上传并审核" }
            }
        },
    )
}

pub async fn upload_form(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !viewer.can_upload() {
        return redirect("/login");
    }
    respond(
        StatusCode::OK,
        upload_page(&viewer, state.config.max_upload >> 20, None),
    )
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Response {
    // Who may upload is known from the headers: no field is read for anyone else.
    if !viewer.can_upload() {
        return error_page(&viewer, Problem::forbidden("上传"));
    }
    let max_mb = state.config.max_upload >> 20;
    let (filename, bytes) = match uploaded_file(&viewer, &mut form, max_mb).await {
        Ok(f) => f,
        Err(Refusal::Csrf) => return bad_csrf(&viewer),
        Err(Refusal::Page(status, msg)) => {
            return respond(status, upload_page(&viewer, max_mb, Some(&msg)))
        }
    };
    match ops::ingest(&state, &viewer, &filename, bytes).await {
        Ok(done) => redirect(&format!("/documents/{}", done.hash)),
        Err(p) if p.status == StatusCode::FORBIDDEN => error_page(&viewer, p),
        Err(p) => respond(p.status, upload_page(&viewer, max_mb, Some(&p.message))),
    }
}

/// Why an upload form was not taken.
enum Refusal {
    Csrf,
    Page(StatusCode, String),
}

/// The file of an upload form (`csrf` first, then `file`): read only after the token is checked.
async fn uploaded_file(
    viewer: &Viewer,
    form: &mut Multipart,
    max_mb: usize,
) -> Result<(String, Vec<u8>), Refusal> {
    let mut csrf_ok = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == "csrf" {
                    let v = field.text().await.unwrap_or_default();
                    csrf_ok = viewer.form_csrf_ok(&v);
                } else if name == "file" {
                    if !csrf_ok {
                        // The token comes first in the form; without it the file is not read.
                        return Err(Refusal::Csrf);
                    }
                    let filename = field.file_name().unwrap_or("upload").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((filename, b.to_vec())),
                        Err(e) => {
                            return Err(Refusal::Page(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                format!("上传未完成或超过 {max_mb} MB：{e}"),
                            ))
                        }
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(Refusal::Page(
                    StatusCode::BAD_REQUEST,
                    format!("上传未完成或超过 {max_mb} MB：{e}"),
                ))
            }
        }
    }
    if !csrf_ok {
        return Err(Refusal::Csrf);
    }
    file.ok_or_else(|| Refusal::Page(StatusCode::BAD_REQUEST, "请选择文件".to_string()))
}

/// A filled template (or a workbook we published) becomes the source in the publish page's
/// editor, its problems named by sheet and row before anything is published.
pub async fn import_template(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Response {
    if !viewer.can_upload() {
        return error_page(&viewer, Problem::forbidden("导入预算底稿"));
    }
    let sources = state
        .store
        .list(&viewer.restrict(Default::default()))
        .await
        .unwrap_or_default();
    let max_mb = state.config.max_upload >> 20;
    let (filename, bytes) = match uploaded_file(&viewer, &mut form, max_mb).await {
        Ok(f) => f,
        Err(Refusal::Csrf) => return bad_csrf(&viewer),
        Err(Refusal::Page(status, msg)) => {
            return respond(status, publish_page(&viewer, &sources, "", Some(&msg)))
        }
    };
    let name = filename.clone();
    let read = tokio::task::spawn_blocking(move || {
        yusuan_read::budget::source_of(&name, &bytes)
            .map_err(|e| e.to_string())
            .and_then(|b| b.to_toml().map_err(|e| e.to_string()))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match read {
        Ok(text) => {
            let msg = format!("已导入 {filename}：请核对后点击“生成并预览”");
            respond(
                StatusCode::OK,
                publish_page(&viewer, &sources, &text, Some(&msg)),
            )
        }
        Err(e) => respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            publish_page(
                &viewer,
                &sources,
                "",
                Some(&format!("{filename} 不能导入：{e}")),
            ),
        ),
    }
}

fn location_text(l: &Location) -> String {
    let mut s = if l.end_line > l.line {
        format!("第 {}–{} 行", l.line, l.end_line)
    } else {
        format!("第 {} 行", l.line)
    };
    if let Some(p) = l.page {
        s.push_str(&format!("（第 {p} 页）"));
    }
    if let Some(t) = &l.table {
        s.push_str(" · ");
        s.push_str(t);
    }
    s
}

/// Findings grouped by the table of their first location.
fn by_table<'a>(findings: &[&'a Finding]) -> BTreeMap<String, Vec<&'a Finding>> {
    let mut out: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let t = f
            .locations
            .first()
            .and_then(|l| l.table.clone())
            .unwrap_or_else(|| "情况说明及其他".to_string());
        out.entry(t).or_default().push(f);
    }
    out
}

/// The source's lines, numbered from 1, with the page number where a form feed starts a page.
fn source_lines(text: &str) -> Vec<(u32, Option<usize>, &str)> {
    let mut page = 1;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let stripped = line.trim_start_matches('\u{c}');
            let feeds = line.len() - stripped.len();
            page += feeds;
            (i as u32 + 1, (feeds > 0).then_some(page), stripped)
        })
        .collect()
}

fn summary_line(d: &DocumentSummary) -> Markup {
    html! {
        p {
            (status_badge(d.status)) " "
            span.error { "错误 " (d.errors) } " · "
            span.warning { "警告 " (d.warnings) } " · "
            span.info { "提示 " (d.infos) }
            " · " (region_label(&d.region)) " · " (d.scope.label()) (d.stage.label())
            @if let Some(y) = d.year { " · " (y) "年" }
            @if d.published { " · 已公开" }
        }
    }
}

/// A document's title: its unit and year, or its file name.
fn document_title(s: &DocumentSummary) -> String {
    let mut t = if s.unit.is_empty() {
        s.filename.clone()
    } else {
        s.unit.clone()
    };
    if let Some(y) = s.year {
        t.push_str(&format!(" {y}年"));
    }
    t
}

/// What the public sees of a published document: the document itself (our rendering of what
/// was read, and the original file), with a short audit summary.
fn public_document(viewer: &Viewer, d: &yusuan_store::StoredDocument) -> Response {
    let s = &d.summary;
    let title = format!(
        "{}{}{}",
        document_title(s),
        s.scope.label(),
        s.stage.label()
    );
    let body = html! {
        h1 { (title) }
        p.audit-summary {
            "审核摘要：" span.error { "错误 " (s.errors) } " · " span.warning { "警告 " (s.warnings) }
            @if s.errors > 0 { "（财政局已知悉上述错误并决定公开）" }
        }
        p.downloads {
            a.button href=(format!("/documents/{}/file", s.hash)) download { "下载原文件" } " "
            @if s.kind == yusuan_store::DocumentKind::BudgetSource {
                @for (file, label) in [("document.pdf", "下载 PDF"), ("document.xlsx", "下载 XLSX"), ("document.docx", "下载 Word")] {
                    a.button href=(format!("/publish/{}/{file}", s.hash)) download { (label) } " "
                }
            }
            " 文件：" (s.filename)
        }
        iframe.document src=(format!("/documents/{}/document.html", s.hash)) title=(title) {}
    };
    respond(StatusCode::OK, page(viewer, &title, body))
}

/// `GET /documents/{hash}/document.html`: the document as read, rendered as HTML (its tables
/// and text), for anyone who may see the document.
pub async fn document_html(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> Response {
    let d = match ops::visible(&state, &viewer, &hash).await {
        Ok(d) => d,
        Err(p) => return error_page(&viewer, p),
    };
    match serde_json::from_str::<yusuan_core::Document>(&d.document_json) {
        Ok(doc) => (
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            yusuan_publish::html::render(&doc),
        )
            .into_response(),
        Err(e) => error_page(
            &viewer,
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("保存的文档内容无法读取：{e}"),
            ),
        ),
    }
}

pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> Response {
    let d = match ops::visible(&state, &viewer, &hash).await {
        Ok(d) => d,
        Err(p) => return error_page(&viewer, p),
    };
    if viewer.is_public() {
        return public_document(&viewer, &d);
    }
    let record = match state.store.publications(&hash).await {
        Ok(r) => r,
        Err(e) => return error_page(&viewer, e.into()),
    };
    // A stored report that cannot be read is an error, never a document without findings.
    let report: StoredReport = match serde_json::from_str(&d.report_json) {
        Ok(r) => r,
        Err(e) => {
            return error_page(
                &viewer,
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("保存的审核报告无法读取：{e}"),
                ),
            )
        }
    };
    // The worst severity on each source line, for the highlight (errors order first).
    let mut marks: BTreeMap<u32, Severity> = BTreeMap::new();
    for f in &report.findings {
        for l in &f.locations {
            for n in l.line..=l.end_line.max(l.line).min(l.line + 200) {
                let e = marks.entry(n).or_insert(f.severity);
                *e = (*e).min(f.severity);
            }
        }
    }
    let s = &d.summary;
    let title = if s.unit.is_empty() {
        s.filename.clone()
    } else {
        s.unit.clone()
    };
    let body = html! {
        h1 { (title) @if let Some(y) = s.year { " " (y) "年" } " 审核结果" }
        p { "文件：" (s.filename) " · "
            a href=(format!("/documents/{}/file", s.hash)) { "下载原文件" }
            @if !s.unit.is_empty() { " · " a href=(unit_href(&s.unit)) { "查看该单位各年度" } }
            @if s.kind == yusuan_store::DocumentKind::BudgetSource { " · " a href=(format!("/publish/{}", s.hash)) { "预览与下载生成的文档" } }
        }
        (summary_line(s))
        @if viewer.can_set_published() {
            form.inline.publish method="post" action=(format!("/documents/{}/published", s.hash)) {
                input type="hidden" name="csrf" value=(viewer.csrf);
                input type="hidden" name="published" value=(if s.published { "0" } else { "1" });
                button type="submit" { @if s.published { "取消公开" } @else if s.errors > 0 { "设为公开…" } @else { "设为公开" } }
                @if !s.published && s.errors > 0 { " " span.error { "该文档有 " (s.errors) " 个错误，公开前需确认" } }
            }
        }
        @if !record.is_empty() {
            ul.publications {
                @for p in &record { li { (publication_text(p)) } }
            }
        }
        div.report {
            section.findings {
                h2 { "审核发现" }
                @if report.findings.is_empty() { p.msg.good { "未发现问题。" } }
                @for sev in [Severity::Error, Severity::Warning, Severity::Info] {
                    @let of: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == sev).collect();
                    @if !of.is_empty() {
                        h3 class=(sev.label()) { (sev.name()) "（" (of.len()) "）" }
                        @for (table, fs) in &by_table(&of) {
                            h4 { (table) }
                            ul {
                                @for f in fs {
                                    li class=(format!("finding {}", f.severity.label())) {
                                        span class=(f.severity.label()) { "【" (f.severity.name()) "】" }
                                        (f.message) " "
                                        span.rule { (f.rule) }
                                        @for l in &f.locations {
                                            br;
                                            a.loc href=(format!("#L{}", l.line)) { (location_text(l)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "原文" }
                div.source {
                    @for (n, new_page, line) in source_lines(&d.source_text) {
                        @if let Some(p) = new_page {
                            span.page { "第 " (p) " 页" }
                        }
                        span id=(format!("L{n}")) class=(match marks.get(&n) { Some(s) => format!("l hl-{}", s.label()), None => "l".to_string() }) {
                            span.n { (n) } (line)
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, page(&viewer, &title, body))
}

pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> Response {
    let d = match ops::visible(&state, &viewer, &hash).await {
        Ok(d) => d,
        Err(p) => return error_page(&viewer, p),
    };
    let content = match state.store.content(&hash).await {
        Ok(Some(c)) => c,
        Ok(None) => return error_page(&viewer, Problem::not_found()),
        Err(e) => return error_page(&viewer, e.into()),
    };
    let (mime, ext) = if content.starts_with(b"%PDF-") {
        ("application/pdf", "pdf")
    } else if content.starts_with(b"PK") {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else if content.starts_with(&[0xD0, 0xCF]) {
        ("application/vnd.ms-excel", "xls")
    } else {
        ("text/plain; charset=utf-8", "txt")
    };
    (
        [
            (CONTENT_TYPE, mime.to_string()),
            (
                CONTENT_DISPOSITION,
                ops::attachment(&d.summary.filename, ext),
            ),
        ],
        content,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct PublishedForm {
    #[serde(default)]
    pub csrf: String,
    pub published: String,
    /// Set by the confirmation page: the errors the person saw.
    #[serde(default)]
    pub confirm_errors: Option<i64>,
}

/// How many of a document's errors the confirmation page lists.
const ERRORS_LISTED: usize = 5;

pub async fn set_published(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
    Form(f): Form<PublishedForm>,
) -> Response {
    if !viewer.form_csrf_ok(&f.csrf) {
        return bad_csrf(&viewer);
    }
    let published = f.published == "1";
    match ops::set_published(&state, &viewer, &hash, published, f.confirm_errors).await {
        Ok(()) => redirect(&format!("/documents/{hash}")),
        Err(p) if p.status == StatusCode::CONFLICT => confirm_page(&state, &viewer, &hash).await,
        Err(p) => error_page(&viewer, p),
    }
}

/// Publishing a document with errors: the errors named, and a second, deliberate click.
async fn confirm_page(state: &AppState, viewer: &Viewer, hash: &str) -> Response {
    let d = match ops::visible(state, viewer, hash).await {
        Ok(d) => d,
        Err(p) => return error_page(viewer, p),
    };
    let (errors, first) = ops::first_errors(&d, ERRORS_LISTED);
    let s = &d.summary;
    let body = html! {
        h1 { "确认公开：" (document_title(s)) }
        div.msg.bad.confirm {
            p { "该文档有 " strong { (errors) } " 个错误。公开后，公众看到的是这份文档本身。" }
            ol.errors { @for m in &first { li { (m) } } }
            @if errors > first.len() as i64 { p { "另有 " (errors - first.len() as i64) " 个错误，见" a href=(format!("/documents/{}", s.hash)) { "审核结果" } "。" } }
            p { "确认公开将记录您的账号、时间和错误数。" }
        }
        form.confirm method="post" action=(format!("/documents/{}/published", s.hash)) {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="published" value="1";
            input type="hidden" name="confirm_errors" value=(errors);
            button type="submit" id="confirm-publish" { "确认公开（含 " (errors) " 个错误）" }
            " " a href=(format!("/documents/{}", s.hash)) { "取消，返回审核结果" }
        }
    };
    respond(StatusCode::CONFLICT, page(viewer, "确认公开", body))
}

// ---- one unit over the years ----

fn comparison_tables(c: &Comparison) -> Markup {
    let n = c.years.len();
    html! {
        @for g in &c.groups {
            h2 { (g.title) "（万元）" }
            table.compare {
                thead { tr {
                    th { "项目" }
                    @for y in &c.years { th { (y) "年" } }
                    @if n >= 2 { th { "较上年" } }
                } }
                tbody {
                    @for line in &g.lines {
                        tr {
                            td { (line.label) }
                            @for v in &line.values { td.num { @if let Some(v) = v { (wan(*v)) } @else { "—" } } }
                            @if n >= 2 {
                                td { @if let (Some(Some(a)), Some(Some(b))) = (line.values.get(n - 2), line.values.get(n - 1)) { (change(*a, *b)) } }
                            }
                        }
                    }
                }
            }
            @let series: Vec<String> = c.years.iter().map(|y| format!("{y}年")).collect();
            (charts::bars(&g.title, &series, &g.lines))
        }
    }
}

/// A year's 决算 against its plan: the whole and every 科目, 执行率, the 科目 whose 年初预算 the
/// 决算 states other than the 预算, and a chart of plan against spending.
fn execution_table(year: i32, e: &yusuan_audit::execution::Execution) -> Markup {
    use yusuan_audit::execution::{show_rate, Placed};
    let amount = |p: &Option<Placed>| p.as_ref().map(|p| p.amount.fen);
    let cell = |p: &Option<Placed>| match amount(p) {
        Some(v) => wan(v),
        None => "—".to_string(),
    };
    let plan = |l: &yusuan_audit::execution::Line| {
        amount(&l.full_year)
            .or(amount(&l.initial))
            .or(amount(&l.budget))
    };
    // The chart: the whole and the 科目 with a plan and a 决算, the largest first.
    let mut charted: Vec<&yusuan_audit::execution::Line> = e
        .lines
        .iter()
        .filter(|l| plan(l).is_some() && l.actual.is_some())
        .collect();
    charted.sort_by_key(|l| std::cmp::Reverse(amount(&l.actual)));
    charted.truncate(8);
    let chart_lines: Vec<crate::compare::Line> = std::iter::once(&e.total)
        .chain(charted)
        .map(|l| crate::compare::Line {
            label: if l.code.is_empty() {
                "合计".to_string()
            } else {
                format!("{} {}", l.code, l.name)
            },
            values: vec![plan(l), amount(&l.actual)],
        })
        .collect();
    let where_ = |p: &Placed| {
        let page = p.at.page.map_or(String::new(), |n| format!("第{n}页"));
        format!("{page}第{}行", p.at.line)
    };
    html! {
        h2 { (year) "年度预算执行（决算）（万元）" }
        table.compare.execution {
            thead { tr {
                th { "科目编码" } th { "科目名称" }
                @if e.with_budget { th { "预算数（预算）" } }
                th { "年初预算（决算）" } th { "全年预算" } th { "决算数" } th { "执行率" }
            } }
            tbody {
                @for l in std::iter::once(&e.total).chain(&e.lines) {
                    tr {
                        td { (l.code) } td { (l.name) }
                        @if e.with_budget { td.num { (cell(&l.budget)) } }
                        td.num { (cell(&l.initial)) } td.num { (cell(&l.full_year)) }
                        td.num { (cell(&l.actual)) }
                        td.num { @if let Some(r) = l.rate_bp { (show_rate(r)) } @else { "—" } }
                    }
                }
            }
        }
        @if !e.three_public.is_empty() {
            h3 { "财政拨款“三公”经费（万元）" }
            table.compare.three-public {
                thead { tr {
                    th { "项目" }
                    @if e.with_budget { th { "预算数（预算）" } }
                    th { "预算数（决算）" } th { "决算数" } th { "执行率" }
                } }
                tbody {
                    @for l in &e.three_public {
                        tr {
                            td { (l.name) }
                            @if e.with_budget { td.num { (cell(&l.budget)) } }
                            td.num { (cell(&l.initial)) } td.num { (cell(&l.actual)) }
                            td.num { @if let Some(r) = l.rate_bp { (show_rate(r)) } @else { "—" } }
                        }
                    }
                }
            }
        }
        @if e.with_budget {
            @if e.mismatches.is_empty() {
                p.ok { "决算所称各科目年初预算、所列“三公”经费预算数与预算文档一致。" }
            } @else {
                ul.mismatches {
                    @for m in &e.mismatches {
                        li.bad {
                            (m.what) "：" (m.stated_as) "（" (where_(&m.in_final)) "）为" (wan(m.in_final.amount.fen)) "万元，"
                            @if m.missing { "预算文档的一般公共预算支出表没有该科目" }
                            @else { "预算文档（" (where_(&m.in_budget)) "）为" (wan(m.in_budget.amount.fen)) "万元" }
                        }
                    }
                }
            }
        } @else {
            p { "执行率为决算数 ÷ 全年预算（未说明的为年初预算）。上传同一单位同年度的预算文档后，可逐科目核对决算所称年初预算。" }
        }
        (charts::bars(&format!("{year}年度预算与决算"), &["预算".to_string(), "决算".to_string()], &chart_lines))
    }
}

pub async fn unit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(unit): Path<String>,
) -> Response {
    let view = match ops::unit(&state, &viewer, &unit).await {
        Ok(x) => x,
        Err(p) => return error_page(&viewer, p),
    };
    // The units this one may be merged into (the bureau's).
    let others: Vec<ops::UnitRow> = if viewer.can_set_published() {
        match ops::overview(&state, &viewer, Default::default()).await {
            Ok(o) => o.units.into_iter().filter(|r| r.key != view.key).collect(),
            Err(p) => return error_page(&viewer, p),
        }
    } else {
        Vec::new()
    };
    let (docs, comparison, executions) = (&view.documents, &view.comparison, &view.executions);
    let body = html! {
        h1 { (view.name) }
        @let aka: Vec<&String> = view.names.iter().filter(|n| **n != view.name).collect();
        @if !aka.is_empty() {
            p.aka { "该单位的文档也署名为：" @for (i, n) in aka.iter().enumerate() { @if i > 0 { "、" } (n) } }
        }
        @if !view.merged.is_empty() {
            ul.merged {
                @for m in &view.merged {
                    li { (beijing_time(m.at)) "（北京时间） "
                        @match &m.username { Some(u) => { (u) " 将 " }, None => { "系统按相同名称或单位编码将 " } }
                        code { (m.from_key) } " 并入本单位" }
                }
            }
        }
        @if !others.is_empty() {
            form.merge method="post" action=(format!("{}/merge", unit_href(&view.key))) {
                input type="hidden" name="csrf" value=(viewer.csrf);
                "同一单位的另一名称？将本单位并入 "
                select name="into" {
                    @for r in &others { option value=(r.key) { (r.name) } }
                }
                " " button type="submit" { "合并单位" }
            }
        }
        h2 { "各年度文档" }
        table.documents {
            thead { tr { th { "年度" } th { "文件" } th { "类型" } th { "状态" } th.num { "错误" } th.num { "警告" } } }
            tbody {
                @for d in docs {
                    tr {
                        td { @if let Some(y) = d.year { (y) "年" } }
                        td { a href=(format!("/documents/{}", d.hash)) { (d.filename) } }
                        td { (d.scope.label()) (d.stage.label()) @if d.kind == yusuan_store::DocumentKind::BudgetSource { "（预算源文件）" } }
                        td { (status_badge(d.status)) @if d.published { " 已公开" } }
                        td.num { (d.errors) } td.num { (d.warnings) }
                    }
                }
            }
        }
        @if comparison.years.is_empty() {
            p { "没有可比较的预算文档。" }
        } @else {
            p { "以下数字取自各年度最新一份预算文档的表格；“较上年”比较最近两个年度。" }
            div.comparison { (comparison_tables(comparison)) }
        }
        @for (year, e) in executions {
            (execution_table(*year, e))
        }
    };
    respond(StatusCode::OK, page(&viewer, &view.name, body))
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub csrf: String,
    pub into: String,
}

/// `POST /units/{unit}/merge`: the bureau says two units are one office.
pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(unit): Path<String>,
    Form(f): Form<MergeForm>,
) -> Response {
    if !viewer.form_csrf_ok(&f.csrf) {
        return bad_csrf(&viewer);
    }
    match ops::merge_units(&state, &viewer, &unit, &f.into).await {
        Ok((_, into, _)) => redirect(&unit_href(&into)),
        Err(p) => error_page(&viewer, p),
    }
}

// ---- publish ----

#[derive(Deserialize, Default)]
pub struct FromQuery {
    pub from: Option<String>,
}

fn publish_page(
    viewer: &Viewer,
    sources: &[DocumentSummary],
    text: &str,
    message: Option<&str>,
) -> Markup {
    page(
        viewer,
        "生成公开文档",
        html! {
            h1 { "生成公开文档" }
            p { "编辑预算源文件（TOML，格式见示例中的注释），生成后可预览并下载 PDF、XLSX、HTML。也可以从已有文档开始：" }
            form method="get" action="/publish" {
                select name="from" {
                    @for d in sources {
                        option value=(d.hash) { (d.unit) " " (d.year.map_or(String::new(), |y| format!("{y}年"))) " " (d.filename) }
                    }
                }
                " " button type="submit" { "以此为底稿（下一年度）" }
            }
            form method="post" action="/publish/import" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                "或导入填好的预算底稿（yusuan template 生成的 .xlsx，或本系统生成的 XLSX）："
                input type="file" name="file" accept=".xlsx,.xls,.ods" required;
                " " button type="submit" { "导入" }
            }
            @if let Some(m) = message {
                div class=(if m.starts_with("已导入") { "msg good" } else { "msg bad" }) { pre { (m) } }
            }
            form method="post" action="/publish" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                textarea name="source" spellcheck="false" { (text) }
                p { button type="submit" id="preview" { "生成并预览" } }
            }
        },
    )
}

pub async fn publish_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<FromQuery>,
) -> Response {
    if !viewer.can_upload() {
        return redirect("/login");
    }
    let sources = state
        .store
        .list(&viewer.restrict(Default::default()))
        .await
        .unwrap_or_default();
    let text = match &q.from {
        Some(h) => match ops::next_year(&state, &viewer, h).await {
            Ok(t) => t,
            Err(p) => return error_page(&viewer, p),
        },
        None => EXAMPLE_BUDGET.to_string(),
    };
    respond(StatusCode::OK, publish_page(&viewer, &sources, &text, None))
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub csrf: String,
    pub source: String,
}

pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    request: axum::extract::Request,
) -> Response {
    // Who may publish is known from the headers: nothing is read for anyone else.
    if !viewer.can_upload() {
        return error_page(&viewer, Problem::forbidden("生成公开文档"));
    }
    let f = match Form::<PublishForm>::from_request(request, &state).await {
        Ok(Form(f)) => f,
        Err(e) => {
            return error_page(
                &viewer,
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("表单格式不正确：{}", e.body_text()),
                ),
            )
        }
    };
    if !viewer.form_csrf_ok(&f.csrf) {
        return bad_csrf(&viewer);
    }
    // Browsers send form text with CRLF line ends; the source keeps LF.
    let text = f.source.replace("\r\n", "\n");
    let sources = || async {
        state
            .store
            .list(&viewer.restrict(Default::default()))
            .await
            .unwrap_or_default()
    };
    if let Err(e) = ops::check_budget(&state, text.clone()).await {
        let msg = format!("预算源文件有误：\n{}", e.message);
        return respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            publish_page(&viewer, &sources().await, &text, Some(&msg)),
        );
    }
    match ops::ingest(&state, &viewer, "budget.toml", text.clone().into_bytes()).await {
        Ok(done) => redirect(&format!("/publish/{}", done.hash)),
        Err(p) => respond(
            p.status,
            publish_page(&viewer, &sources().await, &text, Some(&p.message)),
        ),
    }
}

pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> Response {
    let d = match ops::visible(&state, &viewer, &hash).await {
        Ok(d) if d.summary.kind == yusuan_store::DocumentKind::BudgetSource => d,
        Ok(_) => {
            return error_page(
                &viewer,
                Problem::new(StatusCode::NOT_FOUND, "该文档不是预算源文件"),
            )
        }
        Err(p) => return error_page(&viewer, p),
    };
    let s = &d.summary;
    let body = html! {
        h1 { (s.unit) @if let Some(y) = s.year { " " (y) "年" } (s.scope.label()) "预算（生成稿）" }
        (summary_line(s))
        p { "审核的是生成文档回读后的文本，与读者看到的一致。" a href=(format!("/documents/{}", s.hash)) { "查看审核结果" } }
        p.downloads {
            @for format in yusuan_pipeline::Format::ALL {
                a.button href=(format!("/publish/{}/document.{}", s.hash, format.extension())) download { "下载 " (format.label()) } " "
            }
            a href=(format!("/publish?from={}", s.hash)) { "以此为底稿编辑下一年度" }
        }
        iframe.preview src=(format!("/publish/{}/document.html", s.hash)) title="预览" {}
    };
    respond(StatusCode::OK, page(&viewer, "预览", body))
}

pub async fn rendered(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((hash, file)): Path<(String, String)>,
) -> Response {
    match api::download(&state, &viewer, &hash, &file).await {
        Ok(r) => r,
        Err(p) => error_page(&viewer, p),
    }
}
