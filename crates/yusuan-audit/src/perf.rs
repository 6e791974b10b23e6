//! Performance goal tables (绩效目标表).

use crate::facts::{check_sum, loc, Side, Val};
use crate::{Ctx, Location, Sink};
use yusuan_core::{
    format_fen, Amount, IndicatorRow, MoneyUnit, Performance, Span, Table, TableKind,
};

use crate::{Level, Rule};

pub(crate) const WEIGHTS: Rule = rule!("perf.weights", Error, "预算 部门/单位", "绩效指标权重合计", "Project tables: indicator weights + 预算执行率权重 = 100; the department table: weights = 100.");

pub(crate) const FUNDS: Rule = rule!(
    "perf.funds",
    Error,
    "预算 部门/单位",
    "项目资金构成",
    "Project funds: 年度资金总额 = 财政拨款 + 其他资金."
);

pub(crate) const QUALITATIVE: Rule = rule!(
    "perf.qualitative",
    Warning,
    "预算 部门/单位",
    "定性与定量指标值",
    "定性 indicators carry a grade (高 / 中 / 低, 达成 ...), numeric ones (≥ ≤ =) a number."
);

pub(crate) const DUPLICATE: Rule = rule!(
    "perf.duplicate",
    Warning,
    "预算 部门/单位",
    "重复的绩效指标",
    "The same 三级 indicator appears twice in one table."
);

pub(crate) const HEADER: Rule = rule!("perf.header", Warning, "预算 部门/单位", "绩效表表头与数据列序", "The indicator header's column order agrees with where the data rows put 性质, 指标值, 单位 and 权重.");

pub(crate) const PROJECTS: Rule = rule!(
    "perf.projects-total",
    Error,
    "预算 部门/单位",
    "绩效项目资金与绩效目标表",
    "Where the narrative states N projects with performance goals and their funds, and the document prints N project performance tables, those funds are the tables' 年度资金总额 added up."
);

/// "编报绩效目标的项目5个，涉及项目预算资金3328.13万元": the sum of the project tables.
fn projects_total(ctx: &Ctx, sink: &mut Sink) {
    let tables: Vec<&Table> = ctx
        .doc
        .tables
        .iter()
        .filter(|t| t.kind == Some(TableKind::ProjectPerformance) && t.performance.is_some())
        .collect();
    if tables.is_empty() {
        return;
    }
    for f in &ctx.doc.figures {
        let Some(amount) = f.amount else { continue };
        if !matches!(
            f.subject,
            yusuan_core::Subject::PerformanceFundsPartial | yusuan_core::Subject::PerformanceFunds
        ) {
            continue;
        }
        // The count of projects stated in the figure's paragraph, before the figure.
        let Some(para) = ctx
            .doc
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .find(|p| p.span.line <= f.span.line && f.span.line <= p.span.end_line)
        else {
            continue;
        };
        let compact: String = para.text.split_whitespace().collect();
        let before = compact
            .find(f.text.split_whitespace().collect::<String>().as_str())
            .map_or(compact.as_str(), |k| &compact[..k]);
        let Some(n) = project_count(before) else {
            continue;
        };
        if n != tables.len() {
            continue;
        }
        let parts: Vec<Val> = tables
            .iter()
            .map(|t| {
                t.performance
                    .as_ref()
                    .and_then(|p| p.funds_total.as_ref())
                    .map_or(Val::Unreadable(String::new()), |c| Val::of(Some(&c.value)))
            })
            .collect();
        if parts.iter().any(|v| !matches!(v, Val::Amt(_))) {
            continue;
        }
        let first = tables[0];
        let last = tables[tables.len() - 1];
        let span = Span::line(first.span.line, first.span.page).to(last.span);
        check_sum(
            sink,
            &PROJECTS,
            Side {
                desc: || format!("情况说明第{}行所述绩效目标项目资金", f.span.line),
                val: Val::Amt(amount),
                loc: || Location::new(f.span, None),
            },
            &parts,
            &format!("{}张项目绩效目标表的“年度资金总额”", tables.len()),
            Some(&Location::new(span, Some(first.label()))),
            amount.unit,
        );
    }
}

/// Σ 年度资金总额 of the project performance tables <= the 项目支出 of the 部门支出总表.
fn within_projects(ctx: &Ctx, sink: &mut Sink) {
    let Some(t8) = ctx.facts.table(TableKind::DeptExpenditure) else {
        return;
    };
    let Some(row) = crate::facts::total_row(t8) else {
        return;
    };
    let Val::Amt(budget) = Val::of(t8.value(row, yusuan_core::ColumnRole::Project)) else {
        return;
    };
    let mut funds: Vec<(Amount, &Table)> = Vec::new();
    for t in &ctx.doc.tables {
        if t.kind != Some(TableKind::ProjectPerformance) {
            continue;
        }
        let cell = t.performance.as_ref().and_then(|p| p.funds_total.as_ref());
        // A table whose funds could not be read leaves the sum unknown.
        match cell.map(|c| Val::of(Some(&c.value))) {
            Some(Val::Amt(a)) => funds.push((a, t)),
            Some(Val::Blank) => {}
            _ => return,
        }
    }
    if funds.is_empty() {
        return;
    }
    let sum: i64 = funds.iter().map(|(a, _)| a.fen).sum();
    let tol: i64 = budget.half_step() + funds.iter().map(|(a, _)| a.half_step()).sum::<i64>();
    if sum <= budget.fen + tol {
        return;
    }
    let unit = budget.unit;
    let first = funds[0].1;
    let last = funds[funds.len() - 1].1;
    let span = Span::line(first.span.line, first.span.page).to(last.span);
    sink.emit(
        &WITHIN,
        Level::Violated,
        format!(
            "{}张项目绩效目标表的“年度资金总额”合计{}{}，超过{}合计的“项目支出”{}{}，多出{}{}",
            funds.len(),
            format_fen(sum, unit),
            unit.label(),
            t8.label(),
            format_fen(budget.fen, unit),
            unit.label(),
            format_fen(sum - budget.fen, unit),
            unit.label()
        ),
        vec![
            Location::new(span, Some(first.label())),
            loc(t8, row.span).in_column(yusuan_core::ColumnRole::Project),
        ],
    );
}

/// "项目5个" / "5个项目": the count, when stated once.
fn project_count(s: &str) -> Option<usize> {
    let mut found = None;
    for (k, _) in s.match_indices("个") {
        let digits: String = s[..k]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let names_projects = s[..k].ends_with(&digits) && {
            let head = &s[..k - digits.len()];
            head.ends_with("项目") || s[k..].starts_with("个项目")
        };
        if !digits.is_empty() && names_projects {
            if found.is_some() {
                return None;
            }
            found = digits.parse().ok();
        }
    }
    found
}

pub(crate) const WITHIN: Rule = rule!("perf.within-project", Error, "预算 部门/单位", "绩效项目资金不超过项目支出", "The 年度资金总额 of the project performance tables, added up, does not exceed the 项目支出 of the 部门支出总表: projects with performance goals are among this year's projects.");

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    projects_total(ctx, sink);
    within_projects(ctx, sink);
    for t in &ctx.doc.tables {
        let Some(p) = &t.performance else { continue };
        let project = t.kind == Some(TableKind::ProjectPerformance);
        weights(t, p, project, sink);
        if project {
            funds(t, p, sink);
        }
        qualitative(t, p, sink);
        duplicates(t, p, sink);
        header(t, p, sink);
    }
}

/// A weight as hundredths of a percent point ("2.5" -> 250); `None` when not a number.
fn hundredths(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('%');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let f: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(int.parse::<i64>().ok()? * 100 + f)
}

fn show(h: i64) -> String {
    if h % 100 == 0 {
        format!("{}", h / 100)
    } else {
        format!("{}.{:02}", h / 100, h % 100)
            .trim_end_matches('0')
            .to_string()
    }
}

fn indicator_span(p: &Performance) -> Option<Span> {
    p.indicators.iter().map(|i| i.span).reduce(|a, b| a.to(b))
}

fn weights(t: &Table, p: &Performance, project: bool, sink: &mut Sink) {
    // A layout without weights (Shanghai 绩效目标填报表) has nothing to add up.
    if p.indicators.iter().all(|i| i.weight.is_empty()) {
        return;
    }
    let mut sum = 0;
    let mut bad: Vec<&IndicatorRow> = Vec::new();
    for i in &p.indicators {
        match hundredths(&i.weight) {
            Some(h) => sum += h,
            None => bad.push(i),
        }
    }
    let span = indicator_span(p).unwrap_or(t.span);
    if !bad.is_empty() {
        sink.emit(
            &crate::READ_UNREADABLE,
            Level::Violated,
            format!(
                "无法核验{}的指标权重合计：{}的权重“{}”不是数字",
                t.label(),
                bad[0].name,
                bad[0].weight
            ),
            bad.iter().map(|i| loc(t, i.span)).collect(),
        );
        return;
    }
    let mut locs = vec![loc(t, span)];
    let (total, desc) = if project {
        let Some(ew) = &p.execution_weight else {
            return;
        };
        let Some(e) = hundredths(&ew.value) else {
            return;
        };
        locs.push(loc(t, ew.span));
        (
            sum + e,
            format!(
                "指标权重合计{}加预算执行率权重{}为{}",
                show(sum),
                show(e),
                show(sum + e)
            ),
        )
    } else {
        (sum, format!("指标权重合计为{}", show(sum)))
    };
    if total != 10_000 {
        sink.emit(
            &WEIGHTS,
            Level::Violated,
            format!(
                "{}（{}）{}，应为100",
                t.label(),
                p.name
                    .as_ref()
                    .map_or(t.title.as_str(), |n| n.value.as_str()),
                desc
            ),
            locs,
        );
    }
}

fn funds(t: &Table, p: &Performance, sink: &mut Sink) {
    let (Some(total), Some(fiscal)) = (&p.funds_total, &p.funds_fiscal) else {
        return;
    };
    let other = p
        .funds_other
        .as_ref()
        .map_or(Val::Blank, |o| Val::of(Some(&o.value)));
    let mut parts = vec![Val::of(Some(&fiscal.value))];
    let mut desc = "财政拨款与其他资金";
    if let Some(carry) = &p.funds_carry {
        parts.push(Val::of(Some(&carry.value)));
        desc = "当年财政拨款、上年结转资金与其他资金";
    }
    parts.push(other);
    let span = fiscal
        .span
        .to(p.funds_other.as_ref().map_or(fiscal.span, |o| o.span));
    check_sum(
        sink,
        &FUNDS,
        Side {
            desc: || format!("{}“年度资金总额”", t.label()),
            val: Val::of(Some(&total.value)),
            loc: || loc(t, total.span),
        },
        &parts,
        desc,
        Some(&loc(t, span)),
        t.unit.unwrap_or(MoneyUnit::WanYuan),
    );
}

fn is_number(s: &str) -> bool {
    let s = s.trim().trim_end_matches('%');
    !s.is_empty() && s.parse::<f64>().is_ok_and(|v| v.is_finite())
}

fn qualitative(t: &Table, p: &Performance, sink: &mut Sink) {
    for i in &p.indicators {
        if i.op == "定性" && is_number(&i.value) {
            sink.emit(&QUALITATIVE, Level::Violated,
                format!(
                    "{}指标“{}”的性质为定性，指标值却是数字“{}{}”；定性指标应填写等级（如高、中、低、达成）",
                    t.label(),
                    i.name,
                    i.value,
                    i.unit
                ),
                vec![loc(t, i.span)],
            );
        } else if !i.op.is_empty() && i.op != "定性" && !i.value.is_empty() && !is_number(&i.value)
        {
            sink.emit(
                &QUALITATIVE,
                Level::Violated,
                format!(
                    "{}指标“{}”的性质为“{}”，指标值却不是数字：“{}”",
                    t.label(),
                    i.name,
                    i.op,
                    i.value
                ),
                vec![loc(t, i.span)],
            );
        }
    }
}

fn duplicates(t: &Table, p: &Performance, sink: &mut Sink) {
    for (k, i) in p.indicators.iter().enumerate() {
        if let Some(first) = p.indicators[..k]
            .iter()
            .find(|j| j.name == i.name && !i.name.is_empty())
        {
            sink.emit(
                &DUPLICATE,
                Level::Violated,
                format!(
                    "{}三级指标“{}”出现两次（第{}行{}{}，第{}行{}{}）",
                    t.label(),
                    i.name,
                    first.span.line,
                    first.op,
                    first.value,
                    i.span.line,
                    i.op,
                    i.value
                ),
                vec![loc(t, i.span), loc(t, first.span)],
            );
        }
    }
}

/// The header's column order against where the data rows put each field.
fn header(t: &Table, p: &Performance, sink: &mut Sink) {
    let Some(h) = &p.header else { return };
    if p.indicators.is_empty() || !p.positional {
        return;
    }
    // Where most data rows put the op.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for i in &p.indicators {
        match counts.iter_mut().find(|(c, _)| *c == i.op_cell) {
            Some((_, n)) => *n += 1,
            None => counts.push((i.op_cell, 1)),
        }
    }
    let Some((op, _)) = counts.iter().max_by_key(|(_, n)| *n).copied() else {
        return;
    };
    let find = |keys: &[&str]| {
        h.value
            .iter()
            .position(|c| keys.iter().any(|k| c.contains(k)))
    };
    let fields = [
        (find(&["性质"]), op, "指标性质"),
        (find(&["指标值"]), op + 1, "指标值"),
        (find(&["单位"]), op + 2, "计量单位"),
        (find(&["权重"]), op + 3, "指标权重"),
    ];
    if fields
        .iter()
        .all(|(hp, dp, _)| hp.is_none_or(|hp| hp == *dp))
    {
        return;
    }
    // Say both orders: the header's labels, and what the data rows hold in those columns.
    let mut data_order: Vec<(usize, &str)> = fields.iter().map(|(_, dp, n)| (*dp, *n)).collect();
    data_order.push((op.saturating_sub(1), "指标名称"));
    data_order.sort();
    let header_order: Vec<&str> = h
        .value
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty() && !c.contains("绩效指标"))
        .collect();
    let first = &p.indicators[0];
    sink.emit(
        &HEADER,
        Level::Violated,
        format!(
            "{}的表头列序为“{}”，而数据行按“{}”排列（如“{} {} {} {} {}”），表头与数据错位",
            t.label(),
            header_order.join("、"),
            data_order
                .iter()
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join("、"),
            first.name,
            first.op,
            first.value,
            first.unit,
            first.weight
        ),
        vec![loc(t, h.span), Location::new(first.span, Some(t.label()))],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_as_hundredths() {
        assert_eq!(hundredths("10"), Some(1000));
        assert_eq!(hundredths("2.5"), Some(250));
        assert_eq!(hundredths("x"), None);
        assert_eq!(show(250), "2.5");
        assert_eq!(show(9000), "90");
    }
}
