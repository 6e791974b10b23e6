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
    pub unit: String,
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

/// Which documents a list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub year: Option<i32>,
    pub region: Option<String>,
    /// A status code (`passed` ...); a value no status has matches nothing.
    pub status: Option<String>,
    pub unit: Option<String>,
    pub kind: Option<String>,
    /// Only documents marked published (the public's view).
    pub published_only: bool,
    /// A department's view: documents of these units or uploaded by this user.
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

const SUMMARY_COLUMNS: &str = "hash, filename, kind, size, unit, year, region, scope, stage, \
     errors, warnings, infos, status, published, uploaded_by, uploaded_at";

fn summary_of(row: &AnyRow) -> Result<DocumentSummary> {
    Ok(DocumentSummary {
        hash: row.try_get("hash")?,
        filename: row.try_get("filename")?,
        kind: decode(row, "kind", DocumentKind::from_code)?,
        size: row.try_get("size")?,
        unit: row.try_get("unit")?,
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
        Ok(Store { pool, backend })
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
        .execute(&self.pool)
        .await?;
        Ok((hash, result.rows_affected() > 0))
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

    pub async fn set_published(&self, hash: &str, published: bool) -> Result<bool> {
        let r = sqlx::query("UPDATE documents SET published = $1 WHERE hash = $2")
            .bind(i64::from(published))
            .bind(hash)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
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
            (&filter.unit, " AND unit = ?"),
            (&filter.kind, " AND kind = ?"),
        ] {
            if let Some(v) = value {
                clause(&mut sql, text, Value::Text(v.clone()));
            }
        }
        if let Some((units, user)) = &filter.visible_to {
            sql.push_str(" AND (");
            for u in units {
                clause(&mut sql, "unit = ? OR ", Value::Text(u.clone()));
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
