//! What the pages and the API both do, once: take an upload, fetch a document the visitor may
//! see, build the overview and a unit's comparison, render a published budget.

use crate::analyze;
use crate::auth::Viewer;
use crate::compare::{compare, Comparison};
use crate::AppState;
use axum::http::StatusCode;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use yusuan_core::Document;
use yusuan_store::{DocumentSummary, Filter, Role, StoredDocument};

/// A request that cannot be served, with the reason in Chinese.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Problem {
        Problem {
            status,
            message: message.into(),
        }
    }

    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "未找到该文档（或您无权查看）")
    }

    pub fn forbidden(what: &str) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            format!("您的账号无权{what}，请先登录"),
        )
    }
}

impl From<yusuan_store::StoreError> for Problem {
    fn from(e: yusuan_store::StoreError) -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
    }
}

/// What is accepted: PDF, Excel (xlsx, xls), UTF-8 text (a disclosure or a budget source).
pub fn check_type(bytes: &[u8]) -> Result<(), Problem> {
    let ok = bytes.starts_with(b"%PDF-")
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || (!bytes.is_empty() && std::str::from_utf8(bytes).is_ok());
    if ok {
        Ok(())
    } else if bytes.is_empty() {
        Err(Problem::new(StatusCode::BAD_REQUEST, "上传的文件是空的"))
    } else {
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "只接受 PDF、Excel（xlsx / xls）或 UTF-8 文本（公开文档或预算源文件 .toml）",
        ))
    }
}

/// The result of an upload.
#[derive(Serialize)]
pub struct Ingested {
    pub hash: String,
    /// False when the same bytes were stored before (the stored reading is returned).
    pub new: bool,
    pub document: DocumentSummary,
    /// The audit report, as `yusuan check --format json` prints it.
    pub report: serde_json::Value,
}

/// Store an upload once, read and audited. Returns only after the write is committed.
pub async fn ingest(
    state: &AppState,
    viewer: &Viewer,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<Ingested, Problem> {
    if !viewer.can_upload() {
        return Err(Problem::forbidden("上传"));
    }
    if bytes.len() > state.config.max_upload {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过上传上限 {} MB", state.config.max_upload >> 20),
        ));
    }
    check_type(&bytes)?;
    let filename = analyze::clean_name(filename);
    let hash = yusuan_store::content_hash(&bytes);
    // One analysis per content: later arrivals of the same bytes wait here, then find them
    // stored.
    let gate = {
        let mut map = state
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(hash.clone()).or_default().clone()
    };
    let guard = gate.lock().await;
    let result = store_once(state, viewer, &filename, &hash, bytes).await;
    drop(guard);
    {
        let mut map = state
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The last one out removes the entry (the map holds one reference, `gate` another).
        if Arc::strong_count(&gate) <= 2 {
            map.remove(&hash);
        }
    }
    let new = result?;
    let stored = state
        .store
        .document(&hash)
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok(Ingested {
        hash,
        new,
        report: serde_json::from_str(&stored.report_json).unwrap_or_default(),
        document: stored.summary,
    })
}

/// Analyse and store `bytes` unless they are stored already; whether they were new.
async fn store_once(
    state: &AppState,
    viewer: &Viewer,
    filename: &str,
    hash: &str,
    bytes: Vec<u8>,
) -> Result<bool, Problem> {
    if let Some(stored) = state.store.document(hash).await? {
        unit_allowed(viewer, &stored.summary.unit)?;
        return Ok(false);
    }
    let permit = state
        .analyses
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "服务正在关闭"))?;
    state
        .analysed
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let auditor = state.auditor.clone();
    let user = viewer.user.as_ref().map(|u| u.id);
    let name = filename.to_string();
    let analysed = tokio::task::spawn_blocking(move || {
        let r = analyze::analyze(&name, bytes, &auditor, user);
        drop(permit);
        r
    })
    .await
    .map_err(|_| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "读取该文件时出错"))?
    .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    unit_allowed(viewer, &analysed.unit)?;
    Ok(state.store.put_document(&analysed).await?.1)
}

/// Check a budget source (TOML): CPU work, so on a blocking thread and one per core at a
/// time like analyses; the async threads keep serving pages meanwhile.
pub async fn check_budget(state: &AppState, text: String) -> Result<(), Problem> {
    let _permit = state
        .analyses
        .acquire()
        .await
        .map_err(|_| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "服务正在关闭"))?;
    tokio::task::spawn_blocking(move || analyze::budget(&text).map(|_| ()))
        .await
        .map_err(|_| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "预算源文件校验失败"))?
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
}

/// A department user uploads only for its own units (the bureau for anyone): a document of
/// another unit would become that unit's entry in the bureau's overview.
fn unit_allowed(viewer: &Viewer, unit: &str) -> Result<(), Problem> {
    let Some(user) = viewer.user.as_ref().filter(|u| u.role == Role::Department) else {
        return Ok(());
    };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    // A document whose unit cannot be read is no unit's entry (it is listed under 最近上传).
    let unit = squeeze(unit);
    if unit.is_empty() || user.units.iter().any(|u| squeeze(u) == unit) {
        return Ok(());
    }
    let yours = if user.units.is_empty() {
        "（账号未登记单位）".to_string()
    } else {
        user.units.join("、")
    };
    Err(Problem::new(
        StatusCode::FORBIDDEN,
        format!("该文件属于“{unit}”，而您的账号只能上传本单位的文件：{yours}"),
    ))
}

/// A stored document, if this visitor may see it.
pub async fn visible(
    state: &AppState,
    viewer: &Viewer,
    hash: &str,
) -> Result<StoredDocument, Problem> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Problem::not_found());
    }
    match state.store.document(hash).await? {
        Some(d) if viewer.can_view(&d.summary) => Ok(d),
        _ => Err(Problem::not_found()),
    }
}

/// Mark a document published or not (the bureau's).
pub async fn set_published(
    state: &AppState,
    viewer: &Viewer,
    hash: &str,
    published: bool,
) -> Result<(), Problem> {
    if !viewer.can_set_published() {
        return Err(Problem::forbidden("公开文档"));
    }
    visible(state, viewer, hash).await?;
    state.store.set_published(hash, published).await?;
    Ok(())
}

/// One cell of the overview: the newest document of a unit in a year.
#[derive(Clone, Serialize)]
pub struct Cell {
    pub hash: String,
    pub errors: i64,
    pub warnings: i64,
    #[serde(serialize_with = "status_label")]
    pub status: yusuan_store::Status,
    /// How many documents that unit has for that year.
    pub documents: usize,
}

fn status_label<S: serde::Serializer>(s: &yusuan_store::Status, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.label())
}

#[derive(Serialize)]
pub struct Overview {
    pub years: Vec<i32>,
    pub units: Vec<(String, BTreeMap<i32, Cell>)>,
    /// The latest 20 uploads, including those whose unit or year could not be read.
    pub recent: Vec<DocumentSummary>,
}

/// Units x years of the disclosures this visitor may see.
pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    filter: Filter,
) -> Result<Overview, Problem> {
    let docs = state.store.list(&viewer.restrict(filter)).await?;
    let mut recent = docs.clone();
    recent.sort_by_key(|d| std::cmp::Reverse(d.uploaded_at));
    recent.truncate(20);
    let mut units: BTreeMap<String, BTreeMap<i32, Cell>> = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    // Newest first within a unit and year, so the first seen is the one shown.
    for d in docs {
        let Some(year) = d.year else { continue };
        let unit = if d.unit.is_empty() {
            "（未识别单位）".to_string()
        } else {
            d.unit.clone()
        };
        years.insert(year);
        units
            .entry(unit)
            .or_default()
            .entry(year)
            .and_modify(|c| c.documents += 1)
            .or_insert(Cell {
                hash: d.hash,
                errors: d.errors,
                warnings: d.warnings,
                status: d.status,
                documents: 1,
            });
    }
    Ok(Overview {
        years: years.into_iter().collect(),
        units: units.into_iter().collect(),
        recent,
    })
}

/// A unit's documents (newest first) and the comparison of its years.
pub async fn unit(
    state: &AppState,
    viewer: &Viewer,
    unit: &str,
) -> Result<(Vec<DocumentSummary>, Comparison, Executions), Problem> {
    let filter = Filter {
        unit: Some(unit.to_string()),
        ..Filter::default()
    };
    let docs = state.store.list(&viewer.restrict(filter)).await?;
    if docs.is_empty() {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "没有该单位的文档（或您无权查看）",
        ));
    }
    // The newest budget and 决算 document of each year, read back.
    let mut per_year = Vec::new();
    let mut budgets: std::collections::BTreeMap<i32, Document> = Default::default();
    let mut finals: std::collections::BTreeMap<i32, Document> = Default::default();
    for d in &docs {
        let Some(year) = d.year else { continue };
        let slot = match d.stage {
            yusuan_core::DocKind::Budget => &mut budgets,
            yusuan_core::DocKind::FinalAccounts => &mut finals,
        };
        if slot.contains_key(&year) {
            continue;
        }
        if let Some(stored) = state.store.document(&d.hash).await? {
            if let Ok(doc) = serde_json::from_str::<Document>(&stored.document_json) {
                slot.insert(year, doc);
            }
        }
    }
    for (year, doc) in &budgets {
        per_year.push((*year, yusuan_read::budget::budget_of(doc)));
    }
    // Each 决算 against its plan: with the 预算 of its year where the two can be compared (same
    // unit, year and scope), else alone.
    let mut executions = Vec::new();
    for (year, fin) in &finals {
        let with = state.auditor.execution(fin, budgets.get(year));
        let e = match with {
            Ok(e) => Ok(e),
            Err(_) => state.auditor.execution(fin, None),
        };
        if let Ok(e) = e {
            executions.push((*year, e));
        }
    }
    Ok((docs, compare(unit, &per_year), executions))
}

/// Each year's 决算 against its plan.
pub type Executions = Vec<(i32, yusuan_audit::execution::Execution)>;

/// A draft budget source for the year after a stored document (a budget source or a
/// disclosure read back into a Budget): this year's figures become the prior year's.
pub async fn next_year(state: &AppState, viewer: &Viewer, hash: &str) -> Result<String, Problem> {
    let d = visible(state, viewer, hash).await?;
    if d.summary.kind == yusuan_store::DocumentKind::BudgetSource {
        let content = state
            .store
            .content(hash)
            .await?
            .ok_or_else(Problem::not_found)?;
        let b = crate::analyze::budget(&String::from_utf8_lossy(&content))
            .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
        return draft(&b);
    }
    let doc: yusuan_core::Document = serde_json::from_str(&d.document_json)
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let b = yusuan_read::budget::seed(&doc)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    draft(&b)
}

fn draft(b: &yusuan_core::budget::Budget) -> Result<String, Problem> {
    b.next_year()
        .to_toml()
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// The format of a published budget's download path (`document.pdf`).
pub fn published_format(file: &str) -> Option<yusuan_pipeline::Format> {
    file.strip_prefix("document.")
        .and_then(yusuan_pipeline::Format::from_extension)
}

/// Render a stored budget source as `format`.
pub async fn render(
    stored: &StoredDocument,
    content: Vec<u8>,
    format: yusuan_pipeline::Format,
) -> Result<Vec<u8>, Problem> {
    if stored.summary.kind != yusuan_store::DocumentKind::BudgetSource {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "该文档不是预算源文件，不能生成",
        ));
    }
    tokio::task::spawn_blocking(move || {
        let text = String::from_utf8(content).map_err(|_| analyze::AnalyzeError::NotUtf8)?;
        let doc = analyze::published(&analyze::budget(&text)?)?;
        Ok::<_, analyze::AnalyzeError>(yusuan_publish::render(&doc, format)?)
    })
    .await
    .map_err(|_| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "生成文档时出错"))?
    .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// A download name for a published budget: `单位-2025年部门预算.pdf`, safe in a header.
pub fn download_name(summary: &DocumentSummary, format: &str) -> String {
    let unit = analyze::clean_name(&summary.unit);
    let year = summary.year.map_or(String::new(), |y| format!("-{y}年"));
    format!("{unit}{year}{}预算.{format}", summary.scope.label())
}

/// Percent-encode everything but unreserved ASCII (RFC 3986), for paths and RFC 5987 names.
pub fn percent_encode(s: &str) -> String {
    let mut enc = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    enc
}

/// `Content-Disposition` for a (possibly Chinese) file name, RFC 5987.
pub fn attachment(name: &str, format: &str) -> String {
    format!(
        "attachment; filename=\"document.{format}\"; filename*=UTF-8''{}",
        percent_encode(name)
    )
}
