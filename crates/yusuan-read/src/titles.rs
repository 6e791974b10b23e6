//! Table titles in every numbering style, and where each table starts.
//!
//! A title names what the table is ("收支预算总表", "一般公共预算“三公”经费支出表"); around it a
//! document may print a label or a number: "表一", "表3-1", "附表2", "公开 01 表：", "公开表一",
//! "一、", "（一）", "1.", "1、"; the label on the title's line, on a line of its own before the
//! title, or after it; a year or the unit's name inside the title; the title wrapped over two
//! lines ("…培训费支出预算" / "表"). A label is never a row of the table and never part of a name.
//!
//! A table of contents lists the same titles: an entry is followed by the next entry (or by dot
//! leaders), a title by its table (a unit line, a header or the grid's rows), so only the latter
//! starts a table.

use crate::lines::{compact, Line};
use crate::profile::Profile;
use crate::tables::chinese_number;

/// Where a table starts: its label and/or its title line.
#[derive(Clone, Debug)]
pub(crate) struct TableStart {
    /// Index into the line slice of the first line of the table (label or title).
    pub first: usize,
    /// Index of the first body line (after the title and its label).
    pub body: usize,
    /// The printed label: "表一", "公开01表", "附表2".
    pub number: Option<String>,
    /// The table's number in its document's order, from a label or a list prefix ("一、").
    pub ordinal: Option<u32>,
    pub title: String,
}

/// A number printed as Chinese numerals or digits.
fn numeral(s: &str) -> Option<(u32, usize)> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return Some((digits.parse().ok()?, digits.len()));
    }
    let chinese: String = s
        .chars()
        .take_while(|c| "零一二三四五六七八九十".contains(*c))
        .collect();
    if chinese.is_empty() {
        return None;
    }
    Some((chinese_number(&chinese)?, chinese.len()))
}

/// A label at the start of a compact line, and the rest of the line after it (and after a
/// colon or a dash): `(label, ordinal, rest)`. A list prefix ("一、", "（一）", "1.") gives an
/// ordinal and no label.
pub(crate) fn split_label(c: &str) -> (Option<String>, Option<u32>, &str) {
    let seps: &[char] = &['：', ':', '、', '.', '．', ' '];
    // "公开01表" / "公开表一" / "附表2" / "表3-1" / "表一".
    let labelled = if let Some(r) = c.strip_prefix("公开") {
        match r.strip_prefix('表') {
            Some(r) => numeral(r).map(|(n, len)| (n, &r[len..])),
            None => numeral(r).and_then(|(n, len)| r[len..].strip_prefix('表').map(|a| (n, a))),
        }
    } else if let Some(r) = c.strip_prefix("附表").or_else(|| c.strip_prefix('表')) {
        numeral(r).map(|(n, len)| {
            let after = &r[len..];
            // "表3-1": a sub-table.
            let after = after
                .strip_prefix(['-', '－'])
                .and_then(|sub| numeral(sub).map(|(_, l)| &sub[l..]))
                .unwrap_or(after);
            (n, after)
        })
    } else {
        None
    };
    if let Some((n, after)) = labelled {
        let label = &c[..c.len() - after.len()];
        let after = after.trim_start_matches(seps);
        // "表明…" is a word, not a label: a bare 表 label stands alone or precedes a title.
        let bare = !c.starts_with("公开") && !c.starts_with("附表");
        if after.is_empty() || after.contains('表') || !bare {
            return (Some(label.to_string()), Some(n), after);
        }
    }
    // List prefixes.
    if let Some(inner) = c.strip_prefix(['（', '(']) {
        if let Some((n, len)) = numeral(inner) {
            if let Some(rest) = inner[len..].strip_prefix(['）', ')']) {
                return (None, Some(n), rest);
            }
        }
    }
    if let Some((n, len)) = numeral(c) {
        let rest = &c[len..];
        // "2018年…" is a year, not a number.
        if !rest.starts_with('年') {
            if let Some(r) = rest.strip_prefix(['、', '.', '．']) {
                return (None, Some(n), r);
            }
        }
    }
    (None, None, c)
}

/// Whether the text (compact, label removed) is shaped like a table title: it ends with 表
/// (or 表（…）), short, no sentence punctuation.
fn title_shaped(t: &str) -> bool {
    let ends = t.ends_with('表')
        || ((t.ends_with('）') || t.ends_with(')')) && (t.contains("表（") || t.contains("表(")));
    ends && t.chars().count() <= 60 && !t.contains(['。', '，', '；', '…', ';', ',', '《', '》'])
}

/// Whether the text reads as a table title the profile knows.
fn is_title_text(t: &str, profile: &Profile) -> bool {
    title_shaped(t) && profile.table_for_title(t).is_some()
}

/// A line that can hold a title: text (spaced out or not), or a grid row with one filled
/// cell (a title row spanning the grid).
fn one_cell(line: &Line) -> bool {
    !line.is_tabbed() || line.cells().iter().filter(|c| !c.text.is_empty()).count() == 1
}

fn next_filled(lines: &[Line], from: usize, limit: usize) -> Option<usize> {
    (from..lines.len().min(limit)).find(|&j| !lines[j].is_blank())
}

/// The title text starting at line `i`: the line itself, or joined with the next line when the
/// title wraps. Returns the title and the index after its last line.
fn title_text_at(
    lines: &[Line],
    i: usize,
    text: &str,
    profile: &Profile,
) -> Option<(String, usize)> {
    if is_title_text(text, profile) {
        return Some((text.to_string(), i + 1));
    }
    // Wrapped: a short line without sentence punctuation that does not end as a title would,
    // then a short line that ends the title (and is neither a label nor a title of its own).
    if text.is_empty()
        || text.chars().count() > 40
        || text.ends_with('表')
        || text.contains(['。', '，', '；', '…', '：', ':', ';', ',', '《', '》'])
    {
        return None;
    }
    let j = next_filled(lines, i + 1, i + 3)?;
    if !one_cell(&lines[j]) {
        return None;
    }
    let next = lines[j].compact();
    if split_label(&next) != (None, None, next.as_str()) || is_title_text(&next, profile) {
        return None;
    }
    let joined = format!("{text}{next}");
    (next.chars().count() <= 20 && is_title_text(&joined, profile)).then_some((joined, j + 1))
}

/// A table title (with its label) starting at line `i`.
fn title_at(lines: &[Line], i: usize, profile: &Profile) -> Option<TableStart> {
    let line = &lines[i];
    if !one_cell(line) {
        return None;
    }
    let c = line.compact();
    let (label, ordinal, rest) = split_label(&c);
    // A labelled title the profile does not know is still a table (of unknown kind).
    let labelled_unknown =
        |j: usize, t: &str| (label.is_some() && title_shaped(t)).then(|| (t.to_string(), j + 1));
    let (title, mut body) = if rest.is_empty() {
        // A label on its own line: the title follows (a page number may come between).
        label.as_ref()?;
        let j = (i + 1..lines.len().min(i + 10)).find(|&j| {
            !lines[j].is_blank() && !crate::lines::is_page_number(&lines[j].compact())
        })?;
        if !one_cell(&lines[j]) {
            return None;
        }
        let t = lines[j].compact();
        let (_, _, t) = split_label(&t);
        title_text_at(lines, j, t, profile).or_else(|| labelled_unknown(j, t))?
    } else {
        title_text_at(lines, i, rest, profile).or_else(|| labelled_unknown(i, rest))?
    };
    let mut start = TableStart {
        first: i,
        body,
        number: label,
        ordinal,
        title,
    };
    // A label printed under its title ("收支预算总表" / "公开表一").
    if start.number.is_none() {
        if let Some(j) = next_filled(lines, body, body + 3) {
            let c = lines[j].compact();
            if let (Some(label), n, "") = split_label(&c) {
                let followed_by_title = next_filled(lines, j + 1, j + 4)
                    .is_some_and(|k| title_at_text(lines, k, profile));
                if !followed_by_title && one_cell(&lines[j]) {
                    start.number = Some(label);
                    start.ordinal = n;
                    body = j + 1;
                    start.body = body;
                }
            }
        }
    }
    Some(start)
}

/// Whether line `k` starts a title (for telling a label's table apart).
fn title_at_text(lines: &[Line], k: usize, profile: &Profile) -> bool {
    let c = lines[k].compact();
    let (_, _, rest) = split_label(&c);
    !rest.is_empty() && title_text_at(lines, k, rest, profile).is_some()
}

/// What follows a title: its table (a unit line, grid rows, a header of several cells), or
/// more titles (a table of contents).
fn has_table_after(lines: &[Line], body: usize, profile: &Profile) -> bool {
    let mut seen = 0;
    let mut j = body;
    while j < lines.len() && seen < 6 {
        let line = &lines[j];
        j += 1;
        if line.is_blank() {
            continue;
        }
        seen += 1;
        if title_at(lines, j - 1, profile).is_some() {
            return false;
        }
        let c = line.compact();
        if line.is_tabbed()
            || c.contains("单位：")
            || c.contains("单位:")
            || line.cells().iter().filter(|c| !c.text.is_empty()).count() >= 2
        {
            return true;
        }
    }
    false
}

/// Whether a unit line or a grid row comes right after a title (within three lines).
fn unit_or_grid_after(lines: &[Line], body: usize) -> bool {
    lines[body.min(lines.len())..]
        .iter()
        .filter(|l| !l.is_blank())
        .take(3)
        .any(|l| {
            let c = l.compact();
            l.is_tabbed() || c.contains("单位：") || c.contains("单位:")
        })
}

pub(crate) fn find_table_starts(lines: &[Line], profile: &Profile) -> Vec<TableStart> {
    let mut candidates: Vec<TableStart> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trimmed();
        // Only a line that holds 表, a label, or the first half of a wrapped title can open a
        // table.
        if !t.contains('表') {
            let c = compact(t);
            let label_only = matches!(split_label(&c), (Some(_), _, ""));
            if !label_only && (c.chars().count() > 40 || c.contains(['。', '，'])) {
                i += 1;
                continue;
            }
        }
        match title_at(lines, i, profile) {
            Some(start) => {
                i = start.body;
                candidates.push(start);
            }
            None => i += 1,
        }
    }
    // Titles one right after another are a table of contents (its entries have no tables),
    // unless a unit line or a grid follows.
    let adjacent = |a: &TableStart, b: &TableStart| {
        (a.body..b.first).all(|j| lines.get(j).is_none_or(|l| l.is_blank()))
    };
    let toc: Vec<bool> = (0..candidates.len())
        .map(|k| {
            let prev = k > 0 && adjacent(&candidates[k - 1], &candidates[k]);
            let next = candidates
                .get(k + 1)
                .is_some_and(|n| adjacent(&candidates[k], n));
            (prev || next) && !unit_or_grid_after(lines, candidates[k].body)
        })
        .collect();
    let mut starts: Vec<TableStart> = Vec::new();
    for (start, toc) in candidates.into_iter().zip(toc) {
        // A numbered template's unnumbered titles count once its numbered tables have begun
        // (before that they are the narrative's references).
        let numbered_ok = start.number.is_some() || !starts.is_empty() || !profile.numbered_tables;
        if !toc && numbered_ok && has_table_after(lines, start.body, profile) {
            starts.push(start);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_every_style() {
        let cases = [
            ("表一", Some("表一"), Some(1), ""),
            (
                "表一2025年财政拨款收支总表",
                Some("表一"),
                Some(1),
                "2025年财政拨款收支总表",
            ),
            ("表3-1部门收支总表", Some("表3-1"), Some(3), "部门收支总表"),
            ("附表2：收入总表", Some("附表2"), Some(2), "收入总表"),
            (
                "公开01表：收支预算总表",
                Some("公开01表"),
                Some(1),
                "收支预算总表",
            ),
            ("公开09表", Some("公开09表"), Some(9), ""),
            ("公开表十一", Some("公开表十一"), Some(11), ""),
            ("一、收支预算总表", None, Some(1), "收支预算总表"),
            ("（二）收入预算总表", None, Some(2), "收入预算总表"),
            ("3.支出预算总表", None, Some(3), "支出预算总表"),
            ("2018年收支预算总表", None, None, "2018年收支预算总表"),
            ("表明本单位无收入", None, None, "表明本单位无收入"),
        ];
        for (text, label, ordinal, rest) in cases {
            let (l, o, r) = split_label(text);
            assert_eq!((l.as_deref(), o, r), (label, ordinal, rest), "{text}");
        }
    }
}
