//! Publish -> read -> audit: the published document is clean in every format, and reading it
//! back gives the Budget's figures.

use yusuan_audit::Severity;
use yusuan_core::budget::Budget;
use yusuan_core::{CellValue, Document};

mod common;
use common::example;

/// Every finding: a document we derive prints exact figures, so it has none, not even a
/// rounding note.
fn loud(doc: &Document) -> Vec<String> {
    yusuan_audit::check(doc)
        .iter()
        .map(|f| f.message.clone())
        .collect()
}

/// The errors and warnings (a republished document keeps its original's rounding notes).
fn errors_and_warnings(doc: &Document) -> Vec<String> {
    yusuan_audit::check(doc)
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.message.clone())
        .collect()
}

/// Every table's rows as (code, amounts in fen), in order. Labels are left out: a PDF may wrap
/// a long label over two lines, which the reader keeps only in part.
type Figures = Vec<(String, Vec<(String, Vec<Option<i64>>)>)>;

fn figures(doc: &Document) -> Figures {
    doc.tables
        .iter()
        .filter(|t| t.performance.is_none() && !t.title.contains("绩效"))
        .map(|t| {
            let rows = t
                .rows
                .iter()
                .filter(|r| {
                    r.cells
                        .iter()
                        .any(|c| matches!(c.value, CellValue::Amount(_)))
                })
                .map(|r| {
                    let key = r
                        .cells
                        .iter()
                        .find(|c| !c.text.trim().is_empty())
                        .map_or(String::new(), |c| c.text.trim().to_string());
                    let key = if key.chars().all(|c| c.is_ascii_digit()) {
                        key
                    } else {
                        String::new()
                    };
                    let amounts = r
                        .cells
                        .iter()
                        .map(|c| match c.value {
                            CellValue::Amount(a) => Some(a.fen),
                            _ => None,
                        })
                        .filter(Option::is_some)
                        .collect();
                    (key, amounts)
                })
                .collect();
            (t.number.clone().unwrap_or_default(), rows)
        })
        .collect()
}

#[test]
fn published_text_is_clean_and_carries_the_figures() {
    let budget = example();
    let doc = yusuan_publish::derive(&budget, None).expect("derive");
    let text = yusuan_publish::text::render(&doc);
    let read = yusuan_read::read_text("published.txt", &text);
    assert_eq!(loud(&read), Vec::<String>::new());
    assert_eq!(read.tables.len(), 13);
    assert_eq!(figures(&read), figures(&doc));
    // The audit is awake: a changed narrative figure is an error.
    let planted = text.replacen("基本支出 1,802.64 万元", "基本支出 1,812.64 万元", 1);
    assert_ne!(planted, text);
    let findings = yusuan_audit::check(&yusuan_read::read_text("planted.txt", &planted));
    assert!(
        findings.iter().any(|f| f.severity == Severity::Error),
        "{findings:?}"
    );
}

#[test]
fn published_pdf_is_clean_and_carries_the_figures() {
    let budget = example();
    let doc = yusuan_publish::derive(&budget, None).expect("derive");
    let pdf = yusuan_publish::pdf::render(&doc).expect("pdf (needs fonts-noto-cjk)");
    assert!(pdf.starts_with(b"%PDF"));
    let read = yusuan_read::read_bytes("published.pdf", &pdf).expect("read back");
    assert_eq!(loud(&read), Vec::<String>::new());
    assert_eq!(read.tables.len(), 13);
    assert_eq!(figures(&read), figures(&doc));
    // Pages: one per table at least, and every span carries its page.
    assert!(read.tables.iter().all(|t| t.span.page.is_some()));
}

#[test]
fn published_html_is_standalone() {
    let doc = yusuan_publish::derive(&example(), None).expect("derive");
    let html = yusuan_publish::html::render(&doc);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
    assert!(html.contains("@media print"));
    for t in &doc.tables {
        assert!(html.contains(&t.title), "{}", t.title);
    }
    assert!(html.contains("<th colspan=\"2\">功能分类科目</th>"));
    assert!(html.contains("<td class=\"num\">2,686.01</td>"));
}

#[test]
fn published_xlsx_has_a_sheet_per_table_with_numbers() {
    use calamine::{Data, Reader, Xlsx};
    let doc = yusuan_publish::derive(&example(), None).expect("derive");
    let bytes = yusuan_publish::xlsx::render(&doc).expect("xlsx");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("open");
    let names = wb.sheet_names();
    assert_eq!(names.len(), 14, "{names:?}");
    assert_eq!(names[0], "情况说明");
    let sheet = wb.worksheet_range("表二").expect("表二");
    let total = sheet
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "合计"))
        .expect("合计 row");
    assert_eq!(total.get(3), Some(&Data::Float(2686.01)));
    let merges = wb.merge_cells_by_sheet_name("表二").expect("merges");
    assert!(!merges.is_empty());
}

/// The XML of one part of an XLSX package.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut part = zip.by_name(name).expect(name);
    let mut xml = String::new();
    part.read_to_string(&mut xml).expect("utf-8");
    xml
}

#[test]
fn published_xlsx_prints_on_a4_one_page_wide_with_its_header_on_every_page() {
    use calamine::{Data, Reader, Xlsx};
    let doc = yusuan_publish::derive(&example(), None).expect("derive");
    let bytes = yusuan_publish::xlsx::render(&doc).expect("xlsx");
    // Every sheet (the narrative and 13 tables): A4, fit to one page wide.
    for n in 1..=14 {
        let xml = xlsx_part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(xml.contains(r#"paperSize="9""#), "sheet{n}: {xml}");
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "sheet{n}");
        assert!(xml.contains(r#"fitToHeight="0""#), "sheet{n}");
    }
    // A narrow table prints portrait, a performance table landscape.
    let orientation = |n: usize| {
        let xml = xlsx_part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        xml.contains(r#"orientation="landscape""#)
    };
    assert!(!orientation(5), "表四 is narrow");
    assert!(orientation(13), "表十二 is wide");
    // The title, unit and header rows repeat on every printed page (表二: 2 header rows).
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="2">表二!$1:$4</definedName>"#
        ),
        "{workbook}"
    );
    // Columns as wide as their content: 表二's name column is wider than its code column.
    let widths: Vec<f64> = xlsx_part(&bytes, "xl/worksheets/sheet3.xml")
        .split("<col ")
        .skip(1)
        .filter_map(|c| {
            c.split(r#"width=""#)
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(widths.len() >= 2 && widths[1] > widths[0], "{widths:?}");
    // A performance table's figures are numbers, its indicator cells merged.
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("open");
    let sheet = wb.worksheet_range("表十一").expect("表十一");
    let funds = sheet
        .rows()
        .find(|r| r.get(1).is_some_and(|c| *c == "年度资金总额："))
        .expect("年度资金总额 row");
    assert_eq!(funds.get(2), Some(&Data::Float(13.8)));
    let first = sheet
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "绩效指标"))
        .expect("first indicator row");
    assert!(matches!(first.get(5), Some(Data::Float(_))), "{first:?}");
    let merges = wb.merge_cells_by_sheet_name("表十一").expect("merges");
    assert!(
        merges
            .iter()
            .any(|m| m.start.1 == 0 && m.end.1 == 0 && m.end.0 > m.start.0),
        "{merges:?}"
    );
}

#[test]
fn published_xlsx_reads_back_clean_with_the_figures() {
    let doc = yusuan_publish::derive(&example(), None).expect("derive");
    let bytes = yusuan_publish::xlsx::render(&doc).expect("xlsx");
    let read = yusuan_read::read_bytes("published.xlsx", &bytes).expect("read back");
    assert_eq!(loud(&read), Vec::<String>::new());
    assert_eq!(read.tables.len(), 13);
    assert_eq!(figures(&read), figures(&doc));
}

/// The example published in `template` and rendered as `format`, read back with our readers:
/// no finding louder than info, every table with the Document's figures.
fn reads_back_clean(format: yusuan_publish::Format, template: Option<&str>) {
    let doc = yusuan_publish::derive(&example(), template).expect("derive");
    let bytes = yusuan_publish::render(&doc, format).expect("renders");
    let name = format!("published.{format}");
    let read = yusuan_read::read_bytes(&name, &bytes).expect("read back");
    assert_eq!(loud(&read), Vec::<String>::new(), "{name} ({template:?})");
    assert_eq!(read.tables.len(), doc.tables.len(), "{name} ({template:?})");
    assert_eq!(figures(&read), figures(&doc), "{name} ({template:?})");
    assert_eq!(
        read.unit_name.as_ref().map(|u| &u.value),
        doc.unit_name.as_ref().map(|u| &u.value)
    );
    // Read by content alone, too (a file saved without its extension).
    let sniffed = yusuan_read::read_bytes("-", &bytes).expect("read by content");
    assert_eq!(figures(&sniffed), figures(&doc), "{name} by content");
}

#[test]
fn published_html_reads_back_clean_with_the_figures() {
    reads_back_clean(yusuan_publish::Format::Html, None);
    reads_back_clean(yusuan_publish::Format::Html, Some("shanghai"));
}

#[test]
fn published_docx_reads_back_clean_with_the_figures() {
    reads_back_clean(yusuan_publish::Format::Docx, None);
    reads_back_clean(yusuan_publish::Format::Docx, Some("shanghai"));
}

#[test]
fn published_docx_is_a_word_document_with_merged_headers() {
    let doc = yusuan_publish::derive(&example(), None).expect("derive");
    let bytes = yusuan_publish::docx::render(&doc).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("a body"),
        &mut xml,
    )
    .expect("utf-8");
    // A4 portrait, tables with column spans and vertical merges, amounts right-aligned as
    // the text prints them.
    assert!(xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""));
    assert!(
        xml.contains("<w:gridSpan w:val=\"2\" />") || xml.contains("<w:gridSpan w:val=\"2\"/>")
    );
    assert!(
        xml.contains("w:vMerge w:val=\"restart\""),
        "no vertical merge"
    );
    assert!(
        xml.contains("w:vMerge w:val=\"continue\""),
        "no continued merge"
    );
    assert!(xml.contains(">2,686.01<"));
    for t in &doc.tables {
        assert!(xml.contains(&t.title), "{}", t.title);
    }
    assert!(xml.contains("仿宋") && xml.contains("黑体"));
    // Each table's header rows, and only those, repeat on every page it runs over.
    let tables: Vec<&str> = xml
        .split("<w:tbl>")
        .skip(1)
        .map(|t| t.split("</w:tbl>").next().unwrap_or_default())
        .collect();
    assert_eq!(tables.len(), doc.tables.len());
    assert!(xml.matches("<w:tblHeader />").count() >= 10);
    for (x, t) in tables.iter().zip(&doc.tables) {
        let rows: Vec<bool> = x
            .split("<w:tr>")
            .skip(1)
            .map(|r| r.contains("<w:tblHeader />"))
            .collect();
        let n = t.header.len();
        assert!(rows.len() > n, "{}: {rows:?}", t.title);
        assert!(rows[..n].iter().all(|h| *h), "{}: {rows:?}", t.title);
        assert!(rows[n..].iter().all(|h| !*h), "{}: {rows:?}", t.title);
    }
}

#[test]
fn a_published_document_seeds_the_same_budget() {
    // Last year's published document -> `read --budget` -> publish: the same tables.
    let budget = example();
    let doc = yusuan_publish::derive(&budget, None).expect("derive");
    let text = yusuan_publish::text::render(&doc);
    let read = yusuan_read::read_text("published.txt", &text);
    let seeded = yusuan_read::budget::budget_of(&read);
    assert_eq!(seeded.total(), budget.total());
    assert_eq!(seeded.prior_total(), budget.prior_total());
    assert_eq!(seeded.unit.functions, budget.unit.functions);
    assert_eq!(seeded.unit.contact, budget.unit.contact);
    // The seed survives its own TOML.
    let again = Budget::from_toml(&seeded.to_toml().expect("serialises"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let republished = yusuan_publish::derive(&again, None).expect("derive");
    let tables = |d: &Document| {
        figures(d)
            .into_iter()
            .filter(|(n, _)| n != "表十" && !n.starts_with("表十"))
            .collect::<Vec<_>>()
    };
    assert_eq!(tables(&republished), tables(&doc));
    let reread = yusuan_read::read_text("again.txt", &yusuan_publish::text::render(&republished));
    assert_eq!(loud(&reread), Vec::<String>::new());
}

fn corpus(name: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    if p.exists() {
        Some(p)
    } else if std::env::var_os("CI").is_some() {
        panic!("corpus missing: {}", p.display())
    } else {
        eprintln!("skipped: no corpus at {}", p.display());
        None
    }
}

/// Every amount of a table, sorted: the figures whatever the row layout.
fn amounts(t: &yusuan_core::Table) -> Vec<i64> {
    let mut v: Vec<i64> = t
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter_map(|c| match c.value {
            CellValue::Amount(a) if a.fen != 0 => Some(a.fen),
            _ => None,
        })
        .collect();
    v.sort_unstable();
    v
}

/// A corpus document seeds a source (`read --budget`), which survives its own TOML and is
/// republished in `template`: the text and the PDF read back without an error or a warning,
/// and every money table prints the original's figures, within `slack` fen (a document that
/// prints whole 元 rounds its 款 totals, one 元 off the sum of its rounded 项).
fn republishes(name: &str, template: &str, slack: i64) {
    let Some(path) = corpus(name) else { return };
    let original = yusuan_read::read_path(&path).expect("read corpus");
    let budget = yusuan_read::budget::seed(&original).unwrap_or_else(|e| panic!("{name}: {e}"));
    let budget = Budget::from_toml(&budget.to_toml().expect("serialises"))
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let doc = yusuan_publish::derive(&budget, Some(template)).expect("derive");
    let read = yusuan_read::read_text("republished.txt", &yusuan_publish::text::render(&doc));
    assert_eq!(errors_and_warnings(&read), Vec::<String>::new(), "{name}");
    let pdf = yusuan_publish::pdf::render(&doc).expect("pdf");
    let from_pdf = yusuan_read::read_bytes("republished.pdf", &pdf).expect("read pdf");
    assert_eq!(
        errors_and_warnings(&from_pdf),
        Vec::<String>::new(),
        "{name} as PDF"
    );
    let money_tables = original
        .tables
        .iter()
        .filter(|t| t.performance.is_none() && !t.title.contains("绩效"));
    for t in money_tables {
        let kind = t.kind.expect("every corpus table recognised");
        let ours = read
            .tables
            .iter()
            .find(|o| o.kind == Some(kind))
            .unwrap_or_else(|| panic!("{name}: no {kind:?} table republished"));
        let (a, b) = (amounts(ours), amounts(t));
        // The figures of `x` with no figure of `y` within `slack` (each used once).
        let only = |x: &[i64], y: &[i64]| {
            let mut y = y.to_vec();
            x.iter()
                .filter(|v| match y.iter().position(|w| (w - *v).abs() <= slack) {
                    Some(i) => {
                        y.swap_remove(i);
                        false
                    }
                    None => true,
                })
                .copied()
                .collect::<Vec<_>>()
        };
        // Every printed figure is republished; a table read whole prints no more either (an
        // untitled table the reader placed by its columns may have been read in part).
        let whole = !t.inferred;
        let same = only(&b, &a).is_empty() && (!whole || only(&a, &b).is_empty());
        assert!(
            same,
            "{name}: {}: only republished {:?}, only original {:?}",
            t.title,
            only(&a, &b),
            only(&b, &a)
        );
    }
}

#[test]
fn shanghai_documents_read_as_budgets_republish_their_tables() {
    for name in [
        "shanghai-putuo-govoffice-2025-dept-budget.pdf",
        "shanghai-putuo-justice-2026-dept-budget.pdf",
        "shanghai-putuo-wanli-street-2024-dept-budget.pdf",
    ] {
        republishes(name, "shanghai", 0);
    }
    // Wanli prints whole 元, and its 21201 城乡社区管理事务 prints 94,995,790 in its 合计
    // column where its 基本支出 and 项目支出 add up to 94,995,789: each figure rounded apart,
    // a 尾差 of one printed 元 kept as such (`RollUp::total`, within `Rounding::decimals`).
    republishes(
        "shanghai-putuo-wanli-street-2025-dept-budget.pdf",
        "shanghai",
        0,
    );
}

#[test]
fn the_chongqing_text_republishes_its_figures_with_its_rounding_recorded() {
    let name = "chongqing-dadukou-govoffice-2025-budget.txt";
    // Its 项 of 项目支出 add up to 883.37 where its 类, 款 and 合计 print 883.38, and its
    // 上年 项 to 1,311.39 where its 合计 prints 1,311.38: recorded as 尾差, these print as
    // the original did, figure for figure.
    republishes(name, "chongqing", 0);
    // The 0.01 尾差 between its economic table's 合计 and the sum of its 款 is kept as such.
    let Some(path) = corpus(name) else { return };
    let seeded =
        yusuan_read::budget::seed(&yusuan_read::read_path(&path).expect("read")).expect("seeds");
    let cent = yusuan_core::Money(10_000);
    assert_eq!(seeded.rounding.economic, cent);
    assert_eq!(seeded.rounding.public, cent);
    assert!(seeded.to_toml().expect("toml").contains("[rounding]"));
    let notes = seeded.rounding_notes();
    assert_eq!(notes.len(), 8, "{notes:#?}");
    assert!(notes.contains(&"尾差：一般公共预算支出表“合计”行项目支出按原文印为 883.38万元，各项之和为 883.37万元；上年预算数按原文印为 1,311.38万元，各项之和为 1,311.39万元（原文四舍五入所致，记于 [rounding] function）".to_string()), "{notes:#?}");
    // Its tables print each 科目's prior year as one figure: the split into basic and project
    // stays unknown, and the republished narrative says no basic / project change rather than
    // a guessed one.
    assert!(seeded
        .items()
        .all(|i| i.prior_basic.is_zero() && i.prior_project.is_zero()));
    // Its 合计 as printed (its 项 add up to 1,311.39, a 尾差 the original shows as info).
    assert_eq!(seeded.prior_total(), yusuan_core::Money(1_311_380_000));
    let doc = yusuan_publish::derive(&seeded, None).expect("derive");
    let text = yusuan_publish::text::render(&doc);
    assert!(
        text.contains("其中：基本支出 1,802.64 万元；项目支出 883.38 万元。"),
        "{text}"
    );
}

/// The rows of every sheet of a workbook, as the form reads them.
fn sheets_of(bytes: &[u8]) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .expect("workbook");
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            (n, range.rows().map(<[calamine::Data]>::to_vec).collect())
        })
        .collect()
}

#[test]
fn our_xlsx_gives_back_its_whole_source() {
    let budget = example();
    let doc = yusuan_publish::derive(&budget, None).expect("derive");
    let bytes =
        yusuan_publish::render_source(&doc, &budget, yusuan_publish::Format::Xlsx).expect("xlsx");
    // Read as a disclosure, the source sheets are not tables.
    let read = yusuan_read::read_bytes("published.xlsx", &bytes).expect("read back");
    assert_eq!(loud(&read), Vec::<String>::new());
    assert_eq!(figures(&read), figures(&doc));
    // Read as a source: the whole budget, projects, goals and reasons included.
    let again = yusuan_read::budget::source_of("published.xlsx", &bytes).expect("source");
    assert_eq!(again, budget);
    assert!(!again.projects.is_empty() && !again.reasons.income.is_empty());
}

#[test]
fn a_filled_template_publishes_clean() {
    let template = yusuan_publish::form::template(2025, "chongqing").expect("template");
    let sheets = sheets_of(&template);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "单位信息",
            "支出科目",
            "经济科目",
            "车辆",
            "拟购车辆",
            "整体绩效指标",
            "项目",
            "项目绩效指标",
            "科目表"
        ]
    );
    // The year's codes are offered as "code name".
    let codes = &sheets[8].1;
    assert!(
        codes.iter().any(|r| r[0] == "2010301 行政运行"),
        "{:?}",
        &codes[..3]
    );
    // An empty template is refused with what it lacks.
    let err = yusuan_read::budget::source_of("t.xlsx", &template).expect_err("empty");
    assert!(err.to_string().contains("缺少“单位名称”"), "{err}");
    // Filled as a finance officer would, under the template's own headers: each list sheet's
    // rows written below its header row, the 单位信息 values beside their labels, codes chosen
    // from the list ("2010301 行政运行").
    let budget = example();
    let filled = budget.to_form().expect("form");
    let mut wb = rust_xlsxwriter::Workbook::new();
    // The 尾差 sheets are no part of a template: the example records none.
    assert!(budget.rounding.is_none());
    let in_template = |name: &str| {
        yusuan_core::budget::form::SHEETS
            .iter()
            .any(|s| s.name == name && s.in_template())
    };
    let filled: Vec<_> = filled.into_iter().filter(|(n, _)| in_template(n)).collect();
    for ((name, rows), (_, template_rows)) in filled.iter().zip(&sheets) {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("name");
        assert_eq!(
            rows[0].len(),
            template_rows[0].len(),
            "{name}: the template's header is the form's"
        );
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    yusuan_core::budget::form::Cell::Text(s) => {
                        let s = if r > 0 && c == 0 && *name == "支出科目" {
                            format!(
                                "{s} {}",
                                budget
                                    .items()
                                    .find(|i| &i.code == s)
                                    .map_or("", |i| i.name.as_str())
                            )
                        } else {
                            s.clone()
                        };
                        ws.write_string(r, c, s).expect("w");
                    }
                    yusuan_core::budget::form::Cell::Number(x) => {
                        ws.write_number(r, c, *x).expect("w");
                    }
                    _ => {}
                }
            }
        }
    }
    let bytes = wb.save_to_buffer().expect("save");
    let imported = yusuan_read::budget::source_of("预算底稿.xlsx", &bytes).expect("imported");
    assert_eq!(imported.items().count(), budget.items().count());
    let doc = yusuan_publish::derive(&imported, None).expect("derive");
    let read = yusuan_read::read_text("published.txt", &yusuan_publish::text::render(&doc));
    assert_eq!(loud(&read), Vec::<String>::new());
    assert_eq!(
        figures(&read),
        figures(&yusuan_publish::derive(&budget, None).expect("derive"))
    );
}

#[test]
fn a_jiangsu_document_seeds_its_split_as_unknown_and_is_not_published_with_a_guess() {
    let name = "jiangsu-procuratorate-2019-dept-budget.pdf";
    let Some(path) = corpus(name) else { return };
    let seeded =
        yusuan_read::budget::seed(&yusuan_read::read_path(&path).expect("read")).expect("seeds");
    // Its function tables print one figure per 科目: the split stays unknown.
    assert!(seeded
        .items()
        .all(|i| i.basic.is_zero() && i.project.is_zero() && !i.unsplit.is_zero()));
    assert_eq!(seeded.total(), yusuan_core::Money(24_169_740_000));
    // The source is valid: its economic table (15,844.04 万元 of basic spending) lies within
    // what the unsplit figures allow.
    let text = seeded.to_toml().expect("toml");
    let again = Budget::from_toml(&text).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again, seeded);
    // A template printing the split refuses it, naming the 科目 to split.
    let err = yusuan_publish::derive(&seeded, Some("chongqing")).expect_err("refused");
    let said = err.to_string();
    assert!(
        said.contains("未分基本和项目") && said.contains("2040401 行政运行 12,268.62万元"),
        "{said}"
    );
    // Split by hand, it publishes.
    let mut split = seeded.clone();
    for item in &mut split.items {
        let i = item.get_mut();
        i.basic = i.unsplit;
        i.unsplit = yusuan_core::Money::ZERO;
    }
    let err = Budget::from_toml(&split.to_toml().expect("toml")).expect_err("checked");
    assert!(
        err.iter().any(|e| e.to_string().contains("经济分类合计")),
        "all of it as basic spending is more than the economic table: {err:?}"
    );
}
