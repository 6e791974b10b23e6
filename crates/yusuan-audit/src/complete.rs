//! Completeness: table numbering, mandatory tables and sections, statements on empty tables.

use crate::facts::loc;
use crate::{Ctx, Location, Severity, Sink};
use yusuan_core::{ReadNoteKind, Span, TableKind};

fn numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        _ if n % 10 == 0 => format!("{}十", D[(n / 10) as usize % 10]),
        _ => format!("{}十{}", D[(n / 10) as usize % 10], D[(n % 10) as usize]),
    }
}

fn kind_label(kind: TableKind) -> &'static str {
    use TableKind::*;
    match kind {
        FiscalSummary => "财政拨款收支总表",
        GeneralBudgetByFunction => "一般公共预算财政拨款支出预算表",
        BasicByEconomic => "一般公共预算财政拨款基本支出预算表",
        ThreePublic => "一般公共预算“三公”经费支出表",
        GovFundByFunction => "政府性基金预算支出表",
        StateCapitalByFunction => "国有资本经营预算支出表",
        DeptSummary => "部门收支总表",
        DeptIncome => "部门收入总表",
        DeptExpenditure => "部门支出总表",
        Procurement => "政府采购预算表",
        DeptPerformance => "整体绩效目标表",
        ProjectPerformance => "项目绩效目标表",
    }
}

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    let Some(profile) = ctx.profile else { return };
    let doc = ctx.doc;
    let fragments: Vec<Span> = doc
        .notes
        .iter()
        .filter(|n| n.kind == ReadNoteKind::UntitledFragment)
        .map(|n| n.span)
        .collect();
    let missing_kinds: Vec<TableKind> = profile
        .tables
        .iter()
        .filter(|t| t.mandatory && ctx.facts.table(t.kind).is_none())
        .map(|t| t.kind)
        .collect();
    let mut gaps = 0;
    if profile.numbered_tables {
        let mut prev: Option<(u32, &yusuan_core::Table)> = None;
        for t in doc.tables.iter().filter(|t| t.ordinal.is_some()) {
            let Some(n) = t.ordinal else { continue };
            let expected = prev.map_or(1, |(p, _)| p + 1);
            if n > expected {
                let missing: Vec<String> =
                    (expected..n).map(|k| format!("表{}", numeral(k))).collect();
                gaps += missing.len();
                let after = prev.map_or("文首".to_string(), |(_, p)| p.label());
                let mut msg = format!("{}之后、{}之前缺少{}", after, t.label(), missing.join("、"));
                let between = |s: &Span| {
                    prev.is_none_or(|(_, p)| s.line > p.span.line) && s.line < t.span.line
                };
                if let Some(f) = fragments.iter().find(|s| between(s)) {
                    msg.push_str(&format!(
                        "（第{}–{}行有一段无标题的表格行，可能是缺失表格的一部分）",
                        f.line, f.end_line
                    ));
                }
                if !missing_kinds.is_empty() && gaps == missing.len() {
                    msg.push_str(&format!(
                        "；本版式必备而未见的表格：{}",
                        missing_kinds
                            .iter()
                            .map(|k| kind_label(*k))
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
                let mut locs = vec![Location::new(
                    Span::line(t.span.line, t.span.page),
                    Some(t.label()),
                )];
                if let Some((_, p)) = prev {
                    locs.push(Location::new(
                        Span::line(p.span.end_line, p.span.page),
                        Some(p.label()),
                    ));
                }
                sink.push("complete.numbering", Severity::Error, msg, locs);
            } else if n < expected {
                sink.push(
                    "complete.numbering",
                    Severity::Warning,
                    format!("{}的编号与前表重复或倒序", t.label()),
                    vec![loc(t, Span::line(t.span.line, t.span.page))],
                );
            }
            prev = Some((n, t));
        }
    }
    if missing_kinds.len() > gaps {
        let end = doc.tables.last().map_or(Span::line(1, None), |t| {
            Span::line(t.span.end_line, t.span.page)
        });
        sink.push(
            "complete.tables",
            Severity::Error,
            format!(
                "缺少必备表格：{}",
                missing_kinds
                    .iter()
                    .map(|k| kind_label(*k))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            vec![Location::new(end, None)],
        );
    }
    // Mandatory sections.
    for (i, spec) in profile.sections.iter().enumerate() {
        let present = doc
            .sections
            .iter()
            .any(|s| spec.keywords.iter().any(|k| s.heading.contains(k.as_str())));
        if present {
            continue;
        }
        // Locate where it should have been: the next mandatory section present.
        let next = profile.sections[i + 1..].iter().find_map(|n| {
            doc.sections
                .iter()
                .find(|s| n.keywords.iter().any(|k| s.heading.contains(k.as_str())))
        });
        let span = next
            .map(|s| Span::line(s.span.line, s.span.page))
            .or_else(|| doc.sections.last().map(|s| s.span))
            .unwrap_or(Span::line(1, None));
        sink.push(
            "complete.sections",
            Severity::Error,
            format!("情况说明缺少“{}”部分", spec.label),
            vec![Location::new(span, None)],
        );
    }
    // Empty tables carry a statement.
    for t in &doc.tables {
        let fund_like = matches!(
            t.kind,
            Some(
                TableKind::GovFundByFunction
                    | TableKind::StateCapitalByFunction
                    | TableKind::ThreePublic
                    | TableKind::Procurement
            )
        );
        if !fund_like || !t.is_empty_of_amounts() || !t.notes.is_empty() {
            continue;
        }
        sink.push(
            "complete.empty-statement",
            Severity::Error,
            format!(
                "{}（{}）没有任何金额，也没有说明为何为空（如“本单位无…，故此表无数据”）",
                t.label(),
                t.title
            ),
            vec![loc(t, t.span)],
        );
    }
}
