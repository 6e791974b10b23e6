//! Completeness: table numbering, mandatory tables and sections, statements on empty tables.

use crate::facts::loc;
use crate::{Ctx, Location, Sink};
use yusuan_core::{ReadNoteKind, Span, TableKind};

use crate::{Level, Rule};

pub(crate) const NUMBERING: Rule = rule!("complete.numbering", Error, weaker: Warning, "预算 部门/单位", "表格编号连续", "Tables are numbered without gaps (表一, 表二, ...); a gap is a missing table (an error), a repeated or reversed number a warning.");

pub(crate) const TABLES: Rule = rule!("complete.tables", Error, weaker: Warning, "全部", "必备表格", "Every table the region profile makes mandatory is present (an error); a file holding only the tables or only the narrative says so once (a warning).");

pub(crate) const SECTIONS: Rule = rule!("complete.sections", Error, weaker: Warning, "预算 部门/单位", "必备说明内容", "Every section the region profile makes mandatory is present in the narrative (an error); a glossary term it must explain is missing (a warning).");

pub(crate) const FIGURES: Rule = rule!("complete.figures", Warning, "预算 部门/单位", "必备说明数字", "Each mandatory section states its figures (the profile lists them: 收入 / 支出 totals, 基本 / 项目, 三公, 机关运行经费, 采购, 绩效 funds, vehicles).");

pub(crate) const EMPTY_STATEMENT: Rule = rule!("complete.empty-statement", Error, weaker: Warning, "预算 部门/单位", "空表须有说明", "A table with no amounts carries a statement saying why (备注：本单位无…); where the file holds no narrative that could say it, a warning.");

fn numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize % 10]),
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
        FiscalByFunction => "财政拨款支出预算表（功能科目）",
        FiscalBasicByEconomic => "财政拨款基本支出预算表（经济科目）",
        OperatingCost => "机关运行经费支出预算表",
    }
}

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    let Some(profile) = ctx.profile else { return };
    let doc = ctx.doc;
    // A file with only the tables, or only the narrative (Jiangsu publishes them apart), says
    // so once instead of listing every missing part.
    let has_text = doc.sections.iter().any(|s| !s.paragraphs.is_empty());
    if doc.tables.is_empty() || !has_text {
        let what = if doc.tables.is_empty() {
            "表格"
        } else {
            "情况说明（文字部分）"
        };
        sink.emit(&TABLES, Level::Weaker,
            format!(
                "本文件没有{what}，无法核对与之相关的内容；若两部分分开发布，请合并检查：yusuan check 说明.pdf 表格.pdf --as-one"
            ),
            vec![Location::new(Span::line(1, None), None)],
        );
    }
    if !has_text {
        return tables_only(ctx, profile, sink);
    }
    if doc.tables.is_empty() {
        sections(ctx, sink);
        return;
    }
    tables_only(ctx, profile, sink);
    sections(ctx, sink);
}

/// Completeness of the tables: numbering, mandatory kinds, statements on empty tables.
fn tables_only(ctx: &Ctx, profile: &yusuan_core::Profile, sink: &mut Sink) {
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
                sink.emit(&NUMBERING, Level::Violated, msg, locs);
            } else if n < expected {
                sink.emit(
                    &NUMBERING,
                    Level::Weaker,
                    format!("{}的编号与前表重复或倒序", t.label()),
                    vec![loc(t, Span::line(t.span.line, t.span.page))],
                );
            }
            prev = Some((n, t));
        }
    }
    if missing_kinds.len() > gaps {
        // Point at numbered tables of unknown kind (a changed title), else at the end.
        let unknown: Vec<Location> = doc
            .notes
            .iter()
            .filter(|n| n.kind == ReadNoteKind::UnknownTable)
            .map(|n| Location::new(n.span, None))
            .collect();
        let end = doc.tables.last().map_or(Span::line(1, None), |t| {
            Span::line(t.span.end_line, t.span.page)
        });
        let locations = if unknown.is_empty() {
            vec![Location::new(end, None)]
        } else {
            unknown
        };
        sink.emit(
            &TABLES,
            Level::Violated,
            format!(
                "缺少必备表格：{}",
                missing_kinds
                    .iter()
                    .map(|k| kind_label(*k))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            locations,
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
            )
        );
        if !fund_like {
            continue;
        }
        let says_empty = t.notes.iter().find(|n| {
            ["空表", "无数据", "无相关数据", "为空"]
                .iter()
                .any(|k| n.value.contains(k))
        });
        if !t.is_empty_of_amounts() {
            // The statement contradicts the table.
            if let Some(note) = says_empty {
                sink.emit(
                    &EMPTY_STATEMENT,
                    Level::Violated,
                    format!("{}注明“{}”，但表中列有金额", t.label(), note.value),
                    vec![loc(t, note.span), loc(t, t.span)],
                );
            }
            continue;
        }
        if !t.notes.is_empty() {
            continue;
        }
        let fund = match t.kind {
            Some(TableKind::GovFundByFunction) => Some("政府性基金"),
            Some(TableKind::StateCapitalByFunction) => Some("国有资本经营"),
            _ => None,
        };
        // A file of tables alone (its narrative published apart) cannot say which.
        let no_narrative = doc.sections.iter().all(|s| s.paragraphs.is_empty());
        let narrative_says =
            no_narrative || fund.is_some_and(|f| crate::facts::narrative_says_none(doc, f));
        // Where the narrative says the unit has none of that fund, the emptiness is explained
        // (info: a note under the table is still the custom); where the file holds no
        // narrative, it cannot be told (a warning); else an error.
        sink.emit(
            &EMPTY_STATEMENT,
            if no_narrative {
                Level::Weaker
            } else if narrative_says {
                Level::Info
            } else {
                Level::Violated
            },
            format!(
                "{}（{}）没有任何金额，{}",
                t.label(),
                t.title,
                if no_narrative {
                    "表中没有注明为何为空（情况说明不在本文件中，无法确认是否已作说明）"
                } else if narrative_says {
                    "表中没有注明为何为空（情况说明已说明本单位无此项资金，表下宜注明“本单位无…，故此表无数据”）"
                } else {
                    "也没有说明为何为空（如“本单位无…，故此表无数据”）"
                }
            ),
            vec![loc(t, t.span)],
        );
    }
}

/// Mandatory sections: present (outside 名词解释), and with some content.
fn sections(ctx: &Ctx, sink: &mut Sink) {
    let Some(profile) = ctx.profile else { return };
    let doc = ctx.doc;
    // Sections that count: not the definitions under 名词解释, nor the items of the 职能 list
    // ("（五）负责本部门国有资产管理" mentions assets; it is not the assets section).
    let mut parent: Option<&yusuan_core::Section> = None;
    let mut counted: Vec<usize> = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        let under = parent
            .filter(|p| s.level > p.level)
            .map(|p| p.heading.as_str());
        if under.is_none() {
            parent = Some(s);
        }
        let listed =
            under.is_some_and(|h| ["名词解释", "职能", "职责"].iter().any(|k| h.contains(k)));
        if !listed {
            counted.push(i);
        }
    }
    let find = |keywords: &[String]| {
        counted.iter().copied().find(|&i| {
            keywords
                .iter()
                .any(|k| doc.sections[i].heading.contains(k.as_str()))
        })
    };
    let found: Vec<Option<usize>> = profile.sections.iter().map(|s| find(&s.keywords)).collect();
    for (k, spec) in profile.sections.iter().enumerate() {
        match found[k] {
            Some(i) => {
                // Content: its paragraphs and those of its subsections.
                let s = &doc.sections[i];
                let has_content = doc.sections[i..]
                    .iter()
                    .enumerate()
                    .take_while(|(j, x)| *j == 0 || x.level > s.level)
                    .any(|(_, x)| x.paragraphs.iter().any(|p| !p.text.trim().is_empty()));
                let subtree = doc.sections[i..]
                    .iter()
                    .enumerate()
                    .take_while(|(j, x)| *j == 0 || x.level > s.level)
                    .map(|(_, x)| x);
                let span = subtree.clone().fold(s.span, |a, x| a.to(x.span));
                if !has_content {
                    sink.emit(
                        &SECTIONS,
                        Level::Violated,
                        format!("情况说明的“{}”部分（{}）没有内容", spec.label, s.heading),
                        vec![Location::new(s.span, None)],
                    );
                    continue;
                }
                // Required figures: stated somewhere in the section's lines.
                for key in &spec.figures {
                    let stated = doc.figures.iter().any(|f| {
                        f.subject.key() == key.as_str()
                            && f.span.line >= span.line
                            && f.span.line <= span.end_line
                    });
                    if !stated {
                        let label = doc
                            .figures
                            .iter()
                            .find(|f| f.subject.key() == key.as_str())
                            .map_or_else(|| key.clone(), |f| f.subject.label());
                        sink.emit(
                            &FIGURES,
                            Level::Violated,
                            format!(
                                "情况说明的“{}”部分没有说明{}",
                                spec.label,
                                figure_label(key, &label)
                            ),
                            vec![Location::new(span, None)],
                        );
                    }
                }
                for term in &spec.terms {
                    if !subtree.clone().any(|x| x.heading.contains(term.as_str())) {
                        sink.emit(
                            &SECTIONS,
                            Level::Weaker,
                            format!("“{}”部分缺少对“{}”的解释", spec.label, term),
                            vec![Location::new(span, None)],
                        );
                    }
                }
            }
            None => {
                // Where it should have been: between the previous and the next present ones.
                let prev = found[..k]
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map(|&i| doc.sections[i].span.line);
                let next = found[k + 1..]
                    .iter()
                    .flatten()
                    .next()
                    .map(|&i| doc.sections[i].span.line);
                let first = doc.sections.first().map_or(1, |s| s.span.line);
                let last = doc.sections.last().map_or(first, |s| s.span.end_line);
                let span = Span {
                    line: prev.unwrap_or(first),
                    end_line: next.unwrap_or(last),
                    page: None,
                };
                sink.emit(
                    &SECTIONS,
                    Level::Violated,
                    format!("情况说明缺少“{}”部分", spec.label),
                    vec![Location::new(span, None)],
                );
            }
        }
    }
}

/// The Chinese name of a required figure.
fn figure_label(key: &str, fallback: &str) -> String {
    let known = [
        "total_income 收入预算总额",
        "total_expenditure 支出预算总额",
        "general_budget_expenditure 一般公共预算财政拨款支出",
        "basic 基本支出",
        "project 项目支出",
        "three_public_total “三公”经费预算",
        "operating_cost 机关运行经费",
        "procurement_total 政府采购预算总额",
        "performance_funds 实行绩效目标管理的项目资金",
        "vehicles 车辆数量",
    ];
    known
        .iter()
        .find_map(|k| k.strip_prefix(key).and_then(|r| r.strip_prefix(' ')))
        .unwrap_or(fallback)
        .to_string()
}
