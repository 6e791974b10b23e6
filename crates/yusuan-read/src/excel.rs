//! Excel workbooks (.xlsx, .xls, .ods) as finance staff receive them from the budget system:
//! one sheet per disclosure table. Each sheet becomes text in the tab-separated layout the
//! text reader knows (title, unit line, rows), so one set of profiles serves PDF, text and
//! Excel alike.
//!
//! Merged header cells keep their text in the first cell, as in a PDF. A formula cell without
//! a cached value is never read as 0: it prints as `#公式未计算`, which the rules treat as a
//! figure that cannot be read (cannot verify), and the reader notes it.

use crate::ReadError;
use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};
use std::fmt::Write;
use yusuan_core::budget::{form, Budget};

/// The marker for a formula whose value the file does not carry.
pub const UNCOMPUTED: &str = "#公式未计算";

/// Workbooks start with a zip header (xlsx, ods) or the OLE2 signature (xls).
pub fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

pub use crate::zipped::{MAX_RATIO, MAX_UNPACKED};

/// An OpenDocument sheet says "this row 1,000,000 times, this cell 16,000 times" in two
/// attributes, and calamine expands them when it builds a sheet's grid. Before it opens the
/// workbook, `content.xml` is scanned for where its valued cells would lie and how many there
/// would be once repeated; empty repeated rows and cells (every spreadsheet writes them to
/// the sheet's end) cost nothing and pass.
fn check_ods_repeats(bytes: &[u8]) -> Result<(), String> {
    match crate::zipped::part(bytes, "content.xml", "工作簿", MAX_UNPACKED)? {
        Some(xml) => ods_extent(&xml),
        None => Ok(()),
    }
}

/// The repeat count an ODS tag gives with `attr` (1 when it gives none).
fn repeats(tag: &[u8], attr: &[u8]) -> u64 {
    let Some(at) = find_bytes(tag, attr) else {
        return 1;
    };
    let rest = &tag[at + attr.len()..];
    let digits: Vec<u8> = rest
        .iter()
        .skip_while(|b| matches!(b, b'=' | b'"' | b'\'' | b' '))
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(1)
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn ods_extent(xml: &[u8]) -> Result<(), String> {
    const ROW: &[u8] = b"<table:table-row";
    const CELL: &[u8] = b"<table:table-cell";
    const COVERED: &[u8] = b"<table:covered-table-cell";
    let mut row = 0u64; // rows before the current one, in the current sheet
    let mut filled = 0u64;
    let mut i = 0;
    let mut row_reps = 1u64;
    let mut col = 0u64;
    let mut in_row = false;
    while i < xml.len() {
        if xml[i] != b'<' {
            i += 1;
            continue;
        }
        let end = xml[i..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(xml.len(), |k| i + k + 1);
        let tag = &xml[i..end];
        if tag.starts_with(b"<table:table ") || tag.starts_with(b"<table:table>") {
            row = 0;
        } else if tag.starts_with(ROW) {
            if in_row {
                row = row.saturating_add(row_reps);
            }
            row_reps = repeats(tag, b"table:number-rows-repeated");
            col = 0;
            in_row = !tag.ends_with(b"/>");
            if !in_row {
                row = row.saturating_add(row_reps);
            }
        } else if tag.starts_with(b"</table:table-row") {
            row = row.saturating_add(row_reps);
            in_row = false;
        } else if tag.starts_with(CELL) || tag.starts_with(COVERED) {
            let reps = repeats(tag, b"table:number-columns-repeated");
            let valued = find_bytes(tag, b"office:value-type").is_some() || !tag.ends_with(b"/>");
            if valued {
                let last_row = row.saturating_add(row_reps).saturating_sub(1);
                let last_col = col.saturating_add(reps).saturating_sub(1);
                filled = filled.saturating_add(row_reps.saturating_mul(reps));
                if last_row >= u64::from(MAX_SHEET_ROWS) || last_col >= u64::from(MAX_SHEET_COLS) {
                    return Err(format!(
                        "单元格 {} 超出合理的表格范围（至多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLS} 列）",
                        cell_name((
                            u32::try_from(last_row).unwrap_or(u32::MAX),
                            u32::try_from(last_col).unwrap_or(u32::MAX)
                        ))
                    ));
                }
                if filled > MAX_CELLS as u64 {
                    return Err(format!("单元格超过 {MAX_CELLS} 个，不像一份预算公开表"));
                }
            }
            col = col.saturating_add(reps);
        }
        i = end;
    }
    Ok(())
}

/// The most rows and columns a sheet's filled cells may span: a disclosure table has hundreds
/// of rows and tens of columns. A sheet beyond either is refused before any grid is built (a
/// cell at XFD1048576 would otherwise make a grid of 17 billion cells).
pub const MAX_SHEET_ROWS: u32 = 65_536;
/// See [`MAX_SHEET_ROWS`].
pub const MAX_SHEET_COLS: u32 = 1_024;
/// The most filled cells a workbook may hold, all sheets together.
pub const MAX_CELLS: usize = 1_000_000;

/// A filled cell: position, value, and whether a formula computes it.
struct SheetCell {
    pos: (u32, u32),
    value: Data,
    formula: bool,
}

/// The name of a cell position (A1 style), for messages.
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        letters.push(char::from(b'A' + ((c - 1) % 26) as u8));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// Whether a cell lies beyond the size any table could have.
fn too_far(pos: (u32, u32)) -> Option<String> {
    (pos.0 >= MAX_SHEET_ROWS || pos.1 >= MAX_SHEET_COLS).then(|| {
        format!(
            "单元格 {} 超出合理的表格范围（至多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLS} 列）",
            cell_name(pos)
        )
    })
}

/// The filled cells of one sheet, refused as soon as one lies too far or there are too many.
/// An .xlsx sheet is streamed cell by cell (no grid of its used range is ever built); the
/// other formats are read whole by calamine (an .xls sheet cannot exceed 65,536 x 256; an .ods
/// sheet's repeats were bounded by `check_ods_repeats` before it was opened).
fn sheet_cells<RS: std::io::Read + std::io::Seek>(
    wb: &mut Sheets<RS>,
    name: &str,
    budget: &mut usize,
) -> Result<Vec<SheetCell>, String> {
    let mut cells = Vec::new();
    let mut keep = |cell: SheetCell, budget: &mut usize| -> Result<(), String> {
        if matches!(cell.value, Data::Empty) && !cell.formula {
            return Ok(());
        }
        if let Some(why) = too_far(cell.pos) {
            return Err(format!("工作表“{name}”的{why}"));
        }
        if *budget == 0 {
            return Err(format!("单元格超过 {MAX_CELLS} 个，不像一份预算公开表"));
        }
        *budget -= 1;
        cells.push(cell);
        Ok(())
    };
    match wb {
        Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(name)
                .map_err(|e| crate::reason_detail("无法读取工作表", e))?;
            while let Some(c) = reader
                .next_cell_with_formula()
                .map_err(|e| crate::reason_detail("无法读取工作表", e))?
            {
                let formula = c.formula.as_ref().is_some_and(|f| !f.is_empty());
                let value = Data::from(c.value);
                keep(
                    SheetCell {
                        pos: c.pos,
                        value,
                        formula,
                    },
                    budget,
                )?;
            }
        }
        // A binary workbook is streamed too: a range would be allocated for the sheet's whole
        // extent before any cell is seen (a cell at the last row and column: 512 GiB).
        Sheets::Xlsb(x) => {
            let why = |e| crate::reason_detail("无法读取工作表", e);
            // Formulas are their own pass over the sheet's records; their places are kept
            // (as many as cells may be).
            let mut formulas = std::collections::HashSet::new();
            let mut reader = x.worksheet_cells_reader(name).map_err(why)?;
            while let Some(c) = reader.next_formula().map_err(why)? {
                if !c.get_value().is_empty() {
                    if formulas.len() >= MAX_CELLS {
                        return Err(format!("单元格超过 {MAX_CELLS} 个，不像一份预算公开表"));
                    }
                    formulas.insert(c.get_position());
                }
            }
            drop(reader);
            let mut reader = x.worksheet_cells_reader(name).map_err(why)?;
            while let Some(c) = reader.next_cell().map_err(why)? {
                let pos = c.get_position();
                keep(
                    SheetCell {
                        pos,
                        value: Data::from(c.get_value().clone()),
                        formula: formulas.contains(&pos),
                    },
                    budget,
                )?;
            }
        }
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| crate::reason_detail("无法读取工作表", e))?;
            let formulas = other.worksheet_formula(name).ok();
            let start = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.used_cells() {
                let pos = (
                    start.0.saturating_add(r as u32),
                    start.1.saturating_add(c as u32),
                );
                let formula = formulas
                    .as_ref()
                    .and_then(|f| f.get_value(pos))
                    .is_some_and(|f| !f.is_empty());
                keep(
                    SheetCell {
                        pos,
                        value: v.clone(),
                        formula,
                    },
                    budget,
                )?;
            }
            // Formula cells without a cached value are not among the used cells.
            if let Some(f) = &formulas {
                let fstart = f.start().unwrap_or((0, 0));
                for (r, c, text) in f.used_cells() {
                    let pos = (
                        fstart.0.saturating_add(r as u32),
                        fstart.1.saturating_add(c as u32),
                    );
                    let cached = range
                        .get_value(pos)
                        .is_some_and(|v| !matches!(v, Data::Empty));
                    if !text.is_empty() && !cached {
                        keep(
                            SheetCell {
                                pos,
                                value: Data::Empty,
                                formula: true,
                            },
                            budget,
                        )?;
                    }
                }
            }
        }
    }
    Ok(cells)
}

/// The workbook as text: sheets in order, each introduced by its title.
pub fn workbook_to_text(source: &str, bytes: &[u8]) -> Result<String, ReadError> {
    let bad = |why: String| ReadError::Excel {
        path: source.to_string(),
        why,
    };
    if bytes.starts_with(b"PK") {
        crate::zipped::check_zip(bytes, "工作簿").map_err(bad)?;
        check_ods_repeats(bytes).map_err(bad)?;
    }
    let cursor = std::io::Cursor::new(bytes);
    let mut wb = open_workbook_auto_from_rs(cursor).map_err(|e| {
        bad(crate::reason_detail(
            "不是能识别的工作簿（.xlsx、.xls、.ods）",
            e,
        ))
    })?;
    let names = wb.sheet_names().to_vec();
    // A workbook carrying its budget source (ours) or a filled template: the source's sheets
    // are not tables of the disclosure.
    let form = form::is_form(names.iter().map(String::as_str));
    let mut budget = MAX_CELLS;
    let mut out = String::new();
    for name in names {
        if form && (form::is_form_sheet(&name) || name == form::CODES_SHEET) {
            continue;
        }
        let mut cells = sheet_cells(&mut wb, &name, &mut budget).map_err(bad)?;
        if cells.is_empty() {
            continue;
        }
        cells.sort_by_key(|c| c.pos);
        // Rows and columns count from the first filled ones, as the sheet's used range does.
        let top = cells[0].pos.0;
        let left = cells.iter().map(|c| c.pos.1).min().unwrap_or(0);
        let mut rows: Vec<Vec<String>> = Vec::new();
        for c in &cells {
            let (r, col) = ((c.pos.0 - top) as usize, (c.pos.1 - left) as usize);
            if rows.len() <= r {
                rows.resize_with(r + 1, Vec::new);
            }
            let row = &mut rows[r];
            if row.len() <= col {
                row.resize(col + 1, String::new());
            }
            row[col] = cell_text(&c.value, c.formula);
        }
        while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
            rows.pop();
        }
        if rows.is_empty() {
            continue;
        }
        // A sheet whose first rows do not print its title (or its number, 表二) is introduced by
        // its name.
        let lone = |r: &Vec<String>| {
            let filled: Vec<&String> = r.iter().filter(|c| !c.is_empty()).collect();
            (filled.len() == 1).then(|| filled[0].clone())
        };
        let heads: Vec<String> = rows.iter().take(3).filter_map(lone).collect();
        let name = name.trim();
        let untitled = !heads.iter().any(|h| h.contains('表') || h.contains(name));
        let unnumbered =
            name.starts_with('表') && name.chars().count() <= 4 && !heads.iter().any(|h| h == name);
        if untitled || unnumbered {
            let _ = writeln!(out, "{name}\n");
        }
        for r in rows {
            let width = r.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
            let _ = writeln!(out, "{}", r[..width].join("\t"));
        }
        out.push('\n');
    }
    if out.trim().is_empty() {
        return Err(ReadError::Empty(source.to_string()));
    }
    Ok(out)
}

/// The budget source a workbook carries (our published XLSX, a filled `yusuan template`), if
/// it has the form's sheets: `None` for any other workbook.
pub fn form_of(source: &str, bytes: &[u8]) -> Result<Option<Budget>, FormError> {
    let bad = |why: String| {
        FormError::Read(ReadError::Excel {
            path: source.to_string(),
            why,
        })
    };
    if !looks_like_workbook(bytes) {
        return Ok(None);
    }
    if bytes.starts_with(b"PK") {
        crate::zipped::check_zip(bytes, "工作簿").map_err(bad)?;
        check_ods_repeats(bytes).map_err(bad)?;
    }
    let cursor = std::io::Cursor::new(bytes);
    let Ok(mut wb) = open_workbook_auto_from_rs(cursor) else {
        return Ok(None);
    };
    let names = wb.sheet_names().to_vec();
    if !form::is_form(names.iter().map(String::as_str)) {
        return Ok(None);
    }
    let mut budget = MAX_CELLS;
    let mut sheets = Vec::new();
    for name in names.into_iter().filter(|n| form::is_form_sheet(n)) {
        let cells = sheet_cells(&mut wb, &name, &mut budget).map_err(bad)?;
        let mut rows: form::Rows = Vec::new();
        for c in cells {
            let (r, col) = (c.pos.0 as usize, c.pos.1 as usize);
            if rows.len() <= r {
                rows.resize_with(r + 1, Vec::new);
            }
            let row = &mut rows[r];
            if row.len() <= col {
                row.resize(col + 1, form::Cell::Empty);
            }
            row[col] = match &c.value {
                Data::Empty => form::Cell::Empty,
                Data::String(s) => form::Cell::Text(s.clone()),
                Data::Float(f) => form::Cell::Number(*f),
                Data::Int(i) => form::Cell::Number(*i as f64),
                Data::Bool(b) => form::Cell::Bool(*b),
                other => form::Cell::Text(cell_text(other, c.formula)),
            };
        }
        sheets.push((name, rows));
    }
    Budget::from_form(&sheets)
        .map(Some)
        .map_err(|p| FormError::Source(FormProblems(p)))
}

/// Why a workbook's budget source cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error(transparent)]
    Read(ReadError),
    #[error(transparent)]
    Source(FormProblems),
}

/// The problems of a workbook form whose cells are not a valid source, each named by its sheet
/// and row.
#[derive(Debug, thiserror::Error)]
#[error("预算底稿有 {} 处问题：\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct FormProblems(pub Vec<yusuan_core::budget::BudgetError>);

fn cell_text(v: &Data, is_formula: bool) -> String {
    match v {
        Data::Empty if is_formula => UNCOMPUTED.to_string(),
        Data::Empty => String::new(),
        Data::String(s) => s.replace(['\t', '\n', '\r'], " ").trim().to_string(),
        // The shortest text that reads back as the stored double: what the person typed.
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) if is_formula => format!("{UNCOMPUTED}（{e:?}）"),
        Data::Error(e) => format!("#{e:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Formula, Workbook};

    fn workbook(formula_result: Option<&str>) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("表八").expect("name");
        ws.write_string(0, 0, "2025年部门支出总表").expect("w");
        ws.write_string(1, 4, "单位：万元").expect("w");
        for (c, h) in ["科目编码", "科目名称", "总计", "基本支出", "项目支出"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, c as u16, *h).expect("w");
        }
        ws.write_string(3, 0, "合计").expect("w");
        let f = Formula::new("=D4+E4");
        let f = match formula_result {
            Some(r) => f.set_result(r),
            None => f,
        };
        ws.write_formula(3, 2, f).expect("w");
        ws.write_number(3, 3, 1.5).expect("w");
        ws.write_number(3, 4, 2.25).expect("w");
        wb.save_to_buffer().expect("save")
    }

    #[test]
    fn cached_formula_values_are_read() {
        let text = workbook_to_text("t.xlsx", &workbook(Some("3.75"))).expect("read");
        assert!(text.contains("表八\n\n2025年部门支出总表"), "{text}");
        assert!(text.contains("合计\t\t3.75\t1.5\t2.25"), "{text}");
    }

    /// The workbook with the formula's cached value taken out, as tools that write formulas
    /// without computing them leave it.
    fn without_cached_values(bytes: &[u8]) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).expect("entry");
            let name = f.name().expect("entry name").to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read entry");
            if name.ends_with("sheet1.xml") {
                let xml = String::from_utf8(data).expect("utf8");
                data = xml.replace("</f><v>0</v>", "</f>").into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(&data).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_formula_without_its_value_is_never_zero() {
        let bytes = without_cached_values(&workbook(None));
        let text = workbook_to_text("t.xlsx", &bytes).expect("read");
        assert!(
            text.contains(&format!("合计\t\t{UNCOMPUTED}\t1.5")),
            "{text}"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        use std::io::Write;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        out.start_file("xl/worksheets/sheet1.xml", opts)
            .expect("start");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..24 {
            out.write_all(&zeros).expect("write");
        }
        let bytes = out.finish().expect("finish").into_inner();
        assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
        let err = workbook_to_text("bomb.xlsx", &bytes)
            .unwrap_err()
            .to_string();
        assert!(err.contains("压缩炸弹"), "{err}");
    }

    #[test]
    fn cell_names_are_a1_style_to_the_largest_position() {
        assert_eq!(cell_name((0, 0)), "A1");
        assert_eq!(cell_name((3999, 16383)), "XFD4000");
        assert_eq!(cell_name((u32::MAX, u32::MAX)), "MWLQKWV4294967296");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&[0u8; 300]);
        assert!(workbook_to_text("bad.xlsx", &bytes).is_err());
        assert!(workbook_to_text("bad.xls", &[0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3]).is_err());
    }

    #[test]
    fn ods_repeats_are_bounded_before_calamine_expands_them() {
        let sheet = |rows: &str| {
            format!(
                "<office:spreadsheet><table:table table:name=\"表一\">{rows}</table:table></office:spreadsheet>"
            )
        };
        // A valued cell repeated far and wide is refused.
        let far = sheet(
            "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"16000\" office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell></table:table-row>",
        );
        assert!(ods_extent(far.as_bytes())
            .unwrap_err()
            .contains("超出合理的表格范围"));
        let many = sheet(
            "<table:table-row table:number-rows-repeated=\"5000\"><table:table-cell table:number-columns-repeated=\"1000\" office:value-type=\"float\"><text:p>1</text:p></table:table-cell></table:table-row>",
        );
        assert!(ods_extent(many.as_bytes())
            .unwrap_err()
            .contains("单元格超过"));
        // Empty rows and cells repeated to the sheet's end, as every spreadsheet writes: fine.
        let tail = sheet(
            "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>收支总表</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"16383\"/></table:table-row><table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        );
        assert!(ods_extent(tail.as_bytes()).is_ok());
    }
}
