//! Read and audit each PDF of a folder, and time `pdftotext -layout` on the same file, in one
//! run: the figure issue 3 asks for (ours <= 1.5 x pdftotext).
//!
//! cargo run --release -p yusuan-audit --example pdf_ratio -- ../shared/corpus [RUNS]
//!
//! Both are timed as whole commands (process start included): `yusuan check --format json`
//! from target/release, and `pdftotext -layout FILE -`; the median of RUNS runs each. The
//! in-process read + audit time is printed beside them.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_cmd(cmd: &str, args: &[&str], runs: usize) -> Option<Duration> {
    let mut v = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let ok = Command::new(cmd)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let _ = ok;
        v.push(t.elapsed());
    }
    Some(median(v))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "../shared/corpus".into()));
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(11);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/yusuan");
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    pdfs.retain(|p| p.extension().is_some_and(|e| e == "pdf"));
    pdfs.sort();
    let auditor = yusuan_audit::Auditor::default();
    println!(
        "{:<52} {:>10} {:>10} {:>10} {:>7}",
        "file", "in-process", "yusuan", "pdftotext", "ratio"
    );
    for p in pdfs {
        let bytes = std::fs::read(&p).unwrap_or_default();
        let name = p.display().to_string();
        let mut inproc = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            if let Ok(doc) = yusuan_read::read_bytes(&name, &bytes) {
                std::hint::black_box(auditor.check(&doc));
            }
            inproc.push(t.elapsed());
        }
        let ours = time_cmd(
            &bin.display().to_string(),
            &["check", "--format", "json", &name],
            runs,
        );
        let theirs = time_cmd("pdftotext", &["-layout", &name, "-"], runs);
        let ms = |d: Option<Duration>| {
            d.map_or("-".to_string(), |d| {
                format!("{:.1}ms", d.as_secs_f64() * 1e3)
            })
        };
        let ratio = match (ours, theirs) {
            (Some(a), Some(b)) => format!("{:.2}", a.as_secs_f64() / b.as_secs_f64()),
            _ => "-".into(),
        };
        println!(
            "{:<52} {:>10} {:>10} {:>10} {:>7}",
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ms(Some(median(inproc))),
            ms(ours),
            ms(theirs),
            ratio
        );
    }
}
