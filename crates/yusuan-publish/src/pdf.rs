//! Document -> PDF with typst as a library: the page design is `templates/disclosure.typ`
//! (data); this module writes the document's content as typst markup and compiles it.
//!
//! Fonts: the Noto CJK fonts (Debian `fonts-noto-cjk`) are found under `YUSUAN_FONT_DIR` or the
//! system font directories and loaded once per process; every PDF embeds the subset it uses.

use crate::{heading_text, inline_heading, PublishError};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use yusuan_core::{CellValue, Document, Table};

const TEMPLATE: &str = include_str!("../templates/disclosure.typ");

/// The font files used, in order of preference.
const FONT_FILES: &[&str] = &[
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJK-Bold.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Bold.ttc",
    // A 楷体 for the （一） headings (Debian `fonts-lxgw-wenkai`); without it they are set in
    // the body's serif.
    "LXGWWenKai-Regular.ttf",
];

fn err(message: impl ToString) -> PublishError {
    PublishError::Render {
        format: "PDF",
        message: message.to_string(),
    }
}

fn find_font(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("YUSUAN_FONT_DIR")
        .map(|d| vec![PathBuf::from(d)])
        .unwrap_or_default();
    dirs.extend(
        [
            "/usr/share/fonts/opentype/noto",
            "/usr/share/fonts/noto-cjk",
            "/usr/share/fonts/google-noto-cjk",
            "/usr/share/fonts",
            "/usr/local/share/fonts",
        ]
        .map(PathBuf::from),
    );
    dirs.into_iter().find_map(|d| search(&d, name, 3))
}

fn search(dir: &Path, name: &str, depth: u32) -> Option<PathBuf> {
    let direct = dir.join(name);
    if direct.is_file() {
        return Some(direct);
    }
    if depth == 0 {
        return None;
    }
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .find_map(|e| search(&e.path(), name, depth - 1))
}

/// The typst engine with the fonts, built on first use.
fn engine() -> Result<&'static TypstEngine<TypstTemplateMainFile>, PublishError> {
    static ENGINE: OnceLock<Result<TypstEngine<TypstTemplateMainFile>, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut fonts = Vec::new();
            for f in FONT_FILES {
                if let Some(path) = find_font(f) {
                    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    fonts.push(bytes);
                }
            }
            if fonts.is_empty() {
                return Err(
                    "未找到中文字体 Noto CJK（Debian：apt install fonts-noto-cjk，或设置 YUSUAN_FONT_DIR）"
                        .to_string(),
                );
            }
            Ok(TypstEngine::builder()
                .main_file(TEMPLATE)
                .fonts(fonts)
                .build())
        })
        .as_ref()
        .map_err(err)
}

/// Load the fonts now (a server or a batch does it once, before the first document).
pub fn warm_up() -> Result<(), PublishError> {
    engine().map(|_| ())
}

/// A typst string literal; shown verbatim when placed in markup with `#`.
fn lit(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            _ => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The document's content as typst markup for the template: each section and table title a
/// heading (a bookmark; the parts and tables are the 目录's entries).
pub fn markup(doc: &Document) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let (before, after) = crate::section_parts(doc);
    let emit_sections = |o: &mut String, sections: &[yusuan_core::Section]| {
        for s in sections {
            let mut paragraphs = s.paragraphs.iter();
            match s.level {
                0 => {
                    let _ = writeln!(o, "#title({})", lit(&s.heading));
                }
                1 => {
                    let _ = writeln!(o, "#h1({})", lit(&heading_text(s)));
                }
                _ if inline_heading(s) => {
                    let first = paragraphs.next().map(|p| p.text.as_str()).unwrap_or("");
                    let _ = writeln!(o, "#inline({}, {})\n", lit(&heading_text(s)), lit(first));
                }
                _ => {
                    let _ = writeln!(o, "#h2({})", lit(&heading_text(s)));
                }
            }
            for p in paragraphs {
                let _ = writeln!(o, "#{}\n", lit(&p.text));
            }
        }
    };
    emit_sections(&mut o, before);
    for t in &doc.tables {
        table(&mut o, t);
    }
    emit_sections(&mut o, after);
    o
}

/// The width of a text at 9pt, in points: a CJK character a full em, others about half.
fn text_width(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 4.6 } else { 9.0 })
        .sum()
}

/// The text width of a portrait and of a landscape A4 page (margins 20 mm), in points.
const PORTRAIT: f32 = 170.0 * 72.0 / 25.4;
const LANDSCAPE: f32 = 257.0 * 72.0 / 25.4;
/// A cell's horizontal padding (both sides) and rule, in points.
const PAD: f32 = 11.0;

/// Column widths from the content, in points: each column as wide as its widest single-column
/// cell (a label at most 18 characters, a header word wraps at 8), at least four characters;
/// when the table is wider than the page, the label columns give up width first.
fn column_widths(t: &Table, width: usize, avail: f32) -> Vec<f32> {
    let cell_width = |text: &str, amount: bool, header: bool| -> f32 {
        let w = text_width(text);
        let cap = if amount {
            f32::MAX
        } else if header {
            8.0 * 9.0
        } else {
            18.0 * 9.0
        };
        w.min(cap)
    };
    let header = crate::merges::Merges::of(t);
    let body = crate::merges::Merges::body(t);
    let mut widths = vec![4.0_f32 * 9.0; width];
    for (r, row) in t.header.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            if header.extent(r, c).1 == 1 && !header.hidden(r, c) {
                widths[c] = widths[c].max(cell_width(&cell.text, false, true));
            }
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let n = row.cells.len().min(width);
        for (c, cell) in row.cells.iter().enumerate().take(n) {
            // The last cell of a short row spans the rest: it sizes no column.
            if (c + 1 == n && n < width) || body.hidden(r, c) {
                continue;
            }
            let amount = matches!(cell.value, CellValue::Amount(_));
            widths[c] = widths[c].max(cell_width(&cell.text, amount, false));
        }
    }
    let mut widths: Vec<f32> = widths.into_iter().map(|w| w + PAD).collect();
    let total: f32 = widths.iter().sum();
    if total > avail {
        // Shrink the columns wider than an even share toward it, in proportion to their excess.
        let share = avail / width as f32;
        let excess: f32 = widths.iter().map(|w| (w - share).max(0.0)).sum();
        let cut = total - avail;
        for w in &mut widths {
            if *w > share && excess > 0.0 {
                *w -= (*w - share) / excess * cut.min(excess);
            }
        }
    }
    widths
}

fn table(o: &mut String, t: &Table) {
    let width = crate::grid_width(t).max(1);
    // A table too wide for a portrait page goes on a landscape page.
    let natural: f32 = column_widths(t, width, f32::MAX).iter().sum();
    let wide = natural > PORTRAIT;
    let avail = if wide { LANDSCAPE } else { PORTRAIT };
    if wide {
        o.push_str("#page(flipped: true)[\n");
    } else {
        o.push_str("#pagebreak(weak: true)\n");
    }
    let cols: Vec<String> = column_widths(t, width, avail)
        .iter()
        .map(|w| format!("{w:.1}pt"))
        .collect();
    let _ = writeln!(
        o,
        "#disclosure-table({}, {}, {}, table(columns: ({}), align: (x, y) => top + left,",
        lit(t.number.as_deref().unwrap_or("")),
        lit(&t.title),
        lit(&t
            .unit
            .map(|u| format!("单位：{}", u.label()))
            .unwrap_or_default()),
        cols.join(", ")
    );
    let merges = crate::merges::Merges::of(t);
    if !t.header.is_empty() {
        o.push_str("table.header(repeat: true,\n");
        for (r, row) in t.header.iter().enumerate() {
            for c in 0..width {
                if merges.hidden(r, c) {
                    continue;
                }
                let text = row.cells.get(c).map_or("", |x| x.text.as_str());
                let (rows, cols) = merges.extent(r, c);
                let _ = writeln!(
                    o,
                    "table.cell(rowspan: {rows}, colspan: {cols}, align: center + top, fill: rgb(\"#eef1f5\"))[#text(weight: \"bold\", {})],",
                    lit(text)
                );
            }
        }
        o.push_str("),\n");
    }
    let body = crate::merges::Merges::body(t);
    for (r, row) in t.rows.iter().enumerate() {
        let n = row.cells.len().min(width);
        for (c, cell) in row.cells.iter().take(width).enumerate() {
            if body.hidden(r, c) {
                continue;
            }
            let (rows, _) = body.extent(r, c);
            let span = if c + 1 == n && n < width {
                width - c
            } else {
                1
            };
            let align = if matches!(cell.value, CellValue::Amount(_)) {
                "right + top"
            } else {
                "left + top"
            };
            let _ = writeln!(
                o,
                "table.cell(rowspan: {rows}, colspan: {span}, align: {align})[#{}],",
                lit(&cell.text)
            );
        }
        if n == 0 {
            let _ = writeln!(o, "table.cell(colspan: {width})[],");
        }
    }
    o.push_str("), notes: (");
    for n in &t.notes {
        let _ = write!(o, "{}, ", lit(&n.value));
    }
    o.push_str("))\n");
    if wide {
        o.push_str("]\n");
    }
}

/// Render the document as PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PublishError> {
    let engine = engine()?;
    let mut inputs = Dict::new();
    inputs.insert("body".into(), markup(doc).into_value());
    let title = doc
        .title
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    inputs.insert("title".into(), title.into_value());
    let unit = doc
        .unit_name
        .as_ref()
        .map(|u| u.value.clone())
        .unwrap_or_default();
    inputs.insert("unit".into(), unit.into_value());
    let cover = match &doc.year {
        Some(y) => format!("{}年{}预算", y.value, doc.scope.label()),
        None => format!("{}预算", doc.scope.label()),
    };
    inputs.insert("cover".into(), cover.into_value());
    let compiled = engine.compile_with_input(inputs);
    let paged: typst_layout::PagedDocument = compiled.output.map_err(err)?;
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default()).map_err(|e| err(format!("{e:?}")))
}
