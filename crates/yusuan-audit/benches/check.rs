//! Read and audit a disclosure: the Chongqing corpus document (or the bundled example when
//! the corpus is not beside the repository). Target (issue 2): <= 1 ms on one core.
//! Run: cargo bench -p yusuan-audit --bench check

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::Path;

fn input() -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("../shared/corpus/chongqing-dadukou-govoffice-2025-budget.txt");
    let example = root.join("examples/chongqing-dadukou-govoffice-2025.txt");
    for p in [corpus, example] {
        if let Ok(t) = std::fs::read_to_string(&p) {
            return (
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                t,
            );
        }
    }
    panic!("no input document");
}

fn bench(c: &mut Criterion) {
    let (name, text) = input();
    let auditor = yusuan_audit::Auditor::default();
    c.bench_function(&format!("read+audit {name}"), |b| {
        b.iter(|| {
            let doc = yusuan_read::read_text("bench", black_box(&text));
            black_box(auditor.check(&doc))
        })
    });
    c.bench_function(&format!("read {name}"), |b| {
        b.iter(|| yusuan_read::read_text("bench", black_box(&text)))
    });
    let doc = yusuan_read::read_text("bench", &text);
    c.bench_function(&format!("audit {name}"), |b| {
        b.iter(|| auditor.check(black_box(&doc)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
