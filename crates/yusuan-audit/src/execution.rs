//! 预算 against 决算 (DOMAIN.md §9): how one unit's money of one year was spent against its plan.
//!
//! From a 决算 alone: every 科目 of its 一般公共预算财政拨款支出决算表 with what was spent, and the
//! 年初预算 / 全年预算 its narrative states for it, with the 执行率. With the same unit's 预算 of
//! that year: the 预算's 一般公共预算 table beside it, and every 科目 whose 年初预算 the 决算 states
//! differently from the 预算's figure, located in both documents.

use crate::facts::{coded_rows, total_row, Facts};
use crate::{Ctx, Location};
use serde::Serialize;
use std::collections::BTreeMap;
use yusuan_core::label::compact;
use yusuan_core::{
    Agreement, Amount, Basis, CellValue, ColumnRole, DocKind, Document, Scope, TableKind,
};

/// Why two documents cannot be compared.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExecutionError {
    #[error("{0}不是决算：预算执行情况需要一份部门（单位）决算")]
    NotFinalAccounts(String),
    #[error("{0}不是预算：与决算对照的应是同一单位同一年度的部门（单位）预算")]
    NotBudget(String),
    #[error("决算未读到一般公共预算财政拨款支出决算表，无法列出各科目的决算数")]
    NoTable,
    #[error("两份文件不是同一单位：决算为“{final_unit}”，预算为“{budget_unit}”")]
    OtherUnit {
        final_unit: String,
        budget_unit: String,
    },
    #[error("两份文件不是同一年度：决算为{final_year}年度，预算为{budget_year}年")]
    OtherYear { final_year: i32, budget_year: i32 },
    #[error("两份文件口径不同：决算为{final_scope}，预算为{budget_scope}")]
    OtherScope {
        final_scope: &'static str,
        budget_scope: &'static str,
    },
}

/// A figure and where it is printed.
#[derive(Clone, Debug, Serialize)]
pub struct Placed {
    pub amount: Amount,
    pub at: Location,
}

/// One 科目 (类, 款 or 项): its plan and what was spent.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub code: String,
    pub name: String,
    /// The 预算's 一般公共预算 table: the row's total.
    pub budget: Option<Placed>,
    /// The 决算's narrative: “年初预算为 A 万元”.
    pub initial: Option<Placed>,
    /// The 决算's narrative: “全年预算为 F 万元”.
    pub full_year: Option<Placed>,
    /// The 决算's 一般公共预算财政拨款支出决算表: the row's 合计.
    pub actual: Option<Placed>,
    /// 决算 / 全年预算 (else 年初预算, else the 预算's figure), in hundredths of a percent,
    /// rounded half up.
    pub rate_bp: Option<i64>,
}

/// A 科目 (or a 三公 part) whose 年初预算 the 决算 states other than the 预算 prints.
#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    /// The 科目 ("2010101 行政运行"), 一般公共预算财政拨款支出 for the whole, or a 三公 part
    /// ("“三公”经费 公务接待费").
    pub what: String,
    /// How the 决算 prints it: 决算所称年初预算 (its narrative) or its 三公 table's 预算数.
    pub stated_as: &'static str,
    /// The 决算's 年初预算 for it.
    pub in_final: Placed,
    /// The 预算's figure for it: its row, or (`missing`) 0 at its table, which has no such row.
    pub in_budget: Placed,
    pub missing: bool,
}

/// The execution of one unit's 一般公共预算财政拨款 in one year.
#[derive(Clone, Debug, Serialize)]
pub struct Execution {
    pub unit: String,
    pub year: Option<i32>,
    /// Whether a 预算 was given beside the 决算.
    pub with_budget: bool,
    /// The whole 一般公共预算财政拨款支出 (code empty).
    pub total: Line,
    /// Every 科目, by code (类 before its 款 before its 项).
    pub lines: Vec<Line>,
    /// The 财政拨款“三公”经费 (合计, then each part; code empty): the 决算 table's 预算数 as
    /// `initial`, its 决算数 as `actual`, the 预算's 三公 table as `budget`. Empty when the 决算
    /// prints no 三公 table with 预算数 columns.
    pub three_public: Vec<Line>,
    pub mismatches: Vec<Mismatch>,
}

fn amount(v: Option<&CellValue>) -> Option<Amount> {
    match v? {
        CellValue::Amount(a) => Some(*a),
        _ => None,
    }
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Unit => "单位",
        _ => "部门",
    }
}

/// Rows of a document's 一般公共预算 table by code, with its 合计 row.
struct ByCode {
    /// The table as a whole, for a 科目 it lacks.
    at: Location,
    rows: BTreeMap<String, (String, Option<Amount>, Location)>,
    total: Option<(Amount, Location)>,
}

fn by_code(facts: &Facts) -> Option<ByCode> {
    let t = facts.table(TableKind::GeneralBudgetByFunction)?;
    let place =
        |row: &yusuan_core::Row| crate::facts::loc(t, row.span).in_column(ColumnRole::Total);
    let rows = coded_rows(t)
        .into_iter()
        .map(|r| {
            (
                r.code.to_string(),
                (
                    r.name.to_string(),
                    amount(t.value(r.row, ColumnRole::Total)),
                    place(r.row),
                ),
            )
        })
        .collect();
    let total =
        total_row(t).and_then(|r| amount(t.value(r, ColumnRole::Total)).map(|a| (a, place(r))));
    Some(ByCode {
        at: crate::facts::loc(t, t.span),
        rows,
        total,
    })
}

/// One unit under two printings of its name: the same once white space is gone, or one the
/// other with its place before it (上海市普陀区财政局 / 普陀区财政局).
fn same_unit(a: &str, b: &str) -> bool {
    let (a, b) = (compact(a), compact(b));
    let (long, short) = if a.len() >= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short.chars().count() >= 4 && long.ends_with(short.as_str())
}

/// Two printed figures that are one quantity: equal, or (printed at different precisions, 元 and
/// 万元) within their rounding, as every rule compares them.
fn same(a: Amount, b: Amount) -> bool {
    matches!(yusuan_core::compare_same(a, b), Agreement::Equal)
}

/// num / den in hundredths of a percent, rounded as arith rounds every rate.
fn rate_bp(num: i64, den: i64) -> Option<i64> {
    (den > 0 && num >= 0).then(|| crate::arith::rounded_pct(num, den, 2))
}

pub(crate) fn compare(
    final_ctx: &Ctx,
    budget_ctx: Option<&Ctx>,
) -> Result<Execution, ExecutionError> {
    let fin = final_ctx.doc;
    if fin.kind != DocKind::FinalAccounts {
        return Err(ExecutionError::NotFinalAccounts(fin.source.clone()));
    }
    let unit_of = |d: &Document| d.unit_name.as_ref().map(|u| u.value.clone());
    if let Some(b) = budget_ctx {
        let bd = b.doc;
        if bd.kind != DocKind::Budget {
            return Err(ExecutionError::NotBudget(bd.source.clone()));
        }
        if let (Some(fu), Some(bu)) = (unit_of(fin), unit_of(bd)) {
            if !same_unit(&fu, &bu) {
                return Err(ExecutionError::OtherUnit {
                    final_unit: fu,
                    budget_unit: bu,
                });
            }
        }
        if let (Some(fy), Some(by)) = (&fin.year, &bd.year) {
            if fy.value != by.value {
                return Err(ExecutionError::OtherYear {
                    final_year: fy.value,
                    budget_year: by.value,
                });
            }
        }
        if fin.scope != bd.scope {
            return Err(ExecutionError::OtherScope {
                final_scope: scope_name(fin.scope),
                budget_scope: scope_name(bd.scope),
            });
        }
    }
    let actual = by_code(&final_ctx.facts).ok_or(ExecutionError::NoTable)?;
    let planned = budget_ctx.and_then(|b| by_code(&b.facts));
    let stated = crate::final_accounts::stated_execution(final_ctx);
    let placed = |a: Amount, at: &Location| Placed {
        amount: a,
        at: at.clone(),
    };
    let mut codes: Vec<String> = actual.rows.keys().cloned().collect();
    if let Some(p) = &planned {
        codes.extend(p.rows.keys().cloned());
    }
    codes.sort();
    codes.dedup();
    let mut mismatches = Vec::new();
    let mut line_of = |code: Option<&str>| -> Line {
        let own = code.and_then(|c| actual.rows.get(c));
        let plan = code.and_then(|c| planned.as_ref().and_then(|p| p.rows.get(c)));
        let name = own.or(plan).map_or_else(String::new, |(n, _, _)| n.clone());
        let s = stated.iter().find(|s| s.code.as_deref() == code);
        // The table's figure; where the table has none, the narrative's “支出决算为 B 万元”.
        let actual_fig = match code {
            Some(_) => own.and_then(|(_, a, at)| a.map(|a| placed(a, at))),
            None => actual.total.as_ref().map(|(a, at)| placed(*a, at)),
        }
        .or_else(|| s.map(|s| placed(s.actual.0, &s.actual.1)));
        let budget_fig = match code {
            Some(_) => plan.and_then(|(_, a, at)| a.map(|a| placed(a, at))),
            None => planned
                .as_ref()
                .and_then(|p| p.total.as_ref().map(|(a, at)| placed(*a, at))),
        };
        let initial = s.and_then(|s| s.initial.as_ref().map(|(a, at)| placed(*a, at)));
        let full_year = s.and_then(|s| s.full_year.as_ref().map(|(a, at)| placed(*a, at)));
        let what = || match code {
            Some(c) => format!("{c} {name}"),
            None => "一般公共预算财政拨款支出".to_string(),
        };
        match (&initial, &budget_fig, &planned) {
            (Some(i), Some(b), _) if !same(i.amount, b.amount) => mismatches.push(Mismatch {
                what: what(),
                stated_as: "决算所称年初预算",
                in_final: i.clone(),
                in_budget: b.clone(),
                missing: false,
            }),
            // A 年初预算 for a 科目 the 预算's table does not have: planned at 0 there.
            (Some(i), None, Some(p)) if code.is_some() && plan.is_none() && i.amount.fen != 0 => {
                mismatches.push(Mismatch {
                    what: what(),
                    stated_as: "决算所称年初预算",
                    in_final: i.clone(),
                    in_budget: Placed {
                        amount: Amount { fen: 0, ..i.amount },
                        at: p.at.clone(),
                    },
                    missing: true,
                });
            }
            _ => {}
        }
        let base = full_year
            .as_ref()
            .or(initial.as_ref())
            .or(budget_fig.as_ref())
            .map(|p| p.amount.fen)
            .filter(|&f| f > 0);
        let rate = match (&actual_fig, base) {
            (Some(a), Some(b)) => rate_bp(a.amount.fen, b),
            _ => None,
        };
        Line {
            code: code.unwrap_or_default().to_string(),
            name: if code.is_none() {
                "一般公共预算财政拨款支出".to_string()
            } else {
                name
            },
            budget: budget_fig,
            initial,
            full_year,
            actual: actual_fig,
            rate_bp: rate,
        }
    };
    let total = line_of(None);
    let lines: Vec<Line> = codes.iter().map(|c| line_of(Some(c))).collect();
    let three_public = three_public(
        &final_ctx.facts,
        budget_ctx.map(|b| &b.facts),
        &mut mismatches,
    );
    Ok(Execution {
        unit: unit_of(fin).unwrap_or_default(),
        year: fin.year.as_ref().map(|y| y.value),
        with_budget: planned.is_some(),
        total,
        lines,
        three_public,
        mismatches,
    })
}

/// Each 三公 part: the 决算's 预算数 and 决算数, the 预算's figure, and 决算 / 预算数 (else the
/// 预算's figure); a 预算数 the 预算 prints otherwise is a mismatch. A blank cell is 0.
fn three_public(fin: &Facts, budget: Option<&Facts>, mismatches: &mut Vec<Mismatch>) -> Vec<Line> {
    let Some((t, row)) =
        crate::facts::three_public_row(fin).filter(|(t, _)| t.has_budget_columns())
    else {
        return Vec::new();
    };
    let plan = budget.and_then(crate::facts::three_public_row);
    let cell = |t: &yusuan_core::Table, row: &yusuan_core::Row, role, basis| -> Option<Placed> {
        let unit = t.unit.unwrap_or(yusuan_core::MoneyUnit::WanYuan);
        let amount = crate::facts::Val::of(t.value_in(row, role, basis)).amount_or_zero(unit)?;
        Some(Placed {
            amount,
            at: crate::facts::loc(t, row.span).in_column(role),
        })
    };
    crate::final_accounts::THREE_PUBLIC_PARTS
        .iter()
        .map(|&(_, role)| role)
        .filter(|&role| t.col_in(role, Basis::Own).is_some())
        .map(|role| {
            let name = if role == ColumnRole::Total {
                "“三公”经费合计".to_string()
            } else {
                role.label().to_string()
            };
            let initial = cell(t, row, role, Basis::Budget);
            let actual = cell(t, row, role, Basis::Own);
            let planned = plan.and_then(|(pt, pr)| {
                pt.col(role)?;
                cell(pt, pr, role, Basis::Own)
            });
            if let (Some(i), Some(b)) = (&initial, &planned) {
                if !same(i.amount, b.amount) {
                    mismatches.push(Mismatch {
                        what: format!("“三公”经费 {name}"),
                        stated_as: "决算“三公”经费支出决算表所列预算数",
                        in_final: i.clone(),
                        in_budget: b.clone(),
                        missing: false,
                    });
                }
            }
            let base = initial
                .as_ref()
                .or(planned.as_ref())
                .map(|p| p.amount.fen)
                .filter(|&f| f > 0);
            let rate = match (&actual, base) {
                (Some(a), Some(b)) => rate_bp(a.amount.fen, b),
                _ => None,
            };
            Line {
                code: String::new(),
                name,
                budget: planned,
                initial,
                full_year: None,
                actual,
                rate_bp: rate,
            }
        })
        .collect()
}

/// "95.46%" from hundredths of a percent.
pub fn show_rate(bp: i64) -> String {
    crate::arith::show_pct(bp, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up() {
        assert_eq!(rate_bp(974_650_000, 1_021_034_000), Some(9546));
        assert_eq!(rate_bp(1, 0), None);
        assert_eq!(show_rate(9546), "95.46%");
        assert_eq!(show_rate(10000), "100.00%");
    }
}
