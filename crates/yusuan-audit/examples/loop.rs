//! Read and audit one file N times: for profilers (perf, callgrind).
//! cargo run --release -p yusuan-audit --example loop -- FILE [N]
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: loop FILE [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let auditor = yusuan_audit::Auditor::default();
    let mut findings = 0;
    if std::env::var_os("AUDIT_ONLY").is_some() {
        // The audit alone, of one document read once.
        let doc = yusuan_read::read_text("loop", &text);
        for _ in 0..n {
            findings += auditor.check(&doc).len();
        }
    } else {
        for _ in 0..n {
            let doc = yusuan_read::read_text("loop", &text);
            findings += auditor.check(&doc).len();
        }
    }
    println!("{findings}");
}
