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
        use yusuan_store::StoreError;
        let status = match e {
            StoreError::NoSuchUnit(_) => StatusCode::NOT_FOUND,
            StoreError::SameUnit => StatusCode::BAD_REQUEST,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        Problem::new(status, e.to_string())
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
    // A document whose unit cannot be read is no unit's entry (it is listed under 最近上传).
    // The unit's other names are its own (中共江苏省委办公厅 is 江苏省委办公厅).
    let own = yusuan_store::unit::normalise(unit);
    if own.is_empty()
        || user
            .units
            .iter()
            .any(|u| yusuan_store::unit::normalise(u) == own)
    {
        return Ok(());
    }
    let unit = unit.trim();
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
    let Some(d) = state.store.document(hash).await? else {
        return Err(Problem::not_found());
    };
    if viewer.can_view(&d.summary) {
        return Ok(d);
    }
    // A department sees its unit under every name the unit's documents print.
    if let Some(u) = viewer.user.as_ref().filter(|u| u.role == Role::Department) {
        if !d.summary.unit_key.is_empty()
            && state
                .store
                .unit_has_name(&d.summary.unit_key, &u.units)
                .await?
        {
            return Ok(d);
        }
    }
    Err(Problem::not_found())
}

/// How many errors a document has and the first `n` of their messages.
pub fn first_errors(stored: &StoredDocument, n: usize) -> (i64, Vec<String>) {
    let messages = serde_json::from_str::<yusuan_audit::report::StoredReport>(&stored.report_json)
        .map(|r| {
            r.findings
                .into_iter()
                .filter(|f| f.severity == yusuan_audit::Severity::Error)
                .take(n)
                .map(|f| f.message)
                .collect()
        })
        .unwrap_or_default();
    (stored.summary.errors, messages)
}

/// Mark a document published or not (the bureau's). A document with errors is made public
/// only when `confirm_errors` names how many it has (the person saw them and decided); that
/// is recorded with who did it. Without the confirmation: 409, the errors named.
pub async fn set_published(
    state: &AppState,
    viewer: &Viewer,
    hash: &str,
    published: bool,
    confirm_errors: Option<i64>,
) -> Result<(), Problem> {
    if !viewer.can_set_published() {
        return Err(Problem::forbidden("公开文档"));
    }
    let stored = visible(state, viewer, hash).await?;
    let errors = stored.summary.errors;
    let confirmed = published && errors > 0;
    if confirmed && confirm_errors != Some(errors) {
        let (_, first) = first_errors(&stored, 3);
        let mut listed = first
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{}. {m}", i + 1))
            .collect::<Vec<_>>()
            .join("；");
        if errors > first.len() as i64 {
            listed.push_str(&format!("；另有 {} 个", errors - first.len() as i64));
        }
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "该文档有 {errors} 个错误，公开前须确认：{listed}。确认公开请在请求中附上 \
                 \"confirm_errors\": {errors}"
            ),
        ));
    }
    let by = viewer.user.as_ref().map(|u| u.id);
    if !state
        .store
        .set_published(hash, published, by, confirmed)
        .await?
    {
        return Err(Problem::not_found());
    }
    Ok(())
}

/// A unit-year's document, as a cell of the overview shows it.
#[derive(Clone, Serialize)]
pub struct CellDocument {
    pub hash: String,
    pub errors: i64,
    pub warnings: i64,
    #[serde(serialize_with = "status_label")]
    pub status: yusuan_store::Status,
}

/// One cell of the overview: a unit in a year. Its status is that of its public document
/// (what the public reads), never of a better draft beside it.
#[derive(Clone, Serialize)]
pub struct Cell {
    /// The public document (the newest, if several are public); `None`: 无公开文档.
    pub public: Option<CellDocument>,
    /// The newest document of that unit and year, public or not.
    pub latest: String,
    /// How many documents that unit has for that year.
    pub documents: usize,
}

impl Cell {
    /// Whether the cell is what a status filter asks for: a status code of its public
    /// document, or [`NO_PUBLIC`].
    pub fn matches(&self, status: &str) -> bool {
        match &self.public {
            Some(p) => p.status.code() == status,
            None => status == NO_PUBLIC,
        }
    }
}

/// The status filter's value for unit-years with no public document.
pub const NO_PUBLIC: &str = "none";
/// What a unit-year with no public document says.
pub const NO_PUBLIC_LABEL: &str = "无公开文档";

/// One unit of the overview: its identity, the name it goes by, every name its documents
/// print, and its years.
#[derive(Clone, Serialize)]
pub struct UnitRow {
    pub key: String,
    pub name: String,
    pub names: Vec<String>,
    pub years: BTreeMap<i32, Cell>,
}

fn status_label<S: serde::Serializer>(s: &yusuan_store::Status, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.label())
}

#[derive(Serialize)]
pub struct Overview {
    pub years: Vec<i32>,
    pub units: Vec<UnitRow>,
    /// The latest 20 uploads, including those whose unit or year could not be read.
    pub recent: Vec<DocumentSummary>,
}

/// Units x years of the disclosures this visitor may see.
pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    mut filter: Filter,
) -> Result<Overview, Problem> {
    // The status is the cell's (its public document's), not any document's: filtered below.
    let status = filter.status.take();
    let docs = state.store.list(&viewer.restrict(filter)).await?;
    let mut recent = docs.clone();
    // The recent uploads by their own status (not public: by none).
    if let Some(s) = &status {
        recent.retain(|d| match s.as_str() {
            NO_PUBLIC => !d.published,
            s => d.status.code() == s,
        });
    }
    recent.sort_by_key(|d| std::cmp::Reverse(d.uploaded_at));
    recent.truncate(20);
    Ok(Overview {
        years: Vec::new(),
        units: unit_rows(docs),
        recent,
    }
    .only(status.as_deref()))
}

/// The rows of units x years of `docs`, by unit identity, in the order of their names.
fn unit_rows(mut docs: Vec<DocumentSummary>) -> Vec<UnitRow> {
    // Newest first: the first seen of a unit-year is its newest document, and of a unit the
    // one whose name it goes by (its newest public document's, else its newest document's).
    docs.sort_by(|a, b| {
        (b.published, b.year, b.uploaded_at).cmp(&(a.published, a.year, a.uploaded_at))
    });
    let mut rows: BTreeMap<String, UnitRow> = BTreeMap::new();
    for d in docs {
        let Some(year) = d.year else { continue };
        let key = if d.unit_key.is_empty() {
            "（未识别单位）".to_string()
        } else {
            d.unit_key.clone()
        };
        let row = rows.entry(key.clone()).or_insert_with(|| UnitRow {
            key,
            name: if d.unit.is_empty() {
                "（未识别单位）".to_string()
            } else {
                d.unit.clone()
            },
            names: Vec::new(),
            years: BTreeMap::new(),
        });
        if !d.unit.is_empty() && !row.names.contains(&d.unit) {
            row.names.push(d.unit.clone());
        }
        let public = d.published.then(|| CellDocument {
            hash: d.hash.clone(),
            errors: d.errors,
            warnings: d.warnings,
            status: d.status,
        });
        row.years
            .entry(year)
            .and_modify(|c| {
                c.documents += 1;
                if c.public.is_none() {
                    c.public.clone_from(&public);
                }
            })
            .or_insert(Cell {
                public,
                latest: d.hash,
                documents: 1,
            });
    }
    let mut rows: Vec<UnitRow> = rows.into_values().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key.cmp(&b.key)));
    rows
}

impl Overview {
    /// Only the cells a status filter asks for (all when none), and the years they have.
    fn only(mut self, status: Option<&str>) -> Overview {
        if let Some(s) = status {
            for row in &mut self.units {
                row.years.retain(|_, c| c.matches(s));
            }
            self.units.retain(|r| !r.years.is_empty());
        }
        let years: std::collections::BTreeSet<i32> = self
            .units
            .iter()
            .flat_map(|r| r.years.keys().copied())
            .collect();
        self.years = years.into_iter().collect();
        self
    }
}

/// Merge the unit `from` into `into` (the bureau's: the same office under names the store
/// cannot tell are one). Returns the two keys and how many documents moved.
pub async fn merge_units(
    state: &AppState,
    viewer: &Viewer,
    from: &str,
    into: &str,
) -> Result<(String, String, u64), Problem> {
    if !viewer.can_set_published() {
        return Err(Problem::forbidden("合并单位"));
    }
    let by = viewer.user.as_ref().map(|u| u.id);
    Ok(state.store.merge_units(from, into, by).await?)
}

/// One unit: who it is, its documents (newest year first), the comparison of its years, and
/// each year's 决算 against its plan.
#[derive(Serialize)]
pub struct UnitView {
    pub key: String,
    /// The name it goes by (its newest public document's, else its newest document's).
    pub name: String,
    /// Every name its documents print.
    pub names: Vec<String>,
    pub documents: Vec<DocumentSummary>,
    pub comparison: Comparison,
    #[serde(skip)]
    pub executions: Executions,
    /// The units merged into this one.
    pub merged: Vec<yusuan_store::UnitMerge>,
}

/// A unit, named by its key or any of its names.
pub async fn unit(state: &AppState, viewer: &Viewer, unit: &str) -> Result<UnitView, Problem> {
    let filter = Filter {
        unit: Some(unit.to_string()),
        ..Filter::default()
    };
    let mut docs = state.store.list(&viewer.restrict(filter)).await?;
    // Newest year first; within a year the public document, then the newest.
    docs.sort_by(|a, b| {
        (b.year, b.published, b.uploaded_at).cmp(&(a.year, a.published, a.uploaded_at))
    });
    // The name it goes by: as in the overview.
    let Some(best) = docs
        .iter()
        .max_by_key(|d| (d.published, d.year, d.uploaded_at))
    else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "没有该单位的文档（或您无权查看）",
        ));
    };
    let (key, name) = (best.unit_key.clone(), best.unit.clone());
    let mut names: Vec<String> = Vec::new();
    for d in &docs {
        if !d.unit.is_empty() && !names.contains(&d.unit) {
            names.push(d.unit.clone());
        }
    }
    let merged = if viewer.can_set_published() {
        state
            .store
            .unit_merges()
            .await?
            .into_iter()
            .filter(|m| m.into_key == key)
            .collect()
    } else {
        Vec::new()
    };
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
    Ok(UnitView {
        comparison: compare(&name, &per_year),
        key,
        name,
        names,
        documents: docs,
        executions,
        merged,
    })
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
