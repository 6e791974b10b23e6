-- Users, sessions and documents. Times are Unix seconds; flags are 0/1 integers so that the
-- same queries run on SQLite and PostgreSQL through sqlx's Any driver.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('bureau', 'department', 'public')),
    units TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);

CREATE TABLE documents (
    hash TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    unit TEXT NOT NULL,
    year INTEGER,
    region TEXT NOT NULL,
    scope TEXT NOT NULL,
    stage TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    status TEXT NOT NULL,
    source_text TEXT NOT NULL,
    document_json TEXT NOT NULL,
    report_json TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at INTEGER NOT NULL
);

CREATE INDEX documents_unit_year ON documents (unit, year);
