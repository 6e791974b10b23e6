//! One document's audit as a report: the shape of `yusuan check --format json` and of the web
//! API, so that both say the same thing.

use crate::{Finding, Severity};
use serde::{Deserialize, Serialize};
use yusuan_core::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The reader recognised the layout and audited the document.
    pub audited: bool,
}

impl Summary {
    pub fn of(doc: &Document, findings: &[Finding]) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            audited: doc.profile.is_some(),
        }
    }

    /// 通过 / 有错误 / 有警告 / 未核对.
    pub fn status(&self) -> Status {
        if !self.audited {
            Status::Unchecked
        } else if self.errors > 0 {
            Status::Errors
        } else if self.warnings > 0 {
            Status::Warnings
        } else {
            Status::Passed
        }
    }
}

/// What an audit concluded of a document as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// 通过: audited, no error and no warning.
    Passed,
    /// 有错误
    Errors,
    /// 有警告
    Warnings,
    /// 未核对: the layout was not recognised (or a 决算), so nothing was checked.
    Unchecked,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Passed,
        Status::Warnings,
        Status::Errors,
        Status::Unchecked,
    ];

    /// The stable code a store keeps: `passed`, `errors`, `warnings`, `unchecked`.
    pub const fn code(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Errors => "errors",
            Status::Warnings => "warnings",
            Status::Unchecked => "unchecked",
        }
    }

    /// 通过 / 有错误 / 有警告 / 未核对.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Passed => "通过",
            Status::Errors => "有错误",
            Status::Warnings => "有警告",
            Status::Unchecked => "未核对",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A status named by its label or its code (a filter in a query).
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.label() == name || s.code() == name)
    }
}

/// A report read back from its JSON (a stored one): what a report page shows. Reading it fails
/// for JSON that is not a report, which a page must say rather than show no findings.
#[derive(Debug, Deserialize)]
pub struct StoredReport {
    pub source: String,
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
pub struct Report<'a> {
    pub source: &'a str,
    pub profile: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub year: Option<i32>,
    pub findings: &'a [Finding],
    pub summary: Summary,
}

impl<'a> Report<'a> {
    pub fn new(doc: &'a Document, findings: &'a [Finding]) -> Report<'a> {
        Report {
            source: &doc.source,
            profile: doc.profile.as_deref(),
            unit: doc.unit_name.as_ref().map(|u| u.value.as_str()),
            year: doc.year.as_ref().map(|y| y.value),
            findings,
            summary: Summary::of(doc, findings),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;
    use yusuan_core::{ColumnRole, Span};

    #[test]
    fn a_stored_report_reads_back_as_the_findings_it_was_made_of() {
        let findings = vec![Finding {
            rule: crate::READ_DOUBT.id.into(),
            severity: Severity::Warning,
            message: "表一的读取可能有误".to_string(),
            locations: vec![
                Location::new(Span::line(12, Some(3)), Some("表一".to_string()))
                    .in_column(ColumnRole::Total),
            ],
        }];
        let doc = Document::default();
        let json = serde_json::to_string(&Report::new(&doc, &findings)).expect("serialises");
        let back: StoredReport = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.findings, findings);
        assert!(serde_json::from_str::<StoredReport>("{}").is_err());
        assert!(serde_json::from_str::<StoredReport>(
            r#"{"source":"x","findings":[{"rule":"r"}]}"#
        )
        .is_err());
    }
}
