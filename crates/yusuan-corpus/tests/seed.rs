//! Every corpus document gives a budget source (`yusuan read --budget`) that is valid as it is
//! written, or is refused with its reason: a 决算 is refused as one, and a budget whose tables
//! are in the file always seeds. What the document does not print stays unknown (the Jiangsu
//! tables' basic / project split), so the source passes the same checks a hand-written one does.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;
use yusuan_core::budget::Budget;
use yusuan_read::budget::{SeedError, SourceError};

#[test]
fn every_corpus_document_seeds_a_valid_source_or_says_why_not() {
    let mut seeded = 0;
    for path in corpus_files() {
        let name = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string());
        if name == "README.md" || name.ends_with(".xlsx") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable");
        let final_accounts = name.contains("final-accounts");
        // A disclosure printed as two files: the narrative's half has no tables to seed.
        let tables = !final_accounts && !name.contains("-text.");
        match yusuan_read::budget::source_of(&name, &bytes) {
            Ok(b) => {
                assert!(tables, "{name}: seeded, but it has no budget tables");
                let text = b.to_toml().expect("serialises");
                let again = Budget::from_toml(&text).unwrap_or_else(|e| {
                    panic!(
                        "{name}: its seeded source is refused: {:?}",
                        e.iter().map(ToString::to_string).collect::<Vec<_>>()
                    )
                });
                assert_eq!(again, b, "{name}");
                seeded += 1;
            }
            Err(SourceError::Seed(SeedError::FinalAccounts)) => {
                assert!(final_accounts, "{name}: taken for a 决算")
            }
            Err(e) => assert!(!tables && !final_accounts, "{name}: {e}"),
        }
    }
    if std::env::var_os("CI").is_some() {
        assert!(seeded >= 10, "{seeded} documents seeded");
    }
}

/// The commerce budget's 三公 row, in laid-out text, has two figures for four columns: put by
/// position, its 1.00 万元 could be 因公出国（境）费 or 公务接待费. The narrative states 公务
/// 接待费 1.00 万元 and 因公出国（境）费 0, adding up to the row's 合计: the seed takes those,
/// not the placement's guess (which the source check would refuse against 30217 公务接待费).
#[test]
fn a_three_public_row_placed_by_position_is_read_by_the_narrative() {
    let name = "shanghai-putuo-commerce-2025-dept-budget.layout.txt";
    let Some(text) = corpus(name) else { return };
    let b = yusuan_read::budget::source_of(name, text.as_bytes()).expect("seeds");
    let tp = &b.three_public;
    assert_eq!(tp.reception.amount, yusuan_core::Money(1_000_000));
    assert!(tp.abroad.amount.is_zero());
    // The PDF, whose grid places the figure, agrees.
    let pdf = name.replace(".layout.txt", ".pdf");
    let Some(path) = corpus_files().into_iter().find(|p| p.ends_with(&pdf)) else {
        return;
    };
    let from_pdf =
        yusuan_read::budget::source_of(&pdf, &std::fs::read(path).expect("pdf")).expect("seeds");
    assert_eq!(from_pdf.three_public, b.three_public);
}
