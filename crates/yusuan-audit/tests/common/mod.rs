//! Helpers shared by the audit tests: the corpus, the bundled example, variants of a text.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use yusuan_audit::{Finding, Severity};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A corpus document from `../shared/corpus`. The corpus is not part of the repository: on a
/// developer's machine without it the test is skipped (and says so); under CI it must exist.
pub fn corpus(name: &str) -> Option<String> {
    let path = repo_root().join("../shared/corpus").join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if std::env::var_os("CI").is_some() => panic!("corpus file {}: {e}", path.display()),
        Err(_) => {
            eprintln!("skipped: corpus not found at {}", path.display());
            None
        }
    }
}

pub fn corpus_files() -> Vec<PathBuf> {
    let dir = repo_root().join("../shared/corpus");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    if v.is_empty() && std::env::var_os("CI").is_some() {
        panic!("no corpus at {}", dir.display());
    }
    v.sort();
    v
}

pub fn example() -> String {
    std::fs::read_to_string(repo_root().join("examples/chongqing-dadukou-govoffice-2025.txt"))
        .expect("bundled example")
}

pub fn audit(text: &str) -> Vec<Finding> {
    yusuan_audit::check(&yusuan_read::read_text("test.txt", text))
}

/// 1-based number of the first line containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
}

/// Replace `from` by `to` on the first line containing `needle`; returns the text and the line.
pub fn edit(text: &str, needle: &str, from: &str, to: &str) -> (String, usize) {
    let n = line_of(text, needle);
    let out: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == n {
                l.replacen(from, to, 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_ne!(
        out[n - 1],
        text.lines().nth(n - 1).unwrap_or(""),
        "edit changed nothing"
    );
    (out.join("\n") + "\n", n)
}

/// Delete lines `first..=last` (1-based).
pub fn delete(text: &str, first: usize, last: usize) -> String {
    text.lines()
        .enumerate()
        .filter(|(i, _)| *i + 1 < first || *i + 1 > last)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

pub fn is_loud(f: &Finding) -> bool {
    matches!(f.severity, Severity::Error | Severity::Warning)
}

pub fn covers(f: &Finding, line: usize) -> bool {
    f.locations
        .iter()
        .any(|l| l.line as usize <= line && line <= l.end_line as usize)
}

/// Errors and warnings of `after` that `before` did not have (by rule and message).
pub fn new_findings(before: &[Finding], after: &[Finding]) -> Vec<Finding> {
    after
        .iter()
        .filter(|f| {
            is_loud(f)
                && !before
                    .iter()
                    .any(|b| b.rule == f.rule && b.message == f.message)
        })
        .cloned()
        .collect()
}

pub fn show(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "{} {:?} {:?}: {}",
                f.rule,
                f.severity,
                f.locations
                    .iter()
                    .map(|l| (l.line, l.end_line))
                    .collect::<Vec<_>>(),
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
