//! Hostile and broken inputs: each gives a clear error (exit 2) or a correct reading, within
//! bounded time and memory, and never a panic. Limits: `--max-size` (64 MB by default), PDF
//! nesting (yusuan_read::pdf::MAX_NESTING), workbook and Word document unpacked size and ratio
//! (yusuan_read::excel::MAX_UNPACKED, MAX_RATIO), HTML and Word table extents
//! (yusuan_read::html::MAX_COLS, MAX_CELLS; yusuan_read::docx::MAX_COLS, MAX_CELLS).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::pdf;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yusuan-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp");
    p
}

/// The most memory any run here may take: the issue's bound for any input up to `--max-size`.
const MAX_PEAK: u64 = 512 << 20;

/// The largest peak resident memory of the children waited for so far (every test of this
/// file runs `yusuan` as a child, so this bounds each of them).
fn children_peak() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    // ru_maxrss is in kilobytes on Linux.
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

/// Run `yusuan args`, asserting it ends within `limit`, by itself (not by a signal), within
/// [`MAX_PEAK`] of memory.
fn run(args: &[&str], limit: Duration) -> Output {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .expect("run yusuan");
    assert!(
        start.elapsed() < limit,
        "{args:?} took {:?}",
        start.elapsed()
    );
    assert!(
        out.status.code().is_some(),
        "{args:?} ended by a signal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = children_peak();
    assert!(peak < MAX_PEAK, "{args:?}: a run took {} MB", peak >> 20);
    out
}

fn refused(path: &Path, why: &str) {
    let out = run(
        &["check", path.to_str().expect("path")],
        Duration::from_secs(20),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {err}", path.display());
    assert!(err.contains(why), "{}: {err}", path.display());
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn deeply_nested_pdf_objects_are_refused_not_a_stack_overflow() {
    let mut page =
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Foo ".to_vec();
    page.extend(std::iter::repeat_n(b'[', 100_000));
    page.extend(std::iter::repeat_n(b']', 100_000));
    page.extend_from_slice(b" >>");
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        &page,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]);
    refused(&temp("nested.pdf", &bytes), "嵌套过深");
}

#[test]
fn cyclic_pdf_objects_end_with_a_reason() {
    // The page tree lists itself among its kids; a font dictionary is its own parent; a
    // resource dictionary refers to itself through another object.
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Resources 5 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (Hello) Tj ET\nendstream",
        b"<< /Font 6 0 R /Self 5 0 R >>",
        b"<< /F1 7 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Parent 7 0 R /Next 6 0 R >>",
    ]);
    let p = temp("cyclic.pdf", &bytes);
    let out = run(
        &["check", p.to_str().expect("path")],
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn an_encrypted_pdf_asks_for_its_password() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted.pdf");
    refused(&p, "加密");
}

#[test]
fn binary_garbage_named_pdf_is_unreadable() {
    let mut bytes = Vec::new();
    let mut x: u32 = 0x2545_4446;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x as u8);
    }
    let p = temp("garbage.pdf", &bytes);
    let out = run(
        &["check", p.to_str().expect("path")],
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A zip of `part` holding 64 MB of zeros (about 64 KB on disk), after the small `parts`.
fn zip_bomb(part: &str, parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(*name, opts).expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.start_file(part, opts).expect("start");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&zeros).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn a_zip_bomb_named_xlsx_is_refused() {
    let bytes = zip_bomb("xl/worksheets/sheet1.xml", &[]);
    refused(&temp("bomb.xlsx", &bytes), "压缩炸弹");
}

#[test]
fn a_zip_bomb_docx_is_refused_by_name_and_by_content() {
    let types = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let bytes = zip_bomb("word/document.xml", &[("[Content_Types].xml", types)]);
    refused(&temp("bomb.docx", &bytes), "压缩炸弹");
    refused(&temp("bomb-without-extension", &bytes), "Word");
}

#[test]
fn malformed_and_deeply_nested_html_reads_without_a_panic() {
    let mut page = String::from("<!DOCTYPE html><html><body>");
    page.push_str(&"<div><table><tr><td>".repeat(20_000));
    page.push_str("<td colspan=99999999 rowspan=99999999>x</td><p>");
    page.push_str(&"</b></i></td></tr></table>".repeat(100));
    page.push_str("<script>document.write('<table>')</scr");
    page.push_str("&#x110000;&#0;&;&amp<<!--");
    for name in ["broken.html", "broken-without-extension"] {
        let out = run(
            &["check", temp(name, page.as_bytes()).to_str().expect("path")],
            Duration::from_secs(20),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(matches!(out.status.code(), Some(0..=2)), "{name}: {err}");
    }
    // Spans past the reader's bounds are refused with the reason.
    let wide = format!(
        "<html><body><table><tr>{}</tr></table></body></html>",
        "<td colspan=1000>1</td>".repeat(3)
    );
    refused(&temp("wide.html", wide.as_bytes()), "列");
}

#[test]
fn a_100_mb_text_file_is_refused_by_the_size_limit() {
    let p = temp("big.txt", b"");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .expect("open");
    f.set_len(100 << 20).expect("sparse file");
    refused(&p, "--max-size");
    // Raised limits are honoured (the content, all NUL bytes, is then not text).
    let out = run(
        &["check", "--max-size", "128", p.to_str().expect("path")],
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 UTF-8"));
}

#[test]
fn gbk_text_is_refused_with_a_hint() {
    // "预算" in GBK.
    let p = temp("gbk.txt", &[0xD4, 0xA4, 0xCB, 0xE3, b'\n']);
    refused(&p, "GBK");
}

#[test]
fn a_batch_lists_unreadable_files_and_goes_on() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/chongqing-dadukou-govoffice-2025.txt");
    let bad = temp("bad.pdf", b"%PDF-1.7 nothing");
    let args = |jobs: &'static str| {
        vec![
            "check".to_string(),
            "--summary".into(),
            "--format".into(),
            "csv".into(),
            "--jobs".into(),
            jobs.into(),
            example.display().to_string(),
            bad.display().to_string(),
            example.display().to_string(),
        ]
    };
    let run_with = |jobs| {
        let a = args(jobs);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&a, Duration::from_secs(30))
    };
    let one = run_with("1");
    let two = run_with("2");
    assert_eq!(one.status.code(), Some(2), "the worst result");
    assert_eq!(one.stdout, two.stdout, "parallel output is in input order");
    let csv = String::from_utf8_lossy(&one.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "file,unit,year,scope,errors,warnings,infos,status"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].ends_with(",0,0,0,通过") || lines[1].contains(",通过"),
        "{csv}"
    );
    assert!(lines[2].contains("无法读取"), "{csv}");
    assert!(
        lines[3].contains("重庆市大渡口区人民政府办公室,2025,部门"),
        "{csv}"
    );
}

#[test]
fn a_glyph_placed_far_off_the_page_does_not_blow_up_the_layout() {
    // Found by the pdf_reader fuzzer: a damaged text matrix put a glyph at an enormous x, and
    // the laid-out line grew to gigabytes of spaces (23 GB before the kernel stopped it).
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-far-glyph.pdf");
    let out = run(
        &["check", p.to_str().expect("path")],
        Duration::from_secs(20),
    );
    assert!(matches!(out.status.code(), Some(0..=2)));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![b'['; depth];
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).expect("deflate");
    z.finish().expect("deflate")
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

/// A one-page document whose page has the given content and resources.
fn one_page(contents: &[u8], resources: &str, more: &[&[u8]]) -> Vec<u8> {
    let page = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Resources {resources} >>"
    );
    let mut objects: Vec<&[u8]> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page.as_bytes(),
        contents,
    ];
    objects.extend_from_slice(more);
    pdf(&objects)
}

#[test]
fn nesting_inside_a_content_stream_is_refused() {
    let mut content = b"BT /F1 12 Tf 72 712 Td ".to_vec();
    content.extend(nested(100_000));
    content.extend_from_slice(b" TJ ET");
    // As it is, and compressed (the scan of the file cannot see into it).
    let plain = one_page(&stream("", &content), "<< >>", &[]);
    refused(&temp("nested-content.pdf", &plain), "嵌套");
    let packed = one_page(
        &stream("/Filter /FlateDecode", &deflate(&content)),
        "<< >>",
        &[],
    );
    refused(&temp("nested-content-flate.pdf", &packed), "嵌套");
}

#[test]
fn nesting_inside_a_form_xobject_is_refused() {
    let mut form = b"BT ".to_vec();
    form.extend(nested(100_000));
    form.extend_from_slice(b" TJ ET");
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Filter /FlateDecode",
        &deflate(&form),
    );
    let bytes = one_page(
        &stream("", b"q /X1 Do Q"),
        "<< /XObject << /X1 5 0 R >> >>",
        &[&form],
    );
    refused(&temp("nested-form.pdf", &bytes), "嵌套");
}

#[test]
fn nesting_inside_an_object_stream_is_refused() {
    // Object 6 (the page's resources) lives in object stream 5; object 7 is the
    // cross-reference stream that says so.
    let mut inner = b"<< /Foo ".to_vec();
    inner.extend(nested(100_000));
    inner.extend_from_slice(b" >>");
    let header = b"6 0 ";
    let mut objstm = header.to_vec();
    objstm.extend_from_slice(&inner);
    let objstm = stream(
        &format!(
            "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &deflate(&objstm),
    );
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Resources 6 0 R >>"
            .to_vec(),
        stream("", b"BT ET"),
        objstm,
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    // Entries of /W [1 4 2]: type, offset (or object stream), generation (or index).
    let mut rows = vec![[0u8; 7]];
    for o in &offsets {
        let mut r = [1u8, 0, 0, 0, 0, 0, 0];
        r[1..5].copy_from_slice(&(*o as u32).to_be_bytes());
        rows.push(r);
    }
    rows.push([2, 0, 0, 0, 5, 0, 0]);
    let mut r = [1u8, 0, 0, 0, 0, 0, 0];
    r[1..5].copy_from_slice(&(xref_at as u32).to_be_bytes());
    rows.push(r);
    let data: Vec<u8> = rows.concat();
    out.extend_from_slice(b"7 0 obj\n");
    out.extend_from_slice(&stream("/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R", &data));
    out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    refused(&temp("nested-objstm.pdf", &out), "嵌套过深");
}

#[test]
fn nesting_after_a_name_that_reads_stream_is_refused() {
    // `/stream` is a name, not the keyword: the scan must not skip what follows as data.
    let mut page =
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Foo /stream\n"
            .to_vec();
    page.extend(nested(100_000));
    page.extend_from_slice(b" >>");
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        &page,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]);
    refused(&temp("nested-after-name.pdf", &bytes), "嵌套过深");
}

/// A workbook of one sheet with a cell at A1 and one at `far` (A1 style).
fn sparse_workbook(far: &str) -> Vec<u8> {
    let files: [(&str, String); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>收支总表</t></is></c></row><row r="2"><c r="{far}"><v>1</v></c></row></sheetData></worksheet>"#
            ),
        ),
    ];
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in files.iter() {
        zip.start_file(*name, opts).expect("start");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.start_file("xl/_rels/workbook.xml.rels", opts)
        .expect("start");
    zip.write_all(rels.as_bytes()).expect("write");
    zip.finish().expect("finish").into_inner()
}

#[test]
fn a_far_off_cell_is_refused_before_a_grid_is_built() {
    // XFD1048576 would make a grid of 17 billion cells; XFD4000 one of 65 million.
    for far in ["XFD1048576", "XFD4000", "A900000"] {
        let p = temp(&format!("sparse-{far}.xlsx"), &sparse_workbook(far));
        refused(&p, "超出合理的表格范围");
    }
    // A sheet of ordinary size reads.
    let p = temp("sparse-ok.xlsx", &sparse_workbook("J40"));
    let out = run(
        &["read", p.to_str().expect("path")],
        Duration::from_secs(20),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One binary-workbook record (MS-XLSB 2.1.4): its type and size as 7-bit groups, then its body.
fn xlsb_record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.extend([(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]);
    }
    let mut len = body.len();
    loop {
        let b = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(body);
}

/// A wide string (MS-XLSB 2.5.166): its length in UTF-16 units, then the units.
fn xlsb_str(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// A binary workbook (.xlsb) of one sheet with a number at A1 and one at (`row`, `col`),
/// 0-based, its dimension saying so.
fn sparse_xlsb(row: u32, col: u32) -> Vec<u8> {
    let mut workbook = Vec::new();
    let mut sheet_entry = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    sheet_entry.extend(xlsb_str("rId1"));
    sheet_entry.extend(xlsb_str("表一"));
    xlsb_record(&mut workbook, 0x009C, &sheet_entry); // BrtBundleSh
    xlsb_record(&mut workbook, 0x0090, &[]); // BrtEndBundleShs
    xlsb_record(&mut workbook, 0x009D, &[]); // BrtCalcProp: no names follow
    let mut sheet = Vec::new();
    let dim = [0, row, 0, col].map(u32::to_le_bytes).concat();
    xlsb_record(&mut sheet, 0x0094, &dim); // BrtWsDim
    xlsb_record(&mut sheet, 0x0091, &[]); // BrtBeginSheetData
    for (r, c) in [(0, 0), (row, col)] {
        xlsb_record(&mut sheet, 0x0000, &r.to_le_bytes()); // BrtRowHdr
        let mut cell = c.to_le_bytes().to_vec();
        cell.extend([0u8; 4]);
        cell.extend(1.0f64.to_le_bytes());
        xlsb_record(&mut sheet, 0x0005, &cell); // BrtCellReal
    }
    xlsb_record(&mut sheet, 0x0092, &[]); // BrtEndSheetData
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("xl/workbook.bin", workbook),
        ("xl/_rels/workbook.bin.rels", rels.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.bin", sheet),
    ] {
        zip.start_file(name, opts).expect("start");
        zip.write_all(&body).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn a_far_off_cell_in_a_binary_workbook_is_refused_before_a_grid_is_built() {
    // The last cell of a sheet: a grid of 17 billion cells if the range were built.
    let p = temp("sparse-far.xlsb", &sparse_xlsb(1_048_575, 16_383));
    refused(&p, "超出合理的表格范围");
    let p = temp("sparse-ok.xlsb", &sparse_xlsb(39, 9));
    let out = run(
        &["read", p.to_str().expect("path"), "--format", "human"],
        Duration::from_secs(20),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An OpenDocument sheet whose one valued cell is repeated `rows` x `cols` times.
fn repeated_ods(rows: u64, cols: u64) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="表一"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("start");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("start");
    zip.write_all(content.as_bytes()).expect("write");
    zip.finish().expect("finish").into_inner()
}

#[test]
fn repeated_ods_cells_are_refused_before_they_are_expanded() {
    // One cell repeated 1,000,000 x 16,000 times: 16 billion cells once expanded.
    let p = temp("repeated.ods", &repeated_ods(1_000_000, 16_000));
    refused(&p, "超出合理的表格范围");
    // Within the sheet's bounds but 5 million cells.
    let p = temp("repeated-many.ods", &repeated_ods(5_000, 1_000));
    refused(&p, "单元格超过");
}

#[test]
fn link_cycles_in_a_folder_end_and_are_said() {
    let root = std::env::temp_dir().join(format!("yusuan-cycles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (a, b) = (root.join("a"), root.join("b"));
    std::fs::create_dir_all(&a).expect("a");
    std::fs::create_dir_all(&b).expect("b");
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/chongqing-dadukou-govoffice-2025.txt");
    std::fs::copy(&example, a.join("cq.txt")).expect("copy");
    // a/self -> a, a/to-b -> b, b/to-a -> a: two cycles.
    std::os::unix::fs::symlink(&a, a.join("self")).expect("link");
    std::os::unix::fs::symlink(&b, a.join("to-b")).expect("link");
    std::os::unix::fs::symlink(&a, b.join("to-a")).expect("link");
    let out = run(
        &[
            "check",
            "--summary",
            "--format",
            "csv",
            root.to_str().expect("path"),
        ],
        Duration::from_secs(20),
    );
    let (csv, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(csv.lines().count(), 2, "the one file, once: {csv}");
    assert!(err.contains("跳过目录"), "{err}");
}

#[test]
fn devices_and_pipes_are_not_read() {
    refused(Path::new("/dev/zero"), "不是普通文件");
    let fifo = std::env::temp_dir().join(format!("yusuan-fifo-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    refused(&fifo, "不是普通文件");
}

#[test]
fn a_pdf_encrypted_with_an_empty_password_is_read() {
    // One page of a corpus document encrypted by qpdf with an empty user password (owner
    // password "owner"): RC4 40 and 128 bits, AES 128 and 256 bits.
    for name in ["rc4-40", "rc4-128", "aes-128", "aes-256"] {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/empty-password-{name}.pdf"));
        let out = run(
            &["read", p.to_str().expect("path")],
            Duration::from_secs(20),
        );
        let (text, err) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(0), "{name}: {err}");
        assert!(text.contains("收支预算总表"), "{name}: {text}");
    }
}
