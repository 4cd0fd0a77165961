//! Through the public API: the exact text of every error message, what `source()` gives, and
//! `Debug` output that names the non-secret fields and redacts the rest.

use std::fmt;

use discogs_auth_core::encoding::{FormError, FormPairs};
use discogs_auth_core::http::header::{AUTHORIZATION, HOST};
use discogs_auth_core::http::{HeaderMap, Request, Response, StatusCode};
use discogs_auth_core::*;

const CONSUMER_SECRET: &str = "kd94hf93k423kf44";
const TOKEN_SECRET: &str = "pfkkdhi9sl3r4s00";

fn client() -> OAuthClient {
    OAuthClient::new(
        Consumer::new("dpf43f3p2l4k3l03", CONSUMER_SECRET).unwrap(),
        UserAgent::new("messages-tests/1.0").unwrap(),
    )
}

fn access_token() -> AccessToken {
    AccessToken::new("nnch734d00sl2jdk", TOKEN_SECRET).unwrap()
}

fn freshness() -> Freshness {
    Freshness::new("chapoH", 137131202).unwrap()
}

fn request_token() -> RequestToken {
    RequestToken {
        token: TokenValue::new("abc123").unwrap(),
        secret: TokenSecret::new("xyz789").unwrap(),
        issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
    }
}

/// The message and the `source()` message (if any) of an error.
fn message_and_source(error: &dyn std::error::Error) -> (String, Option<String>) {
    (error.to_string(), error.source().map(ToString::to_string))
}

fn no_source(message: &str) -> (String, Option<String>) {
    (message.to_owned(), None)
}

#[test]
fn discogs_auth_errors() {
    let spaced = DiscogsAuth::token("abc def").unwrap().header_value();
    assert_eq!(
        message_and_source(&spaced.unwrap_err()),
        no_source(
            "token holds whitespace, a ',' or a leading '\"', which the Authorization header \
             cannot carry; send it in the query"
        )
    );

    let mut request = Request::get("https://api.discogs.com/database/search?token=x")
        .body(())
        .unwrap();
    let in_query = DiscogsAuth::token("abcxyz123456")
        .unwrap()
        .apply(&mut request, Placement::Query);
    assert_eq!(
        message_and_source(&in_query.unwrap_err()),
        no_source("the query already has a `token` parameter")
    );

    assert_eq!(
        message_and_source(&DiscogsAuthError::InvalidUri),
        no_source("the request URI cannot take the credentials")
    );
    assert_eq!(
        message_and_source(&DiscogsAuth::parse_header("Bearer abc").unwrap_err()),
        no_source("the Authorization header does not use the Discogs scheme")
    );
    assert_eq!(
        message_and_source(&DiscogsAuth::parse_header("Discogs token").unwrap_err()),
        no_source("the Discogs credentials are malformed: expected name=value")
    );

    // Transparent: the credential error's own message, and its own (absent) source.
    let empty = DiscogsAuth::parse_header("Discogs token=").unwrap_err();
    assert_eq!(
        empty,
        DiscogsAuthError::Credential(CredentialError::Empty {
            field: "personal_token"
        })
    );
    assert_eq!(
        message_and_source(&empty),
        no_source("personal_token must not be empty")
    );

    assert_eq!(
        message_and_source(&DiscogsAuth::from_query("token=%FF").unwrap_err()),
        no_source("the query cannot be read: the form data is not UTF-8")
    );
    assert_eq!(
        message_and_source(&DiscogsAuth::from_query("token=a&token=b").unwrap_err()),
        no_source("the query cannot be read: parameter `token` appears more than once")
    );
}

#[test]
fn form_errors_and_emptiness() {
    let not_utf8 = FormPairs::parse(b"a=%FF").unwrap_err();
    assert_eq!(not_utf8, FormError::NotUtf8);
    assert_eq!(
        message_and_source(&not_utf8),
        no_source("the form data is not UTF-8")
    );
    let pairs = FormPairs::parse(b"a=1&a=2").unwrap();
    assert_eq!(
        message_and_source(&pairs.unique("a").unwrap_err()),
        no_source("parameter `a` appears more than once")
    );

    assert!(FormPairs::parse(b"").unwrap().is_empty());
    assert!(!FormPairs::parse(b"a=1").unwrap().is_empty());
}

#[test]
fn url_errors_and_api_urls() {
    let endpoints = Endpoints::discogs();
    assert_eq!(
        endpoints
            .api_url("/database/search?q=Nirvana")
            .unwrap()
            .to_string(),
        "https://api.discogs.com/database/search?q=Nirvana"
    );
    let local =
        Endpoints::new("http://127.0.0.1:8080/", "http://127.0.0.1:8080/authorize").unwrap();
    assert_eq!(
        local.api_url("/users/example").unwrap().to_string(),
        "http://127.0.0.1:8080/users/example"
    );

    let fragment = endpoints.api_url("/database/search#top").unwrap_err();
    assert_eq!(
        (fragment.field, fragment.kind, fragment.reason),
        (
            "path",
            UrlErrorKind::Fragment,
            "it must not have a fragment"
        )
    );
    assert_eq!(
        message_and_source(&fragment),
        no_source("path is not usable: it must not have a fragment")
    );
    // Pasted after the base, these would change the host.
    for path in ["database/search", ".evil.example/x", "@evil.example/x", ""] {
        assert_eq!(
            message_and_source(&endpoints.api_url(path).unwrap_err()),
            no_source("path is not usable: it must start with /"),
            "{path}"
        );
    }
    assert_eq!(
        endpoints.api_url("//evil.example/x").unwrap().host(),
        Some("api.discogs.com")
    );
    assert_eq!(
        message_and_source(&endpoints.api_url("/a\nb").unwrap_err()),
        no_source(
            "path is not usable: it contains a control character (CR, LF, NUL, ...); trim the line \
                break off text read from a file or a terminal"
        )
    );
    for (api_base, authorize_url, field) in [
        (
            "https://user:pw@example.com",
            "https://example.com/authorize",
            "api_base",
        ),
        (
            "https://example.com",
            "https://user@example.com/authorize",
            "authorize_url",
        ),
    ] {
        assert_eq!(
            message_and_source(&Endpoints::new(api_base, authorize_url).unwrap_err()),
            no_source(&format!(
                "{field} is not usable: it must not hold a user name or password"
            ))
        );
    }
    assert_eq!(
        message_and_source(
            &Endpoints::new("ftp://example.com", "https://example.com/authorize").unwrap_err()
        ),
        no_source("api_base is not usable: it must start with http:// or https://")
    );
}

#[test]
fn timestamps_and_signature_methods_display() {
    let timestamp = Timestamp::from_unix_seconds(137131202).unwrap();
    assert_eq!(timestamp.to_string(), "137131202");
    // The formatter's options reach the number.
    assert_eq!(format!("{timestamp:>11}"), "  137131202");

    assert_eq!(SignatureMethod::Plaintext.to_string(), "PLAINTEXT");
    #[cfg(feature = "hmac-sha1")]
    assert_eq!(SignatureMethod::HmacSha1.to_string(), "HMAC-SHA1");
}

#[test]
fn request_errors() {
    let mut relative = Request::get("/database/search").body(Vec::new()).unwrap();
    let signing = client()
        .sign_request(&access_token(), &mut relative, &freshness())
        .unwrap_err();
    assert!(matches!(
        signing,
        RequestError::Signing(SigningError::NotAbsoluteUri)
    ));
    // Transparent: the signing error's message, and its own (absent) source.
    assert_eq!(
        message_and_source(&signing),
        no_source("the request URI must be absolute (scheme and host)")
    );

    let url = RequestError::from(Callback::url("app/callback").unwrap_err());
    assert_eq!(
        message_and_source(&url),
        no_source(
            "oauth_callback is not usable: it is not a valid URL: a web address starts with \
             http:// or https://"
        )
    );
    for typed in [
        "localhost:8080/callback",
        "127.0.0.1:8080/cb",
        "https//app.example/cb",
    ] {
        assert_eq!(
            Callback::url(typed).unwrap_err().reason,
            "it is not a valid URL: a web address starts with http:// or https://",
            "{typed}"
        );
    }
    assert_eq!(
        Callback::url("https://app.example/cb ").unwrap_err().reason,
        "it is not a valid URL: it contains a space (percent-encode it as %20, or trim the input)"
    );

    let authorized = request_token().with_verifier(Verifier::new("v3r1f13r").unwrap());
    let late = Freshness::new("asdfgh", 1_000 + 15 * 60).unwrap();
    let expired = client()
        .access_token_request(&authorized, &late)
        .unwrap_err();
    assert_eq!(
        message_and_source(&expired),
        no_source(
            "the request token expired at Thu, 01 Jan 1970 00:31:40 GMT (Unix time 1900; 15 \
             minutes after issue); start the flow again"
        )
    );
}

/// A GET with a query, signed by the client with PLAINTEXT and the access token.
fn signed_request() -> Request<Vec<u8>> {
    let mut request =
        Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
            .body(Vec::new())
            .unwrap();
    client()
        .sign_request(&access_token(), &mut request, &freshness())
        .unwrap();
    request
}

fn with_authorization(uri: &str, authorization: &str) -> Request<Vec<u8>> {
    Request::get(uri)
        .header(AUTHORIZATION, authorization)
        .body(Vec::new())
        .unwrap()
}

/// A complete set of PLAINTEXT header parameters, to alter one at a time.
const PARAMETERS: &str = "oauth_consumer_key=\"k\", oauth_signature=\"s\", \
     oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"137131202\", oauth_nonce=\"n\"";

#[test]
fn verify_errors() {
    let read = |request: &Request<Vec<u8>>| {
        message_and_source(&SignedRequest::from_request(request).unwrap_err())
    };
    let absolute = "http://photos.example.net/photos";

    let mut missing = signed_request();
    missing.headers_mut().remove(AUTHORIZATION);
    assert_eq!(
        read(&missing),
        no_source("the request has no Authorization header")
    );
    let mut twice = signed_request();
    let header = twice.headers()[AUTHORIZATION].clone();
    twice.headers_mut().append(AUTHORIZATION, header);
    assert_eq!(
        read(&twice),
        no_source("the request has more than one Authorization header")
    );
    assert_eq!(
        read(&with_authorization(absolute, "Basic abc")),
        no_source("the Authorization header does not use the OAuth scheme")
    );
    // The reason is said once, in the message: not again as a source.
    assert_eq!(
        read(&with_authorization(absolute, "OAuth oauth_nonce=\"100%\"")),
        no_source(
            "parameter `oauth_nonce` is not validly percent-encoded: \
             a '%' is not followed by two hexadecimal digits"
        )
    );
    assert_eq!(
        read(&with_authorization(absolute, "OAuth oauth_nonce=\"n\"")),
        no_source("the OAuth header has no `oauth_consumer_key`")
    );
    let replaced = |from: &str, to: &str| {
        with_authorization(absolute, &format!("OAuth {}", PARAMETERS.replace(from, to)))
    };
    assert_eq!(
        read(&replaced("PLAINTEXT", "RSA-SHA1")),
        no_source(if cfg!(feature = "hmac-sha1") {
            r#"unsupported oauth_signature_method "RSA-SHA1": expected PLAINTEXT or HMAC-SHA1"#
        } else {
            r#"unsupported oauth_signature_method "RSA-SHA1": expected PLAINTEXT"#
        })
    );
    // The name as sent, escaped: a provider can log the message as it is.
    assert_eq!(
        read(&replaced("PLAINTEXT", "RSA%0D%0Aforged: yes")),
        no_source(if cfg!(feature = "hmac-sha1") {
            r#"unsupported oauth_signature_method "RSA\r\nforged: yes": expected PLAINTEXT or HMAC-SHA1"#
        } else {
            r#"unsupported oauth_signature_method "RSA\r\nforged: yes": expected PLAINTEXT"#
        })
    );
    if !cfg!(feature = "hmac-sha1") {
        assert_eq!(
            read(&replaced("PLAINTEXT", "HMAC-SHA1")),
            no_source(
                r#"unsupported oauth_signature_method "HMAC-SHA1": expected PLAINTEXT (HMAC-SHA1 needs the hmac-sha1 feature)"#
            )
        );
    }
    assert_eq!(
        read(&with_authorization(
            absolute,
            &format!("OAuth {PARAMETERS}, oauth_version=\"2.0\"")
        )),
        no_source("unsupported oauth_version (only 1.0)")
    );
    assert_eq!(
        read(&replaced("137131202", "1.5")),
        no_source("oauth_timestamp is not a whole number of seconds")
    );
    assert_eq!(
        read(&replaced("oauth_nonce=\"n\"", "oauth_nonce=\"\"")),
        no_source("invalid oauth_nonce: oauth_nonce must not be empty")
    );
    assert_eq!(
        read(&replaced(
            "oauth_nonce=\"n\"",
            &format!("oauth_nonce=\"{}\"", "n".repeat(65))
        )),
        no_source(
            "invalid oauth_nonce: oauth_nonce is 65 characters long; Discogs accepts at most 64"
        )
    );
    assert_eq!(
        read(&with_authorization(
            "/photos",
            &format!("OAuth {PARAMETERS}")
        )),
        no_source("the request URI is relative and the Host header is missing or invalid")
    );

    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET).unwrap();
    let token_secret = TokenSecret::new(TOKEN_SECRET).unwrap();
    let verify = |request: &Request<Vec<u8>>, token_secret: Option<&TokenSecret>| {
        SignedRequest::from_request(request)
            .unwrap()
            .verify(&consumer_secret, token_secret)
    };
    assert_eq!(verify(&signed_request(), Some(&token_secret)), Ok(()));
    assert_eq!(
        message_and_source(&verify(&signed_request(), None).unwrap_err()),
        no_source("the signature does not match")
    );
    // Transparent: the signing error's message, and its own (absent) source.
    let ftp = with_authorization(
        "ftp://photos.example.net/photos",
        &format!("OAuth {PARAMETERS}"),
    );
    let signing = verify(&ftp, None).unwrap_err();
    assert_eq!(
        signing,
        VerifyError::Signing(SigningError::UnsupportedScheme)
    );
    assert_eq!(
        message_and_source(&signing),
        no_source("the request URI's scheme must be http or https")
    );
}

#[test]
fn signed_request_debug_names_the_request_and_hides_the_signature() {
    let mut request = Request::get("/photos?file=vacation.jpg&size=original")
        .header(HOST, "photos.example.net")
        .body(Vec::new())
        .unwrap();
    request.headers_mut().insert(
        AUTHORIZATION,
        signed_request().headers()[AUTHORIZATION].clone(),
    );
    let debug = format!("{:?}", SignedRequest::from_request(&request).unwrap());
    assert_eq!(
        debug,
        "SignedRequest { parameters: {\"oauth_consumer_key\": \"dpf43f3p2l4k3l03\", \
         \"oauth_nonce\": \"chapoH\", \"oauth_signature\": \"[redacted]\", \
         \"oauth_signature_method\": \"PLAINTEXT\", \"oauth_timestamp\": \"137131202\", \
         \"oauth_token\": \"nnch734d00sl2jdk\"}, method: GET, \
         uri: http://photos.example.net/photos?file=vacation.jpg&size=original, .. }"
    );
    assert!(!debug.contains(CONSUMER_SECRET));
    assert!(!debug.contains(TOKEN_SECRET));

    // Secrets in the query (Discogs Auth's, sent beside an OAuth header) are hidden too.
    *request.uri_mut() = "/photos?token=t0k3n&q=a%20b&se%63ret=s3cr3t&secret&=x"
        .parse()
        .unwrap();
    let debug = format!("{:?}", SignedRequest::from_request(&request).unwrap());
    assert!(
        debug.ends_with(
            "uri: http://photos.example.net/photos?token=[redacted]&q=a%20b\
             &se%63ret=[redacted]&secret=[redacted]&=x, .. }"
        ),
        "{debug}"
    );
}

#[test]
fn rate_limit_errors() {
    let mut headers = HeaderMap::new();
    headers.insert("x-discogs-ratelimit", "60".parse().unwrap());
    headers.insert("x-discogs-ratelimit-remaining", "59".parse().unwrap());
    assert_eq!(
        message_and_source(&RateLimit::from_headers(&headers).unwrap_err()),
        no_source("rate-limit header `x-discogs-ratelimit-used` is missing")
    );
    headers.insert("x-discogs-ratelimit-used", "one".parse().unwrap());
    assert_eq!(
        message_and_source(&RateLimit::from_headers(&headers).unwrap_err()),
        no_source("rate-limit header `x-discogs-ratelimit-used` is not a single whole number")
    );
}

#[test]
fn callback_errors() {
    let read = |callback: &str| {
        message_and_source(
            &request_token()
                .authorize_from_callback(callback)
                .unwrap_err(),
        )
    };
    assert_eq!(read("denied=abc123"), no_source("the user denied access"));
    assert_eq!(
        read("oauth_token=other&oauth_verifier=v"),
        no_source("the callback's oauth_token is not the request token this flow started with")
    );
    assert_eq!(
        read("oauth_verifier=v"),
        no_source("the callback has no `oauth_token`")
    );
    assert_eq!(
        read("oauth_token=abc123&oauth_token=abc123&oauth_verifier=v"),
        no_source("the callback has more than one `oauth_token`")
    );
    assert_eq!(
        read("oauth_token=%FF"),
        no_source("the callback query cannot be read: the form data is not UTF-8")
    );
    assert_eq!(
        read("oauth_token=abc123&oauth_verifier=%00"),
        no_source(
            "the callback's verifier is unusable: \
             oauth_verifier contains a control character (CR, LF, NUL, ...); trim the line \
             break off text read from a file or a terminal"
        )
    );
}

/// A transport failure with a cause of its own.
#[derive(Debug)]
struct Unreachable(std::io::Error);

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("api.discogs.com is unreachable")
    }
}

impl std::error::Error for Unreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// A transport that never gets through.
type UnreachableTransport = fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Unreachable>;

fn unreachable_session() -> Session<UnreachableTransport> {
    Session::new(client(), |_request| {
        Err(Unreachable(std::io::Error::other("connection refused")))
    })
}

#[test]
fn flow_errors() {
    // Transparent: the transport error's message, and its source.
    let transport = unreachable_session()
        .request_token(&Callback::OutOfBand)
        .unwrap_err();
    assert!(matches!(transport, FlowError::Transport(_)));
    assert_eq!(
        message_and_source(&transport),
        (
            "api.discogs.com is unreachable".to_owned(),
            Some("connection refused".to_owned())
        )
    );

    let late = Freshness::new("asdfgh", 1_000 + 15 * 60).unwrap();
    let authorized = request_token().with_verifier(Verifier::new("v3r1f13r").unwrap());
    let request = FlowError::<Unreachable>::from(
        client()
            .access_token_request(&authorized, &late)
            .unwrap_err(),
    );
    assert_eq!(
        message_and_source(&request),
        no_source(
            "the request token expired at Thu, 01 Jan 1970 00:31:40 GMT (Unix time 1900; 15 \
             minutes after issue); start the flow again"
        )
    );

    let refused = Response::builder()
        .status(401)
        .body("Invalid consumer.")
        .unwrap();
    let reply = FlowError::<Unreachable>::from(check_reply(&refused, &[]).unwrap_err());
    assert_eq!(
        message_and_source(&reply),
        no_source("unauthorized (HTTP 401: Invalid consumer.)")
    );

    let discogs_auth = FlowError::<Unreachable>::from(DiscogsAuthError::NotDiscogsScheme);
    assert_eq!(
        message_and_source(&discogs_auth),
        no_source("the Authorization header does not use the Discogs scheme")
    );
}

#[test]
fn session_debug_shows_the_client_without_secrets() {
    let debug = format!("{:?}", unreachable_session());
    assert_eq!(
        debug,
        "Session { client: OAuthClient { consumer: Consumer { key: ConsumerKey(\"dpf43f3p2l4k3l03\"), \
         secret: ConsumerSecret([redacted]) }, user_agent: UserAgent(\"messages-tests/1.0\"), \
         endpoints: Endpoints { api_base: \"https://api.discogs.com\", \
         authorize_url: \"https://www.discogs.com/oauth/authorize\" }, \
         signature_method: Plaintext }, .. }"
    );
    assert!(!debug.contains(CONSUMER_SECRET));
}

/// Every reply error that quotes a provider's message stays within the 400 characters the
/// property tests allow a parser's error, with the longest message an error keeps: the words
/// this crate adds around it are short enough (`properties::reply_parsers_never_panic` finds
/// this only when it happens to draw such a reply).
#[test]
fn reply_errors_with_the_longest_message_stay_short() {
    let body = "m".repeat(10 * MAX_ERROR_MESSAGE_CHARS);
    let longest = |status: u16| {
        let reply = Response::builder()
            .status(status)
            .body(body.clone())
            .unwrap();
        ApiError::from_response(&reply, &[])
    };
    assert_eq!(
        longest(400).message.chars().count(),
        MAX_ERROR_MESSAGE_CHARS + 1,
        "cut, then `…`"
    );
    let errors = [
        ReplyError::RateLimited(longest(429)),
        ReplyError::Unauthorized(longest(401)),
        ReplyError::Forbidden(longest(403)),
        ReplyError::RequestTokenExpired(longest(401)),
        ReplyError::AccessTokenRefused(longest(400)),
        ReplyError::ClockSkew {
            skew_seconds: Some(i64::MIN),
            error: longest(401),
        },
        ReplyError::Status(longest(599)),
    ];
    for error in errors {
        let shown = error.to_string();
        assert!(
            shown.chars().count() <= 400,
            "{} characters: {shown}",
            shown.chars().count()
        );
    }
}

/// A reply's error kept on its own is an error too: `?` takes it into a boxed error.
#[test]
fn an_api_error_is_an_error_of_its_own() {
    fn refuse() -> Result<(), ApiError> {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid consumer.",
            None,
        ))
    }
    fn call() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        refuse()?;
        Ok(())
    }
    let error = call().unwrap_err();
    assert_eq!(
        message_and_source(&*error),
        no_source("HTTP 401: Invalid consumer.")
    );
    assert!(error.is::<ApiError>());
}

/// A request the caller builds with `http` goes into the same `?` as the crate's own steps,
/// and says what failed; a URI parsed with `http` too.
#[test]
fn the_callers_own_request_building_goes_into_error() {
    fn build(uri: &str) -> Result<Request<Vec<u8>>, Error> {
        Ok(Request::get(uri).body(Vec::new())?)
    }
    fn parse(uri: &str) -> Result<discogs_auth_core::http::Uri, Error> {
        Ok(uri.parse()?)
    }
    let built = build("https://api.discogs.com/a b").unwrap_err();
    assert!(matches!(built, Error::Http(_)), "{built:?}");
    assert_eq!(
        message_and_source(&built),
        no_source("the request could not be built: invalid uri character")
    );
    assert!(!built.is_transient());
    assert!(!built.must_restart_login());
    assert_eq!(
        message_and_source(&parse("https://api.discogs.com/a\tb").unwrap_err()),
        no_source("the request could not be built: invalid uri character")
    );
    assert!(build("https://api.discogs.com/database/search").is_ok());
}
