//! Criterion benchmarks of the parser and the rule engine on real policy documents.
//!
//! Corpus: `$CMEK_BENCH_CORPUS`, else `../shared/corpus/aws-managed` (1,388 AWS managed
//! policies), else this repository's `corpus/`. Run with `cargo bench`.

use cmek_lint::engine::{Input, check_input};
use cmek_lint::rules::Registry;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("CMEK_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/aws-managed"));
    let dir = if dir.is_dir() { dir } else { root.join("corpus/seed") };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("bench corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files.into_iter().filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?))).collect()
}

fn benches(c: &mut Criterion) {
    let docs = corpus();
    let bytes: u64 = docs.iter().map(|(_, t)| t.len() as u64).sum();
    let registry = Registry::builtin();
    let settings = registry.default_settings();

    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (_, text) in &docs {
                std::hint::black_box(cmek_lint::json::parse(text));
            }
        })
    });
    g.bench_function("check (parse + model + all rules)", |b| {
        b.iter(|| {
            for (name, text) in &docs {
                std::hint::black_box(check_input(Input::Text { name, text: text.clone() }, &registry, &settings));
            }
        })
    });
    g.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
