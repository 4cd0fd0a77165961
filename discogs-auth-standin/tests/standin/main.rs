//! End-to-end tests of the stand-in, driven by the core's client side.

mod checks;
mod discogs_auth;
mod helpers;
mod oauth_flow;
mod rate_limit;
mod socket;
mod support;
