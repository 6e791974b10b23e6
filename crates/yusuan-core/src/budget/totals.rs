//! What the model computes: totals by source and by kind, names of codes for the year, the
//! 类 / 款 / 项 roll-up the function tables print, and next year's draft.

use super::{
    Budget, EconomicItem, FunctionTotal, LineItem, Money, Reasons, RollUp, Source, Staffing,
};
use crate::catalog::{Catalog, Classification};
use std::collections::BTreeMap;

impl Budget {
    /// A draft for the next year: this year's figures become the prior year's, and stay as
    /// the starting point for the new figures; reasons for changes are cleared.
    pub fn next_year(&self) -> Budget {
        let mut b = self.clone();
        b.year += 1;
        for item in &mut b.items {
            let i = item.get_mut();
            i.prior_basic = i.basic;
            i.prior_project = i.project;
            i.prior = i.unsplit;
        }
        // This year's printed roll-up becomes next year's printed 上年 column.
        for r in &mut b.rounding.function {
            r.prior = r.basic + r.project + r.total;
        }
        let running = self.operating_cost();
        let tp = &mut b.three_public;
        for c in [
            &mut tp.abroad,
            &mut tp.vehicle_purchase,
            &mut tp.vehicle_operation,
            &mut tp.reception,
        ] {
            c.prior = c.amount;
            c.reason.clear();
        }
        tp.reason.clear();
        b.operating_cost.prior = running;
        b.operating_cost.reason.clear();
        b.reasons = Reasons::default();
        b
    }

    pub fn items(&self) -> impl Iterator<Item = &LineItem> {
        self.items.iter().map(|i| i.get_ref())
    }

    pub fn economic_items(&self) -> impl Iterator<Item = &EconomicItem> {
        self.economic.iter().map(|i| i.get_ref())
    }

    /// The recorded 尾差 of the 合计 row of `source`'s function table (only the 一般公共预算
    /// table's is recorded), or none.
    fn total_rounding(&self, source: Source) -> Option<&RollUp> {
        (source == Source::General)
            .then(|| self.rounding.function_of(RollUp::TOTAL))
            .flatten()
    }

    /// Every total below is the sum of the line items plus the 尾差 their document printed on
    /// its 合计 row (`Budget::rounding`), so that a source read from a document prints its
    /// totals as the document did.
    pub fn total(&self) -> Money {
        Source::ALL.into_iter().map(|s| self.total_of(s)).sum()
    }

    pub fn prior_total(&self) -> Money {
        Source::ALL.into_iter().map(|s| self.prior_of(s)).sum()
    }

    pub fn total_of(&self, source: Source) -> Money {
        self.basic_of(source)
            + self.project_of(source)
            + self.unsplit_of(source)
            + self.total_rounding(source).map_or(Money::ZERO, |r| r.total)
    }

    /// This year's money of `source` whose basic / project split is unknown.
    pub fn unsplit_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(|i| i.unsplit)
            .sum()
    }

    pub fn prior_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(LineItem::prior)
            .sum::<Money>()
            + self.total_rounding(source).map_or(Money::ZERO, |r| r.prior)
    }

    pub fn basic_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(|i| i.basic)
            .sum::<Money>()
            + self.total_rounding(source).map_or(Money::ZERO, |r| r.basic)
    }

    pub fn project_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(|i| i.project)
            .sum::<Money>()
            + self
                .total_rounding(source)
                .map_or(Money::ZERO, |r| r.project)
    }

    /// 人员经费 or 公用经费 of the basic spending.
    pub fn staffing(&self, kind: Staffing) -> Money {
        self.economic_items()
            .filter(|e| e.staffing() == kind)
            .map(|e| e.amount)
            .sum()
    }

    pub fn operating_cost(&self) -> Money {
        self.operating_cost
            .amount
            .unwrap_or_else(|| self.staffing(Staffing::Public))
    }

    /// The name of a functional code (类, 款 or 项) for this year.
    pub fn function_name(&self, code: &str) -> String {
        if let Some(item) = self.items().find(|i| i.code == code && !i.name.is_empty()) {
            return item.name.clone();
        }
        Catalog::builtin(Classification::Functional)
            .name(code, Some(self.year))
            .unwrap_or_default()
            .to_string()
    }

    pub fn economic_name(&self, code: &str) -> String {
        if let Some(item) = self
            .economic_items()
            .find(|i| i.code == code && !i.name.is_empty())
        {
            return item.name.clone();
        }
        Catalog::builtin(Classification::Economic)
            .name(code, Some(self.year))
            .unwrap_or_default()
            .to_string()
    }

    /// Line items of `sources` rolled up to 类, 款 and 项 in code order (类 before its 款
    /// before its 项). Lines with neither this year's nor last year's money are left out.
    pub fn function_rows(&self, sources: &[Source]) -> Vec<FunctionTotal> {
        let mut map: BTreeMap<String, FunctionTotal> = BTreeMap::new();
        // Codes are checked when a source is read; a Budget built otherwise with a code that is
        // not 7 digits has its line left out rather than cut at a wrong boundary.
        let valid = |c: &str| c.len() == 7 && c.bytes().all(|b| b.is_ascii_digit());
        for item in self
            .items()
            .filter(|i| sources.contains(&i.source) && valid(&i.code))
        {
            for len in [3, 5, 7] {
                let code = &item.code[..len];
                let row = map
                    .entry(code.to_string())
                    .or_insert_with(|| FunctionTotal {
                        code: code.to_string(),
                        name: self.function_name(code),
                        ..Default::default()
                    });
                row.basic += item.basic;
                row.project += item.project;
                row.unsplit += item.unsplit;
                row.prior += item.prior();
                *row.by_source.entry(item.source).or_default() += item.total();
            }
        }
        if sources.contains(&Source::General) {
            for d in &self.rounding.function {
                if let Some(row) = map.get_mut(&d.code) {
                    row.basic += d.basic;
                    row.project += d.project;
                    row.prior += d.prior;
                    row.total_rounding += d.total;
                    *row.by_source.entry(Source::General).or_default() +=
                        d.basic + d.project + d.total;
                }
            }
        }
        map.into_values()
            .filter(|r| !r.total().is_zero() || !r.prior.is_zero())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_year_moves_this_years_figures_to_the_prior_year() {
        let source =
            include_str!("../../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
        let b = Budget::from_toml(source).expect("the example is valid");
        let n = b.next_year();
        assert_eq!(n.year, b.year + 1);
        assert_ne!(
            b.prior_total(),
            b.total(),
            "the example changes from its prior year"
        );
        assert_eq!(n.prior_total(), b.total());
        assert_eq!(
            n.total(),
            b.total(),
            "this year's figures stay as the draft"
        );
        assert_eq!(n.three_public.prior_total(), b.three_public.total());
        assert_eq!(n.operating_cost.prior, b.operating_cost());
        assert!(n.reasons.expenditure.is_empty() && n.three_public.reason.is_empty());
        // Still a valid source, through TOML and back.
        let again =
            Budget::from_toml(&n.to_toml().expect("serialises")).expect("the draft is valid");
        assert_eq!(again.total(), n.total());
    }
}
