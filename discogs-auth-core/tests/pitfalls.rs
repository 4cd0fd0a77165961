//! One test per pitfall that other Discogs clients hit (DESIGN.md, "Pitfalls that other
//! Discogs clients hit"), through the public API only.
//!
//! Pitfalls already covered by the crate's unit tests, and where:
//! - millisecond timestamps: freshness.rs `millisecond_timestamps_are_refused`
//! - nonce longer than 64 characters: freshness.rs `nonce_limits`; provider.rs
//!   `unreadable_requests_get_exact_errors`
//! - the query signed as parameters, not in the base URI: oauth/sign.rs
//!   `the_query_is_signed_as_parameters`
//! - the 403 hint on a signed call: reply.rs `forbidden_explains_the_query_signing_pitfall`
//! - clock skew blamed in the request-token step: oauth/request_token.rs
//!   `refusal_with_a_skewed_clock_blames_the_clock`
//! - plain-text, JSON and HTML error bodies: reply.rs `json_message_is_extracted`,
//!   `plain_text_messages_from_token_endpoints`, `html_pages_give_their_title`;
//!   oauth/request_token.rs `plain_text_refusal_keeps_status_and_message`
//! - only form bodies are signed: oauth/sign.rs `only_form_bodies_are_signed`
//! - the Discogs docs' missing comma is parsed: oauth_header.rs
//!   `parses_the_discogs_docs_access_token_example`
//! - the access-token PLAINTEXT signature uses the request token secret (RFC 5849, not the
//!   docs' `consumer_secret&`): oauth/access_token.rs `rfc5849_plaintext_access_token_request`
//!   (and `the_discogs_docs_access_token_header_with_its_typos_fixed` below)
//! - callback token mismatch (stale tab, forged redirect) and `denied`: oauth/authorize.rs
//!   `every_refusal_has_its_own_error`
//! - `oauth_callback_confirmed` other than `true`: oauth/request_token.rs
//!   `malformed_replies_get_exact_errors` (`false` and `'true'`)

use discogs_auth_core::encoding::percent_encode;
use discogs_auth_core::http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use discogs_auth_core::http::{Method, Request, Response};
use discogs_auth_core::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const USER_AGENT_TEXT: &str = "discogs-auth-pitfalls/1.0 +https://example.com";
const CONSUMER_SECRET: &str = "consumer secret/CS&1";
const REQUEST_TOKEN: &str = "request-token-RT";
const REQUEST_SECRET: &str = "request secret/RS+2";
const ACCESS_TOKEN: &str = "access-token-AT";
const ACCESS_SECRET: &str = "access secret/AS%3";
const VERIFIER: &str = "v3r1f13r-VF";
/// The request token is issued at this time; the later steps happen a little after.
const ISSUED_AT: u64 = 1_700_000_000;

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new("your_consumer_key", CONSUMER_SECRET).expect("valid consumer"),
        UserAgent::new(USER_AGENT_TEXT).expect("valid user agent"),
    )
    .with_signature_method(method)
}

fn signature_methods() -> Vec<SignatureMethod> {
    vec![
        SignatureMethod::Plaintext,
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1,
    ]
}

fn freshness(nonce: &str, at: u64) -> Freshness {
    Freshness::new(nonce, at).expect("valid freshness")
}

fn reply(body: &str) -> Response<Vec<u8>> {
    Response::new(body.as_bytes().to_vec())
}

fn header(request: &Request<Vec<u8>>) -> &str {
    request.headers()[AUTHORIZATION]
        .to_str()
        .expect("an ASCII header")
}

/// Every request of a whole flow, built with `method`: request token (with a callback URL),
/// access token, identity, and two signed API calls (a query, a form body).
struct Flow {
    request_token: RequestToken,
    authorize_url: String,
    requests: Vec<(&'static str, Request<Vec<u8>>)>,
}

fn run_flow(method: SignatureMethod) -> Result<Flow, Box<dyn std::error::Error>> {
    let client = client(method);
    let callback = Callback::url("https://app.example/callback")?;
    let request_token_request =
        client.request_token_request(&callback, &freshness("n1", ISSUED_AT))?;
    let request_token = client.on_request_token_response(
        &reply(&format!(
            "oauth_token={}&oauth_token_secret={}&oauth_callback_confirmed=true",
            percent_encode(REQUEST_TOKEN),
            percent_encode(REQUEST_SECRET)
        )),
        Timestamp::from_unix_seconds(ISSUED_AT)?,
    )?;
    assert_eq!(request_token.secret.expose_secret(), REQUEST_SECRET);
    let authorize_url = client.authorize_url(&request_token);
    let authorized = request_token.authorize_from_callback(&format!(
        "https://app.example/callback?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    ))?;
    let access_token_request =
        client.access_token_request(&authorized, &freshness("n2", ISSUED_AT + 60))?;
    let access_token = client.on_access_token_response(
        &authorized,
        &reply(&format!(
            "oauth_token={}&oauth_token_secret={}",
            percent_encode(ACCESS_TOKEN),
            percent_encode(ACCESS_SECRET)
        )),
        Timestamp::from_unix_seconds(ISSUED_AT + 61)?,
    )?;
    assert_eq!(access_token.secret.expose_secret(), ACCESS_SECRET);
    let identity_request =
        client.identity_request(&access_token, &freshness("n3", ISSUED_AT + 62))?;

    let mut search = Request::get("https://api.discogs.com/database/search?q=Nirvana&type=release")
        .body(Vec::new())?;
    client.sign_request(&access_token, &mut search, &freshness("n4", ISSUED_AT + 63))?;
    let mut listing = Request::post("https://api.discogs.com/marketplace/listings")
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .body(b"release_id=1&price=10.00".to_vec())?;
    client.sign_request(
        &access_token,
        &mut listing,
        &freshness("n5", ISSUED_AT + 64),
    )?;

    Ok(Flow {
        request_token,
        authorize_url,
        requests: vec![
            ("request token", request_token_request),
            ("access token", access_token_request),
            ("identity", identity_request),
            ("signed GET", search),
            ("signed form POST", listing),
        ],
    })
}

/// Checks that the header is `OAuth name="value", name="value", …` exactly: every name and
/// value percent-encoded, every value quoted, and `", "` between every two pairs. Returns the
/// raw (still encoded) pairs.
fn comma_separated_pairs(header: &str) -> Vec<(&str, &str)> {
    let is_encoded = |text: &str| {
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
    };
    let rest = header
        .strip_prefix("OAuth ")
        .unwrap_or_else(|| panic!("no `OAuth ` scheme: {header}"));
    let mut pairs = Vec::new();
    for (index, pair) in rest.split(", ").enumerate() {
        let (name, quoted) = pair
            .split_once('=')
            .unwrap_or_else(|| panic!("pair {index} has no '=': {header}"));
        let value = quoted
            .strip_prefix('"')
            .and_then(|value| value.strip_suffix('"'))
            .unwrap_or_else(|| panic!("pair {index} is not quoted: {header}"));
        assert!(
            !name.is_empty() && is_encoded(name),
            "name {name:?}: {header}"
        );
        assert!(is_encoded(value), "value {value:?}: {header}");
        pairs.push((name, value));
    }
    pairs
}

/// The `name="value"` pairs of a header as the Discogs docs write them: separated by commas
/// and/or whitespace (their step-4 example misses a comma), values quoted and not encoded.
fn docs_pairs(example: &str) -> Vec<(String, String)> {
    let mut rest = example
        .trim_start()
        .strip_prefix("OAuth")
        .expect("a docs example starts with OAuth");
    let mut pairs = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            return pairs;
        }
        let (name, after) = rest.split_once("=\"").expect("name=\"value\"");
        let (value, after) = after.split_once('"').expect("a closing quote");
        pairs.push((name.to_owned(), value.to_owned()));
        rest = after;
    }
}

/// The header a client must send for the docs' pairs: sorted by name, each value
/// percent-encoded (RFC 5849 §3.5.1; the docs show `&` unencoded), `", "` between pairs.
fn header_from_docs(mut pairs: Vec<(String, String)>) -> String {
    pairs.sort();
    let pairs: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", percent_encode(value)))
        .collect();
    format!("OAuth {}", pairs.join(", "))
}

// ---------------------------------------------------------------------------------------------
// `oauth_token_secret` never leaks
// ---------------------------------------------------------------------------------------------

/// Pitfall: several clients sent `oauth_token_secret` in the Authorization header or the
/// authorize URL. With HMAC-SHA1 no secret leaves the client in any form, yet every request
/// verifies with them (so they were used, as signature inputs only).
#[cfg(feature = "hmac-sha1")]
#[test]
fn hmac_sha1_requests_never_carry_a_secret() -> TestResult {
    let flow = run_flow(SignatureMethod::HmacSha1)?;
    let mut forbidden = vec!["oauth_token_secret".to_owned()];
    for secret in [CONSUMER_SECRET, REQUEST_SECRET, ACCESS_SECRET, VERIFIER] {
        forbidden.push(secret.to_owned());
        forbidden.push(percent_encode(secret).into_owned());
        forbidden.push(percent_encode(&percent_encode(secret)).into_owned());
    }
    // The verifier is not a secret on the wire: the access-token step must send it.
    let verifier_forms = forbidden.split_off(forbidden.len() - 3);

    for (step, request) in &flow.requests {
        let uri = request.uri().to_string();
        let body = String::from_utf8_lossy(request.body());
        for text in &forbidden {
            assert!(!uri.contains(text), "{step}: {text:?} in {uri}");
            assert!(!body.contains(text), "{step}: {text:?} in the body");
            for (name, value) in request.headers() {
                let value = String::from_utf8_lossy(value.as_bytes());
                assert!(!name.as_str().contains(text), "{step}: {text:?} in {name}");
                assert!(!value.contains(text), "{step}: {text:?} in {name}: {value}");
            }
        }
        if *step != "access token" {
            for text in &verifier_forms {
                assert!(!header(request).contains(text), "{step}: the verifier");
            }
        }
    }

    let authorize_url = &flow.authorize_url;
    assert_eq!(
        authorize_url,
        "https://www.discogs.com/oauth/authorize?oauth_token=request-token-RT"
    );
    assert!(authorize_url.contains(flow.request_token.token.as_str()));
    for text in &forbidden {
        assert!(!authorize_url.contains(text), "{text:?} in {authorize_url}");
    }

    // Each request verifies with the secret of its step, and with no other.
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET)?;
    let request_secret = TokenSecret::new(REQUEST_SECRET)?;
    let access_secret = TokenSecret::new(ACCESS_SECRET)?;
    let expected_secret = [
        None,
        Some(&request_secret),
        Some(&access_secret),
        Some(&access_secret),
        Some(&access_secret),
    ];
    for ((step, request), secret) in flow.requests.iter().zip(expected_secret) {
        let signed = SignedRequest::from_request(request)?;
        assert_eq!(signed.verify(&consumer_secret, secret), Ok(()), "{step}");
        for other in [None, Some(&request_secret), Some(&access_secret)] {
            if other != secret {
                assert_eq!(
                    signed.verify(&consumer_secret, other),
                    Err(VerifyError::SignatureMismatch),
                    "{step}"
                );
            }
        }
    }
    Ok(())
}

/// With PLAINTEXT the signature is the two secrets (RFC 5849 §3.4.4), each encoded, joined by
/// `&`, and the whole encoded again in the header: `&` is `%26`. No parameter is ever named
/// `oauth_token_secret`, and the authorize URL carries only the token.
#[test]
fn plaintext_sends_the_secrets_only_as_the_signature() -> TestResult {
    let flow = run_flow(SignatureMethod::Plaintext)?;
    // enc(enc("consumer secret/CS&1")) and so on, written out.
    let consumer = "consumer%2520secret%252FCS%25261";
    let request = "request%2520secret%252FRS%252B2";
    let access = "access%2520secret%252FAS%25253";
    assert_eq!(
        percent_encode(&percent_encode(CONSUMER_SECRET)),
        consumer,
        "the expected values above are the secrets encoded twice"
    );
    assert_eq!(percent_encode(&percent_encode(REQUEST_SECRET)), request);
    assert_eq!(percent_encode(&percent_encode(ACCESS_SECRET)), access);

    let expected_signatures = [
        format!("{consumer}%26"),
        format!("{consumer}%26{request}"),
        format!("{consumer}%26{access}"),
        format!("{consumer}%26{access}"),
        format!("{consumer}%26{access}"),
    ];
    for ((step, request), signature) in flow.requests.iter().zip(&expected_signatures) {
        let header = header(request);
        let pairs = comma_separated_pairs(header);
        let signatures: Vec<_> = pairs
            .iter()
            .filter(|(name, _)| *name == "oauth_signature")
            .collect();
        assert_eq!(
            signatures,
            [&("oauth_signature", signature.as_str())],
            "{step}: {header}"
        );
        assert!(
            header.contains(&format!("oauth_signature=\"{signature}\"")),
            "{step}"
        );
        assert!(
            pairs.iter().all(|(name, _)| *name != "oauth_token_secret"),
            "{step}: {header}"
        );
        let parsed = OAuthParameters::parse(header)?;
        assert_eq!(parsed.get("oauth_token_secret"), None, "{step}");
        assert!(!request.uri().to_string().contains("secret"), "{step}");
        assert!(request.body().is_empty() || *step == "signed form POST");
    }
    assert_eq!(
        flow.authorize_url,
        format!(
            "https://www.discogs.com/oauth/authorize?oauth_token={}",
            flow.request_token.token
        )
    );
    assert_eq!(flow.request_token.secret.expose_secret(), REQUEST_SECRET);
    assert!(!flow.authorize_url.contains("secret"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The pending request token survives between the redirect and the callback
// ---------------------------------------------------------------------------------------------

/// Pitfall: the pending request token (token, secret, when it was issued) must survive from the
/// redirect to the callback, often in another process. It round-trips through JSON, keeps its
/// secret out of `Debug`, and the restored token finishes the flow.
#[cfg(feature = "serde")]
#[test]
fn the_pending_request_token_round_trips_through_json() -> TestResult {
    let client = client(SignatureMethod::Plaintext);
    let pending = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN)?,
        secret: TokenSecret::new(REQUEST_SECRET)?,
        issued_at: Timestamp::from_unix_seconds(ISSUED_AT)?,
    };
    let stored = serde_json::to_string(&pending)?;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stored)?,
        serde_json::json!({
            "token": REQUEST_TOKEN,
            "secret": REQUEST_SECRET,
            "issued_at": ISSUED_AT,
        })
    );

    // ... later, in the process that receives the callback:
    let restored: RequestToken = serde_json::from_str(&stored)?;
    assert_eq!(restored, pending);
    assert_eq!(restored.secret.expose_secret(), REQUEST_SECRET);
    assert_eq!(restored.issued_at.as_unix_seconds(), ISSUED_AT);
    assert_eq!(restored.expires_at().as_unix_seconds(), ISSUED_AT + 15 * 60);

    let authorized = restored.authorize_from_callback(&format!(
        "/callback?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    ))?;
    let request = client.access_token_request(&authorized, &freshness("n2", ISSUED_AT + 60))?;
    assert_eq!(
        SignedRequest::from_request(&request)?.verify(
            &ConsumerSecret::new(CONSUMER_SECRET)?,
            Some(&TokenSecret::new(REQUEST_SECRET)?)
        ),
        Ok(())
    );
    // The issue time survived too: 15 minutes after it, the token is refused before sending.
    assert_eq!(
        client
            .access_token_request(&authorized, &freshness("n3", ISSUED_AT + 15 * 60))
            .map(|_| ()),
        Err(RequestError::RequestTokenExpired {
            expired_at: Timestamp::from_unix_seconds(ISSUED_AT + 15 * 60)?
        })
    );

    // The approved token (with its verifier) round-trips as well.
    let approved: AuthorizedRequestToken =
        serde_json::from_str(&serde_json::to_string(&authorized)?)?;
    assert_eq!(approved, authorized);
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn the_access_token_round_trips_through_json() -> TestResult {
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET)?;
    let stored = serde_json::to_string(&access)?;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stored)?,
        serde_json::json!({ "token": ACCESS_TOKEN, "secret": ACCESS_SECRET })
    );
    let restored: AccessToken = serde_json::from_str(&stored)?;
    assert_eq!(restored, access);
    assert_eq!(restored.token.as_str(), ACCESS_TOKEN);
    assert_eq!(restored.secret.expose_secret(), ACCESS_SECRET);
    Ok(())
}

/// A setting that names the signature method reads the same whether it is parsed or
/// deserialized: the OAuth name, as `Display` writes it.
#[cfg(all(feature = "serde", feature = "hmac-sha1"))]
#[test]
fn the_signature_method_is_stored_by_its_oauth_name() -> TestResult {
    for method in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1] {
        let stored = serde_json::to_string(&method)?;
        assert_eq!(stored, format!("\"{method}\""));
        assert_eq!(serde_json::from_str::<SignatureMethod>(&stored)?, method);
        assert_eq!(method.to_string().parse::<SignatureMethod>(), Ok(method));
    }
    assert_eq!(
        serde_json::to_string(&SignatureMethod::HmacSha1)?,
        r#""HMAC-SHA1""#
    );
    Ok(())
}

/// Deserialized as parsed: in any case, and with the parser's message for a name it does not
/// know, which in a build without `hmac-sha1` says how to get HMAC-SHA1.
#[cfg(feature = "serde")]
#[test]
fn a_stored_signature_method_is_read_as_it_is_parsed() {
    assert_eq!(
        serde_json::from_str::<SignatureMethod>(r#""plaintext""#).ok(),
        Some(SignatureMethod::Plaintext)
    );
    let unknown = serde_json::from_str::<SignatureMethod>(r#""HmacSha1""#).unwrap_err();
    let expected = if cfg!(feature = "hmac-sha1") {
        "expected PLAINTEXT or HMAC-SHA1"
    } else {
        "expected PLAINTEXT"
    };
    assert_eq!(
        unknown.to_string(),
        format!(r#"unknown signature method "HmacSha1": {expected}"#)
    );
    let hmac = serde_json::from_str::<SignatureMethod>(r#""HMAC-SHA1""#);
    if cfg!(feature = "hmac-sha1") {
        assert_eq!(
            hmac.map(|method| method.to_string()).ok().as_deref(),
            Some("HMAC-SHA1")
        );
    } else {
        assert_eq!(
            hmac.unwrap_err().to_string(),
            "unknown signature method \"HMAC-SHA1\": expected PLAINTEXT \
             (HMAC-SHA1 needs the hmac-sha1 feature)"
        );
    }
    assert!(serde_json::from_str::<SignatureMethod>("1").is_err());
}

/// Settings that point a program at a staging provider and choose where Discogs Auth puts its
/// credentials are read from a file as they are written, and checked as the constructors check
/// them.
#[cfg(feature = "serde")]
#[test]
fn endpoints_and_placement_are_settings() -> TestResult {
    let stored = serde_json::to_string(&Endpoints::discogs())?;
    assert_eq!(
        stored,
        r#"{"api_base":"https://api.discogs.com","authorize_url":"https://www.discogs.com/oauth/authorize"}"#
    );
    assert_eq!(
        serde_json::from_str::<Endpoints>(&stored)?,
        Endpoints::discogs()
    );

    let staging: Endpoints = serde_json::from_str(
        r#"{"api_base": "http://127.0.0.1:8080/", "authorize_url": "http://127.0.0.1:8080/oauth/authorize"}"#,
    )?;
    assert_eq!(staging.api_base(), "http://127.0.0.1:8080");
    assert_eq!(
        staging.request_token_url(),
        "http://127.0.0.1:8080/oauth/request_token"
    );
    let refused = |json: &str| {
        serde_json::from_str::<Endpoints>(json)
            .unwrap_err()
            .to_string()
    };
    let wrong_scheme = Endpoints::new("ftp://example.com", "https://example.com/a").unwrap_err();
    assert_eq!(
        refused(r#"{"api_base": "ftp://example.com", "authorize_url": "https://example.com/a"}"#),
        wrong_scheme.to_string()
    );
    assert!(
        refused(r#"{"api_base": "https://example.com"}"#)
            .starts_with("missing field `authorize_url`"),
    );
    assert!(
        refused(r#"{"api_base": "https://a.example", "authorize_url": "https://a.example/a", "identity_url": "https://b.example"}"#)
            .starts_with("unknown field `identity_url`"),
    );

    for (placement, stored) in [
        (Placement::Header, r#""header""#),
        (Placement::Query, r#""query""#),
    ] {
        assert_eq!(serde_json::to_string(&placement)?, stored);
        assert_eq!(serde_json::from_str::<Placement>(stored)?, placement);
    }
    assert!(serde_json::from_str::<Placement>(r#""Query""#).is_err());
    Ok(())
}

/// A program's stored settings for Discogs Auth: the credentials, the user agent and the
/// provider's base, each checked when read.
#[cfg(feature = "serde")]
#[test]
fn discogs_auth_settings_are_stored_and_checked() -> TestResult {
    for (auth, stored) in [
        (
            DiscogsAuth::token("abcxyz123456")?,
            r#"{"token":"abcxyz123456"}"#,
        ),
        (
            DiscogsAuth::key_secret("foo123", "bar456")?,
            r#"{"key":"foo123","secret":"bar456"}"#,
        ),
    ] {
        assert_eq!(serde_json::to_string(&auth)?, stored);
        assert_eq!(serde_json::from_str::<DiscogsAuth>(stored)?, auth);
    }
    let refused = |json: &str| {
        serde_json::from_str::<DiscogsAuth>(json)
            .unwrap_err()
            .to_string()
    };
    for (json, message) in [
        (
            "{}",
            "the Discogs credentials are malformed: no credentials",
        ),
        (
            r#"{"key":"foo123"}"#,
            "the Discogs credentials are malformed: key and secret go together",
        ),
        (
            r#"{"token":"a","key":"b","secret":"c"}"#,
            "the Discogs credentials are malformed: token and key/secret are exclusive",
        ),
        (
            r#"{"token":"abc\r\n"}"#,
            "personal_token contains a control character",
        ),
    ] {
        assert!(
            refused(json).starts_with(message),
            "{json}: {}",
            refused(json)
        );
    }
    assert!(refused(r#"{"token":"a","user":"b"}"#).starts_with("unknown field `user`"));

    let user_agent = UserAgent::new("Café/1.0 +https://café.example")?;
    let stored = serde_json::to_string(&user_agent)?;
    assert_eq!(stored, r#""Café/1.0 +https://café.example""#);
    assert_eq!(serde_json::from_str::<UserAgent>(&stored)?, user_agent);
    assert!(serde_json::from_str::<UserAgent>(r#"" padded""#).is_err());

    let base = ApiBase::new("https://example.com/discogs/")?;
    let stored = serde_json::to_string(&base)?;
    assert_eq!(stored, r#""https://example.com/discogs""#);
    assert_eq!(serde_json::from_str::<ApiBase>(&stored)?, base);
    assert!(serde_json::from_str::<ApiBase>(r#""https://example.com/?q=1""#).is_err());
    Ok(())
}

#[test]
fn debug_never_shows_a_token_secret() -> TestResult {
    let pending = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN)?,
        secret: TokenSecret::new(REQUEST_SECRET)?,
        issued_at: Timestamp::from_unix_seconds(ISSUED_AT)?,
    };
    let authorized = pending.with_verifier(Verifier::new(VERIFIER)?);
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET)?;
    let consumer = Consumer::new("your_consumer_key", CONSUMER_SECRET)?;
    let shown = format!("{pending:?} {authorized:?} {access:?} {consumer:?} {pending:#?}");
    for secret in [REQUEST_SECRET, ACCESS_SECRET, VERIFIER, CONSUMER_SECRET] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
        assert!(
            !shown.contains(&*percent_encode(secret)),
            "{secret} in {shown}"
        );
    }
    for public in [
        REQUEST_TOKEN,
        ACCESS_TOKEN,
        "your_consumer_key",
        "1700000000",
    ] {
        assert!(shown.contains(public), "{public} not in {shown}");
    }
    assert_eq!(
        format!("{access:?}"),
        "AccessToken { token: TokenValue(\"access-token-AT\"), secret: TokenSecret([redacted]) }"
    );
    Ok(())
}

/// A stored token is validated again when it is read back: a secret with CR/LF (which could
/// split headers) or an empty one, or a millisecond issue time, is refused.
#[cfg(feature = "serde")]
#[test]
fn a_stored_request_token_is_validated_on_deserialize() {
    let read = |json: &str| serde_json::from_str::<RequestToken>(json).map_err(|e| e.to_string());
    let error = read(r#"{"token": "abc123", "secret": "xyz\r\n789", "issued_at": 1700000000}"#)
        .expect_err("CR/LF in the secret");
    assert!(
        error.starts_with("oauth_token_secret contains a control character"),
        "{error}"
    );
    assert!(!error.contains("xyz"), "the value leaked: {error}");

    let error = read(r#"{"token": "abc123", "secret": "", "issued_at": 1700000000}"#)
        .expect_err("an empty secret");
    assert!(
        error.starts_with("oauth_token_secret must not be empty"),
        "{error}"
    );

    let error = read(r#"{"token": "ab\nc", "secret": "xyz789", "issued_at": 1700000000}"#)
        .expect_err("LF in the token");
    assert!(
        error.starts_with("oauth_token contains a control character"),
        "{error}"
    );

    let error = read(r#"{"token": "abc123", "secret": "xyz789", "issued_at": 1700000000000}"#)
        .expect_err("a millisecond timestamp");
    assert!(
        error.starts_with("oauth_timestamp 1700000000000 is not in seconds"),
        "{error}"
    );

    let error = serde_json::from_str::<AccessToken>(r#"{"token": "t", "secret": "s\u0000"}"#)
        .expect_err("NUL in the access token secret")
        .to_string();
    assert!(
        error.starts_with("oauth_token_secret contains a control character"),
        "{error}"
    );

    assert!(read(r#"{"token": "abc123", "secret": "xyz789", "issued_at": 1700000000}"#).is_ok());
}

// ---------------------------------------------------------------------------------------------
// A missing User-Agent is impossible
// ---------------------------------------------------------------------------------------------

/// Pitfall: without a `User-Agent` Discogs answers an empty reply. The client cannot be made
/// without one, and every request it builds carries exactly one: its own.
#[test]
fn every_request_carries_the_clients_user_agent() -> TestResult {
    assert_eq!(
        UserAgent::new(""),
        Err(CredentialError::Empty {
            field: "user_agent"
        })
    );
    for bad in [
        "MyApp/1.0\r\nX-Injected: 1",
        "MyApp/1.0\n",
        "\rMyApp",
        "My\0App",
    ] {
        assert_eq!(
            UserAgent::new(bad),
            Err(CredentialError::ControlCharacter {
                field: "user_agent"
            }),
            "{bad:?}"
        );
    }
    assert_eq!(
        UserAgent::new(USER_AGENT_TEXT)?.as_header_value(),
        USER_AGENT_TEXT
    );

    for method in signature_methods() {
        let flow = run_flow(method)?;
        for (step, request) in &flow.requests {
            let agents: Vec<_> = request.headers().get_all(USER_AGENT).iter().collect();
            assert_eq!(agents, [USER_AGENT_TEXT], "{step} ({method})");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A credential copied with the space beside it
// ---------------------------------------------------------------------------------------------

/// What each constructor of a credential (and of the user agent) answers for `value`, by the
/// field it names.
fn refusals_by_every_constructor(value: &str) -> [(&'static str, Option<CredentialError>); 6] {
    [
        ("personal_token", DiscogsAuth::token(value).err()),
        ("consumer_key", Consumer::new(value, "secret").err()),
        ("consumer_secret", Consumer::new("key", value).err()),
        ("oauth_token", TokenValue::new(value).err()),
        ("oauth_verifier", Verifier::new(value).err()),
        ("user_agent", UserAgent::new(value).err()),
    ]
}

/// Pitfall: a key, secret or token selected with the space next to it on a page signs every
/// request wrongly, and Discogs only ever says `Invalid signature` or `Invalid consumer`. No
/// Discogs credential starts or ends with whitespace, so it is refused when it is made.
#[test]
fn a_credential_with_whitespace_around_it_is_refused_when_made() {
    let around = |field| CredentialError::SurroundingWhitespace { field };
    for copied in [
        " abc123",
        "abc123 ",
        " abc123 ",
        "abc123\u{a0}",
        "\u{3000}abc123",
    ] {
        for (field, refusal) in refusals_by_every_constructor(copied) {
            assert_eq!(refusal, Some(around(field)), "{copied:?} as {field}");
        }
    }
    assert_eq!(
        around("consumer_key").to_string(),
        "consumer_key starts or ends with whitespace; trim text copied or read from a file"
    );
    // Inside a value, whitespace is the value's own; a line break stays a control character.
    assert!(DiscogsAuth::token("abc 123").is_ok());
    assert!(UserAgent::new("MyApp/1.0 +https://example.com").is_ok());
    assert_eq!(
        DiscogsAuth::token("abc123\n").unwrap_err(),
        CredentialError::ControlCharacter {
            field: "personal_token"
        }
    );
}

/// Pitfall: a key read from a file an editor saved with a byte order mark, or copied from a page
/// with a zero-width space in it, looks right and fails every request. It is refused when made,
/// wherever the character is, and the error says what to do.
#[test]
fn a_credential_with_an_invisible_character_is_refused_when_made() {
    let invisible = |field| CredentialError::InvisibleCharacter { field };
    for copied in [
        "\u{feff}abc123",
        "abc\u{200b}123",
        "abc123\u{200d}",
        "\u{200e}abc123",
        "abc\u{ad}123",
        "abc123\u{2060}",
        "\u{202e}abc123",
    ] {
        for (field, refusal) in refusals_by_every_constructor(copied) {
            assert_eq!(refusal, Some(invisible(field)), "{copied:?} as {field}");
        }
    }
    assert_eq!(
        invisible("consumer_key").to_string(),
        "consumer_key contains an invisible character (a byte order mark, a zero-width space, \
         ...); type it again or copy it from its source as plain text"
    );
    // Visible text beyond ASCII is kept, and whitespace around an invisible character is
    // reported as the invisible character it hides.
    assert!(DiscogsAuth::token("tökén-☃").is_ok());
    assert_eq!(
        DiscogsAuth::token(" \u{feff}abc").unwrap_err(),
        invisible("personal_token")
    );
}

// ---------------------------------------------------------------------------------------------
// Access tokens are stored and reused
// ---------------------------------------------------------------------------------------------

/// Pitfall: every authorize visit adds an "Authorized Applications" entry, so the access token
/// must be stored and reused. One restored from storage signs exactly like the original.
#[cfg(feature = "serde")]
#[test]
fn a_restored_access_token_signs_like_the_original() -> TestResult {
    let original = AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET)?;
    let restored: AccessToken = serde_json::from_str(&serde_json::to_string(&original)?)?;
    let fixed = freshness("reuse", ISSUED_AT + 86_400 * 365);
    for method in signature_methods() {
        let client = client(method);
        let sign = |token: &AccessToken| -> Result<Request<Vec<u8>>, RequestError> {
            let mut request = Request::builder()
                .method(Method::POST)
                .uri("https://api.discogs.com/users/example/collection/folders?x=1")
                .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                .body(b"name=Vinyl".to_vec())
                .expect("a valid request");
            client.sign_request(token, &mut request, &fixed)?;
            Ok(request)
        };
        let (before, after) = (sign(&original)?, sign(&restored)?);
        assert_eq!(before.headers(), after.headers(), "{method}");
        assert_eq!(
            client.identity_request(&original, &fixed)?.headers(),
            client.identity_request(&restored, &fixed)?.headers(),
            "{method}"
        );
        assert_eq!(
            SignedRequest::from_request(&after)?.verify(
                &ConsumerSecret::new(CONSUMER_SECRET)?,
                Some(&TokenSecret::new(ACCESS_SECRET)?)
            ),
            Ok(())
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Always emit commas
// ---------------------------------------------------------------------------------------------

/// The Discogs docs' step-4 example misses a comma; every header we build has `", "` between
/// every two pairs, in every step and with both signature methods.
#[test]
fn every_header_separates_every_pair_with_a_comma() -> TestResult {
    for method in signature_methods() {
        let flow = run_flow(method)?;
        let expected_names: [&[&str]; 5] = [
            &[
                "oauth_callback",
                "oauth_consumer_key",
                "oauth_nonce",
                "oauth_signature",
                "oauth_signature_method",
                "oauth_timestamp",
            ],
            &[
                "oauth_consumer_key",
                "oauth_nonce",
                "oauth_signature",
                "oauth_signature_method",
                "oauth_timestamp",
                "oauth_token",
                "oauth_verifier",
            ],
            &[
                "oauth_consumer_key",
                "oauth_nonce",
                "oauth_signature",
                "oauth_signature_method",
                "oauth_timestamp",
                "oauth_token",
            ],
            &[
                "oauth_consumer_key",
                "oauth_nonce",
                "oauth_signature",
                "oauth_signature_method",
                "oauth_timestamp",
                "oauth_token",
            ],
            &[
                "oauth_consumer_key",
                "oauth_nonce",
                "oauth_signature",
                "oauth_signature_method",
                "oauth_timestamp",
                "oauth_token",
            ],
        ];
        for ((step, request), names) in flow.requests.iter().zip(expected_names) {
            let header = header(request);
            let pairs = comma_separated_pairs(header);
            let found: Vec<&str> = pairs.iter().map(|(name, _)| *name).collect();
            assert_eq!(found, names, "{step} ({method}): {header}");
            assert_eq!(
                header.matches("\", ").count(),
                names.len() - 1,
                "{step} ({method}): {header}"
            );
        }
        // The out-of-band callback too.
        let oob = client(method)
            .request_token_request(&Callback::OutOfBand, &freshness("oob", ISSUED_AT))?;
        assert_eq!(comma_separated_pairs(header(&oob)).len(), 6);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The Discogs docs' example headers
// ---------------------------------------------------------------------------------------------

/// The docs' request-token example (step 2), with their placeholders filled in, the pairs
/// sorted by name and the signature's `&` percent-encoded, is exactly what we send.
#[test]
fn the_discogs_docs_request_token_header() -> TestResult {
    let docs = r#"OAuth oauth_consumer_key="your_consumer_key",
        oauth_nonce="random_string_or_timestamp",
        oauth_signature="your_consumer_secret&",
        oauth_signature_method="PLAINTEXT",
        oauth_timestamp="current_timestamp",
        oauth_callback="your_callback""#;
    let client = OAuthClient::new(
        Consumer::new("your_consumer_key", "your_consumer_secret")?,
        UserAgent::new("some_user_agent")?,
    );
    let sent = freshness("random_string_or_timestamp", ISSUED_AT);
    for (callback, callback_value) in [
        (Callback::OutOfBand, "oob"),
        (
            Callback::url("https://app.example/callback")?,
            "https://app.example/callback",
        ),
    ] {
        let filled_in = docs
            .replace("current_timestamp", &ISSUED_AT.to_string())
            .replace("your_callback", callback_value);
        let expected = header_from_docs(docs_pairs(&filled_in));
        let request = client.request_token_request(&callback, &sent)?;
        assert_eq!(header(&request), expected);
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "https://api.discogs.com/oauth/request_token");
        assert_eq!(request.headers()[CONTENT_TYPE], FORM_CONTENT_TYPE);
        assert_eq!(request.headers()[USER_AGENT], "some_user_agent");
    }
    let request = client.request_token_request(&Callback::OutOfBand, &sent)?;
    assert_eq!(
        header(&request),
        "OAuth oauth_callback=\"oob\", oauth_consumer_key=\"your_consumer_key\", \
         oauth_nonce=\"random_string_or_timestamp\", oauth_signature=\"your_consumer_secret%26\", \
         oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1700000000\""
    );
    Ok(())
}

/// The docs' access-token example (step 4) has two typos: a missing comma after `oauth_token`,
/// and the signature `your_consumer_secret&` without the request token secret. With both
/// fixed (RFC 5849 §3.4.4 signs with `consumer_secret&request_token_secret`) it is exactly
/// what we send.
#[test]
fn the_discogs_docs_access_token_header_with_its_typos_fixed() -> TestResult {
    let docs = r#"OAuth oauth_consumer_key="your_consumer_key",
        oauth_nonce="random_string_or_timestamp",
        oauth_token="oauth_token_received_from_step_2"
        oauth_signature="your_consumer_secret&",
        oauth_signature_method="PLAINTEXT",
        oauth_timestamp="current_timestamp",
        oauth_verifier="users_verifier""#;
    let client = OAuthClient::new(
        Consumer::new("your_consumer_key", "your_consumer_secret")?,
        UserAgent::new("some_user_agent")?,
    );
    let authorized = RequestToken {
        token: TokenValue::new("oauth_token_received_from_step_2")?,
        secret: TokenSecret::new("xyz789")?,
        issued_at: Timestamp::from_unix_seconds(ISSUED_AT)?,
    }
    .with_verifier(Verifier::new("users_verifier")?);
    let at = ISSUED_AT + 60;
    let request =
        client.access_token_request(&authorized, &freshness("random_string_or_timestamp", at))?;

    let mut pairs = docs_pairs(&docs.replace("current_timestamp", &at.to_string()));
    assert_eq!(pairs.len(), 7, "the docs' pairs, comma or not");
    for (name, value) in &mut pairs {
        if name == "oauth_signature" {
            assert_eq!(value, "your_consumer_secret&", "the docs' typo");
            value.push_str("xyz789");
        }
    }
    assert_eq!(header(&request), header_from_docs(pairs));
    assert!(header(&request).contains("oauth_signature=\"your_consumer_secret%26xyz789\""));
    assert_eq!(request.method(), Method::POST);
    assert_eq!(request.uri(), "https://api.discogs.com/oauth/access_token");
    assert_eq!(request.headers()[CONTENT_TYPE], FORM_CONTENT_TYPE);
    assert_eq!(request.headers()[USER_AGENT], "some_user_agent");

    // The provider side accepts the fixed header and refuses the docs' signature.
    let signed = SignedRequest::from_request(&request)?;
    let consumer_secret = ConsumerSecret::new("your_consumer_secret")?;
    assert_eq!(
        signed.verify(&consumer_secret, Some(&TokenSecret::new("xyz789")?)),
        Ok(())
    );
    let mut as_in_the_docs = request.clone();
    as_in_the_docs.headers_mut().insert(
        AUTHORIZATION,
        header(&request)
            .replace("your_consumer_secret%26xyz789", "your_consumer_secret%26")
            .parse()?,
    );
    assert_eq!(
        SignedRequest::from_request(&as_in_the_docs)?
            .verify(&consumer_secret, Some(&TokenSecret::new("xyz789")?)),
        Err(VerifyError::SignatureMismatch)
    );
    Ok(())
}
