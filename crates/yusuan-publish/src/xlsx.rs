//! Document -> XLSX: one sheet per table, title and unit above, merged header cells, amounts as
//! numbers (values, not formulas) with the 万元 format `#,##0.00`, the narrative on a first sheet.

use crate::html::Merges;
use crate::{heading_text, inline_heading, PublishError};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use yusuan_core::{CellValue, Document, Table};

fn err(e: XlsxError) -> PublishError {
    PublishError::Render {
        format: "XLSX",
        message: e.to_string(),
    }
}

pub fn render(doc: &Document) -> Result<Vec<u8>, PublishError> {
    render_with_source(doc, None)
}

/// The workbook of `doc`, followed by the sheets of the budget source it was derived from
/// (`crate::form`), so that reading the workbook back gives the whole source.
pub fn render_with_source(
    doc: &Document,
    source: Option<&yusuan_core::budget::Budget>,
) -> Result<Vec<u8>, PublishError> {
    let mut wb = Workbook::new();
    let text = wb.add_worksheet();
    text.set_name("情况说明").map_err(err)?;
    text.set_column_width(0, 100).map_err(err)?;
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold();
    let mut r = 0u32;
    for s in &doc.sections {
        let mut paragraphs = s.paragraphs.iter();
        let mut head = heading_text(s);
        if inline_heading(s) {
            if let Some(p) = paragraphs.next() {
                head.push_str(&p.text);
            }
        }
        text.write_string_with_format(r, 0, &head, if s.level <= 1 { &bold } else { &wrap })
            .map_err(err)?;
        r += 1;
        for p in paragraphs {
            text.write_string_with_format(r, 0, &p.text, &wrap)
                .map_err(err)?;
            r += 1;
        }
    }
    for (i, t) in doc.tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        let name = t.number.clone().unwrap_or_else(|| format!("表{}", i + 1));
        ws.set_name(&name).map_err(err)?;
        sheet(ws, t).map_err(err)?;
    }
    if let Some(budget) = source {
        crate::form::append(&mut wb, budget)?;
    }
    wb.save_to_buffer().map_err(err)
}

fn sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let width = crate::grid_width(t).max(1) as u16;
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
        .set_num_format("#,##0.00");
    if width > 1 {
        ws.merge_range(0, 0, 0, width - 1, &t.title, &title)?;
    } else {
        ws.write_string_with_format(0, 0, &t.title, &title)?;
    }
    let mut r: u32 = 1;
    if let Some(u) = t.unit {
        ws.write_string_with_format(r, width - 1, format!("单位：{}", u.label()), &unit)?;
    }
    r += 1;
    let top = r;
    let merges = Merges::of(t);
    for (hr, row) in t.header.iter().enumerate() {
        for c in 0..width as usize {
            if merges.hidden(hr, c) {
                continue;
            }
            let text = row.cells.get(c).map_or("", |x| x.text.as_str());
            let (rr, cc) = (top + hr as u32, c as u16);
            match merges.extent(hr, c) {
                (rows, cols) if rows * cols > 1 => {
                    ws.merge_range(
                        rr,
                        cc,
                        rr + rows as u32 - 1,
                        cc + cols as u16 - 1,
                        text,
                        &head,
                    )?;
                }
                _ => {
                    ws.write_string_with_format(rr, cc, text, &head)?;
                }
            }
        }
    }
    r = top + t.header.len() as u32;
    if !t.header.is_empty() {
        ws.set_freeze_panes(r, 0)?;
    }
    for row in &t.rows {
        for c in 0..width as usize {
            let cc = c as u16;
            match row.cells.get(c).map(|x| &x.value) {
                Some(CellValue::Amount(a)) => {
                    let per = a.unit.fen_per_unit() as f64;
                    ws.write_number_with_format(r, cc, a.fen as f64 / per, &money)?;
                }
                Some(_) => {
                    let text = row.cells[c].text.as_str();
                    ws.write_string_with_format(r, cc, text, &cell)?;
                }
                None => {
                    ws.write_blank(r, cc, &cell)?;
                }
            }
        }
        r += 1;
    }
    for n in &t.notes {
        ws.write_string(r, 0, &n.value)?;
        r += 1;
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 34)?;
    for c in 2..width {
        ws.set_column_width(c, 15)?;
    }
    Ok(())
}
