//! The narrative against the tables, and against itself.

use crate::facts::{
    check_same, check_sum, class_row_by_name, loc, source_of, total_row, Side, SideLabel, Val,
};
use crate::{Ctx, Location, Sink};
use yusuan_core::{
    format_fen, Agreement, Amount, ColumnRole, Context, Direction, Figure, MoneyUnit, Subject,
    Table, TableKind,
};

use crate::{Level, Rule};

pub(crate) const FIGURE: Rule = rule!("text.figure", Error, weaker: Warning, "预算 部门/单位", "说明中的数字与表格一致", "Every figure the narrative states (totals, sources, 类, 基本 / 项目, 三公, 绩效 funds) equals the table figure (an error); an item whose printed path names no row of the function table is a warning.");

pub(crate) const OPERATING_COST: Rule = rule!(
    "text.operating-cost",
    Warning,
    "预算 部门/单位",
    "机关运行经费与公用经费",
    "The 机关运行经费 stated in the narrative normally equals the 公用经费 of the basic table."
);

pub(crate) const CHANGE: Rule = rule!("text.change", Error, weaker: Warning, "预算 部门/单位", "同比增减与上年数", "A year-over-year change and its direction word (增加 / 减少 / 持平) agree with the table's prior-year column (a warning where that column may lack the prior year's other money).");

pub(crate) const SUM: Rule = rule!("text.sum", Error, "预算 部门/单位", "说明中的合计与分项", "Sums stated in the narrative add up: 三公 and its parts, 政府采购 = 货物 + 工程 + 服务, vehicles = sum of kinds, 基本 + 项目.");

pub(crate) const SAME_FIGURE: Rule = rule!("text.same-figure", Error, "预算 部门/单位", "同一数额前后一致", "A quantity the narrative states more than once (the same subject in the same money: all sources, 财政拨款 or 一般公共预算, as the figure's words or its section's headings name it) is stated the same each time, within the rounding of both printings; prior-year amounts are not compared.");

pub(crate) const COUNT: Rule = rule!(
    "text.count",
    Error,
    "预算 部门/单位",
    "数量与列举一致",
    "A count stated in the narrative (N 个科室) equals the number of items it lists."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.doc.figures {
        figure_vs_table(ctx, f, sink);
        change_vs_table(ctx, f, sink);
    }
    sums(ctx, sink);
    counts(ctx, sink);
    restatements(ctx, sink);
}

/// Where a table states what a narrative subject is about.
#[derive(Clone)]
struct Stated<'t> {
    table: &'t Table,
    val: Val,
    loc: Location,
    desc: Desc<'t>,
    /// The prior-year value, when the table has that column.
    prior: Option<Val>,
}

/// How a table place is named in a message; written out only when a finding needs it (most
/// figures agree, and formatting is the cost).
#[derive(Clone)]
enum Desc<'t> {
    /// "表三合计行的“项目支出”"
    TotalRow(&'t Table, ColumnRole),
    /// "表一“收入总计”"
    Label(&'t Table, String),
    /// "表八“公务接待费”"
    Column(&'t Table, ColumnRole),
    /// "表三 201 一般公共服务支出的“总计”"
    Row(&'t Table, &'t str, &'t str, &'static str),
}

impl Desc<'_> {
    fn text(&self) -> String {
        match self {
            Desc::TotalRow(t, role) => format!("{}合计行的“{}”", t.label(), role.label()),
            Desc::Label(t, label) => format!("{}“{}”", t.label(), label),
            Desc::Column(t, role) => format!("{}“{}”", t.label(), role.label()),
            Desc::Row(t, code, name, word) => format!("{} {code} {name}的“{word}”", t.label()),
        }
    }
}

impl std::fmt::Display for Desc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

fn stated_total<'t>(t: &'t Table, role: ColumnRole) -> Option<Stated<'t>> {
    t.col(role)?;
    let row = total_row(t)?;
    Some(Stated {
        table: t,
        val: Val::of(t.value(row, role)),
        loc: loc(t, row.span).in_column(role),
        desc: Desc::TotalRow(t, role),
        prior: t
            .col(ColumnRole::Prior)
            .map(|_| Val::of(t.value(row, ColumnRole::Prior))),
    })
}

fn side_item<'t>(
    facts: &crate::facts::Facts,
    t: &'t Table,
    item: ColumnRole,
    amount: ColumnRole,
    pick: impl Fn(&str, SideLabel) -> bool,
) -> Option<Stated<'t>> {
    let sides = facts.side_entries(t, item);
    let e = sides.iter().find(|e| pick(&e.label, e.kind))?;
    let (label, row) = (e.label.clone(), t.rows.get(e.row)?);
    // An expenditure total may be printed across the columns: no one cell is meant.
    let at = loc(t, row.span);
    Some(Stated {
        table: t,
        val: if amount == ColumnRole::Total {
            crate::facts::exp_total(t, row)
        } else {
            Val::of(t.value(row, amount))
        },
        loc: if amount == ColumnRole::Total {
            at
        } else {
            at.in_column(amount)
        },
        desc: Desc::Label(t, label),
        prior: None,
    })
}

/// The money a table speaks of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Funds {
    /// Every source (收支总表, 收入 / 支出总表).
    All,
    /// 财政拨款: the three fiscal funds.
    Fiscal,
    /// 一般公共预算 alone.
    General,
}

fn funds_of(kind: Option<TableKind>) -> Funds {
    use TableKind::*;
    match kind {
        Some(DeptSummary | DeptIncome | DeptExpenditure) => Funds::All,
        Some(FiscalSummary | FiscalByFunction | FiscalBasicByEconomic) => Funds::Fiscal,
        _ => Funds::General,
    }
}

/// The money a figure's own words name, if they name one.
fn stated_funds(f: &Figure) -> Option<Funds> {
    funds_named(&f.text)
}

/// The money some words name: 一般公共预算 before 财政拨款 ("一般公共预算财政拨款").
fn funds_named(words: &str) -> Option<Funds> {
    let t = yusuan_core::label::compact(words);
    if t.contains("一般公共预算") {
        Some(Funds::General)
    } else if t.contains("财政拨款") {
        Some(Funds::Fiscal)
    } else {
        None
    }
}

/// Where the tables state a figure's subject, the tables of its section's money first. A
/// subject may be stated by tables of different money (all sources, 财政拨款, 一般公共预算):
/// where the figure's words name its money, and the unit has money besides 一般公共预算 (so
/// the scopes differ), only tables of that money; where they do not, every scope the section
/// may mean.
fn candidates<'t>(ctx: &Ctx<'t>, f: &Figure) -> Vec<Stated<'t>> {
    let mut out: Vec<Stated<'t>> = Vec::new();
    let fiscal_first = f.context == Context::Fiscal || f.context == Context::Performance;
    for fiscal in [fiscal_first, !fiscal_first] {
        for st in lookup_ordered(ctx, f, fiscal) {
            if !out.iter().any(|o| {
                std::ptr::eq(o.table, st.table)
                    && o.loc == st.loc
                    && o.desc.text() == st.desc.text()
            }) {
                out.push(st);
            }
        }
    }
    let single = crate::cross::only_general_budget(ctx) == Some(true);
    if let (Some(want), false) = (stated_funds(f), single) {
        let same = out.iter().any(|st| funds_of(st.table.kind) == want);
        // 财政拨款 figures of a unit whose 财政拨款 is 一般公共预算 alone (no fund tables of
        // that scope printed) may be read off the 一般公共预算 tables.
        return out
            .into_iter()
            .filter(|st| {
                let of = funds_of(st.table.kind);
                of == want || (!same && want == Funds::Fiscal && of != Funds::All)
            })
            .collect();
    }
    out
}

fn lookup_ordered<'t>(ctx: &Ctx<'t>, f: &Figure, fiscal: bool) -> Vec<Stated<'t>> {
    use TableKind::*;
    let t = |k| ctx.facts.table(k);
    let three = |role: ColumnRole| -> Option<Stated<'t>> {
        // Only a table that prints the column (会议费 and 培训费 are Jiangsu's).
        let t4 = t(ThreePublic).filter(|x| x.col(role).is_some())?;
        let row = t4.rows.iter().find(|r| r.has_amount())?;
        Some(Stated {
            table: t4,
            val: Val::of(t4.value(row, role)),
            loc: loc(t4, row.span).in_column(role),
            desc: Desc::Column(t4, role),
            prior: None,
        })
    };
    let single = match &f.subject {
        Subject::TotalIncome => t(DeptSummary)
            .and_then(|x| {
                side_item(
                    &ctx.facts,
                    x,
                    ColumnRole::IncomeItem,
                    ColumnRole::IncomeAmount,
                    |_, k| k == SideLabel::Grand,
                )
            })
            .or_else(|| {
                t(FiscalSummary).and_then(|x| {
                    side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::IncomeItem,
                        ColumnRole::IncomeAmount,
                        |_, k| k == SideLabel::Grand,
                    )
                })
            }),
        Subject::TotalExpenditure => t(DeptExpenditure)
            .and_then(|x| stated_total(x, ColumnRole::Total))
            .or_else(|| {
                t(DeptSummary).and_then(|x| {
                    side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::ExpItem,
                        ColumnRole::Total,
                        |_, k| k == SideLabel::Grand,
                    )
                })
            }),
        Subject::SourceIncome(role) => {
            let role = *role;
            let pick =
                move |l: &str, k: SideLabel| k == SideLabel::Item && source_of(l) == Some(role);
            t(DeptSummary)
                .and_then(|x| {
                    side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::IncomeItem,
                        ColumnRole::IncomeAmount,
                        pick,
                    )
                })
                .or_else(|| {
                    t(FiscalSummary).and_then(|x| {
                        side_item(
                            &ctx.facts,
                            x,
                            ColumnRole::IncomeItem,
                            ColumnRole::IncomeAmount,
                            pick,
                        )
                    })
                })
        }
        Subject::GeneralBudgetIncome => t(FiscalSummary).and_then(|x| {
            side_item(
                &ctx.facts,
                x,
                ColumnRole::IncomeItem,
                ColumnRole::IncomeAmount,
                |l, k| k == SideLabel::Item && source_of(l) == Some(ColumnRole::GeneralBudget),
            )
        }),
        Subject::GeneralBudgetExpenditure => {
            t(GeneralBudgetByFunction).and_then(|x| stated_total(x, ColumnRole::Total))
        }
        Subject::Basic | Subject::Project => {
            let (role, label) = if f.subject == Subject::Basic {
                (ColumnRole::Basic, "基本支出")
            } else {
                (ColumnRole::Project, "项目支出")
            };
            let order = if fiscal {
                [GeneralBudgetByFunction, FiscalByFunction, DeptExpenditure]
            } else {
                [DeptExpenditure, FiscalByFunction, GeneralBudgetByFunction]
            };
            let mut v: Vec<Stated<'t>> = order
                .iter()
                .filter_map(|k| t(*k).and_then(|x| stated_total(x, role)))
                .collect();
            // 基本支出 as the total of the basic (economic) table.
            if role == ColumnRole::Basic {
                let economic = if fiscal {
                    [BasicByEconomic, FiscalBasicByEconomic]
                } else {
                    [FiscalBasicByEconomic, BasicByEconomic]
                };
                v.extend(
                    economic
                        .iter()
                        .filter_map(|k| t(*k).and_then(|x| stated_total(x, ColumnRole::Total))),
                );
            }
            // The 支出用途 side of a 收支总表 ("一、基本支出").
            let is_use = |l: &str, k: SideLabel| k == SideLabel::Item && l == label;
            for k in [DeptSummary, FiscalSummary] {
                if let Some(x) = t(k) {
                    v.extend(side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::UseItem,
                        ColumnRole::Other,
                        is_use,
                    ));
                    v.extend(side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::ExpItem,
                        ColumnRole::Total,
                        is_use,
                    ));
                }
            }
            return v;
        }
        Subject::PerformanceFunds => {
            t(GeneralBudgetByFunction).and_then(|x| stated_total(x, ColumnRole::Project))
        }
        Subject::FunctionClass(name) => {
            let order = if fiscal {
                [GeneralBudgetByFunction, FiscalByFunction, DeptExpenditure]
            } else {
                [DeptExpenditure, FiscalByFunction, GeneralBudgetByFunction]
            };
            let mut v: Vec<Stated<'t>> = order
                .iter()
                .filter_map(|k| {
                    let x = t(*k)?;
                    let c = class_row_by_name(x, name)?;
                    Some(Stated {
                        table: x,
                        val: Val::of(x.value(c.row, ColumnRole::Total)),
                        loc: loc(x, c.row.span).in_column(ColumnRole::Total),
                        desc: Desc::Row(x, c.code, c.name, "总计"),
                        prior: x
                            .col(ColumnRole::Prior)
                            .map(|_| Val::of(x.value(c.row, ColumnRole::Prior))),
                    })
                })
                .collect();
            // The expenditure side of a 收支总表 names each 类 too.
            let n = yusuan_core::catalog::normalize_name(name);
            let is_class = |l: &str, k: SideLabel| {
                k == SideLabel::Item && yusuan_core::catalog::normalize_name(l) == n
            };
            for k in [DeptSummary, FiscalSummary] {
                if let Some(x) = t(k) {
                    v.extend(side_item(
                        &ctx.facts,
                        x,
                        ColumnRole::ExpItem,
                        ColumnRole::Total,
                        is_class,
                    ));
                }
            }
            return v;
        }
        Subject::ThreePublicTotal => three(ColumnRole::Total),
        Subject::Abroad => three(ColumnRole::Abroad),
        Subject::CarSubtotal => three(ColumnRole::CarSubtotal),
        Subject::CarPurchase => three(ColumnRole::CarPurchase),
        Subject::CarOperation => three(ColumnRole::CarOperation),
        Subject::Reception => three(ColumnRole::Reception),
        Subject::Meeting => three(ColumnRole::Meeting),
        Subject::Training => three(ColumnRole::Training),
        // Where the 三公 table has a 机关运行经费 column (Shanghai), that is the figure.
        Subject::OperatingCost => three(ColumnRole::OperatingCost)
            .filter(|st| st.table.col(ColumnRole::OperatingCost).is_some())
            .or_else(|| t(OperatingCost).and_then(|x| stated_total(x, ColumnRole::Total)))
            .or_else(|| t(BasicByEconomic).and_then(|x| stated_total(x, ColumnRole::PublicUse))),
        Subject::FiscalIncome => t(FiscalSummary).and_then(|x| {
            side_item(
                &ctx.facts,
                x,
                ColumnRole::IncomeItem,
                ColumnRole::IncomeAmount,
                |_, k| k == SideLabel::Grand,
            )
        }),
        Subject::FiscalExpenditure => t(FiscalSummary).and_then(|x| {
            side_item(
                &ctx.facts,
                x,
                ColumnRole::ExpItem,
                ColumnRole::Total,
                |_, k| k == SideLabel::Grand,
            )
        }),
        Subject::GovFundExpenditure | Subject::StateCapitalExpenditure => {
            let (role, kind) = if f.subject == Subject::GovFundExpenditure {
                (ColumnRole::GovFund, GovFundByFunction)
            } else {
                (ColumnRole::StateCapital, StateCapitalByFunction)
            };
            t(FiscalSummary)
                .filter(|x| x.col(role).is_some())
                .and_then(|x| {
                    side_item(&ctx.facts, x, ColumnRole::ExpItem, role, |_, k| {
                        k == SideLabel::Grand
                    })
                })
                .or_else(|| t(kind).and_then(|x| stated_total(x, ColumnRole::Total)))
        }
        Subject::FunctionPath(path) => {
            [GeneralBudgetByFunction, GovFundByFunction, DeptExpenditure]
                .iter()
                .find_map(|k| t(*k).and_then(|x| path_row(x, path)))
        }
        _ => None,
    };
    single.into_iter().collect()
}

/// The row of a 科目 path ("类-款-项" names), resolved as every item path is (`item::resolve`).
fn path_row<'t>(t: &'t Table, path: &[String]) -> Option<Stated<'t>> {
    if !(2..=3).contains(&path.len()) {
        return None;
    }
    let pieces: Vec<crate::item::Piece> = path
        .iter()
        .zip([3, 5, 7])
        .map(|(name, level)| crate::item::Piece {
            name: name.clone(),
            level,
            digits: None,
        })
        .collect();
    // Only at the printed levels: a name found at another level is a path the table lacks.
    let (r, _) =
        crate::item::resolve(&crate::item::Index::new(t), &pieces).filter(|(_, levels)| *levels)?;
    Some(Stated {
        table: t,
        val: Val::of(t.value(r.row, ColumnRole::Total)),
        loc: loc(t, r.row.span).in_column(ColumnRole::Total),
        desc: Desc::Row(t, r.code, r.name, "合计"),
        prior: None,
    })
}

fn figure_desc(f: &Figure) -> String {
    format!("情况说明第{}行“{}”", f.span.line, f.text)
}

fn figure_vs_table(ctx: &Ctx, f: &Figure, sink: &mut Sink) {
    let Some(amount) = f.amount else { return };
    if f.subject == Subject::PerformanceFundsPartial {
        return partial_performance_funds(ctx, f, amount, sink);
    }
    let cands = candidates(ctx, f);
    // A figure that agrees with one of the tables that may state it is that table's.
    let agrees = |st: &Stated| match st.val.amount_or_zero(ctx.facts.unit(st.table)) {
        Some(v) if st.val != Val::Blank || amount.fen == 0 => {
            !matches!(yusuan_core::compare_same(amount, v), Agreement::Differs(_))
        }
        _ => false,
    };
    let chosen = cands.iter().position(agrees).unwrap_or(0);
    let Some(st) = cands.into_iter().nth(chosen) else {
        if let Subject::FunctionPath(path) = &f.subject {
            // Say where the table has a 科目 of that name, if it has one.
            let mut locs = vec![Location::new(f.span, None)];
            let mut hint = String::new();
            let last = yusuan_core::catalog::normalize_name(&path[path.len() - 1]);
            let table = [
                TableKind::GeneralBudgetByFunction,
                TableKind::DeptExpenditure,
            ]
            .iter()
            .find_map(|k| ctx.facts.table(*k));
            if let Some(t) = table {
                if let Some(r) = crate::facts::coded_rows(t)
                    .into_iter()
                    .find(|r| yusuan_core::catalog::normalize_name(r.name) == last)
                {
                    hint = format!(
                        "；表中同名科目为 {} {}（{}）",
                        r.code,
                        r.name,
                        Val::of(t.value(r.row, ColumnRole::Total)).show(ctx.facts.unit(t))
                    );
                    locs.push(loc(t, r.row.span));
                }
            }
            sink.emit(
                &FIGURE,
                Level::Weaker,
                format!(
                    "{}所列科目“{}”在支出功能分类表中找不到{}",
                    figure_desc(f),
                    path.join("-"),
                    hint
                ),
                locs,
            );
        }
        return;
    };
    let (rule, sev) = match f.subject {
        Subject::OperatingCost
            if st.table.col(ColumnRole::OperatingCost).is_none()
                && st.table.kind != Some(TableKind::OperatingCost) =>
        {
            (&OPERATING_COST, Level::Violated)
        }
        _ => (&FIGURE, Level::Violated),
    };
    check_same(
        sink,
        rule,
        sev,
        Side {
            desc: || figure_desc(f),
            val: Val::Amt(amount),
            loc: || Location::new(f.span, None),
        },
        Side {
            desc: || st.desc.text(),
            val: st.val,
            loc: || Location::clone(&st.loc),
        },
        ctx.facts.unit(st.table),
    );
}

/// Project funds with performance goals, not said to be all of them: at most the 项目支出 total.
fn partial_performance_funds(ctx: &Ctx, f: &Figure, amount: Amount, sink: &mut Sink) {
    let Some(st) = [
        TableKind::DeptExpenditure,
        TableKind::GeneralBudgetByFunction,
    ]
    .iter()
    .find_map(|k| {
        ctx.facts
            .table(*k)
            .and_then(|x| stated_total(x, ColumnRole::Project))
    }) else {
        return;
    };
    let Val::Amt(project) = st.val else { return };
    if amount.fen > project.fen + amount.half_step() + project.half_step() {
        sink.emit(
            &FIGURE,
            Level::Violated,
            format!("{}为{}，超过{}{}", figure_desc(f), amount, st.desc, project),
            vec![Location::new(f.span, None), st.loc.clone()],
        );
    }
}

fn change_vs_table(ctx: &Ctx, f: &Figure, sink: &mut Sink) {
    let Some(change) = &f.change else { return };
    // The prior year's figure: from a table column where one exists. Department totals are
    // compared with the 一般公共预算 table only when the unit has no other money, and then as a
    // warning: the prior year may have had other sources.
    let (st, sev) = match &f.subject {
        Subject::GeneralBudgetExpenditure
        | Subject::SourceIncome(ColumnRole::GeneralBudget)
        | Subject::GeneralBudgetIncome => (
            ctx.facts
                .table(TableKind::GeneralBudgetByFunction)
                .and_then(|x| stated_total(x, ColumnRole::Total)),
            Level::Violated,
        ),
        Subject::TotalIncome | Subject::TotalExpenditure => (
            ctx.facts
                .table(TableKind::GeneralBudgetByFunction)
                .and_then(|x| stated_total(x, ColumnRole::Total)),
            Level::Weaker,
        ),
        // The table with a prior-year column.
        Subject::FunctionClass(_) => (
            candidates(ctx, f).into_iter().find(|st| st.prior.is_some()),
            Level::Violated,
        ),
        _ => return,
    };
    let Some(st) = st else { return };
    let (Val::Amt(cur), Some(prior)) = (&st.val, &st.prior) else {
        return;
    };
    let unit = ctx.facts.unit(st.table);
    let prior = match prior {
        Val::Amt(p) => *p,
        Val::Blank => Amount {
            fen: 0,
            unit,
            decimals: 6,
        },
        Val::Unreadable(_) => return,
    };
    let stated = signed(change, change.amount.map_or(unit, |a| a.unit));
    let actual = cur.fen - prior.fen;
    // Figures 10,000 times apart are a 元/万元 mix-up, reported by text.figure.
    if crate::facts::unit_mixup(
        Amount {
            fen: stated.fen.abs(),
            ..stated
        },
        Amount {
            fen: actual.abs(),
            ..*cur
        },
    ) {
        return;
    }
    let diff = stated.fen - actual;
    let tol = stated.half_step() + cur.half_step() + prior.half_step();
    let words = |fen: i64| -> String {
        match fen.signum() {
            0 => "持平".to_string(),
            1 => format!("增加{}{}", format_fen(fen, unit), unit.label()),
            _ => format!("减少{}{}", format_fen(-fen, unit), unit.label()),
        }
    };
    let said = match change.direction {
        Direction::Flat if change.amount.is_none() => "与上年持平".to_string(),
        d => format!(
            "{}{}",
            d.label(),
            change.amount.map_or(String::new(), |a| a.to_string())
        ),
    };
    let stmt = if f.amount.is_some() && compact_starts_with_comparison(&change.text) {
        format!("{}，{}", f.text, change.text)
    } else {
        change.text.clone()
    };
    // The change rests on the row's prior column as well as its current one.
    let row_wide = Location {
        column: None,
        ..st.loc.clone()
    };
    let locs = vec![Location::new(change.span, None), row_wide];
    let basis = format!(
        "{}本年{}、上年{}{}{}",
        st.desc,
        cur,
        format_fen(prior.fen, unit),
        unit.label(),
        if sev == Level::Weaker {
            "（上年部门预算可能另有其他资金，无法完全确定）"
        } else {
            ""
        }
    );
    if diff == 0 {
        return;
    }
    let direction_wrong = match change.direction {
        Direction::Increase => actual < 0,
        Direction::Decrease => actual > 0,
        Direction::Flat => actual != 0 && diff.abs() > tol,
    };
    if diff.abs() <= tol && !direction_wrong {
        sink.emit(
            &CHANGE,
            Level::Info,
            format!(
                "情况说明第{}行“{}”称比上年{}，按{}计算为{}，属四舍五入尾差",
                change.span.line,
                stmt,
                said,
                basis,
                words(actual)
            ),
            locs,
        );
    } else {
        sink.emit(
            &CHANGE,
            sev,
            format!(
                "情况说明第{}行“{}”称比上年{}，但按{}计算应为{}，相差{}{}",
                change.span.line,
                stmt,
                said,
                basis,
                words(actual),
                format_fen(diff.abs(), unit),
                unit.label()
            ),
            locs,
        );
    }
}

/// A stated change as a signed amount (减少 negative), printed with the change's precision; a
/// 持平 without a figure is an exact zero.
fn signed(c: &yusuan_core::Change, unit: MoneyUnit) -> Amount {
    Amount {
        fen: c.signed_fen(),
        unit,
        decimals: c.amount.map_or(6, |a| a.decimals),
    }
}

fn compact_starts_with_comparison(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('比') || t.starts_with('较') || t.starts_with("与上年") || t.starts_with("同比")
}

fn loc_of(f: &Figure) -> Location {
    Location::new(f.span, None)
}

fn sums(ctx: &Ctx, sink: &mut Sink) {
    let figs = &ctx.doc.figures;
    // Groups: a leader and the figures that name it as their group.
    for (i, leader) in figs.iter().enumerate() {
        let members: Vec<&Figure> = figs
            .iter()
            .filter(|f| f.group == u32::try_from(i).ok())
            .collect();
        if members.is_empty() {
            continue;
        }
        let has_subtotal = members.iter().any(|m| m.subject == Subject::CarSubtotal);
        let parts: Vec<&Figure> = members
            .iter()
            .copied()
            .filter(|m| {
                !(has_subtotal && matches!(m.subject, Subject::CarPurchase | Subject::CarOperation))
            })
            .collect();
        let names: Vec<String> = parts.iter().map(|p| p.text.clone()).collect();
        let span = parts
            .iter()
            .map(|p| p.span)
            .reduce(|a, b| a.to(b))
            .unwrap_or(leader.span);
        if let Some(count) = leader.count {
            let sum: i64 = parts.iter().filter_map(|p| p.count).sum();
            if parts.iter().all(|p| p.count.is_some()) && sum != count {
                sink.emit(
                    &SUM,
                    Level::Violated,
                    format!(
                        "第{}行“{}”，但其中所列{}合计为{}辆",
                        leader.span.line,
                        leader.text,
                        names.join("、"),
                        sum
                    ),
                    vec![loc_of(leader), Location::new(span, None)],
                );
            }
            continue;
        }
        // The 三公 parts are complete only when every part is stated.
        let complete = match leader.subject {
            Subject::ThreePublicTotal => {
                let has = |s: Subject| parts.iter().any(|p| p.subject == s);
                has(Subject::Abroad)
                    && has(Subject::Reception)
                    && (has(Subject::CarSubtotal)
                        || (has(Subject::CarPurchase) && has(Subject::CarOperation)))
            }
            _ => true,
        };
        if !complete {
            continue;
        }
        if let Some(total) = leader.amount {
            let vals: Vec<Val> = parts
                .iter()
                .map(|p| p.amount.map_or(Val::Blank, Val::Amt))
                .collect();
            check_sum(
                sink,
                &SUM,
                Side {
                    desc: || format!("情况说明第{}行“{}”", leader.span.line, leader.text),
                    val: Val::Amt(total),
                    loc: || Location::clone(&loc_of(leader)),
                },
                &vals,
                &format!("其中{}", names.join("、")),
                Some(&Location::new(span, None)),
                total.unit,
            );
        }
    }
    // 基本支出 + 项目支出 = 一般公共预算财政拨款支出 (their changes: arith's text.change-sum).
    let find = |s: Subject| {
        figs.iter()
            .find(|f| f.subject == s && f.context == Context::Fiscal)
    };
    if let (Some(t), Some(b), Some(p)) = (
        find(Subject::GeneralBudgetExpenditure),
        find(Subject::Basic),
        find(Subject::Project),
    ) {
        if let (Some(ta), Some(ba), Some(pa)) = (t.amount, b.amount, p.amount) {
            check_sum(
                sink,
                &SUM,
                Side {
                    desc: || format!("情况说明第{}行“{}”", t.span.line, t.text),
                    val: Val::Amt(ta),
                    loc: || Location::clone(&loc_of(t)),
                },
                &[Val::Amt(ba), Val::Amt(pa)],
                "基本支出与项目支出",
                Some(&loc_of(b).merge(&loc_of(p))),
                ta.unit,
            );
        }
    }
}

impl Location {
    fn merge(&self, other: &Location) -> Location {
        Location {
            line: self.line.min(other.line),
            end_line: self.end_line.max(other.end_line),
            page: self.page.or(other.page),
            table: self.table.clone().or_else(|| other.table.clone()),
            column: None,
        }
    }
}

fn counts(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.doc.counts {
        let n = i64::try_from(c.listed.len()).unwrap_or(i64::MAX);
        if n != c.stated && !(c.partial && n < c.stated) {
            sink.emit(
                &COUNT,
                Level::Violated,
                format!(
                    "第{}行称{}个{}，但列举了{}个：{}",
                    c.span.line,
                    c.stated,
                    c.noun,
                    n,
                    c.listed.join("、")
                ),
                vec![Location::new(c.span, None)],
            );
        }
    }
}

/// The subjects one document states once: a 类, a source, a total, 三公 and its parts. Not a
/// 结转 (上年结转 and 结转下年 read alike), a partial 绩效 amount, vehicles or what was not
/// resolved.
fn one_quantity(s: &Subject) -> bool {
    !matches!(
        s,
        Subject::Unknown(_)
            | Subject::SourceIncome(ColumnRole::CarryOver)
            | Subject::PerformanceFundsPartial
            | Subject::ProcurementReserved
            | Subject::VehiclesKind(_)
            | Subject::Vehicles
            | Subject::VehiclesGeneral
            | Subject::VehiclesEnforcement
            | Subject::VehiclesSpecial
            | Subject::VehiclesOther
    )
}

/// The money each figure's section speaks of, from its heading and the headings above it.
fn section_funds(ctx: &Ctx) -> Vec<(u32, u32, Option<Funds>)> {
    let mut chain: Vec<(u8, &str)> = Vec::new();
    let mut out = Vec::new();
    for sec in &ctx.doc.sections {
        while chain.last().is_some_and(|(l, _)| *l >= sec.level) {
            chain.pop();
        }
        chain.push((sec.level, sec.heading.as_str()));
        // The nearest heading that names a money decides.
        let funds = chain.iter().rev().find_map(|(_, h)| funds_named(h));
        for p in &sec.paragraphs {
            out.push((p.span.line, p.span.end_line, funds));
        }
    }
    out
}

/// One quantity stated twice in the narrative, differently: each later statement against the
/// first of the same subject in the same money.
fn restatements(ctx: &Ctx, sink: &mut Sink) {
    let year = ctx.doc.year.as_ref().map(|y| y.value);
    let single = crate::cross::only_general_budget(ctx) == Some(true);
    let sections = section_funds(ctx);
    let mut first: Vec<(&Figure, Funds, Amount)> = Vec::new();
    for f in &ctx.doc.figures {
        let Some(a) = f.amount else { continue };
        if !one_quantity(&f.subject) || a.fen == 0 {
            continue;
        }
        // A prior year's amount, or a change, is another quantity.
        let words = yusuan_core::label::compact(&f.text);
        let other_year = ["上年", "上一年", "执行数", "比", "较", "同比"]
            .iter()
            .any(|w| words.contains(w))
            || year.is_some_and(|y| words.contains(&format!("{}年", y - 1)));
        if other_year {
            continue;
        }
        let line = f.span.line;
        let in_section = sections
            .iter()
            .find(|(a, b, _)| *a <= line && line <= *b)
            .and_then(|(_, _, fu)| *fu);
        let funds = stated_funds(f).or(in_section).unwrap_or(Funds::All);
        let funds = if single { Funds::General } else { funds };
        let earlier = first
            .iter()
            .find(|(e, fu, _)| e.subject == f.subject && *fu == funds);
        let Some((e, _, ea)) = earlier else {
            first.push((f, funds, a));
            continue;
        };
        if e.span.line == line {
            continue;
        }
        let show = |x: &Amount| format!("{}{}", format_fen(x.fen, x.unit), x.unit.label());
        let locs = vec![Location::new(f.span, None), Location::new(e.span, None)];
        match yusuan_core::compare_same(*ea, a) {
            Agreement::Equal => {}
            Agreement::Rounding(_) => sink.emit(
                &SAME_FIGURE,
                Level::Info,
                format!(
                    "情况说明第{}行“{}”为{}，第{}行“{}”为{}，属四舍五入尾差",
                    line,
                    f.text,
                    show(&a),
                    e.span.line,
                    e.text,
                    show(ea)
                ),
                locs,
            ),
            Agreement::Differs(d) => sink.emit(
                &SAME_FIGURE,
                Level::Violated,
                format!(
                    "情况说明第{}行“{}”为{}，而第{}行所述同一数额“{}”为{}，前后不一，相差{}{}",
                    line,
                    f.text,
                    show(&a),
                    e.span.line,
                    e.text,
                    show(ea),
                    format_fen(d.abs(), a.unit),
                    a.unit.label()
                ),
                locs,
            ),
        }
    }
}
