//! Tab-separated rows (a table read from its drawn grid, a spreadsheet, text extracted with its
//! cells) to the profile's columns.
//!
//! Such rows keep every printed column, blank ones too, so a figure's column is known; but a
//! table prints columns the profile does not list: a code in three columns (类 | 款 | 项), a
//! second label column ("一般公共预算资金 | 小计"), an empty spacer. Each printed column is
//! classed by what it holds (a code, a label, amounts, nothing) and by its header, and the
//! profile's columns are matched to them class by class, in printed order. When the classes do
//! not match, the rows stay positional, as before.

use crate::lines::compact;
use yusuan_core::label::closes_block;
use yusuan_core::ColumnRole;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Nothing printed in it, not even a header.
    Spacer,
    Code,
    Label,
    Amount,
}

fn role_class(role: ColumnRole) -> Class {
    match role {
        ColumnRole::Code => Class::Code,
        ColumnRole::Name | ColumnRole::IncomeItem | ColumnRole::ExpItem | ColumnRole::UseItem => {
            Class::Label
        }
        _ => Class::Amount,
    }
}

/// The lowest header label printed in column `j` (a merged header prints its label in its
/// first column, so a column under it finds its own label lower down, or the group's).
fn leaf_label(header: &[Vec<String>], j: usize) -> String {
    header
        .iter()
        .rev()
        .find_map(|row| row.get(j).map(|t| compact(t)).filter(|t| !t.is_empty()))
        .unwrap_or_default()
}

fn is_amount_text(t: &str) -> bool {
    let t = t.trim_start_matches(['-', '－']);
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn is_blank_mark(t: &str) -> bool {
    matches!(t, "-" | "—" | "－" | "--" | "——" | "无" | "/")
}

/// The level labels a code column is headed by: printed in the header, or on the first body
/// row beside 合计 ("类 | 款 | 项 | 合计 | 2,946.25 …", a 决算's header fused with its total row).
fn is_level_label(t: &str) -> bool {
    matches!(t, "类" | "款" | "项")
}

fn classify(header: &[Vec<String>], body: &[Vec<String>], j: usize) -> Class {
    let leaf = leaf_label(header, j);
    let header_any = header
        .iter()
        .any(|row| row.get(j).is_some_and(|t| !t.trim().is_empty()));
    let values: Vec<String> = body
        .iter()
        .filter_map(|row| row.get(j).map(|t| compact(t)))
        .filter(|t| !t.is_empty() && !is_blank_mark(t) && !closes_block(t) && !is_level_label(t))
        .collect();
    let level_in_body = body
        .iter()
        .any(|row| row.get(j).is_some_and(|t| is_level_label(&compact(t))));
    if values.is_empty() && !header_any && !level_in_body {
        return Class::Spacer;
    }
    let code_header =
        is_level_label(&leaf) || level_in_body || leaf.contains("编码") || leaf.contains("代码");
    let digits = |t: &String| t.len() <= 7 && t.bytes().all(|b| b.is_ascii_digit());
    if code_header && values.iter().all(digits) {
        return Class::Code;
    }
    if values.iter().any(|t| !is_amount_text(t)) {
        Class::Label
    } else {
        Class::Amount
    }
}

/// For each of the profile's columns, the printed columns whose text it takes (a code printed
/// in pieces takes them all, joined). `None`: the printed columns already are the profile's
/// (as many, in order), or they cannot be matched and stay positional.
pub(crate) fn map_tabbed(
    header: &[Vec<String>],
    body: &[Vec<String>],
    roles: &[ColumnRole],
) -> Option<Vec<Vec<usize>>> {
    let width = header.iter().chain(body).map(Vec::len).max().unwrap_or(0);
    if roles.is_empty() || width == roles.len() {
        return None;
    }
    // Printed columns as logical ones: spacers dropped, adjacent code pieces joined.
    let mut logical: Vec<(Class, Vec<usize>)> = Vec::new();
    for j in 0..width {
        match classify(header, body, j) {
            Class::Spacer => {}
            Class::Code => match logical.last_mut() {
                Some((Class::Code, cols)) if cols.last() == Some(&(j - 1)) => cols.push(j),
                _ => logical.push((Class::Code, vec![j])),
            },
            c => logical.push((c, vec![j])),
        }
    }
    let mut map = vec![Vec::new(); roles.len()];
    for class in [Class::Code, Class::Label, Class::Amount] {
        let want: Vec<usize> = (0..roles.len())
            .filter(|&k| role_class(roles[k]) == class)
            .collect();
        let have: Vec<&Vec<usize>> = logical
            .iter()
            .filter(|(c, _)| *c == class)
            .map(|(_, cols)| cols)
            .collect();
        // A profile that names no code or label column takes the amounts alone.
        let ignorable = class != Class::Amount && want.is_empty();
        // One label the profile names, printed in adjacent columns ("一般公共预算资金 |
        // 小计"): one label, its pieces joined, as a code printed in pieces is.
        let adjacent = |cols: &[&Vec<usize>]| {
            logical
                .iter()
                .skip_while(|(_, c)| !std::ptr::eq(c, cols[0]))
                .take(cols.len())
                .all(|(c, _)| *c == class)
        };
        if class == Class::Label && want.len() == 1 && have.len() > 1 && adjacent(&have) {
            map[want[0]] = have.iter().flat_map(|c| c.iter().copied()).collect();
            continue;
        }
        if want.len() != have.len() && !ignorable {
            return None;
        }
        for (k, cols) in want.into_iter().zip(have) {
            map[k] = cols.clone();
        }
    }
    Some(map)
}

/// The texts of one row in the profile's columns. A code printed in pieces is joined; a 款 or
/// 项 piece is two digits, so one printed as "2" (a spreadsheet that dropped the leading zero)
/// is 02.
pub(crate) fn apply(map: &[Vec<usize>], cells: &[String]) -> Vec<String> {
    map.iter()
        .map(|cols| {
            let mut out = String::new();
            // A level label (类 / 款 / 项) printed in a code column is a header, not a code.
            let pieces = cols
                .iter()
                .filter_map(|&j| cells.get(j))
                .filter(|t| !(cols.len() > 1 && is_level_label(t.trim())));
            for (i, t) in pieces.enumerate() {
                let t = t.trim();
                if i > 0 && t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit()) && !out.is_empty()
                {
                    out.push('0');
                }
                out.push_str(t);
            }
            out
        })
        .collect()
}

/// A code printed in pieces with a 款 or 项 piece of one digit ("301", "2"), as printed
/// ("301 2"); `None` for a code printed whole or with two-digit pieces.
pub(crate) fn short_code(cols: &[usize], cells: &[String]) -> Option<String> {
    let pieces: Vec<&str> = cols
        .iter()
        .filter_map(|&j| cells.get(j))
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    (pieces.len() >= 2
        && pieces.iter().all(|t| digits(t))
        && pieces[1..].iter().any(|t| t.len() == 1))
    .then(|| pieces.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnRole::*;

    fn rows(rows: &[&str]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.split('|').map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn a_code_in_three_columns_is_one() {
        let header = rows(&[
            "项目||||一般公共预算支出||",
            "功能分类科目编码|||功能分类科目名称|合计|基本支出|项目支出",
            "类|款|项||||",
        ]);
        let body = rows(&[
            "204|||公共安全支出|87267272.44|16726725.44|70540547.00",
            "204|06|01|行政运行|16726725.44|16726725.44|0.00",
            "204|6|4|基层司法业务|21703947.00|0.00|21703947.00",
            "合计||||96282213.44|25741666.44|70540547.00",
        ]);
        let map = map_tabbed(&header, &body, &[Code, Name, Total, Basic, Project]);
        let map = map.expect("matched");
        assert_eq!(
            apply(&map, &body[1]),
            ["2040601", "行政运行", "16726725.44", "16726725.44", "0.00"]
        );
        assert_eq!(apply(&map, &body[2])[0], "2040604");
        assert_eq!(apply(&map, &body[3])[0], "合计");
    }

    #[test]
    fn extra_label_columns_and_spacers() {
        let header = rows(&["项目名称||金额|"]);
        let body = rows(&["收入总计||21,955.35|", "一般公共预算资金|小计|21,940.96|"]);
        let map = map_tabbed(&header, &body, &[Total]).expect("matched");
        assert_eq!(apply(&map, &body[1]), ["21,940.96"]);
        // Classes that do not match keep the rows positional.
        assert!(map_tabbed(&header, &body, &[Name, Total, Basic]).is_none());
        // One label printed in two columns is one, its pieces joined.
        let map = map_tabbed(&header, &body, &[IncomeItem, IncomeAmount]).expect("matched");
        assert_eq!(apply(&map, &body[1]), ["一般公共预算资金小计", "21,940.96"]);
    }
}
