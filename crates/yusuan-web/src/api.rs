//! The JSON API: everything the pages do, for scripts. Described by `openapi.json`.
//!
//! Errors are `{"error": "…"}` with a 4xx/5xx status. Writes need a bearer token (from
//! `POST /api/session`) or, with the session cookie, the CSRF token in `X-CSRF-Token`.

use crate::auth::{self, Viewer};
use crate::ops::{self, Problem};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use yusuan_store::Filter;

/// The OpenAPI document, kept as data beside the code.
pub const OPENAPI: &str = include_str!("../openapi.json");

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type ApiResult = Result<Response, Problem>;

/// Who may write, from the headers alone: anonymous first (401), then a cookie session
/// without its CSRF token (403).
fn write_allowed(viewer: &Viewer) -> Result<(), Problem> {
    if viewer.user.is_none() {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "请先登录：POST /api/session 取得令牌，以 Authorization: Bearer 附上",
        ));
    }
    if viewer.api_write_ok() {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            "缺少 CSRF 令牌：请使用 Authorization: Bearer，或在 X-CSRF-Token 中附上 yusuan_csrf",
        ))
    }
}

/// Whether reading a body failed because it did not arrive in time.
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<crate::BodyTimedOut>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// An upload's bytes, read only once the sender may upload (nothing is read for a request
/// that will be refused): the raw body, or the first part of a `multipart/form-data` body
/// (`curl -F file=@x.pdf`), with the part's file name. At most `limit` bytes.
async fn upload_body(
    state: &AppState,
    request: axum::extract::Request,
    limit: usize,
) -> Result<(Option<String>, Bytes), Problem> {
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过上传上限 {} MB", limit >> 20),
        )
    };
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return axum::body::to_bytes(request.into_body(), limit)
            .await
            .map(|b| (None, b))
            .map_err(|e| {
                if timed_out(&e) {
                    Problem::new(StatusCode::REQUEST_TIMEOUT, crate::BodyTimedOut.to_string())
                } else {
                    too_large()
                }
            });
    }
    use axum::extract::FromRequest;
    let bad = |why: String| Problem::new(StatusCode::BAD_REQUEST, format!("表单格式不正确：{why}"));
    let mut form = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|e| bad(e.body_text()))?;
    let field = form
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
        .ok_or_else(|| bad("表单中没有文件".to_string()))?;
    let name = field.file_name().map(str::to_string);
    let bytes = field.bytes().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            bad(e.body_text())
        }
    })?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok((name, bytes))
}

/// Under `/api/`, every error is JSON: axum's own rejections (a malformed JSON body, a query
/// that does not parse, a wrong content type) come as plain text and are wrapped here.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let plain = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !api
        || !plain
        || !(response.status().is_client_error() || response.status().is_server_error())
    {
        return response;
    }
    let status = response.status();
    let text = axum::body::to_bytes(response.into_body(), 64 << 10)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    Problem::new(status, format!("请求格式不正确：{}", in_chinese(&text))).into_response()
}

/// axum's rejection texts, said in Chinese (the detail after them, from serde, is kept).
fn in_chinese(text: &str) -> String {
    const SAID: [(&str, &str); 8] = [
        (
            "Failed to parse the request body as JSON",
            "请求正文不是有效的 JSON",
        ),
        (
            "Failed to deserialize the JSON body into the target type",
            "JSON 的字段不符合要求",
        ),
        (
            "Expected request with `Content-Type: application/json`",
            "请使用 Content-Type: application/json",
        ),
        ("Failed to deserialize query string", "查询参数不正确"),
        (
            "Failed to buffer the request body",
            "请求正文未能读完（过大或发送超时）",
        ),
        ("length limit exceeded", "超过大小上限"),
        ("Failed to deserialize form", "表单内容不正确"),
        (
            "Form requests must have `Content-Type: application/x-www-form-urlencoded`",
            "表单请使用 Content-Type: application/x-www-form-urlencoded",
        ),
    ];
    let mut out = text.to_string();
    for (en, zh) in SAID {
        out = out.replace(en, zh);
    }
    out
}

pub async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// `POST /api/session`: sign in; the token works as a bearer token and as the cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    viewer: Viewer,
    Json(c): Json<Credentials>,
) -> ApiResult {
    let s = auth::sign_in(&state, viewer.peer, &c.username, &c.password).await?;
    Ok((
        [(SET_COOKIE, s.cookie)],
        Json(json!({ "token": s.token, "user": s.user })),
    )
        .into_response())
}

/// `DELETE /api/session`: sign out.
pub async fn sign_out(State(state): State<AppState>, viewer: Viewer) -> ApiResult {
    write_allowed(&viewer)?;
    let (Some(t), Some(_)) = (&viewer.token, &viewer.user) else {
        return Err(Problem::new(StatusCode::UNAUTHORIZED, "未登录或登录已过期"));
    };
    state.store.delete_session(t).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub year: Option<i32>,
    pub region: Option<String>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub kind: Option<String>,
}

impl ListQuery {
    pub fn filter(self) -> Filter {
        let some = |s: Option<String>| s.filter(|v| !v.is_empty());
        Filter {
            year: self.year,
            region: some(self.region),
            // A status named by its label (as pages and the API say it) or its code.
            status: some(self.status).map(|s| {
                if s == ops::NO_PUBLIC_LABEL {
                    ops::NO_PUBLIC.to_string()
                } else {
                    yusuan_store::Status::from_name(&s).map_or(s, |st| st.code().to_string())
                }
            }),
            unit: some(self.unit),
            kind: some(self.kind),
            ..Filter::default()
        }
    }
}

/// `GET /api/documents`
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let docs = state.store.list(&viewer.restrict(q.filter())).await?;
    Ok(Json(docs).into_response())
}

#[derive(Deserialize)]
pub struct UploadQuery {
    pub filename: Option<String>,
}

/// `POST /api/documents?filename=…` with the file as the body.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<UploadQuery>,
    request: axum::extract::Request,
) -> ApiResult {
    write_allowed(&viewer)?;
    if !viewer.can_upload() {
        return Err(Problem::forbidden("上传"));
    }
    let (part_name, body) = upload_body(&state, request, state.config.max_upload).await?;
    let name = q
        .filename
        .or(part_name)
        .unwrap_or_else(|| "upload".to_string());
    let done = ops::ingest(&state, &viewer, &name, body.to_vec()).await?;
    let status = if done.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(done)).into_response())
}

/// `GET /api/documents/{hash}`: the summary and the audit report.
pub async fn document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> ApiResult {
    let d = ops::visible(&state, &viewer, &hash).await?;
    let report: serde_json::Value = serde_json::from_str(&d.report_json).unwrap_or_default();
    Ok(Json(json!({ "document": d.summary, "report": report })).into_response())
}

/// `GET /api/documents/{hash}/source`: the text the findings' line numbers point into.
pub async fn source(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> ApiResult {
    let d = ops::visible(&state, &viewer, &hash).await?;
    let lines: Vec<&str> = d.source_text.lines().collect();
    Ok(Json(json!({ "lines": lines })).into_response())
}

/// `GET /api/documents/{hash}/next-year`: a budget source (TOML) for the following year.
pub async fn next_year(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> ApiResult {
    let toml = ops::next_year(&state, &viewer, &hash).await?;
    Ok(([(CONTENT_TYPE, "application/toml; charset=utf-8")], toml).into_response())
}

#[derive(Deserialize)]
pub struct Published {
    pub published: bool,
    /// How many errors the caller confirms publishing with: required (equal to the
    /// document's) to make a document with errors public.
    #[serde(default)]
    pub confirm_errors: Option<i64>,
}

/// `PUT /api/documents/{hash}/published` (the bureau). A document with errors needs
/// `confirm_errors` (409 without it).
pub async fn set_published(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
    Json(p): Json<Published>,
) -> ApiResult {
    write_allowed(&viewer)?;
    ops::set_published(&state, &viewer, &hash, p.published, p.confirm_errors).await?;
    let record = state.store.publications(&hash).await?;
    Ok(Json(json!({
        "hash": hash,
        "published": p.published,
        "record": record.last(),
    }))
    .into_response())
}

/// `GET /api/documents/{hash}/publications`: every change of the document's public state.
pub async fn publications(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(hash): Path<String>,
) -> ApiResult {
    if viewer.is_public() {
        return Err(Problem::not_found());
    }
    ops::visible(&state, &viewer, &hash).await?;
    Ok(Json(state.store.publications(&hash).await?).into_response())
}

/// `GET /api/units`: units x years.
pub async fn units(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    Ok(Json(ops::overview(&state, &viewer, q.filter()).await?).into_response())
}

/// `GET /api/units/{unit}`: a unit's documents, the comparison of its years and, for each year
/// with a 决算, its execution against the plan.
pub async fn unit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(unit): Path<String>,
) -> ApiResult {
    let view = ops::unit(&state, &viewer, &unit).await?;
    let execution: Vec<serde_json::Value> = view
        .executions
        .iter()
        .map(|(year, e)| json!({ "year": year, "execution": e }))
        .collect();
    Ok(Json(json!({
        "key": view.key,
        "name": view.name,
        "names": view.names,
        "documents": view.documents,
        "comparison": view.comparison,
        "execution": execution,
        "merged": view.merged,
    }))
    .into_response())
}

#[derive(Deserialize)]
pub struct Merge {
    /// The unit to merge `{unit}` into: its key or any of its names.
    pub into: String,
}

/// `POST /api/units/{unit}/merge` (the bureau): `{unit}` is the same office as `into`.
pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(unit): Path<String>,
    Json(m): Json<Merge>,
) -> ApiResult {
    write_allowed(&viewer)?;
    let (from, into, moved) = ops::merge_units(&state, &viewer, &unit, &m.into).await?;
    Ok(Json(json!({ "from": from, "into": into, "moved": moved })).into_response())
}

/// `POST /api/publish` with a budget source (TOML) as the body.
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    request: axum::extract::Request,
) -> ApiResult {
    write_allowed(&viewer)?;
    if !viewer.can_upload() {
        return Err(Problem::forbidden("上传"));
    }
    let (_, body) = upload_body(&state, request, state.config.max_upload).await?;
    if let Ok(text) = std::str::from_utf8(&body) {
        ops::check_budget(&state, text.to_string()).await?;
    }
    let done = ops::ingest(&state, &viewer, "budget.toml", body.to_vec()).await?;
    let files: Vec<String> = ["pdf", "xlsx", "html", "txt", "docx"]
        .iter()
        .map(|f| format!("/api/publish/{}/document.{f}", done.hash))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "published": done, "files": files })),
    )
        .into_response())
}

/// `GET /api/publish/{hash}/document.{pdf,xlsx,html,txt}`
pub async fn rendered(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((hash, file)): Path<(String, String)>,
) -> ApiResult {
    download(&state, &viewer, &hash, &file).await
}

/// A published budget's rendering, as an attachment.
pub async fn download(state: &AppState, viewer: &Viewer, hash: &str, file: &str) -> ApiResult {
    let format = ops::published_format(file).ok_or_else(Problem::not_found)?;
    let stored = ops::visible(state, viewer, hash).await?;
    let content = state
        .store
        .content(hash)
        .await?
        .ok_or_else(Problem::not_found)?;
    let bytes = ops::render(&stored, content, format).await?;
    let name = ops::download_name(&stored.summary, format.extension());
    let disposition = if format == yusuan_pipeline::Format::Html {
        "inline".to_string()
    } else {
        ops::attachment(&name, format.extension())
    };
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
