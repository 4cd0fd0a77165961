//! The workspace README's Rust examples, compiled (and run where not `no_run`) as this crate's
//! doctests.
//!
//! They live in a crate of their own, not published, for two reasons: a published crate's
//! package holds neither the README at this path nor the other adapter, and the examples must
//! build with the published crates' default features. An example that needs an opt-in feature
//! (`hmac-sha1`, `serde`, `blocking`) fails `cargo test -p discogs-auth-readme --doc`, as it
//! would for a reader who copies it; the workspace's all-features test run cannot tell.

#![forbid(unsafe_code)]

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
