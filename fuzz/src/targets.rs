//! One function per fuzz target: parse the input, and where a format can be built as well as
//! parsed, check that building and parsing again gives the same value.
//!
//! Shared by the `cargo fuzz` binaries (`fuzz/fuzz_targets/<target>.rs`) and the replay test
//! of `discogs-auth-core` (`tests/fuzz_corpus.rs`), which includes this file by path. It may
//! therefore use only `discogs-auth-core` (with its `http` re-export), `serde_json` and `std`,
//! and compiles with or without the core's `hmac-sha1` feature.

use std::borrow::Cow;

use discogs_auth_core::encoding::{FormPairs, percent_decode, percent_encode};
use discogs_auth_core::http::header::{
    AUTHORIZATION, CONTENT_TYPE, DATE, HOST, HeaderName, LOCATION,
};
use discogs_auth_core::http::{
    HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri, Version,
};
use discogs_auth_core::signature::base_string_uri;
use discogs_auth_core::{
    AccessToken, ApiBase, ApiError, AuthorizedRequestToken, BodyCut, Callback, CallbackError,
    Consumer, ConsumerSecret, DISCOGS_API_BASE, DISCOGS_AUTHORIZE_URL, DiscogsAuth,
    DiscogsAuthError, Endpoints, Freshness, MAX_CALLBACK_LEN, MAX_ERROR_MESSAGE_CHARS, OAuthClient,
    OAuthParameters, Placement, RateLimit, ReplyBody, ReplyError, RequestError, RequestToken,
    SignatureMethod, SignedRequest, SigningError, Timestamp, TokenSecret, TokenValue,
    TransportError, UrlError, UrlErrorKind, UserAgent, Verifier, VerifyError,
    callback_request_token, check_reply, ensure_secure_url,
};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target: its name (the binary in `fuzz_targets/` and the directory in `corpus/`) and
/// its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("oauth_header", oauth_header),
    ("discogs_header", discogs_header),
    ("form", form),
    ("callback", callback),
    ("json_reply", json_reply),
    ("token_reply", token_reply),
    ("rate_limit_headers", rate_limit_headers),
    ("verify", verify),
    ("urls", urls),
    ("reply_body", reply_body),
];

/// The input as text. The parsers take `&str`; invalid UTF-8 becomes U+FFFD.
fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ---------------------------------------------------------------------------------------------
// oauth_header

/// `OAuthParameters::parse`; whatever parses must build into a valid header value that parses
/// back to the same parameters.
pub fn oauth_header(data: &[u8]) {
    let input = text(data);
    let Ok(parsed) = OAuthParameters::parse(&input) else {
        return;
    };
    let _ = format!("{parsed:?}");
    for (name, value) in parsed.iter() {
        assert_eq!(
            parsed.get(name),
            Some(value),
            "parse kept a duplicate `{name}`"
        );
        assert_ne!(name, "realm", "realm must not be a signed parameter");
    }
    let built = parsed.to_header_value();
    assert!(
        HeaderValue::from_str(&built).is_ok(),
        "the built header is not a valid header value: {built:?}"
    );
    match OAuthParameters::parse(&built) {
        Ok(reparsed) => assert_eq!(reparsed, parsed, "build → parse changed the parameters"),
        Err(error) => panic!("the built header {built:?} does not parse: {error}"),
    }
}

// ---------------------------------------------------------------------------------------------
// discogs_header

/// `DiscogsAuth::parse_header` and `DiscogsAuth::from_query`; whatever parses must round-trip
/// through `header_value` (when representable) and through query placement.
pub fn discogs_header(data: &[u8]) {
    let input = text(data);
    if let Ok(auth) = DiscogsAuth::parse_header(&input) {
        check_discogs_round_trips(&auth);
    }
    let query = input.strip_prefix('?').unwrap_or(&input);
    for query in [&*input, query] {
        if let Ok(Some(auth)) = DiscogsAuth::from_query(query) {
            check_discogs_round_trips(&auth);
        }
    }
}

fn check_discogs_round_trips(auth: &DiscogsAuth) {
    let _ = format!("{auth:?}");
    match auth.header_value() {
        Ok(value) => {
            assert!(value.is_sensitive(), "the Discogs header must be sensitive");
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                panic!("the header value {value:?} is not UTF-8");
            };
            assert_eq!(
                DiscogsAuth::parse_header(text).as_ref(),
                Ok(auth),
                "header_value → parse_header changed the credentials ({text:?})"
            );
        }
        Err(DiscogsAuthError::UnrepresentableInHeader { .. }) => {}
        Err(other) => panic!("header_value failed with {other:?}"),
    }
    let mut request = Request::get("https://api.discogs.com/database/search?q=Nirvana")
        .body(())
        .expect("a fixed request");
    match auth.apply(&mut request, Placement::Query) {
        Ok(()) => {
            let once = request.uri().clone();
            let query = once.query().unwrap_or_default();
            assert_eq!(
                DiscogsAuth::from_query(query),
                Ok(Some(auth.clone())),
                "query placement → from_query changed the credentials ({query:?})"
            );
            assert_eq!(
                auth.apply(&mut request, Placement::Query),
                Ok(()),
                "a query that carries the credentials already is refused ({query:?})"
            );
            assert_eq!(request.uri(), &once, "the credentials were added twice");
        }
        Err(error) => panic!("query placement failed with {error:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// form

/// `FormPairs::parse`, `percent_decode` and `percent_encode`.
pub fn form(data: &[u8]) {
    if let Ok(pairs) = FormPairs::parse(data) {
        // Re-encoded with the OAuth set (which encodes `+ & = %` too), the pairs parse back as
        // they are.
        let rebuilt = pairs
            .iter()
            .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(
            FormPairs::parse(rebuilt.as_bytes()).as_ref(),
            Ok(&pairs),
            "re-encoded form {rebuilt:?}"
        );
        for (name, value) in pairs.iter() {
            let count = pairs.iter().filter(|(other, _)| *other == name).count();
            match pairs.unique(name) {
                Ok(Some(found)) => assert!(count == 1 && found == value),
                Ok(None) => panic!("`{name}` is in the pairs but unique() finds nothing"),
                Err(_) => assert!(count > 1, "`{name}` reported as repeated once"),
            }
        }
    }

    let input = text(data);
    match percent_decode(&input) {
        Ok(decoded) => {
            if !input.contains('%') {
                assert_eq!(decoded, input, "decoding without escapes changed the text");
            }
            let encoded = percent_encode(&decoded);
            assert_eq!(percent_decode(&encoded).as_deref(), Ok(&*decoded));
        }
        Err(_) => assert!(input.contains('%'), "a text without '%' failed to decode"),
    }

    let encoded = percent_encode(&input);
    check_oauth_encoding(&encoded);
    assert_eq!(
        percent_decode(&encoded).as_deref(),
        Ok(&*input),
        "encode → decode changed the text"
    );
    let as_form = FormPairs::parse(format!("x={encoded}").as_bytes()).expect("an encoded form");
    assert_eq!(as_form.unique("x"), Ok(Some(&*input)));
}

/// RFC 5849 §3.6: only `A-Z a-z 0-9 - . _ ~` as they are, everything else `%XX` uppercase.
fn check_oauth_encoding(encoded: &str) {
    let bytes = encoded.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'%' {
            let digits = bytes.get(at + 1..at + 3).unwrap_or_default();
            assert!(
                digits.len() == 2
                    && digits
                        .iter()
                        .all(|d| d.is_ascii_digit() || (b'A'..=b'F').contains(d)),
                "bad escape in {encoded:?}"
            );
            at += 3;
        } else {
            assert!(
                byte.is_ascii_alphanumeric() || b"-._~".contains(&byte),
                "unencoded {:?} in {encoded:?}",
                char::from(byte)
            );
            at += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// callback

const CALLBACK_TOKEN_SECRET: &str = "rts-7c1d0e9f";

fn request_token(token: &str) -> RequestToken {
    RequestToken {
        token: TokenValue::new(token).expect("a fixed token"),
        secret: TokenSecret::new(CALLBACK_TOKEN_SECRET).expect("a fixed secret"),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000).expect("a fixed time"),
    }
}

/// `RequestToken::authorize_from_callback` for two fixed request tokens: a callback can approve
/// (or deny) at most one of them, and an approval must carry that token as `oauth_token`;
/// `callback_request_token` names the token approved or denied, and a callback that names one
/// of them is never that token's `TokenMismatch`. The same text also goes through
/// `Callback::parse`.
pub fn callback(data: &[u8]) {
    let input = text(data);
    // The same text as an `oauth_callback` value: kept exactly when accepted, and a refusal
    // names the field.
    match Callback::parse(&input) {
        Ok(callback) => assert_eq!(callback.as_str(), input),
        Err(error) => assert_eq!(error.field, "oauth_callback"),
    }
    let tokens = [request_token("abc123"), request_token("T")];
    let results = tokens
        .each_ref()
        .map(|token| token.authorize_from_callback(&input));
    let approved = results.iter().filter(|result| result.is_ok()).count();
    assert!(approved <= 1, "one callback approved two request tokens");
    let denied = results
        .iter()
        .filter(|result| matches!(result, Err(CallbackError::Denied)))
        .count();
    assert!(denied <= 1, "one callback denied two request tokens");
    let named = callback_request_token(&input);
    for (token, result) in tokens.iter().zip(results) {
        let names_this_token = named.as_deref() == Ok(token.token.as_str());
        match &result {
            Ok(_) | Err(CallbackError::Denied) => assert!(
                names_this_token,
                "{result:?} for {}, but callback_request_token gives {named:?}",
                token.token
            ),
            Err(CallbackError::TokenMismatch) => assert!(
                !names_this_token,
                "a callback naming {} is that token's mismatch",
                token.token
            ),
            Err(_) => {}
        }
        match result {
            Ok(authorized) => check_approval(token, &authorized, &input),
            Err(error) => {
                let shown = format!("{error} {error:?}");
                assert!(!shown.contains(CALLBACK_TOKEN_SECRET));
            }
        }
    }
}

fn check_approval(token: &RequestToken, authorized: &AuthorizedRequestToken, callback: &str) {
    assert_eq!(&authorized.request_token, token);
    let verifier = authorized.verifier.expose_secret();
    assert!(
        Verifier::new(verifier).is_ok(),
        "the verifier is not a valid credential"
    );
    // The callback's query (as a URL, a path or a bare query, fragment and surrounding
    // whitespace dropped) names the token.
    let without_fragment = callback
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .split('#')
        .next()
        .unwrap_or_default();
    let candidates = [
        without_fragment.split_once('?').map(|(_, query)| query),
        Some(without_fragment),
    ];
    // Only Discogs' two parameters count: the application's own may hold anything.
    let names_token = candidates.into_iter().flatten().any(|query| {
        values_of(query, "oauth_token") == [token.token.as_str()]
            && values_of(query, "oauth_verifier") == [verifier]
    });
    assert!(
        names_token,
        "approved without oauth_token={} in {callback:?}",
        token.token
    );
    // Debug shows neither the verifier nor the token secret.
    let shown = format!("{authorized:?}");
    let other = token.with_verifier(Verifier::new("other-verifier").expect("a fixed verifier"));
    assert_eq!(shown, format!("{other:?}"), "Debug shows the verifier");
    assert!(
        !shown.contains(CALLBACK_TOKEN_SECRET),
        "Debug shows the secret"
    );
}

/// Every value of `name` in the form data `query`, decoded by hand (`+` a space, `%XX` a byte,
/// anything else as it is); pairs whose name is not UTF-8 are not `name`, and a value that is
/// not UTF-8 still counts (with U+FFFD for what it holds).
fn values_of(query: &str, name: &str) -> Vec<String> {
    let decode = |raw: &str| {
        let raw = raw.as_bytes();
        let mut decoded = Vec::with_capacity(raw.len());
        let mut at = 0;
        while at < raw.len() {
            let escaped = raw.get(at + 1..at + 3).and_then(|hex| {
                u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16)
                    .ok()
                    .filter(|_| hex.iter().all(u8::is_ascii_hexdigit))
            });
            match (raw[at], escaped) {
                (b'%', Some(byte)) => {
                    decoded.push(byte);
                    at += 3;
                }
                (b'+', _) => {
                    decoded.push(b' ');
                    at += 1;
                }
                (byte, _) => {
                    decoded.push(byte);
                    at += 1;
                }
            }
        }
        decoded
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            (String::from_utf8(decode(raw_name)).ok()? == name)
                .then(|| String::from_utf8_lossy(&decode(raw_value)).into_owned())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// json_reply

const CONSUMER_KEY: &str = "dpf43f3p2l4k3l03";
const CONSUMER_SECRET: &str = "cs-kd94hf93k423";
/// A secret with a run of spaces and characters that percent-encoding changes.
const ODD_SECRET: &str = "se  cr&t/4";
/// A secret holding both escape characters, `%` and `\`: where a page escapes one, redaction
/// must read on past the character as it is (a one-way match let `5%0\\ff` through).
const ESCAPE_SECRET: &str = r"5%0\ff";

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).expect("fixed credentials"),
        UserAgent::new("discogs-auth-fuzz/1.0").expect("a fixed user agent"),
    )
    .with_signature_method(method)
}

fn reply(status: u16, headers: &[(HeaderName, &str)], body: &[u8]) -> Response<Vec<u8>> {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name, *value);
    }
    builder.body(body.to_vec()).expect("a valid reply")
}

/// The forms of a secret an error message must never contain: as it is, percent-encoded,
/// with its spacing collapsed, and JSON-escaped.
fn secret_forms(secret: &str) -> [String; 4] {
    let json = serde_json::to_string(secret).expect("a string serializes");
    [
        secret.to_owned(),
        percent_encode(secret).into_owned(),
        secret.split_whitespace().collect::<Vec<_>>().join(" "),
        json.trim_matches('"').to_owned(),
    ]
}

/// What every error message read from a reply must look like.
fn check_api_error(error: &ApiError, status: u16, secrets: &[&str]) {
    assert_eq!(error.status.as_u16(), status);
    let message = &error.message;
    let chars = message.chars().count();
    assert!(!message.is_empty(), "empty error message");
    assert!(
        chars <= MAX_ERROR_MESSAGE_CHARS + 1,
        "error message of {chars} characters"
    );
    if chars == MAX_ERROR_MESSAGE_CHARS + 1 {
        assert!(
            message.ends_with('…'),
            "a long message is not marked as cut"
        );
    }
    assert!(
        !message
            .chars()
            .any(|c| c.is_control() || (c.is_whitespace() && c != ' ')),
        "control characters or uncollapsed whitespace in {message:?}"
    );
    assert_eq!(message.trim(), message, "untrimmed message {message:?}");
    for secret in secrets {
        for form in secret_forms(secret) {
            assert!(
                !message.contains(&form),
                "the message {message:?} shows a secret ({form:?})"
            );
        }
    }
}

/// The statuses and content types a reply body is tried under: success (JSON or not), and
/// each error variant with plain, JSON and HTML content types. The message extraction depends
/// only on whether the content type says HTML, so a few pairs cover it.
const JSON_REPLY_CASES: [(u16, Option<&str>); 7] = [
    (200, None),
    (200, Some("application/json")),
    (400, Some("text/plain; charset=utf-8")),
    (401, None),
    (403, Some("Text/HTML")),
    (429, Some("application/json")),
    (502, Some("text/html; charset=utf-8")),
];

/// `OAuthClient::on_identity_response`, `check_reply` and `ApiError::from_response` with the
/// input as the body, under the statuses and content types of [`JSON_REPLY_CASES`].
pub fn json_reply(data: &[u8]) {
    let client = client(SignatureMethod::Plaintext);
    // The client redacts the secrets it holds; the readers below are given one more.
    let client_secrets = [CONSUMER_SECRET, ODD_SECRET];
    let secrets = [CONSUMER_SECRET, ODD_SECRET, ESCAPE_SECRET];
    let access_token = AccessToken::new("t0k3n", ODD_SECRET).expect("a valid access token");
    for (status, content_type) in JSON_REPLY_CASES {
        let headers: Vec<(HeaderName, &str)> = content_type
            .map(|ct| (CONTENT_TYPE, ct))
            .into_iter()
            .collect();
        let response = reply(status, &headers, data);
        let success = (200..300).contains(&status);

        match client.on_identity_response(&access_token, &response) {
            Ok(identity) => {
                assert!(success, "identity from an HTTP {status} reply");
                let json = serde_json::to_vec(&identity).expect("an identity serializes");
                let again = client.on_identity_response(&access_token, &reply(200, &[], &json));
                assert_eq!(again.as_ref(), Ok(&identity), "identity JSON round trip");
            }
            Err(error) => {
                if success {
                    assert!(
                        matches!(error, ReplyError::MalformedJson { .. }),
                        "{error:?} from a 2xx reply"
                    );
                } else {
                    let api_error = error.api_error().expect("an error status");
                    check_api_error(api_error, status, &client_secrets);
                }
                let _ = format!("{error} {error:?}");
            }
        }

        match check_reply(&response, &secrets) {
            Ok(body) => {
                assert!(success);
                assert_eq!(body, data);
            }
            Err(error) => {
                assert!(!success);
                check_api_error(
                    error.api_error().expect("an error status"),
                    status,
                    &secrets,
                );
                let expected_variant = match status {
                    429 => matches!(error, ReplyError::RateLimited(_)),
                    401 => matches!(error, ReplyError::Unauthorized(_)),
                    403 => matches!(error, ReplyError::Forbidden(_)),
                    _ => matches!(error, ReplyError::Status(_)),
                };
                assert!(expected_variant, "HTTP {status} gave {error:?}");
            }
        }

        if success {
            // `check_reply` read the error statuses above; a success reply read as an error too.
            let api_error = ApiError::from_response(&response, &secrets);
            check_api_error(&api_error, status, &secrets);
            assert_eq!(api_error.rate_limit, None);
        }
    }

    // A body an adapter cut at its limit, and a redirect to wherever the input points.
    let mut cut = reply(503, &[], data);
    cut.extensions_mut().insert(BodyCut { limit: data.len() });
    check_api_error(&ApiError::from_response(&cut, &secrets), 503, &secrets);
    let mut redirect = reply(307, &[], data);
    if let Ok(location) = HeaderValue::from_bytes(data) {
        redirect.headers_mut().insert(LOCATION, location);
    }
    check_api_error(&ApiError::from_response(&redirect, &secrets), 307, &secrets);
}

// ---------------------------------------------------------------------------------------------
// token_reply

const TOKEN_STATUSES: [u16; 16] = [
    200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 302, 100, 206, 418, 599,
];
const SENT_AT: u64 = 1_700_000_000;
/// `Date` headers: ten seconds after [`SENT_AT`], and an hour after it.
const DATE_NEAR: &str = "Tue, 14 Nov 2023 22:13:30 GMT";
const DATE_FAR: &str = "Tue, 14 Nov 2023 23:13:20 GMT";
const REQUEST_TOKEN_SECRET: &str = "rts-hdhd0244k9j7";
const VERIFIER: &str = "ver-hfdp7dh39dks";

/// `on_request_token_response` and `on_access_token_response`.
///
/// Input: byte 0 picks the status, byte 1 holds flags (bit 0: a `Date` ten seconds off, bit 1:
/// an hour off, bit 2: an HTML content type, bit 3: rate-limit headers, bit 4: the request
/// token has expired), the rest is the body.
pub fn token_reply(data: &[u8]) {
    let (status, flags, body) = match data {
        [status, flags, body @ ..] => (
            TOKEN_STATUSES[usize::from(*status) % TOKEN_STATUSES.len()],
            *flags,
            body,
        ),
        _ => (200, 0, data),
    };
    let mut headers: Vec<(HeaderName, &str)> = Vec::new();
    if flags & 1 != 0 {
        headers.push((DATE, DATE_NEAR));
    }
    if flags & 2 != 0 {
        headers.push((DATE, DATE_FAR));
    }
    if flags & 4 != 0 {
        headers.push((CONTENT_TYPE, "text/html; charset=utf-8"));
    }
    if flags & 8 != 0 {
        headers.push((HeaderName::from_static("x-discogs-ratelimit"), "60"));
        headers.push((HeaderName::from_static("x-discogs-ratelimit-used"), "60"));
        headers.push((
            HeaderName::from_static("x-discogs-ratelimit-remaining"),
            "0",
        ));
    }
    let expired = flags & 16 != 0;
    let response = reply(status, &headers, body);
    let success = (200..300).contains(&status);
    let client = client(SignatureMethod::Plaintext);
    let sent_at = Timestamp::from_unix_seconds(SENT_AT).expect("a fixed time");

    match client.on_request_token_response(&response, sent_at) {
        Ok(token) => {
            assert!(success, "a request token from an HTTP {status} reply");
            assert_eq!(token.issued_at, sent_at);
            let rebuilt = format!(
                "oauth_token={}&oauth_token_secret={}&oauth_callback_confirmed=true",
                percent_encode(token.token.as_str()),
                percent_encode(token.secret.expose_secret()),
            );
            let again =
                client.on_request_token_response(&reply(200, &[], rebuilt.as_bytes()), sent_at);
            assert_eq!(again.as_ref(), Ok(&token), "request-token reply round trip");
        }
        Err(error) => check_reply_error(&error, status, false, &[CONSUMER_SECRET]),
    }

    let issued_at = if expired { SENT_AT - 901 } else { SENT_AT - 60 };
    let authorized = RequestToken {
        token: TokenValue::new("hh5s93j4hdidpola").expect("a fixed token"),
        secret: TokenSecret::new(REQUEST_TOKEN_SECRET).expect("a fixed secret"),
        issued_at: Timestamp::from_unix_seconds(issued_at).expect("a fixed time"),
    }
    .with_verifier(Verifier::new(VERIFIER).expect("a fixed verifier"));
    match client.on_access_token_response(&authorized, &response, sent_at) {
        Ok(token) => {
            assert!(success, "an access token from an HTTP {status} reply");
            let rebuilt = format!(
                "oauth_token={}&oauth_token_secret={}",
                percent_encode(token.token.as_str()),
                percent_encode(token.secret.expose_secret()),
            );
            let again = client.on_access_token_response(
                &authorized,
                &reply(200, &[], rebuilt.as_bytes()),
                sent_at,
            );
            assert_eq!(again.as_ref(), Ok(&token), "access-token reply round trip");
        }
        Err(error) => check_reply_error(
            &error,
            status,
            expired,
            &[CONSUMER_SECRET, REQUEST_TOKEN_SECRET, VERIFIER],
        ),
    }
}

fn check_reply_error(error: &ReplyError, status: u16, expired: bool, secrets: &[&str]) {
    let success = (200..300).contains(&status);
    match error.api_error() {
        Some(api_error) => {
            assert!(!success, "{error:?} from a 2xx reply");
            check_api_error(api_error, status, secrets);
        }
        None => assert!(success, "{error:?} from an HTTP {status} reply"),
    }
    match error {
        ReplyError::ClockSkew { .. } => assert!(matches!(status, 400 | 401)),
        ReplyError::RequestTokenExpired(_) => {
            assert!(expired && matches!(status, 400 | 401), "{error:?}");
        }
        ReplyError::AccessTokenRefused(_) => {
            assert!(!expired && matches!(status, 400 | 401), "{error:?}");
        }
        ReplyError::RateLimited(_) => assert_eq!(status, 429),
        _ => {}
    }
    let shown = format!("{error} {error:?}");
    for secret in secrets {
        assert!(!shown.contains(secret), "{shown:?} shows a secret");
    }
}

// ---------------------------------------------------------------------------------------------
// rate_limit_headers

const RATE_LIMIT_HEADERS: [&str; 3] = [
    "x-discogs-ratelimit",
    "x-discogs-ratelimit-used",
    "x-discogs-ratelimit-remaining",
];

/// `RateLimit::from_headers` and `write_headers`.
///
/// Input: byte 0 says, two bits per header, how often each of the three headers appears (0, 1,
/// 2 or 1), bit 6 adds an unrelated header; the rest, split at `\n`, gives the values in turn.
pub fn rate_limit_headers(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut values = rest.split(|&byte| byte == b'\n');
    let mut headers = HeaderMap::new();
    for (index, name) in RATE_LIMIT_HEADERS.iter().enumerate() {
        let count = match (flags >> (2 * index)) & 3 {
            0 => 0,
            2 => 2,
            _ => 1,
        };
        for _ in 0..count {
            let value = values.next().unwrap_or_default();
            if let Ok(value) = HeaderValue::from_bytes(value) {
                headers.append(*name, value);
            }
        }
    }
    if flags & 0x40 != 0 {
        headers.append("x-discogs-media-type", HeaderValue::from_static("discogs"));
    }

    let parsed = RateLimit::from_headers(&headers);
    assert_eq!(
        parsed.clone().ok(),
        expected_rate_limit(&headers),
        "{headers:?}"
    );
    let response = {
        let mut response = reply(429, &[], b"");
        *response.headers_mut() = headers.clone();
        response
    };
    assert_eq!(
        ApiError::from_response(&response, &[]).rate_limit,
        parsed.clone().ok().flatten()
    );
    if let Ok(Some(rate_limit)) = parsed {
        let mut fresh = HeaderMap::new();
        rate_limit.write_headers(&mut fresh);
        assert_eq!(RateLimit::from_headers(&fresh), Ok(Some(rate_limit)));
        rate_limit.write_headers(&mut headers);
        assert_eq!(RateLimit::from_headers(&headers), Ok(Some(rate_limit)));
    }
}

/// What the headers say, read by hand: `Some(None)` without any of them, `Some(Some(_))` when
/// each appears once as a whole number (surrounding spaces allowed), `None` otherwise.
fn expected_rate_limit(headers: &HeaderMap) -> Option<Option<RateLimit>> {
    if RATE_LIMIT_HEADERS
        .iter()
        .all(|name| !headers.contains_key(*name))
    {
        return Some(None);
    }
    let number = |name: &str| -> Option<u32> {
        let all: Vec<_> = headers.get_all(name).iter().collect();
        let [value] = all.as_slice() else {
            return None;
        };
        let text = value.to_str().ok()?.trim_matches([' ', '\t']);
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    };
    Some(Some(RateLimit {
        limit: number(RATE_LIMIT_HEADERS[0])?,
        used: number(RATE_LIMIT_HEADERS[1])?,
        remaining: number(RATE_LIMIT_HEADERS[2])?,
    }))
}

// ---------------------------------------------------------------------------------------------
// verify

const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "M-SEARCH",
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/x-www-form-urlencoded"),
    Some("Application/X-WWW-Form-Urlencoded; charset=utf-8"),
    Some("application/json"),
];
const ORIGINS: [&str; 4] = [
    "https://api.discogs.com",
    "http://127.0.0.1:8765",
    "http://Photos.Example.NET",
    "HTTPS://api.discogs.com:443",
];
const DEFAULT_TOKEN: &str = "nnch734d00sl2jdk";
const DEFAULT_TOKEN_SECRET: &str = "pfkkdhi9sl3r4s00";

/// The request a verify input describes.
struct VerifyInput<'a> {
    method: Method,
    content_type: Option<&'static str>,
    /// Whether the provider sees a relative URI (with a `Host` header or a known origin).
    relative: bool,
    signature_method: SignatureMethod,
    origin: &'static str,
    /// Which byte of the signature to flip.
    flip_at: usize,
    timestamp: u64,
    authorization: &'a [u8],
    target: &'a [u8],
    credentials: &'a [u8],
    body: &'a [u8],
}

impl<'a> VerifyInput<'a> {
    /// Byte 0: method (bits 0-2), content type (bits 3-4), relative URI (bit 5). Byte 1:
    /// HMAC-SHA1 (bit 0), origin (bits 1-2), which signature byte to flip (bits 3-7). Bytes 2-5:
    /// the timestamp (big-endian). The rest, split at the first three `\n`: an `Authorization`
    /// value, the path and query, the credentials (`key`, `secret`, `token`, `token secret`,
    /// `nonce`, separated by tabs), and the body.
    fn new(data: &'a [u8]) -> Self {
        let byte = |index: usize| data.get(index).copied().unwrap_or_default();
        let (selector, flags) = (byte(0), byte(1));
        let timestamp = u32::from_be_bytes([byte(2), byte(3), byte(4), byte(5)]);
        let mut segments = data.get(6..).unwrap_or_default().splitn(4, |&b| b == b'\n');
        let mut segment = || segments.next().unwrap_or_default();
        let hmac = SignatureMethod::from_name("HMAC-SHA1").unwrap_or_default();
        Self {
            method: Method::from_bytes(METHODS[usize::from(selector & 7)].as_bytes())
                .expect("a valid method"),
            content_type: CONTENT_TYPES[usize::from((selector >> 3) & 3)],
            relative: selector & 0x20 != 0,
            signature_method: if flags & 1 != 0 {
                hmac
            } else {
                SignatureMethod::Plaintext
            },
            origin: ORIGINS[usize::from((flags >> 1) & 3)],
            flip_at: usize::from(flags >> 3),
            timestamp: u64::from(timestamp),
            authorization: segment(),
            target: segment(),
            credentials: segment(),
            body: segment(),
        }
    }

    /// The path and query: the input's when it is a valid origin-form target (relative and
    /// after the origin), else `/`.
    fn path_and_query(&self) -> String {
        let valid = |target: &&str| {
            let relative = target.parse::<Uri>();
            target.starts_with('/')
                && relative.is_ok_and(|uri| uri.scheme().is_none() && uri.authority().is_none())
                && format!("{}{target}", self.origin)
                    .parse::<Uri>()
                    .is_ok_and(|uri| uri.path_and_query().map(|pq| pq.as_str()) == Some(target))
        };
        std::str::from_utf8(self.target)
            .ok()
            .filter(valid)
            .unwrap_or("/")
            .to_owned()
    }

    /// The `i`th tab-separated credential field, if it is non-empty.
    fn field(&self, index: usize) -> Option<String> {
        self.credentials
            .split(|&b| b == b'\t')
            .nth(index)
            .filter(|field| !field.is_empty())
            .map(|field| text(field).into_owned())
    }

    /// The request as the provider receives it: relative (with `Host` for `http` origins) or
    /// absolute.
    fn as_received(&self, signed: &Request<Vec<u8>>) -> Request<Vec<u8>> {
        let mut received = signed.clone();
        if self.relative {
            let path_and_query = signed.uri().path_and_query().map_or("/", |pq| pq.as_str());
            *received.uri_mut() = path_and_query.parse().expect("a valid path");
            if let Some(authority) = self.origin.strip_prefix("http://") {
                let host = HeaderValue::from_str(authority).expect("a valid host");
                received.headers_mut().insert(HOST, host);
            }
        }
        received
    }

    /// Reads a received request, with the origin for relative `https` requests.
    fn read(&self, received: &Request<Vec<u8>>) -> Result<SignedRequest, VerifyError> {
        if self.relative && !self.origin.starts_with("http://") {
            let api_base = ApiBase::new(self.origin).expect("a fixed base");
            SignedRequest::from_request_at(received, &api_base)
        } else {
            SignedRequest::from_request(received)
        }
    }
}

/// Provider-side verification: arbitrary requests must not panic `SignedRequest::from_request`
/// or `verify`; a request signed by `OAuthClient::sign_request` must verify, and must not after
/// a change of secret or of one byte of its signature.
pub fn verify(data: &[u8]) {
    let input = VerifyInput::new(data);
    verify_arbitrary(&input);
    sign_then_verify(&input);
}

fn verify_arbitrary(input: &VerifyInput<'_>) {
    let path_and_query = input.path_and_query();
    let mut request = Request::new(input.body.to_vec());
    *request.method_mut() = input.method.clone();
    let uri = if input.relative {
        path_and_query.parse::<Uri>()
    } else {
        format!("{}{path_and_query}", input.origin).parse::<Uri>()
    };
    *request.uri_mut() = uri.expect("a valid URI");
    let headers = request.headers_mut();
    if let Ok(value) = HeaderValue::from_bytes(input.authorization) {
        headers.insert(AUTHORIZATION, value);
    }
    if let Some(content_type) = input.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if input.relative {
        // The host comes from the input's nonce field, so the rebuilt URI can be invalid.
        let host = input.field(4).unwrap_or_else(|| "example.com".to_owned());
        if let Ok(host) = HeaderValue::from_str(&host) {
            headers.insert(HOST, host);
        }
    }

    let consumer_secret = ConsumerSecret::new("kd94hf93k423kf44").expect("a fixed secret");
    let token_secret = TokenSecret::new(DEFAULT_TOKEN_SECRET).expect("a fixed secret");
    for read in [
        SignedRequest::from_request(&request),
        SignedRequest::from_request_at(
            &request,
            &ApiBase::new(input.origin).expect("a fixed base"),
        ),
    ] {
        let Ok(signed) = read else {
            continue;
        };
        let _ = format!("{signed:?}");
        let header = request.headers()[AUTHORIZATION]
            .to_str()
            .expect("it parsed");
        assert_eq!(
            OAuthParameters::parse(header).as_ref(),
            Ok(signed.parameters())
        );
        // What the signature covers is the target the server serves, whatever the `Host`.
        assert_eq!(
            signed.uri().path_and_query().map(|pq| pq.as_str()),
            Some(path_and_query.as_str())
        );
        let _ = (signed.token(), signed.callback(), signed.verifier());
        let _ = signed.verify(&consumer_secret, Some(&token_secret));
        let _ = signed.verify(&consumer_secret, None);
    }
}

const PROTOCOL_PARAMETERS: [&str; 9] = [
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    "oauth_callback",
    "oauth_verifier",
];

/// The protocol parameters named in the query or the form body of `request`, decoded by hand.
fn protocol_parameters_outside_header(request: &Request<Vec<u8>>) -> Vec<&'static str> {
    let query = request.uri().query().unwrap_or_default();
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    let body = if is_form {
        String::from_utf8_lossy(request.body())
    } else {
        Cow::Borrowed("")
    };
    PROTOCOL_PARAMETERS
        .into_iter()
        .filter(|name| !values_of(query, name).is_empty() || !values_of(&body, name).is_empty())
        .collect()
}

/// Another secret, different in its first character and no longer: appending a character
/// could exceed the length limit (a 1024-character secret plus one did, found by this target).
fn altered(secret: &str) -> String {
    let mut chars = secret.chars();
    let first = if chars.next() == Some('x') { 'y' } else { 'x' };
    std::iter::once(first).chain(chars).collect()
}

fn sign_then_verify(input: &VerifyInput<'_>) {
    let consumer = Consumer::new(
        input.field(0).unwrap_or_else(|| CONSUMER_KEY.to_owned()),
        input.field(1).unwrap_or_else(|| CONSUMER_SECRET.to_owned()),
    )
    .unwrap_or_else(|_| Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).expect("fixed credentials"));
    let access = AccessToken::new(
        input.field(2).unwrap_or_else(|| DEFAULT_TOKEN.to_owned()),
        input
            .field(3)
            .unwrap_or_else(|| DEFAULT_TOKEN_SECRET.to_owned()),
    )
    .unwrap_or_else(|_| AccessToken::new(DEFAULT_TOKEN, DEFAULT_TOKEN_SECRET).expect("fixed"));
    let freshness = input
        .field(4)
        .and_then(|nonce| Freshness::new(nonce, input.timestamp).ok())
        .unwrap_or_else(|| Freshness::new("chapoH", input.timestamp).expect("a fixed nonce"));
    let client = OAuthClient::new(
        consumer.clone(),
        UserAgent::new("discogs-auth-fuzz/1.0").expect("a fixed user agent"),
    )
    .with_signature_method(input.signature_method);

    let uri = format!("{}{}", input.origin, input.path_and_query());
    let mut request = Request::new(input.body.to_vec());
    *request.method_mut() = input.method.clone();
    *request.uri_mut() = uri.parse().expect("a valid URI");
    if let Some(content_type) = input.content_type {
        request
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    let unsigned = request.clone();
    let signed_once = client.sign_request(&access, &mut request, &freshness);
    // A signer made for the token signs byte for byte the same, and refuses the same requests.
    let mut by_signer = unsigned.clone();
    assert_eq!(
        client
            .signer(&access)
            .sign_request(&mut by_signer, &freshness),
        signed_once
    );
    if signed_once.is_ok() {
        assert_eq!(by_signer.headers(), request.headers());
    } else {
        assert_eq!(by_signer.headers(), unsigned.headers());
    }
    match signed_once {
        Ok(()) => {}
        // RFC 5849 §3.5: one way only. The header would be a second copy of a protocol
        // parameter already in the query or the form body.
        Err(RequestError::Signing(SigningError::ProtocolParameterOutsideHeader { name })) => {
            let outside_header = protocol_parameters_outside_header(&unsigned);
            assert!(outside_header.contains(&name), "{name} ({unsigned:?})");
            return;
        }
        // An undecodable query or form body cannot be signed.
        Err(RequestError::Signing(_)) => return,
        Err(error) => panic!("signing failed with {error:?}"),
    }

    let received = input.as_received(&request);
    assert_eq!(
        protocol_parameters_outside_header(&received),
        Vec::<&str>::new(),
        "{received:?}"
    );
    let signed = match input.read(&received) {
        Ok(signed) => signed,
        Err(error) => panic!("a signed request is unreadable: {error:?} ({received:?})"),
    };
    assert_eq!(signed.consumer_key(), consumer.key.as_str());
    assert_eq!(signed.token(), Some(access.token.as_str()));
    assert_eq!(signed.nonce(), freshness.nonce.as_str());
    assert_eq!(signed.timestamp(), freshness.timestamp);
    assert_eq!(signed.signature_method(), input.signature_method);
    assert_eq!(
        signed.verify(&consumer.secret, Some(&access.secret)),
        Ok(()),
        "a signed request does not verify ({received:?})"
    );

    let mismatch = Err(VerifyError::SignatureMismatch);
    let other_token_secret =
        TokenSecret::new(altered(access.secret.expose_secret())).expect("a valid secret");
    let other_consumer_secret =
        ConsumerSecret::new(altered(consumer.secret.expose_secret())).expect("a valid secret");
    assert_eq!(
        signed.verify(&consumer.secret, Some(&other_token_secret)),
        mismatch
    );
    assert_eq!(signed.verify(&consumer.secret, None), mismatch);
    assert_eq!(
        signed.verify(&other_consumer_secret, Some(&access.secret)),
        mismatch
    );

    // One byte of the signature changed.
    let parameters = signed.parameters();
    let signature = parameters.get("oauth_signature").expect("a signature");
    let mut flipped = signature.as_bytes().to_vec();
    let at = input.flip_at % flipped.len();
    flipped[at] ^= if flipped[at] == b'\x01' { 0x02 } else { 0x01 };
    let flipped = String::from_utf8(flipped).expect("signatures are ASCII");
    let tampered = tamper(&received, parameters, "oauth_signature", &flipped);
    let tampered = input
        .read(&tampered)
        .expect("a tampered request stays readable");
    assert_eq!(
        tampered.verify(&consumer.secret, Some(&access.secret)),
        mismatch,
        "a signature with byte {at} changed ({signature:?} → {flipped:?}) verifies"
    );

    // HMAC-SHA1 covers the timestamp too.
    if input.signature_method != SignatureMethod::Plaintext {
        let later = (freshness.timestamp.as_unix_seconds() + 1).to_string();
        let tampered = tamper(&received, parameters, "oauth_timestamp", &later);
        let tampered = input
            .read(&tampered)
            .expect("a tampered request stays readable");
        assert_eq!(
            tampered.verify(&consumer.secret, Some(&access.secret)),
            mismatch,
            "an HMAC-SHA1 signature ignores the timestamp"
        );
    }
}

/// `received` with the OAuth parameter `name` set to `value`.
fn tamper(
    received: &Request<Vec<u8>>,
    parameters: &OAuthParameters,
    name: &str,
    value: &str,
) -> Request<Vec<u8>> {
    let changed = parameters
        .iter()
        .map(|(key, old)| (key, if key == name { value } else { old }));
    let header = OAuthParameters::new(parameters.realm().map(str::to_owned), changed);
    let mut tampered = received.clone();
    tampered.headers_mut().insert(
        AUTHORIZATION,
        HeaderValue::try_from(header.to_header_value()).expect("an ASCII header"),
    );
    tampered
}

// ---------------------------------------------------------------------------------------------
// urls

/// The longest an error's message may be: a line, not a page.
const MAX_ERROR_DISPLAY_CHARS: usize = 400;

/// `ensure_secure_url`, `signature::base_string_uri`, `Endpoints::is_api_url`, `ApiBase::new`,
/// `Endpoints::new` and `Callback::url`, on the input as a URL and on `http://` followed by
/// it, each against a model written here from the documentation:
///
/// - `ensure_secure_url`: a user name or password is `CredentialsInUrl` whatever the scheme;
///   then `https` (any case) passes, `http` passes only to loopback (`localhost`, 127.0.0.0/8,
///   `[::1]`) and is otherwise `InsecureUrl` naming the host, anything else is
///   `UnsupportedScheme`.
/// - `base_string_uri` (RFC 5849 §3.4.1.2): lowercase scheme and host, the port only when it
///   is not the scheme's default, the path (`/` when empty), no query or fragment; written
///   again from its own output, it stays the same.
/// - `is_api_url`: the same scheme, host (any case) and port (a default port written or not)
///   as the API base.
/// - `ApiBase::new` / `Endpoints::new` / `Callback::url`: accept exactly the URLs without a
///   defect, and refuse with the kind of a defect the URL really has; an API base is kept
///   without its trailing slashes, reads back as itself, and the endpoints built on it are on
///   it.
/// - every error's message is a line: not empty, at most 400 characters (besides the host an
///   `InsecureUrl` names, which is the caller's own).
///
pub fn urls(data: &[u8]) {
    let input = text(data);
    for url in [input.to_string(), format!("http://{input}")] {
        check_url(&url);
    }
}

fn check_url(url: &str) {
    let uri = url.parse::<Uri>();
    let defects = url_defects(url);
    check_api_base(url, &defects);
    check_authorize_url(url, &defects);
    check_callback_url(url, &defects);
    let Ok(uri) = uri else {
        return;
    };
    check_secure(&uri);
    check_base_string_uri(&uri);
    assert_eq!(
        Endpoints::discogs().is_api_url(&uri),
        on_origin(&uri, "https", "api.discogs.com", 443),
        "is_api_url for Discogs and {uri}"
    );
}

/// A message shown to a user: one line of reasonable length.
fn check_display(error: &dyn std::fmt::Display, allowance: usize) {
    let shown = error.to_string();
    assert!(!shown.trim().is_empty(), "an empty error message");
    let chars = shown.chars().count();
    assert!(
        chars <= MAX_ERROR_DISPLAY_CHARS + allowance,
        "an error message of {chars} characters: {shown:?}"
    );
    assert!(
        !shown.contains(['\r', '\n']),
        "a message of several lines: {shown:?}"
    );
}

/// The port an authority names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortText {
    /// None written, or an empty one (`host:`): the scheme's default.
    Default,
    Number(u16),
    /// Text after the host that is not `:` and a number up to 65535.
    Invalid,
}

/// `authority` cut by hand into its host (brackets kept for an IP literal) and port: user
/// information ends at the last `@`, an IP literal at its `]`, a name at the first `:`.
fn host_and_port(authority: &str) -> (&str, PortText) {
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host_port)| host_port);
    let host_end = if host_port.starts_with('[') {
        host_port.find(']').map_or(host_port.len(), |end| end + 1)
    } else {
        host_port.find(':').unwrap_or(host_port.len())
    };
    let (host, rest) = host_port.split_at(host_end);
    // A bracket in a name is no host, and what follows it no port.
    if !host.starts_with('[') && host.contains(['[', ']']) {
        return (host, PortText::Invalid);
    }
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => PortText::Default,
        None => PortText::Invalid,
        Some("") => PortText::Default,
        Some(digits) if digits.bytes().all(|byte| byte.is_ascii_digit()) => {
            // Leading zeros name the same port; more digits than that are no port.
            let trimmed = digits.trim_start_matches('0');
            if trimmed.len() > 5 {
                PortText::Invalid
            } else {
                let value = trimmed
                    .bytes()
                    .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'));
                u16::try_from(value).map_or(PortText::Invalid, PortText::Number)
            }
        }
        Some(_) => PortText::Invalid,
    };
    (host, port)
}

/// The scheme in lowercase, if it is `http` or `https`, with its default port.
fn web_scheme(uri: &Uri) -> Option<(&'static str, u16)> {
    let scheme = uri.scheme_str()?;
    if scheme.eq_ignore_ascii_case("https") {
        Some(("https", 443))
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(("http", 80))
    } else {
        None
    }
}

/// `localhost` (any case), an IPv4 address in 127.0.0.0/8, or the IPv6 `::1` in brackets. An
/// IPv4 address in brackets is not a valid host, but a client that reads one reads it as
/// that address, so a loopback one counts.
fn is_loopback_host(host: &str) -> bool {
    let ipv4_loopback = |text: &str| {
        text.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.octets()[0] == 127)
    };
    if host.eq_ignore_ascii_case("localhost") || ipv4_loopback(host) {
        return true;
    }
    match host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        Some(literal) => {
            literal.parse::<std::net::Ipv6Addr>() == Ok(std::net::Ipv6Addr::LOCALHOST)
                || ipv4_loopback(literal)
        }
        None => false,
    }
}

/// What `ensure_secure_url` must say about `uri`.
#[derive(Debug, PartialEq, Eq)]
enum Secure {
    Allowed,
    Credentials,
    Insecure(String),
    Unsupported,
}

fn expected_secure(uri: &Uri) -> Secure {
    let authority = uri.authority().map(|authority| authority.as_str());
    if authority.is_some_and(|authority| authority.contains('@')) {
        return Secure::Credentials;
    }
    let host = authority.map_or("", |authority| host_and_port(authority).0);
    match web_scheme(uri) {
        Some(("https", _)) => Secure::Allowed,
        Some(_) if is_loopback_host(host) => Secure::Allowed,
        Some(_) => Secure::Insecure(host.to_owned()),
        None => Secure::Unsupported,
    }
}

fn check_secure(uri: &Uri) {
    let result = ensure_secure_url(uri);
    let actual = match &result {
        Ok(()) => Secure::Allowed,
        Err(TransportError::CredentialsInUrl) => Secure::Credentials,
        Err(TransportError::InsecureUrl { host }) => Secure::Insecure(host.clone()),
        Err(TransportError::UnsupportedScheme) => Secure::Unsupported,
        Err(other) => panic!("ensure_secure_url({uri}) failed with {other:?}"),
    };
    assert_eq!(actual, expected_secure(uri), "ensure_secure_url({uri})");
    match &result {
        Ok(()) => {}
        Err(error @ TransportError::InsecureUrl { host }) => {
            check_display(error, host.chars().count());
        }
        Err(error) => check_display(error, 0),
    }
}

/// The base string URI of `uri`, written by hand; `Err` with a description of why it has none.
fn expected_base_string_uri(uri: &Uri) -> Result<String, &'static str> {
    let (Some(_), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err("not absolute");
    };
    let Some((scheme, default_port)) = web_scheme(uri) else {
        return Err("not http(s)");
    };
    let (host, port) = host_and_port(authority.as_str());
    if host.is_empty() {
        return Err("not absolute");
    }
    let port = match port {
        PortText::Default => None,
        PortText::Number(port) => Some(port).filter(|&port| port != default_port),
        PortText::Invalid => return Err("an invalid port"),
    };
    let mut expected = format!("{scheme}://{}", host.to_ascii_lowercase());
    if let Some(port) = port {
        expected.push_str(&format!(":{port}"));
    }
    expected.push_str(if uri.path().is_empty() {
        "/"
    } else {
        uri.path()
    });
    Ok(expected)
}

fn check_base_string_uri(uri: &Uri) {
    let result = base_string_uri(uri);
    match (&result, expected_base_string_uri(uri)) {
        (Ok(actual), Ok(expected)) => {
            assert_eq!(actual, &expected, "base_string_uri({uri})");
            assert!(
                !actual.contains(['?', '#']),
                "a query or fragment in {actual:?}"
            );
            let again = actual
                .parse::<Uri>()
                .unwrap_or_else(|error| panic!("the base string URI {actual:?}: {error}"));
            assert_eq!(
                base_string_uri(&again).as_ref(),
                Ok(actual),
                "base_string_uri is not idempotent on {uri}"
            );
        }
        (Err(error), Err(why)) => {
            let consistent = match error {
                SigningError::NotAbsoluteUri => why == "not absolute",
                SigningError::UnsupportedScheme => why == "not http(s)",
                SigningError::InvalidPort => why == "an invalid port",
                _ => false,
            };
            assert!(consistent, "base_string_uri({uri}) is {error:?}, for {why}");
            check_display(error, 0);
        }
        (actual, expected) => panic!("base_string_uri({uri}) is {actual:?}, not {expected:?}"),
    }
}

/// Whether `uri` is on the origin `scheme://host:port` (a default port written or not).
fn on_origin(uri: &Uri, scheme: &str, host: &str, port: u16) -> bool {
    let (Some((uri_scheme, default_port)), Some(authority)) = (web_scheme(uri), uri.authority())
    else {
        return false;
    };
    let (uri_host, uri_port) = host_and_port(authority.as_str());
    let uri_port = match uri_port {
        PortText::Default => default_port,
        PortText::Number(port) => port,
        PortText::Invalid => return false,
    };
    uri_scheme == scheme && uri_host.eq_ignore_ascii_case(host) && uri_port == port
}

/// Everything that makes `url` unusable as an absolute `http(s)` URL, as the kinds of
/// `UrlError` that name it (`Query` included: only an API base refuses it).
fn url_defects(url: &str) -> Vec<UrlErrorKind> {
    let mut defects = Vec::new();
    // `http`'s own limit, `u16::MAX - 1` bytes.
    if url.len() >= usize::from(u16::MAX) {
        defects.push(UrlErrorKind::TooLong);
    }
    if url.chars().any(char::is_control) {
        defects.push(UrlErrorKind::ControlCharacter);
    }
    if !url.is_ascii() {
        defects.push(UrlErrorKind::NotAscii);
    }
    if url.contains('#') {
        defects.push(UrlErrorKind::Fragment);
    }
    let Ok(uri) = url.parse::<Uri>() else {
        defects.push(UrlErrorKind::Malformed);
        return defects;
    };
    if web_scheme(&uri).is_none() {
        defects.push(UrlErrorKind::NotHttp);
    }
    let authority = uri.authority().map_or("", |authority| authority.as_str());
    let (host, port) = host_and_port(authority);
    if host.is_empty() {
        defects.push(UrlErrorKind::NoHost);
    }
    if authority.contains('@') {
        defects.push(UrlErrorKind::UserInfo);
    }
    if port == PortText::Invalid {
        defects.push(UrlErrorKind::InvalidPort);
    }
    if uri.query().is_some() {
        defects.push(UrlErrorKind::Query);
    }
    defects
}

/// A refusal names its field, a defect `url` has, and says so in a line.
fn check_url_error(error: &UrlError, field: &str, url: &str, defects: &[UrlErrorKind]) {
    assert_eq!(error.field, field, "{url:?}: {error:?}");
    assert!(
        defects.contains(&error.kind),
        "{url:?} refused as {:?}, but its defects are {defects:?}",
        error.kind
    );
    check_display(error, 0);
}

fn check_api_base(url: &str, defects: &[UrlErrorKind]) {
    let base = ApiBase::new(url);
    let endpoints = Endpoints::new(url, DISCOGS_AUTHORIZE_URL);
    assert_eq!(
        endpoints.as_ref().map(Endpoints::api_base),
        base.as_ref().map(ApiBase::as_str),
        "Endpoints::new and ApiBase::new disagree on {url:?}"
    );
    let base = match base {
        Ok(base) => base,
        Err(error) => {
            assert!(
                !defects.is_empty(),
                "{url:?} refused as an API base: {error}"
            );
            return check_url_error(&error, "api_base", url, defects);
        }
    };
    assert_eq!(defects, [], "{url:?} accepted as an API base");
    assert_eq!(base.as_str(), url.trim_end_matches('/'), "{url:?}");
    assert_eq!(base.to_string(), base.as_str());
    assert_eq!(
        ApiBase::new(base.as_str()).as_ref(),
        Ok(&base),
        "the API base {base} does not read back as itself"
    );

    let endpoints = endpoints.expect("accepted as ApiBase::new accepts it");
    assert_eq!(endpoints.authorize_url(), DISCOGS_AUTHORIZE_URL);
    let uri = url.parse::<Uri>().expect("an accepted base parses");
    let origin = uri
        .authority()
        .expect("an accepted base has a host")
        .as_str();
    let (host, port) = host_and_port(origin);
    let (scheme, default_port) = web_scheme(&uri).expect("an accepted base is http(s)");
    let port = match port {
        PortText::Number(port) => port,
        _ => default_port,
    };
    for (built, path) in [
        (endpoints.request_token_url(), "/oauth/request_token"),
        (endpoints.access_token_url(), "/oauth/access_token"),
        (endpoints.identity_url(), "/oauth/identity"),
    ] {
        let expected: Uri = format!("{base}{path}")
            .parse()
            .unwrap_or_else(|error| panic!("{base}{path}: {error}"));
        assert_eq!(built, expected, "an endpoint of {base}");
        assert!(endpoints.is_api_url(&built), "{built} is not on {base}");
    }
    assert!(endpoints.is_api_url(&uri), "{uri} is not on itself");
    let call = endpoints
        .api_url("/database/search?q=Nirvana&type=release")
        .unwrap_or_else(|error| panic!("an API URL on {base}: {error}"));
    assert!(endpoints.is_api_url(&call), "{call} is not on {base}");
    assert!(on_origin(&call, scheme, host, port), "{call} left {base}");
    // A base with a path covers only what is under it, and Discogs' root is under none.
    let base_has_path = !uri.path().trim_end_matches('/').is_empty();
    assert_eq!(
        endpoints.is_api_url(&"https://api.discogs.com/".parse().expect("a fixed URL")),
        on_origin(
            &"https://api.discogs.com/".parse().expect("a fixed URL"),
            scheme,
            host,
            port
        ) && !base_has_path,
        "is_api_url of Discogs' API on {base}"
    );
}

fn check_authorize_url(url: &str, defects: &[UrlErrorKind]) {
    let allowed: Vec<UrlErrorKind> = defects
        .iter()
        .copied()
        .filter(|&kind| kind != UrlErrorKind::Query)
        .collect();
    match Endpoints::new(DISCOGS_API_BASE, url) {
        Ok(endpoints) => {
            assert_eq!(allowed, [], "{url:?} accepted as an authorize page");
            assert_eq!(endpoints.authorize_url(), url);
            assert_eq!(endpoints.api_base(), DISCOGS_API_BASE);
            if url == DISCOGS_AUTHORIZE_URL {
                assert_eq!(endpoints, Endpoints::discogs());
            }
        }
        Err(error) => {
            assert!(
                !allowed.is_empty(),
                "{url:?} refused as an authorize page: {error}"
            );
            check_url_error(&error, "authorize_url", url, &allowed);
        }
    }
}

fn check_callback_url(url: &str, defects: &[UrlErrorKind]) {
    let mut allowed: Vec<UrlErrorKind> = defects
        .iter()
        .copied()
        .filter(|&kind| kind != UrlErrorKind::Query)
        .collect();
    if url.len() > MAX_CALLBACK_LEN {
        allowed.push(UrlErrorKind::TooLong);
    }
    // The parameters Discogs adds to the redirect belong to it, not to the callback.
    let query = url
        .parse::<Uri>()
        .ok()
        .and_then(|uri| uri.query().map(str::to_owned));
    if query.is_some_and(|query| {
        ["oauth_token", "oauth_verifier", "denied"]
            .iter()
            .any(|name| !values_of(&query, name).is_empty())
    }) {
        allowed.push(UrlErrorKind::ReservedParameter);
    }
    match Callback::url(url) {
        Ok(callback) => {
            assert_eq!(allowed, [], "{url:?} accepted as a callback");
            assert_eq!(callback.as_str(), url, "a callback is kept as given");
        }
        Err(error) => {
            assert!(
                !allowed.is_empty(),
                "{url:?} refused as a callback: {error}"
            );
            check_url_error(&error, "oauth_callback", url, &allowed);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// reply_body

const BODY_STATUSES: [u16; 16] = [
    200, 201, 204, 206, 299, 100, 301, 304, 400, 401, 404, 429, 500, 502, 503, 599,
];

/// How a reader's body ends after its chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadEnd {
    /// End of the body.
    Eof,
    /// An `io::Error` that says it timed out.
    TimedOut,
    /// Another `io::Error` (a reset connection).
    Reset,
    /// The HTTP client's own error, wrapped in an `io::Error` as its reader does.
    Client,
    /// An interrupted read, which is tried again, then the end of the body.
    Interrupted,
}

const READ_ENDS: [ReadEnd; 5] = [
    ReadEnd::Eof,
    ReadEnd::TimedOut,
    ReadEnd::Reset,
    ReadEnd::Client,
    ReadEnd::Interrupted,
];
const RESET_MESSAGE: &str = "connection reset by peer";

/// The HTTP client's own error, as `read_from` hands it back.
#[derive(Debug)]
struct ClientFailure;

impl std::fmt::Display for ClientFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client closed the connection")
    }
}

impl std::error::Error for ClientFailure {}

/// Set on the head `finish` is given: its extensions must stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeadMarker(u8);

/// The reply a reply_body input describes.
struct ReplyBodyInput<'a> {
    status: StatusCode,
    declared: Option<u64>,
    limit: usize,
    end: ReadEnd,
    /// Whether to go on pushing the chunks left once `push` said the body is full.
    push_after_full: bool,
    chunks: Vec<&'a [u8]>,
}

impl<'a> ReplyBodyInput<'a> {
    /// Byte 0: the status. Byte 1: a `Content-Length` (bit 0), how a reader ends (bits 1-3),
    /// pushing on once full (bit 4). Byte 2: the `Content-Length` (255: `u64::MAX`). Byte 3:
    /// the limit (0 to 64). The rest: the body, in the chunks the `|`s between them make.
    fn new(data: &'a [u8]) -> Self {
        let byte = |index: usize| data.get(index).copied().unwrap_or_default();
        let flags = byte(1);
        let status = BODY_STATUSES[usize::from(byte(0)) % BODY_STATUSES.len()];
        Self {
            status: StatusCode::from_u16(status).expect("a fixed status"),
            declared: (flags & 1 != 0).then(|| match byte(2) {
                255 => u64::MAX,
                length => u64::from(length),
            }),
            limit: usize::from(byte(3) % 65),
            end: READ_ENDS[usize::from((flags >> 1) & 7) % READ_ENDS.len()],
            push_after_full: flags & 0x10 != 0,
            chunks: data
                .get(4..)
                .unwrap_or_default()
                .split(|&byte| byte == b'|')
                .collect(),
        }
    }

    fn body(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    /// Whether the `Content-Length` is past the limit.
    fn declared_over_limit(&self) -> bool {
        self.declared
            .is_some_and(|length| u128::from(length) > self.limit as u128)
    }

    /// The reply head handed to `finish`.
    fn head(&self) -> Response<()> {
        Response::builder()
            .status(self.status)
            .version(Version::HTTP_10)
            .header("x-discogs-ratelimit-remaining", "0")
            .extension(HeadMarker(7))
            .body(())
            .expect("a valid head")
    }
}

/// What the documentation says becomes of a body.
#[derive(Debug, PartialEq, Eq)]
enum Kept {
    /// Refused with `BodyTooLarge`.
    TooLarge,
    /// The bytes kept, and whether they were cut (marked with `BodyCut`).
    Body(Vec<u8>, bool),
}

/// The model, for `body` arrived whole: a 2xx reply is refused once its bytes pass the
/// limit; any other reply is kept up to the limit, and cut when its bytes pass the limit, or
/// reach it when its `Content-Length` said they would pass it.
fn expected_kept(input: &ReplyBodyInput<'_>, body: &[u8]) -> Kept {
    let over = body.len() > input.limit;
    if input.status.is_success() && over {
        return Kept::TooLarge;
    }
    let cut = over || (input.declared_over_limit() && body.len() >= input.limit);
    Kept::Body(body[..body.len().min(input.limit)].to_vec(), cut)
}

/// What `push` returns for each chunk in turn (`None` for the refusal), up to the first that
/// ends the body.
fn expected_pushes(input: &ReplyBodyInput<'_>) -> Vec<Option<bool>> {
    let mut pushes = Vec::new();
    let mut received = Vec::new();
    for chunk in &input.chunks {
        received.extend_from_slice(chunk);
        match expected_kept(input, &received) {
            Kept::TooLarge => {
                pushes.push(None);
                break;
            }
            Kept::Body(_, true) => {
                pushes.push(Some(false));
                break;
            }
            Kept::Body(_, false) => pushes.push(Some(true)),
        }
    }
    pushes
}

/// Yields its chunks one read at a time (a read into a smaller buffer takes part of one),
/// then ends as told.
struct ChunkReader<'a> {
    chunks: std::iter::Copied<std::slice::Iter<'a, &'a [u8]>>,
    current: &'a [u8],
    end: Option<std::io::Error>,
}

impl<'a> ChunkReader<'a> {
    fn new(chunks: &'a [&'a [u8]], end: ReadEnd) -> Self {
        let end = match end {
            ReadEnd::Eof => None,
            ReadEnd::TimedOut => Some(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "timed out",
            )),
            ReadEnd::Reset => Some(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                RESET_MESSAGE,
            )),
            ReadEnd::Client => Some(std::io::Error::other(ClientFailure)),
            ReadEnd::Interrupted => Some(std::io::Error::from(std::io::ErrorKind::Interrupted)),
        };
        Self {
            chunks: chunks.iter().copied(),
            current: &[],
            end,
        }
    }
}

impl std::io::Read for ChunkReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        // An empty chunk would read as the end of the body: it is no read at all.
        while self.current.is_empty() {
            match self.chunks.next() {
                Some(chunk) => self.current = chunk,
                None => return self.end.take().map_or(Ok(0), Err),
            }
        }
        let len = buffer.len().min(self.current.len());
        buffer[..len].copy_from_slice(&self.current[..len]);
        self.current = &self.current[len..];
        Ok(len)
    }
}

/// `ReplyBody`, against a model of its documentation: the body pushed in the input's chunks,
/// read by `read_from` from a reader yielding them (after the first chunk pushed, or from the
/// start), each agree with the model: a 2xx reply whose `Content-Length` or bytes pass the
/// limit is `BodyTooLarge { limit }` (at `new`, or at the push that passes it), any other is
/// kept up to the limit, `push` says `false` once it is full (and again for anything pushed
/// after), and `finish` keeps the head's status, version, headers and extensions and adds
/// `BodyCut { limit }` exactly when the body was cut. A read error the body ends with is
/// mapped as `read_from` says (the client's own error by the adapter's mapping, a time-out to
/// `Timeout`, another to `Client`), unless the reading stopped at the limit before it.
pub fn reply_body(data: &[u8]) {
    let input = ReplyBodyInput::new(data);
    let body = input.body();
    let refused_at_start = input.status.is_success() && input.declared_over_limit();
    let new = || ReplyBody::new(input.status, input.declared, input.limit);
    if refused_at_start {
        match new() {
            Err(error) => check_too_large(&error, input.limit),
            Ok(_) => panic!(
                "a {} reply declaring {:?} bytes accepted under a {}-byte limit",
                input.status, input.declared, input.limit
            ),
        }
        return;
    }
    let started = |what: &str| {
        new().unwrap_or_else(|error| {
            panic!(
                "{what}: a {} reply declaring {:?} bytes refused under a {}-byte limit: {error}",
                input.status, input.declared, input.limit
            )
        })
    };

    let pushed = push_all(&input, started("push"));
    let expected = expected_kept(&input, &body);
    assert_eq!(
        pushed, expected,
        "pushed in chunks {:?} under the limit {}",
        input.chunks, input.limit
    );

    check_read(&input, &body, started("read_from"), &input.chunks);
    if let Some((first, rest)) = input.chunks.split_first() {
        let mut reply_body = started("push, then read_from");
        if reply_body.push(first).is_ok_and(|more| more) {
            check_read(&input, &body, reply_body, rest);
        }
    }
}

/// `BodyTooLarge` with the limit, in a line.
fn check_too_large(error: &TransportError, limit: usize) {
    assert!(
        matches!(error, TransportError::BodyTooLarge { limit: refused } if *refused == limit),
        "{error:?}, not BodyTooLarge {{ limit: {limit} }}"
    );
    check_display(error, 0);
}

/// Pushes the chunks, checking what each push returns, and finishes the reply.
fn push_all(input: &ReplyBodyInput<'_>, mut reply_body: ReplyBody) -> Kept {
    let expected = expected_pushes(input);
    let mut chunks = input.chunks.iter();
    for (index, (chunk, expected)) in chunks.by_ref().zip(&expected).enumerate() {
        match (reply_body.push(chunk), expected) {
            (Ok(more), Some(expected)) => assert_eq!(
                more, *expected,
                "push of chunk {index} ({chunk:?}) under the limit {}",
                input.limit
            ),
            (Err(error), None) => {
                check_too_large(&error, input.limit);
                return Kept::TooLarge;
            }
            (actual, expected) => panic!(
                "push of chunk {index} ({chunk:?}) under the limit {} is {actual:?}, not \
                 {expected:?}",
                input.limit
            ),
        }
    }
    if input.push_after_full {
        for chunk in chunks {
            let more = reply_body.push(chunk);
            assert!(
                matches!(more, Ok(false)),
                "a push of {chunk:?} once the body is full: {more:?}"
            );
        }
    }
    finished(input, reply_body)
}

/// The reply `finish` makes, checked against the head.
fn finished(input: &ReplyBodyInput<'_>, reply_body: ReplyBody) -> Kept {
    let reply = reply_body.finish(input.head());
    assert_eq!(reply.status(), input.status);
    assert_eq!(reply.version(), Version::HTTP_10);
    assert_eq!(reply.headers()["x-discogs-ratelimit-remaining"], "0");
    assert_eq!(reply.extensions().get::<HeadMarker>(), Some(&HeadMarker(7)));
    let cut = match reply.extensions().get::<BodyCut>() {
        None => false,
        Some(&BodyCut { limit }) => {
            assert_eq!(limit, input.limit, "BodyCut names another limit");
            true
        }
    };
    let (_, body) = reply.into_parts();
    Kept::Body(body, cut)
}

/// `read_from` a reader yielding `chunks` (what is left after those pushed into
/// `reply_body`), against the model.
fn check_read(
    input: &ReplyBodyInput<'_>,
    body: &[u8],
    mut reply_body: ReplyBody,
    chunks: &[&[u8]],
) {
    let reader = ChunkReader::new(chunks, input.end);
    let result = reply_body.read_from(reader, |failure: ClientFailure| {
        TransportError::client(failure)
    });
    // The reader is read up to one byte past the limit, or up to the limit when the
    // `Content-Length` says the body goes past it: its end is seen only if the body is shorter.
    let room = if input.declared_over_limit() {
        input.limit
    } else {
        input.limit + 1
    };
    let end_seen = body.len() < room;
    let failed = end_seen && !matches!(input.end, ReadEnd::Eof | ReadEnd::Interrupted);
    match result {
        Err(error) if failed => {
            let mapped = match (&error, input.end) {
                (TransportError::Timeout, ReadEnd::TimedOut) => true,
                (TransportError::Client(inner), ReadEnd::Client) => inner.is::<ClientFailure>(),
                (TransportError::Client(inner), ReadEnd::Reset) => {
                    !inner.is::<ClientFailure>() && inner.to_string() == RESET_MESSAGE
                }
                _ => false,
            };
            assert!(mapped, "a body ending with {:?} gave {error:?}", input.end);
            check_display(&error, 0);
        }
        Ok(()) if failed => panic!(
            "a body ending with {:?} after {} bytes read under the limit {} without error",
            input.end,
            body.len(),
            input.limit
        ),
        Err(error) => {
            check_too_large(&error, input.limit);
            assert_eq!(
                expected_kept(input, body),
                Kept::TooLarge,
                "read_from refused {body:?} under the limit {}",
                input.limit
            );
        }
        Ok(()) => assert_eq!(
            finished(input, reply_body),
            expected_kept(input, body),
            "read_from in chunks {chunks:?} under the limit {}",
            input.limit
        ),
    }
}
