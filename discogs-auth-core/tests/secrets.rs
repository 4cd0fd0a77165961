//! Nothing leaks and nothing hostile gets in: every public type and error that can hold or meet
//! a secret is built with a known secret in each secret field, and neither its `Debug`, its
//! `Display` nor any error message may show it; control characters are refused before a request
//! exists; megabyte inputs are handled and refused where a limit applies.

use std::fmt::Debug;

use discogs_auth_core::encoding::{FormPairs, percent_encode};
use discogs_auth_core::http::{Request, Response, StatusCode, header};
use discogs_auth_core::*;

const CONSUMER_SECRET: &str = "CONSUMERsecret1";
const REQUEST_SECRET: &str = "REQUESTsecret22";
const ACCESS_SECRET: &str = "ACCESSsecret333";
const VERIFIER: &str = "VERIFIERsecret4";
const PERSONAL_TOKEN: &str = "PERSONALtoken55";
const SECRETS: [&str; 5] = [
    CONSUMER_SECRET,
    REQUEST_SECRET,
    ACCESS_SECRET,
    VERIFIER,
    PERSONAL_TOKEN,
];

/// Fails if any secret, raw or percent-encoded, appears in `shown`.
fn assert_hidden(what: &str, shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{what} shows {secret}: {shown}");
        let encoded = percent_encode(secret);
        assert!(
            !shown.contains(&*encoded),
            "{what} shows {secret} encoded: {shown}"
        );
    }
}

fn assert_debug_hidden(what: &str, value: &impl Debug) {
    assert_hidden(what, &format!("{value:?}"));
    assert_hidden(what, &format!("{value:#?}"));
}

fn assert_error_hidden(what: &str, error: &impl std::error::Error) {
    assert_debug_hidden(what, error);
    assert_hidden(what, &error.to_string());
    let mut source = error.source();
    while let Some(cause) = source {
        assert_hidden(what, &cause.to_string());
        source = cause.source();
    }
}

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new("consumer-key", CONSUMER_SECRET).unwrap(),
        UserAgent::new("secrets-test/1.0").unwrap(),
    )
    .with_signature_method(method)
}

fn request_token() -> RequestToken {
    RequestToken {
        token: TokenValue::new("request-token").unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
    }
}

fn access_token() -> AccessToken {
    AccessToken::new("access-token", ACCESS_SECRET).unwrap()
}

fn reply(status: u16, body: String) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .body(body.into_bytes())
        .unwrap()
}

/// A body that echoes `secrets` in every shape a provider might use.
fn echoing_body(secrets: &[&str]) -> String {
    secrets
        .iter()
        .map(|secret| format!("{secret} {} ", percent_encode(secret)))
        .collect()
}

#[test]
fn credentials_and_tokens_never_show_a_secret() {
    let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
    assert_debug_hidden(
        "ConsumerSecret",
        &ConsumerSecret::new(CONSUMER_SECRET).unwrap(),
    );
    assert_debug_hidden("TokenSecret", &TokenSecret::new(ACCESS_SECRET).unwrap());
    assert_debug_hidden(
        "PersonalToken",
        &PersonalToken::new(PERSONAL_TOKEN).unwrap(),
    );
    assert_debug_hidden("Verifier", &Verifier::new(VERIFIER).unwrap());
    assert_debug_hidden("Secret", &Secret::new("field", VERIFIER).unwrap());
    assert_debug_hidden("Consumer", &Consumer::new("k", CONSUMER_SECRET).unwrap());
    assert_debug_hidden("RequestToken", &request_token());
    assert_debug_hidden("AuthorizedRequestToken", &authorized);
    assert_debug_hidden("AccessToken", &access_token());
    assert_debug_hidden(
        "DiscogsAuth::Token",
        &DiscogsAuth::token(PERSONAL_TOKEN).unwrap(),
    );
    assert_debug_hidden(
        "DiscogsAuth::KeySecret",
        &DiscogsAuth::key_secret("k", CONSUMER_SECRET).unwrap(),
    );
    assert_debug_hidden("OAuthClient", &client(SignatureMethod::Plaintext));
    let session = Session::new(client(SignatureMethod::Plaintext), |_: Request<Vec<u8>>| {
        Err::<Response<Vec<u8>>, _>(std::io::Error::other("unused"))
    });
    assert_debug_hidden("Session", &session);
}

/// A PLAINTEXT signature is the secrets themselves: the parsed header and the provider's view of
/// a signed request must hide it.
#[test]
fn signed_requests_never_show_their_signature_in_debug() {
    let mut request = Request::get("https://api.discogs.com/oauth/identity")
        .body(Vec::new())
        .unwrap();
    client(SignatureMethod::Plaintext)
        .sign_request(
            &access_token(),
            &mut request,
            &Freshness::new("n", 1).unwrap(),
        )
        .unwrap();
    let header = request.headers()[header::AUTHORIZATION].to_str().unwrap();
    assert_debug_hidden("OAuthParameters", &OAuthParameters::parse(header).unwrap());
    assert_debug_hidden(
        "SignedRequest",
        &SignedRequest::from_request(&request).unwrap(),
    );

    let access = client(SignatureMethod::Plaintext)
        .access_token_request(
            &request_token().with_verifier(Verifier::new(VERIFIER).unwrap()),
            &Freshness::new("n", 1_001).unwrap(),
        )
        .unwrap();
    assert_debug_hidden(
        "access-token SignedRequest",
        &SignedRequest::from_request(&access).unwrap(),
    );
}

/// Every request the core signs, printed whole, shows its `Authorization` header as
/// `Sensitive`: with PLAINTEXT it holds the secrets, and the access-token step the verifier.
#[test]
fn requests_the_core_signs_print_their_authorization_as_sensitive() {
    let methods = [
        SignatureMethod::Plaintext,
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1,
    ];
    for method in methods {
        let client = client(method);
        let sent = Freshness::new("n", 1_001).unwrap();
        let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
        let signed_search = || {
            Request::get("https://api.discogs.com/database/search?q=x")
                .body(Vec::new())
                .unwrap()
        };
        let mut one_off = signed_search();
        client
            .sign_request(&access_token(), &mut one_off, &sent)
            .unwrap();
        let mut with_signer = signed_search();
        client
            .signer(&access_token())
            .sign_request(&mut with_signer, &sent)
            .unwrap();
        let requests = [
            (
                "request-token request",
                client
                    .request_token_request(&Callback::OutOfBand, &sent)
                    .unwrap(),
            ),
            (
                "access-token request",
                client.access_token_request(&authorized, &sent).unwrap(),
            ),
            (
                "identity request",
                client.identity_request(&access_token(), &sent).unwrap(),
            ),
            ("sign_request", one_off),
            ("RequestSigner::sign_request", with_signer),
        ];
        for (what, request) in requests {
            let what = format!("{what}, {method:?}");
            assert!(
                request.headers()[header::AUTHORIZATION].is_sensitive(),
                "{what}"
            );
            let shown = format!("{request:?}");
            assert!(
                shown.contains(r#""authorization": Sensitive"#),
                "{what}: {shown}"
            );
            assert_debug_hidden(&what, &request);
        }
    }
}

/// A provider that echoes the secrets of the request back (each step knows its own: the
/// consumer secret, then the request token's secret and the verifier) gets them redacted.
#[test]
fn reply_errors_never_echo_a_secret() {
    let client = client(SignatureMethod::Plaintext);
    let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
    let at = Timestamp::from_unix_seconds(1_001).unwrap();
    let shapes = |secrets: &[&str]| {
        let echo = echoing_body(secrets);
        [
            echo.clone(),
            format!("{{\"message\": \"{echo}\"}}"),
            format!("<html><title>{echo}</title></html>"),
        ]
    };
    for status in [400, 401, 403, 429, 500, 502] {
        for body in shapes(&[CONSUMER_SECRET]) {
            let error = client
                .on_request_token_response(&reply(status, body), at)
                .unwrap_err();
            assert_error_hidden("request-token ReplyError", &error);
            assert_error_hidden("Error", &Error::from(error));
        }
        for body in shapes(&[CONSUMER_SECRET, REQUEST_SECRET, VERIFIER]) {
            let error = client
                .on_access_token_response(&authorized, &reply(status, body), at)
                .unwrap_err();
            assert_error_hidden("access-token ReplyError", &error);
        }
        for body in shapes(&[CONSUMER_SECRET, ACCESS_SECRET]) {
            let error = client
                .on_identity_response(&access_token(), &reply(status, body))
                .unwrap_err();
            assert_error_hidden("identity ReplyError", &error);
        }
    }
}

/// The same for calls made through a `Session`: a signed call's reply may echo the consumer
/// and access secrets (a PLAINTEXT signature is both), a Discogs Auth call's its token or
/// consumer secret, and an error page may quote the request's URL, query credentials and all.
#[test]
fn session_call_errors_never_echo_a_secret() {
    let echo_everything = |request: Request<Vec<u8>>| {
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let sent = format!("{} {authorization}", request.uri());
        Ok::<_, std::io::Error>(reply(
            414,
            format!("<html><title>Refused: {sent}</title></html>"),
        ))
    };
    let search = || {
        Request::get("https://api.discogs.com/database/search?q=x")
            .body(Vec::new())
            .unwrap()
    };
    let methods = [
        SignatureMethod::Plaintext,
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1,
    ];
    for method in methods {
        let session = Session::new(client(method), echo_everything);
        let error = session.send_signed(&access_token(), search()).unwrap_err();
        assert_error_hidden("send_signed FlowError", &error);
    }
    let session = Session::new(client(SignatureMethod::Plaintext), echo_everything);
    for auth in [
        DiscogsAuth::token(PERSONAL_TOKEN).unwrap(),
        DiscogsAuth::key_secret("consumer-key", CONSUMER_SECRET).unwrap(),
    ] {
        for placement in [Placement::Header, Placement::Query] {
            let error = session
                .send_with_discogs_auth(&auth, placement, search())
                .unwrap_err();
            assert!(
                error.to_string().contains("[redacted]"),
                "the echo is there, redacted: {error}"
            );
            assert_error_hidden("send_with_discogs_auth FlowError", &error);
        }
    }
}

#[test]
fn every_refusal_names_the_field_not_the_value() {
    let secret_with_newline = format!("{CONSUMER_SECRET}\r\nX-Injected: 1");
    let errors: Vec<Box<dyn std::error::Error>> = vec![
        Box::new(ConsumerSecret::new(secret_with_newline.clone()).unwrap_err()),
        Box::new(Consumer::new("k", secret_with_newline.clone()).unwrap_err()),
        Box::new(AccessToken::new("t", format!("{ACCESS_SECRET}\0")).unwrap_err()),
        Box::new(PersonalToken::new(format!("{PERSONAL_TOKEN}\n")).unwrap_err()),
        Box::new(DiscogsAuth::token(format!("{PERSONAL_TOKEN}\u{7f}")).unwrap_err()),
        Box::new(
            DiscogsAuth::key_secret("k", format!("{CONSUMER_SECRET} x"))
                .unwrap()
                .header_value()
                .unwrap_err(),
        ),
        Box::new(
            request_token()
                .authorize_from_callback(&format!(
                    "oauth_token=request-token&oauth_verifier={VERIFIER}%0A"
                ))
                .unwrap_err(),
        ),
        Box::new(
            DiscogsAuth::parse_header(&format!("Discogs token={PERSONAL_TOKEN}, token=x"))
                .unwrap_err(),
        ),
        Box::new(
            OAuthParameters::parse(&format!(
                "OAuth oauth_signature=\"{CONSUMER_SECRET}\", oauth_signature=\"x\""
            ))
            .unwrap_err(),
        ),
        Box::new(
            OAuthParameters::parse(&format!("OAuth oauth_signature=\"{CONSUMER_SECRET}%zz\""))
                .unwrap_err(),
        ),
    ];
    for error in &errors {
        assert_hidden("refusal", &error.to_string());
        assert_hidden("refusal", &format!("{error:?}"));
    }
}

#[cfg(feature = "hmac-sha1")]
#[test]
fn verification_errors_never_show_the_secrets() {
    let mut request = Request::get("https://api.discogs.com/oauth/identity")
        .body(Vec::new())
        .unwrap();
    client(SignatureMethod::HmacSha1)
        .sign_request(
            &access_token(),
            &mut request,
            &Freshness::new("n", 1).unwrap(),
        )
        .unwrap();
    let error = SignedRequest::from_request(&request)
        .unwrap()
        .verify(
            &ConsumerSecret::new(CONSUMER_SECRET).unwrap(),
            Some(&TokenSecret::new(REQUEST_SECRET).unwrap()),
        )
        .unwrap_err();
    assert_eq!(error, VerifyError::SignatureMismatch);
    assert_error_hidden("VerifyError", &error);
}

#[test]
fn transport_errors_never_show_query_credentials() {
    let uri = format!("http://api.discogs.com/database/search?token={PERSONAL_TOKEN}")
        .parse()
        .unwrap();
    let error = ensure_secure_url(&uri).unwrap_err();
    assert_error_hidden("TransportError", &error);
    let flow_error: FlowError<TransportError> = FlowError::Transport(error);
    assert_error_hidden("FlowError", &flow_error);
}

/// CR/LF, NUL and other control characters in any credential, callback URL or user agent are
/// refused before a request exists.
#[test]
fn control_characters_are_refused_before_a_request_exists() {
    for control in ['\r', '\n', '\0', '\t', '\u{1b}', '\u{7f}', '\u{85}'] {
        let bad = format!("abc{control}def");
        assert!(matches!(
            ConsumerKey::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "consumer_key"
            })
        ));
        assert!(matches!(
            ConsumerSecret::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "consumer_secret"
            })
        ));
        assert!(matches!(
            TokenValue::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "oauth_token"
            })
        ));
        assert!(matches!(
            TokenSecret::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "oauth_token_secret"
            })
        ));
        assert!(matches!(
            Verifier::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "oauth_verifier"
            })
        ));
        assert!(matches!(
            PersonalToken::new(bad.clone()),
            Err(CredentialError::ControlCharacter {
                field: "personal_token"
            })
        ));
        assert!(matches!(
            UserAgent::new(&bad),
            Err(CredentialError::ControlCharacter {
                field: "user_agent"
            })
        ));
        let parts = |error: UrlError| (error.field, error.kind, error.reason);
        assert_eq!(
            Callback::url(&format!("https://app.example/cb?x={bad}")).map_err(parts),
            Err((
                "oauth_callback",
                UrlErrorKind::ControlCharacter,
                "it contains a control character (CR, LF, NUL, ...); trim the line \
                    break off text read from a file or a terminal"
            ))
        );
        assert_eq!(
            Endpoints::new(
                &format!("https://api.example/{bad}"),
                "https://www.example/authorize"
            )
            .map_err(parts),
            Err((
                "api_base",
                UrlErrorKind::ControlCharacter,
                "it contains a control character (CR, LF, NUL, ...); trim the line \
                    break off text read from a file or a terminal"
            ))
        );
    }
}

const MIB: usize = 1024 * 1024;

/// Megabyte inputs: parsed (or refused) without trouble, and refused where a limit applies.
#[test]
fn megabyte_inputs_are_handled_and_limited() {
    let huge = "a".repeat(MIB);
    assert_eq!(
        ConsumerSecret::new(huge.clone()),
        Err(CredentialError::TooLong {
            field: "consumer_secret",
            max: MAX_CREDENTIAL_LEN
        })
    );
    assert_eq!(
        Nonce::new(huge.clone()),
        Err(FreshnessError::NonceTooLong { len: MIB })
    );

    // A 1 MiB header parses into one parameter, and a 1 MiB unterminated one is refused.
    let header_value = format!("OAuth oauth_nonce=\"{huge}\"");
    assert_eq!(
        OAuthParameters::parse(&header_value)
            .unwrap()
            .get("oauth_nonce")
            .map(str::len),
        Some(MIB)
    );
    assert_eq!(
        OAuthParameters::parse(&format!("OAuth a=\"{huge}")),
        Err(OAuthHeaderError::UnterminatedQuote { at: 8 })
    );
    // Many tiny parameters: duplicates are still found.
    let many: String = (0..50_000).map(|i| format!("p{i}=\"v\", ")).collect();
    assert_eq!(
        OAuthParameters::parse(&format!("OAuth {many}"))
            .unwrap()
            .iter()
            .count(),
        50_000
    );

    // A 1 MiB form body and query.
    let form: String = (0..100_000).map(|i| format!("k{i}=v&")).collect();
    assert!(form.len() > MIB / 2);
    assert_eq!(
        FormPairs::parse(form.as_bytes()).unwrap().iter().count(),
        100_000
    );
    let callback = format!("https://app/cb?oauth_token=request-token&oauth_verifier={huge}");
    assert_eq!(
        request_token().authorize_from_callback(&callback),
        Err(CallbackError::InvalidVerifier(CredentialError::TooLong {
            field: "oauth_verifier",
            max: MAX_CREDENTIAL_LEN
        }))
    );

    // A 1 MiB error body keeps a short message.
    let error = check_reply(&reply(500, huge.clone()), &[]).unwrap_err();
    let ReplyError::Status(api_error) = error else {
        panic!("expected Status")
    };
    assert_eq!(api_error.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        api_error.message.chars().count(),
        MAX_ERROR_MESSAGE_CHARS + 1
    );

    // A 1 MiB success body that is not a token reply keeps a short message too.
    let error = client(SignatureMethod::Plaintext)
        .on_request_token_response(&reply(200, huge), Timestamp::from_unix_seconds(1).unwrap())
        .unwrap_err();
    let ReplyError::NotATokenReply { message } = error else {
        panic!("expected NotATokenReply, got {error:?}")
    };
    assert_eq!(message.chars().count(), MAX_ERROR_MESSAGE_CHARS + 1);
}
