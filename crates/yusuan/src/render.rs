//! Output: compiler-style diagnostics, JSON, and a document outline.

use std::io::{self, Write};
use yusuan_audit::report::Report;
use yusuan_audit::{Finding, Severity};
use yusuan_core::Document;

pub fn json(out: &mut impl Write, doc: &Document, findings: &[Finding]) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Report::new(doc, findings)).map_err(json_error)?;
    writeln!(out)
}

/// Cut a source line for display: tabs as two spaces, at most `max` characters.
pub(crate) fn excerpt(line: &str, max: usize) -> String {
    let s = line.replace('\t', "  ");
    let s = s.trim_end();
    if s.chars().count() > max {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

pub fn human(
    out: &mut impl Write,
    doc: &Document,
    text: &str,
    findings: &[Finding],
    quiet: bool,
    color: bool,
) -> io::Result<()> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_start_matches('\u{c}'))
        .collect();
    let paint = |s: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    for f in findings {
        if quiet && f.severity == Severity::Info {
            continue;
        }
        let (label, code) = match f.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Info => ("info", "1;36"),
        };
        writeln!(
            out,
            "{}{}",
            paint(&format!("{label}[{}]", f.rule), code),
            paint(&format!(": {}", f.message), "1")
        )?;
        for l in &f.locations {
            let page = l.page.map_or(String::new(), |p| format!(" 第{p}页"));
            let table = l
                .table
                .as_ref()
                .map_or(String::new(), |t| format!(" （{t}）"));
            let range = if l.end_line > l.line {
                format!("{}-{}", l.line, l.end_line)
            } else {
                l.line.to_string()
            };
            writeln!(
                out,
                "  {} {}:{}{}{}",
                paint("-->", "34"),
                doc.source,
                range,
                page,
                table
            )?;
            let shown = (l.end_line.saturating_sub(l.line) + 1).min(3);
            for n in l.line..l.line + shown {
                if let Some(src) = lines.get(n as usize - 1) {
                    if src.trim().is_empty() {
                        continue;
                    }
                    writeln!(
                        out,
                        "{} {}",
                        paint(&format!("{n:>5} |"), "34"),
                        excerpt(src, 90)
                    )?;
                }
            }
            if l.end_line >= l.line + shown {
                writeln!(out, "{} …", paint("      |", "34"))?;
            }
        }
        writeln!(out)?;
    }
    let s = yusuan_audit::report::Summary::of(doc, findings);
    let unit = doc
        .unit_name
        .as_ref()
        .map_or("（未识别单位）", |u| u.value.as_str());
    let year = doc
        .year
        .as_ref()
        .map_or(String::new(), |y| format!(" {}年", y.value));
    writeln!(
        out,
        "{}{}：{} 个错误，{} 个警告，{} 条提示{}",
        unit,
        year,
        s.errors,
        s.warnings,
        s.infos,
        if s.audited {
            ""
        } else {
            "（未审核：见上方说明）"
        }
    )
}

/// `yusuan read --format human`: what was recognised, one line per element.
pub fn outline(out: &mut impl Write, doc: &Document) -> io::Result<()> {
    writeln!(out, "来源：{}", doc.source)?;
    writeln!(out, "版式：{}", doc.profile.as_deref().unwrap_or("未识别"))?;
    if let Some(t) = &doc.title {
        writeln!(out, "标题：{}（第{}行）", t.value, t.span.line)?;
    }
    for s in &doc.sections {
        writeln!(
            out,
            "{}{} {}（第{}行，{}段）",
            "  ".repeat(s.level.saturating_sub(1) as usize),
            s.number.as_deref().unwrap_or(""),
            s.heading,
            s.span.line,
            s.paragraphs.len()
        )?;
    }
    for t in &doc.tables {
        writeln!(
            out,
            "{} {}（第{}-{}行，{}行数据）",
            t.number.as_deref().unwrap_or("无标题"),
            t.title,
            t.span.line,
            t.span.end_line,
            t.rows.len() + t.performance.as_ref().map_or(0, |p| p.indicators.len())
        )?;
    }
    writeln!(out, "说明中的数字：{} 个", doc.figures.len())?;
    // Amounts no rule can tie to what they are of (an item path naming no row, words naming
    // nothing the tables hold): listed, never silently dropped.
    let open = yusuan_audit::unresolved(doc);
    if !open.is_empty() {
        writeln!(out, "其中未能归属、无法与表格核对的：{} 个", open.len())?;
        for u in open {
            writeln!(
                out,
                "  第{}行 “{}” {}：{}",
                u.line,
                u.label.split_whitespace().collect::<Vec<_>>().join(" "),
                u.amount,
                u.why
            )?;
        }
    }
    for n in &doc.notes {
        writeln!(out, "注意：{}", n.message)?;
    }
    Ok(())
}

/// A JSON writer's failure as the I/O error it was, when it was one (a closed pipe stays a
/// closed pipe, which ends the command quietly).
pub fn json_error(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
}
