//! What a budget source must satisfy beyond its syntax: codes known for the year and of the
//! right depth, names matching codes, the economic split adding up to the basic spending, goals'
//! weights adding up to 100.

use super::{Budget, Money, RollUp, Source};
use crate::catalog::{Catalog, Classification, Lookup};

/// What is wrong with a source's code and name against its catalog for `year`, if anything: a
/// code the catalog does not know needs its name written; a name must be the code's.
fn code_problem(
    catalog: &Catalog,
    what: &str,
    code: &str,
    name: &str,
    year: i32,
) -> Option<String> {
    match catalog.lookup(code, name, Some(year)) {
        Lookup::Unknown if name.is_empty() => Some(format!(
            "{what}科目 {code} 不在 {year} 年科目表中，请写明 name"
        )),
        Lookup::NameMismatch(expected) if !name.is_empty() => Some(format!(
            "科目 {code} 的名称应为“{}”，而不是“{name}”",
            expected.join("”或“")
        )),
        _ => None,
    }
}

impl Budget {
    /// The largest difference rounding can make between a printed total and the sum of its
    /// `parts` printed parts: half of the last printed digit (0.01 of the source's unit) per
    /// part, at least one digit.
    pub fn rounding_bound(&self, parts: usize) -> Money {
        // The last printed digit: 0.01 of the unit, or coarser where the original printed
        // fewer decimals (`Rounding::decimals`).
        let cent: i64 = match self.money_unit {
            crate::MoneyUnit::WanYuan => 10_000,
            crate::MoneyUnit::Yuan => 1,
        };
        let fewer = 2u32.saturating_sub(u32::from(self.rounding.decimals.unwrap_or(2)));
        let digit = cent.saturating_mul(10i64.pow(fewer));
        let parts = i64::try_from(parts).unwrap_or(i64::MAX);
        Money(digit.saturating_mul(parts.saturating_add(1).saturating_div(2).max(1)))
    }

    /// Each recorded 尾差 of the 一般公共预算支出表 is on a row the table prints (a 类 or 款 of
    /// its 项, or 合计), once, and within what rounding its 项 can make.
    fn check_function_rounding(&self, out: &mut Vec<(Option<usize>, String)>) {
        let unit = self.money_unit;
        let general: Vec<&str> = self
            .items()
            .filter(|i| i.source == Source::General)
            .map(|i| i.code.as_str())
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (n, r) in self.rounding.function.iter().enumerate() {
            let which = format!("[rounding] function 第 {} 条（{}）", n + 1, r.code);
            let parts = if r.code == RollUp::TOTAL {
                general.len()
            } else if matches!(r.code.len(), 3 | 5) && r.code.bytes().all(|b| b.is_ascii_digit()) {
                general.iter().filter(|c| c.starts_with(&r.code)).count()
            } else {
                0
            };
            if parts == 0 {
                out.push((
                    None,
                    format!("{which}：应为一般公共预算支出表中有项级科目的类、款编码，或“合计”"),
                ));
                continue;
            }
            if !seen.insert(r.code.as_str()) {
                out.push((None, format!("{which}：同一行的尾差重复记录")));
            }
            let bound = self.rounding_bound(parts);
            for (what, d) in [
                ("合计", r.total),
                ("基本支出", r.basic),
                ("项目支出", r.project),
                ("上年预算数", r.prior),
            ] {
                if d.abs() > bound {
                    out.push((
                        None,
                        format!(
                            "{which}：{what}尾差 {} 超出 {parts} 个项级科目四舍五入可能的范围（±{}，单位{}），不是尾差，请改正金额",
                            d.to_decimal(unit),
                            bound.to_decimal(unit),
                            unit.label()
                        ),
                    ));
                }
            }
        }
    }

    /// Each recorded 尾差 of the economic table's 类 rows is on a 类 with 款, once, and within
    /// what rounding its 款 can make.
    fn check_economic_rounding(&self, out: &mut Vec<(Option<usize>, String)>) {
        let unit = self.money_unit;
        let mut seen = std::collections::HashSet::new();
        for (n, c) in self.rounding.economic_class.iter().enumerate() {
            let which = format!("[rounding] economic_class 第 {} 条（{}）", n + 1, c.code);
            let parts = if c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_digit()) {
                self.economic_items()
                    .filter(|e| e.code.starts_with(&c.code))
                    .count()
            } else {
                0
            };
            if parts == 0 {
                out.push((None, format!("{which}：应为基本支出表中有款级科目的类编码")));
                continue;
            }
            if !seen.insert(c.code.as_str()) {
                out.push((None, format!("{which}：同一行的尾差重复记录")));
            }
            let bound = self.rounding_bound(parts);
            for (what, d) in [("人员经费", c.personnel), ("公用经费", c.public)] {
                if d.abs() > bound {
                    out.push((
                        None,
                        format!(
                            "{which}：{what}尾差 {} 超出 {parts} 个经济科目四舍五入可能的范围（±{}，单位{}），不是尾差，请改正金额",
                            d.to_decimal(unit),
                            bound.to_decimal(unit),
                            unit.label()
                        ),
                    ));
                }
            }
        }
    }

    /// the economic split adding up to the basic spending, goals' weights.
    pub(super) fn check(&self) -> Vec<(Option<usize>, String)> {
        let mut out = Vec::new();
        let functional = Catalog::builtin(Classification::Functional);
        let economic = Catalog::builtin(Classification::Economic);
        if !(2000..=2100).contains(&self.year) {
            out.push((None, format!("year = {} 不是有效的预算年度", self.year)));
        }
        if self.unit.name.trim().is_empty() {
            out.push((None, "unit.name 不能为空".to_string()));
        }
        // A source in 元 whose whole spending is under 1 万元: its figures were written in 万元
        // (0.27 万元 for a department's budget of 2,700 万元).
        let total = self.total();
        if self.money_unit == crate::MoneyUnit::Yuan && total.0 > 0 && total < Money(1_000_000) {
            out.push((
                None,
                format!(
                    "money_unit 为“元”，但全部支出合计只有 {} 元（不足 1 万元）：金额像是按万元填写的，请核对 money_unit 或金额",
                    total.to_decimal(crate::MoneyUnit::Yuan)
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            let at = Some(item.span().start);
            let it = item.get_ref();
            if it.code.len() != 7 || !it.code.chars().all(|c| c.is_ascii_digit()) {
                out.push((at, format!("功能分类科目“{}”应为 7 位的项级编码", it.code)));
                continue;
            }
            if !seen.insert((it.code.clone(), it.source)) {
                out.push((
                    at,
                    format!("科目 {}（{}）重复出现", it.code, it.source.label()),
                ));
            }
            if let Some(problem) =
                code_problem(functional, "功能分类", &it.code, &it.name, self.year)
            {
                out.push((at, problem));
            }
            if it.basic.0 < 0 || it.project.0 < 0 || it.unsplit.0 < 0 {
                out.push((at, format!("科目 {} 的金额为负数", it.code)));
            }
        }
        for e in &self.economic {
            let at = Some(e.span().start);
            let it = e.get_ref();
            if it.code.len() != 5 || !it.code.chars().all(|c| c.is_ascii_digit()) {
                out.push((at, format!("经济分类科目“{}”应为 5 位的款级编码", it.code)));
                continue;
            }
            if let Some(problem) = code_problem(economic, "经济分类", &it.code, &it.name, self.year)
            {
                out.push((at, problem));
            }
        }
        if !self.economic.is_empty() || !self.rounding.economic.is_zero() {
            let basic = self.basic_of(Source::General);
            let econ: Money = self.economic.iter().map(|e| e.get_ref().amount).sum();
            let unit = self.money_unit;
            let at = self.economic.first().map(|e| e.span().start);
            let recorded = self.rounding.economic;
            let bound = self.rounding_bound(self.economic.len());
            let said = |m: Money| m.to_decimal(unit);
            // Money whose basic / project split is unknown leaves the basic spending known
            // only as a range: the economic split must fall in it.
            let unsplit = self.unsplit_of(Source::General);
            if !unsplit.is_zero() {
                if econ + recorded < basic || econ + recorded > basic + unsplit {
                    out.push((
                        at,
                        format!(
                            "经济分类合计 {} 不在一般公共预算基本支出可能的范围内：已分列的基本支出 {}，另有 {} 未分基本、项目（单位{}）",
                            said(econ),
                            said(basic),
                            said(unsplit),
                            unit.label()
                        ),
                    ));
                }
            } else if basic - econ != recorded {
                let hint = if (basic - econ).abs() <= bound {
                    format!(
                        "；若是原文四舍五入的尾差，请在 [rounding] 中写 economic = \"{}\"",
                        said(basic - econ)
                    )
                } else {
                    String::new()
                };
                let kept = if recorded.is_zero() {
                    String::new()
                } else {
                    format!("（已记尾差 {}）", said(recorded))
                };
                out.push((
                    at,
                    format!(
                        "经济分类合计 {} 与一般公共预算基本支出 {} 不等{kept}（单位{}）{hint}",
                        said(econ),
                        said(basic),
                        unit.label()
                    ),
                ));
            }
            for (what, key, d) in [
                ("人员经费", "personnel", self.rounding.personnel),
                ("公用经费", "public", self.rounding.public),
            ] {
                if d.abs() > bound {
                    out.push((
                        at,
                        format!(
                            "[rounding] {key} 记录的{what}尾差 {} 超出 {} 个经济科目四舍五入可能的范围（±{}，单位{}），不是尾差，请改正金额",
                            said(d),
                            self.economic.len(),
                            said(bound),
                            unit.label()
                        ),
                    ));
                }
            }
            if basic - econ == recorded && recorded.abs() > bound {
                out.push((
                    at,
                    format!(
                        "[rounding] 记录的尾差 {} 超出 {} 个经济科目四舍五入可能的范围（±{}，单位{}），不是尾差，请改正金额",
                        said(recorded),
                        self.economic.len(),
                        said(bound),
                        unit.label()
                    ),
                ));
            }
        }
        self.check_function_rounding(&mut out);
        self.check_economic_rounding(&mut out);
        // A 三公 part's basic spending is its economic item (30217 公务接待费 …); the part
        // itself holds that and any project spending on it, so it can be no smaller.
        let t = &self.three_public;
        for (code, part, amount) in [
            ("30212", "因公出国（境）费", t.abroad.amount),
            ("30231", "公务用车运行维护费", t.vehicle_operation.amount),
            ("30217", "公务接待费", t.reception.amount),
        ] {
            let Some(e) = self.economic.iter().find(|e| e.get_ref().code == code) else {
                continue;
            };
            let basic = e.get_ref().amount;
            if basic > amount {
                out.push((
                    Some(e.span().start),
                    format!(
                        "经济分类 {code} {} {} 超过三公经费中的{part} {}（单位{}）：三公经费包含基本支出中的这一款，不能更少",
                        self.economic_name(code),
                        basic.to_decimal(self.money_unit),
                        amount.to_decimal(self.money_unit),
                        self.money_unit.label()
                    ),
                ));
            }
        }
        // A project's 财政拨款 is part of the 财政拨款 项目支出 of the line items: one larger
        // than all of it is a figure typed wrong (9,999 against 883.37), or in the wrong unit.
        // Money whose split is unknown may be project spending too.
        let fiscal = [Source::General, Source::GovFund, Source::StateCapital];
        let unsplit: Money = fiscal.into_iter().map(|s| self.unsplit_of(s)).sum();
        let fiscal_projects: Money = fiscal
            .into_iter()
            .map(|s| self.project_of(s))
            .sum::<Money>()
            + unsplit;
        let with_unsplit = if unsplit.is_zero() {
            ""
        } else {
            "（含未分基本、项目的金额）"
        };
        let unit = self.money_unit;
        for p in &self.projects {
            let at = Some(p.span().start);
            let p = p.get_ref();
            if p.fiscal > fiscal_projects {
                out.push((
                    at,
                    format!(
                        "项目“{}”的财政拨款 {} 超过各科目财政拨款项目支出合计{with_unsplit} {}（单位{}），请核对金额及其单位",
                        p.name,
                        p.fiscal.to_decimal(unit),
                        fiscal_projects.to_decimal(unit),
                        unit.label()
                    ),
                ));
            }
            let w: u32 = p.indicators.iter().map(|i| i.weight).sum::<u32>() + p.execution_weight;
            if w != 100 {
                out.push((
                    at,
                    format!(
                        "项目“{}”的指标权重与预算执行率权重合计为 {w}，应为 100",
                        p.name
                    ),
                ));
            }
        }
        // The projects with goals are among the project spending: their 财政拨款 together
        // cannot exceed it either.
        let goals: Money = self.projects.iter().map(|p| p.get_ref().fiscal).sum();
        if self.projects.len() > 1 && goals > fiscal_projects {
            out.push((
                self.projects.first().map(|p| p.span().start),
                format!(
                    "各项目绩效目标的财政拨款合计 {} 超过各科目财政拨款项目支出合计{with_unsplit} {}（单位{}）",
                    goals.to_decimal(unit),
                    fiscal_projects.to_decimal(unit),
                    unit.label()
                ),
            ));
        }
        let w: u32 = self
            .department_goal
            .indicators
            .iter()
            .map(|i| i.weight)
            .sum();
        if !self.department_goal.indicators.is_empty() && w != 100 {
            out.push((None, format!("整体绩效指标权重合计为 {w}，应为 100")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::budget::{Budget, ClassRounding, Money, RollUp};

    fn example() -> Budget {
        Budget::from_toml(include_str!(
            "../../../../examples/chongqing-dadukou-govoffice-2025/budget.toml"
        ))
        .expect("the example is valid")
    }

    /// The source's check messages, through its TOML as a person would write it.
    fn problems(b: &Budget) -> Vec<String> {
        match Budget::from_toml(&b.to_toml().expect("toml")) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| e.message.clone()).collect(),
        }
    }

    #[test]
    fn a_recorded_roll_up_difference_is_a_rounding_or_refused() {
        let mut b = example();
        let class = b.items().next().expect("an item").code[..3].to_string();
        let parts = b.items().filter(|i| i.code.starts_with(&class)).count();
        let cent = Money(10_000);
        b.rounding.function = vec![RollUp {
            code: class.clone(),
            project: cent,
            ..RollUp::default()
        }];
        assert_eq!(problems(&b), Vec::<String>::new());
        // One printed digit more than rounding of its parts can make.
        let beyond = b.rounding_bound(parts) + cent;
        b.rounding.function[0].project = beyond;
        let said = problems(&b);
        assert!(
            said.len() == 1 && said[0].contains("项目支出尾差") && said[0].contains("不是尾差"),
            "{said:?}"
        );
        // A document printed in whole 万元 makes 尾差 a hundred times larger.
        b.rounding.decimals = Some(0);
        assert_eq!(problems(&b), Vec::<String>::new());
        // A row the table does not print.
        b.rounding.decimals = None;
        b.rounding.function[0] = RollUp {
            code: "999".into(),
            total: cent,
            ..RollUp::default()
        };
        let said = problems(&b);
        assert!(
            said[0].contains("应为一般公共预算支出表中有项级科目的类、款编码"),
            "{said:?}"
        );
    }

    #[test]
    fn a_recorded_economic_class_difference_is_a_rounding_or_refused() {
        let mut b = example();
        let class = b.economic_items().next().expect("an item").code[..3].to_string();
        b.rounding.economic_class = vec![ClassRounding {
            code: class,
            personnel: Money(10_000_000),
            ..ClassRounding::default()
        }];
        let said = problems(&b);
        assert!(
            said.len() == 1 && said[0].contains("人员经费尾差 10.00"),
            "{said:?}"
        );
    }

    #[test]
    fn unsplit_money_bounds_the_economic_split_instead_of_fixing_it() {
        let mut b = example();
        for item in &mut b.items {
            let i = item.get_mut();
            i.unsplit = i.basic + i.project;
            i.basic = Money::ZERO;
            i.project = Money::ZERO;
        }
        // The economic split lies within the unsplit money: nothing to say.
        assert_eq!(problems(&b), Vec::<String>::new());
        // More basic spending than all the money is impossible.
        let all = b.total();
        b.economic[0].get_mut().amount = all;
        let said = problems(&b);
        assert!(
            said.iter()
                .any(|m| m.contains("不在一般公共预算基本支出可能的范围内")),
            "{said:?}"
        );
    }
}
