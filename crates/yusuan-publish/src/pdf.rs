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

/// The document's content as typst markup for the template.
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
                    let _ = writeln!(o, "#strong({})#{}\n", lit(&heading_text(s)), lit(first));
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

fn table(o: &mut String, t: &Table) {
    let width = crate::grid_width(t).max(1);
    // A table too wide for a portrait page (its widest cells at 9pt, figures never wrap) goes
    // on a landscape page.
    let wide = natural_width(t, width) > 470.0;
    if wide {
        o.push_str("#page(flipped: true)[\n");
    } else {
        o.push_str("#pagebreak(weak: true)\n");
    }
    let _ = writeln!(
        o,
        "#tablehead({}, {}, {})",
        lit(t.number.as_deref().unwrap_or("")),
        lit(&t.title),
        lit(&t
            .unit
            .map(|u| format!("单位：{}", u.label()))
            .unwrap_or_default())
    );
    // Columns size to their text; typst shrinks and wraps only what does not fit.
    let mut cols: Vec<String> = vec!["auto".to_string(); width];
    // A code-and-name table keeps its names on one line where it can: the name column is as
    // wide as the longest name, up to 16 characters.
    let named = t
        .header
        .iter()
        .any(|r| r.cells.get(1).is_some_and(|c| c.text.contains("科目名称")));
    if named && width > 2 {
        let longest = t
            .rows
            .iter()
            .map(|r| r.cells.get(1).map_or(0, |c| c.text.chars().count()))
            .max()
            .unwrap_or(4);
        cols[1] = format!("{}em", longest.clamp(4, 16) + 1);
        // The code column holds its header on one line ("功能分类科目编码").
        let head = t
            .header
            .iter()
            .filter_map(|r| r.cells.first())
            .map(|c| c.text.chars().count())
            .max()
            .unwrap_or(4);
        cols[0] = format!("{}em", head.clamp(4, 8) + 1);
    }
    let _ = writeln!(
        o,
        "#table(columns: ({}), align: (x, y) => top + left,",
        cols.join(", ")
    );
    let merges = crate::html::Merges::of(t);
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
                    "table.cell(rowspan: {rows}, colspan: {cols}, align: center + top, fill: rgb(\"#eef1f5\"))[#{}],",
                    lit(text)
                );
            }
        }
        o.push_str("),\n");
    }
    for row in &t.rows {
        let n = row.cells.len().min(width);
        for (c, cell) in row.cells.iter().take(width).enumerate() {
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
                "table.cell(colspan: {span}, align: {align})[#{}],",
                lit(&cell.text)
            );
        }
        if n == 0 {
            let _ = writeln!(o, "table.cell(colspan: {width})[],");
        }
    }
    o.push_str(")\n");
    for n in &t.notes {
        let _ = writeln!(o, "#text(size: 9pt)[#{}]\n", lit(&n.value));
    }
    if wide {
        o.push_str("]\n");
    }
}

/// The width in points a table needs with each column as wide as its widest body cell (names
/// capped at 16 characters, as their column is), at 9pt.
fn natural_width(t: &Table, width: usize) -> f32 {
    let text_width = |s: &str| -> f32 {
        s.chars()
            .map(|c| if c.is_ascii() { 4.6 } else { 9.0 })
            .sum::<f32>()
    };
    (0..width)
        .map(|c| {
            let widest = t
                .rows
                .iter()
                .filter_map(|r| r.cells.get(c))
                .map(|cell| text_width(&cell.text))
                .fold(0.0, f32::max);
            let cap = if c == 1 { 17.0 * 9.0 } else { 9.0 * 9.0 };
            widest.min(cap).max(4.0 * 9.0) + 12.0
        })
        .sum()
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
    let compiled = engine.compile_with_input(inputs);
    let paged: typst_layout::PagedDocument = compiled.output.map_err(err)?;
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default()).map_err(|e| err(format!("{e:?}")))
}
