//! Many disclosures at once: read and audit in parallel (rayon), a progress bar on a terminal
//! (indicatif), then the reports in input order and a summary table (human, JSON lines, CSV).
//!
//! Each job renders its own report to a string and keeps one summary row, so memory stays
//! bounded by the output, not by the documents.

use crate::render;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use yusuan_audit::{Auditor, Finding};
use yusuan_pipeline::Checked;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Human { quiet: bool, color: bool },
    Json,
    Csv,
}

/// One file's line in the summary.
#[derive(Serialize, Clone)]
pub struct Row {
    pub file: String,
    pub unit: String,
    pub year: String,
    pub scope: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// 通过 / 有错误 / 有警告 / 未核对 / 无法读取：reason.
    pub status: String,
    /// 0 clean, 1 errors, 2 unreadable.
    #[serde(skip)]
    pub code: u8,
}

fn row_of(file: &str, checked: &Checked) -> Row {
    let o = checked.overview();
    Row {
        file: file.to_string(),
        unit: o.unit,
        year: o.year.map_or(String::new(), |y| y.to_string()),
        scope: o.scope.label().to_string(),
        errors: o.summary.errors,
        warnings: o.summary.warnings,
        infos: o.summary.infos,
        status: o.summary.status().label().to_string(),
        code: u8::from(o.summary.errors > 0),
    }
}

/// A CSV field, quoted when it must be.
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub const FINDINGS_CSV_HEADER: &str =
    "file,unit,year,rule,severity,line,end_line,page,table,message";
pub const SUMMARY_CSV_HEADER: &str = "file,unit,year,scope,errors,warnings,infos,status";

fn findings_csv(row: &Row, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let l = f.locations.first();
        out.push_str(
            &[
                csv(&row.file),
                csv(&row.unit),
                row.year.clone(),
                f.rule.to_string(),
                f.severity.label().to_string(),
                l.map_or(String::new(), |l| l.line.to_string()),
                l.map_or(String::new(), |l| l.end_line.to_string()),
                l.and_then(|l| l.page)
                    .map_or(String::new(), |p| p.to_string()),
                csv(l.and_then(|l| l.table.as_deref()).unwrap_or("")),
                csv(&f.message),
            ]
            .join(","),
        );
        out.push('\n');
    }
    out
}

pub fn summary_csv_line(r: &Row) -> String {
    format!(
        "{},{},{},{},{},{},{},{}\n",
        csv(&r.file),
        csv(&r.unit),
        r.year,
        r.scope,
        r.errors,
        r.warnings,
        r.infos,
        csv(&r.status)
    )
}

/// Render one input, read and audited.
fn one(input: &Result<Checked, String>, file: &str, output: Output) -> (String, Row) {
    let checked = match input {
        Ok(x) => x,
        Err(e) => {
            let row = Row {
                file: file.to_string(),
                unit: String::new(),
                year: String::new(),
                scope: String::new(),
                errors: 0,
                warnings: 0,
                infos: 0,
                status: format!("无法读取：{e}"),
                code: 2,
            };
            let report = match output {
                Output::Json => {
                    let v = serde_json::json!({"source": file, "unreadable": e});
                    format!("{v}\n")
                }
                _ => String::new(),
            };
            return (report, row);
        }
    };
    let row = row_of(file, checked);
    let Checked {
        doc,
        text,
        findings,
        ..
    } = checked;
    let mut buf = Vec::new();
    let _ = match output {
        Output::Json => render::json(&mut buf, doc, findings),
        Output::Human { quiet, color } => {
            render::human(&mut buf, doc, text, findings, quiet, color)
        }
        Output::Csv => {
            buf.extend_from_slice(findings_csv(&row, findings).as_bytes());
            Ok(())
        }
    };
    (String::from_utf8_lossy(&buf).into_owned(), row)
}

/// Check `files` with `jobs` threads (`check` reads and audits one); write the reports (unless
/// `summary_only`) and the summary. Returns the worst exit code.
pub fn run(
    files: &[PathBuf],
    check: impl Fn(&PathBuf, &Auditor) -> Result<Checked, String> + Sync,
    jobs: usize,
    output: Output,
    summary_only: bool,
    with_table: bool,
    out: &mut impl Write,
) -> io::Result<u8> {
    let bar = ProgressBar::with_draw_target(
        Some(files.len() as u64),
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} 审核中 [{bar:30}] {pos}/{len} {elapsed} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let auditor = Auditor::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(io::Error::other)?;
    let results: Vec<(String, Row)> = pool.install(|| {
        files
            .par_iter()
            .map(|f| {
                let name = f.display().to_string();
                let input = check(f, &auditor);
                let r = one(&input, &name, output);
                bar.set_message(name);
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut worst = 0u8;
    if matches!(output, Output::Csv) {
        writeln!(
            out,
            "{}",
            if summary_only {
                SUMMARY_CSV_HEADER
            } else {
                FINDINGS_CSV_HEADER
            }
        )?;
    }
    for (report, row) in &results {
        worst = worst.max(row.code);
        if summary_only {
            match output {
                Output::Csv => out.write_all(summary_csv_line(row).as_bytes())?,
                Output::Json => {
                    serde_json::to_writer(&mut *out, row).map_err(render::json_error)?;
                    writeln!(out)?;
                }
                Output::Human { .. } => {}
            }
        } else {
            out.write_all(report.as_bytes())?;
        }
        if row.code == 2 {
            eprintln!("yusuan: {}", row.status.trim_start_matches("无法读取："));
        }
    }
    if let (Output::Human { color, .. }, true) = (output, with_table || summary_only) {
        let rows: Vec<Row> = results.into_iter().map(|(_, r)| r).collect();
        table(out, &rows, color)?;
    }
    Ok(worst)
}

/// Display width of a cell (CJK counts two).
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The summary table for people, then the totals.
pub fn table(out: &mut impl Write, rows: &[Row], color: bool) -> io::Result<()> {
    let head = [
        "文件", "单位", "年度", "范围", "错误", "警告", "提示", "状态",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let file = std::path::Path::new(&r.file)
                .file_name()
                .map_or(r.file.clone(), |n| n.to_string_lossy().into_owned());
            [
                file,
                r.unit.clone(),
                r.year.clone(),
                r.scope.clone(),
                r.errors.to_string(),
                r.warnings.to_string(),
                r.infos.to_string(),
                r.status.clone(),
            ]
        })
        .collect();
    let mut widths = head.map(width);
    for c in &cells {
        for (i, v) in c.iter().enumerate().take(7) {
            widths[i] = widths[i].max(width(v));
        }
    }
    writeln!(out)?;
    let line: Vec<String> = head
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i < 7 {
                pad(h, widths[i])
            } else {
                h.to_string()
            }
        })
        .collect();
    writeln!(out, "{}", line.join("  "))?;
    for c in &cells {
        let status = &c[7];
        let painted = if color {
            let code = if status.starts_with("有错误") || status.starts_with("无法读取") {
                "1;31"
            } else if status.starts_with("有警告") {
                "1;33"
            } else if status == "通过" {
                "1;32"
            } else {
                "0"
            };
            format!("\x1b[{code}m{status}\x1b[0m")
        } else {
            status.clone()
        };
        let mut line: Vec<String> = c
            .iter()
            .take(7)
            .enumerate()
            .map(|(i, v)| pad(v, widths[i]))
            .collect();
        line.push(painted);
        writeln!(out, "{}", line.join("  "))?;
    }
    let n = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    writeln!(
        out,
        "\n共 {} 个文件：{} 个通过，{} 个有错误，{} 个有警告，{} 个未核对，{} 个无法读取",
        rows.len(),
        n(&|r| r.status == "通过"),
        n(&|r| r.status == "有错误"),
        n(&|r| r.status == "有警告"),
        n(&|r| r.status == "未核对"),
        n(&|r| r.code == 2),
    )
}
