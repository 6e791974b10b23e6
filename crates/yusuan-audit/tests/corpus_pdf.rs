//! The corpus PDFs (Shanghai 部门 and 单位, two years of one unit, Jiangsu in two files, a
//! Shanghai 决算): every table recognised, no error that is not a genuine defect, and the PDF
//! and its `pdftotext -layout` twin give the same findings (locations aside).

mod common;
use common::*;
use yusuan_audit::{Finding, Severity};
use yusuan_core::{Document, ReadNoteKind};

fn read(name: &str) -> Option<(Document, Vec<Finding>)> {
    let path = repo_root().join("../shared/corpus").join(name);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if std::env::var_os("CI").is_some() => panic!("{}: {e}", path.display()),
        Err(_) => {
            eprintln!("skipped: no corpus");
            return None;
        }
    };
    let doc = yusuan_read::read_bytes(name, &bytes).expect("readable");
    let findings = yusuan_audit::check(&doc);
    Some((doc, findings))
}

fn kinds(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
    let mut v: Vec<(&'static str, Severity)> =
        findings.iter().map(|f| (f.rule, f.severity)).collect();
    v.sort();
    v
}

/// A corpus PDF: its file stem, how many tables it has, its errors and warnings.
type Expected = (&'static str, usize, &'static [(&'static str, Severity)]);

const EXPECTED: &[Expected] = &[
    ("shanghai-putuo-govoffice-2025-dept-budget", 9, &[]),
    ("shanghai-putuo-govoffice-2025-unit-budget", 9, &[]),
    // The 三公 table says it is empty (故本表为空表) and prints 47.91 万元 of 三公 spending.
    (
        "shanghai-putuo-wanli-street-2024-dept-budget",
        9,
        &[("complete.empty-statement", Severity::Error)],
    ),
    // Narrative item 21 names 科目 “卫生健康支出（类）卫生健康支出（款）计划生育事务（项）”, which
    // is not a path in the function table (计划生育事务 is a 款, not a 项).
    (
        "shanghai-putuo-wanli-street-2025-dept-budget",
        9,
        &[("text.figure", Severity::Warning)],
    ),
    // Tables alone: said once (the narrative is the other file).
    (
        "jiangsu-party-office-2018-dept-budget-tables",
        12,
        &[("complete.tables", Severity::Warning)],
    ),
    (
        "jiangsu-party-office-2019-dept-budget-tables",
        12,
        &[("complete.tables", Severity::Warning)],
    ),
    (
        "jiangsu-party-office-2018-dept-budget-text",
        0,
        &[("complete.tables", Severity::Warning)],
    ),
    (
        "jiangsu-party-office-2019-dept-budget-text",
        0,
        &[("complete.tables", Severity::Warning)],
    ),
];

#[test]
fn every_table_recognised_and_only_genuine_findings() {
    for (stem, tables, expected) in EXPECTED {
        let Some((doc, findings)) = read(&format!("{stem}.pdf")) else {
            return;
        };
        assert!(doc.profile.is_some(), "{stem}: no profile");
        assert_eq!(
            doc.tables.len(),
            *tables,
            "{stem}: tables {:?}",
            doc.tables.iter().map(|t| &t.title).collect::<Vec<_>>()
        );
        assert!(
            doc.tables.iter().all(|t| t.kind.is_some()),
            "{stem}: unrecognised table"
        );
        assert!(
            !doc.notes.iter().any(|n| matches!(
                n.kind,
                ReadNoteKind::UnknownTable | ReadNoteKind::UntitledFragment
            )),
            "{stem}: {:?}",
            doc.notes
        );
        let loud: Vec<(&str, Severity)> = kinds(&findings)
            .into_iter()
            .filter(|(_, s)| *s != Severity::Info)
            .collect();
        let mut want: Vec<(&str, Severity)> = expected.to_vec();
        want.sort();
        assert_eq!(loud, want, "{stem}:\n{}", show(&findings));
        // Every page of a table is on record.
        assert!(
            doc.tables.iter().all(|t| t.span.page.is_some()),
            "{stem}: a table without its page"
        );
    }
}

#[test]
fn a_pdf_and_its_layout_twin_agree() {
    for (stem, _, _) in EXPECTED {
        let Some((_, pdf)) = read(&format!("{stem}.pdf")) else {
            return;
        };
        let Some((_, txt)) = read(&format!("{stem}.layout.txt")) else {
            return;
        };
        assert_eq!(
            kinds(&pdf),
            kinds(&txt),
            "{stem}\nPDF:\n{}\nTXT:\n{}",
            show(&pdf),
            show(&txt)
        );
    }
}

#[test]
fn jiangsu_narrative_and_tables_audit_as_one() {
    for year in [2018, 2019] {
        let text = corpus(&format!(
            "jiangsu-party-office-{year}-dept-budget-text.layout.txt"
        ));
        let tables = corpus(&format!(
            "jiangsu-party-office-{year}-dept-budget-tables.layout.txt"
        ));
        let (Some(text), Some(tables)) = (text, tables) else {
            return;
        };
        let doc = yusuan_read::read_text("jiangsu", &format!("{text}\u{c}{tables}"));
        let findings = yusuan_audit::check(&doc);
        assert!(
            findings.iter().all(|f| !is_loud(f)),
            "{year}:\n{}",
            show(&findings)
        );
        // The narrative's figures were compared with the tables.
        assert!(
            doc.figures.len() > 20,
            "{year}: {} figures",
            doc.figures.len()
        );
        assert_eq!(doc.year.as_ref().map(|y| y.value), Some(year));
    }
}

#[test]
fn final_accounts_are_not_audited_as_a_budget() {
    let Some((doc, findings)) = read("shanghai-putuo-finance-bureau-2024-final-accounts.pdf")
    else {
        return;
    };
    assert_eq!(doc.kind, yusuan_core::DocKind::FinalAccounts);
    assert_eq!(kinds(&findings), [("read.unsupported", Severity::Warning)]);
}

#[test]
fn a_planted_defect_in_a_pdf_is_caught() {
    // The same figure changed in the layout twin of a clean Shanghai document.
    let Some(text) = corpus("shanghai-putuo-govoffice-2025-dept-budget.layout.txt") else {
        return;
    };
    let (variant, line) = edit(&text, "11,919,501.84", "11,919,501.84", "11,919,601.84");
    let after = audit(&variant);
    assert!(
        after
            .iter()
            .any(|f| f.severity == Severity::Error && covers(f, line)),
        "{}",
        show(&after)
    );
}
