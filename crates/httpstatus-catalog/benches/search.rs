//! In-process search and lookup cost. Run: `cargo bench -p httpstatus-catalog --bench search`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const QUERIES: [&str; 6] = [
    "too many requests",
    "gatway timeout",
    "cloudflare origin unreachable",
    "error 404",
    "upstream timed out",
    "payload too large",
];

fn search(c: &mut Criterion) {
    // Build the index outside the measurement, as a long-running server does once.
    httpstatus_catalog::search("warm up", 10);
    for query in QUERIES {
        c.bench_function(&format!("search {query:?}"), |b| {
            b.iter(|| httpstatus_catalog::search(black_box(query), 10))
        });
    }
    c.bench_function("lookup 404", |b| {
        b.iter(|| httpstatus_catalog::lookup(black_box(404)))
    });
    c.bench_function("lookup 299 (class fallback)", |b| {
        b.iter(|| httpstatus_catalog::lookup(black_box(299)))
    });
}

criterion_group!(benches, search);
criterion_main!(benches);
