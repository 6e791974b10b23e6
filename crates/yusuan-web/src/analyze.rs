//! What an upload becomes before it is stored: read (PDF, Excel, text) or, for a budget source,
//! published and read back; audited; summarised. Through the same library calls as `yusuan
//! check` and `yusuan publish` (`yusuan_pipeline`), so the web and the command line give the
//! same findings.

use yusuan_audit::report::Report;
use yusuan_audit::Auditor;
use yusuan_core::budget::{Budget, BudgetError};
use yusuan_core::Document;
use yusuan_store::{DocumentKind, NewDocument};

/// Whether the bytes are a budget source (TOML with a `[unit]` table) rather than a disclosure.
pub fn is_budget_source(filename: &str, bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    filename.to_ascii_lowercase().ends_with(".toml")
        || text.lines().any(|l| l.trim() == "[unit]") && text.contains("year")
}

/// Why an upload or a stored budget source cannot be used, said to the person who sent it.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// A budget source's problems, one per line with its TOML line number.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Source(Vec<BudgetError>),
    #[error("预算源文件不是 UTF-8 文本")]
    NotUtf8,
    #[error(transparent)]
    Publish(#[from] yusuan_publish::PublishError),
    #[error(transparent)]
    Read(#[from] yusuan_pipeline::ReadError),
    #[error("生成的文本无法读回")]
    ReadBack,
    #[error("审核结果无法保存：{0}")]
    Json(#[from] serde_json::Error),
}

/// A budget source, checked.
pub fn budget(text: &str) -> Result<Budget, AnalyzeError> {
    Budget::from_toml(text).map_err(AnalyzeError::Source)
}

/// The disclosure a budget source publishes to (the profile its region names).
pub fn published(budget: &Budget) -> Result<Document, AnalyzeError> {
    Ok(yusuan_publish::derive(budget, None)?)
}

/// Read and audit an upload. `Err` carries the reason it could not be read, for the person
/// who uploaded it (a file that cannot be read is not stored).
pub fn analyze(
    filename: &str,
    bytes: Vec<u8>,
    auditor: &Auditor,
    uploaded_by: Option<i64>,
) -> Result<NewDocument, AnalyzeError> {
    let (kind, checked) = if is_budget_source(filename, &bytes) {
        let source = std::str::from_utf8(&bytes).map_err(|_| AnalyzeError::NotUtf8)?;
        let publication = yusuan_pipeline::publish(&budget(source)?, None, &[])?;
        // Audit what a reader will see: the published text read back.
        let checked = publication
            .text_checked(filename, auditor)
            .ok_or(AnalyzeError::ReadBack)?;
        (DocumentKind::BudgetSource, checked)
    } else {
        let checked = yusuan_pipeline::check(filename, &bytes, auditor)?;
        (DocumentKind::Disclosure, checked)
    };
    let o = checked.overview();
    let report_json = serde_json::to_string(&Report::new(&checked.doc, &checked.findings))?;
    let document_json = serde_json::to_string(&checked.doc)?;
    Ok(NewDocument {
        filename: filename.to_string(),
        kind,
        content: bytes,
        unit: o.unit,
        year: o.year,
        region: o.region,
        scope: o.scope,
        stage: o.kind,
        errors: o.summary.errors as i64,
        warnings: o.summary.warnings as i64,
        infos: o.summary.infos as i64,
        status: o.summary.status(),
        source_text: checked.text,
        document_json,
        report_json,
        uploaded_by,
    })
}

/// A file name as a label only: no directories, no control characters, at most 120 characters.
/// Uploaded names never become paths; this keeps them harmless in pages and headers too.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "未命名".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_become_paths() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\a\\预算.pdf"), "预算.pdf");
        assert_eq!(clean_name(".."), "未命名");
        assert_eq!(clean_name("a\u{0}b<script>.txt"), "abscript.txt");
    }

    #[test]
    fn budget_sources_are_told_from_disclosures() {
        assert!(is_budget_source("b.toml", b"year = 2025"));
        assert!(is_budget_source(
            "b.txt",
            b"year = 2025\n[unit]\nname = \"x\""
        ));
        assert!(!is_budget_source("b.txt", "2025年部门预算".as_bytes()));
        assert!(!is_budget_source("b.toml", b"%PDF-\xff"));
    }
}
