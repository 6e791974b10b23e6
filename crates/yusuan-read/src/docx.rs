//! Word documents (.docx), as offices finish a disclosure in Word or WPS.
//!
//! A .docx is a zip package (refused before anything is inflated when it would unpack too far,
//! as a workbook is); its body, `word/document.xml`, is read as XML events into the text the
//! text reader knows: each paragraph a line followed by a blank line (a centred one indented as
//! a centred title is in text; a line break inside it ends a line), each table row one line
//! of tab-separated cells. A cell spanning columns (`gridSpan`) keeps its text in its first
//! column and leaves the others blank, and one continuing a vertical merge (`vMerge`) is blank,
//! as a PDF's grid and a workbook's merged cells read. A table inside a cell is read as that
//! cell's text. Deleted text, field codes and the fallback copies of drawings are not read.

use crate::ReadError;
use quick_xml::events::{BytesStart, Event};

/// The most columns a table row may span.
pub const MAX_COLS: usize = 1_024;
/// The most cells all tables of a document may hold, spans counted.
pub const MAX_CELLS: usize = 1_000_000;
const WHAT: &str = "Word 文档";

/// Whether `bytes` (named `source`) are a Word document: a zip named .docx, or a zip whose
/// `[Content_Types].xml` names a WordprocessingML body.
pub fn looks_like_docx(source: &str, bytes: &[u8]) -> bool {
    if source.to_ascii_lowercase().ends_with(".docx") {
        return true;
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    crate::zipped::part(bytes, "[Content_Types].xml", WHAT, 1 << 20)
        .ok()
        .flatten()
        .is_some_and(|types| {
            String::from_utf8_lossy(&types).contains("wordprocessingml.document.main")
        })
}

/// The document's body as text in the layout the text reader reads.
pub fn docx_to_text(source: &str, bytes: &[u8]) -> Result<String, ReadError> {
    let bad = |why: String| ReadError::Docx {
        path: source.to_string(),
        why,
    };
    crate::zipped::check_zip(bytes, WHAT).map_err(bad)?;
    let xml = crate::zipped::part(
        bytes,
        "word/document.xml",
        WHAT,
        crate::zipped::MAX_UNPACKED,
    )
    .map_err(bad)?
    .ok_or_else(|| bad("压缩包中没有正文（word/document.xml），不是 Word 文档".to_string()))?;
    let xml = String::from_utf8(xml)
        .map_err(|_| bad("正文（word/document.xml）不是 UTF-8 编码".to_string()))?;
    let out = body_to_text(&xml).map_err(bad)?;
    if out.trim().is_empty() {
        return Err(ReadError::Empty(source.to_string()));
    }
    Ok(out)
}

/// A table being read.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    /// The open cell: its text, the columns it spans, whether it continues a vertical merge.
    cell: Option<Cell>,
}

#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    continues: bool,
}

#[derive(Default)]
struct Body {
    out: String,
    /// The open paragraph's text and whether it is centred.
    para: String,
    centred: bool,
    in_ppr: bool,
    in_text: bool,
    /// Depth inside an element whose text is not read (mc:Fallback).
    skip: usize,
    table: Option<Table>,
    /// Tables opened inside the open table's cell: read as that cell's text.
    nested: usize,
    cells: usize,
}

/// The `w:val` of an element (any prefix).
fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "val")
        .map(|a| a.value.into_owned())
}

fn body_to_text(xml: &str) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut b = Body::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| crate::reason_detail("正文（word/document.xml）不是有效的 XML", e))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                if b.skip > 0 || e.local_name().as_ref() == "Fallback" {
                    b.skip += 1;
                    continue;
                }
                b.start(&e, false);
            }
            Event::Empty(e) if b.skip == 0 => b.start(&e, true),
            Event::End(e) => {
                if b.skip > 0 {
                    b.skip -= 1;
                    continue;
                }
                b.end(e.local_name().as_ref());
            }
            Event::Text(t) if b.in_text && b.skip == 0 => {
                b.para.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if b.in_text && b.skip == 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                b.para.extend(c);
            }
            Event::CData(t) if b.in_text && b.skip == 0 => {
                b.para.push_str(&t.into_inner());
            }
            _ => {}
        }
        if b.cells > MAX_CELLS {
            return Err(format!("表格单元格超过 {MAX_CELLS} 个，不像一份预算公开表"));
        }
    }
    b.end_paragraph();
    while b.table.is_some() {
        b.end("tbl");
    }
    Ok(b.out)
}

impl Body {
    fn in_cell(&self) -> bool {
        self.table.as_ref().is_some_and(|t| t.cell.is_some())
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        match name.as_ref() {
            "t" if !empty => self.in_text = true,
            "pPr" if !empty => self.in_ppr = true,
            "jc" if self.in_ppr => {
                self.centred = val(e).is_some_and(|v| v == "center");
            }
            "tab" if !self.in_ppr => {
                self.para.push(if self.in_cell() { ' ' } else { '\t' });
            }
            "br" | "cr" => self.para.push('\n'),
            "p" if !empty => {
                self.para.clear();
                self.centred = false;
            }
            "tbl" if !empty => {
                if self.in_cell() || self.nested > 0 {
                    self.nested += 1;
                } else {
                    self.end_paragraph();
                    self.table = Some(Table::default());
                }
            }
            "tr" if !empty && self.nested == 0 => {
                if let Some(t) = &mut self.table {
                    t.row.clear();
                }
            }
            "gridBefore" if self.nested == 0 => {
                let n = val(e).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
                if let Some(t) = &mut self.table {
                    if t.cell.is_none() {
                        let n = n.min(MAX_COLS);
                        t.row.extend(std::iter::repeat_n(String::new(), n));
                    }
                }
            }
            "tc" if !empty && self.nested == 0 => {
                if let Some(t) = &mut self.table {
                    t.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            "gridSpan" if self.nested == 0 => {
                let n = val(e).and_then(|v| v.parse::<usize>().ok()).unwrap_or(1);
                if let Some(c) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                    c.span = n.clamp(1, MAX_COLS);
                }
            }
            "vMerge" if self.nested == 0 => {
                if let Some(c) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                    c.continues = val(e).is_none_or(|v| v == "continue");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "pPr" => self.in_ppr = false,
            "p" => self.end_paragraph(),
            "tbl" if self.nested > 0 => self.nested -= 1,
            "tc" if self.nested == 0 => self.end_cell(),
            "tr" if self.nested == 0 => {
                self.end_cell();
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            "tbl" => {
                self.end_cell();
                if let Some(t) = self.table.take() {
                    self.write_rows(t.rows);
                }
            }
            _ => {}
        }
    }

    /// A paragraph ends: in a cell its text joins the cell's, elsewhere it is written as lines.
    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.para);
        if let Some(c) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                if !c.text.is_empty() {
                    c.text.push(' ');
                }
                c.text.push_str(&t);
            }
            return;
        }
        let mut any = false;
        for line in text.split('\n') {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            crate::lines::write_line(&mut self.out, t, self.centred);
            any = true;
        }
        if any {
            self.out.push('\n');
        }
    }

    fn end_cell(&mut self) {
        let Some(t) = &mut self.table else { return };
        let Some(c) = t.cell.take() else { return };
        let text = if c.continues { String::new() } else { c.text };
        let room = MAX_COLS.saturating_sub(t.row.len());
        let span = c.span.min(room);
        if span == 0 {
            return;
        }
        t.row.push(text);
        t.row
            .extend(std::iter::repeat_n(String::new(), span.saturating_sub(1)));
        self.cells = self.cells.saturating_add(span);
    }

    /// A table's rows as tab-separated lines, then a blank line.
    fn write_rows(&mut self, rows: Vec<Vec<String>>) {
        if crate::lines::write_tabbed(&mut self.out, rows) {
            self.out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::CENTRED;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn body(inner: &str) -> String {
        body_to_text(&format!(
            "<w:document {W}><w:body>{inner}</w:body></w:document>"
        ))
        .expect("reads")
    }

    #[test]
    fn paragraphs_become_lines() {
        let t = body(
            "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>某单位2025年</w:t></w:r>\
             <w:r><w:t xml:space=\"preserve\">部门预算</w:t></w:r></w:p>\
             <w:p><w:r><w:t>收入 2,686.01 万元&amp;</w:t><w:br/><w:t>次行</w:t></w:r></w:p>\
             <w:p><w:r><w:delText>删去</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>",
        );
        assert_eq!(
            t,
            format!("{CENTRED}某单位2025年部门预算\n\n收入 2,686.01 万元&\n次行\n\n")
        );
    }

    #[test]
    fn merged_cells_keep_their_columns() {
        let cell = |props: &str, text: &str| {
            format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let t = body(&format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("<w:gridSpan w:val=\"2\"/>", "功能分类科目"),
            cell("<w:vMerge w:val=\"restart\"/>", "合计"),
            cell("", "科目编码"),
            cell("", "科目名称"),
            cell("<w:vMerge/>", ""),
            cell("<w:gridSpan w:val=\"2\"/>", "合计"),
            cell("", "2,686.01"),
        ));
        assert_eq!(
            t,
            "功能分类科目\t\t合计\n科目编码\t科目名称\t\n合计\t\t2,686.01\n\n"
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(body_to_text("<w:document><w:body><w:p></w:tbl>").is_err());
        let huge = body(&format!(
            "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"99999999\"/></w:tcPr></w:tc>\
             <w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>{}",
            "<w:p><w:r><w:t>y</w:t></w:r></w:p>"
        ));
        assert!(huge.ends_with("y\n\n"), "{huge}");
    }
}
