//! One unit's years side by side: totals, 基本 / 项目, each 类 and each 三公 item, from the
//! Budget rebuilt from each year's stored Document.

use serde::Serialize;
use std::collections::BTreeMap;
use yusuan_core::budget::Budget;
use yusuan_core::money::{format_fen, MoneyUnit};

/// One line of the comparison: a figure per year (fen), `None` where that year has no document.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub label: String,
    pub values: Vec<Option<i64>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// 支出总额 / 功能分类（类） / "三公"经费.
    pub title: String,
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub unit: String,
    pub years: Vec<i32>,
    pub groups: Vec<Group>,
}

/// Compare `budgets` (one per year, any order).
pub fn compare(unit: &str, budgets: &[(i32, Budget)]) -> Comparison {
    let mut budgets: Vec<&(i32, Budget)> = budgets.iter().collect();
    budgets.sort_by_key(|(y, _)| *y);
    let years: Vec<i32> = budgets.iter().map(|(y, _)| *y).collect();
    let per_year = |f: &dyn Fn(&Budget) -> i64| -> Vec<Option<i64>> {
        budgets.iter().map(|(_, b)| Some(f(b))).collect()
    };
    let line = |label: &str, f: &dyn Fn(&Budget) -> i64| Line {
        label: label.to_string(),
        values: per_year(f),
    };
    let totals = Group {
        title: "支出总额".into(),
        lines: vec![
            line("支出合计", &|b| b.total().fen()),
            line("基本支出", &|b| b.items().map(|i| i.basic.fen()).sum()),
            line("项目支出", &|b| {
                b.items().map(|i| i.project.fen()).sum()
            }),
        ],
    };
    // Each 类 (the first three digits of the functional code), named by the latest year.
    let mut classes: BTreeMap<String, String> = BTreeMap::new();
    for (_, b) in &budgets {
        for i in b.items() {
            if let Some(class) = i.code.get(..3) {
                classes.insert(class.to_string(), b.function_name(class));
            }
        }
    }
    let class_lines = classes
        .iter()
        .map(|(code, name)| Line {
            label: format!("{code} {name}"),
            values: budgets
                .iter()
                .map(|(_, b)| {
                    let sum: i64 = b
                        .items()
                        .filter(|i| i.code.starts_with(code.as_str()))
                        .map(|i| i.total().fen())
                        .sum();
                    Some(sum)
                })
                .collect(),
        })
        .collect();
    let three = Group {
        title: "“三公”经费".into(),
        lines: vec![
            line("合计", &|b| b.three_public.total().fen()),
            line("因公出国（境）费", &|b| {
                b.three_public.abroad.amount.fen()
            }),
            line("公务用车购置费", &|b| {
                b.three_public.vehicle_purchase.amount.fen()
            }),
            line("公务用车运行维护费", &|b| {
                b.three_public.vehicle_operation.amount.fen()
            }),
            line("公务接待费", &|b| {
                b.three_public.reception.amount.fen()
            }),
        ],
    };
    Comparison {
        unit: unit.to_string(),
        years,
        groups: vec![
            totals,
            Group {
                title: "功能分类（类）".into(),
                lines: class_lines,
            },
            three,
        ],
    }
}

/// `2,686.02`, in 万元.
pub fn wan(fen: i64) -> String {
    format_fen(fen, MoneyUnit::WanYuan)
}

/// The change from `prior` to `now` as the field says it: 增加 / 减少 x 万元（y%）, or 持平.
pub fn change(prior: i64, now: i64) -> String {
    let diff = now - prior;
    if diff == 0 {
        return "持平".to_string();
    }
    let word = if diff > 0 { "增加" } else { "减少" };
    let pct = if prior == 0 {
        String::new()
    } else {
        // Tenths of a percent, rounded half away from zero, in integers.
        let tenths =
            (diff.abs() as i128 * 1000 * 2 + prior.abs() as i128) / (prior.abs() as i128 * 2);
        format!("（{}.{}%）", tenths / 10, tenths % 10)
    };
    format!("{word}{}万元{pct}", wan(diff.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_worded_as_the_field_words_them() {
        assert_eq!(change(100_000_000, 110_000_000), "增加10.00万元（10.0%）");
        assert_eq!(change(30_000, 20_000), "减少0.01万元（33.3%）");
        assert_eq!(change(0, 50_000_000), "增加50.00万元");
        assert_eq!(change(42, 42), "持平");
        assert_eq!(
            change(1_000_000_000, 2_000_000_000),
            "增加1,000.00万元（100.0%）"
        );
    }
}
