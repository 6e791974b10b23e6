//! Document -> plain text in the layout of published text versions: narrative lines, then each
//! table as its number, title, unit line and tab-separated rows. `yusuan check` reads it back.

use crate::{heading_text, inline_heading};
use std::fmt::Write;
use yusuan_core::Document;

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    for s in &doc.sections {
        let mut paragraphs = s.paragraphs.iter();
        let mut head = heading_text(s);
        if inline_heading(s) {
            if let Some(p) = paragraphs.next() {
                head.push_str(&p.text);
            }
        }
        let _ = writeln!(out, "{head}\n");
        for p in paragraphs {
            let _ = writeln!(out, "{}\n", p.text);
        }
    }
    for t in &doc.tables {
        if let Some(n) = &t.number {
            let _ = writeln!(out, "{n}\n");
        }
        let _ = writeln!(out, "{}\n", t.title);
        if let Some(u) = t.unit {
            let _ = writeln!(out, "单位：{}\n", u.label());
        }
        let width = t
            .header
            .iter()
            .chain(&t.rows)
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0);
        for r in t.header.iter().chain(&t.rows) {
            let mut cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
            cells.resize(width, "");
            let _ = writeln!(out, "{}", cells.join("\t"));
        }
        for n in &t.notes {
            let mut cells = vec![n.value.as_str()];
            cells.resize(width.max(1), "");
            let _ = writeln!(out, "{}", cells.join("\t"));
        }
        out.push('\n');
    }
    out
}
