//! Snapshots of the recognised structure: sections, tables (kind, lines, rows), figures.
//! Review a changed snapshot as you would code: it is what the reader understood.

use serde_json::{json, Value};
use std::path::Path;
use yusuan_core::{Document, Subject};

fn outline(doc: &Document) -> Value {
    json!({
        "title": doc.title.as_ref().map(|t| &t.value),
        "unit": doc.unit_name.as_ref().map(|t| &t.value),
        "year": doc.year.as_ref().map(|t| t.value),
        "profile": doc.profile,
        "sections": doc.sections.iter().map(|s| format!("{} {} {} [{}-{}] {}段", s.level, s.number.clone().unwrap_or_default(), s.heading, s.span.line, s.span.end_line, s.paragraphs.len())).collect::<Vec<_>>(),
        "tables": doc.tables.iter().map(|t| format!(
            "{} {} {:?} [{}-{}] header {} rows {} notes {} indicators {}",
            t.number.clone().unwrap_or_else(|| "-".into()), t.title, t.kind, t.span.line, t.span.end_line,
            t.header.len(), t.rows.len(), t.notes.len(), t.performance.as_ref().map_or(0, |p| p.indicators.len())
        )).collect::<Vec<_>>(),
        "figures": doc.figures.iter().map(|f| format!(
            "{} {:?} {} {}{}",
            f.span.line,
            f.context,
            match &f.subject { Subject::FunctionClass(n) => format!("function_class:{n}"), s => s.key().to_string() },
            f.amount.map(|a| a.to_string()).or(f.count.map(|c| format!("{c}辆"))).unwrap_or_default(),
            f.change.as_ref().map(|c| format!(" {}{}", c.direction.label(), c.amount.map(|a| a.to_string()).unwrap_or_default())).unwrap_or_default()
        )).collect::<Vec<_>>(),
        "counts": doc.counts.iter().map(|c| format!("{} {}个{} listed {}", c.span.line, c.stated, c.noun, c.listed.len())).collect::<Vec<_>>(),
        "notes": doc.notes.iter().map(|n| format!("{:?} [{}-{}]", n.kind, n.span.line, n.span.end_line)).collect::<Vec<_>>(),
    })
}

#[test]
fn bundled_example() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/chongqing-dadukou-govoffice-2025.txt");
    let doc = yusuan_read::read_path(&p).expect("example");
    insta::assert_json_snapshot!(outline(&doc));
}

#[test]
fn chongqing_corpus_document() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/chongqing-dadukou-govoffice-2025-budget.txt");
    if !p.exists() {
        assert!(std::env::var_os("CI").is_none(), "corpus missing under CI");
        eprintln!("skipped: no corpus");
        return;
    }
    let doc = yusuan_read::read_path(&p).expect("corpus");
    insta::assert_json_snapshot!(outline(&doc));
}

#[test]
fn corpus_pdfs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(std::env::var_os("CI").is_none(), "corpus missing under CI");
        eprintln!("skipped: no corpus");
        return;
    };
    let mut pdfs: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    pdfs.sort();
    assert!(pdfs.len() >= 9);
    for p in pdfs {
        let doc = yusuan_read::read_path(&p).expect("corpus PDF");
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::assert_json_snapshot!(name, outline(&doc));
    }
}

/// The 决算 基本支出 tables print 人员经费 and 公用经费 as two blocks side by side: read block by
/// block, each closed by its 合计, the same rows from the PDF's grid and from its laid-out text
/// (pdftotext puts the right block's code a line above its name and figure, and shifts lines
/// that print nothing on the left). The finance bureau's PDF prints the code as 类 / 款.
#[test]
fn final_accounts_basic_tables_read_block_by_block() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let rows = |name: &str| -> Option<Vec<String>> {
        let p = dir.join(name);
        if !p.exists() {
            assert!(std::env::var_os("CI").is_none(), "corpus missing under CI");
            return None;
        }
        let doc = yusuan_read::read_path(&p).expect("corpus");
        let t = doc
            .tables
            .iter()
            .find(|t| t.kind == Some(yusuan_core::TableKind::BasicByEconomic))
            .expect("基本支出 table");
        assert_eq!(t.columns.len(), 3, "{name}: code, name, 决算数");
        Some(
            t.rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| c.text.split_whitespace().collect::<String>())
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect(),
        )
    };
    for stem in ["planning", "socialwork"] {
        let base = format!("shanghai-putuo-{stem}-2024-final-accounts");
        let (Some(pdf), Some(text)) = (
            rows(&format!("{base}.pdf")),
            rows(&format!("{base}.layout.txt")),
        ) else {
            return;
        };
        assert_eq!(pdf, text, "{stem}: the PDF and its laid-out text");
        insta::assert_snapshot!(format!("basic_blocks_{stem}"), pdf.join("\n"));
    }
    if let Some(fb) = rows("shanghai-putuo-finance-bureau-2024-final-accounts.pdf") {
        insta::assert_snapshot!("basic_blocks_finance_bureau", fb.join("\n"));
    }
}
