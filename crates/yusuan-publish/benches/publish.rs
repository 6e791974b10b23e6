//! Publishing the example budget: derive the Document, then each renderer.
//! `cargo bench -p yusuan-publish --bench publish` (fonts load once, before the PDF runs).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use yusuan_core::budget::Budget;

fn example() -> Budget {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chongqing-dadukou-govoffice-2025/budget.toml"
    );
    let text = std::fs::read_to_string(path).expect("example budget");
    Budget::from_toml(&text).expect("valid example")
}

fn bench(c: &mut Criterion) {
    let budget = example();
    let doc = yusuan_publish::derive(&budget, None).expect("derive");
    c.bench_function("derive", |b| {
        b.iter(|| yusuan_publish::derive(black_box(&budget), None))
    });
    c.bench_function("text", |b| {
        b.iter(|| yusuan_publish::text::render(black_box(&doc)))
    });
    c.bench_function("html", |b| {
        b.iter(|| yusuan_publish::html::render(black_box(&doc)))
    });
    c.bench_function("xlsx", |b| {
        b.iter(|| yusuan_publish::xlsx::render(black_box(&doc)))
    });
    // The XLSX as published: the tables and the budget source's sheets.
    c.bench_function("xlsx_with_source", |b| {
        b.iter(|| yusuan_publish::xlsx::render_with_source(black_box(&doc), Some(&budget)))
    });
    c.bench_function("docx", |b| {
        b.iter(|| yusuan_publish::docx::render(black_box(&doc)))
    });
    c.bench_function("template", |b| {
        b.iter(|| yusuan_publish::form::template(black_box(2025), "chongqing"))
    });
    yusuan_publish::pdf::warm_up().expect("fonts");
    let mut g = c.benchmark_group("pdf");
    g.sample_size(20);
    g.bench_function("pdf", |b| {
        b.iter(|| yusuan_publish::pdf::render(black_box(&doc)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
