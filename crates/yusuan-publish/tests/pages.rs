//! The published PDF as printed: a cover and a 目录 that lists every part and table, every
//! table's text inside the cells of the grid our PDF reader sees, and no page without content
//! (each page rendered with pdftoppm, poppler-utils).

use std::path::{Path, PathBuf};
use std::process::Command;
use yusuan_core::Document;
use yusuan_read::pdf::{pdf_geometry, PageGeometry};

mod common;
use common::example;

/// The example published in every bundled template: (template, Document, PDF bytes).
fn published() -> Vec<(&'static str, Document, Vec<u8>)> {
    let budget = example();
    yusuan_publish::template_ids()
        .into_iter()
        .map(|id| {
            let doc = yusuan_publish::derive(&budget, Some(id)).expect("derive");
            let bytes = yusuan_publish::pdf::render(&doc).expect("pdf");
            (id, doc, bytes)
        })
        .collect()
}

/// How far a character's box may reach past its cell's border (a rule's half width and the
/// rounding of the font's metrics), in points.
const SLACK: f32 = 0.5;

/// The characters that lie in a grid, each with the cell that holds its anchor; panics on a
/// character whose box leaves that cell.
fn held(id: &str, p: usize, page: &PageGeometry) -> usize {
    let mut n = 0;
    for g in &page.glyphs {
        let (x, y) = g.anchor();
        let Some(cell) = page.grids.iter().flatten().find(|c| c.holds(x, y)) else {
            continue;
        };
        n += 1;
        let b = g.bounds;
        assert!(
            b.x0 >= cell.x0 - SLACK
                && b.x1 <= cell.x1 + SLACK
                && b.y0 >= cell.y0 - SLACK
                && b.y1 <= cell.y1 + SLACK,
            "{id}: page {}: “{}” at {b:?} leaves its cell {cell:?}",
            p + 1,
            g.c
        );
    }
    n
}

#[test]
fn every_table_s_text_lies_inside_its_cells() {
    for (id, doc, bytes) in published() {
        let pages = pdf_geometry("published.pdf", &bytes).expect("geometry");
        let grids: usize = pages.iter().map(|p| p.grids.len()).sum();
        assert!(
            grids >= doc.tables.len(),
            "{id}: {grids} grids for {} tables",
            doc.tables.len()
        );
        let in_cells: usize = pages.iter().enumerate().map(|(p, g)| held(id, p, g)).sum();
        // Every printed character of every cell is in a cell (header rows repeated on a
        // continued page add more).
        let printed: usize = doc
            .tables
            .iter()
            .flat_map(|t| t.header.iter().chain(&t.rows))
            .flat_map(|r| &r.cells)
            .map(|c| c.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        assert!(
            in_cells >= printed,
            "{id}: {in_cells} characters in cells, the tables print {printed}"
        );
        // The cover names the unit and the document; the 目录 is the second page.
        let text = |p: &PageGeometry| p.glyphs.iter().map(|g| g.c).collect::<String>();
        let cover = text(&pages[0]);
        let unit = doc.unit_name.as_ref().expect("unit").value.clone();
        assert!(cover.contains(&unit), "{id}: cover {cover}");
        assert!(cover.contains("部门预算"), "{id}: cover {cover}");
        assert!(text(&pages[1]).starts_with("目录"), "{id}: page 2");
    }
}

#[test]
fn the_contents_list_every_part_and_table_and_read_back() {
    for (id, doc, bytes) in published() {
        let read = yusuan_read::read_bytes("published.pdf", &bytes).expect("read");
        let entries: Vec<&str> = read.contents.iter().map(|e| e.value.as_str()).collect();
        for t in &doc.tables {
            let entry = match &t.number {
                Some(n) => format!("{n} {}", t.title),
                None => t.title.clone(),
            };
            assert!(
                entries
                    .iter()
                    .any(|e| e.replace(' ', "") == entry.replace(' ', "")),
                "{id}: 目录 lacks {entry}: {entries:?}"
            );
        }
        let parts = doc.sections.iter().filter(|s| s.level == 1).count();
        assert_eq!(entries.len(), parts + doc.tables.len(), "{id}: {entries:?}");
    }
}

/// The （一） headings are set in a 楷体 where one is installed (CI installs it): the PDF
/// embeds LXGW WenKai's subset, and the text still reads back clean.
#[test]
fn second_level_headings_are_set_in_a_kai_font() {
    let installed =
        std::path::Path::new("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
            .is_file();
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "fonts-lxgw-wenkai is installed in CI"
        );
        eprintln!("skipped: fonts-lxgw-wenkai not installed");
        return;
    }
    let mut checked = 0;
    for (id, doc, bytes) in published() {
        let headings: Vec<&str> = doc
            .sections
            .iter()
            .filter(|s| s.level == 2 && !yusuan_publish::inline_heading(s))
            .map(|s| s.heading.as_str())
            .collect();
        if headings.is_empty() {
            continue;
        }
        let embedded = bytes.windows(10).any(|w| w == b"LXGWWenKai");
        assert!(embedded, "{id}: no 楷体 embedded for {headings:?}");
        checked += 1;
    }
    assert!(
        checked > 0,
        "a bundled template has （一） headings of their own line"
    );
}

/// A temporary directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yusuan-pages-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The pixels of a binary PGM (P5, 8 bit) file.
fn pgm_pixels(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("pgm");
    // Header: magic, width, height, maximum value, each after white space; then one byte.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    assert_eq!(&bytes[..2], b"P5", "{}", path.display());
    bytes[i + 1..].to_vec()
}

#[test]
fn no_page_is_without_content() {
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftoppm (poppler-utils) is required in CI"
        );
        eprintln!("skipped: pdftoppm (poppler-utils) not installed");
        return;
    }
    for (id, _, bytes) in published() {
        let dir = scratch(id);
        let pdf = dir.join("published.pdf");
        std::fs::write(&pdf, &bytes).expect("write");
        let out = Command::new("pdftoppm")
            .args(["-r", "20", "-gray"])
            .arg(&pdf)
            .arg(dir.join("page"))
            .output()
            .expect("pdftoppm");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
            .collect();
        pages.sort();
        let count = pdf_geometry("published.pdf", &bytes)
            .expect("geometry")
            .len();
        assert_eq!(pages.len(), count, "{id}: pages rendered");
        for (p, page) in pages.iter().enumerate() {
            let ink = pgm_pixels(page).iter().filter(|&&v| v < 160).count();
            assert!(
                ink > 20,
                "{id}: page {} is blank ({ink} dark pixels)",
                p + 1
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
