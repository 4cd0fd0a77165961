//! The baselines do the same job as the core: with the nonce and timestamp pinned, the floor
//! builds byte-for-byte the header the core builds, `oauth1-request` signs with the same
//! parameters and the same signature, and the floor's parsers read the same values.

use discogs_auth_bench::*;
use discogs_auth_core::http::{Request, Response, header::AUTHORIZATION};
use discogs_auth_core::{
    AccessToken, Callback, Consumer, Freshness, OAuthClient, OAuthParameters, RequestToken,
    SignatureMethod, SignedRequest, Timestamp, TokenSecret, TokenValue, UserAgent, Verifier,
};
use oauth1_request as oauth;

const NONCE: &str = "0123456789abcdef";
const TIMESTAMP: u64 = 1_700_000_000;

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap(),
        UserAgent::new(USER_AGENT).unwrap(),
    )
    .with_signature_method(method)
}

fn freshness() -> Freshness {
    Freshness::new(NONCE, TIMESTAMP).unwrap()
}

fn request_token() -> RequestToken {
    RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_TOKEN_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(TIMESTAMP).unwrap(),
    }
}

fn header<B>(request: &Request<B>) -> String {
    request.headers()[AUTHORIZATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The header's parameters, sorted, so layouts that differ only in order and spacing compare
/// equal.
fn parameters(header: &str) -> Vec<(String, String)> {
    let mut parameters: Vec<(String, String)> = OAuthParameters::parse(header)
        .unwrap()
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    parameters.sort();
    parameters
}

/// `oauth1-request` with the nonce and timestamp pinned.
fn oauth1_header(
    method: FloorMethod,
    http_method: &str,
    uri: &str,
    token: Option<(&str, &str)>,
    callback: Option<&str>,
    verifier: Option<&str>,
    request: &impl oauth::Request,
) -> String {
    fn build<SM: oauth::signature_method::SignatureMethod + Clone>(
        sm: SM,
        http_method: &str,
        uri: &str,
        token: Option<(&str, &str)>,
        callback: Option<&str>,
        verifier: Option<&str>,
        request: &impl oauth::Request,
    ) -> String {
        let mut builder = oauth::Builder::<_, &str>::new(
            oauth::Credentials::new(CONSUMER_KEY, CONSUMER_SECRET),
            sm,
        );
        builder
            .token(token.map(|(t, s)| oauth::Credentials::new(t, s)))
            .callback(callback)
            .verifier(verifier)
            .nonce(NONCE)
            .timestamp(std::num::NonZeroU64::new(TIMESTAMP));
        builder.authorize(http_method, uri, request)
    }
    match method {
        FloorMethod::Plaintext => build(
            oauth::Plaintext::new(),
            http_method,
            uri,
            token,
            callback,
            verifier,
            request,
        ),
        FloorMethod::HmacSha1 => build(
            oauth::HmacSha1::new(),
            http_method,
            uri,
            token,
            callback,
            verifier,
            request,
        ),
    }
}

const METHODS: [(SignatureMethod, FloorMethod); 2] = [
    (SignatureMethod::Plaintext, FloorMethod::Plaintext),
    (SignatureMethod::HmacSha1, FloorMethod::HmacSha1),
];

#[test]
fn case1_request_token_headers_agree() {
    for (method, floor) in METHODS {
        let ours = header(
            &client(method)
                .request_token_request(&Callback::url(CALLBACK).unwrap(), &freshness())
                .unwrap(),
        );
        assert_eq!(ours, floor_request_token_header(floor, NONCE, TIMESTAMP));
        let theirs = oauth1_header(
            floor,
            "GET",
            REQUEST_TOKEN_URL,
            None,
            Some(CALLBACK),
            None,
            &(),
        );
        assert_eq!(parameters(&ours), parameters(&theirs), "{method}");
    }
}

#[test]
fn case2_signed_search_headers_agree() {
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_TOKEN_SECRET).unwrap();
    for (method, floor) in METHODS {
        let mut request = Request::get(SEARCH_URL).body(Vec::new()).unwrap();
        client(method)
            .sign_request(&access, &mut request, &freshness())
            .unwrap();
        let ours = header(&request);
        assert_eq!(ours, floor_search_header(floor, NONCE, TIMESTAMP));
        let query = oauth::ParameterList::new(vec![
            ("q", SEARCH_QUERY),
            ("type", "release"),
            ("per_page", "50"),
        ]);
        let theirs = oauth1_header(
            floor,
            "GET",
            SEARCH_BASE_URL,
            Some((ACCESS_TOKEN, ACCESS_TOKEN_SECRET)),
            None,
            None,
            &query,
        );
        assert_eq!(parameters(&ours), parameters(&theirs), "{method}");
    }
}

#[test]
fn case3_access_token_headers_agree() {
    let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
    for (method, floor) in METHODS {
        let ours = header(
            &client(method)
                .access_token_request(&authorized, &freshness())
                .unwrap(),
        );
        assert_eq!(ours, floor_access_token_header(floor, NONCE, TIMESTAMP));
        let theirs = oauth1_header(
            floor,
            "POST",
            ACCESS_TOKEN_URL,
            Some((REQUEST_TOKEN, REQUEST_TOKEN_SECRET)),
            None,
            Some(VERIFIER),
            &(),
        );
        assert_eq!(parameters(&ours), parameters(&theirs), "{method}");
    }
}

#[test]
fn case4_parsers_agree() {
    let client = client(SignatureMethod::Plaintext);
    let at = Timestamp::from_unix_seconds(TIMESTAMP).unwrap();
    let token = client
        .on_request_token_response(&Response::new(REQUEST_TOKEN_REPLY), at)
        .unwrap();
    assert_eq!(
        floor_parse_token_reply(REQUEST_TOKEN_REPLY.as_bytes()),
        Some((
            token.token.as_str().to_owned(),
            token.secret.expose_secret().to_owned()
        ))
    );

    let authorized = token.with_verifier(Verifier::new(VERIFIER).unwrap());
    let access = client
        .on_access_token_response(&authorized, &Response::new(ACCESS_TOKEN_REPLY), at)
        .unwrap();
    assert_eq!(
        floor_parse_token_reply(ACCESS_TOKEN_REPLY.as_bytes()),
        Some((
            access.token.as_str().to_owned(),
            access.secret.expose_secret().to_owned()
        ))
    );

    let approved = token.authorize_from_callback(APPROVED_CALLBACK).unwrap();
    assert_eq!(
        floor_parse_callback(APPROVED_CALLBACK, REQUEST_TOKEN).as_deref(),
        Some(approved.verifier.expose_secret())
    );
    assert!(token.authorize_from_callback(DENIED_CALLBACK).is_err());
    assert_eq!(floor_parse_callback(DENIED_CALLBACK, REQUEST_TOKEN), None);

    let identity = client
        .on_identity_response(&access, &Response::new(IDENTITY_REPLY))
        .unwrap();
    assert_eq!(
        floor_parse_identity(IDENTITY_REPLY.as_bytes()),
        Some(identity)
    );
}

#[test]
fn case5_what_is_signed_verifies() {
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_TOKEN_SECRET).unwrap();
    let consumer = Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap();
    for (method, _) in METHODS {
        let mut request = Request::get(SEARCH_URL).body(Vec::new()).unwrap();
        client(method)
            .sign_request(&access, &mut request, &freshness())
            .unwrap();
        SignedRequest::from_request(&request)
            .unwrap()
            .verify(&consumer.secret, Some(&access.secret))
            .unwrap();
    }
}
