//! Discogs authentication over `ureq`.
//!
//! For now this crate re-exports [`discogs_auth_core`]: build each request with the core, send
//! it with your `ureq` client, and hand the reply back to the core. The transport that does this
//! for you is on its way.
//!
//! ```
//! use discogs_auth_ureq::{DiscogsAuth, Placement};
//! let mut request = discogs_auth_ureq::http::Request::get("https://api.discogs.com/oauth/identity").body(())?;
//! DiscogsAuth::token("abcxyz123456")?.apply(&mut request, Placement::Header)?;
//! assert_eq!(request.headers()["authorization"], "Discogs token=abcxyz123456");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub use discogs_auth_core::*;
