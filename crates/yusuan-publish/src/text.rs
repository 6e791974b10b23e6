//! Document -> plain text in the layout of published text versions: narrative lines, then each
//! table as its number, title, unit line and tab-separated rows. `yusuan check` reads it back.

use crate::{heading_text, inline_heading, section_parts};
use std::fmt::Write;
use yusuan_core::{Document, Section, Table};

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let (before, after) = section_parts(doc);
    before.iter().for_each(|s| section(&mut out, s));
    doc.tables.iter().for_each(|t| table(&mut out, t));
    after.iter().for_each(|s| section(&mut out, s));
    out
}

fn section(out: &mut String, s: &Section) {
    let mut paragraphs = s.paragraphs.iter();
    let mut head = heading_text(s);
    if inline_heading(s) {
        if let Some(p) = paragraphs.next() {
            head.push_str(&p.text);
        }
    }
    // A title (level 0) is centred, as printed: the reader knows it by its indent.
    let indent = if s.level == 0 {
        " ".repeat(16)
    } else {
        String::new()
    };
    let _ = writeln!(out, "{indent}{head}\n");
    for p in paragraphs {
        let _ = writeln!(out, "{}\n", p.text);
    }
}

fn table(out: &mut String, t: &Table) {
    if let Some(n) = &t.number {
        let _ = writeln!(out, "{n}\n");
    }
    let _ = writeln!(out, "{}\n", t.title);
    if let Some(u) = t.unit {
        let _ = writeln!(out, "单位：{}\n", u.label());
    }
    let width = crate::grid_width(t);
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
