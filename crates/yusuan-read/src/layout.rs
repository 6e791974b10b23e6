//! Space-aligned rows (`pdftotext -layout`, or our PDF reader's text) to the profile's columns.
//!
//! A blank cell leaves no trace in space-aligned text, so which column a figure belongs to is
//! decided by position. Column positions are learnt per table: from rows that fill every amount
//! column (their right edges: figures are right-aligned), else from the header's leaf labels
//! (their centres). Each row's figures are then matched to columns in order, allowing the whole
//! row to be shifted (pdftotext compresses some rows), at the least total distance.

use crate::lines::RawCell;
use crate::tables::is_code;
use yusuan_core::{Basis, ColumnRole};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Amount,
    /// Digits only: a code piece (201, 03) or a plain number.
    Int,
    Text,
}

#[derive(Clone, Debug)]
struct Tok {
    text: String,
    start: usize,
    end: usize,
    kind: Kind,
}

impl Tok {
    fn center(&self) -> f64 {
        (self.start + self.end) as f64 / 2.0
    }
}

/// A figure as printed in a table: digits with a decimal part of at most two, or thousands
/// separators; a leading minus allowed.
pub(crate) fn is_amount(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '－']);
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !first.is_ascii_digit()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return false;
    }
    match t.split_once('.') {
        Some((i, f)) => !i.is_empty() && !f.is_empty() && !f.contains('.') && f.len() <= 2,
        None => t.contains(','),
    }
}

fn width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Split cells into tokens: a figure is always its own token, even when only one space
/// separates it from its neighbour.
fn tokens(cells: &[RawCell]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    for cell in cells {
        if cell.text.is_empty() {
            continue;
        }
        let mut col = cell.start;
        let mut words: Vec<Tok> = Vec::new();
        for w in cell.text.split(' ') {
            if w.is_empty() {
                col += 1;
                continue;
            }
            let kind = if is_amount(w) {
                Kind::Amount
            } else if w.chars().all(|c| c.is_ascii_digit()) {
                Kind::Int
            } else {
                Kind::Text
            };
            let wd = width(w);
            words.push(Tok {
                text: w.to_string(),
                start: col,
                end: col + wd,
                kind,
            });
            col += wd + 1;
        }
        for w in words {
            match out.last_mut() {
                // Words of one cell that are both text stay one token ("PPT 等设计").
                Some(prev)
                    if prev.kind == Kind::Text
                        && w.kind == Kind::Text
                        && w.start <= prev.end + 1 =>
                {
                    prev.text.push(' ');
                    prev.text.push_str(&w.text);
                    prev.end = w.end;
                }
                _ => out.push(w),
            }
        }
    }
    out
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        0.0
    } else {
        v[v.len() / 2]
    }
}

/// Leaf labels of a header, built from the bottom line up: a label above that overlaps one
/// leaf by most of its width is the same column's label on two lines ("事业单位/经营收入"); one
/// that spans several leaves, or barely touches one, is a group label and is dropped; one over
/// no leaf labels a column of its own (merged cells print their label higher up).
fn header_leaves(header: &[Vec<RawCell>]) -> Vec<Tok> {
    let mut leaves: Vec<Tok> = Vec::new();
    for row in header.iter().rev() {
        for t in tokens(row) {
            let overlapping: Vec<usize> = (0..leaves.len())
                .filter(|&k| t.start < leaves[k].end && leaves[k].start < t.end)
                .collect();
            match overlapping.as_slice() {
                [] => leaves.push(t),
                [k] => {
                    let l = &mut leaves[*k];
                    let overlap = t.end.min(l.end) - t.start.max(l.start);
                    let narrower = (t.end - t.start).min(l.end - l.start).max(1);
                    if overlap * 2 >= narrower {
                        l.text = format!("{}{}", t.text, l.text);
                        l.start = l.start.min(t.start);
                        l.end = l.end.max(t.end);
                    }
                }
                _ => {}
            }
        }
    }
    leaves.sort_by_key(|l| l.start);
    leaves
}

fn is_item_header(s: &str) -> bool {
    ["项目", "名称", "科目", "编码"]
        .iter()
        .any(|k| s.contains(k))
        || matches!(s, "类" | "款" | "项" | "类款项")
}

/// Where each amount column is: right edges from full rows, or header centres.
enum Refs {
    RightEdges(Vec<f64>),
    Centers(Vec<f64>),
    None,
}

/// Every monotone match of `k` figures to `n` columns that keeps totals (a row printing a part
/// of a total prints the total), with its cost: the distance of `xs` to `refs` after the best
/// shift of the whole row (zero without references).
fn candidates(
    k: usize,
    n: usize,
    xs: Option<(&[f64], &[f64])>,
    totals: &[(usize, Vec<usize>)],
) -> Vec<(f64, Vec<usize>)> {
    let mut out = Vec::new();
    if k == 0 || k > n {
        return out;
    }
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        let keeps_totals = !totals
            .iter()
            .any(|(t, parts)| !pick.contains(t) && parts.iter().any(|p| pick.contains(p)));
        if keeps_totals {
            let cost = match xs {
                Some((xs, refs)) => {
                    let mut offs: Vec<f64> =
                        pick.iter().zip(xs).map(|(&j, &x)| x - refs[j]).collect();
                    let shift = median(&mut offs);
                    pick.iter()
                        .zip(xs)
                        .map(|(&j, &x)| (x - refs[j] - shift).abs())
                        .sum::<f64>()
                        + 0.25 * shift.abs()
                }
                None => 0.0,
            };
            out.push((cost, pick.clone()));
        }
        // Next combination of k out of n, in lexicographic order.
        let mut i = k;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if pick[i] < n - k + i {
                break;
            }
        }
        pick[i] += 1;
        for j in i + 1..k {
            pick[j] = pick[j - 1] + 1;
        }
    }
}

/// How many totals of the row would not equal the sum of their direct parts (the parts not
/// inside another total that is itself a part: 三公 合计 = 出国 + 接待 + 小计, not + 购置).
fn violations(values: &[Option<i64>], totals: &[(usize, Vec<usize>)]) -> usize {
    totals
        .iter()
        .filter(|(t, parts)| {
            let inner: Vec<usize> = totals
                .iter()
                .filter(|(o, _)| parts.contains(o))
                .flat_map(|(_, p)| p.iter().copied())
                .collect();
            let sum: i64 = parts
                .iter()
                .filter(|p| !inner.contains(p))
                .filter_map(|&p| values[p])
                .sum();
            values[*t].unwrap_or(0) != sum
        })
        .count()
}

/// Columns that add up to a row's 总计: spending by kind, and income by source.
fn is_part(role: ColumnRole) -> bool {
    use ColumnRole::*;
    matches!(
        role,
        Basic
            | Project
            | Personnel
            | PublicUse
            | Reserve
            | CarryOver
            | GeneralBudget
            | GovFund
            | StateCapital
            | Fiscal
            | SpecialAccount
            | ServiceIncome
            | SuperiorSubsidy
            | SubordinateIncome
            | OperatingIncome
            | OtherIncome
            | Abroad
            | Reception
            | CarSubtotal
            | CarPurchase
            | CarOperation
    )
}

/// Align space-aligned data rows to `roles`: one string per role (blank where nothing printed).
#[cfg(test)]
pub(crate) fn align(
    header: &[Vec<RawCell>],
    rows: &[Vec<RawCell>],
    roles: &[ColumnRole],
) -> Vec<Vec<String>> {
    align_rows(header, rows, roles, &vec![Basis::Own; roles.len()])
        .into_iter()
        .map(|r| r.cells)
        .collect()
}

/// A table printed as `blocks` copies of `roles` side by side (the 决算 基本支出 table: 人员经费
/// on the left, 公用经费 on the right): each row's tokens go to their blocks (a block ends with
/// its figure; a row printing fewer figures than blocks goes by where each figure stands under
/// the header's amount labels, and a label without a figure by the nearest name label), each
/// block is aligned as a table of its own, and the blocks' cells are put side by side
/// (`blocks × roles.len()` per row).
pub(crate) fn align_blocks(
    header: &[Vec<RawCell>],
    rows: &[Vec<RawCell>],
    roles: &[ColumnRole],
    blocks: usize,
) -> Vec<Aligned> {
    let leaves = header_leaves(header);
    let is_name = |t: &Tok| t.text.contains("名称");
    let is_code_label =
        |t: &Tok| t.text.contains("编码") || t.text.contains("分类") || t.text.chars().count() == 1;
    let name_x: Vec<f64> = leaves
        .iter()
        .filter(|t| is_name(t))
        .map(Tok::center)
        .collect();
    let code_x: Vec<f64> = leaves
        .iter()
        .filter(|t| !is_name(t) && (t.text.contains("编码") || t.text.contains("分类")))
        .map(Tok::center)
        .collect();
    let amount_x: Vec<f64> = leaves
        .iter()
        .filter(|t| !is_name(t) && !is_code_label(t))
        .map(Tok::center)
        .collect();
    let nearest = |refs: &[f64], x: f64| -> Option<usize> {
        (refs.len() == blocks).then(|| {
            (0..refs.len())
                .min_by(|&a, &b| (refs[a] - x).abs().total_cmp(&(refs[b] - x).abs()))
                .unwrap_or(0)
        })
    };
    let mut per_block: Vec<Vec<Vec<RawCell>>> = vec![Vec::with_capacity(rows.len()); blocks];
    for row in rows {
        let toks = split_glued_codes(tokens(row));
        // Runs that end with a figure, then what is left.
        let mut groups: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in toks {
            let ends = t.kind == Kind::Amount;
            if let Some(g) = groups.last_mut() {
                g.push(t);
            }
            if ends {
                groups.push(Vec::new());
            }
        }
        let figured: Vec<Vec<Tok>> = groups
            .iter()
            .filter(|g| g.last().is_some_and(|t| t.kind == Kind::Amount))
            .cloned()
            .collect();
        let loose: Vec<Tok> = groups
            .into_iter()
            .filter(|g| !g.last().is_some_and(|t| t.kind == Kind::Amount))
            .flatten()
            .collect();
        let mut cells: Vec<Vec<Tok>> = vec![Vec::new(); blocks];
        let by_place: Option<Vec<usize>> = figured
            .iter()
            .map(|g| g.last().and_then(|t| nearest(&amount_x, t.center())))
            .collect();
        let places = match by_place {
            // Each figure under its own block's amount label.
            Some(p) if p.windows(2).all(|w| w[0] < w[1]) => p,
            // Otherwise in order, when there is one figure per block.
            _ if figured.len() == blocks => (0..blocks).collect(),
            _ => (0..figured.len().min(blocks)).collect(),
        };
        for (g, b) in figured.into_iter().zip(places) {
            cells[b].extend(g);
        }
        // A code without its figure goes by the nearest code label; a name piece to the block
        // whose figures it stands before (a block prints code, name, figure, so a name right
        // of one block's figures is the next block's), as pdftotext shifts a line that prints
        // nothing on the left.
        for t in loose {
            let b = if t.kind == Kind::Int {
                nearest(&code_x, t.center())
            } else {
                (amount_x.len() == blocks).then(|| {
                    amount_x
                        .iter()
                        .filter(|&&x| x < t.start as f64)
                        .count()
                        .min(blocks - 1)
                })
            };
            let b = b
                .or_else(|| nearest(&name_x, t.center()))
                .unwrap_or(blocks - 1);
            cells[b].push(t);
        }
        for (b, toks) in cells.into_iter().enumerate() {
            let mut toks = toks;
            toks.sort_by_key(|t| t.start);
            per_block[b].push(
                toks.into_iter()
                    .map(|t| RawCell {
                        text: t.text,
                        start: t.start,
                        end: t.end,
                    })
                    .collect(),
            );
        }
    }
    let bases = vec![Basis::Own; roles.len()];
    let aligned: Vec<Vec<Aligned>> = per_block
        .iter()
        .map(|rows| align_rows(&[], rows, roles, &bases))
        .collect();
    (0..rows.len())
        .map(|i| {
            let mut cells = Vec::with_capacity(blocks * roles.len());
            let mut short_code = None;
            for block in &aligned {
                if let Some(a) = block.get(i) {
                    cells.extend(a.cells.iter().cloned());
                    short_code = short_code.or_else(|| a.short_code.clone());
                } else {
                    cells.extend(std::iter::repeat_n(String::new(), roles.len()));
                }
            }
            Aligned { cells, short_code }
        })
        .collect()
}

/// "310资本性支出": a code printed against its name, as two tokens.
fn split_glued_codes(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        let digits = t.text.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &t.text[digits..];
        let glued = t.kind == Kind::Text
            && (3..=7).contains(&digits)
            && rest.chars().next().is_some_and(|c| !c.is_ascii());
        if !glued {
            out.push(t);
            continue;
        }
        out.push(Tok {
            text: t.text[..digits].to_string(),
            start: t.start,
            end: t.start + digits,
            kind: Kind::Int,
        });
        out.push(Tok {
            text: rest.to_string(),
            start: t.start + digits,
            end: t.end,
            kind: Kind::Text,
        });
    }
    out
}

/// One aligned row: a string per role, and the code as printed when a 款 or 项 part of it was
/// printed with one digit ("301 2", read as 30102).
pub(crate) struct Aligned {
    pub(crate) cells: Vec<String>,
    pub(crate) short_code: Option<String>,
}

/// [`align`], with what each row's code looked like where it was printed short.
pub(crate) fn align_rows(
    header: &[Vec<RawCell>],
    rows: &[Vec<RawCell>],
    roles: &[ColumnRole],
    bases: &[Basis],
) -> Vec<Aligned> {
    let amount_cols: Vec<usize> = (0..roles.len()).filter(|&i| roles[i].is_amount()).collect();
    let item_cols: Vec<usize> = (0..roles.len())
        .filter(|&i| {
            matches!(
                roles[i],
                ColumnRole::IncomeItem | ColumnRole::ExpItem | ColumnRole::UseItem
            )
        })
        .collect();
    let code_col = roles.iter().position(|r| *r == ColumnRole::Code);
    let name_col = roles.iter().position(|r| *r == ColumnRole::Name);
    let toks: Vec<Vec<Tok>> = rows.iter().map(|r| tokens(r)).collect();
    // Figures: amounts, and whole numbers ("25", "0") except a coded row's leading code.
    let is_figure = |ts: &[Tok], i: usize| -> bool {
        match ts[i].kind {
            Kind::Amount => true,
            Kind::Text => false,
            Kind::Int => code_col.is_none() || ts[..i].iter().any(|t| t.kind != Kind::Int),
        }
    };
    let amounts = |ts: &[Tok]| -> Vec<Tok> {
        (0..ts.len())
            .filter(|&i| is_figure(ts, i))
            .map(|i| ts[i].clone())
            .collect()
    };
    // Column references.
    let leaves = header_leaves(header);
    let refs = {
        let full: Vec<Vec<Tok>> = toks
            .iter()
            .map(|t| amounts(t))
            .filter(|a| a.len() == amount_cols.len() && !a.is_empty())
            .collect();
        if !full.is_empty() {
            Refs::RightEdges(
                (0..amount_cols.len())
                    .map(|j| median(&mut full.iter().map(|a| a[j].end as f64).collect::<Vec<_>>()))
                    .collect(),
            )
        } else {
            let amount_leaves: Vec<&Tok> =
                leaves.iter().filter(|l| !is_item_header(&l.text)).collect();
            if amount_leaves.len() >= amount_cols.len() && !amount_cols.is_empty() {
                let take = &amount_leaves[amount_leaves.len() - amount_cols.len()..];
                Refs::Centers(take.iter().map(|l| l.center()).collect())
            } else {
                Refs::None
            }
        }
    };
    // Amount columns that total others (by index among the amount columns): 总计 of 基本/项目 or
    // of the sources, 三公 合计 of its parts, 小计 of 购置/运行; a 预算数 column totals 预算数
    // columns (the 三公 决算 table's pairs).
    let basis = |c: usize| bases.get(c).copied().unwrap_or_default();
    let cols = &amount_cols;
    let totals: Vec<(usize, Vec<usize>)> = amount_cols
        .iter()
        .enumerate()
        .filter_map(|(j, &c)| {
            let after = || (j + 1..cols.len()).filter(move |&k| basis(cols[k]) == basis(c));
            let parts: Vec<usize> = match roles[c] {
                ColumnRole::Total => after()
                    .filter(|&k| is_part(roles[amount_cols[k]]))
                    .collect(),
                ColumnRole::CarSubtotal => after()
                    .filter(|&k| {
                        matches!(
                            roles[amount_cols[k]],
                            ColumnRole::CarPurchase | ColumnRole::CarOperation
                        )
                    })
                    .collect(),
                _ => return None,
            };
            Some((j, parts))
        })
        .collect();
    let item_centers: Vec<f64> = leaves
        .iter()
        .filter(|l| l.text.ends_with("项目") || l.text.ends_with("名称"))
        .map(Tok::center)
        .collect();
    toks.iter()
        .map(|ts| {
            let mut out = vec![String::new(); roles.len()];
            let mut short_code: Option<String> = None;
            // Figures.
            let am = amounts(ts);
            let xs: Vec<f64> = match &refs {
                Refs::RightEdges(_) => am.iter().map(|t| t.end as f64).collect(),
                _ => am.iter().map(Tok::center).collect(),
            };
            let geometry = match &refs {
                Refs::RightEdges(r) | Refs::Centers(r) => Some((xs.as_slice(), r.as_slice())),
                Refs::None => None,
            };
            let mut cands = candidates(am.len(), amount_cols.len(), geometry, &totals);
            // Among the matches the geometry cannot tell apart (within three columns of the
            // best), the one whose totals add up is the reading; then the closest.
            let best = cands.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
            cands.retain(|c| c.0 <= best + 3.0);
            let fen: Vec<Option<i64>> = am
                .iter()
                .map(|t| {
                    yusuan_core::Amount::parse(&t.text, yusuan_core::MoneyUnit::Yuan)
                        .ok()
                        .map(|a| a.fen)
                })
                .collect();
            let misfit = |pick: &[usize]| {
                let mut v = vec![None; amount_cols.len()];
                for (&j, f) in pick.iter().zip(&fen) {
                    v[j] = *f;
                }
                violations(&v, &totals)
            };
            // Where position cannot tell a 公务用车 figure's column, running costs are the
            // likelier reading: a purchase is rare and printed beside its running costs.
            let prior = |pick: &[usize]| -> f64 {
                let buys = pick
                    .iter()
                    .any(|&j| roles[amount_cols[j]] == ColumnRole::CarPurchase);
                if buys {
                    2.5
                } else {
                    0.0
                }
            };
            let cols = cands
                .into_iter()
                .min_by(|a, b| {
                    misfit(&a.1)
                        .cmp(&misfit(&b.1))
                        .then((a.0 + prior(&a.1)).total_cmp(&(b.0 + prior(&b.1))))
                })
                .map(|c| c.1)
                .unwrap_or_else(|| (0..am.len().min(amount_cols.len())).collect());
            for (t, j) in am.iter().zip(cols) {
                if let Some(&c) = amount_cols.get(j) {
                    out[c] = t.text.clone();
                }
            }
            // Labels.
            let rest: Vec<&Tok> = (0..ts.len())
                .filter(|&i| !is_figure(ts, i))
                .map(|i| &ts[i])
                .collect();
            if let Some(cc) = code_col {
                let mut code = String::new();
                let mut printed: Vec<&str> = Vec::new();
                let mut padded = false;
                let mut i = 0;
                while i < rest.len() && rest[i].kind == Kind::Int && code.len() < 7 {
                    // 款 and 项 are two digits; some tables drop the leading zero ("301 2").
                    let piece = &rest[i].text;
                    if i > 0 && piece.len() == 1 {
                        code.push('0');
                        padded = true;
                    }
                    code.push_str(piece);
                    printed.push(piece);
                    i += 1;
                }
                if is_code(&code) {
                    if padded {
                        short_code = Some(printed.join(" "));
                    }
                    out[cc] = code;
                } else {
                    i = 0;
                }
                let name: String = rest[i..]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join("");
                match name_col {
                    Some(nc) => out[nc] = name,
                    None => out[cc] = name,
                }
            } else if !item_cols.is_empty() {
                // Runs of labels, each to the nearest item column of the header.
                let mut groups: Vec<(f64, String)> = Vec::new();
                let mut last_end = 0;
                for (i, t) in ts.iter().enumerate() {
                    if is_figure(ts, i) {
                        last_end = usize::MAX;
                        continue;
                    }
                    match groups.last_mut() {
                        Some(g) if last_end != usize::MAX && t.start <= last_end + 3 => {
                            g.1.push_str(&t.text);
                        }
                        _ => groups.push((t.start as f64, t.text.clone())),
                    }
                    last_end = t.end;
                }
                for (k, (start, text)) in groups.into_iter().enumerate() {
                    let side = if item_centers.len() >= item_cols.len() {
                        let centers = &item_centers[item_centers.len() - item_cols.len()..];
                        // Labels are left-aligned under centred headers: compare starts with the
                        // midpoints between header centres.
                        (1..centers.len())
                            .rev()
                            .find(|&s| start + 4.0 >= (centers[s - 1] + centers[s]) / 2.0)
                            .unwrap_or(0)
                    } else {
                        k.min(item_cols.len() - 1)
                    };
                    let c = item_cols[side];
                    if out[c].is_empty() {
                        out[c] = text;
                    } else {
                        out[c].push_str(&text);
                    }
                }
            }
            Aligned {
                cells: out,
                short_code,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::split_lines;

    fn cells(s: &str) -> Vec<RawCell> {
        split_lines(s)[0].cells()
    }

    #[test]
    fn figures_go_to_their_columns_by_position() {
        let header = vec![cells(
            "  类 款 项   名称                合计         基本支出         项目支出",
        )];
        let rows = vec![
            cells(" 201 03 01   行政运行       12,029,501.84    11,919,501.84       110,000.00"),
            cells(" 201 03 02   一般行政管理   46,140,000.00                     46,140,000.00"),
            cells(" 208         社会保障     4,213,779.28    4,213,779.28"),
        ];
        let roles = [
            ColumnRole::Code,
            ColumnRole::Name,
            ColumnRole::Total,
            ColumnRole::Basic,
            ColumnRole::Project,
        ];
        let out = align(&header, &rows, &roles);
        assert_eq!(
            out[0],
            [
                "2010301",
                "行政运行",
                "12,029,501.84",
                "11,919,501.84",
                "110,000.00"
            ]
        );
        assert_eq!(
            out[1],
            [
                "2010302",
                "一般行政管理",
                "46,140,000.00",
                "",
                "46,140,000.00"
            ]
        );
        // Shifted row (pdftotext compresses): still total and basic.
        assert_eq!(
            out[2],
            ["208", "社会保障", "4,213,779.28", "4,213,779.28", ""]
        );
    }

    #[test]
    fn two_sided_rows_split_by_header_items() {
        let header = vec![cells(
            "        项目            预算数                  项目          预算数",
        )];
        let rows = vec![
            cells("一、财政拨款收入     91,016,775.35 一、一般公共服务支出     82,096,797.42"),
            cells("2.  政府性基金                   三、卫生健康支出          1,097,073.43"),
            cells("                                四、住房保障支出          3,609,125.22"),
        ];
        let roles = [
            ColumnRole::IncomeItem,
            ColumnRole::IncomeAmount,
            ColumnRole::ExpItem,
            ColumnRole::Total,
        ];
        let out = align(&header, &rows, &roles);
        assert_eq!(
            out[0],
            [
                "一、财政拨款收入",
                "91,016,775.35",
                "一、一般公共服务支出",
                "82,096,797.42"
            ]
        );
        assert_eq!(
            out[1],
            ["2.政府性基金", "", "三、卫生健康支出", "1,097,073.43"]
        );
        assert_eq!(out[2], ["", "", "四、住房保障支出", "3,609,125.22"]);
    }

    #[test]
    fn amounts_and_codes() {
        assert!(
            is_amount("1,234.50")
                && is_amount("12,345")
                && is_amount("0.5")
                && !is_amount("201")
                && !is_amount("1.")
        );
    }
}
