//! The Chongqing corpus document: every genuine defect is reported at its lines, rounding
//! differences are info, and the identities that hold say nothing.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;
use yusuan_audit::Severity;

const DOC: &str = "chongqing-dadukou-govoffice-2025-budget.txt";

#[test]
fn genuine_defects_are_reported_and_nothing_else() {
    let Some(text) = corpus(DOC) else { return };
    let findings = audit(&text);
    let mut loud: Vec<(&str, Severity, u32)> = findings
        .iter()
        .filter(|f| is_loud(f))
        .map(|f| (f.rule.as_ref(), f.severity, f.locations[0].line))
        .collect();
    loud.sort();
    let mut expected = vec![
        // 一般公共预算拨款 said to grow by 1,457.83 while 表二 gives 2,686.02 - 1,311.38.
        ("text.change", Severity::Error, 51),
        ("text.change", Severity::Warning, 51),
        ("text.change", Severity::Warning, 53),
        ("text.change", Severity::Error, 57),
        // "其中：一般公共服务支出 2686.02 万元" while the 类 is 2,224.07.
        ("text.figure", Severity::Error, 53),
        // 表一 row labelled 一般公共预算支出 instead of 一般公共服务支出.
        ("cross.fiscal-function", Severity::Error, 104),
        // 表七's first page is missing from the extract: its other rows, untitled where 表七
        // belongs and with its column count, are read as 表七 (said once). All of 表九 is
        // missing.
        ("read.fragment", Severity::Warning, 236),
        ("complete.numbering", Severity::Error, 290),
        // 表十's goal cell: the budget system's markup (<p>) and “。；” 8 times.
        ("edit.punctuation", Severity::Warning, 297),
        ("edit.template", Severity::Warning, 297),
        // Performance tables.
        ("perf.header", Severity::Warning, 299),
        ("perf.qualitative", Severity::Warning, 330),
        ("perf.qualitative", Severity::Warning, 331),
        ("perf.qualitative", Severity::Warning, 357),
        ("perf.duplicate", Severity::Warning, 362),
    ];
    expected.sort();
    assert_eq!(loud, expected, "\n{}", show(&findings));
}

#[test]
fn rounding_differences_are_info_with_their_tolerance() {
    let Some(text) = corpus(DOC) else { return };
    let findings = audit(&text);
    // 表三 302 商品和服务支出 391.50 against its 款 391.49.
    let f = findings
        .iter()
        .find(|f| f.rule == "table.hierarchy" && f.locations[0].line == 172)
        .expect("302 rounding");
    assert_eq!(f.severity, Severity::Info);
    assert!(
        f.message.contains("391.50") && f.message.contains("391.49") && f.message.contains("尾差"),
        "{}",
        f.message
    );
    assert!(findings
        .iter()
        .filter(|f| f.rule.starts_with("table."))
        .all(|f| f.severity == Severity::Info));
}

#[test]
fn the_mislabelled_row_names_both_places() {
    let Some(text) = corpus(DOC) else { return };
    let f = audit(&text)
        .into_iter()
        .find(|f| f.rule == "cross.fiscal-function")
        .expect("finding");
    let lines: Vec<u32> = f.locations.iter().map(|l| l.line).collect();
    assert_eq!(lines, [104, 124]);
    assert_eq!(f.locations[0].table.as_deref(), Some("表一"));
    assert!(
        f.message.contains("一般公共预算支出")
            && f.message.contains("一般公共服务支出")
            && f.message.contains("2,224.07")
    );
}

#[test]
fn year_over_year_shows_both_sides() {
    let Some(text) = corpus(DOC) else { return };
    let f = audit(&text)
        .into_iter()
        .find(|f| f.rule == "text.change" && f.locations[0].line == 57)
        .expect("finding");
    for n in ["1,457.83", "2,686.02", "1,311.38", "1,374.64"] {
        assert!(f.message.contains(n), "{n} missing from {}", f.message);
    }
}
