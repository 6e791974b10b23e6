//! yusuan-corpus holds no code: its tests (`tests/`) walk `../shared/corpus`, read every
//! published document with yusuan-read and audit it with yusuan-audit, each against the findings
//! a reviewer checked against the printed figures (`tests/expected/<file>.toml`).
