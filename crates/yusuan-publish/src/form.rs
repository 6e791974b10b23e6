//! The budget source as workbook sheets (`yusuan_core::budget::form`): appended to every
//! published XLSX, so the workbook gives back its whole source, and written empty with drop-down
//! lists as the template a finance office fills in (`yusuan template`).

use crate::PublishError;
use rust_xlsxwriter::{
    DataValidation, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use yusuan_core::budget::form::{Cell, Kind, Rows, Sheet, SHEETS};
use yusuan_core::budget::Budget;
use yusuan_core::catalog::{Catalog, Classification};

fn err(e: XlsxError) -> PublishError {
    PublishError::Render {
        format: "XLSX",
        message: e.to_string(),
    }
}

use yusuan_core::budget::form::CODES_SHEET as CODES;
/// Rows of a list sheet that carry drop-down lists in the template.
const ROWS: u32 = 500;

/// Append the form sheets filled with `budget` to a workbook (the published XLSX).
pub fn append(wb: &mut Workbook, budget: &Budget) -> Result<(), PublishError> {
    let form = budget.to_form().map_err(|e| PublishError::Render {
        format: "XLSX",
        message: e.to_string(),
    })?;
    for (sheet, rows) in SHEETS.iter().zip(&form) {
        let ws = wb.add_worksheet();
        write_sheet(ws, sheet, &rows.1).map_err(err)?;
    }
    Ok(())
}

/// The template a finance office fills in for `year`: the form's sheets, empty but for their
/// labels, with drop-down lists (funding sources, the year's 功能分类 项 and 经济分类 款
/// codes, 是 / 否, indicator levels) and a note on each sheet's first rows.
pub fn template(year: i32, region: &str) -> Result<Vec<u8>, PublishError> {
    let mut budget = Budget {
        year,
        ..Budget::default()
    };
    budget.unit.region = region.to_string();
    let form = budget.to_form().map_err(|e| PublishError::Render {
        format: "XLSX",
        message: e.to_string(),
    })?;
    let mut wb = Workbook::new();
    let mut codes: Vec<(Kind, u32)> = Vec::new();
    for (sheet, (_, rows)) in SHEETS.iter().zip(&form).filter(|(s, _)| s.in_template()) {
        let ws = wb.add_worksheet();
        write_sheet(ws, sheet, rows).map_err(err)?;
        lists(ws, sheet).map_err(err)?;
    }
    // The codes of the year, "2010301 行政运行", one column per classification.
    let ws = wb.add_worksheet();
    ws.set_name(CODES).map_err(err)?;
    for (col, classification, level) in [
        (0u16, Classification::Functional, 3u8),
        (1u16, Classification::Economic, 2u8),
    ] {
        let catalog = Catalog::builtin(classification);
        let mut entries: Vec<String> = catalog
            .codes()
            .filter_map(|e| {
                let e = e
                    .iter()
                    .find(|e| e.level == level && e.years.contains(&year))
                    .or_else(|| e.iter().find(|e| e.level == level))?;
                Some(format!("{} {}", e.code, e.name))
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.split(' ').next() == b.split(' ').next());
        let n = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        for (row, entry) in entries.iter().enumerate() {
            let row = u32::try_from(row).unwrap_or(u32::MAX);
            ws.write_string(row, col, entry).map_err(err)?;
        }
        let kind = if col == 0 {
            Kind::FunctionCode
        } else {
            Kind::EconomicCode
        };
        codes.push((kind, n.max(1)));
    }
    ws.set_column_width(0, 60).map_err(err)?;
    ws.set_column_width(1, 40).map_err(err)?;
    ws.set_hidden(true);
    // The code lists point at the hidden sheet; they are added once its length is known.
    for (i, sheet) in SHEETS.iter().filter(|s| s.in_template()).enumerate() {
        if sheet.list.is_none() {
            continue;
        }
        let parent = usize::from(sheet.parent.is_some());
        for (c, field) in sheet.fields.iter().enumerate() {
            let (column, n) = match field.kind {
                Kind::FunctionCode => ("A", codes.iter().find(|(k, _)| *k == Kind::FunctionCode)),
                Kind::EconomicCode => ("B", codes.iter().find(|(k, _)| *k == Kind::EconomicCode)),
                _ => continue,
            };
            let Some((_, n)) = n else { continue };
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(format!("={CODES}!${column}$1:${column}${n}")))
                .ignore_blank(true);
            let col = u16::try_from(c + parent).unwrap_or(u16::MAX);
            let ws = wb.worksheet_from_index(i).map_err(err)?;
            ws.add_data_validation(1, col, ROWS, col, &v).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// Drop-down lists for the choice and 是 / 否 cells of a sheet.
fn lists(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let regions = crate::template_ids();
    let words = |kind: Kind| -> Option<&[&str]> {
        match kind {
            Kind::Choice(w) => Some(w),
            Kind::Flag => Some(yusuan_core::budget::form::YES_NO),
            Kind::Region => Some(&regions),
            _ => None,
        }
    };
    match sheet.list {
        None => {
            for (r, field) in sheet.fields.iter().enumerate() {
                let Some(w) = words(field.kind) else { continue };
                let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
                let v = DataValidation::new().allow_list_strings(w)?;
                ws.add_data_validation(row, 1, row, 1, &v)?;
            }
        }
        Some(_) => {
            let parent = usize::from(sheet.parent.is_some());
            for (c, field) in sheet.fields.iter().enumerate() {
                let Some(w) = words(field.kind) else { continue };
                let col = u16::try_from(c + parent).unwrap_or(u16::MAX);
                let v = DataValidation::new().allow_list_strings(w)?;
                ws.add_data_validation(1, col, ROWS, col, &v)?;
            }
        }
    }
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, rows: &Rows) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    let money = Format::new().set_num_format("#,##0.00");
    let wrap = Format::new().set_text_wrap();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) if r == 0 => {
                    ws.write_string_with_format(r, c, s, &head)?;
                }
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &wrap)?;
                }
                Cell::Number(x) => {
                    ws.write_number_with_format(r, c, *x, &money)?;
                }
                Cell::Bool(b) => {
                    ws.write_string(r, c, if *b { "是" } else { "否" })?;
                }
            }
        }
    }
    // Widths: labels and values of the 单位信息 sheet, each column's header elsewhere.
    match sheet.list {
        None => {
            ws.set_column_width(0, 28)?;
            ws.set_column_width(1, 90)?;
        }
        Some(_) => {
            let header = rows.first().map_or(0, Vec::len);
            for c in 0..header {
                let label = match rows.first().and_then(|r| r.get(c)) {
                    Some(Cell::Text(s)) => s.chars().count(),
                    _ => 6,
                };
                let wide = rows
                    .iter()
                    .skip(1)
                    .filter_map(|r| match r.get(c) {
                        Some(Cell::Text(s)) => Some(s.chars().count()),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0)
                    .min(40);
                let width = (label.max(wide) * 2 + 2).max(12) as f64;
                ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), width)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
