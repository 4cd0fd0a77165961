//! Each check on a signed request, refused with its own status and message.

use discogs_auth_core::encoding::FormPairs;
use discogs_auth_core::http::header::{AUTHORIZATION, USER_AGENT as USER_AGENT_HEADER};
use discogs_auth_core::http::{HeaderValue, Method, Request, StatusCode};
use discogs_auth_core::{
    AccessToken, ApiError, Callback, Consumer, DiscogsAuth, Freshness, OAuthClient,
    OAuthParameters, Placement, RateLimit, ReplyError, SignatureMethod, UserAgent,
};
use discogs_auth_standin::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, StandIn};

use crate::support::*;

fn unauthorized(message: &str, rate_limit: RateLimit) -> ReplyError {
    ReplyError::Unauthorized(ApiError::new(
        StatusCode::UNAUTHORIZED,
        message,
        Some(rate_limit),
    ))
}

/// Failed authentication is counted against the client's address, at the anonymous limit.
fn anonymous(used: u32) -> RateLimit {
    RateLimit {
        limit: 25,
        used,
        remaining: 25 - used,
    }
}

fn client_with(standin: &StandIn, consumer: Consumer, method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(consumer, UserAgent::new(USER_AGENT).unwrap())
        .with_endpoints(standin.endpoints())
        .with_signature_method(method)
}

#[tokio::test]
async fn a_wrong_consumer_secret_is_an_invalid_signature() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    for (index, method) in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1]
        .into_iter()
        .enumerate()
    {
        let client = client_with(
            &standin,
            Consumer::new(DEMO_CONSUMER_KEY, "not-the-secret").unwrap(),
            method,
        );
        let sent = fresh(&standin);
        let reply = send(
            &router,
            client
                .request_token_request(&Callback::OutOfBand, &sent)
                .unwrap(),
        )
        .await;
        assert_eq!(content_type(&reply), "text/plain; charset=utf-8");
        assert_eq!(
            client.on_request_token_response(&reply, sent.timestamp),
            Err(unauthorized(
                "Invalid signature.",
                anonymous(index as u32 + 1)
            )),
            "{method:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_consumer_key_is_an_invalid_consumer() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client_with(
        &standin,
        Consumer::new("someone-else", DEMO_CONSUMER_SECRET).unwrap(),
        SignatureMethod::Plaintext,
    );
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client
            .request_token_request(&Callback::OutOfBand, &sent)
            .unwrap(),
    )
    .await;
    assert_eq!(body_text(&reply), "Invalid consumer.");
    assert_eq!(
        client.on_request_token_response(&reply, sent.timestamp),
        Err(unauthorized("Invalid consumer.", anonymous(1)))
    );
}

#[tokio::test]
async fn a_reused_nonce_is_refused() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::HmacSha1);
    let sent = fresh(&standin);
    let request = client
        .request_token_request(&Callback::OutOfBand, &sent)
        .unwrap();
    let first = send(&router, request.clone()).await;
    assert!(
        client
            .on_request_token_response(&first, sent.timestamp)
            .is_ok()
    );
    let replayed = send(&router, request).await;
    assert_eq!(
        client.on_request_token_response(&replayed, sent.timestamp),
        Err(unauthorized("Nonce already used.", anonymous(1)))
    );

    // The same nonce from another request is just as used.
    let access = AccessToken::new("made-up", "made-up").unwrap();
    let reply = send(&router, client.identity_request(&access, &sent).unwrap()).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        json(&reply),
        serde_json::json!({"message": "Nonce already used."})
    );

    // A signed API call is one use too: identity and a search, each sent twice.
    let authorized = authorized(&standin, &router, &client).await;
    let access = access_token(&standin, &router, &client, &authorized).await;
    let identity = client.identity_request(&access, &fresh(&standin)).unwrap();
    let mut search = get(&format!("{}/database/search?q=x", standin.base_url()))
        .body(Vec::new())
        .unwrap();
    client
        .sign_request(&access, &mut search, &fresh(&standin))
        .unwrap();
    for request in [identity, search] {
        let path = request.uri().path().to_owned();
        assert_eq!(
            send(&router, request.clone()).await.status(),
            StatusCode::OK,
            "{path}"
        );
        let replayed = send(&router, request).await;
        assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            json(&replayed),
            serde_json::json!({"message": "Nonce already used."})
        );
    }
}

/// The handle's clock is the stand-in's own: a client signing with it keeps up when a test
/// moves the stand-in's time on.
#[test]
fn the_handle_s_clock_moves_with_the_stand_in() {
    let standin = StandIn::spawn().unwrap();
    let clock = standin.clock();
    standin.advance_clock(3600);
    let skew = clock.now().seconds_since(standin.now());
    assert!((-1..=0).contains(&skew), "{skew}");
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_blamed_on_the_clock() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    for offset in [-600_i64, 400] {
        let now = standin.now().as_unix_seconds();
        let sent = fresh_at(now.saturating_add_signed(offset));
        let reply = send(
            &router,
            client
                .request_token_request(&Callback::OutOfBand, &sent)
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
        match client.on_request_token_response(&reply, sent.timestamp) {
            Err(ReplyError::ClockSkew {
                skew_seconds: Some(skew),
                error,
            }) => {
                // The stand-in's `Date` is its own clock; a second may tick meanwhile.
                assert!((offset - 1..=offset).contains(&skew), "{skew} vs {offset}");
                assert_eq!(error.status, StatusCode::UNAUTHORIZED);
                assert!(
                    error.message.starts_with(&format!(
                        "Invalid timestamp: oauth_timestamp {} is ",
                        sent.timestamp
                    )),
                    "{}",
                    error.message
                );
            }
            other => panic!("{other:?}"),
        }
    }

    // A client on the system clock after the stand-in's clock moved an hour on.
    standin.advance_clock(3600);
    let sent = Freshness::generate().unwrap();
    let reply = send(
        &router,
        client
            .request_token_request(&Callback::OutOfBand, &sent)
            .unwrap(),
    )
    .await;
    assert!(matches!(
        client.on_request_token_response(&reply, sent.timestamp),
        Err(ReplyError::ClockSkew { skew_seconds: Some(skew), .. }) if (-3601..=-3599).contains(&skew)
    ));
}

#[tokio::test]
async fn a_missing_user_agent_is_refused_in_the_endpoint_s_format() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let message = "A User-Agent header is required; Discogs refuses requests without one.";

    let mut request = client
        .request_token_request(&Callback::OutOfBand, &fresh(&standin))
        .unwrap();
    request.headers_mut().remove(USER_AGENT_HEADER);
    let reply = send(&router, request).await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&reply), "text/plain; charset=utf-8");
    assert_eq!(body_text(&reply), message);
    assert!(RateLimit::from_headers(reply.headers()).unwrap().is_some());

    let mut request = Request::get(format!("{}/oauth/identity", standin.base_url()))
        .body(Vec::new())
        .unwrap();
    DiscogsAuth::Token(standin.personal_token())
        .apply(&mut request, Placement::Header)
        .unwrap();
    request
        .headers_mut()
        .insert(USER_AGENT_HEADER, HeaderValue::from_static(" "));
    let reply = send(&router, request).await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&reply), "application/json");
    assert_eq!(json(&reply), serde_json::json!({ "message": message }));
}

/// A request-token request built by hand (PLAINTEXT needs no signing library).
fn hand_signed(standin: &StandIn, callback: Option<&str>) -> Request<Vec<u8>> {
    hand_signed_with_nonce(standin, callback, fresh(standin).nonce.as_str())
}

fn hand_signed_with_nonce(
    standin: &StandIn,
    callback: Option<&str>,
    nonce: &str,
) -> Request<Vec<u8>> {
    let timestamp = standin.now().to_string();
    let mut parameters = vec![
        ("oauth_consumer_key", DEMO_CONSUMER_KEY.to_owned()),
        ("oauth_nonce", nonce.to_owned()),
        ("oauth_signature", format!("{DEMO_CONSUMER_SECRET}&")),
        ("oauth_signature_method", "PLAINTEXT".to_owned()),
        ("oauth_timestamp", timestamp),
    ];
    if let Some(callback) = callback {
        parameters.push(("oauth_callback", callback.to_owned()));
    }
    get(&format!("{}/oauth/request_token", standin.base_url()))
        .header(
            AUTHORIZATION,
            OAuthParameters::new(None, parameters).to_header_value(),
        )
        .body(Vec::new())
        .unwrap()
}

/// Without `oauth_callback` Discogs uses the application's registered callback, and the demo
/// application registered none: out of band. A callback given must be `oob` or a URL.
#[tokio::test]
async fn the_callback_is_out_of_band_when_missing_and_otherwise_oob_or_a_url() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();

    let reply = send(&router, hand_signed(&standin, None)).await;
    assert_eq!(reply.status(), StatusCode::OK, "{}", body_text(&reply));
    let fields = FormPairs::parse(reply.body()).unwrap();
    assert_eq!(fields.unique("oauth_callback_confirmed"), Ok(Some("true")));
    let token = fields.unique("oauth_token").unwrap().unwrap();
    let approval = standin.approve(token).unwrap();
    assert_eq!(approval.redirect_url, None);

    for (callback, reason) in [
        (
            "app/callback",
            "it is not a valid URL: a web address starts with http:// or https://",
        ),
        (
            "javascript:alert(1)",
            "the browser would handle this scheme itself instead of the application",
        ),
    ] {
        let reply = send(&router, hand_signed(&standin, Some(callback))).await;
        assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body_text(&reply),
            format!(
                "Invalid oauth_callback: oauth_callback is not usable: {reason}; use `oob`, an \
                 http(s) URL or the application's own scheme."
            )
        );
    }

    let reply = send(&router, hand_signed(&standin, Some("oob"))).await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(body_text(&reply).ends_with("&oauth_callback_confirmed=true"));
}

/// Clients in other languages send base64 nonces (Go's `dghubble/oauth1`, Ruby's `oauth`): the
/// stand-in takes them, as RFC 5849 does, and remembers them like any other.
#[tokio::test]
async fn a_base64_nonce_is_accepted_and_remembered() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let request = hand_signed_with_nonce(&standin, Some("oob"), "q+/8Zk1Xh0LgTz4=");
    assert!(
        request.headers()[AUTHORIZATION]
            .to_str()
            .unwrap()
            .contains(r#"oauth_nonce="q%2B%2F8Zk1Xh0LgTz4%3D""#)
    );
    let reply = send(&router, request.clone()).await;
    assert_eq!(reply.status(), StatusCode::OK, "{}", body_text(&reply));
    let replayed = send(&router, request).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_text(&replayed), "Nonce already used.");
}

#[tokio::test]
async fn malformed_or_missing_oauth_headers() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let url = format!("{}/oauth/request_token", standin.base_url());

    let reply = send(&router, get(&url).body(Vec::new()).unwrap()).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        body_text(&reply),
        "Parameter not found: oauth_consumer_key (no OAuth Authorization header)."
    );

    let reply = send(
        &router,
        get(&url)
            .header(AUTHORIZATION, r#"OAuth oauth_consumer_key="unterminated"#)
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(&reply).starts_with("Invalid OAuth request: "));

    let reply = send(
        &router,
        get(&url)
            .header(
                AUTHORIZATION,
                r#"OAuth oauth_consumer_key="k", oauth_signature="s", oauth_signature_method="RSA-SHA1", oauth_timestamp="1", oauth_nonce="n""#,
            )
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_text(&reply),
        "Unsupported oauth_signature_method: use PLAINTEXT or HMAC-SHA1."
    );

    let mut post = hand_signed(&standin, Some("oob"));
    *post.method_mut() = Method::POST;
    let reply = send(&router, post).await;
    assert_eq!(reply.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        body_text(&reply),
        "Method POST is not allowed on /oauth/request_token."
    );
}

#[tokio::test]
async fn identity_needs_credentials_that_name_a_user() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let url = format!("{}/oauth/identity", standin.base_url());
    let must = serde_json::json!({"message": "You must authenticate to access this resource."});

    let reply = send(&router, get(&url).body(Vec::new()).unwrap()).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(content_type(&reply), "application/json");
    assert_eq!(json(&reply), must);

    let mut request = get(&url).body(Vec::new()).unwrap();
    DiscogsAuth::KeySecret(standin.consumer())
        .apply(&mut request, Placement::Header)
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(&reply), must);

    let mut request = get(&url).body(Vec::new()).unwrap();
    DiscogsAuth::Token(standin.personal_token())
        .apply(&mut request, Placement::Query)
        .unwrap();
    let reply = send(&router, request).await;
    let client = client(&standin, SignatureMethod::Plaintext);
    // Asked with a personal token: there is no access token whose secret could be echoed.
    let no_access_token = AccessToken::new("none", "none").unwrap();
    let identity = client
        .on_identity_response(&no_access_token, &reply)
        .unwrap();
    assert_eq!(identity.username, discogs_auth_standin::DEMO_USERNAME);
    assert_eq!(identity.consumer_name, "Personal access token");

    // A request token is not an access token, and made-up ones are not either.
    let token = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    let posing = AccessToken {
        token: token.token,
        secret: token.secret,
    };
    let reply = send(
        &router,
        client.identity_request(&posing, &fresh(&standin)).unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        json(&reply),
        serde_json::json!({"message": "Invalid access token."})
    );
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_unread() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let identity_with_body = |body: Vec<u8>| {
        let mut request = get(&format!("{}/oauth/identity", standin.base_url()))
            .body(body)
            .unwrap();
        DiscogsAuth::Token(standin.personal_token())
            .apply(&mut request, Placement::Header)
            .unwrap();
        request
    };

    let reply = send(&router, identity_with_body(vec![b'x'; 64 * 1024])).await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(
        json(&reply)["username"],
        discogs_auth_standin::DEMO_USERNAME
    );

    let reply = send(&router, identity_with_body(vec![b'x'; 64 * 1024 + 1])).await;
    assert_eq!(reply.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(content_type(&reply), "application/json");
    assert_eq!(
        json(&reply),
        serde_json::json!({"message": "The request body is too large."})
    );
    assert_eq!(
        RateLimit::from_headers(reply.headers()).unwrap(),
        Some(anonymous(1))
    );
}
