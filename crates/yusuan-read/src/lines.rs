//! Source lines and cells: the common ground of the text readers.
//!
//! Two text forms reach us: text extracted with cells separated by tabs (blank cells kept as
//! empty fields) and `pdftotext -layout` output (cells separated by runs of spaces, pages by
//! form feeds). Both become [`Line`]s whose cells carry their display column, so that tables can
//! be assembled by position when the separators lost blank cells.

use unicode_width::UnicodeWidthChar;

/// One source line.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    /// 1-based line number.
    pub no: u32,
    /// 1-based page when the text marks pages (form feeds), else `None`.
    pub page: Option<u32>,
    pub raw: &'a str,
}

impl<'a> Line<'a> {
    pub fn trimmed(&self) -> &'a str {
        self.raw
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
    }

    pub fn is_blank(&self) -> bool {
        self.trimmed().is_empty()
    }

    pub fn is_tabbed(&self) -> bool {
        self.raw.contains('\t')
    }

    /// The line without any white space, for matching titles and markers.
    pub fn compact(&self) -> String {
        compact(self.raw)
    }

    /// Cells with their display columns: split on tabs when the line has any (every field kept,
    /// blank ones too), otherwise on runs of two or more spaces.
    pub fn cells(&self) -> Vec<RawCell> {
        split_cells(self.raw)
    }
}

/// A cell as printed, with its display columns (start inclusive, end exclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCell {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Split text into lines, tracking pages by form feeds.
pub fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut page = if text.contains('\u{c}') {
        Some(1)
    } else {
        None
    };
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let mut raw = raw.strip_suffix('\r').unwrap_or(raw);
        while let Some(rest) = raw.strip_prefix('\u{c}') {
            page = page.map(|p| p + 1);
            raw = rest;
        }
        out.push(Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            page,
            raw,
        });
    }
    // A trailing newline makes an empty last line; keep numbering but drop it.
    if out.last().is_some_and(|l| l.raw.is_empty()) {
        out.pop();
    }
    out
}

/// A page number as printed at the foot of a page: "3", "- 3 -", "— 3 —", "─ 3 ─", "第3页".
pub fn is_page_number(text: &str) -> bool {
    let bare = text.trim_matches(|c: char| {
        matches!(c, '-' | '—' | '－' | '─' | '–' | '━') || c.is_whitespace()
    });
    let digits = bare
        .strip_prefix('第')
        .and_then(|b| b.strip_suffix('页'))
        .unwrap_or(bare)
        .trim();
    !digits.is_empty() && digits.len() <= 4 && digits.chars().all(|c| c.is_ascii_digit())
}

pub use yusuan_core::label::compact;

fn width(c: char) -> usize {
    if c == '\t' {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

fn split_cells(raw: &str) -> Vec<RawCell> {
    let mut cells = Vec::new();
    if raw.contains('\t') {
        let mut col = 0;
        for field in raw.split('\t') {
            let w: usize = field.chars().map(width).sum();
            cells.push(RawCell {
                text: field.trim().to_string(),
                start: col,
                end: col + w,
            });
            col += w + 1;
        }
        return cells;
    }
    // Space-aligned: a cell ends at two or more spaces (or one ideographic space run of 2).
    let mut col = 0;
    let mut cur = String::new();
    let mut start = 0;
    let mut spaces = 0;
    for c in raw.chars() {
        if c == ' ' || c == '\u{3000}' {
            spaces += width(c).max(1);
            col += width(c).max(1);
            continue;
        }
        if spaces > 0 {
            if spaces >= 2 && !cur.is_empty() {
                cells.push(RawCell {
                    text: std::mem::take(&mut cur),
                    start,
                    end: col - spaces,
                });
            } else if !cur.is_empty() {
                cur.push(' ');
            }
            spaces = 0;
        }
        if cur.is_empty() {
            start = col;
        }
        cur.push(c);
        col += width(c);
    }
    if !cur.is_empty() {
        cells.push(RawCell {
            text: cur,
            start,
            end: col - spaces,
        });
    }
    cells
}

/// The indent that marks a centred line for the text reader (as the text renderer writes one).
#[cfg(any(feature = "html", feature = "docx"))]
pub(crate) const CENTRED: &str = "                ";

/// One line of text as the text reader reads it, `centred` marked by its indent.
#[cfg(any(feature = "html", feature = "docx"))]
pub(crate) fn write_line(out: &mut String, line: &str, centred: bool) {
    if centred {
        out.push_str(CENTRED);
    }
    out.push_str(line);
    out.push('\n');
}

/// A table's rows written as the tab-separated lines the text reader reads, each as wide as the
/// widest and empty rows left out: how the HTML and Word readers hand on a table they rebuilt
/// from its cells. Whether any row was written.
#[cfg(any(feature = "html", feature = "docx"))]
pub(crate) fn write_tabbed(out: &mut String, rows: Vec<Vec<String>>) -> bool {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut any = false;
    for mut r in rows {
        if r.iter().all(String::is_empty) {
            continue;
        }
        r.resize(width, String::new());
        out.push_str(&r.join("\t"));
        out.push('\n');
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_keep_blank_cells() {
        let c = split_cells("2010303\t机关服务\t5.00\t\t\t");
        let t: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(t, ["2010303", "机关服务", "5.00", "", "", ""]);
    }

    #[test]
    fn spaces_split_on_runs_with_display_columns() {
        let c = split_cells("  201 一般公共服务支出      1,234.00   5.00");
        let t: Vec<(&str, usize)> = c.iter().map(|c| (c.text.as_str(), c.start)).collect();
        assert_eq!(
            t,
            [("201 一般公共服务支出", 2), ("1,234.00", 28), ("5.00", 39)]
        );
    }

    #[test]
    fn form_feeds_count_pages() {
        let l = split_lines("a\n\u{c}b\nc\n");
        assert_eq!(l.len(), 3);
        assert_eq!((l[1].page, l[1].raw), (Some(2), "b"));
        assert_eq!(split_lines("a\nb").first().and_then(|l| l.page), None);
    }
}
