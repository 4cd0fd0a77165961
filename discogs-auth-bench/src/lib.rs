//! Shared pieces of the `discogs-auth` benchmarks: the inputs every case uses, the hand-written
//! floor each case is compared with, and a counting global allocator.
//!
//! The benchmarks themselves are in `benches/` (`signing.rs` for the protocol core against
//! `oauth1-request` and the floor, `transports.rs` for the adapters against their raw clients);
//! `tests/` checks that every baseline does the same job as the core (same header for the same
//! nonce and timestamp) and counts heap allocations per signed request. See `BENCHMARKS.md` at the
//! workspace root for the figures and the commands.
//!
//! The floor is the least code that produces the same bytes: `format!`, the bare
//! `percent-encoding` / `form_urlencoded` calls, `hmac` + `sha1` + `base64`, parameter order
//! written out by hand, no validation, no `http` types, and no randomness (the caller passes the
//! nonce). It is a lower bound, not a usable client.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use discogs_auth_core::Identity;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub mod alloc;
pub mod interleave;
pub mod report;

/// The consumer key of the benchmark application (made up, Discogs-sized).
pub const CONSUMER_KEY: &str = "JpTrsUbVZuVCyHgPAuJk";
/// The consumer secret of the benchmark application.
pub const CONSUMER_SECRET: &str = "LwRtPqYkgGvZfMDhcVnkCNxQEaTtdBQs";
/// A request token.
pub const REQUEST_TOKEN: &str = "qXbTHkPmEzyLRUDwsJcMNVrjaGfdKFlBnChtWYoe";
/// Its secret.
pub const REQUEST_TOKEN_SECRET: &str = "hDsbQyNvRkCeMJUPwgaLnKtzXFoVYmiErcBjdTHu";
/// The verifier the user's approval produced.
pub const VERIFIER: &str = "vKfJbTNsyW";
/// An access token.
pub const ACCESS_TOKEN: &str = "ZwGmNbKcLtRqPvXsYhJdFeUaTiOkMnBvCxZlQwEr";
/// Its secret.
pub const ACCESS_TOKEN_SECRET: &str = "PoIuYtReWqAsDfGhJkLzXcVbNmQwErTyUiOpAsDf";
/// The application's callback URL.
pub const CALLBACK: &str = "https://app.example/callback";
/// The `User-Agent` of every request.
pub const USER_AGENT: &str = "DiscogsAuthBench/1.0 +https://example.com";
/// `GET` request-token endpoint.
pub const REQUEST_TOKEN_URL: &str = "https://api.discogs.com/oauth/request_token";
/// `POST` access-token endpoint.
pub const ACCESS_TOKEN_URL: &str = "https://api.discogs.com/oauth/access_token";
/// The signed search of case 2, as sent.
pub const SEARCH_URL: &str =
    "https://api.discogs.com/database/search?q=Bj%C3%B6rk%20Homogenic&type=release&per_page=50";
/// The same search without its query (the base string URI).
pub const SEARCH_BASE_URL: &str = "https://api.discogs.com/database/search";
/// The decoded `q` of the search.
pub const SEARCH_QUERY: &str = "Björk Homogenic";

/// The request-token reply (case 4).
pub const REQUEST_TOKEN_REPLY: &str = "oauth_token=qXbTHkPmEzyLRUDwsJcMNVrjaGfdKFlBnChtWYoe&oauth_token_secret=hDsbQyNvRkCeMJUPwgaLnKtzXFoVYmiErcBjdTHu&oauth_callback_confirmed=true";
/// The access-token reply (case 4).
pub const ACCESS_TOKEN_REPLY: &str = "oauth_token=ZwGmNbKcLtRqPvXsYhJdFeUaTiOkMnBvCxZlQwEr&oauth_token_secret=PoIuYtReWqAsDfGhJkLzXcVbNmQwErTyUiOpAsDf";
/// The callback of an approval (case 4).
pub const APPROVED_CALLBACK: &str = "https://app.example/callback?oauth_token=qXbTHkPmEzyLRUDwsJcMNVrjaGfdKFlBnChtWYoe&oauth_verifier=vKfJbTNsyW";
/// The callback of a refusal (case 4).
pub const DENIED_CALLBACK: &str =
    "https://app.example/callback?denied=qXbTHkPmEzyLRUDwsJcMNVrjaGfdKFlBnChtWYoe";
/// The identity reply (case 4).
pub const IDENTITY_REPLY: &str = r#"{"id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "Your Application Name"}"#;

/// RFC 5849 §3.6: everything but `A-Z a-z 0-9 - . _ ~`.
const OAUTH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The current time in seconds, as every signer reads it.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Which signature the floor computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorMethod {
    /// `PLAINTEXT`.
    Plaintext,
    /// `HMAC-SHA1`.
    HmacSha1,
}

impl FloorMethod {
    fn name(self) -> &'static str {
        match self {
            Self::Plaintext => "PLAINTEXT",
            Self::HmacSha1 => "HMAC-SHA1",
        }
    }
}

fn enc(value: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(value, OAUTH)
}

fn hmac_sha1_base64(key: &str, base: &str) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit as _, Mac as _};
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// `oauth_signature` for `method`: the key itself, or HMAC-SHA1 of `base()` with it.
fn floor_signature(
    method: FloorMethod,
    token_secret: &str,
    base: impl FnOnce() -> String,
) -> String {
    let key = format!("{}&{}", enc(CONSUMER_SECRET), enc(token_secret));
    match method {
        FloorMethod::Plaintext => key,
        FloorMethod::HmacSha1 => hmac_sha1_base64(&key, &base()),
    }
}

/// Case 1, floor: the request-token `Authorization` header.
pub fn floor_request_token_header(method: FloorMethod, nonce: &str, timestamp: u64) -> String {
    let signature = floor_signature(method, "", || {
        let params = format!(
            "oauth_callback={}&oauth_consumer_key={CONSUMER_KEY}&oauth_nonce={nonce}&oauth_signature_method={}&oauth_timestamp={timestamp}",
            enc(CALLBACK),
            method.name(),
        );
        format!("GET&{}&{}", enc(REQUEST_TOKEN_URL), enc(&params))
    });
    format!(
        "OAuth oauth_callback=\"{}\", oauth_consumer_key=\"{CONSUMER_KEY}\", oauth_nonce=\"{nonce}\", oauth_signature=\"{}\", oauth_signature_method=\"{}\", oauth_timestamp=\"{timestamp}\"",
        enc(CALLBACK),
        enc(&signature),
        method.name(),
    )
}

/// Case 2, floor: the `Authorization` header of the signed search.
pub fn floor_search_header(method: FloorMethod, nonce: &str, timestamp: u64) -> String {
    let signature = floor_signature(method, ACCESS_TOKEN_SECRET, || {
        let params = format!(
            "oauth_consumer_key={CONSUMER_KEY}&oauth_nonce={nonce}&oauth_signature_method={}&oauth_timestamp={timestamp}&oauth_token={ACCESS_TOKEN}&per_page=50&q={}&type=release",
            method.name(),
            enc(SEARCH_QUERY),
        );
        format!("GET&{}&{}", enc(SEARCH_BASE_URL), enc(&params))
    });
    format!(
        "OAuth oauth_consumer_key=\"{CONSUMER_KEY}\", oauth_nonce=\"{nonce}\", oauth_signature=\"{}\", oauth_signature_method=\"{}\", oauth_timestamp=\"{timestamp}\", oauth_token=\"{ACCESS_TOKEN}\"",
        enc(&signature),
        method.name(),
    )
}

/// Case 3, floor: the access-token `Authorization` header.
pub fn floor_access_token_header(method: FloorMethod, nonce: &str, timestamp: u64) -> String {
    let signature = floor_signature(method, REQUEST_TOKEN_SECRET, || {
        let params = format!(
            "oauth_consumer_key={CONSUMER_KEY}&oauth_nonce={nonce}&oauth_signature_method={}&oauth_timestamp={timestamp}&oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}",
            method.name(),
        );
        format!("POST&{}&{}", enc(ACCESS_TOKEN_URL), enc(&params))
    });
    format!(
        "OAuth oauth_consumer_key=\"{CONSUMER_KEY}\", oauth_nonce=\"{nonce}\", oauth_signature=\"{}\", oauth_signature_method=\"{}\", oauth_timestamp=\"{timestamp}\", oauth_token=\"{REQUEST_TOKEN}\", oauth_verifier=\"{VERIFIER}\"",
        enc(&signature),
        method.name(),
    )
}

/// A nonce for the floor: a counter in hexadecimal. The floor pays for no randomness.
pub fn floor_nonce(counter: u64) -> String {
    let mut nonce = String::with_capacity(16);
    let _ = write!(nonce, "{counter:016x}");
    nonce
}

/// A token and its secret, as the floor's parsers return them.
pub type FloorToken = (String, String);

/// Case 4, floor: `oauth_token` and `oauth_token_secret` of a token reply, with
/// `form_urlencoded::parse` and no checks at all.
pub fn floor_parse_token_reply(body: &[u8]) -> Option<FloorToken> {
    let mut token = None;
    let mut secret = None;
    for (name, value) in form_urlencoded::parse(body) {
        match &*name {
            "oauth_token" => token = Some(value.into_owned()),
            "oauth_token_secret" => secret = Some(value.into_owned()),
            _ => {}
        }
    }
    Some((token?, secret?))
}

/// Case 4, floor: the verifier of a callback whose `oauth_token` is `request_token`, or `None`
/// (denied, another token, no verifier).
pub fn floor_parse_callback(callback: &str, request_token: &str) -> Option<String> {
    let query = callback
        .split_once('?')
        .map_or(callback, |(_, query)| query);
    let mut token_matches = false;
    let mut verifier = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "oauth_token" => token_matches = value == request_token,
            "oauth_verifier" => verifier = Some(value),
            "denied" => return None,
            _ => {}
        }
    }
    verifier
        .filter(|_| token_matches)
        .map(|verifier| verifier.into_owned())
}

/// Case 4, floor: `serde_json::from_slice` of the identity reply.
pub fn floor_parse_identity(body: &[u8]) -> Option<Identity> {
    serde_json::from_slice(body).ok()
}
