//! Hostile and broken inputs: each gives a clear error (exit 2) or a correct reading, within
//! bounded time and memory, and never a panic. Limits: `--max-size` (64 MB by default), PDF
//! nesting (yusuan_read::pdf::MAX_NESTING), workbook unpacked size and ratio
//! (yusuan_read::excel::MAX_UNPACKED, MAX_RATIO).

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

/// Run `yusuan args`, asserting it ends within `limit`.
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

#[test]
fn a_zip_bomb_named_xlsx_is_refused() {
    // 64 MB of zeros in one part, about 64 KB on disk.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("start");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&zeros).expect("write");
    }
    let bytes = zip.finish().expect("finish").into_inner();
    refused(&temp("bomb.xlsx", &bytes), "压缩炸弹");
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
