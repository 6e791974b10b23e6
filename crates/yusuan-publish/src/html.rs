//! Document -> one standalone HTML file (no external resources) with a print stylesheet:
//! A4 pages, each table starting on a new page with its header repeated across page breaks.

use crate::merges::Merges;
use crate::{heading_text, inline_heading};
use std::fmt::Write;
use yusuan_core::{CellValue, Document, Table};

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --rule: #555; --head: #eef1f5; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.8; font-size: 15px; }
h1 { text-align: center; font-size: 1.7rem; margin: 0.2rem 0; }
h1.unit { font-size: 1.4rem; margin-top: 2rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 0.4rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.2rem; }
p { text-indent: 2em; margin: 0.3rem 0; text-align: justify; }
section.table { margin-top: 2.5rem; }
.number { text-align: center; font-weight: bold; margin: 0; }
.title { text-align: center; font-size: 1.15rem; font-weight: bold; margin: 0.2rem 0; }
.unit-line { text-align: right; font-size: 0.9rem; margin: 0 0 0.2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; line-height: 1.4; }
th, td { border: 1px solid var(--rule); padding: 0.25rem 0.4rem; vertical-align: middle;
         min-width: 3em; }
/* A label column is never squeezed by a long text beside it (a goal table's 部门名称 / 绩效指标). */
th:first-child, td:first-child { min-width: 6em; }
th { background: var(--head); font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code { white-space: nowrap; }
tr.total td { font-weight: bold; }
.note { font-size: 0.85rem; margin-top: 0.3rem; text-indent: 0; }
@page { size: A4; margin: 18mm 15mm 20mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  section.table { break-before: page; margin-top: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"#;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

pub fn render(doc: &Document) -> String {
    let title = doc
        .title
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    let unit = doc
        .unit_name
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&unit),
        esc(&title)
    );
    let mut titles = 0;
    let (before, after) = crate::section_parts(doc);
    let mut emit_sections = |o: &mut String, sections: &[yusuan_core::Section]| {
        for s in sections {
            let mut paragraphs = s.paragraphs.iter();
            match s.level {
                0 => {
                    titles += 1;
                    let class = if titles == 1 { " class=\"unit\"" } else { "" };
                    let _ = writeln!(o, "<h1{class}>{}</h1>", esc(&s.heading));
                }
                1 => {
                    let _ = writeln!(o, "<h2>{}</h2>", esc(&heading_text(s)));
                }
                _ if inline_heading(s) => {
                    let first = paragraphs.next().map(|p| p.text.as_str()).unwrap_or("");
                    let _ = writeln!(
                        o,
                        "<p><strong>{}</strong>{}</p>",
                        esc(&heading_text(s)),
                        esc(first)
                    );
                }
                _ => {
                    let _ = writeln!(o, "<h3>{}</h3>", esc(&heading_text(s)));
                }
            }
            for p in paragraphs {
                let _ = writeln!(o, "<p>{}</p>", esc(&p.text));
            }
        }
    };
    emit_sections(&mut o, before);
    for t in &doc.tables {
        table(&mut o, t);
    }
    emit_sections(&mut o, after);
    o.push_str("</body>\n</html>\n");
    o
}

fn table(o: &mut String, t: &Table) {
    o.push_str("<section class=\"table\">\n");
    if let Some(n) = &t.number {
        let _ = writeln!(o, "<p class=\"number\">{}</p>", esc(n));
    }
    let _ = writeln!(o, "<p class=\"title\">{}</p>", esc(&t.title));
    if let Some(u) = t.unit {
        let _ = writeln!(o, "<p class=\"unit-line\">单位：{}</p>", u.label());
    }
    o.push_str("<table>\n");
    let merges = Merges::of(t);
    if !t.header.is_empty() {
        o.push_str("<thead>\n");
        for (r, row) in t.header.iter().enumerate() {
            o.push_str("<tr>");
            for (c, cell) in row.cells.iter().enumerate() {
                if merges.hidden(r, c) {
                    continue;
                }
                let mut attrs = String::new();
                let (rows, cols) = merges.extent(r, c);
                if rows > 1 {
                    let _ = write!(attrs, " rowspan=\"{rows}\"");
                }
                if cols > 1 {
                    let _ = write!(attrs, " colspan=\"{cols}\"");
                }
                let _ = write!(o, "<th{attrs}>{}</th>", esc(&cell.text));
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</thead>\n");
    }
    o.push_str("<tbody>\n");
    let width = crate::grid_width(t).max(1);
    for row in &t.rows {
        let total = row.cells.iter().any(|c| {
            let x = c.text.trim();
            x == "合计" || x == "收入合计" || x == "支出合计"
        });
        o.push_str(if total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        let n = row.cells.len();
        for (c, cell) in row.cells.iter().enumerate() {
            let class = match &cell.value {
                CellValue::Amount(_) => " class=\"num\"",
                _ if cell.text.len() >= 3 && cell.text.chars().all(|ch| ch.is_ascii_digit()) => {
                    " class=\"code\""
                }
                _ => "",
            };
            // The last printed cell of a short row spans the rest (goal texts, 填报单位).
            let span = if c + 1 == n && n < width {
                format!(" colspan=\"{}\"", width - c)
            } else {
                String::new()
            };
            let _ = write!(o, "<td{class}{span}>{}</td>", esc(&cell.text));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
    for n in &t.notes {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(&n.value));
    }
    o.push_str("</section>\n");
}
