//! Persistence for the web workspace.
//!
//! One [`Store`] over SQLite (the default: one file, created on first start) or PostgreSQL,
//! through sqlx's `Any` driver so that both back ends run the same queries. Each back end has
//! its own migrations (`migrations/sqlite`, `migrations/postgres`), embedded in the binary and
//! applied on open.
//!
//! A document is stored once, keyed by the SHA-256 of its bytes, together with what reading
//! and auditing it produced (the Document model, the report, the text the spans point into), so
//! pages never read a file twice. A write is acknowledged only after its transaction commits
//! (SQLite in WAL mode with `synchronous = FULL`).

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::{SystemTime, UNIX_EPOCH};
pub use yusuan_audit::report::Status;
use yusuan_core::{DocKind, Scope};

pub mod password;
pub mod unit;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", database_reason(.0))]
    Database(#[from] sqlx::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("不支持的数据库地址 {0}（可用 sqlite://文件 或 postgres://…）")]
    Url(String),
    #[error("用户名 {0} 已存在")]
    UserExists(String),
    #[error("系统随机数不可用：{0}")]
    Random(String),
    #[error("数据库中的 {column} 值“{value}”无法识别")]
    Corrupt { column: &'static str, value: String },
    #[error("没有单位“{0}”")]
    NoSuchUnit(String),
    #[error("不能把单位合并到它自己")]
    SameUnit,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A database failure in the user's words; the driver's own (English) message in brackets.
fn database_reason(e: &sqlx::Error) -> String {
    let plain = match e {
        sqlx::Error::Io(io) => return format!("数据库连接失败：{}", yusuan_core::reason::io(io)),
        sqlx::Error::PoolTimedOut => "数据库繁忙，等待连接超时",
        sqlx::Error::PoolClosed => "数据库连接已关闭",
        sqlx::Error::RowNotFound => "数据库中没有这条记录",
        sqlx::Error::Database(d) if d.code().as_deref() == Some("14") => {
            "无法打开数据库文件（目录不存在或没有写权限）"
        }
        sqlx::Error::Database(d) if d.is_unique_violation() => "数据库中已有相同的记录",
        _ => "数据库错误",
    };
    format!("{plain}（数据库信息：{e}）")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a signed-in person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The finance bureau: every unit.
    Bureau,
    /// A department's finance staff: its own units.
    Department,
    /// Read-only access to published documents.
    Public,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Bureau => "bureau",
            Role::Department => "department",
            Role::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "bureau" => Some(Role::Bureau),
            "department" => Some(Role::Department),
            "public" => Some(Role::Public),
            _ => None,
        }
    }

    /// 财政局 / 部门 / 公众.
    pub fn label(self) -> &'static str {
        match self {
            Role::Bureau => "财政局",
            Role::Department => "部门",
            Role::Public => "公众",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// The units a department user works for (names as printed in their documents).
    pub units: Vec<String>,
}

/// What a stored document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A published or draft disclosure (PDF, text, workbook).
    Disclosure,
    /// A budget source (TOML), published on demand.
    BudgetSource,
}

impl DocumentKind {
    /// The stable code the store keeps (and the API names): `disclosure`, `budget`.
    pub const fn code(self) -> &'static str {
        match self {
            DocumentKind::Disclosure => "disclosure",
            DocumentKind::BudgetSource => "budget",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentKind> {
        [DocumentKind::Disclosure, DocumentKind::BudgetSource]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A document to store, with what reading and auditing it produced.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub filename: String,
    pub kind: DocumentKind,
    pub content: Vec<u8>,
    pub unit: String,
    pub year: Option<i32>,
    /// The region profile, or empty when the layout was not recognised.
    pub region: String,
    pub scope: Scope,
    pub stage: DocKind,
    pub errors: i64,
    pub warnings: i64,
    pub infos: i64,
    pub status: Status,
    /// The text the findings' line numbers point into.
    pub source_text: String,
    pub document_json: String,
    pub report_json: String,
    pub uploaded_by: Option<i64>,
}

/// A stored document without its bytes and its heavy JSON (lists and overviews). In JSON the
/// kind is its code and scope, stage and status their labels (部门, 预算, 通过), as the API has
/// always said them.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentSummary {
    pub hash: String,
    pub filename: String,
    #[serde(serialize_with = "by_code")]
    pub kind: DocumentKind,
    pub size: i64,
    /// The unit's name as this document prints it.
    pub unit: String,
    /// The unit's identity across the names its documents print ([`unit`]); empty when the
    /// document's unit could not be read.
    pub unit_key: String,
    pub year: Option<i32>,
    pub region: String,
    #[serde(serialize_with = "scope_label")]
    pub scope: Scope,
    #[serde(serialize_with = "stage_label")]
    pub stage: DocKind,
    pub errors: i64,
    pub warnings: i64,
    pub infos: i64,
    #[serde(serialize_with = "status_label")]
    pub status: Status,
    pub published: bool,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: i64,
}

/// A stored document with its reading (still without its bytes: see [`Store::content`]).
#[derive(Clone, Debug)]
pub struct StoredDocument {
    pub summary: DocumentSummary,
    pub source_text: String,
    pub document_json: String,
    pub report_json: String,
}

/// One change of a document's public state.
#[derive(Clone, Debug, Serialize)]
pub struct Publication {
    pub published: bool,
    /// The document's errors when this was done.
    pub errors: i64,
    /// Made public with errors after the person doing it confirmed them.
    pub confirmed: bool,
    /// Who did it (`None` for a user since removed).
    pub username: Option<String>,
    /// Unix seconds.
    pub at: i64,
}

/// A unit merged into another.
#[derive(Clone, Debug, Serialize)]
pub struct UnitMerge {
    pub from_key: String,
    pub into_key: String,
    /// Who merged them; `None` when the store did, because the two share a name or a code.
    pub username: Option<String>,
    /// Unix seconds.
    pub at: i64,
}

/// Which documents a list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub year: Option<i32>,
    pub region: Option<String>,
    /// A status code (`passed` ...); a value no status has matches nothing.
    pub status: Option<String>,
    /// One unit, named by its key or by any name its documents print (see
    /// [`Store::unit_key_of`]); a unit no document has matches nothing.
    pub unit: Option<String>,
    pub kind: Option<String>,
    /// Only documents marked published (the public's view).
    pub published_only: bool,
    /// A department's view: documents of these units (named as the user's account names them:
    /// every document of a unit one of whose documents prints one of these names, normalised)
    /// or uploaded by this user.
    pub visible_to: Option<(Vec<String>, i64)>,
}

/// The SHA-256 of `bytes`, lower-case hex: a document's key.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A random token, 32 bytes as hex.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn by_code<S: Serializer>(k: &DocumentKind, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(k.code())
}

fn scope_label<S: Serializer>(v: &Scope, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.label())
}

fn stage_label<S: Serializer>(v: &DocKind, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.label())
}

fn status_label<S: Serializer>(v: &Status, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.label())
}

/// A stored code read back as its type; a code no version wrote is an error, never a guess.
fn decode<T>(row: &AnyRow, column: &'static str, from: fn(&str) -> Option<T>) -> Result<T> {
    let value: String = row.try_get(column)?;
    from(&value).ok_or(StoreError::Corrupt { column, value })
}

const SUMMARY_COLUMNS: &str = "hash, filename, kind, size, unit, unit_key, year, region, scope, \
     stage, errors, warnings, infos, status, published, uploaded_by, uploaded_at";

fn summary_of(row: &AnyRow) -> Result<DocumentSummary> {
    Ok(DocumentSummary {
        hash: row.try_get("hash")?,
        filename: row.try_get("filename")?,
        kind: decode(row, "kind", DocumentKind::from_code)?,
        size: row.try_get("size")?,
        unit: row.try_get("unit")?,
        unit_key: row.try_get("unit_key")?,
        year: row
            .try_get::<Option<i64>, _>("year")?
            .and_then(|y| i32::try_from(y).ok()),
        region: row.try_get("region")?,
        scope: decode(row, "scope", Scope::from_code)?,
        stage: decode(row, "stage", DocKind::from_code)?,
        errors: row.try_get("errors")?,
        warnings: row.try_get("warnings")?,
        infos: row.try_get("infos")?,
        status: decode(row, "status", Status::from_code)?,
        published: row.try_get::<i64, _>("published")? != 0,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

fn user_of(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    let units: String = row.try_get("units")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: Role::parse(&role).unwrap_or(Role::Public),
        units: units
            .split('\n')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// `sqlite://…` and `postgres://…` as given; anything else is a SQLite file path.
pub fn database_url(spec: &str) -> Result<(Backend, String)> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        Ok((Backend::Postgres, spec.to_string()))
    } else if let Some(rest) = spec.strip_prefix("sqlite:") {
        let sep = if rest.contains('?') { '&' } else { '?' };
        let url = if rest.contains("mode=") {
            spec.to_string()
        } else {
            format!("{spec}{sep}mode=rwc")
        };
        Ok((Backend::Sqlite, url))
    } else if spec.contains("://") {
        Err(StoreError::Url(spec.to_string()))
    } else {
        Ok((Backend::Sqlite, format!("sqlite://{spec}?mode=rwc")))
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Open (creating a SQLite file if needed) and migrate.
    pub async fn open(spec: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = database_url(spec)?;
        let mut options = AnyPoolOptions::new().max_connections(8);
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 30000",
                        "PRAGMA foreign_keys = ON",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = options.connect(&url).await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        let store = Store { pool, backend };
        store.key_units().await?;
        Ok(store)
    }

    /// Give every document stored before units had keys (migration 0003) its unit's key, in
    /// the order they were uploaded, as if each were uploaded now.
    async fn key_units(&self) -> Result<()> {
        let rows = sqlx::query(
            "SELECT hash FROM documents WHERE unit_key = '' AND unit <> '' ORDER BY uploaded_at",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let hash: String = r.try_get("hash")?;
            let mut tx = self.pool.begin().await?;
            let doc = sqlx::query("SELECT unit, source_text FROM documents WHERE hash = $1")
                .bind(&hash)
                .fetch_one(&mut *tx)
                .await?;
            let (unit, text): (String, String) =
                (doc.try_get("unit")?, doc.try_get("source_text")?);
            assign_unit(&mut tx, &hash, &unit, &text).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- users and sessions ----

    /// Add a user; `password_hash` comes from [`password::hash`].
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        units: &[String],
    ) -> Result<i64> {
        let existing = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        if existing.is_some() {
            return Err(StoreError::UserExists(username.to_string()));
        }
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, role, units, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(units.join("\n"))
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// The user and their password hash, for signing in.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, units FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some((user_of(&r)?, r.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, username, role, units FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_of).collect()
    }

    /// Start a session; returns the token for the cookie (only its hash is stored).
    pub async fn create_session(&self, user_id: i64, ttl_secs: i64) -> Result<String> {
        let token = random_token()?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
            .bind(content_hash(token.as_bytes()))
            .bind(user_id)
            .bind(now() + ttl_secs)
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    pub async fn session_user(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.role, u.units FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(content_hash(token.as_bytes()))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_of).transpose()
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(content_hash(token.as_bytes()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- documents ----

    /// Whether a document with these bytes is stored.
    pub async fn has_document(&self, hash: &str) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 AS one FROM documents WHERE hash = $1")
                .bind(hash)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// Store a document once: returns its hash and whether it was new. The write is committed
    /// when this returns.
    pub async fn put_document(&self, doc: &NewDocument) -> Result<(String, bool)> {
        let hash = content_hash(&doc.content);
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query(
            "INSERT INTO documents (hash, filename, kind, size, content, unit, year, region, \
             scope, stage, errors, warnings, infos, status, source_text, document_json, \
             report_json, published, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, \
             $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0, $18, $19) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(&doc.filename)
        .bind(doc.kind.code())
        .bind(doc.content.len() as i64)
        .bind(&doc.content)
        .bind(&doc.unit)
        .bind(doc.year.map(i64::from))
        .bind(&doc.region)
        .bind(doc.scope.code())
        .bind(doc.stage.code())
        .bind(doc.errors)
        .bind(doc.warnings)
        .bind(doc.infos)
        .bind(doc.status.code())
        .bind(&doc.source_text)
        .bind(&doc.document_json)
        .bind(&doc.report_json)
        .bind(doc.uploaded_by)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let new = result.rows_affected() > 0;
        if new {
            assign_unit(&mut tx, &hash, &doc.unit, &doc.source_text).await?;
        }
        tx.commit().await?;
        Ok((hash, new))
    }

    pub async fn document(&self, hash: &str) -> Result<Option<StoredDocument>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS}, source_text, document_json, report_json \
             FROM documents WHERE hash = $1"
        )))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(StoredDocument {
                summary: summary_of(&r)?,
                source_text: r.try_get("source_text")?,
                document_json: r.try_get("document_json")?,
                report_json: r.try_get("report_json")?,
            })),
            None => Ok(None),
        }
    }

    /// The bytes as uploaded.
    pub async fn content(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT content FROM documents WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get::<Vec<u8>, _>("content"))
            .transpose()
            .map_err(Into::into)
    }

    /// Make a document public or not, and record who did it and whether they confirmed its
    /// errors (the caller decides whether a confirmation was needed). False when there is no
    /// such document.
    pub async fn set_published(
        &self,
        hash: &str,
        published: bool,
        by: Option<i64>,
        confirmed: bool,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query("UPDATE documents SET published = $1 WHERE hash = $2")
            .bind(i64::from(published))
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO publications (hash, published, errors, confirmed, user_id, at) \
             SELECT hash, $1, errors, $2, $3, $4 FROM documents WHERE hash = $5",
        )
        .bind(i64::from(published))
        .bind(i64::from(confirmed))
        .bind(by)
        .bind(now())
        .bind(hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A document's changes of public state, oldest first.
    pub async fn publications(&self, hash: &str) -> Result<Vec<Publication>> {
        let rows = sqlx::query(
            "SELECT p.published, p.errors, p.confirmed, u.username, p.at FROM publications p \
             LEFT JOIN users u ON u.id = p.user_id WHERE p.hash = $1 ORDER BY p.id",
        )
        .bind(hash)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Publication {
                    published: r.try_get::<i64, _>("published")? != 0,
                    errors: r.try_get("errors")?,
                    confirmed: r.try_get::<i64, _>("confirmed")? != 0,
                    username: r.try_get("username")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    // ---- units ----

    /// The key of the unit `name_or_key` names: a unit's key, a name one of its documents
    /// prints, a name that normalises to one of them, or a key merged into it. `None` when no
    /// document is of that unit.
    pub async fn unit_key_of(&self, name_or_key: &str) -> Result<Option<String>> {
        let name = unit::name_key(name_or_key);
        for (sql, value) in [
            (
                "SELECT unit_key FROM documents WHERE unit_key = $1 LIMIT 1",
                name_or_key,
            ),
            (
                "SELECT unit_key FROM documents WHERE unit = $1 LIMIT 1",
                name_or_key,
            ),
            (
                "SELECT unit_key FROM documents WHERE unit_name = $1 LIMIT 1",
                &name,
            ),
            (
                "SELECT into_key AS unit_key FROM unit_merges WHERE from_key = $1",
                name_or_key,
            ),
            (
                "SELECT into_key AS unit_key FROM unit_merges WHERE from_key = $1",
                &name,
            ),
        ] {
            if value.is_empty() {
                continue;
            }
            let row = sqlx::query(sql)
                .bind(value)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(r) = row {
                let key: String = r.try_get("unit_key")?;
                if !key.is_empty() {
                    return Ok(Some(key));
                }
            }
        }
        Ok(None)
    }

    /// Whether a document of the unit `key` prints one of `names` (normalised): a department
    /// account registered under one name sees its unit under all of them.
    pub async fn unit_has_name(&self, key: &str, names: &[String]) -> Result<bool> {
        for n in names {
            let row = sqlx::query(
                "SELECT 1 AS one FROM documents WHERE unit_key = $1 AND unit_name = $2 LIMIT 1",
            )
            .bind(key)
            .bind(unit::name_key(n))
            .fetch_optional(&self.pool)
            .await?;
            if row.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Merge the unit `from` into `into` (each named as [`Store::unit_key_of`] takes it), as the
    /// finance bureau's user `by` decides: every document of `from` becomes `into`'s, and a later
    /// upload of `from` files under `into`. Returns the two keys and how many documents moved.
    pub async fn merge_units(
        &self,
        from: &str,
        into: &str,
        by: Option<i64>,
    ) -> Result<(String, String, u64)> {
        let from_key = self
            .unit_key_of(from)
            .await?
            .ok_or_else(|| StoreError::NoSuchUnit(from.to_string()))?;
        let into_key = self
            .unit_key_of(into)
            .await?
            .ok_or_else(|| StoreError::NoSuchUnit(into.to_string()))?;
        if from_key == into_key {
            return Err(StoreError::SameUnit);
        }
        let mut tx = self.pool.begin().await?;
        let moved = merge_in(&mut tx, &from_key, &into_key, by).await?;
        tx.commit().await?;
        Ok((from_key, into_key, moved))
    }

    /// Every merge, oldest first.
    pub async fn unit_merges(&self) -> Result<Vec<UnitMerge>> {
        let rows = sqlx::query(
            "SELECT m.from_key, m.into_key, u.username, m.merged_at FROM unit_merges m \
             LEFT JOIN users u ON u.id = m.user_id ORDER BY m.merged_at, m.from_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitMerge {
                    from_key: r.try_get("from_key")?,
                    into_key: r.try_get("into_key")?,
                    username: r.try_get("username")?,
                    at: r.try_get("merged_at")?,
                })
            })
            .collect()
    }

    /// Documents matching `filter`, by unit, then year (newest first), then upload time.
    pub async fn list(&self, filter: &Filter) -> Result<Vec<DocumentSummary>> {
        enum Value {
            Int(i64),
            Text(String),
        }
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM documents WHERE 1 = 1");
        let mut values: Vec<Value> = Vec::new();
        // `?` in a clause becomes the next numbered parameter.
        let mut clause = |sql: &mut String, text: &str, value: Value| {
            values.push(value);
            sql.push_str(&text.replace('?', &format!("${}", values.len())));
        };
        if let Some(y) = filter.year {
            clause(&mut sql, " AND year = ?", Value::Int(i64::from(y)));
        }
        for (value, text) in [
            (&filter.region, " AND region = ?"),
            (&filter.status, " AND status = ?"),
            (&filter.kind, " AND kind = ?"),
        ] {
            if let Some(v) = value {
                clause(&mut sql, text, Value::Text(v.clone()));
            }
        }
        if let Some(u) = &filter.unit {
            match self.unit_key_of(u).await? {
                Some(key) => clause(&mut sql, " AND unit_key = ?", Value::Text(key)),
                None => sql.push_str(" AND 1 = 0"),
            }
        }
        if let Some((units, user)) = &filter.visible_to {
            sql.push_str(" AND (");
            for u in units {
                let name = unit::name_key(u);
                clause(&mut sql, "unit = ? OR ", Value::Text(u.clone()));
                clause(
                    &mut sql,
                    "unit_key IN (SELECT unit_key FROM documents WHERE unit_name = ?) OR ",
                    Value::Text(name),
                );
            }
            clause(&mut sql, "uploaded_by = ?)", Value::Int(*user));
        }
        if filter.published_only {
            sql.push_str(" AND published = 1");
        }
        sql.push_str(" ORDER BY unit, year DESC, uploaded_at DESC");
        // Only fixed clauses are concatenated; every value is a bound parameter.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in values {
            q = match v {
                Value::Int(i) => q.bind(i),
                Value::Text(t) => q.bind(t),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(summary_of).collect()
    }

    /// Problems with what is stored: the database's own check (SQLite) and every document's
    /// bytes against its key. Empty when all is well.
    pub async fn verify(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        if self.backend == Backend::Sqlite {
            let rows = sqlx::query("PRAGMA integrity_check")
                .fetch_all(&self.pool)
                .await?;
            for r in rows {
                let s: String = r.try_get(0)?;
                if s != "ok" {
                    problems.push(s);
                }
            }
        }
        let rows =
            sqlx::query("SELECT hash, size, content, document_json, report_json FROM documents")
                .fetch_all(&self.pool)
                .await?;
        for r in rows {
            let hash: String = r.try_get("hash")?;
            let size: i64 = r.try_get("size")?;
            let content: Vec<u8> = r.try_get("content")?;
            if content_hash(&content) != hash || content.len() as i64 != size {
                problems.push(format!("{hash}: 内容与哈希不符"));
            }
            for col in ["document_json", "report_json"] {
                let json: String = r.try_get(col)?;
                if json.is_empty() {
                    problems.push(format!("{hash}: {col} 为空"));
                }
            }
        }
        Ok(problems)
    }
}

/// File a stored document under its unit (see [`unit`]): its own key (printed code or
/// normalised name), followed through merges; a unit with no document yet joins the unit of a
/// document printing the same name (normalised), unless both are known by different printed
/// codes, and that is recorded as a merge made by the store.
async fn assign_unit(
    conn: &mut sqlx::AnyConnection,
    hash: &str,
    name: &str,
    text: &str,
) -> Result<()> {
    let name_key = unit::name_key(name);
    let mut key = unit::key(name, text);
    if let Some(r) = sqlx::query("SELECT into_key FROM unit_merges WHERE from_key = $1")
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?
    {
        key = r.try_get("into_key")?;
    }
    let known = |key: String| {
        sqlx::query("SELECT 1 AS one FROM documents WHERE unit_key = $1 AND hash <> $2 LIMIT 1")
            .bind(key)
            .bind(hash.to_string())
    };
    if !key.is_empty()
        && known(key.clone())
            .fetch_optional(&mut *conn)
            .await?
            .is_none()
    {
        let namesakes = sqlx::query(
            "SELECT DISTINCT unit_key FROM documents WHERE unit_name = $1 AND hash <> $2 \
             AND unit_key <> '' ORDER BY unit_key",
        )
        .bind(&name_key)
        .bind(hash)
        .fetch_all(&mut *conn)
        .await?;
        for r in namesakes {
            let other: String = r.try_get("unit_key")?;
            if key.starts_with("code:") && other.starts_with("code:") {
                continue;
            }
            merge_in(conn, &key, &other, None).await?;
            key = other;
            break;
        }
    }
    sqlx::query("UPDATE documents SET unit_key = $1, unit_name = $2 WHERE hash = $3")
        .bind(&key)
        .bind(&name_key)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Move the unit `from` into `into` and record it: its documents, the merges into it, and a
/// merge of its own. Returns how many documents moved.
async fn merge_in(
    conn: &mut sqlx::AnyConnection,
    from: &str,
    into: &str,
    by: Option<i64>,
) -> Result<u64> {
    let moved = sqlx::query("UPDATE documents SET unit_key = $1 WHERE unit_key = $2")
        .bind(into)
        .bind(from)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query("UPDATE unit_merges SET into_key = $1 WHERE into_key = $2")
        .bind(into)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO unit_merges (from_key, into_key, user_id, merged_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (from_key) DO UPDATE SET into_key = excluded.into_key, \
         user_id = excluded.user_id, merged_at = excluded.merged_at",
    )
    .bind(from)
    .bind(into)
    .bind(by)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(moved)
}

/// Databases for tests: a fresh SQLite file and, where a PostgreSQL server answers, a fresh
/// PostgreSQL database, so that every store test runs against both back ends.
#[doc(hidden)]
pub mod testing {
    use super::*;

    /// The server tests use: `YUSUAN_TEST_POSTGRES`, or the local one on 127.0.0.1:5432.
    pub fn postgres_base() -> String {
        std::env::var("YUSUAN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
    }

    /// A new, empty PostgreSQL database on the test server, or `None` when no server answers.
    /// In CI (`CI=true`) a missing server is a failure, not a skip.
    pub async fn fresh_postgres() -> Option<String> {
        sqlx::any::install_default_drivers();
        let base = postgres_base();
        let conn = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(&base)
            .await;
        let pool = match conn {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "PostgreSQL at {base} does not answer: {e}"
                );
                eprintln!("skipping PostgreSQL: {base} does not answer ({e})");
                return None;
            }
        };
        // Databases of earlier runs (named with their creation time) are dropped after an hour;
        // one still in use refuses to drop, which is ignored.
        let stale =
            sqlx::query("SELECT datname::text AS datname FROM pg_database WHERE datname LIKE 'yusuan\\_test\\_%'")
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
        for row in stale {
            let Ok(old) = row.try_get::<String, _>("datname") else {
                continue;
            };
            let born: i64 = old
                .split('_')
                .nth(2)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            if born < now() - 3600 && old.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {old}")))
                    .execute(&pool)
                    .await;
            }
        }
        let name = format!("yusuan_test_{}_{}", now(), &random_token().ok()?[..12]);
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .expect("CREATE DATABASE");
        pool.close().await;
        let (prefix, _) = base.rsplit_once('/')?;
        Some(format!("{prefix}/{name}"))
    }
}
