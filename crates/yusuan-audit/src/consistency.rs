//! One year and one unit name throughout.

use crate::{Ctx, Location, Sink};
use yusuan_core::{catalog::normalize_name, MentionKind};

use crate::{Level, Rule};

pub(crate) const YEAR: Rule = rule!("consistency.year", Error, "全部", "年度一致", "One budget year throughout: titles and 'X年预算' name the budget year, comparisons (比 X 年) the year before.");

pub(crate) const UNIT_NAME: Rule = rule!(
    "consistency.unit-name",
    Error,
    "全部",
    "单位名称一致",
    "One unit name throughout: the title, 部门名称, 主管部门 and 填报单位（本级）."
);

pub(crate) const MONEY_UNIT: Rule = rule!("consistency.money-unit", Error, "全部", "金额单位一致", "Magnitudes agree with the stated 单位 (元 / 万元): the same figure printed in two places differs by exactly 10,000 times.");

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    years(ctx, sink);
    unit_names(ctx, sink);
}

fn years(ctx: &Ctx, sink: &mut Sink) {
    // The budget year: the title's, else the most common budget-year mention.
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for m in ctx
        .doc
        .mentions
        .iter()
        .filter(|m| m.what == MentionKind::Year)
    {
        if let Ok(y) = m.text.parse::<i32>() {
            match counts.iter_mut().find(|(v, _)| *v == y) {
                Some((_, c)) => *c += 1,
                None => counts.push((y, 1)),
            }
        }
    }
    let majority = counts.iter().max_by_key(|(_, c)| *c).map(|(y, _)| *y);
    let Some(year) = majority.or(ctx.doc.year.as_ref().map(|y| y.value)) else {
        return;
    };
    for m in &ctx.doc.mentions {
        let Ok(y) = m.text.parse::<i32>() else {
            continue;
        };
        let (expected, what) = match m.what {
            MentionKind::Year => (year, "预算年度"),
            MentionKind::PriorYear => (year - 1, "上一年度"),
            MentionKind::UnitName => continue,
        };
        if y != expected {
            sink.emit(
                &YEAR,
                Level::Violated,
                format!(
                    "第{}行写作{}年，而本文件的{}应为{}年",
                    m.span.line, y, what, expected
                ),
                vec![Location::new(m.span, None)],
            );
        }
    }
}

fn unit_names(ctx: &Ctx, sink: &mut Sink) {
    let names: Vec<(String, &yusuan_core::Mention)> = ctx
        .doc
        .mentions
        .iter()
        .filter(|m| m.what == MentionKind::UnitName && !m.text.is_empty())
        .map(|m| (normalize_name(&m.text), m))
        .collect();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (n, _) in &names {
        match counts.iter_mut().find(|(v, _)| *v == n.as_str()) {
            Some((_, c)) => *c += 1,
            None => counts.push((n.as_str(), 1)),
        }
    }
    let Some((majority, count)) = counts.iter().max_by_key(|(_, c)| *c).copied() else {
        return;
    };
    // Without a clear majority the name cannot be settled: no finding.
    if count * 2 <= names.len() {
        return;
    }
    for (n, m) in &names {
        // A short form ("江苏省委办公厅" for "中共江苏省委办公厅") names the same unit.
        if n != majority && !majority.contains(n.as_str()) && !n.contains(majority) {
            sink.emit(
                &UNIT_NAME,
                Level::Violated,
                format!(
                    "第{}行的单位名称为“{}”，而文件其余{}处均为“{}”",
                    m.span.line, m.text, count, majority
                ),
                vec![Location::new(m.span, None)],
            );
        }
    }
}
