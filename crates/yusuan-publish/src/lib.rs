//! yusuan-publish: a Budget becomes the disclosure of its region's template.
//!
//! [`derive`] builds the printed [`Document`] (tables projected from the line items, narrative
//! computed from them); the renderers turn that Document into text ([`text`]), one standalone
//! HTML file ([`html`]), an XLSX workbook ([`xlsx`], feature `xlsx`), a PDF ([`pdf`],
//! feature `pdf`, typst as a library) and a Word document ([`docx`], feature `docx`). Every
//! output shows the same Document, so what the audit reads back from any of them is what the
//! Budget says.

mod derive;
#[cfg(feature = "docx")]
pub mod docx;
#[cfg(feature = "xlsx")]
pub mod form;
pub mod html;
mod merges;
mod narrative;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod template;
pub mod text;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use yusuan_core::budget::Budget;
use yusuan_core::{DocKind, Document, Span, Spanned};

pub use narrative::NarrativeError;
pub use template::{Template, TemplateError};

/// The ids of the bundled region templates, for messages and choices.
pub fn template_ids() -> Vec<&'static str> {
    Template::builtin().iter().map(|t| t.id.as_str()).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("不支持的地区模板“{0}”（可用：{list}）", list = template_ids().join("、"))]
    UnknownProfile(String),
    #[error("生成 {format} 失败：{message}")]
    Render {
        format: &'static str,
        message: String,
    },
    #[error("写入文件失败：{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Narrative(#[from] narrative::NarrativeError),
    /// Line items whose basic / project split is unknown, for a template that prints it.
    #[error("地区模板“{template}”分列基本支出和项目支出，但底稿中 {} 个科目只有本年合计、未分基本和项目（原文未列，未作推测）：{}；请在底稿中拆分后再生成", .items.len(), .items.iter().take(5).cloned().collect::<Vec<_>>().join("、") + if .items.len() > 5 { " 等" } else { "" })]
    Unsplit {
        template: String,
        /// "2040401 行政运行 12,268.62万元", in source order.
        items: Vec<String>,
    },
}

/// A format a disclosure is published in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Txt,
    Html,
    Xlsx,
    Pdf,
    Docx,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Txt,
        Format::Html,
        Format::Xlsx,
        Format::Pdf,
        Format::Docx,
    ];

    /// The file extension, which is also the format's name on the command line: `pdf`.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }

    /// How the format is named to a user: 文本, PDF.
    pub const fn label(self) -> &'static str {
        match self {
            Format::Txt => "文本",
            Format::Html => "HTML",
            Format::Xlsx => "XLSX",
            Format::Pdf => "PDF",
            Format::Docx => "Word",
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Txt => "text/plain; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// Whether our readers read this format, so that what was written can be audited as a
    /// reader will see it: every format is (yusuan-read reads text, HTML, XLSX, PDF and DOCX).
    pub const fn is_read_back(self) -> bool {
        true
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// The bytes of `doc`, derived from `budget`, in `format`: as [`render`], the XLSX also
/// carrying the source's sheets.
pub fn render_source(
    doc: &Document,
    #[cfg_attr(not(feature = "xlsx"), allow(unused_variables))] budget: &Budget,
    format: Format,
) -> Result<Vec<u8>, PublishError> {
    match format {
        #[cfg(feature = "xlsx")]
        Format::Xlsx => xlsx::render_with_source(doc, Some(budget)),
        _ => render(doc, format),
    }
}

/// The bytes of `doc` in `format`.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, PublishError> {
    match format {
        Format::Txt => Ok(text::render(doc).into_bytes()),
        Format::Html => Ok(html::render(doc).into_bytes()),
        #[cfg(feature = "xlsx")]
        Format::Xlsx => xlsx::render(doc),
        #[cfg(feature = "pdf")]
        Format::Pdf => pdf::render(doc),
        #[cfg(feature = "docx")]
        Format::Docx => docx::render(doc),
        #[allow(unreachable_patterns)]
        other => Err(PublishError::Render {
            format: other.extension(),
            message: "此版本未包含该格式".to_string(),
        }),
    }
}

/// The name published files share: `单位-2025年部门预算`, without characters a path cannot
/// hold.
pub fn file_stem(budget: &Budget) -> String {
    format!(
        "{}-{}年{}预算",
        budget.unit.name,
        budget.year,
        budget.unit.scope.label()
    )
    .chars()
    .map(|c| {
        if c == '/' || c == '\\' || c.is_control() {
            '_'
        } else {
            c
        }
    })
    .collect()
}

/// The disclosure of `budget` in the template of `profile` (the budget's region when `None`,
/// else Chongqing's), one of the bundled templates.
pub fn derive(budget: &Budget, profile: Option<&str>) -> Result<Document, PublishError> {
    let id = profile
        .or_else(|| (!budget.unit.region.is_empty()).then_some(budget.unit.region.as_str()))
        .unwrap_or("chongqing");
    let template =
        Template::find(id).ok_or_else(|| PublishError::UnknownProfile(id.to_string()))?;
    derive_with(budget, template)
}

/// The disclosure of `budget` in `template` (a bundled one or one read from a file).
pub fn derive_with(budget: &Budget, template: &Template) -> Result<Document, PublishError> {
    if template.prints_split() {
        let unit = budget.money_unit;
        let items: Vec<String> = budget
            .items()
            .filter(|i| !i.unsplit.is_zero())
            .map(|i| {
                format!(
                    "{} {} {}{}",
                    i.code,
                    budget.function_name(&i.code),
                    yusuan_core::format_fen(i.unsplit.fen(), unit),
                    unit.label()
                )
            })
            .collect();
        if !items.is_empty() {
            return Err(PublishError::Unsplit {
                template: template.id.clone(),
                items,
            });
        }
    }
    let (sections, after) = narrative::write(budget, template)?;
    let tables = derive::tables(template, budget);
    let title = sections
        .get(template.title_section)
        .map(|s| s.heading.clone());
    let sections_after_tables = after.len();
    let sections = sections.into_iter().chain(after).collect();
    Ok(Document {
        source: format!("{}（{} 年）", budget.unit.name, budget.year),
        profile: Some(template.id.clone()),
        title: title.map(|t| Spanned {
            value: t,
            span: Span::default(),
        }),
        unit_name: Some(Spanned {
            value: budget.unit.name.clone(),
            span: Span::default(),
        }),
        year: Some(Spanned {
            value: budget.year,
            span: Span::default(),
        }),
        kind: DocKind::Budget,
        scope: budget.unit.scope,
        sections,
        tables,
        sections_after_tables,
        ..Document::default()
    })
}

/// The printed form of a heading: "一、部门基本情况", "（一）收入预算。".
pub fn heading_text(s: &yusuan_core::Section) -> String {
    match (s.level, &s.number) {
        (1, Some(n)) => format!("{n}、{}", s.heading),
        (2, Some(n)) => format!("（{n}）{}", s.heading),
        _ => s.heading.clone(),
    }
}

/// Whether the first paragraph is printed on the heading's line ("（一）收入预算。2025 年…").
pub fn inline_heading(s: &yusuan_core::Section) -> bool {
    s.heading.ends_with('。')
}

/// The sections printed before the tables and those printed after them.
pub fn section_parts(doc: &Document) -> (&[yusuan_core::Section], &[yusuan_core::Section]) {
    let n = doc.sections.len();
    doc.sections.split_at(n - doc.sections_after_tables.min(n))
}

/// The number of grid columns of a table: its widest header or body row.
pub(crate) fn grid_width(t: &yusuan_core::Table) -> usize {
    t.header
        .iter()
        .chain(&t.rows)
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0)
}
