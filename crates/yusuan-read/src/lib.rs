//! yusuan-read: readers that turn a published disclosure into a [`Document`].
//!
//! The text reader takes text extracted from a PDF, with cells separated by tabs or aligned by
//! spaces (`pdftotext -layout`). It recognises the region by its [`Profile`], finds the tables by
//! their titles, reads the narrative into sections, paragraphs and stated figures, and notes
//! whatever it could not recover instead of guessing.

pub mod budget;
mod columns;
#[cfg(feature = "docx")]
pub mod docx;
#[cfg(feature = "excel")]
pub mod excel;
#[cfg(feature = "html")]
pub mod html;
mod layout;
pub mod lines;
mod narrative;
#[cfg(feature = "pdf")]
pub mod pdf;
mod tables;
mod titles;
#[cfg(any(feature = "excel", feature = "docx"))]
mod zipped;

pub use yusuan_core::profile::{self, Profile};

/// Our words for a failure, the library's own message after them (see `yusuan_core::reason`).
#[cfg(any(feature = "pdf", feature = "excel", feature = "docx"))]
pub(crate) fn reason_detail(what: &str, library: impl std::fmt::Display) -> String {
    yusuan_core::reason::detail(what, library)
}
pub use tables::{is_code, is_total_label};

use yusuan_core::{
    Catalog, Classification, DocKind, Document, ReadNote, ReadNoteKind, Span, TableKind,
};

/// Why an input could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件 {path}：{}", yusuan_core::reason::io(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} 不是 UTF-8 文本（可能是 GBK 编码或二进制文件），请先转换为 UTF-8")]
    NotUtf8(String),
    #[error("无法读取 PDF 文件 {path}：{why}")]
    Pdf { path: String, why: String },
    #[error("无法读取 Excel 文件 {path}：{why}")]
    Excel { path: String, why: String },
    #[error("无法读取 HTML 文件 {path}：{why}")]
    Html { path: String, why: String },
    #[error("无法读取 Word 文件 {path}：{why}")]
    Docx { path: String, why: String },
    #[error("{0} 是空文件")]
    Empty(String),
}

/// Read a disclosure from bytes (the file's content) named `source`.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    read_bytes_with_text(source, bytes).map(|(doc, _)| doc)
}

/// Read a disclosure and also return the text its line numbers refer to: the file itself for
/// text, the laid-out text for a PDF.
pub fn read_bytes_with_text(source: &str, bytes: &[u8]) -> Result<(Document, String), ReadError> {
    let extracted = extract(source, bytes)?;
    let doc = read_extracted(source, &extracted);
    Ok((doc, extracted.text))
}

/// Several files read as one document (a disclosure published as a narrative file and a
/// tables file): their texts joined with a page break, in order, under the names joined with
/// " + ". Returns the document and the joined text its line numbers refer to.
pub fn read_parts(parts: &[(String, Vec<u8>)]) -> Result<(Document, String), ReadError> {
    let mut joined = Extracted {
        pages: Some(0),
        ..Extracted::default()
    };
    for (name, bytes) in parts {
        let part = extract(name, bytes)?;
        joined.values |= part.values;
        joined.pages = joined
            .pages
            .zip(part.pages)
            .map(|(a, b)| a.saturating_add(b));
        let (pages_before, lines_before) = if joined.text.is_empty() {
            (0, 0)
        } else {
            joined.text.push('\u{c}');
            let count = |c: char| u32::try_from(joined.text.matches(c).count()).unwrap_or(u32::MAX);
            (count('\u{c}'), count('\n'))
        };
        joined.text.push_str(&part.text);
        if !joined.text.ends_with('\n') {
            joined.text.push('\n');
        }
        joined
            .cut_lines
            .extend(part.cut_lines.into_iter().map(|c| yusuan_core::CutLine {
                page: c.page.saturating_add(pages_before),
                line: c.line.saturating_add(lines_before),
                ..c
            }));
    }
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    let doc = read_extracted(&names.join(" + "), &joined);
    Ok((doc, joined.text))
}

/// What a reader takes from an input before it is read as a disclosure: the text (a PDF laid
/// out as text, pages separated by form feeds) and what the page geometry says that the text
/// cannot.
#[derive(Clone, Debug, Default)]
pub struct Extracted {
    pub text: String,
    /// Lines the page's clip cuts through (PDF only).
    pub cut_lines: Vec<yusuan_core::CutLine>,
    /// How many pages were read, where the input has pages (PDF): text cannot tell a blank
    /// last page from a final form feed, a PDF can.
    pub pages: Option<u32>,
    /// The text holds a workbook's cell values, not printed text: a code piece 2 in a cell may
    /// show as 02 by its format, so a short code is not a printing slip.
    pub values: bool,
}

/// Read extracted text as a disclosure, keeping what the geometry said.
pub fn read_extracted(source: &str, extracted: &Extracted) -> Document {
    let mut doc = read_paged(source, &extracted.text, extracted.pages);
    doc.cut_lines = extracted.cut_lines.clone();
    if extracted.values {
        for t in &mut doc.tables {
            t.short_codes.clear();
        }
    }
    doc
}

/// The text of an input: UTF-8 text as it is, a PDF laid out as text.
pub fn bytes_to_text(source: &str, bytes: &[u8]) -> Result<String, ReadError> {
    extract(source, bytes).map(|e| e.text)
}

/// The text of an input and, for a PDF, what its geometry says (see [`Extracted`]).
pub fn extract(source: &str, bytes: &[u8]) -> Result<Extracted, ReadError> {
    if looks_like_pdf(bytes) {
        return pdf_extract(source, bytes);
    }
    let plain = |text: String| Extracted {
        text,
        ..Extracted::default()
    };
    // A Word document is a zip too: asked before the workbooks.
    #[cfg(feature = "docx")]
    if docx::looks_like_docx(source, bytes) {
        return docx::docx_to_text(source, bytes).map(plain);
    }
    #[cfg(feature = "excel")]
    if excel::looks_like_workbook(bytes) {
        return excel::workbook_to_text(source, bytes).map(|text| Extracted {
            text,
            values: true,
            ..Extracted::default()
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotUtf8(source.to_string()))?;
    if text.contains('\0') {
        return Err(ReadError::NotUtf8(source.to_string()));
    }
    if text.trim().is_empty() {
        return Err(ReadError::Empty(source.to_string()));
    }
    #[cfg(feature = "html")]
    if html::looks_like_html(source, text) {
        return html::html_to_text(source, text).map(plain);
    }
    Ok(plain(text.to_string()))
}

fn most_common(
    mentions: &[yusuan_core::Mention],
    what: yusuan_core::MentionKind,
) -> Option<yusuan_core::Spanned<String>> {
    let of_kind: Vec<&yusuan_core::Mention> = mentions.iter().filter(|m| m.what == what).collect();
    of_kind
        .iter()
        .max_by_key(|m| of_kind.iter().filter(|o| o.text == m.text).count())
        .map(|m| yusuan_core::Spanned {
            value: m.text.clone(),
            span: m.span,
        })
}

/// PDF files start with `%PDF` (some producers put a little junk before it).
fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes.len() >= 5
        && bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
}

#[cfg(feature = "pdf")]
fn pdf_extract(source: &str, bytes: &[u8]) -> Result<Extracted, ReadError> {
    pdf::pdf_extract(source, bytes)
}

#[cfg(not(feature = "pdf"))]
fn pdf_extract(source: &str, _bytes: &[u8]) -> Result<Extracted, ReadError> {
    Err(ReadError::Pdf {
        path: source.to_string(),
        why: "本程序构建时未启用 PDF 读取（feature \"pdf\"）".to_string(),
    })
}

/// Read a disclosure from a file.
pub fn read_path(path: &std::path::Path) -> Result<Document, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    read_bytes(&path.display().to_string(), &bytes)
}

/// Pages between the first and the last page with text that hold none themselves (a page
/// number alone counts as none), and, where the page count is known (a PDF), the pages after
/// the last with text.
fn blank_pages(lines: &[lines::Line], pages: Option<u32>) -> Vec<u32> {
    let Some(last) = lines.last().and_then(|l| l.page) else {
        return Vec::new();
    };
    let mut has_text = vec![false; last as usize + 1];
    for l in lines {
        let t = l.trimmed();
        if let Some(p) = l.page {
            if !t.is_empty() && !lines::is_page_number(t) {
                has_text[p as usize] = true;
            }
        }
    }
    let (Some(first), Some(end)) = (
        has_text.iter().position(|h| *h),
        has_text.iter().rposition(|h| *h),
    ) else {
        return Vec::new();
    };
    let trailing = pages.map_or(0..0, |n| end + 1..n as usize + 1);
    (first..end)
        .filter(|&p| !has_text[p])
        .chain(trailing)
        .filter_map(|p| u32::try_from(p).ok())
        .collect()
}

/// Read a disclosure from text.
pub fn read_text(source: &str, text: &str) -> Document {
    read_paged(source, text, None)
}

/// Read a disclosure from text of `pages` pages, where the input knows it.
fn read_paged(source: &str, text: &str, pages: Option<u32>) -> Document {
    let lines = lines::split_lines(text);
    // Profiles are recognised by titles: the short lines, without their spaces.
    let titles: String = lines
        .iter()
        .map(|l| l.trimmed())
        .filter(|t| !t.is_empty() && t.len() <= 180)
        .map(lines::compact)
        .collect::<Vec<_>>()
        .join("\n");
    let profiles = Profile::builtin();
    let profile = profiles.iter().find(|p| p.detects(&titles));
    let catalog = Catalog::builtin(Classification::Functional);

    let mut doc = Document {
        source: source.to_string(),
        ..Document::default()
    };
    let Some(profile) = profile else {
        // Read the title anyway, so the note can say what the document is.
        let n = narrative::read(&lines[..lines.len().min(40)], &[]);
        doc.title = n.title;
        doc.unit_name = n.unit_name;
        doc.year = n.year;
        doc.kind = n.kind;
        // A cover whose title (its first characters) says 决算 and not 预算.
        let cover: String = titles.chars().filter(|c| *c != '\n').take(60).collect();
        if cover.contains("决算") && !cover.contains("预算") {
            doc.kind = DocKind::FinalAccounts;
        }
        doc.scope = n.scope;
        let what = if doc.kind == DocKind::FinalAccounts {
            (
                ReadNoteKind::UnsupportedKind,
                "这是一份决算（部门决算），本版本只审核预算公开文件，未作核对".to_string(),
            )
        } else {
            (
                ReadNoteKind::UnsupportedLayout,
                format!(
                    "未能识别该文件的版式（已支持：{}），未作核对",
                    profiles
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )
        };
        doc.notes.push(ReadNote {
            kind: what.0,
            message: what.1,
            span: Span::line(1, lines.first().and_then(|l| l.page)),
        });
        return doc;
    };
    doc.profile = Some(profile.id.clone());
    doc.blank_pages = blank_pages(&lines, pages);

    let starts = titles::find_table_starts(&lines, profile);
    let narrative_end = starts.first().map_or(lines.len(), |s| s.first);
    let mut assembled = tables::assemble(&lines, &starts, profile);
    tables::adopt_fragments(&mut assembled.tables, &mut assembled.notes, profile);

    // 类 names: from the catalog and from the tables' 3-digit function codes.
    let mut class_names: Vec<String> = Vec::new();
    for t in &assembled.tables {
        let func = matches!(
            t.kind,
            Some(
                TableKind::GeneralBudgetByFunction
                    | TableKind::DeptExpenditure
                    | TableKind::DeptIncome
                    | TableKind::GovFundByFunction
            )
        );
        if !func {
            continue;
        }
        for r in &t.rows {
            if r.text(0).len() == 3 && is_code(r.text(0)) && !r.text(1).is_empty() {
                class_names.push(yusuan_core::catalog::normalize_name(r.text(1)));
            }
        }
    }
    for code in [
        "201", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215",
        "216", "217", "219", "220", "221", "222", "224", "227", "229", "230", "231", "232", "233",
    ] {
        if let Some(name) = catalog.name(code, None) {
            class_names.push(name.to_string());
        }
    }
    class_names.sort();
    class_names.dedup();

    // The narrative: the lines before the first table, and any after a table where it resumes.
    let mut narrative_lines: Vec<lines::Line> = lines[..narrative_end].to_vec();
    for (a, b) in &assembled.narrative {
        narrative_lines.extend_from_slice(&lines[*a..*b]);
    }
    let n = narrative::read(&narrative_lines, &class_names);
    doc.title = n.title;
    doc.unit_name = n.unit_name;
    doc.year = n.year;
    doc.kind = n.kind;
    // A profile of 决算 reads only 决算 (its tables say so whatever the cover's words).
    if profile.doc_kind == DocKind::FinalAccounts {
        doc.kind = DocKind::FinalAccounts;
    }
    doc.scope = n.scope;
    doc.sections = n.sections;
    doc.figures = n.figures;
    doc.counts = n.counts;
    doc.mentions = n.mentions;
    doc.contents = n.contents;
    doc.mentions.extend(assembled.mentions);
    // A file of tables alone names its unit and year in the tables ("部门：…").
    if doc.unit_name.is_none() {
        doc.unit_name = most_common(&doc.mentions, yusuan_core::MentionKind::UnitName);
    }
    if doc.year.is_none() {
        doc.year = most_common(&doc.mentions, yusuan_core::MentionKind::Year).and_then(|y| {
            y.value.parse().ok().map(|v| yusuan_core::Spanned {
                value: v,
                span: y.span,
            })
        });
    }
    doc.tables = assembled.tables;
    doc.notes.extend(assembled.notes);
    if doc.kind == DocKind::FinalAccounts && profile.doc_kind != DocKind::FinalAccounts {
        doc.notes.push(ReadNote {
            kind: ReadNoteKind::UnsupportedKind,
            message: "这是一份决算，本版本只审核预算公开文件".to_string(),
            span: Span::line(1, None),
        });
    }
    doc
}
