//! The bodies of the `cargo fuzz` targets of `discogs-auth-core`.
//!
//! Each file in `fuzz_targets/` is a one-liner calling a function of [`targets`]; the core's
//! `tests/fuzz_corpus.rs` includes the same `targets.rs` and replays `corpus/<target>/` through
//! it in the ordinary test run.

#![forbid(unsafe_code)]

pub mod targets;
