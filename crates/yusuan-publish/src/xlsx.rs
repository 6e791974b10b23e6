//! Document -> XLSX: one sheet per table, title and unit above, merged header cells and merged
//! indicator cells, amounts as numbers (values, not formulas) with the 万元 format `#,##0.00`
//! (a performance table's figures too), the narrative on a first sheet. Every sheet prints on
//! A4, one page wide (landscape for a wide table), its title and header rows repeated on each
//! printed page, its columns as wide as their content.
//!
//! [`workbook`] builds the workbook, so that a caller can append a sheet before [`save`].

use crate::merges::Merges;
use crate::{heading_text, inline_heading, PublishError};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use yusuan_core::{CellValue, Document, Table};

fn err(e: XlsxError) -> PublishError {
    PublishError::Render {
        format: "XLSX",
        message: e.to_string(),
    }
}

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// A sheet whose columns are wider than this (in character widths) prints landscape.
const PORTRAIT_CHARS: f64 = 100.0;
/// The narrowest and widest a column is set, in character widths.
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 40.0;
/// The height of one line of 11pt text in a row, in points.
const LINE_HEIGHT: f64 = 15.0;

/// The document as XLSX bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PublishError> {
    save(&mut workbook(doc)?)
}

/// The workbook of `doc`, followed by the sheets of the budget source it was derived from
/// (`crate::form`), so that reading the workbook back gives the whole source.
pub fn render_with_source(
    doc: &Document,
    source: Option<&yusuan_core::budget::Budget>,
) -> Result<Vec<u8>, PublishError> {
    let mut wb = workbook(doc)?;
    if let Some(budget) = source {
        crate::form::append(&mut wb, budget)?;
    }
    save(&mut wb)
}

/// The bytes of a workbook.
pub fn save(wb: &mut Workbook) -> Result<Vec<u8>, PublishError> {
    wb.save_to_buffer().map_err(err)
}

/// The document's workbook: the narrative sheet, then one sheet per table.
pub fn workbook(doc: &Document) -> Result<Workbook, PublishError> {
    let mut wb = Workbook::new();
    narrative(wb.add_worksheet(), doc).map_err(err)?;
    for (i, t) in doc.tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        let name = t.number.clone().unwrap_or_else(|| format!("表{}", i + 1));
        ws.set_name(&name).map_err(err)?;
        sheet(ws, t).map_err(err)?;
    }
    Ok(wb)
}

/// A4, fit to one page wide, centred, page numbers "— n —" at the foot.
fn page_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(A4);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C— &P —");
}

fn narrative(text: &mut Worksheet, doc: &Document) -> Result<(), XlsxError> {
    text.set_name("情况说明")?;
    let width = 100.0;
    text.set_column_width(0, width)?;
    page_setup(text, false);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let bold = Format::new().set_bold();
    let mut r = 0u32;
    let line = |ws: &mut Worksheet, r: u32, s: &str, f: &Format| -> Result<(), XlsxError> {
        ws.write_string_with_format(r, 0, s, f)?;
        let lines = (display_width(s) / width).ceil();
        if lines > 1.0 {
            ws.set_row_height(r, lines * LINE_HEIGHT)?;
        }
        Ok(())
    };
    for s in &doc.sections {
        let mut paragraphs = s.paragraphs.iter();
        let mut head = heading_text(s);
        if inline_heading(s) {
            if let Some(p) = paragraphs.next() {
                head.push_str(&p.text);
            }
        }
        line(text, r, &head, if s.level <= 1 { &bold } else { &wrap })?;
        r += 1;
        for p in paragraphs {
            line(text, r, &p.text, &wrap)?;
            r += 1;
        }
    }
    Ok(())
}

/// The width of a text in character widths: a CJK (full-width) character counts two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// How a cell is written: a figure as a number (with the format of its printed decimals),
/// anything else as text.
enum Value {
    Number(f64, bool),
    Text,
}

/// A cell's value: an amount, or a performance table's figure printed as text ("13.80", "100").
/// A classification code ("2010301") or a number with a leading zero stays text.
fn value(cell: &yusuan_core::Cell) -> Value {
    if let CellValue::Amount(a) = &cell.value {
        return Value::Number(a.fen as f64 / a.unit.fen_per_unit() as f64, true);
    }
    let t = cell.text.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let plain = !int.is_empty()
        && digits(int)
        && digits(frac)
        && (!t.contains('.') || !frac.is_empty())
        && (int == "0" || !int.starts_with('0'))
        && int.len() <= 12
        && !yusuan_core::label::is_code(t);
    match t.parse::<f64>() {
        Ok(v) if plain => Value::Number(v, frac.len() == 2),
        _ => Value::Text,
    }
}

/// The width a cell's content asks of its column, in character widths.
fn content_width(cell: &yusuan_core::Cell) -> f64 {
    match value(cell) {
        // "2,686.01": the figure with its separators.
        Value::Number(v, _) => display_width(&format!("{v:.2}")) * 4.0 / 3.0,
        Value::Text => display_width(cell.text.trim()),
    }
}

/// Column widths from the content: the widest cell that sizes its column alone (a header cell
/// wraps at 16 character widths, a label at 40), padded, at least `MIN_WIDTH`.
fn column_widths(t: &Table, width: usize) -> Vec<f64> {
    let header = Merges::of(t);
    let body = Merges::body(t);
    let mut widths = vec![MIN_WIDTH; width];
    for (r, row) in t.header.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            if header.extent(r, c).1 == 1 && !header.hidden(r, c) {
                widths[c] = widths[c].max(content_width(cell).min(16.0) + 2.0);
            }
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let n = row.cells.len().min(width);
        for (c, cell) in row.cells.iter().enumerate().take(n) {
            if (c + 1 == n && n < width) || body.hidden(r, c) {
                continue;
            }
            widths[c] = widths[c].max(content_width(cell) + 2.0);
        }
    }
    widths.into_iter().map(|w| w.min(MAX_WIDTH)).collect()
}

/// Write one cell, or merge it over `rows` x `cols` cells.
#[allow(clippy::too_many_arguments)]
fn put(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    rows: usize,
    cols: usize,
    cell: Option<&yusuan_core::Cell>,
    text: &Format,
    money: &Format,
    number: &Format,
) -> Result<(), XlsxError> {
    let (last_r, last_c) = (r + rows as u32 - 1, c + cols as u16 - 1);
    let merged = rows * cols > 1;
    match cell.map(|x| (x, value(x))) {
        Some((_, Value::Number(v, two_decimals))) => {
            let f = if two_decimals { money } else { number };
            if merged {
                ws.merge_range(r, c, last_r, last_c, "", f)?;
            }
            ws.write_number_with_format(r, c, v, f)?;
        }
        Some((x, Value::Text)) if merged => {
            ws.merge_range(r, c, last_r, last_c, &x.text, text)?;
        }
        Some((x, Value::Text)) => {
            ws.write_string_with_format(r, c, &x.text, text)?;
        }
        None if merged => {
            ws.merge_range(r, c, last_r, last_c, "", text)?;
        }
        None => {
            ws.write_blank(r, c, text)?;
        }
    }
    Ok(())
}

fn sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let width = crate::grid_width(t).max(1);
    let widths = column_widths(t, width);
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let unit = Format::new().set_align(FormatAlign::Right);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(0xEEF1F5);
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let money = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_num_format("#,##0.00");
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let last = width as u16 - 1;
    if width > 1 {
        ws.merge_range(0, 0, 0, last, &t.title, &title)?;
    } else {
        ws.write_string_with_format(0, 0, &t.title, &title)?;
    }
    if let Some(u) = t.unit {
        ws.write_string_with_format(1, last, format!("单位：{}", u.label()), &unit)?;
    }
    let top: u32 = 2;
    let merges = Merges::of(t);
    for (hr, row) in t.header.iter().enumerate() {
        for c in 0..width {
            if merges.hidden(hr, c) {
                continue;
            }
            let (rows, cols) = merges.extent(hr, c);
            let r = top + hr as u32;
            // A header's words are text, whatever they look like.
            let text = row.cells.get(c).map_or("", |x| x.text.as_str());
            if rows * cols > 1 {
                ws.merge_range(
                    r,
                    c as u16,
                    r + rows as u32 - 1,
                    (c + cols - 1) as u16,
                    text,
                    &head,
                )?;
            } else {
                ws.write_string_with_format(r, c as u16, text, &head)?;
            }
        }
    }
    let first = top + t.header.len() as u32;
    if !t.header.is_empty() {
        ws.set_freeze_panes(first, 0)?;
    }
    // The title, the unit line and the header print on every page.
    ws.set_repeat_rows(0, first - 1)?;
    let body = Merges::body(t);
    for (i, row) in t.rows.iter().enumerate() {
        let r = first + i as u32;
        let n = row.cells.len().min(width);
        let mut lines = 1.0_f64;
        for c in 0..width {
            if body.hidden(i, c) || (n > 0 && c >= n) {
                continue;
            }
            let (rows, mut cols) = body.extent(i, c);
            // The last printed cell of a short row spans the rest (goal texts, 填报单位).
            if c + 1 == n && n < width {
                cols = width - c;
            }
            let x = row.cells.get(c);
            put(ws, r, c as u16, rows, cols, x, &cell, &money, &number)?;
            if let (Some(x), 1) = (x, rows) {
                let room: f64 = widths[c..c + cols].iter().sum::<f64>() - 1.0;
                lines = lines.max((display_width(x.text.trim()) / room).ceil());
            }
        }
        if lines > 1.0 {
            ws.set_row_height(r, lines * LINE_HEIGHT)?;
        }
    }
    let below = first + t.rows.len() as u32;
    for (r, n) in (below..).zip(&t.notes) {
        ws.write_string(r, 0, &n.value)?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    page_setup(ws, widths.iter().sum::<f64>() > PORTRAIT_CHARS);
    Ok(())
}
