//! Sans-IO Discogs authentication.
//!
//! This crate builds every request of Discogs authentication as an [`http::Request`] and reads
//! every reply from an [`http::Response`]. It never opens a socket, and it reads the clock and
//! the OS random source only when asked to: [`Freshness::generate`], [`Timestamp::now`], and a
//! [`Session`], which uses the system clock and OS nonces unless [`Session::with_clock`] and
//! [`Session::with_nonce_source`] replace them. Tests and replays pass fixed values instead.
//! Send the requests with any HTTP client — or use
//! `discogs-auth-reqwest` / `discogs-auth-ureq`, which do exactly that.
//!
//! # The OAuth 1.0a flow, by hand
//!
//! Each step is a pure request builder and a pure reply parser. Here the replies are made by
//! hand, as Discogs would send them:
//!
//! ```
//! use discogs_auth_core::*;
//!
//! let client = OAuthClient::new(
//!     Consumer::new("your_consumer_key", "your_consumer_secret")?,
//!     UserAgent::new("MyDiscogsApp/1.0 +https://example.com")?,
//! );
//!
//! // 1. Request token. (`Freshness::generate()` in real code.)
//! let sent = Freshness::new("qwerty", 1_700_000_000)?;
//! let request = client.request_token_request(&Callback::url("https://app.example/callback")?, &sent)?;
//! assert_eq!(request.uri(), "https://api.discogs.com/oauth/request_token");
//! let reply = http::Response::new("oauth_token=abc123&oauth_token_secret=xyz789&oauth_callback_confirmed=true");
//! let request_token = client.on_request_token_response(&reply, sent.timestamp)?;
//!
//! // 2. The user authorizes, and Discogs redirects back to the callback.
//! assert_eq!(
//!     client.authorize_url(&request_token),
//!     "https://www.discogs.com/oauth/authorize?oauth_token=abc123"
//! );
//! let authorized = request_token
//!     .authorize_from_callback("https://app.example/callback?oauth_token=abc123&oauth_verifier=v3r1f13r")?;
//!
//! // 3. Access token, signed with the request token's secret.
//! let sent = Freshness::new("asdfgh", 1_700_000_060)?;
//! let request = client.access_token_request(&authorized, &sent)?;
//! assert_eq!(request.method(), http::Method::POST);
//! assert!(request.headers()["authorization"].to_str()?
//!     .contains(r#"oauth_signature="your_consumer_secret%26xyz789""#));
//! let reply = http::Response::new("oauth_token=t0k3n&oauth_token_secret=s3cr3t");
//! // When the reply arrived: it tells a request token that expired on the way from other refusals.
//! let arrived = Timestamp::from_unix_seconds(1_700_000_061)?;
//! let access_token = client.on_access_token_response(&authorized, &reply, arrived)?;
//!
//! // 4. Identity: is the access token good?
//! let request = client.identity_request(&access_token, &Freshness::new("zxcvbn", 1_700_000_061)?)?;
//! assert_eq!(request.uri(), "https://api.discogs.com/oauth/identity");
//! let reply = http::Response::new(
//!     r#"{"id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "Your Application Name"}"#,
//! );
//! let identity = client.on_identity_response(&access_token, &reply)?;
//! assert_eq!(identity.username, "example");
//!
//! // Any other API call, signed with the access token.
//! let mut search = http::Request::get("https://api.discogs.com/database/search?q=Nirvana").body(Vec::new())?;
//! client.sign_request(&access_token, &mut search, &Freshness::generate()?)?;
//!
//! // Many calls with one access token: a signer works out what they share once.
//! let signer = client.signer(&access_token);
//! let mut release = http::Request::get("https://api.discogs.com/releases/249504").body(Vec::new())?;
//! signer.sign_request(&mut release, &Freshness::new("poiuyt", 1_700_000_062)?)?;
//! assert_eq!(
//!     release.headers()["authorization"],
//!     "OAuth oauth_consumer_key=\"your_consumer_key\", oauth_nonce=\"poiuyt\", \
//!      oauth_signature=\"your_consumer_secret%26s3cr3t\", oauth_signature_method=\"PLAINTEXT\", \
//!      oauth_timestamp=\"1700000062\", oauth_token=\"t0k3n\""
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Store the access token: it does not expire until the user revokes it, and every visit to
//! the authorize page adds another entry to the user's authorized applications.
//!
//! # Discogs Auth
//!
//! A personal token or a key/secret pair, no dance:
//!
//! ```
//! use discogs_auth_core::{DiscogsAuth, Placement, UserAgent, http::header::USER_AGENT};
//! let user_agent = UserAgent::new("MyDiscogsApp/1.0 +https://example.com")?;
//! let mut request = http::Request::get("https://api.discogs.com/database/search?q=Nirvana")
//!     .header(USER_AGENT, user_agent.as_header_value()) // Discogs refuses a request without one
//!     .body(())?;
//! DiscogsAuth::token("abcxyz123456")?.apply(&mut request, Placement::Header)?;
//! assert_eq!(request.headers()["authorization"], "Discogs token=abcxyz123456");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`DiscogsAuthSession`] does that over a transport for every request, adds the `User-Agent`
//! itself, sends credentials to the API base only, and reads the reply's status.
//!
//! # Your own HTTP client
//!
//! A function from an `http::Request<Vec<u8>>` to an `http::Response<Vec<u8>>` is a
//! [`SyncTransport`] (one that returns a future, an [`AsyncTransport`]), so a [`Session`] or a
//! [`DiscogsAuthSession`] runs every step over any client:
//!
//! ```
//! use discogs_auth_core::{
//!     Callback, Consumer, OAuthClient, Session, TransportError, UserAgent, ensure_secure_url,
//!     http,
//! };
//!
//! fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
//!     ensure_secure_url(request.uri())?;
//!     // Your client sends `request` here; this one answers as Discogs would.
//!     Ok(http::Response::new(
//!         b"oauth_token=abc123&oauth_token_secret=xyz789&oauth_callback_confirmed=true".to_vec(),
//!     ))
//! }
//!
//! let client = OAuthClient::new(Consumer::new("key", "secret")?, UserAgent::new("MyApp/1.0")?);
//! let session = Session::new(client, send);
//! let request_token = session.request_token(&Callback::OutOfBand)?;
//! assert_eq!(request_token.token.as_str(), "abc123");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What `discogs-auth-ureq` and `discogs-auth-reqwest` do, and a transport of your own should:
//! - refuse `http://` except to loopback ([`ensure_secure_url`]): PLAINTEXT puts the secrets
//!   in the header;
//! - never follow a redirect, which would take the `Authorization` header elsewhere;
//! - send an empty body on a GET as no body at all ([`has_body_to_send`]);
//! - read the reply under a limit ([`ReplyBody`], [`DEFAULT_BODY_LIMIT`]), and fail one whose
//!   body ends before its `Content-Length`: the core cannot tell a cut body, and an
//!   access-token reply cut inside its secret reads as a shorter secret;
//! - keep every header of the reply: `Date` tells a clock that is off, and the rate-limit
//!   figures are headers;
//! - wrap the client's errors as [`TransportError::client`], [`TransportError::protocol`] or
//!   [`TransportError::tls`], so that `is_transient` answers right.
//!
//! # In scope, out of scope
//!
//! In scope: credentials and their validation, percent-encoding, the `Authorization` headers
//! (built and parsed), PLAINTEXT and HMAC-SHA1, each flow step, callback parsing, reply and error
//! parsing, rate-limit headers, and provider-side verification (for stand-ins and tests).
//! Out of scope: sending anything, storing anything, and the Discogs API beyond authentication.
//!
//! # Security
//!
//! Secrets ([`ConsumerSecret`], [`TokenSecret`], [`PersonalToken`], [`Verifier`]) print as
//! `[redacted]` in `Debug`, have no `Display`, and never appear in error messages; error
//! messages from replies are truncated and scrubbed of the request's secrets. PLAINTEXT sends
//! the secrets (encoded) in the header: use it over HTTPS only. Never follow redirects from the
//! auth endpoints, and prefer the `Authorization` header over query credentials, which end up
//! in server logs.
//!
//! # Features
//!
//! - `hmac-sha1` (off by default): HMAC-SHA1 signatures, and [`SignatureMethod`]'s
//!   `HmacSha1` with them. PLAINTEXT, which Discogs recommends over HTTPS, needs no hash crate.
//! - `serde`: `Serialize`/`Deserialize` for credentials, to keep a pending request token
//!   between the redirect and the callback, an access token between runs, or [`DiscogsAuth`]
//!   in a program's settings; and for settings: [`Callback`], [`UserAgent`] and [`ApiBase`]
//!   (as their strings), [`Endpoints`] (its two URLs), [`Placement`] and [`SignatureMethod`],
//!   each checked again when read.

#![forbid(unsafe_code)]
// docs.rs marks the items that need a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base_string;
mod credentials;
mod discogs_auth;
mod discogs_auth_session;
pub mod encoding;
mod endpoints;
mod error;
mod freshness;
mod oauth;
mod oauth_header;
mod provider;
mod rate_limit;
mod reply;
mod scheme;
mod session;
pub mod signature;
mod transport;

pub use http;

pub use credentials::{
    AccessToken, AuthorizedRequestToken, Consumer, ConsumerKey, ConsumerSecret, CredentialError,
    MAX_CREDENTIAL_LEN, PersonalToken, REQUEST_TOKEN_LIFETIME_SECS, RequestToken, Secret,
    TokenSecret, TokenValue, Verifier,
};
pub use discogs_auth::{DiscogsAuth, DiscogsAuthError, Placement};
pub use discogs_auth_session::DiscogsAuthSession;
pub use endpoints::{
    ApiBase, DISCOGS_API_BASE, DISCOGS_AUTHORIZE_URL, Endpoints, UrlError, UrlErrorKind,
};
pub use error::Error;
pub use freshness::{
    Clock, Freshness, FreshnessError, MAX_NONCE_LEN, Nonce, NonceSource, OffsetClock,
    OsNonceSource, RandomSourceError, SystemClock, Timestamp,
};
pub use oauth::{
    CLOCK_SKEW_TOLERANCE_SECS, Callback, CallbackError, CallbackUrl, FORM_CONTENT_TYPE, Identity,
    MAX_CALLBACK_LEN, OAuthClient, RequestError, RequestSigner, UserAgent, callback_request_token,
};
pub use oauth_header::{OAuthHeaderError, OAuthParameters};
pub use provider::{SignedRequest, VerifyError, secrets_equal};
pub use rate_limit::{MAX_RETRY_AFTER, RateLimit, RateLimitError};
pub use reply::{ApiError, MAX_ERROR_MESSAGE_CHARS, ReplyError, check_reply};
pub use scheme::AuthorizationScheme;
pub use session::{FlowError, Session};
pub use signature::{SignatureMethod, SigningError, UnknownSignatureMethod};
pub use transport::{
    AsyncTransport, BodyCut, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    MAX_TIMEOUT, ReplyBody, SyncTransport, TransportError, ensure_secure_url, error_chain,
    has_body_to_send, is_loopback_url, is_tls_finding,
};
