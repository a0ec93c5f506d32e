//! Placeholder until the scheduler benchmark is written.
fn main() {}
