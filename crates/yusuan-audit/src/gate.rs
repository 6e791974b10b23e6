//! The gate: could our reading be wrong here?
//!
//! Before a finding drawn from a table is an error, the table is checked against itself (its
//! row, hierarchy, 三公 and balance identities). When they fail in a pattern that a reading
//! error explains better than the document does, the table is in doubt: one `read.doubt`
//! finding says so and why, and every error or warning that rests on that table is kept as
//! info, so nothing is hidden and nothing unproven is called an error. A finding that rests on a
//! row of space-aligned text whose figures were put in their columns by position alone is kept
//! as info too. The patterns that put a table in doubt:
//!
//! - a row whose figures, moved one column left or right, make the failing identities hold
//!   (a figure read into its neighbour's column; several such rows are a shifted column);
//! - a row of small whole numbers with no name, in a table of amounts (a "公开 02 表" label or
//!   a page number read as a row);
//! - a failing row of space-aligned text with fewer figures than the table has amount columns
//!   (its blank cells left no trace, so its figures were put in columns by position alone);
//! - most checkable rows failing at once (columns matched wrongly as a whole).

use crate::{Ctx, Finding, Severity, Sink};
use yusuan_core::{CellValue, ColumnRole, Document, Table};

/// A table in doubt: its index in the document and why.
pub struct Doubt {
    pub table: usize,
    pub why: String,
}

fn errors(ctx: &Ctx, t: &Table) -> Vec<Finding> {
    let mut sink = Sink::default();
    crate::table::check_table(ctx, t, &mut sink);
    sink.findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

fn amount_columns(t: &Table) -> Vec<usize> {
    t.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role.is_amount())
        .map(|(i, _)| i)
        .collect()
}

/// The table with one row's figures moved one amount column over (`right` or left).
fn shifted(t: &Table, row: usize, right: bool) -> Table {
    let mut t2 = t.clone();
    let cols = amount_columns(t);
    let r = &mut t2.rows[row];
    let width = cols.iter().max().map_or(0, |m| m + 1);
    if r.cells.len() < width {
        r.cells.resize(
            width,
            yusuan_core::Cell {
                text: String::new(),
                value: CellValue::Blank,
            },
        );
    }
    let values: Vec<yusuan_core::Cell> = cols.iter().map(|&i| r.cells[i].clone()).collect();
    let blank = yusuan_core::Cell {
        text: String::new(),
        value: CellValue::Blank,
    };
    for (k, &i) in cols.iter().enumerate() {
        r.cells[i] = if right {
            k.checked_sub(1)
                .map_or(blank.clone(), |p| values[p].clone())
        } else {
            values.get(k + 1).cloned().unwrap_or(blank.clone())
        };
    }
    t2
}

/// The amount columns a row's figures are in.
fn pattern(t: &Table, row: &yusuan_core::Row) -> Vec<usize> {
    amount_columns(t)
        .into_iter()
        .filter(|&i| {
            row.cells
                .get(i)
                .is_some_and(|c| matches!(c.value, CellValue::Amount(_)))
        })
        .collect()
}

/// Every other set of amount columns a row's figures could be in, in their printed order (at
/// most `MAX_PLACINGS`).
fn other_patterns(t: &Table, current: &[usize]) -> Vec<Vec<usize>> {
    let cols = amount_columns(t);
    let (k, n) = (current.len(), cols.len());
    let mut out = Vec::new();
    if k == 0 || k >= n {
        return out;
    }
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        let at: Vec<usize> = pick.iter().map(|&p| cols[p]).collect();
        if at != current {
            out.push(at);
            if out.len() >= MAX_PLACINGS {
                return out;
            }
        }
        // Next combination of k out of n.
        let mut i = k;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if pick[i] < n - k + i {
                pick[i] += 1;
                for j in i + 1..k {
                    pick[j] = pick[j - 1] + 1;
                }
                break;
            }
        }
    }
}

/// Move a row's figures (in order) to the columns `to`.
fn place(t: &mut Table, row: usize, to: &[usize]) {
    let cols = amount_columns(t);
    let from = pattern(t, &t.rows[row]);
    let width = cols.iter().max().map_or(0, |m| m + 1);
    let r = &mut t.rows[row];
    if r.cells.len() < width {
        r.cells.resize(width, blank_cell());
    }
    let figures: Vec<yusuan_core::Cell> = from.iter().map(|&i| r.cells[i].clone()).collect();
    for &i in &cols {
        r.cells[i] = blank_cell();
    }
    for (&i, c) in to.iter().zip(figures) {
        r.cells[i] = c;
    }
}

/// Every other placing of one row's figures, as tables.
fn placings(t: &Table, row: usize) -> Vec<Table> {
    other_patterns(t, &pattern(t, &t.rows[row]))
        .into_iter()
        .map(|to| {
            let mut t2 = t.clone();
            place(&mut t2, row, &to);
            t2
        })
        .collect()
}

/// Placings tried per row: a row of 6 figures in 12 columns has 924.
const MAX_PLACINGS: usize = 64;

fn blank_cell() -> yusuan_core::Cell {
    yusuan_core::Cell {
        text: String::new(),
        value: CellValue::Blank,
    }
}

fn at_row(findings: &[Finding], row: &yusuan_core::Row) -> bool {
    findings.iter().any(|f| {
        f.locations
            .iter()
            .any(|l| l.line == row.span.line && l.end_line == row.span.end_line)
    })
}

/// Where a placed row's figures fit their identities in more than one placing, the columns
/// whose cell differs between those placings, by line: where such a figure is, there, is a
/// guess. A cell every fitting placing agrees on is not in doubt.
pub type Ambiguous = std::collections::BTreeMap<u32, Vec<ColumnRole>>;

pub fn ambiguous_rows(ctx: &Ctx, bases: &[Vec<Finding>]) -> Ambiguous {
    let mut out = Ambiguous::new();
    for (t, base) in ctx.doc.tables.iter().zip(bases) {
        if !t.rows.iter().any(|r| r.placed) {
            continue;
        }
        // One copy of the table, its row placed otherwise and put back in turn.
        let mut scratch = t.clone();
        for (ri, row) in t.rows.iter().enumerate() {
            if !row.placed || at_row(base, row) {
                continue;
            }
            let mut roles: Vec<ColumnRole> = Vec::new();
            let mut any = false;
            for to in other_patterns(t, &pattern(t, row)) {
                place(&mut scratch, ri, &to);
                let moved: Vec<ColumnRole> = scratch.rows[ri]
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| {
                        row.cells.get(*i).map(|o| o.text.as_str()) != Some(c.text.as_str())
                    })
                    .filter_map(|(i, _)| t.columns.get(i).map(|c| c.role))
                    .collect();
                // A placing that would put no new column in doubt need not be tried. Another
                // placing fits when it breaks nothing at the row nor anywhere else in the
                // table: one that makes a sum fail elsewhere is not a reading of this table.
                // A placing that breaks its own row's total cannot fit: the whole table is
                // checked only for the others.
                let untried = any && moved.iter().all(|r| roles.contains(r));
                let fits = !untried && !crate::table::row_fails(ctx, &scratch, ri) && {
                    let e = errors(ctx, &scratch);
                    !at_row(&e, row) && e.len() <= base.len()
                };
                scratch.rows[ri] = row.clone();
                if !fits {
                    continue;
                }
                any = true;
                for r in moved {
                    if !roles.contains(&r) {
                        roles.push(r);
                    }
                }
            }
            if any {
                out.entry(row.span.line).or_default().extend(roles);
            }
        }
    }
    out
}

fn has_amount(r: &yusuan_core::Row) -> bool {
    r.has_amount()
}

/// A row that reads like a label or page number: no name, only small whole numbers printed
/// without decimals, in a table whose other figures carry decimals.
fn label_like(t: &Table, row: &yusuan_core::Row) -> bool {
    let amounts: Vec<&yusuan_core::Cell> = row
        .cells
        .iter()
        .filter(|c| matches!(c.value, CellValue::Amount(_)))
        .collect();
    let named = row
        .cells
        .iter()
        .any(|c| !c.text.trim().is_empty() && !matches!(c.value, CellValue::Amount(_)));
    let small = !amounts.is_empty()
        && amounts.iter().all(|c| {
            let t = c.text.trim();
            t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit())
        });
    let decimals_elsewhere = t
        .rows
        .iter()
        .filter(|r| !std::ptr::eq(*r, row))
        .flat_map(|r| &r.cells)
        .any(|c| matches!(c.value, CellValue::Amount(_)) && c.text.contains('.'));
    small && !named && decimals_elsewhere
}

/// The tables whose reading is in doubt.
/// Each table's own errors as read (its identities), which the gate's questions start from.
pub fn base_errors(ctx: &Ctx) -> Vec<Vec<Finding>> {
    ctx.doc.tables.iter().map(|t| errors(ctx, t)).collect()
}

pub fn doubts(ctx: &Ctx, bases: &[Vec<Finding>]) -> Vec<Doubt> {
    let mut out = Vec::new();
    for ((ti, t), base) in ctx.doc.tables.iter().enumerate().zip(bases) {
        if base.is_empty() {
            continue;
        }
        let mut why: Vec<String> = Vec::new();
        // Rows whose figures fit their neighbours' columns.
        let mut moved: Vec<u32> = Vec::new();
        for (ri, row) in t.rows.iter().enumerate() {
            if !has_amount(row) {
                continue;
            }
            let fits = [true, false].iter().any(|&right| {
                let after = errors(ctx, &shifted(t, ri, right));
                after.len() < base.len()
                    && !after.iter().any(|f| {
                        f.locations
                            .iter()
                            .any(|l| l.line == row.span.line && l.end_line == row.span.end_line)
                    })
            });
            if fits {
                moved.push(row.span.line);
            }
        }
        if !moved.is_empty() {
            why.push(format!(
                "第{}行的金额错开一列后各项即相符，像是读入了相邻的列",
                moved
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let labels: Vec<u32> = t
            .rows
            .iter()
            .filter(|r| label_like(t, r))
            .map(|r| r.span.line)
            .collect();
        if !labels.is_empty() {
            why.push(format!(
                "第{}行只有没有名称的小整数，像是表号或页码被读成了数据行",
                labels
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let checkable = t.rows.iter().filter(|r| has_amount(r)).count();
        let failing: std::collections::BTreeSet<u32> = base
            .iter()
            .filter_map(|f| f.locations.first().map(|l| l.line))
            .collect();
        // Placed rows (figures put in columns by position) that another placing makes fit.
        let replaced: Vec<u32> = t
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.placed && !moved.contains(&r.span.line))
            .filter(|(ri, row)| {
                placings(t, *ri).iter().any(|t2| {
                    let after = errors(ctx, t2);
                    after.len() < base.len() && !at_row(&after, row)
                })
            })
            .map(|(_, r)| r.span.line)
            .collect();
        // The same move for a run of placed rows whose figures sit in the same columns: a
        // column of the table (on a page, under a 类) read one place over.
        let mut runs: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for (ri, r) in t.rows.iter().enumerate() {
            if !r.placed {
                continue;
            }
            let p = pattern(t, r);
            match runs.last_mut() {
                Some((q, rows)) if *q == p && rows.last() == Some(&(ri - 1)) => rows.push(ri),
                _ => runs.push((p, vec![ri])),
            }
        }
        let mut column_moved: Vec<u32> = Vec::new();
        'runs: for (from, run) in runs.iter().filter(|(_, rows)| rows.len() >= 2) {
            // Any stretch of the run (a page's or a 类's rows), longest first.
            for len in (2..=run.len()).rev() {
                for rows in run.windows(len) {
                    let fits = other_patterns(t, from).into_iter().any(|to| {
                        let mut t2 = t.clone();
                        for &ri in rows {
                            place(&mut t2, ri, &to);
                        }
                        errors(ctx, &t2).len() < base.len()
                    });
                    if fits {
                        column_moved.extend(rows.iter().map(|&ri| t.rows[ri].span.line));
                        continue 'runs;
                    }
                }
            }
        }
        if !column_moved.is_empty() {
            why.push(format!(
                "第{}行在文本中缺少空白单元格，金额按位置归列，整体换到相邻的列后各项更为相符，像是一列读错了位置",
                column_moved
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        if !replaced.is_empty() {
            why.push(format!(
                "第{}行在文本中缺少空白单元格，金额只能按位置归列，换一种归列后各项即相符",
                replaced
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        if why.is_empty() && failing.len() >= 3 && failing.len() * 2 >= checkable {
            why.push(format!(
                "{}行数据中有{}行的合计关系不成立，像是各列整体对错了位置",
                checkable,
                failing.len()
            ));
        }
        if !why.is_empty() {
            out.push(Doubt {
                table: ti,
                why: why.join("；"),
            });
        }
    }
    out
}

/// Whether a finding rests on the table's figures: a finding of figures (within a table,
/// across tables, narrative against tables, money units) that names it or points inside it.
/// What is missing or misnamed does not rest on figures.
fn rests_on(f: &Finding, t: &Table) -> bool {
    let of_figures = ["table.", "cross.", "text.", "final."]
        .iter()
        .any(|p| f.rule.starts_with(p))
        || f.rule == crate::consistency::MONEY_UNIT.id;
    let label = t.label();
    of_figures
        && f.locations.iter().any(|l| {
            l.table.as_deref() == Some(label.as_str())
                || (l.line >= t.span.line && l.line <= t.span.end_line)
        })
}

/// One `read.doubt` finding per table in doubt, and its errors and warnings kept as info; so
/// too a finding that rests on a figure put in its column by position alone.
pub fn apply(doc: &Document, doubts: &[Doubt], ambiguous: &Ambiguous, findings: &mut Vec<Finding>) {
    for d in doubts {
        let t = &doc.tables[d.table];
        let mut held = 0;
        for f in findings.iter_mut() {
            if f.severity != Severity::Info && f.rule != crate::READ_DOUBT.id && rests_on(f, t) {
                f.severity = Severity::Info;
                f.message = format!("（{}读取存疑，未作判定）{}", t.label(), f.message);
                held += 1;
            }
        }
        findings.push(Finding {
            rule: std::borrow::Cow::Borrowed(crate::READ_DOUBT.id),
            severity: crate::READ_DOUBT.severity_at(crate::Level::Violated),
            message: format!(
                "{}的读取可能有误：{}。据此表得出的{}项不一致未作为错误报告（列为提示），请对照原文核对该表",
                t.label(),
                d.why,
                held
            ),
            locations: vec![crate::Location::new(t.span, Some(t.label()))],
        });
    }
    // A location on such a line is in doubt unless it names a column no placing moved.
    let in_doubt = |l: &crate::Location| {
        ambiguous
            .get(&l.line)
            .is_some_and(|roles| l.column.is_none_or(|c| roles.contains(&c)))
    };
    for f in findings.iter_mut() {
        let on_placed = f.locations.iter().any(in_doubt);
        if f.severity != Severity::Info && f.rule != crate::READ_DOUBT.id && on_placed {
            f.severity = Severity::Info;
            f.message = format!(
                "（第{}行的金额在文本中按位置归列，换一种归列也相符，未作判定）{}",
                f.locations
                    .iter()
                    .find(|l| in_doubt(l))
                    .map(|l| l.line)
                    .unwrap_or_default(),
                f.message
            );
        }
    }
}
