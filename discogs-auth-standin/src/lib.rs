//! A local Discogs provider on `127.0.0.1`, for tests and the runnable examples.
//!
//! [`StandIn::spawn`] starts a server that speaks Discogs authentication as strictly as the real
//! service: the OAuth 1.0a dance (`/oauth/request_token`, the authorize page,
//! `/oauth/access_token`, `/oauth/identity`), Discogs Auth (personal token or key/secret, in the
//! header or the query) on `/database/search`, and Discogs' rate-limit headers. Every protocol
//! check comes from `discogs-auth-core`'s provider side, so the stand-in and the clients agree on
//! the wire format by construction, not by coincidence.
//!
//! ```
//! use discogs_auth_standin::StandIn;
//!
//! let standin = StandIn::spawn()?;
//! let endpoints = standin.endpoints(); // point an `OAuthClient` here
//! assert_eq!(endpoints.api_base(), standin.base_url());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! What it checks on every OAuth-signed request, in order, each with its own message: a
//! non-empty `User-Agent`; a readable `Authorization: OAuth` header; a known consumer key
//! (`Invalid consumer.`); a timestamp within 300 seconds of the stand-in's clock; a nonce not
//! seen before for that consumer (`Nonce already used.`); the signature, PLAINTEXT or HMAC-SHA1
//! (`Invalid signature.`). Token endpoints answer errors in plain text, resource endpoints in
//! JSON `{"message": …}`, the authorize page in HTML — as Discogs does.
//!
//! A nonce counts as used once its request passes the rate limit: a request refused with 429
//! may be sent again unchanged. The stand-in remembers up to 100 000 nonces from the window;
//! beyond that it refuses new signed requests with 503 until old ones leave the window, rather
//! than forget a nonce whose request could still be replayed.
//!
//! No client can hold a connection forever by stalling its request: the server closes one
//! that has not sent a complete request head within 30 seconds (when it opens, and between
//! requests on a keep-alive connection), answers `408 Request Timeout` to a request whose body
//! has not arrived 30 seconds after its head, and serves at most 512 connections at once
//! ([`ConnectionLimits`], set with [`StandIn::spawn_with_connection_limits`]). A client that
//! stops reading a reply still holds its connection: hyper has no timeout for writing one.
//!
//! The stand-in's clock is the system clock plus an offset that [`StandIn::advance_clock`]
//! moves forward, so a test can expire a request token without waiting 15 minutes.
//!
//! Two helpers exist for the transports' safety tests: every path under `/redirect/` answers
//! `307` to the same path without the prefix, and every path under `/oversized/` answers a
//! body one byte over the transports' default limit
//! ([`DEFAULT_BODY_LIMIT`](discogs_auth_core::DEFAULT_BODY_LIMIT)).
//!
//! Not published: this crate is test infrastructure, and its demo credentials are public.

#![forbid(unsafe_code)]

mod clock;
pub mod conformance;
mod error;
mod examples;
mod handlers;
mod nonces;
mod rate_limit;
mod reply;
mod server;
mod state;
mod tokens;
mod verify;

pub use clock::StandInClock;
pub use error::StandInError;
pub use examples::example_binary;
pub use server::StandIn;

use std::fmt;
use std::time::Duration;

/// The demo application's consumer key (public: it only works against a stand-in).
pub const DEMO_CONSUMER_KEY: &str = "demo-consumer-key";
/// The demo application's consumer secret (public: it only works against a stand-in).
pub const DEMO_CONSUMER_SECRET: &str = "demo-consumer-secret";
/// The demo application's name, reported as `consumer_name` by `/oauth/identity`.
pub const DEMO_APP_NAME: &str = "discogs-auth demo app";
/// The demo user's personal access token (Discogs Auth `token=`).
pub const DEMO_PERSONAL_TOKEN: &str = "demo-personal-token";
/// The demo user's name: every access token and the personal token act for this user.
pub const DEMO_USERNAME: &str = "demo-user";
/// The demo user's numeric id.
pub const DEMO_USER_ID: u64 = 1;

/// How a stand-in is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandInConfig {
    /// Authenticated requests a minute per client IP. Discogs: 60.
    pub authenticated_limit: u32,
    /// Unauthenticated requests a minute per client IP, counted apart. Discogs: 25.
    pub anonymous_limit: u32,
}

impl Default for StandInConfig {
    fn default() -> Self {
        Self {
            authenticated_limit: 60,
            anonymous_limit: 25,
        }
    }
}

/// How long the stand-in's server waits for a client, and how many it serves at once, so that
/// a client that stalls (a partial request, a body that never comes, an idle keep-alive
/// connection) cannot hold a socket forever (one that stops reading a reply still can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long the server waits for a complete request head, counted from when it starts
    /// waiting: when the connection opens, and after each reply on a keep-alive connection (so
    /// this is the idle timeout too). Then the connection is closed without a reply. Longer
    /// than a day counts as a day. Default: 30 seconds.
    pub header_read_timeout: Duration,
    /// How long a request may take from its complete head to its reply, reading the body
    /// included: past it the reply is `408 Request Timeout` and the connection is closed.
    /// Default: 30 seconds.
    pub request_timeout: Duration,
    /// Connections served at once (at least one). Beyond it, new connections wait in the
    /// listen backlog, unaccepted, until one closes. Meanwhile connections make room: each
    /// reply closes its connection (`Connection: close`), and a keep-alive connection idle
    /// for a second since its last reply closes, so that a pooling client is not kept waiting
    /// by its own idle connections. Default: 512.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// What the user's click on Authorize produced.
#[derive(Clone, PartialEq, Eq)]
pub struct Approval {
    /// The verifier (`oauth_verifier`) the application exchanges, with the request token, for an
    /// access token. Single use.
    pub verifier: String,
    /// Where the browser is sent: `callback?oauth_token=T&oauth_verifier=V`; `None` for an `oob`
    /// callback, where the user is shown the verifier instead.
    pub redirect_url: Option<String>,
}

impl fmt::Debug for Approval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both fields carry the verifier, which is as good as the access token until used.
        f.debug_struct("Approval")
            .field("verifier", &"[redacted]")
            .field(
                "redirect_url",
                &self.redirect_url.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}
