-- One unit across the names its documents print. unit_key is the unit's identity (its printed
-- code scoped by place, or its normalised name: yusuan_store::unit), unit_name the normalised
-- name's key; both are filled in by the store when it opens (existing rows) and on every upload.
ALTER TABLE documents ADD COLUMN unit_key TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN unit_name TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_unit_key ON documents (unit_key, year);
CREATE INDEX documents_unit_name ON documents (unit_name);

-- Units merged into another: by the finance bureau (user_id), or automatically (NULL) when a
-- document printing the unit's code arrives for a unit known so far by its name only. A key
-- merged away has no documents; a later upload under it files under into_key.
CREATE TABLE unit_merges (
    from_key TEXT PRIMARY KEY,
    into_key TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    merged_at BIGINT NOT NULL
);

-- Every change of a document's public state: who, when, how many errors the document had, and
-- whether publishing it with errors was confirmed.
CREATE TABLE publications (
    id BIGSERIAL PRIMARY KEY,
    hash TEXT NOT NULL REFERENCES documents(hash),
    published BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    confirmed BIGINT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX publications_hash ON publications (hash, id);
