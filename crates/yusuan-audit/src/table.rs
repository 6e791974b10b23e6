//! Identities within one table: hierarchy sums, row totals, 三公 sums, 收支 balance.

use crate::facts::{
    check_sum, coded_rows, exp_total, loc, side_items, side_label, total_row, Side, SideLabel, Val,
};
use crate::{Ctx, Sink};
use yusuan_core::{Basis, ColumnRole, Table, TableKind};

use crate::{Level, Rule};

pub(crate) const HIERARCHY: Rule = rule!("table.hierarchy", Error, "预算 决算 部门/单位", "科目层级合计", "Each 类 equals the sum of its 款, each 款 the sum of its 项, and 合计 the sum of the 类, in every amount column; in a table printed in blocks side by side (the 决算 基本支出 table), each block's 合计 (人员经费合计, 公用经费合计) the sum of its 类.");

pub(crate) const ROW_TOTAL: Rule = rule!("table.row-total", Error, "预算 决算 部门/单位", "行内合计", "In each row 总计 = 基本支出 + 项目支出, 总计 = 人员经费 + 公用经费, 合计 = the sum of the funding sources; in a 决算's fund tables, 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余.");

pub(crate) const THREE_PUBLIC: Rule = rule!(
    "table.three-public",
    Error,
    "预算 决算 部门/单位",
    "三公经费表合计",
    "三公 合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费; 小计 = 购置费 + 运行费. In a 决算, the 预算数 columns and the 决算数 columns each."
);

pub(crate) const PROCUREMENT: Rule = rule!("table.procurement", Error, "预算 部门/单位", "政府采购预算表合计", "In a 政府采购预算表 printed as a tree (合计; 一、货物 / 二、工程 / 三、服务; each 专项 and 经济科目 line; its items with their 采购组织形式): 合计 = the classes, each class = its lines or its items, and each line = its items when the class's lines or items add up. The tree is read from where each row's label begins; in a table read without its columns (space-aligned text) from its sums: lines each followed by the items that add up to it, and one line that does not add up to the items before the next line that reads so again is the error.");

pub(crate) const BALANCE: Rule = rule!("table.balance", Error, "预算 决算 部门/单位", "收支平衡", "In every 收支总表: 收入合计 = 支出合计, 本年收入 = the sum of the sources, 本年支出 = the sum of the 类.");

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.doc.tables {
        check_table(ctx, t, sink);
    }
}

/// The identities of one table against itself.
pub fn check_table(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    {
        let Some(kind) = t.kind else { return };
        match kind {
            TableKind::GeneralBudgetByFunction
            | TableKind::GovFundByFunction
            | TableKind::StateCapitalByFunction
            | TableKind::DeptExpenditure
            | TableKind::DeptIncome
            | TableKind::BasicByEconomic
            | TableKind::FiscalByFunction
            | TableKind::FiscalBasicByEconomic
            | TableKind::OperatingCost => {
                hierarchy(ctx, t, sink);
                block_totals(ctx, t, sink);
                row_totals(ctx, t, sink);
            }
            TableKind::ThreePublic => three_public(ctx, t, sink),
            TableKind::Procurement => procurement(ctx, t, sink),
            TableKind::FiscalSummary | TableKind::DeptSummary => {
                balance(ctx, t, sink);
                row_totals(ctx, t, sink);
            }
            _ => {}
        }
    }
}

fn amount_roles(t: &Table) -> Vec<ColumnRole> {
    t.columns
        .iter()
        .map(|c| c.role)
        .filter(|r| r.is_amount())
        .collect()
}

/// 类 = Σ 款, 款 = Σ 项, 合计 = Σ 类, per amount column.
fn hierarchy(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let rows = coded_rows(t);
    let unit = ctx.facts.unit(t);
    let roles = amount_roles(t);
    let level_len = |c: &str| c.len();
    for role in &roles {
        // Parents with children printed.
        for (pi, parent) in rows.iter().enumerate() {
            let child_len = match level_len(parent.code) {
                3 => 5,
                5 => 7,
                _ => continue,
            };
            let children: Vec<_> = rows[pi + 1..]
                .iter()
                .take_while(|r| r.code.len() > parent.code.len())
                .filter(|r| r.code.len() == child_len && r.code.starts_with(parent.code))
                .collect();
            if children.is_empty() {
                continue;
            }
            let parts: Vec<Val> = children
                .iter()
                .map(|c| Val::of(t.value(c.row, *role)))
                .collect();
            let first = children[0].row.span;
            let last = children[children.len() - 1].row.span;
            let level = if child_len == 5 { "款" } else { "项" };
            check_sum(
                sink,
                &HIERARCHY,
                Side {
                    desc: || {
                        format!(
                            "{} {} {}的“{}”",
                            t.label(),
                            parent.code,
                            parent.name,
                            role.label()
                        )
                    },
                    val: Val::of(t.value(parent.row, *role)),
                    loc: || loc(t, parent.row.span),
                },
                &parts,
                &format!("其下{}个{}", children.len(), level),
                Some(&loc(t, first.to(last))),
                unit,
            );
        }
        // 合计 = Σ 类. A 合计 row read without a single figure had its figures printed apart
        // from its label (a line above it, beside the header): nothing to compare.
        if let Some(total) = total_row(t).filter(|r| r.has_amount()) {
            let classes: Vec<_> = rows.iter().filter(|r| r.code.len() == 3).collect();
            if classes.is_empty() {
                continue;
            }
            let parts: Vec<Val> = classes
                .iter()
                .map(|c| Val::of(t.value(c.row, *role)))
                .collect();
            let first = classes[0].row.span;
            let last = rows.last().map_or(first, |r| r.row.span);
            check_sum(
                sink,
                &HIERARCHY,
                Side {
                    desc: || format!("{} 合计行的“{}”", t.label(), role.label()),
                    val: Val::of(t.value(total, *role)),
                    loc: || loc(t, total.span),
                },
                &parts,
                &format!("{}个类", classes.len()),
                Some(&loc(t, first.to(last))),
                unit,
            );
        }
    }
}

/// A table printed in blocks side by side (the 决算 基本支出 table), read block by block: each
/// row that closes a block (人员经费合计, 公用经费合计) is the sum of the 类 since the last.
fn block_totals(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let Some(ni) = t.col(ColumnRole::Name) else {
        return;
    };
    let closing = |r: &yusuan_core::Row| yusuan_core::label::closes_block(r.text(ni));
    if t.rows.iter().filter(|r| closing(r)).count() < 2 {
        return;
    }
    let unit = ctx.facts.unit(t);
    let rows = coded_rows(t);
    let mut from = 0;
    for (i, row) in t.rows.iter().enumerate() {
        if !closing(row) {
            continue;
        }
        let classes: Vec<_> = rows
            .iter()
            .filter(|r| r.code.len() == 3)
            .filter(|r| {
                let at = t.rows.iter().position(|x| std::ptr::eq(x, r.row));
                at.is_some_and(|a| a >= from && a < i)
            })
            .collect();
        from = i + 1;
        let (Some(first), Some(last)) = (classes.first(), classes.last()) else {
            continue;
        };
        let parts: Vec<Val> = classes
            .iter()
            .map(|c| Val::of(t.value(c.row, ColumnRole::Total)))
            .collect();
        let names: Vec<String> = classes
            .iter()
            .map(|c| format!("{} {}", c.code, c.name))
            .collect();
        check_sum(
            sink,
            &HIERARCHY,
            Side {
                desc: || format!("{} {}", t.label(), row.text(ni)),
                val: Val::of(t.value(row, ColumnRole::Total)),
                loc: || loc(t, row.span),
            },
            &parts,
            &names.join("、"),
            Some(&loc(t, first.row.span.to(last.row.span))),
            unit,
        );
    }
}

/// Whether row `ri` breaks its own row identity (总计 = its parts): the gate asks it of every
/// placing before it checks the whole table, which no such placing can fit.
pub(crate) fn row_fails(ctx: &Ctx, t: &Table, ri: usize) -> bool {
    let Some(row) = t.rows.get(ri) else {
        return false;
    };
    let one = Table {
        kind: t.kind,
        unit: t.unit,
        columns: t.columns.clone(),
        rows: vec![row.clone()],
        ..Table::default()
    };
    let mut sink = Sink::default();
    row_totals(ctx, &one, &mut sink);
    sink.findings
        .iter()
        .any(|f| f.severity == crate::Severity::Error)
}

/// Row identities: 总计 = 基本 + 项目; 总计 = 人员 + 公用; 合计 = Σ sources.
fn row_totals(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let unit = ctx.facts.unit(t);
    let has = |r: ColumnRole| t.col(r).is_some();
    let groups: Vec<(Vec<ColumnRole>, &str)> = {
        let mut g = Vec::new();
        if has(ColumnRole::Basic) && has(ColumnRole::Project) {
            // Jiangsu adds 单位预留机动经费 and 结转下年 to the total.
            let mut parts = vec![ColumnRole::Basic, ColumnRole::Project];
            parts.extend(
                [
                    ColumnRole::Reserve,
                    ColumnRole::CarryOver,
                    ColumnRole::PaymentToSuperior,
                    ColumnRole::OperatingExpenditure,
                    ColumnRole::SubsidyToSubordinate,
                ]
                .into_iter()
                .filter(|r| has(*r)),
            );
            g.push((parts, "基本支出与项目支出等"));
        }
        if has(ColumnRole::Personnel) && has(ColumnRole::PublicUse) {
            if has(ColumnRole::Project) && !has(ColumnRole::Basic) {
                // 基本支出 printed as its two parts: 总计 = 人员 + 公用 + 项目.
                g.push((
                    vec![
                        ColumnRole::Personnel,
                        ColumnRole::PublicUse,
                        ColumnRole::Project,
                    ],
                    "人员经费、公用经费与项目支出",
                ));
            } else {
                g.push((
                    vec![ColumnRole::Personnel, ColumnRole::PublicUse],
                    "人员经费与公用经费",
                ));
            }
        }
        let sources: Vec<ColumnRole> = t
            .columns
            .iter()
            .map(|c| c.role)
            .filter(|r| {
                matches!(
                    r,
                    ColumnRole::GeneralBudget
                        | ColumnRole::Fiscal
                        | ColumnRole::GovFund
                        | ColumnRole::StateCapital
                        | ColumnRole::SpecialAccount
                        | ColumnRole::ServiceIncome
                        | ColumnRole::SuperiorSubsidy
                        | ColumnRole::SubordinateIncome
                        | ColumnRole::OperatingIncome
                        | ColumnRole::OtherIncome
                        | ColumnRole::CarryOver
                )
            })
            .collect();
        if sources.len() >= 2 {
            g.push((sources, "各资金来源"));
        }
        g
    };
    if !has(ColumnRole::Total) {
        return;
    }
    let fund_balance = has(ColumnRole::BeginningBalance)
        && has(ColumnRole::IncomeAmount)
        && has(ColumnRole::EndingBalance);
    for row in &t.rows {
        if fund_balance {
            carried_over(t, row, unit, sink);
        }
        // Written only for a finding: the gate runs this for every placing it tries.
        let label = || {
            let c = t.col(ColumnRole::Code).map_or("", |i| row.text(i));
            let n = t
                .col(ColumnRole::Name)
                .or(t.col(ColumnRole::ExpItem))
                .map_or("", |i| row.text(i));
            format!("{c} {n}").trim().to_string()
        };
        for (parts, desc) in &groups {
            let vals: Vec<Val> = parts.iter().map(|r| Val::of(t.value(row, *r))).collect();
            check_sum(
                sink,
                &ROW_TOTAL,
                Side {
                    desc: || format!("{} {}的“总计”", t.label(), label()),
                    val: Val::of(t.value(row, ColumnRole::Total)),
                    loc: || loc(t, row.span),
                },
                &vals,
                desc,
                None,
                unit,
            );
        }
    }
}

/// A 决算 fund table's row (政府性基金 / 国有资本经营): 年初结转和结余 + 本年收入 = 本年支出 +
/// 年末结转和结余, within the rounding of the four printed figures.
fn carried_over(t: &Table, row: &yusuan_core::Row, unit: yusuan_core::MoneyUnit, sink: &mut Sink) {
    use ColumnRole::*;
    let val = |r| Val::of(t.value(row, r));
    let all = [
        val(BeginningBalance),
        val(IncomeAmount),
        val(Total),
        val(EndingBalance),
    ];
    if all.iter().all(|v| matches!(v, Val::Blank)) {
        return;
    }
    let amounts: Option<Vec<yusuan_core::Amount>> =
        all.iter().map(|v| v.amount_or_zero(unit)).collect();
    let Some(a) = amounts else {
        return; // an unreadable cell: said by read.unreadable where it is read
    };
    let left = a[0].fen + a[1].fen;
    let right = a[2].fen + a[3].fen;
    let diff = left - right;
    if diff == 0 {
        return;
    }
    let tol: i64 = a.iter().map(|x| x.half_step()).sum();
    let label = [Code, Name]
        .iter()
        .filter_map(|r| t.col(*r).map(|i| row.text(i)))
        .collect::<Vec<_>>()
        .join(" ");
    let show = |f: i64| format!("{}{}", yusuan_core::format_fen(f, unit), unit.label());
    let (level, tail) = if diff.abs() <= tol {
        (Level::Info, format!("，在尾差允许范围（±{}）内", show(tol)))
    } else {
        (Level::Violated, String::new())
    };
    sink.emit(
        &ROW_TOTAL,
        level,
        format!(
            "{} {}：年初结转和结余{}加本年收入{}为{}，本年支出{}加年末结转和结余{}为{}，相差{}{tail}",
            t.label(),
            label.trim(),
            show(a[0].fen),
            show(a[1].fen),
            show(left),
            show(a[2].fen),
            show(a[3].fen),
            show(right),
            show(diff.abs()),
        ),
        vec![loc(t, row.span)],
    );
}

/// One row of a 政府采购预算表 tree.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Node {
    Grand,
    Class,
    /// A 专项 / 经济科目 line, at the depth its label begins.
    Line(usize),
    Item,
}

fn procurement(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let unit = ctx.facts.unit(t);
    // Each row with a figure: its last figure, where its label begins and ends, and the label.
    let mut rows: Vec<(&yusuan_core::Row, Val, usize, usize, String)> = Vec::new();
    // The profile names no columns (they differ by year): a figure is a cell printed as one.
    let figure = |c: &yusuan_core::Cell| -> Option<Val> {
        if let yusuan_core::CellValue::Amount(a) = c.value {
            return Some(Val::Amt(a));
        }
        let text = c.text.trim();
        let numeric = text.bytes().any(|b| b.is_ascii_digit())
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b',' || b == b'.');
        numeric
            .then(|| yusuan_core::Amount::parse(text, unit).ok())
            .flatten()
            .map(Val::Amt)
    };
    let same_width = t
        .rows
        .windows(2)
        .all(|w| w[0].cells.len() == w[1].cells.len());
    for r in &t.rows {
        let Some((fig, val)) = r
            .cells
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, c)| figure(c).map(|v| (i, v)))
        else {
            continue;
        };
        let filled = |c: &&yusuan_core::Cell| !c.text.trim().is_empty();
        let Some(depth) = r.cells[..fig].iter().position(|c| filled(&c)) else {
            // In a space-aligned text a figure may stand on its own line between the halves of
            // its wrapped label: still a row of the tree.
            if !same_width {
                rows.push((r, val, fig, fig, String::new()));
            }
            continue;
        };
        let last = r.cells[..fig]
            .iter()
            .rposition(|c| filled(&c))
            .unwrap_or(depth);
        let label = yusuan_core::label::compact(&r.cells[depth].text);
        rows.push((r, val, depth, last, label));
    }
    let numbered = |l: &str| {
        l.chars()
            .next()
            .is_some_and(|c| "一二三四五六七八九十".contains(c))
            && l.contains('、')
    };
    let structural = |l: &str| numbered(l) || yusuan_core::label::is_total_label(l);
    // Items fill the last label column (their 采购组织形式); lines leave it blank.
    let ends = || rows.iter().filter(|r| !structural(&r.4)).map(|r| r.3);
    let deepest = ends().max().unwrap_or(0);
    // Only a table read from its grid (every row the same columns) tells where labels begin:
    // a space-aligned text keeps its cells in reading order.
    let grid = rows
        .windows(2)
        .all(|w| w[0].0.cells.len() == w[1].0.cells.len());
    let tree = grid && ends().any(|e| e < deepest) && ends().any(|e| e == deepest);
    let nodes: Vec<Node> = rows
        .iter()
        .map(|(_, _, depth, last, label)| {
            if yusuan_core::label::is_total_label(label) {
                Node::Grand
            } else if numbered(label) {
                Node::Class
            } else if *last == deepest && tree {
                Node::Item
            } else {
                Node::Line(*depth)
            }
        })
        .collect();
    let at = |i: usize| loc(t, rows[i].0.span);
    let span_of = |ix: &[usize]| -> Option<crate::Location> {
        let (a, b) = (ix.first()?, ix.last()?);
        Some(loc(t, rows[*a].0.span.to(rows[*b].0.span)))
    };
    let sum_check = |sink: &mut Sink, total: usize, parts: &[usize], what: &str| {
        let vals: Vec<Val> = parts.iter().map(|&i| rows[i].1.clone()).collect();
        check_sum(
            sink,
            &PROCUREMENT,
            Side {
                desc: || format!("{}“{}”", t.label(), rows[total].4),
                val: rows[total].1.clone(),
                loc: || at(total),
            },
            &vals,
            what,
            span_of(parts).as_ref(),
            unit,
        );
    };
    let adds = |total: usize, parts: &[usize]| -> bool {
        let Val::Amt(a) = rows[total].1 else {
            return false;
        };
        let mut sum = 0i64;
        let mut tol = a.half_step();
        for &i in parts {
            match rows[i].1 {
                Val::Amt(x) => {
                    sum += x.fen;
                    tol += x.half_step();
                }
                Val::Blank => {}
                _ => return false,
            }
        }
        (sum - a.fen).abs() <= tol
    };
    let classes: Vec<usize> = (0..rows.len())
        .filter(|&i| nodes[i] == Node::Class)
        .collect();
    if let Some(grand) = nodes.iter().position(|n| *n == Node::Grand) {
        if !classes.is_empty() {
            sum_check(sink, grand, &classes, "各类采购");
        }
    }
    // Each class with the rows under it, up to the next class.
    let within: Vec<(usize, Vec<usize>)> = classes
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let end = classes.get(k + 1).copied().unwrap_or(rows.len());
            (
                c,
                (c + 1..end).filter(|&i| nodes[i] != Node::Grand).collect(),
            )
        })
        .collect();
    if !tree {
        if grid {
            return;
        }
        // A space-aligned text: the tree is read from its sums (each line followed by items
        // that add up to it), and a class whose rows form such a tree but for one line is
        // checked at that line.
        for (c, inside) in &within {
            let (c, inside) = (*c, inside.as_slice());
            if inside.is_empty() || adds(c, inside) {
                continue;
            }
            let vals: Vec<Val> = inside.iter().map(|&i| rows[i].1.clone()).collect();
            match groups_by_sums(&vals) {
                Ok(lines) => {
                    let lines: Vec<usize> = lines.into_iter().map(|j| inside[j]).collect();
                    sum_check(sink, c, &lines, "其下各专项");
                }
                Err(Some(m)) => {
                    // The reading holds only if the class confirms it: it is its lines or the
                    // other rows (a changed item leaves the lines, a changed line the items).
                    let lines: Vec<usize> = m.lines.iter().map(|&j| inside[j]).collect();
                    let others: Vec<usize> = (0..inside.len())
                        .filter(|j| !m.lines.contains(j))
                        .map(|j| inside[j])
                        .collect();
                    if adds(c, &lines) || adds(c, &others) {
                        let own: Vec<usize> = inside[m.line + 1..m.end].to_vec();
                        sum_check(sink, inside[m.line], &own, "其下各采购品目");
                    }
                }
                Err(None) => {}
            }
        }
        return;
    }
    for (c, inside) in &within {
        let c = *c;
        let top = inside
            .iter()
            .filter_map(|&i| match nodes[i] {
                Node::Line(d) => Some(d),
                _ => None,
            })
            .min();
        let lines: Vec<usize> = inside
            .iter()
            .copied()
            .filter(|&i| top.is_some_and(|d| nodes[i] == Node::Line(d)))
            .collect();
        // A 专项 printed once over several 经济科目 lines leaves them at another depth.
        let all_lines: Vec<usize> = inside
            .iter()
            .copied()
            .filter(|&i| matches!(nodes[i], Node::Line(_)))
            .collect();
        let items: Vec<usize> = inside
            .iter()
            .copied()
            .filter(|&i| nodes[i] == Node::Item)
            .collect();
        let by_lines = (!lines.is_empty() && adds(c, &lines))
            || (!all_lines.is_empty() && adds(c, &all_lines));
        let by_items = !items.is_empty() && adds(c, &items);
        if !by_lines && !by_items {
            // Neither reading adds up: the class against its lines (or its items).
            if lines.is_empty() {
                sum_check(sink, c, &items, "其下各采购品目");
            } else {
                sum_check(sink, c, &lines, "其下各专项");
            }
            continue;
        }
        // The class adds up one way: each line is the items that follow it.
        for (j, &l) in inside.iter().enumerate() {
            if !matches!(nodes[l], Node::Line(_)) {
                continue;
            }
            let own: Vec<usize> = inside[j + 1..]
                .iter()
                .copied()
                .take_while(|&i| nodes[i] == Node::Item)
                .collect();
            if !own.is_empty() {
                sum_check(sink, l, &own, "其下各采购品目");
            }
        }
    }
}

/// Where the items of the line at `line` end: the rows after it add up to it, within their
/// printed precision, at that row. `None` when they pass it or the rows run out first.
fn closing(vals: &[Val], line: usize) -> Option<usize> {
    let Val::Amt(l) = vals.get(line)? else {
        return None;
    };
    let (mut sum, mut tol) = (0i64, l.half_step());
    for (j, v) in vals.iter().enumerate().skip(line + 1) {
        match v {
            Val::Amt(x) => {
                sum += x.fen;
                tol += x.half_step();
            }
            Val::Blank => {}
            _ => return None,
        }
        if (sum - l.fen).abs() <= tol {
            return Some(j + 1);
        }
        if sum > l.fen + tol {
            return None;
        }
    }
    None
}

/// A class's rows as a tree read from sums alone: lines, each followed by the items that add up
/// to it. `Ok`: the lines. `Err(Some(misfit))`: one line does not, though the rows before it and
/// those after its items form such a tree. `Err(None)`: no such reading.
fn groups_by_sums(vals: &[Val]) -> Result<Vec<usize>, Option<Misfit>> {
    let parse_from = |mut i: usize, lines: &mut Vec<usize>| -> Result<(), usize> {
        while i < vals.len() {
            lines.push(i);
            i = closing(vals, i).ok_or(i)?;
        }
        Ok(())
    };
    let mut lines = Vec::new();
    let Err(line) = parse_from(0, &mut lines) else {
        return Ok(lines);
    };
    // The first line that does not add up: its items are the rows up to the next row from which
    // the rest reads as lines and items again (or the class's end).
    let mut rest = Vec::new();
    let end = (line + 2..=vals.len()).find(|&m| {
        rest.clear();
        parse_from(m, &mut rest).is_ok()
    });
    Err(end.map(|end| {
        lines.extend(rest);
        Misfit { lines, line, end }
    }))
}

/// A line of a tree read from sums that does not add up to its items.
struct Misfit {
    /// Every line of the reading, this one included.
    lines: Vec<usize>,
    line: usize,
    /// Its items are the rows after it up to here.
    end: usize,
}

fn three_public(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let unit = ctx.facts.unit(t);
    // A 决算 prints each part's 预算数 beside its 决算数: both add up.
    let bases: &[Basis] = if t.has_budget_columns() {
        &[Basis::Budget, Basis::Own]
    } else {
        &[Basis::Own]
    };
    for row in &t.rows {
        for &basis in bases {
            let v = |r: ColumnRole| Val::of(t.value_in(row, r, basis));
            if t.col_in(ColumnRole::Total, basis).is_none() {
                continue;
            }
            let of = if t.has_budget_columns() {
                format!("（{}）", basis.final_word())
            } else {
                String::new()
            };
            check_sum(
                sink,
                &THREE_PUBLIC,
                Side {
                    desc: || format!("{} “三公”经费合计{of}", t.label()),
                    val: v(ColumnRole::Total),
                    loc: || loc(t, row.span),
                },
                &[
                    v(ColumnRole::Abroad),
                    v(ColumnRole::CarSubtotal),
                    v(ColumnRole::Reception),
                ],
                "因公出国（境）费、公务用车购置及运行费、公务接待费",
                None,
                unit,
            );
            if t.col_in(ColumnRole::CarSubtotal, basis).is_some() {
                check_sum(
                    sink,
                    &THREE_PUBLIC,
                    Side {
                        desc: || format!("{} 公务用车购置及运行费小计{of}", t.label()),
                        val: v(ColumnRole::CarSubtotal),
                        loc: || loc(t, row.span),
                    },
                    &[v(ColumnRole::CarPurchase), v(ColumnRole::CarOperation)],
                    "公务用车购置费与运行费",
                    None,
                    unit,
                );
            }
        }
    }
}

/// 收支总表: 收入合计 = 支出合计; 本年收入 = Σ sources; 本年支出 = Σ 类 (per column);
/// row 合计 = Σ fund columns on the expenditure side.
fn balance(ctx: &Ctx, t: &Table, sink: &mut Sink) {
    let unit = ctx.facts.unit(t);
    // Sums run over the top-level items: "1. 一般公共预算资金" is inside "一、财政拨款收入".
    let top = |role| -> Vec<(String, &yusuan_core::Row)> {
        side_items(t, role)
            .into_iter()
            .filter(|(_, level, _)| *level == 1)
            .map(|(l, _, r)| (l, r))
            .collect()
    };
    let income = top(ColumnRole::IncomeItem);
    let expense = top(ColumnRole::ExpItem);
    let inc_val = |r: &yusuan_core::Row| Val::of(t.value(r, ColumnRole::IncomeAmount));
    let grand_in = income
        .iter()
        .find(|(l, _)| side_label(l) == SideLabel::Grand);
    let grand_out = expense
        .iter()
        .find(|(l, _)| side_label(l) == SideLabel::Grand);
    if let (Some((_, ri)), Some((_, ro))) = (grand_in, grand_out) {
        crate::facts::check_same(
            sink,
            &BALANCE,
            Level::Violated,
            Side {
                desc: || format!("{} 收入合计", t.label()),
                val: inc_val(ri),
                loc: || loc(t, ri.span),
            },
            Side {
                desc: || "支出合计".to_string(),
                val: exp_total(t, ro),
                loc: || loc(t, ro.span),
            },
            unit,
        );
    }
    // Income: items of the current-year section sum to 本年收入 (or to 合计 when there is no
    // 本年收入 row and no carry-over section).
    let sections = split_sections(&income);
    let current_in = income
        .iter()
        .find(|(l, _)| side_label(l) == SideLabel::Current);
    let has_carry = income
        .iter()
        .any(|(l, _)| side_label(l) == SideLabel::Carry);
    let target = current_in.or(if has_carry { None } else { grand_in });
    if let Some((label, row)) = target {
        let items = &sections.0;
        if !items.is_empty() {
            let parts: Vec<Val> = items.iter().map(|(_, r)| inc_val(r)).collect();
            let span = items[0].1.span.to(items[items.len() - 1].1.span);
            check_sum(
                sink,
                &BALANCE,
                Side {
                    desc: || format!("{} “{}”", t.label(), label),
                    val: inc_val(row),
                    loc: || loc(t, row.span),
                },
                &parts,
                "各项收入",
                Some(&loc(t, span)),
                unit,
            );
        }
    }
    // 总计 = 本年收入合计 + the carry lines (年初结转和结余, 使用非财政拨款结余; 上年结转), on
    // each side: the carry line's own figure, or its items where it prints none.
    for (side, amount_of, what) in [
        (
            &income,
            &inc_val as &dyn Fn(&yusuan_core::Row) -> Val,
            "收入",
        ),
        (&expense, &|r: &yusuan_core::Row| exp_total(t, r), "支出"),
    ] {
        carry_balance(sink, t, side, amount_of, what, unit);
    }
    // Expenditure: 类 rows of the current section sum to 本年支出 (or 合计), per column.
    let esections = split_sections(&expense);
    let current_out = expense
        .iter()
        .find(|(l, _)| side_label(l) == SideLabel::Current);
    let has_carry_out = expense
        .iter()
        .any(|(l, _)| side_label(l) == SideLabel::Carry);
    let etarget = current_out.or(if has_carry_out { None } else { grand_out });
    let roles: Vec<ColumnRole> = t
        .columns
        .iter()
        .map(|c| c.role)
        .filter(|r| r.is_amount() && *r != ColumnRole::IncomeAmount)
        .collect();
    if let Some((label, row)) = etarget {
        let items = &esections.0;
        if !items.is_empty() {
            let span = items[0].1.span.to(items[items.len() - 1].1.span);
            for role in &roles {
                let parts: Vec<Val> = items
                    .iter()
                    .map(|(_, r)| Val::of(t.value(r, *role)))
                    .collect();
                check_sum(
                    sink,
                    &BALANCE,
                    Side {
                        desc: || format!("{} “{}”的“{}”", t.label(), label, role.label()),
                        val: if *role == ColumnRole::Total {
                            exp_total(t, row)
                        } else {
                            Val::of(t.value(row, *role))
                        },
                        loc: || loc(t, row.span),
                    },
                    &parts,
                    "各类支出",
                    Some(&loc(t, span)),
                    unit,
                );
            }
        }
    }
}

/// 总计 = 本年合计 + carry lines, on one side of a 收支总表, where both totals and at least one
/// carry line with a figure are printed.
fn carry_balance(
    sink: &mut Sink,
    t: &Table,
    side: &[(String, &yusuan_core::Row)],
    amount_of: &dyn Fn(&yusuan_core::Row) -> Val,
    what: &str,
    unit: yusuan_core::MoneyUnit,
) {
    // Each label's kind once: this runs for every placing the gate tries.
    let labels: Vec<SideLabel> = side.iter().map(|(l, _)| side_label(l)).collect();
    if !labels.contains(&SideLabel::Carry) {
        return;
    }
    let find = |want: SideLabel| {
        labels
            .iter()
            .position(|l| *l == want)
            .map(|i| (&side[i].0, side[i].1))
    };
    let (Some((current_label, current)), Some((_, grand))) =
        (find(SideLabel::Current), find(SideLabel::Grand))
    else {
        return;
    };
    // The carry lines and, under a carry line that prints no figure, its items.
    let mut parts: Vec<Val> = vec![amount_of(current)];
    let mut heading_blank = false;
    let mut any_carry = false;
    for ((_, r), label) in side.iter().zip(&labels) {
        match label {
            SideLabel::Carry => {
                let v = amount_of(r);
                heading_blank = matches!(v, Val::Blank);
                any_carry |= !heading_blank;
                parts.push(v);
            }
            // Items after the current total belong to the carry section.
            SideLabel::Item if heading_blank && r.span.line > current.span.line => {
                let v = amount_of(r);
                any_carry |= !matches!(v, Val::Blank);
                parts.push(v);
            }
            SideLabel::Grand => heading_blank = false,
            _ => {}
        }
    }
    if !any_carry {
        return;
    }
    check_sum(
        sink,
        &BALANCE,
        Side {
            desc: || format!("{} {what}方“总计”", t.label()),
            val: amount_of(grand),
            loc: || loc(t, grand.span),
        },
        &parts,
        &format!("“{current_label}”与结转结余各行"),
        Some(&loc(t, current.span.to(grand.span))),
        unit,
    );
}

/// Items of the current-year section (before any 结转 heading), and of the carry section.
type Items<'a> = Vec<(String, &'a yusuan_core::Row)>;
fn split_sections<'a>(side: &[(String, &'a yusuan_core::Row)]) -> (Items<'a>, Items<'a>) {
    let mut current = Vec::new();
    let mut carry = Vec::new();
    let mut in_carry = false;
    for (l, r) in side {
        match side_label(l) {
            SideLabel::Carry => in_carry = true,
            SideLabel::Grand => in_carry = false,
            SideLabel::Current => {}
            SideLabel::Item if in_carry => carry.push((l.clone(), *r)),
            SideLabel::Item => current.push((l.clone(), *r)),
        }
    }
    (current, carry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yusuan_core::{Amount, MoneyUnit};

    fn vals(xs: &[&str]) -> Vec<Val> {
        xs.iter()
            .map(|x| Val::Amt(Amount::parse(x, MoneyUnit::WanYuan).expect("amount")))
            .collect()
    }

    #[test]
    fn a_tree_is_read_from_its_sums() {
        // 30 = 12 + 18; 60 = 60; 5.5 = 2.25 + 3.25.
        let v = vals(&[
            "30.00", "12.00", "18.00", "60.00", "60.00", "5.50", "2.25", "3.25",
        ]);
        assert_eq!(groups_by_sums(&v).ok(), Some(vec![0, 3, 5]));
    }

    #[test]
    fn one_line_that_does_not_add_up_is_found_with_its_items() {
        // The second item of the first line changed (18 -> 19).
        let v = vals(&[
            "30.00", "12.00", "19.00", "60.00", "60.00", "5.50", "2.25", "3.25",
        ]);
        let Err(Some(m)) = groups_by_sums(&v) else {
            panic!("a misfit");
        };
        assert_eq!((m.line, m.end, m.lines), (0, 3, vec![0, 3, 5]));
        // The last line changed (5.50 -> 15.50): its items run to the end.
        let v = vals(&[
            "30.00", "12.00", "18.00", "60.00", "60.00", "15.50", "2.25", "3.25",
        ]);
        let Err(Some(m)) = groups_by_sums(&v) else {
            panic!("a misfit");
        };
        assert_eq!((m.line, m.end), (5, 8));
    }

    #[test]
    fn a_misfit_needs_rows_after_its_line() {
        // The last row would be a line without items.
        let v = vals(&["30.00", "30.00", "5.00"]);
        assert!(matches!(groups_by_sums(&v), Err(None)));
        // Rows after a misfit that read as no tree leave its items running to the end, which
        // the class then confirms or not.
        let v = vals(&["30.00", "12.00", "11.00", "10.00"]);
        assert!(matches!(
            groups_by_sums(&v),
            Err(Some(Misfit { end: 4, .. }))
        ));
    }
}
