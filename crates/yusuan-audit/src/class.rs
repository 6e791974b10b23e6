//! Classification codes: known for the year, names matching, printed in their hierarchy.

use crate::facts::{coded_rows, loc};
use crate::{Ctx, Sink};
use yusuan_core::{Catalog, Lookup, TableKind};

use crate::{Level, Rule};

pub(crate) const UNKNOWN_CODE: Rule = rule!("class.unknown-code", Warning, "全部", "科目编码不在目录中", "A classification code missing from the catalog for the document's year (the catalog holds evidenced codes, so this is a warning).");

pub(crate) const NAME: Rule = rule!(
    "class.name",
    Error,
    "全部",
    "科目名称与编码不符",
    "A printed name does not match its code's name in the catalog for the document's year."
);

pub(crate) const HIERARCHY: Rule = rule!(
    "class.hierarchy",
    Warning,
    "全部",
    "科目层级错位",
    "A 项 is printed under a 款 (or a 款 under a 类) whose code is not its prefix."
);

pub(crate) const SHORT_CODE: Rule = rule!(
    "class.short-code",
    Warning,
    "全部",
    "科目编码位数不全",
    "A code whose 款 or 项 part is printed with one digit (“301 2 津贴补贴” for 30102): each part of a code is printed with its two digits. Read from the printed text, so a workbook's numeric cells are not judged."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.doc.tables {
        if let Some(first) = t.short_codes.first() {
            let more = if t.short_codes.len() > 1 {
                format!("等{}处", t.short_codes.len())
            } else {
                String::new()
            };
            sink.emit(
                &SHORT_CODE,
                Level::Violated,
                format!(
                    "{}中科目编码“{}”{more}的款级或项级编码只印了一位数字，应为两位（“{}”）",
                    t.label(),
                    first.value,
                    two_digit(&first.value)
                ),
                t.short_codes.iter().map(|c| loc(t, c.span)).collect(),
            );
        }
    }
    let year = ctx.doc.year.as_ref().map(|y| y.value);
    for t in &ctx.doc.tables {
        let catalog: &Catalog = match t.kind {
            Some(
                TableKind::GeneralBudgetByFunction
                | TableKind::GovFundByFunction
                | TableKind::StateCapitalByFunction
                | TableKind::DeptExpenditure
                | TableKind::DeptIncome
                | TableKind::FiscalByFunction,
            ) => ctx.functional,
            Some(
                TableKind::BasicByEconomic
                | TableKind::FiscalBasicByEconomic
                | TableKind::OperatingCost,
            ) => ctx.economic,
            _ => continue,
        };
        let what = if std::ptr::eq(catalog, ctx.functional) {
            "支出功能分类"
        } else {
            "部门预算支出经济分类"
        };
        let rows = coded_rows(t);
        for (i, r) in rows.iter().enumerate() {
            match catalog.lookup(r.code, r.name, year) {
                Lookup::Match => {}
                Lookup::Unknown => sink.emit(&UNKNOWN_CODE, Level::Violated,
                    format!(
                        "{} 科目编码{}（{}）不在{}年{}目录中（目录收录已公开文件中出现的科目，请核对编码）",
                        t.label(),
                        r.code,
                        r.name,
                        year.map_or("本".to_string(), |y| y.to_string()),
                        what
                    ),
                    vec![loc(t, r.row.span)],
                ),
                Lookup::OtherYears(names, years) => sink.emit(&NAME, Level::Info,
                    format!(
                        "{} 科目编码{}的名称印为“{}”，与{}目录{}年的名称“{}”不同；目录中没有该编码{}年的名称，无法核验",
                        t.label(),
                        r.code,
                        r.name,
                        what,
                        years.iter().map(i32::to_string).collect::<Vec<_>>().join("、"),
                        names.join("”或“"),
                        year.map_or("本".to_string(), |y| y.to_string()),
                    ),
                    vec![loc(t, r.row.span)],
                ),
                Lookup::NameMismatch(names) if wrapped(r.name, &names, &rows, i) => sink.emit(
                    &NAME,
                    Level::Info,
                    format!(
                        "{} 科目编码{}的名称读作“{}”，像是目录名称“{}”因换行与相邻行的名称错位拼接，名称未能准确读取，无法核验",
                        t.label(),
                        r.code,
                        r.name,
                        names.join("”或“")
                    ),
                    vec![loc(t, r.row.span)],
                ),
                Lookup::NameMismatch(names) => {
                    // The printed name may be another code's (under the same parent): then
                    // it is the code that was misprinted, or the name.
                    let parent = &r.code[..r.code.len().saturating_sub(2)];
                    let other: Vec<&str> = catalog
                        .codes_named(r.name, r.code.len())
                        .into_iter()
                        .filter(|c| *c != r.code && c.starts_with(parent))
                        .collect();
                    let also = match other.as_slice() {
                        [] => String::new(),
                        codes => format!(
                            "；“{}”是编码{}的名称，编码或名称印错",
                            r.name,
                            codes.join("、")
                        ),
                    };
                    sink.emit(&NAME, Level::Violated,
                        format!(
                            "{} 科目编码{}的名称印为“{}”，而该编码在{}目录中为“{}”{also}",
                            t.label(),
                            r.code,
                            r.name,
                            what,
                            names.join("”或“")
                        ),
                        vec![loc(t, r.row.span)],
                    )
                }
            }
            // The nearest preceding row one level up must be this code's parent.
            let parent_len = match r.code.len() {
                7 => 5,
                5 => 3,
                _ => continue,
            };
            let parent = rows[..i].iter().rev().find(|p| p.code.len() == parent_len);
            if let Some(p) = parent {
                if !r.code.starts_with(p.code)
                    && rows[..i].iter().any(|p| p.code.len() == parent_len)
                {
                    sink.emit(
                        &HIERARCHY,
                        Level::Violated,
                        format!(
                            "{} 科目{} {}列在{} {}之下，但编码不属于该{}",
                            t.label(),
                            r.code,
                            r.name,
                            p.code,
                            p.name,
                            if parent_len == 5 { "款" } else { "类" }
                        ),
                        vec![loc(t, r.row.span), loc(t, p.row.span)],
                    );
                }
            }
        }
    }
}

/// "301 2" -> "301 02": the code as it should be printed.
fn two_digit(printed: &str) -> String {
    printed
        .split(' ')
        .enumerate()
        .map(|(i, p)| {
            if i > 0 && p.len() == 1 {
                format!("0{p}")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A printed name made only of pieces (two characters or more) of its catalog name and of the
/// names of the rows next to it, with at least one piece of its own: a name the layout wrapped
/// and the text reader joined out of order or with a neighbour's line ("事业单位离退休机关事业
/// 单位", "基本养老保险缴费支出机关事业单位", "业支出"). Such a name says nothing about the
/// document; a name of other words still is an error. An empty name is one the reader lost.
fn wrapped(printed: &str, names: &[String], rows: &[crate::facts::CodedRow], i: usize) -> bool {
    let printed = yusuan_core::catalog::normalize_name(printed);
    if printed.is_empty() {
        return true;
    }
    let own: Vec<String> = names
        .iter()
        .map(|n| yusuan_core::catalog::normalize_name(n))
        .collect();
    let neighbours: Vec<String> = [i.checked_sub(1), Some(i + 1)]
        .into_iter()
        .flatten()
        .filter_map(|j| rows.get(j))
        .map(|r| yusuan_core::catalog::normalize_name(r.name))
        .collect();
    // Byte offsets of the printed name's characters: pieces are slices, nothing is built.
    let bounds: Vec<usize> = printed
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(printed.len()))
        .collect();
    let n = bounds.len() - 1;
    let mut at = 0;
    let mut from_own = false;
    while at < n {
        // The longest piece starting here that one of the names holds.
        let mut best = 0;
        let mut best_own = false;
        for end in (at + 2..=n).rev() {
            let piece = &printed[bounds[at]..bounds[end]];
            let in_own = own.iter().any(|o| o.contains(piece));
            if in_own || neighbours.iter().any(|o| o.contains(piece)) {
                best = end - at;
                best_own = in_own;
                break;
            }
        }
        if best == 0 {
            return false;
        }
        from_own |= best_own;
        at += best;
    }
    from_own
}
