//! End-to-end benchmarks (filled in by the integration step).
fn main() {}
