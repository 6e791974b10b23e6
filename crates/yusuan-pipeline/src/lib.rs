//! yusuan-pipeline: the two jobs every front end runs, written once.
//!
//! [`check`] reads a disclosure (PDF, text, HTML, workbook, Word document) and audits it; [`publish`] derives a
//! budget source's disclosure, renders it in the formats asked for, and [`Publication::read_back`]
//! reads each file back with our own readers and audits it, so that what is checked is what a
//! reader will see. `yusuan check` (one file or a batch), `yusuan publish` and the web workspace
//! (uploads, budget sources) call these: the same input gives the same findings everywhere, and
//! no front end repeats a step.

use yusuan_audit::report::Summary;
use yusuan_audit::{Auditor, Finding};
use yusuan_core::budget::Budget;
use yusuan_core::{DocKind, Document, Scope};
pub use yusuan_publish::{Format, PublishError};
pub use yusuan_read::ReadError;

/// A disclosure read and audited.
pub struct Checked {
    pub doc: Document,
    /// The text the findings' line numbers refer to (a PDF's laid-out text), for excerpts.
    pub text: String,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Checked {
    /// Audit a document already read.
    pub fn audit(doc: Document, text: String, auditor: &Auditor) -> Checked {
        let findings = auditor.check(&doc);
        let summary = Summary::of(&doc, &findings);
        Checked {
            doc,
            text,
            findings,
            summary,
        }
    }

    /// What one line of a summary says of the document (the batch's table, the workspace's
    /// overview).
    pub fn overview(&self) -> Overview {
        Overview {
            unit: self
                .doc
                .unit_name
                .as_ref()
                .map_or(String::new(), |u| u.value.clone()),
            year: self.doc.year.as_ref().map(|y| y.value),
            region: self.doc.profile.clone().unwrap_or_default(),
            scope: self.doc.scope,
            kind: self.doc.kind,
            summary: self.summary,
        }
    }
}

/// One document's line in a summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// The unit's name as the document prints it (empty when it names none).
    pub unit: String,
    pub year: Option<i32>,
    /// The region profile the document was read with (empty when none was recognised).
    pub region: String,
    pub scope: Scope,
    pub kind: DocKind,
    pub summary: Summary,
}

/// Read a disclosure's bytes (`name` says where they came from) and audit it.
pub fn check(name: &str, bytes: &[u8], auditor: &Auditor) -> Result<Checked, ReadError> {
    let (doc, text) = yusuan_read::read_bytes_with_text(name, bytes)?;
    Ok(Checked::audit(doc, text, auditor))
}

/// Several files read as one document (a narrative and its tables published apart), in order,
/// and audited.
pub fn check_parts(parts: &[(String, Vec<u8>)], auditor: &Auditor) -> Result<Checked, ReadError> {
    let (doc, text) = yusuan_read::read_parts(parts)?;
    Ok(Checked::audit(doc, text, auditor))
}

/// One file of a publication.
pub struct File {
    pub format: Format,
    pub bytes: Vec<u8>,
    /// Asked for, so to be written; the text is always made, to be audited, but written only
    /// when asked for.
    pub written: bool,
}

/// A budget source published: the document and its files, in the order asked for (the text
/// last when it was not asked for).
pub struct Publication {
    pub doc: Document,
    /// The name the files share: `单位-2025年部门预算`.
    pub stem: String,
    pub files: Vec<File>,
}

/// Publish `budget` in the template of `profile` (its region's when `None`) as `formats`.
pub fn publish(
    budget: &Budget,
    profile: Option<&str>,
    formats: &[Format],
) -> Result<Publication, PublishError> {
    let doc = yusuan_publish::derive(budget, profile)?;
    let mut files = formats
        .iter()
        .map(|&format| {
            Ok(File {
                format,
                bytes: yusuan_publish::render_source(&doc, budget, format)?,
                written: true,
            })
        })
        .collect::<Result<Vec<_>, PublishError>>()?;
    if !formats.contains(&Format::Txt) {
        files.push(File {
            format: Format::Txt,
            bytes: yusuan_publish::render(&doc, Format::Txt)?,
            written: false,
        });
    }
    Ok(Publication {
        stem: yusuan_publish::file_stem(budget),
        doc,
        files,
    })
}

impl Publication {
    /// Read `file` back as `name` with our readers and audit it; `None` for a format no reader
    /// reads (since every format is read, none today: see `Format::is_read_back`).
    pub fn read_back(
        &self,
        file: &File,
        name: &str,
        auditor: &Auditor,
    ) -> Option<Result<Checked, ReadError>> {
        file.format
            .is_read_back()
            .then(|| check(name, &file.bytes, auditor))
    }

    /// The text a reader reads, audited (a web upload's budget source is stored as this).
    pub fn text_checked(&self, name: &str, auditor: &Auditor) -> Option<Checked> {
        let text = self.files.iter().find(|f| f.format == Format::Txt)?;
        self.read_back(text, name, auditor)?.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Budget {
        let text = include_str!("../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
        Budget::from_toml(text).expect("the example is valid")
    }

    #[test]
    fn the_text_is_always_made_and_written_only_when_asked() {
        let b = example();
        let p = publish(&b, None, &[Format::Html]).expect("publishes");
        let made: Vec<_> = p.files.iter().map(|f| (f.format, f.written)).collect();
        assert_eq!(made, [(Format::Html, true), (Format::Txt, false)]);
        assert_eq!(p.stem, "重庆市大渡口区人民政府办公室-2025年部门预算");
        let auditor = Auditor::default();
        let html = p
            .read_back(&p.files[0], "x.html", &auditor)
            .expect("HTML is read back")
            .expect("the HTML reads");
        assert_eq!(html.summary.errors, 0, "the HTML reads back clean");
        assert_eq!(html.summary.warnings, 0, "the HTML reads back clean");
        let text = p
            .text_checked("x.txt", &auditor)
            .expect("the text reads back");
        assert_eq!(text.summary.errors, 0, "the example publishes clean");
        assert_eq!(text.overview().unit, "重庆市大渡口区人民政府办公室");
        assert_eq!(text.overview().year, Some(2025));
        let p = publish(&b, None, &[Format::Txt]).expect("publishes");
        assert_eq!(p.files.len(), 1);
    }

    #[test]
    fn an_unknown_template_is_refused() {
        let err = publish(&example(), Some("mars"), &[Format::Txt]).err();
        assert!(matches!(err, Some(PublishError::UnknownProfile(p)) if p == "mars"));
    }
}
