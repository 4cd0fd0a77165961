//! Property tests of the core, through its public API only:
//!
//! 1. the `Authorization: OAuth` header round-trips (build → parse is the identity);
//! 2. what the client signs, the provider side verifies, and any change of a signed part is
//!    refused; HMAC-SHA1 never puts a secret in the header;
//! 3. no parser panics on arbitrary input, and their error messages stay short; what parses
//!    agrees with another reading: a Discogs credential written again reads the same, a
//!    callback's login is found by the token it approves or refuses, and a signed request
//!    holds its header as the header parser reads it.

use discogs_auth_core::encoding::{FormError, FormPairs, percent_decode, percent_encode};
use discogs_auth_core::http::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HeaderName};
use discogs_auth_core::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use discogs_auth_core::*;
use proptest::prelude::*;
use proptest::sample::Index;

/// Longest `to_string()` (in characters) accepted from any error of a parser, whatever the
/// input's size.
const MAX_ERROR_DISPLAY_CHARS: usize = 400;

/// The largest timestamp `Timestamp::from_unix_seconds` accepts (9999-12-31T23:59:59Z).
const MAX_TIMESTAMP_SECS: u64 = 253_402_300_799;

const METHODS: [Method; 4] = [Method::GET, Method::POST, Method::PUT, Method::DELETE];

fn signature_methods() -> Vec<SignatureMethod> {
    vec![
        SignatureMethod::Plaintext,
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1,
    ]
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Any text, weighted towards the characters that matter to headers and forms.
fn text(max: usize) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        proptest::collection::vec(any::<char>(), 0..=max).prop_map(String::from_iter),
        proptest::string::string_regex(&format!("[\"',=%&+;: a-zA-Z0-9é☃\\\\]{{0,{max}}}"))
            .expect("a valid regex"),
        proptest::string::string_regex(&format!("\\PC{{0,{max}}}")).expect("a valid regex"),
    ]
}

/// A valid credential: 1–40 printable characters, no control characters.
fn credential() -> impl Strategy<Value = String> + Clone {
    without_surrounding_whitespace(prop_oneof!["[ -~]{1,40}", "\\PC{1,40}"])
}

/// A credential of at least 8 characters (for the "secret never in the header" property).
#[cfg(feature = "hmac-sha1")]
fn long_credential() -> impl Strategy<Value = String> + Clone {
    without_surrounding_whitespace(prop_oneof!["[ -~]{8,40}", "\\PC{8,40}"])
}

/// What a credential may be: whitespace inside, not around it.
fn without_surrounding_whitespace(
    values: impl Strategy<Value = String> + Clone,
) -> impl Strategy<Value = String> + Clone {
    values.prop_filter("a credential has no whitespace around it", |value| {
        !value.starts_with(char::is_whitespace) && !value.ends_with(char::is_whitespace)
    })
}

fn nonce() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{1,64}"
}

/// A path of zero to three segments, each percent-encoded arbitrary text or raw sub-delims.
fn path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        text(12).prop_map(|s| percent_encode(&s).into_owned()),
        "[A-Za-z0-9!$&'()*+,;=:@._~-]{0,10}",
    ];
    proptest::collection::vec(segment, 0..4).prop_map(|segments| format!("/{}", segments.join("/")))
}

/// Query or form pairs of arbitrary text (U+FFFD included: its escape is valid UTF-8).
fn pairs(max: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((text(10), text(10)), 0..=max)
}

/// An arbitrary byte string, sometimes of several KB.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => proptest::collection::vec(any::<u8>(), 0..4096),
    ]
}

/// Arbitrary text, sometimes of several KB.
fn input_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(64),
        1 => proptest::collection::vec(any::<char>(), 0..3000).prop_map(String::from_iter),
        1 => "(?s)[ -~\\t\\r\\n]{0,3000}",
    ]
}

/// `base`, then up to four random single-character edits (insert, delete, replace), weighted
/// towards characters that delimit things in headers, queries and URLs.
fn mutated(base: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    let character = prop_oneof![
        any::<char>(),
        proptest::sample::select(vec![
            '"', ',', '=', '%', ' ', '\t', '&', '?', '#', '/', ':', '+', '\r', '\n', '\0', 'é',
            '\u{FFFD}', 'A', '0',
        ]),
    ];
    let edits = proptest::collection::vec((any::<Index>(), 0u8..3, character), 0..=4);
    (base, edits).prop_map(|(text, edits)| {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, operation, character) in edits {
            match operation {
                0 => chars.insert(at.index(chars.len() + 1), character),
                1 if !chars.is_empty() => {
                    chars.remove(at.index(chars.len()));
                }
                _ if !chars.is_empty() => {
                    let at = at.index(chars.len());
                    chars[at] = character;
                }
                _ => chars.push(character),
            }
        }
        chars.into_iter().collect()
    })
}

/// Arbitrary text, well-formed input from `structured`, or that input slightly damaged.
fn parser_input(
    structured: impl Strategy<Value = String> + Clone + 'static,
) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => input_text(),
        2 => structured.clone(),
        3 => mutated(structured),
    ]
}

/// Names and values that the parsers look for, and a few that they do not.
fn plausible_value() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        Just("abc123".to_owned()),
        Just("v3r1f13r".to_owned()),
        Just(String::new()),
        Just("%0A".to_owned()),
        Just("%ff".to_owned()),
        Just("a+b%20c".to_owned()),
        "[A-Za-z0-9._~-]{1,12}",
        text(8).prop_map(|s| percent_encode(&s).into_owned()),
    ]
}

/// A callback URL, path or bare query, with the parameters Discogs sends back.
fn callback_input() -> impl Strategy<Value = String> + Clone {
    let name = proptest::sample::select(vec!["oauth_token", "oauth_verifier", "denied", "x"]);
    let pairs = prop_oneof![
        // An approval of our token, of another token, and a refusal.
        3 => (plausible_value(), plausible_value()).prop_map(|(token, verifier)| {
            vec![("oauth_token", token), ("oauth_verifier", verifier)]
        }),
        2 => plausible_value().prop_map(|verifier| {
            vec![("oauth_verifier", verifier), ("oauth_token", "abc123".to_owned())]
        }),
        1 => plausible_value().prop_map(|token| vec![("denied", token)]),
        2 => proptest::collection::vec((name, plausible_value()), 0..4),
    ];
    let prefix = proptest::sample::select(vec![
        "",
        "?",
        "/callback?",
        "https://app.example/callback?",
        "http://127.0.0.1:8765/cb?",
    ]);
    let suffix = proptest::sample::select(vec!["", "", "#fragment", "&", "&x=1"]);
    (prefix, pairs, suffix).prop_map(|(prefix, pairs, suffix)| {
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        format!("{prefix}{}{suffix}", query.join("&"))
    })
}

/// `Discogs token=…` / `Discogs key=…, secret=…` headers, and the same as a query.
fn discogs_auth_input() -> impl Strategy<Value = String> + Clone {
    let name = proptest::sample::select(vec!["token", "key", "secret", "user"]);
    let pairs = prop_oneof![
        2 => plausible_value().prop_map(|token| vec![("token", token)]),
        2 => (plausible_value(), plausible_value())
            .prop_map(|(key, secret)| vec![("key", key), ("secret", secret)]),
        2 => proptest::collection::vec((name, plausible_value()), 0..4),
    ];
    let scheme = proptest::sample::select(vec!["Discogs ", "discogs\t", "OAuth ", "", "Discogs"]);
    let separator = proptest::sample::select(vec![", ", ",", "&", " "]);
    (scheme, pairs, separator).prop_map(|(scheme, pairs, separator)| {
        let parts: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        format!("{scheme}{}", parts.join(separator))
    })
}

/// URLs for `Callback::url` and `Endpoints::new`.
fn url_input() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => "https?://([a-z0-9.-]{1,12}|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?(/[a-zA-Z0-9%._~-]{0,6}){0,3}(\\?[a-z=&%]{0,8})?",
        1 => "(https?|HTTP|ftp|javascript)(://|:)([a-z0-9.-]{0,12}|\\[::1\\])(:[0-9]{0,6})?(/[a-zA-Z0-9%._~-]{0,6}){0,3}/?(\\?[a-z=&%]{0,8})?(#[a-z]{0,3})?",
    ]
}

/// An `Authorization: OAuth` header as a client builds it: every protocol parameter present
/// with a plausible value most of the time, and arbitrary extra parameters.
fn oauth_header_input() -> impl Strategy<Value = String> + Clone {
    let value = |plausible: BoxedStrategy<String>| {
        proptest::option::weighted(0.97, prop_oneof![12 => plausible, 1 => text(10)])
    };
    let nonce = prop_oneof![8 => "[A-Za-z0-9._~-]{1,64}", 1 => "[A-Za-z0-9._~-]{65,70}"].boxed();
    let timestamp = prop_oneof![
        12 => "[0-9]{1,10}",
        1 => "[0-9]{13}",
        1 => Just("+1".to_owned()),
        1 => Just("253402300800".to_owned()),
    ]
    .boxed();
    let method = proptest::sample::select(vec![
        "PLAINTEXT",
        "HMAC-SHA1",
        "PLAINTEXT",
        "HMAC-SHA1",
        "RSA-SHA1",
        "plaintext",
    ])
    .prop_map(str::to_owned)
    .boxed();
    let version = prop_oneof![Just("1.0".to_owned()), Just("2.0".to_owned())].boxed();
    (
        (
            value("[a-z0-9]{1,20}".boxed()),
            value("[a-zA-Z0-9%&+/=]{0,40}".boxed()),
            value(method),
            value(timestamp),
        ),
        (
            value(nonce),
            proptest::option::weighted(0.5, "[a-z0-9]{1,20}"),
            proptest::option::weighted(0.2, version),
            proptest::option::weighted(0.2, text(8)),
        ),
        proptest::collection::vec((text(8), text(8)), 0..2),
    )
        .prop_map(
            |((key, signature, method, timestamp), (nonce, token, version, realm), extra)| {
                let mut seen = std::collections::HashSet::new();
                let named = [
                    ("oauth_consumer_key", key),
                    ("oauth_signature", signature),
                    ("oauth_signature_method", method),
                    ("oauth_timestamp", timestamp),
                    ("oauth_nonce", nonce),
                    ("oauth_token", token),
                    ("oauth_version", version),
                ];
                let parameters: Vec<(String, String)> = named
                    .into_iter()
                    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
                    .chain(extra)
                    .filter(|(name, _)| {
                        !name.is_empty() && name != "realm" && seen.insert(name.clone())
                    })
                    .collect();
                OAuthParameters::new(realm, parameters).to_header_value()
            },
        )
}

/// A header value from arbitrary bytes, or `None` when `http` refuses them.
fn header_value(bytes: &[u8]) -> Option<HeaderValue> {
    HeaderValue::from_bytes(bytes).ok()
}

/// An optional header value: absent, a number, or arbitrary bytes.
fn optional_header_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        "[ ]?[0-9]{1,11}[ ]?".prop_map(|s| Some(s.into_bytes())),
        "(Mon|Tue|Sun), [0-9]{2} (Jan|Nov) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
            .prop_map(|s| Some(s.into_bytes())),
        "(text/html|application/json|text/plain)(; charset=utf-8)?"
            .prop_map(|s| Some(s.into_bytes())),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Some),
    ]
}

/// An arbitrary reply: any status from 100 to 599, any body, and any `Date`, `Content-Type` and
/// rate-limit headers.
#[derive(Debug, Clone)]
struct ArbitraryReply {
    status: u16,
    body: Vec<u8>,
    date: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    rate_limit: [Option<Vec<u8>>; 3],
}

impl ArbitraryReply {
    fn response(&self) -> Response<Vec<u8>> {
        let mut response = Response::new(self.body.clone());
        *response.status_mut() = StatusCode::from_u16(self.status).expect("100..=599 is valid");
        let headers = response.headers_mut();
        let names = [
            DATE,
            CONTENT_TYPE,
            HeaderName::from_static("x-discogs-ratelimit"),
            HeaderName::from_static("x-discogs-ratelimit-used"),
            HeaderName::from_static("x-discogs-ratelimit-remaining"),
        ];
        let values = [&self.date, &self.content_type]
            .into_iter()
            .chain(self.rate_limit.iter());
        for (name, value) in names.into_iter().zip(values) {
            if let Some(value) = value.as_deref().and_then(header_value) {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// A rate-limit header: mostly a number (sometimes padded, sometimes too big for `u32`).
fn rate_limit_header_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        6 => "[ ]?[0-9]{1,3}[ ]?".prop_map(|s| Some(s.into_bytes())),
        1 => "[0-9]{9,11}".prop_map(|s| Some(s.into_bytes())),
        1 => Just(None),
        1 => optional_header_bytes(),
    ]
}

fn reply_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => bytes(),
        1 => "(oauth_token=[a-z0-9%]{0,6}|oauth_token_secret=[a-z0-9%]{0,6}|oauth_callback_confirmed=(true|false|)|&)*"
            .prop_map(String::into_bytes),
        1 => "\\{\"(message|id|username)\": ?(\"[^\"]{0,20}\"|[0-9]{1,3})\\}".prop_map(String::into_bytes),
        1 => "<html><title>[^<]{0,30}</title>[^<]{0,300}</html>".prop_map(String::into_bytes),
    ]
}

fn arbitrary_reply() -> impl Strategy<Value = ArbitraryReply> {
    (
        100u16..=599,
        reply_body(),
        optional_header_bytes(),
        optional_header_bytes(),
        prop_oneof![
            1 => Just([None, None, None]),
            4 => [
                rate_limit_header_bytes(),
                rate_limit_header_bytes(),
                rate_limit_header_bytes(),
            ],
        ],
    )
        .prop_map(
            |(status, body, date, content_type, rate_limit)| ArbitraryReply {
                status,
                body,
                date,
                content_type,
                rate_limit,
            },
        )
}

/// Checks that an error message stays short whatever the input.
fn assert_bounded(error: &dyn std::fmt::Display) -> Result<(), TestCaseError> {
    let shown = error.to_string();
    prop_assert!(
        shown.chars().count() <= MAX_ERROR_DISPLAY_CHARS,
        "{} characters: {shown}",
        shown.chars().count()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 1. Header round trip
// ---------------------------------------------------------------------------------------------

/// Distinct, non-empty parameter names other than `realm`, in generation order.
fn header_parameters() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((text(12), text(16)), 0..8).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(name, _)| !name.is_empty() && name != "realm" && seen.insert(name.clone()))
            .collect()
    })
}

proptest! {
    #[test]
    fn header_build_then_parse_is_the_identity(
        realm in proptest::option::of(text(16)),
        parameters in header_parameters(),
    ) {
        prop_assume!(realm.is_some() || !parameters.is_empty());
        let built = OAuthParameters::new(realm.clone(), parameters.clone());
        let header = built.to_header_value();
        prop_assert!(header.is_ascii(), "{header}");
        prop_assert!(HeaderValue::from_str(&header).is_ok(), "{header}");

        let parsed = OAuthParameters::parse(&header);
        prop_assert!(parsed.is_ok(), "{header}: {parsed:?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.realm(), realm.as_deref());
        let expected: Vec<(&str, &str)> =
            parameters.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        prop_assert_eq!(parsed.iter().collect::<Vec<_>>(), expected);
        for (name, value) in &parameters {
            prop_assert_eq!(parsed.get(name), Some(value.as_str()));
        }
        prop_assert_eq!(&parsed, &built);
        // Building again from the parsed value gives the same text.
        prop_assert_eq!(parsed.to_header_value(), header);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Sign → verify, and tampering
// ---------------------------------------------------------------------------------------------

/// One request to sign and everything that goes into its signature.
#[derive(Debug, Clone)]
struct SignCase {
    consumer_key: String,
    consumer_secret: String,
    token: String,
    token_secret: String,
    nonce: String,
    timestamp: u64,
    method: usize,
    path: String,
    query: Vec<(String, String)>,
    /// `true`: the query is written by `form_urlencoded` (`+` for spaces); `false`: with the
    /// RFC 5849 percent-encoding (`%20`).
    form_style_query: bool,
    body: Option<Vec<(String, String)>>,
}

fn sign_case_with(
    secret: impl Strategy<Value = String> + Clone,
) -> impl Strategy<Value = SignCase> {
    (
        (credential(), secret.clone(), credential(), secret),
        (nonce(), 0u64..=4_000_000_000, 0..METHODS.len()),
        (
            path(),
            pairs(4),
            any::<bool>(),
            proptest::option::of(pairs(4)),
        ),
    )
        .prop_map(
            |(
                (consumer_key, consumer_secret, token, token_secret),
                (nonce, timestamp, method),
                (path, query, form_style_query, body),
            )| SignCase {
                consumer_key,
                consumer_secret,
                token,
                token_secret,
                nonce,
                timestamp,
                method,
                path,
                query,
                form_style_query,
                body,
            },
        )
}

fn sign_case() -> impl Strategy<Value = SignCase> {
    sign_case_with(credential())
}

fn encode_query(pairs: &[(String, String)], form_style: bool) -> String {
    if form_style {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    } else {
        pairs
            .iter()
            .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn encode_form(pairs: &[(String, String)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

impl SignCase {
    fn client(&self, method: SignatureMethod) -> OAuthClient {
        OAuthClient::new(
            Consumer::new(&self.consumer_key, &self.consumer_secret).expect("valid consumer"),
            UserAgent::new("discogs-auth-properties/1.0").expect("valid user agent"),
        )
        .with_signature_method(method)
    }

    fn access_token(&self) -> AccessToken {
        AccessToken::new(&self.token, &self.token_secret).expect("valid access token")
    }

    fn freshness(&self) -> Freshness {
        Freshness::new(&self.nonce, self.timestamp).expect("valid freshness")
    }

    fn consumer_secret(&self) -> ConsumerSecret {
        ConsumerSecret::new(&self.consumer_secret).expect("valid consumer secret")
    }

    fn token_secret(&self) -> TokenSecret {
        TokenSecret::new(&self.token_secret).expect("valid token secret")
    }

    /// The request as described, with `authorization` if given.
    fn request(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&[(String, String)]>,
        authorization: Option<&HeaderValue>,
    ) -> Request<Vec<u8>> {
        let query = encode_query(query, self.form_style_query);
        let uri = if query.is_empty() {
            format!("https://api.discogs.com{path}")
        } else {
            format!("https://api.discogs.com{path}?{query}")
        };
        let mut builder = Request::builder().method(method.clone()).uri(uri.as_str());
        if body.is_some() {
            builder = builder.header(CONTENT_TYPE, FORM_CONTENT_TYPE);
        }
        if let Some(authorization) = authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        builder
            .body(body.map(encode_form).unwrap_or_default())
            .unwrap_or_else(|error| panic!("{uri}: {error}"))
    }

    fn original(&self, authorization: Option<&HeaderValue>) -> Request<Vec<u8>> {
        self.request(
            &METHODS[self.method],
            &self.path,
            &self.query,
            self.body.as_deref(),
            authorization,
        )
    }

    /// The request, signed with `method`.
    fn signed(&self, method: SignatureMethod) -> Result<Request<Vec<u8>>, TestCaseError> {
        let mut request = self.original(None);
        self.client(method)
            .sign_request(&self.access_token(), &mut request, &self.freshness())?;
        Ok(request)
    }
}

/// Verifies `request` with the given secrets.
fn verify(
    request: &Request<Vec<u8>>,
    consumer_secret: &ConsumerSecret,
    token_secret: &TokenSecret,
) -> Result<(), VerifyError> {
    SignedRequest::from_request(request)?.verify(consumer_secret, Some(token_secret))
}

/// A value guaranteed to differ from `value`, and still a valid credential.
fn changed(value: &str) -> String {
    format!("{value}x")
}

proptest! {
    #[test]
    fn what_is_signed_verifies(case in sign_case()) {
        for method in signature_methods() {
            let request = case.signed(method)?;
            let parsed = SignedRequest::from_request(&request)?;
            prop_assert_eq!(parsed.signature_method(), method);
            prop_assert_eq!(parsed.consumer_key(), case.consumer_key.as_str());
            prop_assert_eq!(parsed.token(), Some(case.token.as_str()));
            prop_assert_eq!(parsed.nonce(), case.nonce.as_str());
            prop_assert_eq!(parsed.timestamp().as_unix_seconds(), case.timestamp);
            prop_assert_eq!(
                parsed.verify(&case.consumer_secret(), Some(&case.token_secret())),
                Ok(())
            );
            // Signing is deterministic for a fixed freshness.
            let again = case.signed(method)?;
            prop_assert_eq!(
                &again.headers()[AUTHORIZATION],
                &request.headers()[AUTHORIZATION]
            );
            // A signer made once for the token signs byte for byte the same.
            let mut by_signer = case.original(None);
            case.client(method)
                .signer(&case.access_token())
                .sign_request(&mut by_signer, &case.freshness())?;
            prop_assert_eq!(by_signer.headers(), request.headers());
        }
    }

    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn hmac_sha1_refuses_any_change_of_a_signed_part(
        case in sign_case(),
        query_index in any::<Index>(),
        form_index in any::<Index>(),
    ) {
        let request = case.signed(SignatureMethod::HmacSha1)?;
        let authorization = request.headers()[AUTHORIZATION].clone();
        let consumer_secret = case.consumer_secret();
        let token_secret = case.token_secret();
        prop_assert_eq!(verify(&request, &consumer_secret, &token_secret), Ok(()));
        let mismatch = Err(VerifyError::SignatureMismatch);
        let auth = Some(&authorization);
        let method = &METHODS[case.method];
        let body = case.body.as_deref();

        // Another method.
        let other_method = &METHODS[(case.method + 1) % METHODS.len()];
        let tampered = case.request(other_method, &case.path, &case.query, body, auth);
        prop_assert_eq!(verify(&tampered, &consumer_secret, &token_secret), mismatch.clone());

        // Another path.
        let other_path = format!("{}x", case.path);
        let tampered = case.request(method, &other_path, &case.query, body, auth);
        prop_assert_eq!(verify(&tampered, &consumer_secret, &token_secret), mismatch.clone());

        // One query value changed.
        if !case.query.is_empty() {
            let mut query = case.query.clone();
            let at = query_index.index(query.len());
            query[at].1 = changed(&query[at].1);
            let tampered = case.request(method, &case.path, &query, body, auth);
            prop_assert_eq!(verify(&tampered, &consumer_secret, &token_secret), mismatch.clone());
        }

        // A query parameter added.
        let mut query = case.query.clone();
        query.push(("added".into(), "1".into()));
        let tampered = case.request(method, &case.path, &query, body, auth);
        prop_assert_eq!(verify(&tampered, &consumer_secret, &token_secret), mismatch.clone());

        // One form value changed.
        if let Some(form) = case.body.as_ref().filter(|form| !form.is_empty()) {
            let mut form = form.clone();
            let at = form_index.index(form.len());
            form[at].1 = changed(&form[at].1);
            let tampered = case.request(method, &case.path, &case.query, Some(&form), auth);
            prop_assert_eq!(verify(&tampered, &consumer_secret, &token_secret), mismatch.clone());
        }

        // Either secret changed.
        let other_consumer_secret = ConsumerSecret::new(changed(&case.consumer_secret))?;
        let other_token_secret = TokenSecret::new(changed(&case.token_secret))?;
        prop_assert_eq!(
            verify(&request, &other_consumer_secret, &token_secret),
            mismatch.clone()
        );
        prop_assert_eq!(verify(&request, &consumer_secret, &other_token_secret), mismatch);
    }

    #[test]
    fn plaintext_refuses_other_secrets_and_signs_nothing_else(
        case in sign_case(),
    ) {
        let request = case.signed(SignatureMethod::Plaintext)?;
        let authorization = request.headers()[AUTHORIZATION].clone();
        let consumer_secret = case.consumer_secret();
        let token_secret = case.token_secret();
        prop_assert_eq!(verify(&request, &consumer_secret, &token_secret), Ok(()));

        let other_consumer_secret = ConsumerSecret::new(changed(&case.consumer_secret))?;
        let other_token_secret = TokenSecret::new(changed(&case.token_secret))?;
        prop_assert_eq!(
            verify(&request, &other_consumer_secret, &token_secret),
            Err(VerifyError::SignatureMismatch)
        );
        prop_assert_eq!(
            verify(&request, &consumer_secret, &other_token_secret),
            Err(VerifyError::SignatureMismatch)
        );

        // PLAINTEXT covers the secrets only: the same header verifies on another method, path
        // and query.
        let mut query = case.query.clone();
        query.push(("added".into(), "1".into()));
        let elsewhere = case.request(
            &METHODS[(case.method + 1) % METHODS.len()],
            &format!("{}x", case.path),
            &query,
            case.body.as_deref(),
            Some(&authorization),
        );
        prop_assert_eq!(verify(&elsewhere, &consumer_secret, &token_secret), Ok(()));
    }

    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn hmac_sha1_never_puts_a_secret_in_the_header(case in sign_case_with(long_credential())) {
        let request = case.signed(SignatureMethod::HmacSha1)?;
        let header = request.headers()[AUTHORIZATION].to_str()?.to_owned();
        // Guard: the secrets are not substrings of what the request carries besides the
        // signature (the key, the token, the nonce, the fixed names, the other headers).
        let parsed = OAuthParameters::parse(&header)?;
        let mut without_signature = OAuthParameters::new(
            None,
            parsed.iter().filter(|(name, _)| *name != "oauth_signature"),
        )
        .to_header_value();
        for (name, value) in request.headers() {
            if name != AUTHORIZATION {
                without_signature.push_str(&String::from_utf8_lossy(value.as_bytes()));
            }
        }
        let secrets = [&case.consumer_secret, &case.token_secret];
        let forms_of = |secret: &str| {
            [
                secret.to_owned(),
                percent_encode(secret).into_owned(),
                percent_encode(&percent_encode(secret)).into_owned(),
            ]
        };
        for secret in secrets {
            for form in forms_of(secret) {
                prop_assume!(!without_signature.contains(&form));
            }
        }
        for secret in secrets {
            for form in forms_of(secret) {
                prop_assert!(!header.contains(&form), "{form:?} in {header}");
                for (name, value) in request.headers() {
                    prop_assert!(!name.as_str().contains(&form));
                    prop_assert!(!String::from_utf8_lossy(value.as_bytes()).contains(&form));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. No parser panics, and errors stay short
// ---------------------------------------------------------------------------------------------

fn request_token() -> RequestToken {
    RequestToken {
        token: TokenValue::new("abc123").expect("valid token"),
        secret: TokenSecret::new("xyz789").expect("valid secret"),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000).expect("valid timestamp"),
    }
}

fn plain_client() -> OAuthClient {
    OAuthClient::new(
        Consumer::new("your_consumer_key", "your_consumer_secret").expect("valid consumer"),
        UserAgent::new("discogs-auth-properties/1.0").expect("valid user agent"),
    )
}

/// The characters a credential may not hold because they show as nothing, one by one.
const INVISIBLE: [u32; 22] = [
    0xAD, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
    0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
];

/// What the credential constructors must answer for `value` in `field`.
fn expected_credential(field: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.is_empty() {
        Err(CredentialError::Empty { field })
    } else if value.len() > MAX_CREDENTIAL_LEN {
        Err(CredentialError::TooLong {
            field,
            max: MAX_CREDENTIAL_LEN,
        })
    } else if value.chars().any(char::is_control) {
        Err(CredentialError::ControlCharacter { field })
    } else if value.chars().any(|c| INVISIBLE.contains(&u32::from(c))) {
        Err(CredentialError::InvisibleCharacter { field })
    } else if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        Err(CredentialError::SurroundingWhitespace { field })
    } else {
        Ok(())
    }
}

fn credential_input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(40),
        1 => Just(String::new()),
        1 => "[a-z]{1020,1030}",
        1 => "\\PC{250,300}",
        1 => "[a-z]{0,8}[\\x00-\\x1f\\x7f\\x{80}-\\x{9f}][a-z]{0,8}",
        1 => "[ \\x{a0}\\x{3000}]?[a-z]{1,8}[ \\x{a0}\\x{3000}]?",
        1 => "[a-z]{0,4}[\\x{ad}\\x{180d}-\\x{180f}\\x{200a}-\\x{2010}\\x{2029}-\\x{206a}\\x{feff}][a-z]{0,4}",
    ]
}

/// What `Nonce::new` must answer.
fn expected_nonce(value: &str) -> Result<(), FreshnessError> {
    if value.is_empty() {
        Err(FreshnessError::EmptyNonce)
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    {
        Err(FreshnessError::NonceCharacter)
    } else if value.len() > MAX_NONCE_LEN {
        Err(FreshnessError::NonceTooLong { len: value.len() })
    } else {
        Ok(())
    }
}

/// What `RateLimit::from_headers` must answer.
fn expected_rate_limit(headers: &HeaderMap) -> Result<Option<RateLimit>, RateLimitError> {
    let names = [
        "x-discogs-ratelimit",
        "x-discogs-ratelimit-used",
        "x-discogs-ratelimit-remaining",
    ];
    if names.iter().all(|name| !headers.contains_key(*name)) {
        return Ok(None);
    }
    let mut figures = [0u32; 3];
    for (slot, header) in figures.iter_mut().zip(names) {
        let values: Vec<_> = headers.get_all(header).iter().collect();
        let [value] = values.as_slice() else {
            return Err(if values.is_empty() {
                RateLimitError::Missing { header }
            } else {
                RateLimitError::Malformed { header }
            });
        };
        let text = value.to_str().map(str::trim).unwrap_or("");
        *slot = text
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()
            .ok_or(RateLimitError::Malformed { header })?;
    }
    Ok(Some(RateLimit {
        limit: figures[0],
        used: figures[1],
        remaining: figures[2],
    }))
}

/// A parsed `DiscogsAuth` is written as it was read: as a header when it can be one, and in a
/// query always.
fn discogs_auth_round_trips(auth: &DiscogsAuth) -> Result<(), TestCaseError> {
    match auth.header_value() {
        Ok(header) => {
            prop_assert!(header.is_sensitive());
            // A credential beyond ASCII is sent as its UTF-8 bytes.
            let parsed = DiscogsAuth::parse_header(std::str::from_utf8(header.as_bytes())?);
            prop_assert_eq!(parsed.as_ref(), Ok(auth));
        }
        Err(error) => prop_assert!(
            matches!(error, DiscogsAuthError::UnrepresentableInHeader { .. }),
            "{error:?}"
        ),
    }
    let mut request = Request::get("https://api.discogs.com/database/search?q=Nirvana").body(())?;
    auth.apply(&mut request, Placement::Query)?;
    let query = request.uri().query().unwrap_or_default();
    prop_assert_eq!(DiscogsAuth::from_query(query), Ok(Some(auth.clone())));
    // A URL that carries them already (a page's `next`) is sent as it is.
    let once = request.uri().clone();
    auth.apply(&mut request, Placement::Query)?;
    prop_assert_eq!(request.uri(), &once);
    Ok(())
}

proptest! {
    #[test]
    fn oauth_header_parser_never_panics(input in parser_input(oauth_header_input())) {
        match OAuthParameters::parse(&input) {
            Ok(parsed) => {
                // What parses can be built again and parses to the same parameters.
                let rebuilt = OAuthParameters::parse(&parsed.to_header_value());
                prop_assert_eq!(rebuilt, Ok(parsed));
            }
            Err(error) => assert_bounded(&error)?,
        }
    }

    #[test]
    fn form_parser_never_panics(input in bytes()) {
        let parsed = FormPairs::parse(&input);
        if std::str::from_utf8(&input).is_err() {
            prop_assert_eq!(parsed, Err(FormError::NotUtf8));
        } else if !input.contains(&b'%') {
            // Without escapes, every UTF-8 input parses.
            let pairs = parsed?;
            for name in ["oauth_token", "oauth_token_secret", ""] {
                match pairs.unique(name) {
                    Ok(_) => {}
                    Err(error) => {
                        prop_assert_eq!(&error, &FormError::Duplicate { name: name.to_owned() });
                        assert_bounded(&error)?;
                    }
                }
            }
        } else if let Err(error) = parsed {
            prop_assert_eq!(&error, &FormError::NotUtf8);
        }
    }

    #[test]
    fn form_parser_never_panics_on_text(input in parser_input(callback_input())) {
        let parsed = FormPairs::parse(input.as_bytes());
        if !input.contains('%') {
            prop_assert!(parsed.is_ok(), "{parsed:?}");
        }
        if let Err(error) = parsed {
            assert_bounded(&error)?;
        }
    }

    #[test]
    fn percent_decoding_never_panics_and_inverts_encoding(
        input in parser_input(plausible_value()),
    ) {
        match percent_decode(&input) {
            Ok(decoded) => {
                if !input.contains('%') {
                    prop_assert_eq!(decoded.as_ref(), input.as_str());
                }
            }
            Err(error) => {
                prop_assert!(input.contains('%'));
                assert_bounded(&error)?;
            }
        }
        let encoded = percent_encode(&input);
        prop_assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        let decoded = percent_decode(&encoded);
        prop_assert_eq!(decoded.as_deref(), Ok(input.as_str()));
    }

    #[test]
    fn discogs_auth_parsers_never_panic(input in parser_input(discogs_auth_input())) {
        match DiscogsAuth::parse_header(&input) {
            Ok(auth) => discogs_auth_round_trips(&auth)?,
            Err(error) => assert_bounded(&error)?,
        }
        match DiscogsAuth::from_query(&input) {
            Ok(Some(auth)) => discogs_auth_round_trips(&auth)?,
            Ok(None) => {}
            Err(error) => assert_bounded(&error)?,
        }
    }

    #[test]
    fn discogs_auth_header_round_trip(
        token in "[!#-+--~][!-+--~]{0,39}",
        key in "[!#-+--~][!-+--~]{0,39}",
        secret in "[!#-+--~][!-+--~]{0,39}",
    ) {
        // Printable ASCII without space or ',', and not starting with '"', which the header
        // cannot carry.
        for auth in [DiscogsAuth::token(&token)?, DiscogsAuth::key_secret(&key, &secret)?] {
            let header = auth.header_value()?;
            prop_assert_eq!(DiscogsAuth::parse_header(header.to_str()?), Ok(auth));
        }
    }

    #[test]
    fn callback_parser_never_panics(input in parser_input(callback_input())) {
        let pending = request_token();
        let named = callback_request_token(&input);
        match pending.authorize_from_callback(&input) {
            Ok(authorized) => {
                prop_assert_eq!(&authorized.request_token, &pending);
                prop_assert!(!authorized.verifier.expose_secret().is_empty());
                // The token a login is found by is the one its approval is for.
                prop_assert_eq!(named.as_deref(), Ok(pending.token.as_str()));
            }
            Err(CallbackError::Denied) => {
                prop_assert_eq!(named.as_deref(), Ok(pending.token.as_str()));
            }
            Err(CallbackError::TokenMismatch) => {
                prop_assert_ne!(named.as_deref(), Ok(pending.token.as_str()));
            }
            Err(error) => assert_bounded(&error)?,
        }
        // A callback naming this login's token is approved or refused by that login alone,
        // never turned away as another login's.
        if named.as_deref() == Ok(pending.token.as_str()) {
            prop_assert_ne!(
                pending.authorize_from_callback(&input).err(),
                Some(CallbackError::TokenMismatch)
            );
        }
        if let Err(error) = named {
            assert_bounded(&error)?;
        }
    }

    #[test]
    fn reply_parsers_never_panic(reply in arbitrary_reply(), now in 0u64..=2_000_000_000) {
        let response = reply.response();
        let status = response.status();
        let client = plain_client();
        let now = Timestamp::from_unix_seconds(now)?;
        let authorized = request_token().with_verifier(Verifier::new("v3r1f13r")?);
        let access_token = AccessToken::new("t0k3n", "s3cr3t")?;

        let results: [Result<(), ReplyError>; 4] = [
            client.on_request_token_response(&response, now).map(|_| ()),
            client.on_access_token_response(&authorized, &response, now).map(|_| ()),
            client.on_identity_response(&access_token, &response).map(|_| ()),
            check_reply(&response, &["your_consumer_secret"]).map(|body| {
                assert_eq!(body, response.body().as_slice());
            }),
        ];
        for result in results {
            match result {
                Ok(()) => prop_assert!(status.is_success(), "{status}"),
                Err(error) => {
                    assert_bounded(&error)?;
                    // A non-success status is always an error that keeps the status; a success
                    // status never is.
                    prop_assert_eq!(
                        error.api_error().map(|api_error| api_error.status),
                        (!status.is_success()).then_some(status),
                        "{:?}", error
                    );
                    if let Some(api_error) = error.api_error() {
                        prop_assert!(!api_error.message.is_empty());
                        prop_assert!(
                            api_error.message.chars().count() <= MAX_ERROR_MESSAGE_CHARS + 1
                        );
                        prop_assert!(!api_error.message.contains("your_consumer_secret"));
                        prop_assert_eq!(
                            api_error.rate_limit,
                            RateLimit::from_headers(response.headers()).ok().flatten()
                        );
                    }
                }
            }
        }
        let check = check_reply(&response, &[]);
        match status.as_u16() {
            200..=299 => prop_assert!(check.is_ok()),
            401 => prop_assert!(matches!(check, Err(ReplyError::Unauthorized(_)))),
            403 => prop_assert!(matches!(check, Err(ReplyError::Forbidden(_)))),
            429 => prop_assert!(matches!(check, Err(ReplyError::RateLimited(_)))),
            _ => prop_assert!(matches!(check, Err(ReplyError::Status(_)))),
        }
    }

    #[test]
    fn rate_limit_reader_never_panics(reply in arbitrary_reply()) {
        let response = reply.response();
        let read = RateLimit::from_headers(response.headers());
        prop_assert_eq!(&read, &expected_rate_limit(response.headers()));
        if let Err(error) = read {
            assert_bounded(&error)?;
        }
    }

    #[test]
    fn signed_request_reader_never_panics(
        authorization in prop_oneof![
            1 => bytes(),
            4 => parser_input(oauth_header_input()).prop_map(String::into_bytes),
        ],
        body in bytes(),
        form in any::<bool>(),
        secret in credential(),
    ) {
        let Some(authorization) = header_value(&authorization) else {
            return Ok(());
        };
        let mut request = Request::post("https://api.discogs.com/oauth/access_token?a=1")
            .header(AUTHORIZATION, authorization)
            .body(body)?;
        if form {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        }
        match SignedRequest::from_request(&request) {
            Ok(signed) => {
                // What it read is the header, parsed as the header parser parses it.
                let header = request.headers()[AUTHORIZATION].to_str()?;
                let parameters = OAuthParameters::parse(header)?;
                prop_assert_eq!(signed.parameters(), &parameters);
                prop_assert_eq!(Some(signed.consumer_key()), parameters.get("oauth_consumer_key"));
                prop_assert_eq!(signed.token(), parameters.get("oauth_token"));
                prop_assert_eq!(Some(signed.nonce()), parameters.get("oauth_nonce").or(Some("")));
                prop_assert_eq!(
                    Some(signed.signature_method().as_str()),
                    parameters.get("oauth_signature_method")
                );
                prop_assert_eq!(signed.uri(), request.uri());
                let secret = ConsumerSecret::new(secret.clone())?;
                let token_secret = TokenSecret::new(secret.expose_secret())?;
                for verified in [
                    signed.verify(&secret, None),
                    signed.verify(&secret, Some(&token_secret)),
                ] {
                    if let Err(error) = verified {
                        assert_bounded(&error)?;
                    }
                }
            }
            Err(error) => assert_bounded(&error)?,
        }
    }

    #[test]
    fn freshness_constructors_answer_exactly(
        nonce in parser_input("[A-Za-z0-9._~-]{0,70}"),
        seconds in prop_oneof![
            any::<u64>(),
            0..=MAX_TIMESTAMP_SECS + 10,
            MAX_TIMESTAMP_SECS - 10..=MAX_TIMESTAMP_SECS + 10,
        ],
    ) {
        prop_assert_eq!(
            Nonce::new(nonce.clone()).map(|n| n.as_str().to_owned()),
            expected_nonce(&nonce).map(|()| nonce.clone())
        );
        let expected = if seconds <= MAX_TIMESTAMP_SECS {
            Ok(seconds)
        } else {
            Err(FreshnessError::TimestampNotSeconds { value: seconds })
        };
        prop_assert_eq!(
            Timestamp::from_unix_seconds(seconds).map(Timestamp::as_unix_seconds),
            expected
        );
        if let Err(error) = Nonce::new(nonce) {
            assert_bounded(&error)?;
        }
    }

    #[test]
    fn url_inputs_never_panic(
        url in parser_input(url_input()),
        authorize in parser_input(url_input()),
    ) {
        for input in [&url, &authorize] {
            match Callback::url(input) {
                Ok(callback) => prop_assert_eq!(callback.as_str(), input.as_str()),
                Err(error) => {
                    prop_assert_eq!(error.field, "oauth_callback");
                    if input.len() > MAX_CALLBACK_LEN {
                        prop_assert_eq!(error.reason, "it is longer than 2048 bytes");
                    } else if input.chars().any(char::is_control) {
                        prop_assert_eq!(
                            error.reason,
                            "it contains a control character (CR, LF, NUL, ...); trim the \
                             line break off text read from a file or a terminal"
                        );
                    }
                    assert_bounded(&error)?;
                }
            }
        }
        match Endpoints::new(&url, &authorize) {
            Ok(endpoints) => {
                prop_assert_eq!(endpoints.api_base(), url.trim_end_matches('/'));
                prop_assert_eq!(endpoints.authorize_url(), authorize.as_str());
            }
            Err(error) => assert_bounded(&error)?,
        }
        let https = format!("https://{url}");
        if let Ok(callback) = Callback::url(&https) {
            prop_assert_eq!(callback.as_str(), https.as_str());
        }
        // Any callback value: what is accepted is kept as it came, without control characters,
        // whitespace or a fragment (and in ASCII, when not a web URL); whatever `url`
        // accepts, `parse` does too.
        let custom = format!("myapp:{url}");
        for input in [&url, &authorize, &https, &custom] {
            match Callback::parse(input) {
                Ok(callback) => {
                    prop_assert_eq!(callback.as_str(), input.as_str());
                    let unusable = |c: char| c.is_control() || c.is_whitespace() || c == '#';
                    prop_assert!(!input.chars().any(unusable), "{:?}", input);
                    let web = Callback::url(input).is_ok();
                    prop_assert!(web || input == "oob" || input.is_ascii(), "{:?}", input);
                }
                Err(error) => {
                    prop_assert_eq!(error.field, "oauth_callback");
                    prop_assert!(Callback::url(input).is_err(), "{:?}", input);
                    assert_bounded(&error)?;
                }
            }
        }
    }

    #[test]
    fn credential_constructors_answer_exactly(value in credential_input()) {
        let expect = |field| expected_credential(field, &value);
        prop_assert_eq!(ConsumerKey::new(value.clone()).map(|_| ()), expect("consumer_key"));
        prop_assert_eq!(ConsumerSecret::new(value.clone()).map(|_| ()), expect("consumer_secret"));
        prop_assert_eq!(PersonalToken::new(value.clone()).map(|_| ()), expect("personal_token"));
        prop_assert_eq!(TokenValue::new(value.clone()).map(|_| ()), expect("oauth_token"));
        prop_assert_eq!(TokenSecret::new(value.clone()).map(|_| ()), expect("oauth_token_secret"));
        prop_assert_eq!(Verifier::new(value.clone()).map(|_| ()), expect("oauth_verifier"));
        prop_assert_eq!(UserAgent::new(&value).map(|_| ()), expect("user_agent"));
        prop_assert_eq!(Consumer::new("k", value.clone()).map(|_| ()), expect("consumer_secret"));
        prop_assert_eq!(Consumer::new(value.clone(), "s").map(|_| ()), expect("consumer_key"));
        prop_assert_eq!(AccessToken::new(value.clone(), "s").map(|_| ()), expect("oauth_token"));
        prop_assert_eq!(
            AccessToken::new("t", value.clone()).map(|_| ()),
            expect("oauth_token_secret")
        );
        prop_assert_eq!(DiscogsAuth::token(value.clone()).map(|_| ()), expect("personal_token"));
        prop_assert_eq!(
            DiscogsAuth::key_secret("k", value.clone()).map(|_| ()),
            expect("consumer_secret")
        );
        if let Ok(secret) = TokenSecret::new(value.clone()) {
            prop_assert_eq!(secret.expose_secret(), value.as_str());
            prop_assert_eq!(format!("{secret:?}"), "TokenSecret([redacted])");
        }
        if let Ok(key) = ConsumerKey::new(value.clone()) {
            prop_assert_eq!(key.as_str(), value.as_str());
        }
        if let Err(error) = expect("oauth_token_secret") {
            // The message names the field, never the value.
            let shown = error.to_string();
            prop_assert!(shown.starts_with("oauth_token_secret "), "{shown}");
            assert_bounded(&error)?;
        }
    }
}

#[test]
fn timestamp_limit_is_the_end_of_year_9999() {
    assert_eq!(
        Timestamp::from_unix_seconds(MAX_TIMESTAMP_SECS).map(Timestamp::as_unix_seconds),
        Ok(MAX_TIMESTAMP_SECS)
    );
    assert_eq!(
        Timestamp::from_unix_seconds(MAX_TIMESTAMP_SECS + 1),
        Err(FreshnessError::TimestampNotSeconds {
            value: MAX_TIMESTAMP_SECS + 1
        })
    );
}
