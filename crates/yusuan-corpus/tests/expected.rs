//! Every corpus document against its expected-findings file (`tests/expected/<file>.toml`): the
//! errors and warnings the audit reports, each reviewed against the printed figures and marked
//! genuine (a defect one could show a finance officer), notice (about the reading, not the
//! document) or false (with its cause, while a fix is pending; that list only shrinks). A new corpus file without its file fails the test; with
//! `YUSUAN_WRITE_EXPECTED=1` the test writes a draft (status "unreviewed", which fails too) to
//! review and complete.
//!
//! The files also keep, under `[[missed]]`, the genuine defects a reviewer found that the audit
//! does not report yet: the work still to do, not checked here.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use yusuan_audit::{Finding, Severity};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    #[serde(default)]
    finding: Vec<Entry>,
    #[serde(default)]
    missed: Vec<Missed>,
    /// How many narrative amounts the audit cannot tie to what they are of
    /// (`yusuan_audit::unresolved`, listed by `yusuan read --format human`): pinned, so that a
    /// change is reviewed; the number only shrinks.
    #[serde(default)]
    unresolved: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    severity: String,
    /// The page of the finding's first location, or its line where the file has no pages.
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default = "one")]
    count: usize,
    /// "genuine" (a defect of the document), "false: <why the finding is wrong>", or
    /// "notice: <what it tells>" for a finding about the reading, not the document (a layout not
    /// audited, a file that holds half a disclosure, a table whose reading is in doubt).
    status: String,
    /// Why: the defect as a reviewer states it, or what the notice tells.
    note: String,
    /// The finding's own words when it was reviewed.
    #[serde(default)]
    #[allow(dead_code, reason = "for the reader of the file")]
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Missed {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    line: Option<u32>,
    what: String,
}

fn one() -> usize {
    1
}

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// (rule, severity, where) of a finding: its first page, or its first line without pages.
fn key(f: &Finding) -> (String, String, String) {
    let at = f
        .locations
        .first()
        .map_or("-".to_string(), |l| match l.page {
            Some(p) => format!("page {p}"),
            None => format!("line {}", l.line),
        });
    (f.rule.to_string(), sev(f.severity).to_string(), at)
}

fn draft(name: &str, findings: &[Finding]) -> String {
    let mut out = format!(
        "# {name}: the errors and warnings of `yusuan check`, reviewed against the printed figures.\n"
    );
    for f in findings {
        let l = f.locations.first();
        let at = match l.and_then(|l| l.page) {
            Some(p) => format!("page = {p}"),
            None => format!("line = {}", l.map_or(0, |l| l.line)),
        };
        out.push_str(&format!(
            "\n[[finding]]\nrule = \"{}\"\nseverity = \"{}\"\n{at}\nstatus = \"unreviewed\"\nnote = {:?}\n",
            f.rule,
            sev(f.severity),
            f.message
        ));
    }
    out
}

/// A corpus document's name, findings and unresolved narrative amounts.
type Audited = (String, Vec<Finding>, Vec<yusuan_audit::Unresolved>);

/// Every corpus document (PDF and text) read and audited once for all the tests here.
fn audited() -> &'static [Audited] {
    static AUDITED: std::sync::LazyLock<Vec<Audited>> = std::sync::LazyLock::new(|| {
        corpus_files()
            .into_iter()
            .filter_map(|path| {
                let name = path.file_name()?.to_string_lossy().into_owned();
                if !(name.ends_with(".pdf") || name.ends_with(".txt")) {
                    return None;
                }
                let bytes = std::fs::read(&path).expect("corpus file");
                let doc = yusuan_read::read_bytes(&name, &bytes).expect("readable corpus file");
                let open = yusuan_audit::unresolved(&doc);
                Some((name, yusuan_audit::check(&doc), open))
            })
            .collect()
    });
    &AUDITED
}

#[test]
fn every_corpus_document_has_exactly_its_reviewed_findings() {
    let dir = repo_root().join("crates/yusuan-corpus/tests/expected");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, all, _) in audited() {
        // `yusuan rules` prints what the code emits: every finding at a severity its rule declares.
        for f in all {
            let rule = yusuan_audit::rule(&f.rule).expect("a declared rule");
            assert!(
                rule.severities().contains(&f.severity),
                "{name}: {} emitted {:?}, declared {:?}",
                f.rule,
                f.severity,
                rule.severities()
            );
        }
        let loud: Vec<Finding> = all
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .cloned()
            .collect();
        let file = dir.join(format!("{name}.toml"));
        let Ok(text) = std::fs::read_to_string(&file) else {
            if std::env::var_os("YUSUAN_WRITE_EXPECTED").is_some() {
                std::fs::write(&file, draft(name, &loud)).expect("write draft");
            }
            failures.push(format!("{name}: no {}", file.display()));
            continue;
        };
        let expected: Expected =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            expected
                .missed
                .iter()
                .all(|m| !m.what.is_empty() && (m.page.is_some() || m.line.is_some())),
            "{}: a missed defect needs its place and what it is",
            file.display()
        );
        let mut want: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &expected.finding {
            assert!(
                e.status == "genuine"
                    || e.status.starts_with("false: ")
                    || e.status.starts_with("notice: "),
                "{}: {} is {:?}: review it (genuine, false: why, or notice: what it tells)",
                file.display(),
                e.rule,
                e.status
            );
            assert!(
                !e.note.is_empty(),
                "{}: {} needs a note",
                file.display(),
                e.rule
            );
            let at = match (e.page, e.line) {
                (Some(p), _) => format!("page {p}"),
                (None, Some(l)) => format!("line {l}"),
                (None, None) => "-".to_string(),
            };
            *want
                .entry((e.rule.clone(), e.severity.clone(), at))
                .or_default() += e.count;
        }
        let mut got: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for f in &loud {
            *got.entry(key(f)).or_default() += 1;
        }
        if want != got {
            let show = |m: &BTreeMap<(String, String, String), usize>| {
                m.iter()
                    .map(|((r, s, a), n)| format!("    {r} {s} {a} x{n}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            failures.push(format!(
                "{name}:\n  expected:\n{}\n  got:\n{}\n  findings:\n{}",
                show(&want),
                show(&got),
                show_findings(&loud)
            ));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        checked >= 40 || std::env::var_os("CI").is_none(),
        "only {checked} corpus files"
    );
}

fn show_findings(f: &[Finding]) -> String {
    show(f)
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every stated rate and every item named by its 类 / 款 / 项 path is checked, or said to be
/// unverifiable (无法核验, info). The count of those per document is printed and bounded.
#[test]
fn unverifiable_rates_and_items_are_few_and_said() {
    let mut report = Vec::new();
    let mut worst = 0;
    for (name, findings, _) in audited() {
        let open: Vec<&Finding> = findings
            .iter()
            .filter(|f| {
                (f.rule == "text.rate" || f.rule == "text.item")
                    && f.message.starts_with("无法核验")
            })
            .collect();
        worst = worst.max(open.len());
        report.push(format!("{name}: {}", open.len()));
        for f in open {
            report.push(format!("    {}", f.message));
        }
    }
    println!("{}", report.join("\n"));
    assert!(worst <= 3, "{}", report.join("\n"));
}

/// Every narrative amount is resolved to what it is of (a subject, an item's row, the item
/// before it) or listed: the list per document is printed and its length pinned in the
/// document's expected file (`unresolved = N`).
#[test]
fn unresolved_amounts_are_listed_and_pinned() {
    let dir = repo_root().join("crates/yusuan-corpus/tests/expected");
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (name, _, open) in audited() {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{name}.toml"))) else {
            continue; // reported by the test of the findings
        };
        let expected: Expected = toml::from_str(&text).expect("an expected file");
        report.push(format!("{name}: {}", open.len()));
        for u in open {
            report.push(format!(
                "    第{}行 “{}” {}：{}",
                u.line, u.label, u.amount, u.why
            ));
        }
        if open.len() != expected.unresolved {
            failures.push(format!(
                "{name}: {} unresolved, pinned {} (review the list, then pin it)",
                open.len(),
                expected.unresolved
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
