//! Identities across tables of one document (DOMAIN.md §3).

use crate::facts::{
    check_same, check_sum, class_row_by_name, coded_rows, loc, row_by_code, side, side_label,
    source_of, total_row, Side, SideLabel, Val,
};
use crate::{Ctx, Location, Sink};
use yusuan_core::{
    catalog::normalize_name, compare_same, Agreement, ColumnRole, MoneyUnit, Table, TableKind,
};

use crate::{Level, Rule};

pub(crate) const FISCAL_FUNCTION: Rule = rule!("cross.fiscal-function", Error, "预算 部门/单位", "财政拨款收支总表与功能分类表", "The 一般公共预算 column of the 财政拨款收支总表 per 类 equals the 类 totals of the 一般公共预算支出表; its rows carry 类 names.");

pub(crate) const BASIC_ECONOMIC: Rule = rule!(
    "cross.basic-economic",
    Error,
    "预算 部门/单位",
    "基本支出与经济分类表",
    "The 基本支出 total of the 一般公共预算支出表 equals the total of the 基本支出 economic table."
);

pub(crate) const DEPT_SUMMARY: Rule = rule!("cross.dept-summary", Error, "预算 部门/单位", "部门收支总表与收入/支出总表", "部门收支总表 income by source equals the 部门收入总表 and 财政拨款收支总表; expenditure by 类 equals the 部门支出总表.");

pub(crate) const DEPT_FISCAL: Rule = rule!("cross.dept-fiscal", Error, "预算 部门/单位", "部门支出总表与财政拨款支出表", "Where the unit has only 一般公共预算 money, the 部门支出总表 equals the 一般公共预算支出表 row by row.");

pub(crate) const THREE_PUBLIC_ECONOMIC: Rule = rule!("cross.three-public-economic", Error, "预算 部门/单位", "三公经费与经济分类", "Economic items of the basic table never exceed their 三公 counterparts (30217 <= 接待, 30231 <= 运行, 30212 <= 出国, 31013 <= 购置).");

pub(crate) const EMPTY_FUND: Rule = rule!("cross.empty-fund", Error, weaker: Warning, "预算 部门/单位", "空表与其他表、说明一致", "An empty 政府性基金 / 国有资本经营 table agrees with the empty columns elsewhere (an error) and the narrative says the unit has none (a warning).");

pub(crate) const SUMMARY_SPLIT: Rule = rule!("cross.summary-split", Error, "预算 单位", "财务收支总表的人员、公用经费与项目支出", "Where the 财务收支总表 splits expenditure into 人员经费, 公用经费 and 项目支出, each 类 (and the 支出总计) has 人员 + 公用 = the 部门支出总表's 基本支出 and the same 项目支出; with only 一般公共预算 money, the 支出总计's 人员 and 公用 equal the economic table's.");

pub(crate) const PERFORMANCE_TOTAL: Rule = rule!(
    "cross.performance-total",
    Error,
    "预算 部门",
    "整体绩效目标表预算数",
    "The 部门支出预算数 of the 整体绩效目标表 equals the expenditure total."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    fiscal_vs_function(ctx, sink);
    basic_vs_economic(ctx, sink);
    dept_summary(ctx, sink);
    summary_split(ctx, sink);
    dept_vs_fiscal(ctx, sink);
    three_public_vs_economic(ctx, sink);
    empty_funds(ctx, sink);
    performance_total(ctx, sink);
}

/// 财政拨款收支总表 expenditure rows (per fund column) against the function tables' 类 totals.
fn fiscal_vs_function(ctx: &Ctx, sink: &mut Sink) {
    let Some(t1) = ctx.facts.table(TableKind::FiscalSummary) else {
        return;
    };
    let pairs = [
        (
            ColumnRole::GeneralBudget,
            TableKind::GeneralBudgetByFunction,
        ),
        (ColumnRole::GovFund, TableKind::GovFundByFunction),
        (ColumnRole::StateCapital, TableKind::StateCapitalByFunction),
    ];
    let items: Vec<(String, &yusuan_core::Row)> = side(t1, ColumnRole::ExpItem)
        .into_iter()
        .filter(|(l, _)| side_label(l) == SideLabel::Item)
        .collect();
    let unit = ctx.facts.unit(t1);
    // A table whose expenditure side is by use (基本支出 / 项目支出), not by 类, has nothing to
    // compare with the function tables.
    if !items
        .iter()
        .any(|(l, _)| ctx.functional.code_of_class(l).is_some())
    {
        return;
    }
    for (role, kind) in pairs {
        let Some(ft) = ctx.facts.table(kind) else {
            continue;
        };
        if t1.col(role).is_none() {
            continue;
        }
        let classes: Vec<_> = coded_rows(ft)
            .into_iter()
            .filter(|r| r.code.len() == 3)
            .collect();
        let mut unmatched_classes: Vec<usize> = (0..classes.len()).collect();
        let mut unmatched_rows = Vec::new();
        for (label, row) in &items {
            let v1 = Val::of(t1.value(row, role));
            match classes
                .iter()
                .position(|c| normalize_name(c.name) == normalize_name(label))
            {
                Some(ci) => {
                    unmatched_classes.retain(|&k| k != ci);
                    let c = &classes[ci];
                    check_same(
                        sink,
                        &FISCAL_FUNCTION,
                        Level::Violated,
                        Side {
                            desc: || format!("{}“{}”的“{}”", t1.label(), label, role.label()),
                            val: v1,
                            loc: || loc(t1, row.span),
                        },
                        Side {
                            desc: || format!("{} {} {}的“总计”", ft.label(), c.code, c.name),
                            val: Val::of(ft.value(c.row, ColumnRole::Total)),
                            loc: || loc(ft, c.row.span),
                        },
                        unit,
                    );
                }
                None if v1.is_nonzero() => unmatched_rows.push((label.clone(), *row, v1)),
                None => {}
            }
        }
        for (label, row, v1) in unmatched_rows {
            // A row whose amount equals a 类 that is missing from the table: mislabelled.
            let same = unmatched_classes.iter().position(|&k| {
                let v2 = Val::of(ft.value(classes[k].row, ColumnRole::Total));
                matches!((&v1, &v2), (Val::Amt(a), Val::Amt(b)) if compare_same(*a, *b) == Agreement::Equal)
            });
            match same {
                Some(pos) => {
                    let c = &classes[unmatched_classes.remove(pos)];
                    sink.emit(&FISCAL_FUNCTION, Level::Violated,
                        format!(
                            "{}支出项目“{}”不是支出功能分类的类级科目名称；其金额{}与{} {} {}相同，应为“{}”",
                            t1.label(),
                            label,
                            v1.show(unit),
                            ft.label(),
                            c.code,
                            c.name,
                            c.name
                        ),
                        vec![loc(t1, row.span), loc(ft, c.row.span)],
                    );
                }
                None => sink.emit(
                    &FISCAL_FUNCTION,
                    Level::Violated,
                    format!(
                        "{}支出项目“{}”（{}）在{}中没有同名的类级科目",
                        t1.label(),
                        label,
                        v1.show(unit),
                        ft.label()
                    ),
                    vec![loc(t1, row.span)],
                ),
            }
        }
        for k in unmatched_classes {
            let c = &classes[k];
            let v2 = Val::of(ft.value(c.row, ColumnRole::Total));
            if v2.is_nonzero() {
                sink.emit(
                    &FISCAL_FUNCTION,
                    Level::Violated,
                    format!(
                        "{} {} {}（{}）在{}的支出中没有列示",
                        ft.label(),
                        c.code,
                        c.name,
                        v2.show(unit),
                        t1.label()
                    ),
                    vec![loc(ft, c.row.span), loc(t1, t1.span)],
                );
            }
        }
    }
}

fn total_of(t: &Table, role: ColumnRole) -> Option<(Val, Location)> {
    t.col(role)?;
    let row = total_row(t)?;
    Some((Val::of(t.value(row, role)), loc(t, row.span)))
}

/// 基本支出 of the 一般公共预算支出表 = total of the economic basic table.
fn basic_vs_economic(ctx: &Ctx, sink: &mut Sink) {
    let (Some(t2), Some(t3)) = (
        ctx.facts.table(TableKind::GeneralBudgetByFunction),
        ctx.facts.table(TableKind::BasicByEconomic),
    ) else {
        return;
    };
    let (Some((a, la)), Some((b, lb))) = (
        total_of(t2, ColumnRole::Basic),
        total_of(t3, ColumnRole::Total),
    ) else {
        return;
    };
    check_same(
        sink,
        &BASIC_ECONOMIC,
        Level::Violated,
        Side {
            desc: || format!("{}合计的“基本支出”", t2.label()),
            val: a,
            loc: || Location::clone(&la),
        },
        Side {
            desc: || format!("{}合计的“总计”", t3.label()),
            val: b,
            loc: || Location::clone(&lb),
        },
        ctx.facts.unit(t2),
    );
}

/// 部门收支总表 against 部门支出总表 (by 类 and total), 部门收入总表 (by source) and the
/// 财政拨款收支总表 (fiscal sources).
fn dept_summary(ctx: &Ctx, sink: &mut Sink) {
    let Some(t6) = ctx.facts.table(TableKind::DeptSummary) else {
        return;
    };
    let unit = ctx.facts.unit(t6);
    let expense = side(t6, ColumnRole::ExpItem);
    // Only a 部门支出总表 printed by 类 can be compared by 类.
    if let Some(t8) = ctx
        .facts
        .table(TableKind::DeptExpenditure)
        .filter(|t| !coded_rows(t).is_empty())
    {
        for (label, row) in &expense {
            let v6 = Val::of(t6.value(row, ColumnRole::Total));
            let other = match side_label(label) {
                SideLabel::Grand => {
                    total_of(t8, ColumnRole::Total).map(|(v, l)| (v, l, "合计".to_string()))
                }
                SideLabel::Item => class_row_by_name(t8, label).map(|c| {
                    (
                        Val::of(t8.value(c.row, ColumnRole::Total)),
                        loc(t8, c.row.span),
                        format!("{} {}", c.code, c.name),
                    )
                }),
                _ => None,
            };
            match other {
                Some((v8, l8, what)) => check_same(
                    sink,
                    &DEPT_SUMMARY,
                    Level::Violated,
                    Side {
                        desc: || format!("{}支出“{}”", t6.label(), label),
                        val: v6,
                        loc: || loc(t6, row.span),
                    },
                    Side {
                        desc: || format!("{} {}的“总计”", t8.label(), what),
                        val: v8,
                        loc: || Location::clone(&l8),
                    },
                    unit,
                ),
                None if side_label(label) == SideLabel::Item && v6.is_nonzero() => sink.emit(
                    &DEPT_SUMMARY,
                    Level::Violated,
                    format!(
                        "{}支出项目“{}”（{}）在{}中没有同名的类级科目",
                        t6.label(),
                        label,
                        v6.show(unit),
                        t8.label()
                    ),
                    vec![loc(t6, row.span)],
                ),
                None => {}
            }
        }
    }
    let income: Vec<(String, &yusuan_core::Row)> = side(t6, ColumnRole::IncomeItem);
    let t7 = ctx.facts.table(TableKind::DeptIncome);
    if let Some(t7) = t7 {
        income_list_total(t6, &income, t7, unit, sink);
    }
    let t1 = ctx.facts.table(TableKind::FiscalSummary);
    for (label, row) in &income {
        let v6 = Val::of(t6.value(row, ColumnRole::IncomeAmount));
        let Some(role) = source_of(label) else {
            continue;
        };
        if side_label(label) != SideLabel::Item {
            continue;
        }
        if let Some((v7, l7)) = t7.and_then(|t| total_of(t, role)) {
            check_same(
                sink,
                &DEPT_SUMMARY,
                Level::Violated,
                Side {
                    desc: || format!("{}收入“{}”", t6.label(), label),
                    val: v6.clone(),
                    loc: || loc(t6, row.span),
                },
                Side {
                    desc: || {
                        format!(
                            "{}合计行的“{}”",
                            t7.map(Table::label).unwrap_or_default(),
                            role.label()
                        )
                    },
                    val: v7,
                    loc: || Location::clone(&l7),
                },
                unit,
            );
        }
        if matches!(
            role,
            ColumnRole::GeneralBudget | ColumnRole::GovFund | ColumnRole::StateCapital
        ) {
            if let Some(t1) = t1 {
                let found = side(t1, ColumnRole::IncomeItem)
                    .into_iter()
                    .find(|(l, _)| side_label(l) == SideLabel::Item && source_of(l) == Some(role));
                if let Some((l1, r1)) = found {
                    check_same(
                        sink,
                        &DEPT_SUMMARY,
                        Level::Violated,
                        Side {
                            desc: || format!("{}收入“{}”", t6.label(), label),
                            val: v6,
                            loc: || loc(t6, row.span),
                        },
                        Side {
                            desc: || format!("{}收入“{}”", t1.label(), l1),
                            val: Val::of(t1.value(r1, ColumnRole::IncomeAmount)),
                            loc: || loc(t1, r1.span),
                        },
                        unit,
                    );
                }
            }
        }
    }
}

/// Whether the document shows money from sources other than 一般公共预算.
/// A 收入预算总表 printed as a list of sources (Jiangsu: "收入总计", then each fund's 小计 and
/// items, one amount per row): its 收入总计 is the 收支总表's income total (the last 合计 /
/// 总计 of the income side, which holds the 上年结转 as the list's total does).
fn income_list_total(
    t6: &Table,
    income: &[(String, &yusuan_core::Row)],
    t7: &Table,
    unit: MoneyUnit,
    sink: &mut Sink,
) {
    fn grand<'a>(
        rows: &[(String, &'a yusuan_core::Row)],
        last: bool,
    ) -> Option<(String, &'a yusuan_core::Row)> {
        let mut it = rows
            .iter()
            .filter(|(l, _)| side_label(l) == SideLabel::Grand);
        let found = if last { it.next_back() } else { it.next() };
        found.map(|(l, r)| (l.clone(), *r))
    }
    let list = side(t7, ColumnRole::IncomeItem);
    let (Some((l6, r6)), Some((l7, r7))) = (grand(income, true), grand(&list, false)) else {
        return;
    };
    check_same(
        sink,
        &DEPT_SUMMARY,
        Level::Violated,
        Side {
            desc: || format!("{}收入“{}”", t6.label(), l6),
            val: Val::of(t6.value(r6, ColumnRole::IncomeAmount)),
            loc: || loc(t6, r6.span).in_column(ColumnRole::IncomeAmount),
        },
        Side {
            desc: || format!("{}“{}”", t7.label(), l7),
            val: Val::of(t7.value(r7, ColumnRole::IncomeAmount)),
            loc: || loc(t7, r7.span).in_column(ColumnRole::IncomeAmount),
        },
        unit,
    );
}

/// The 财务收支总表's 人员 / 公用 / 项目 split of each 类 against the 部门支出总表's 基本 / 项目,
/// and of its 支出总计 against the economic table.
fn summary_split(ctx: &Ctx, sink: &mut Sink) {
    let Some(t6) = ctx.facts.table(TableKind::DeptSummary).filter(|t| {
        t.col(ColumnRole::Personnel).is_some() && t.col(ColumnRole::PublicUse).is_some()
    }) else {
        return;
    };
    let unit = ctx.facts.unit(t6);
    let at = |r: &yusuan_core::Row, role| loc(t6, r.span).in_column(role);
    let t8 = ctx
        .facts
        .table(TableKind::DeptExpenditure)
        .filter(|t| !coded_rows(t).is_empty() && t.col(ColumnRole::Basic).is_some());
    for (label, row) in side(t6, ColumnRole::ExpItem) {
        let split = [
            Val::of(t6.value(row, ColumnRole::Personnel)),
            Val::of(t6.value(row, ColumnRole::PublicUse)),
        ];
        let kind = side_label(&label);
        let other = match (kind, t8) {
            (SideLabel::Grand, Some(t8)) => total_row(t8).map(|r| (r, "合计".to_string())),
            (SideLabel::Item, Some(t8)) => {
                class_row_by_name(t8, &label).map(|c| (c.row, format!("{} {}", c.code, c.name)))
            }
            _ => None,
        };
        if let (Some(t8), Some((r8, what))) = (t8, other) {
            check_sum(
                sink,
                &SUMMARY_SPLIT,
                Side {
                    desc: || format!("{} {}的“基本支出”", t8.label(), what),
                    val: Val::of(t8.value(r8, ColumnRole::Basic)),
                    loc: || loc(t8, r8.span).in_column(ColumnRole::Basic),
                },
                &split,
                &format!("{}“{}”的人员经费与公用经费", t6.label(), label),
                Some(&loc(t6, row.span)),
                unit,
            );
            if t6.col(ColumnRole::Project).is_some() && t8.col(ColumnRole::Project).is_some() {
                check_same(
                    sink,
                    &SUMMARY_SPLIT,
                    Level::Violated,
                    Side {
                        desc: || format!("{}“{}”的“项目支出”", t6.label(), label),
                        val: Val::of(t6.value(row, ColumnRole::Project)),
                        loc: || at(row, ColumnRole::Project),
                    },
                    Side {
                        desc: || format!("{} {}的“项目支出”", t8.label(), what),
                        val: Val::of(t8.value(r8, ColumnRole::Project)),
                        loc: || loc(t8, r8.span).in_column(ColumnRole::Project),
                    },
                    unit,
                );
            }
        }
        // The economic table is of 一般公共预算 money: the whole split only when that is all.
        if kind != SideLabel::Grand || only_general_budget(ctx) != Some(true) {
            continue;
        }
        let Some(t3) = ctx.facts.table(TableKind::BasicByEconomic) else {
            continue;
        };
        let Some(r3) = total_row(t3) else { continue };
        for role in [ColumnRole::Personnel, ColumnRole::PublicUse] {
            if t3.col(role).is_none() {
                continue;
            }
            check_same(
                sink,
                &SUMMARY_SPLIT,
                Level::Violated,
                Side {
                    desc: || format!("{}“{}”的“{}”", t6.label(), label, role.label()),
                    val: Val::of(t6.value(row, role)),
                    loc: || at(row, role),
                },
                Side {
                    desc: || format!("{}合计的“{}”", t3.label(), role.label()),
                    val: Val::of(t3.value(r3, role)),
                    loc: || loc(t3, r3.span).in_column(role),
                },
                unit,
            );
        }
    }
}

pub(crate) fn only_general_budget(ctx: &Ctx) -> Option<bool> {
    ctx.facts
        .only_general_budget(|| only_general_budget_of(ctx))
}

fn only_general_budget_of(ctx: &Ctx) -> Option<bool> {
    let t6 = ctx.facts.table(TableKind::DeptSummary)?;
    let mut seen_gb = false;
    for (label, row) in side(t6, ColumnRole::IncomeItem) {
        if side_label(&label) != SideLabel::Item {
            continue;
        }
        let v = Val::of(t6.value(row, ColumnRole::IncomeAmount));
        match source_of(&label) {
            Some(ColumnRole::GeneralBudget) => seen_gb |= v.is_nonzero(),
            // 财政拨款 is the parent of the three funds.
            Some(ColumnRole::Fiscal) => {}
            _ if v.is_nonzero() => return Some(false),
            _ => {}
        }
    }
    Some(seen_gb)
}

/// With only 一般公共预算 money, 部门支出总表 rows equal 一般公共预算支出表 rows.
fn dept_vs_fiscal(ctx: &Ctx, sink: &mut Sink) {
    if only_general_budget(ctx) != Some(true) {
        return;
    }
    let (Some(t8), Some(t2)) = (
        ctx.facts
            .table(TableKind::DeptExpenditure)
            .filter(|t| !coded_rows(t).is_empty()),
        ctx.facts.table(TableKind::GeneralBudgetByFunction),
    ) else {
        return;
    };
    let unit = ctx.facts.unit(t8);
    let mut pairs: Vec<(String, Option<&yusuan_core::Row>, Option<&yusuan_core::Row>)> = Vec::new();
    pairs.push(("合计".to_string(), total_row(t8), total_row(t2)));
    for r8 in coded_rows(t8) {
        let r2 = row_by_code(t2, r8.code).map(|r| r.row);
        pairs.push((format!("{} {}", r8.code, r8.name), Some(r8.row), r2));
    }
    for r2 in coded_rows(t2) {
        if row_by_code(t8, r2.code).is_none() {
            pairs.push((format!("{} {}", r2.code, r2.name), None, Some(r2.row)));
        }
    }
    for (what, r8, r2) in pairs {
        match (r8, r2) {
            (Some(a), Some(b)) => {
                for role in [ColumnRole::Total, ColumnRole::Basic, ColumnRole::Project] {
                    check_same(
                        sink,
                        &DEPT_FISCAL,
                        Level::Violated,
                        Side {
                            desc: || format!("{} {}的“{}”", t8.label(), what, role.label()),
                            val: Val::of(t8.value(a, role)),
                            loc: || loc(t8, a.span),
                        },
                        Side {
                            desc: || format!("{}的“{}”", t2.label(), role.label()),
                            val: Val::of(t2.value(b, role)),
                            loc: || loc(t2, b.span),
                        },
                        unit,
                    );
                }
            }
            (Some(a), None) if Val::of(t8.value(a, ColumnRole::Total)).is_nonzero() => sink.emit(
                &DEPT_FISCAL,
                Level::Violated,
                format!(
                    "{} {}（{}）在{}中没有对应科目，而本单位只有一般公共预算资金",
                    t8.label(),
                    what,
                    Val::of(t8.value(a, ColumnRole::Total)).show(unit),
                    t2.label()
                ),
                vec![loc(t8, a.span)],
            ),
            (None, Some(b)) if Val::of(t2.value(b, ColumnRole::Total)).is_nonzero() => sink.emit(
                &DEPT_FISCAL,
                Level::Violated,
                format!(
                    "{} {}（{}）在{}中没有对应科目，而本单位只有一般公共预算资金",
                    t2.label(),
                    what,
                    Val::of(t2.value(b, ColumnRole::Total)).show(unit),
                    t8.label()
                ),
                vec![loc(t2, b.span)],
            ),
            _ => {}
        }
    }
}

/// Basic-table economic items never exceed their 三公 counterparts.
fn three_public_vs_economic(ctx: &Ctx, sink: &mut Sink) {
    let (Some(t3), Some(t4)) = (
        ctx.facts.table(TableKind::BasicByEconomic),
        ctx.facts.table(TableKind::ThreePublic),
    ) else {
        return;
    };
    let Some(row4) = t4.rows.iter().find(|r| r.has_amount()) else {
        return;
    };
    let unit = ctx.facts.unit(t3);
    for (code, role) in [
        ("30217", ColumnRole::Reception),
        ("30231", ColumnRole::CarOperation),
        ("30212", ColumnRole::Abroad),
        ("31013", ColumnRole::CarPurchase),
    ] {
        let Some(r3) = row_by_code(t3, code) else {
            continue;
        };
        let (Val::Amt(a), v4) = (
            Val::of(t3.value(r3.row, ColumnRole::Total)),
            Val::of(t4.value(row4, role)),
        ) else {
            continue;
        };
        let b = match v4 {
            Val::Amt(b) => b.fen,
            Val::Blank => 0,
            Val::Unreadable(_) => continue,
        };
        if a.fen > b + a.half_step() * 2 {
            sink.emit(
                &THREE_PUBLIC_ECONOMIC,
                Level::Violated,
                format!(
                    "{} {} {}为{}，超过{}“{}”{}",
                    t3.label(),
                    code,
                    r3.name,
                    a,
                    t4.label(),
                    role.label(),
                    v4.show(unit)
                ),
                vec![loc(t3, r3.row.span), loc(t4, row4.span)],
            );
        }
    }
}

/// Empty 政府性基金 / 国有资本经营 tables agree with the 财政拨款收支总表 column and the narrative.
fn empty_funds(ctx: &Ctx, sink: &mut Sink) {
    for (kind, role, word) in [
        (
            TableKind::GovFundByFunction,
            ColumnRole::GovFund,
            "政府性基金",
        ),
        (
            TableKind::StateCapitalByFunction,
            ColumnRole::StateCapital,
            "国有资本经营",
        ),
    ] {
        let Some(t) = ctx.facts.table(kind) else {
            continue;
        };
        if !t.is_empty_of_amounts() {
            continue;
        }
        if let Some(t1) = ctx.facts.table(TableKind::FiscalSummary) {
            for row in &t1.rows {
                let v = Val::of(t1.value(row, role));
                if v.is_nonzero() {
                    sink.emit(
                        &EMPTY_FUND,
                        Level::Violated,
                        format!(
                            "{}为空表，但{}“{}”列有金额{}",
                            t.label(),
                            t1.label(),
                            role.label(),
                            v.show(ctx.facts.unit(t1))
                        ),
                        vec![loc(t1, row.span), loc(t, t.span)],
                    );
                }
            }
        }
        let has_text = ctx.doc.sections.iter().any(|s| !s.paragraphs.is_empty());
        if kind == TableKind::GovFundByFunction
            && has_text
            && !crate::facts::narrative_says_none(ctx.doc, word)
        {
            {
                // Where the statement belongs: the 财政拨款 section of the narrative.
                let mut locs: Vec<Location> = ctx
                    .doc
                    .sections
                    .iter()
                    .filter(|s| s.level <= 1 && s.heading.contains("财政拨款"))
                    .map(|s| Location::new(s.span, None))
                    .collect();
                locs.push(loc(t, t.span));
                sink.emit(
                    &EMPTY_FUND,
                    Level::Weaker,
                    format!(
                        "{}为空表，但情况说明中没有说明本单位无{}预算拨款安排的支出",
                        t.label(),
                        word
                    ),
                    locs,
                );
            }
        }
    }
}

/// 整体绩效目标表 部门支出预算数 = the expenditure total.
fn performance_total(ctx: &Ctx, sink: &mut Sink) {
    let Some(tp) = ctx.facts.table(TableKind::DeptPerformance) else {
        return;
    };
    let Some(total) = tp.performance.as_ref().and_then(|p| p.funds_total.as_ref()) else {
        return;
    };
    let reference = ctx
        .facts
        .table(TableKind::DeptExpenditure)
        .and_then(|t| total_of(t, ColumnRole::Total).map(|x| (t, x)))
        .or_else(|| {
            ctx.facts
                .table(TableKind::GeneralBudgetByFunction)
                .and_then(|t| total_of(t, ColumnRole::Total).map(|x| (t, x)))
        });
    let Some((t, (v, l))) = reference else { return };
    check_same(
        sink,
        &PERFORMANCE_TOTAL,
        Level::Violated,
        Side {
            desc: || format!("{}“部门支出预算数”", tp.label()),
            val: Val::of(Some(&total.value)),
            loc: || loc(tp, total.span),
        },
        Side {
            desc: || format!("{}合计", t.label()),
            val: v,
            loc: || Location::clone(&l),
        },
        ctx.facts.unit(t),
    );
}
