//! `yusuan compare`: a 决算's execution 科目 by 科目, against the same unit's 预算 when given.

use std::io::{self, Write};
use yusuan_audit::execution::{show_rate, Execution, Line, Placed};
use yusuan_audit::Location;
use yusuan_core::{format_fen, MoneyUnit};

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn wan(p: Option<&Placed>) -> String {
    p.map_or_else(
        || "—".to_string(),
        |p| format_fen(p.amount.fen, MoneyUnit::WanYuan),
    )
}

/// One line of the table: code, name, the 预算's figure (when given), 年初预算, 全年预算, 决算,
/// 执行率.
fn row(e: &Execution, l: &Line) -> [String; 7] {
    [
        l.code.clone(),
        l.name.clone(),
        if e.with_budget {
            wan(l.budget.as_ref())
        } else {
            String::new()
        },
        wan(l.initial.as_ref()),
        wan(l.full_year.as_ref()),
        wan(l.actual.as_ref()),
        l.rate_bp.map_or_else(|| "—".to_string(), show_rate),
    ]
}

/// Rows padded to their columns (names left, figures right); the 预算 column only with a 预算.
fn print_rows(out: &mut impl Write, rows: &[[String; 7]], with_budget: bool) -> io::Result<()> {
    let widths: Vec<usize> = (0..7)
        .map(|k| rows.iter().map(|r| width(&r[k])).max().unwrap_or(0))
        .collect();
    for r in rows {
        let mut line = String::new();
        for (k, cell) in r.iter().enumerate() {
            if (k == 2 && !with_budget) || widths[k] == 0 {
                continue;
            }
            let cell = if k < 2 {
                pad_right(cell, widths[k])
            } else {
                pad_left(cell, widths[k])
            };
            line.push_str(&cell);
            line.push_str("  ");
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The table of every 科目, then each mismatch with where it is in both documents.
pub fn human(
    out: &mut impl Write,
    e: &Execution,
    final_doc: (&str, &str),
    budget_doc: Option<(&str, &str)>,
) -> io::Result<()> {
    let year = e.year.map_or(String::new(), |y| format!("{y}年度"));
    writeln!(
        out,
        "{}{year}一般公共预算财政拨款支出执行情况（单位：万元）",
        e.unit
    )?;
    let mut rows: Vec<[String; 7]> = vec![[
        "科目编码".into(),
        "科目名称".into(),
        if e.with_budget {
            "预算数（预算）".into()
        } else {
            String::new()
        },
        "年初预算（决算）".into(),
        "全年预算".into(),
        "决算数".into(),
        "执行率".into(),
    ]];
    rows.extend(std::iter::once(&e.total).chain(&e.lines).map(|l| row(e, l)));
    print_rows(out, &rows, e.with_budget)?;
    if !e.three_public.is_empty() {
        writeln!(out, "\n财政拨款“三公”经费支出执行情况（单位：万元）")?;
        let mut rows: Vec<[String; 7]> = vec![[
            String::new(),
            "项目".into(),
            if e.with_budget {
                "预算数（预算）".into()
            } else {
                String::new()
            },
            "预算数（决算）".into(),
            String::new(),
            "决算数".into(),
            "执行率".into(),
        ]];
        // The 三公 have no 全年预算: that column stays empty (and is left out).
        rows.extend(e.three_public.iter().map(|l| {
            let mut r = row(e, l);
            r[4] = String::new();
            r
        }));
        print_rows(out, &rows, e.with_budget)?;
    }
    if !e.with_budget {
        writeln!(
            out,
            "\n执行率为决算数 ÷ 全年预算（未说明全年预算的为年初预算）。给出同一单位同一年度的预算文件，可逐科目核对决算所称年初预算。"
        )?;
        return Ok(());
    }
    writeln!(out)?;
    if e.mismatches.is_empty() {
        writeln!(
            out,
            "决算所称各科目年初预算、所列“三公”经费预算数与预算文件一致。"
        )?;
        return Ok(());
    }
    let lines = |text: &str| -> Vec<String> {
        text.split('\n')
            .map(|l| l.trim_start_matches('\u{c}').replace('\t', "  "))
            .collect()
    };
    let final_lines = lines(final_doc.1);
    let budget_lines = budget_doc.map(|b| lines(b.1)).unwrap_or_default();
    let show = |out: &mut dyn Write, name: &str, src: &[String], at: &Location| {
        let page = at.page.map_or(String::new(), |p| format!(" 第{p}页"));
        let table = at
            .table
            .as_ref()
            .map_or(String::new(), |t| format!(" （{t}）"));
        writeln!(out, "  --> {name}:{}{page}{table}", at.line)?;
        if let Some(l) = src.get((at.line as usize).saturating_sub(1)) {
            let cut: String = l.trim_end().chars().take(100).collect();
            writeln!(out, "  {:>4} | {cut}", at.line)?;
        }
        Ok::<(), io::Error>(())
    };
    for m in &e.mismatches {
        let diff = (m.in_final.amount.fen - m.in_budget.amount.fen).abs();
        if m.missing {
            writeln!(
                out,
                "error[预算与决算不一致]: {}：决算所称年初预算为{}万元，预算文件的一般公共预算支出表没有该科目",
                m.what,
                format_fen(m.in_final.amount.fen, MoneyUnit::WanYuan),
            )?;
        } else {
            writeln!(
                out,
                "error[预算与决算不一致]: {}：{}为{}万元，预算文件为{}万元，相差{}万元",
                m.what,
                m.stated_as,
                format_fen(m.in_final.amount.fen, MoneyUnit::WanYuan),
                format_fen(m.in_budget.amount.fen, MoneyUnit::WanYuan),
                format_fen(diff, MoneyUnit::WanYuan)
            )?;
        }
        show(out, final_doc.0, &final_lines, &m.in_final.at)?;
        if let Some((name, _)) = budget_doc {
            show(out, name, &budget_lines, &m.in_budget.at)?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{} 项年初预算与预算文件不一致", e.mismatches.len())
}
