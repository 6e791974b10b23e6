//! Document -> a Word document (.docx), as offices finish a disclosure in Word or WPS: A4, the
//! title centred, headings in 黑体 and 楷体, the narrative in 仿宋 with its first line indented,
//! then every table on a page of its own: its number and title centred, the unit line at the
//! right, the header rows with their merged cells (column spans and vertical merges), amounts
//! right-aligned as the text prints them, column widths from the content. `yusuan check`
//! reads it back (yusuan-read's docx reader).

use crate::merges::Merges;
use crate::{heading_text, inline_heading, PublishError};
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableAlignmentType, TableCell, TableLayoutType, TableRow, VAlignType,
    VMergeType, WidthType,
};
use yusuan_core::{CellValue, Document, Section};

/// A4 in twentieths of a point.
const PAGE: (u32, u32) = (11_906, 16_838);
/// Left and right margins (2 cm); the text is the page less these.
const SIDE: i32 = 1_134;
const TEXT_WIDTH: usize = PAGE.0 as usize - 2 * SIDE as usize;
/// Sizes in half points: 三号 for the text, 二号 for the title, 10 pt in tables.
const BODY: usize = 32;
const TITLE: usize = 44;
const CELL: usize = 20;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

pub fn render(doc: &Document) -> Result<Vec<u8>, PublishError> {
    let mut d = Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_margin(
            PageMargin::new()
                .top(1_440)
                .bottom(1_440)
                .left(SIDE)
                .right(SIDE),
        )
        .default_fonts(fonts("仿宋"))
        .default_size(BODY);
    let (before, after) = crate::section_parts(doc);
    let mut titles = 0;
    for s in before {
        d = section(d, s, &mut titles);
    }
    for t in &doc.tables {
        d = table(d, t);
    }
    for s in after {
        d = section(d, s, &mut titles);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let err = |e: String| PublishError::Render {
        format: "docx",
        message: e,
    };
    d.build().pack(&mut out).map_err(|e| err(e.to_string()))?;
    let headers: Vec<usize> = doc.tables.iter().map(|t| t.header.len()).collect();
    repeat_headers(&out.into_inner(), &headers).map_err(err)
}

/// The package with each table's first `headers[k]` rows marked `w:tblHeader`, so that Word
/// and WPS repeat them on every page a long table runs over (DOMAIN.md §10). The k-th
/// `w:tbl` of the body is the document's k-th table: `render` writes no other.
fn repeat_headers(package: &[u8], headers: &[usize]) -> Result<Vec<u8>, String> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).map_err(|e| e.to_string())?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().map_err(|e| e.to_string())?.to_string();
        if name != "word/document.xml" {
            out.raw_copy_file(part).map_err(|e| e.to_string())?;
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).map_err(|e| e.to_string())?;
        drop(part);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file(name, options).map_err(|e| e.to_string())?;
        out.write_all(mark_headers(&xml, headers).as_bytes())
            .map_err(|e| e.to_string())?;
    }
    out.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| e.to_string())
}

/// `xml` with `<w:tblHeader />` in the row properties of each table's header rows.
fn mark_headers(xml: &str, headers: &[usize]) -> String {
    const TABLE: &str = "<w:tbl>";
    const TABLE_END: &str = "</w:tbl>";
    const ROW_PROPERTIES: &str = "<w:trPr>";
    let mut out = String::with_capacity(xml.len() + 16 * headers.iter().sum::<usize>());
    let mut rest = xml;
    for &n in headers {
        let Some(at) = rest.find(TABLE) else { break };
        let end = rest[at..].find(TABLE_END).map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..at]);
        let mut table = &rest[at..end];
        for _ in 0..n {
            let Some(p) = table.find(ROW_PROPERTIES) else {
                break;
            };
            out.push_str(&table[..p + ROW_PROPERTIES.len()]);
            out.push_str("<w:tblHeader />");
            table = &table[p + ROW_PROPERTIES.len()..];
        }
        out.push_str(table);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn section(d: Docx, s: &Section, titles: &mut usize) -> Docx {
    let mut paragraphs = s.paragraphs.iter();
    let spacing = LineSpacing::new().before(120).after(120);
    let heading = match s.level {
        0 => {
            *titles += 1;
            let size = if *titles == 1 { TITLE } else { TITLE - 8 };
            Paragraph::new()
                .add_run(run(&s.heading, "黑体", size).bold())
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(240).after(240))
        }
        1 => Paragraph::new()
            .add_run(run(&heading_text(s), "黑体", BODY))
            .line_spacing(spacing)
            .keep_next(true),
        _ if inline_heading(s) => {
            let first = paragraphs.next().map_or("", |p| p.text.as_str());
            body_paragraph()
                .add_run(run(&heading_text(s), "楷体", BODY).bold())
                .add_run(run(first, "仿宋", BODY))
        }
        _ => Paragraph::new()
            .add_run(run(&heading_text(s), "楷体", BODY))
            .line_spacing(spacing)
            .keep_next(true),
    };
    let mut d = d.add_paragraph(heading);
    for p in paragraphs {
        d = d.add_paragraph(body_paragraph().add_run(run(&p.text, "仿宋", BODY)));
    }
    d
}

/// A paragraph of the narrative: justified, its first line indented by two characters.
fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * 320)),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().after(60))
}

/// The display width of a text: a CJK character takes two columns.
fn columns(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Column widths (twentieths of a point) from the content: each column as wide as its widest
/// single-column cell (within bounds), the whole scaled to the text's width.
fn widths(t: &yusuan_core::Table, width: usize) -> Vec<usize> {
    let merges = Merges::of(t);
    let mut need = vec![4usize; width];
    for (r, row) in t.header.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            if merges.extent(r, c).1 == 1 && !merges.hidden(r, c) {
                need[c] = need[c].max(columns(&cell.text).min(16));
            }
        }
    }
    for row in &t.rows {
        let n = row.cells.len();
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            // The last cell of a short row spans the rest of the row.
            if c + 1 < n || n == width {
                need[c] = need[c].max(columns(&cell.text).min(36));
            }
        }
    }
    let total: usize = need.iter().sum::<usize>().max(1);
    need.iter().map(|n| n * TEXT_WIDTH / total).collect()
}

fn cell_paragraph(text: &str, align: AlignmentType, bold: bool) -> Paragraph {
    let r = run(text, "仿宋", CELL);
    Paragraph::new()
        .add_run(if bold { r.bold() } else { r })
        .align(align)
}

fn table(d: Docx, t: &yusuan_core::Table) -> Docx {
    let centred = |text: &str, size: usize| {
        Paragraph::new()
            .add_run(run(text, "黑体", size))
            .align(AlignmentType::Center)
    };
    // Each table starts a page.
    let mut d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    if let Some(n) = &t.number {
        d = d.add_paragraph(centred(n, BODY - 4));
    }
    d = d.add_paragraph(centred(&t.title, BODY));
    if let Some(u) = t.unit {
        d = d.add_paragraph(
            Paragraph::new()
                .add_run(run(&format!("单位：{}", u.label()), "仿宋", CELL + 4))
                .align(AlignmentType::Right),
        );
    }
    let width = crate::grid_width(t).max(1);
    let grid = widths(t, width);
    let span_width = |from: usize, cols: usize| grid[from..(from + cols).min(width)].iter().sum();
    let merges = Merges::of(t);
    let mut rows = Vec::new();
    for (r, row) in t.header.iter().enumerate() {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < width {
            if let Some((r0, c0)) = merges.origin(r, c) {
                let cols = merges.extent(r0, c0).1.max(1);
                if c0 == c && r0 < r {
                    // The rows below a vertical merge's first: a continuing cell as wide.
                    cells.push(
                        TableCell::new()
                            .add_paragraph(Paragraph::new())
                            .vertical_merge(VMergeType::Continue)
                            .grid_span(cols)
                            .width(span_width(c, cols), WidthType::Dxa),
                    );
                    c += cols;
                } else {
                    c += 1;
                }
                continue;
            }
            let (down, cols) = merges.extent(r, c);
            let cols = cols.clamp(1, width - c);
            let text = row.cells.get(c).map_or("", |x| x.text.as_str());
            let mut cell = TableCell::new()
                .add_paragraph(cell_paragraph(text, AlignmentType::Center, true))
                .vertical_align(VAlignType::Center)
                .grid_span(cols)
                .width(span_width(c, cols), WidthType::Dxa);
            if down > 1 {
                cell = cell.vertical_merge(VMergeType::Restart);
            }
            cells.push(cell);
            c += cols;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    for row in &t.rows {
        let total = row.cells.iter().any(|c| {
            let x = c.text.trim();
            x == "合计" || x == "收入合计" || x == "支出合计"
        });
        let n = row.cells.len();
        let mut cells = Vec::new();
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            let align = if matches!(cell.value, CellValue::Amount(_)) {
                AlignmentType::Right
            } else {
                AlignmentType::Left
            };
            // The last printed cell of a short row spans the rest (goal texts, 填报单位).
            let cols = if c + 1 == n && n < width {
                width - c
            } else {
                1
            };
            cells.push(
                TableCell::new()
                    .add_paragraph(cell_paragraph(&cell.text, align, total))
                    .vertical_align(VAlignType::Center)
                    .grid_span(cols)
                    .width(span_width(c, cols), WidthType::Dxa),
            );
        }
        if cells.is_empty() {
            continue;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    d = d.add_table(
        Table::new(rows)
            .set_grid(grid.clone())
            .layout(TableLayoutType::Fixed)
            .align(TableAlignmentType::Center)
            .width(grid.iter().sum(), WidthType::Dxa),
    );
    for n in &t.notes {
        d = d.add_paragraph(Paragraph::new().add_run(run(&n.value, "仿宋", CELL + 4)));
    }
    d
}
