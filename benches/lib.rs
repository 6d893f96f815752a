//! Benchmarks live in benches/; see REPORT.md.
