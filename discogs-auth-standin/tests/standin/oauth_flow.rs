//! The OAuth 1.0a dance against the stand-in, every reply read by the core's parsers.

use axum::Router;
use discogs_auth_core::http::header::{CONTENT_TYPE, LOCATION};
use discogs_auth_core::http::{Method, Request, StatusCode};
use discogs_auth_core::{
    ApiError, Callback, CallbackError, Identity, REQUEST_TOKEN_LIFETIME_SECS, RateLimit,
    ReplyError, RequestError, SignatureMethod, Verifier,
};
use discogs_auth_standin::{DEMO_APP_NAME, DEMO_USER_ID, DEMO_USERNAME, StandIn, StandInError};

use crate::support::*;

fn authorize_click(standin: &StandIn, token: &str, action: &str) -> Request<Vec<u8>> {
    Request::post(format!("{}/oauth/authorize", standin.base_url()))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("oauth_token={token}&action={action}").into_bytes())
        .unwrap()
}

fn demo_identity(standin: &StandIn) -> Identity {
    Identity::new(
        DEMO_USER_ID,
        DEMO_USERNAME,
        format!("{}/users/{DEMO_USERNAME}", standin.base_url()),
        DEMO_APP_NAME,
    )
}

/// Sends `/database/search?{query}` signed by `sign`, and checks that the stand-in accepted the
/// signature and read the query as `expected_query`.
async fn search_is_accepted(
    standin: &StandIn,
    router: &Router,
    query: &str,
    sign: impl FnOnce(&mut Request<Vec<u8>>) -> Result<(), RequestError>,
    expected_query: serde_json::Value,
) {
    let mut search = get(&format!("{}/database/search?{query}", standin.base_url()))
        .body(Vec::new())
        .unwrap();
    sign(&mut search).unwrap();
    let reply = send(router, search).await;
    assert_eq!(reply.status(), StatusCode::OK, "{}", body_text(&reply));
    assert_eq!(
        json(&reply),
        serde_json::json!({"tier": "oauth", "via": "header", "query": expected_query})
    );
}

fn figures(limit: u32, used: u32) -> Option<RateLimit> {
    Some(RateLimit {
        limit,
        used,
        remaining: limit - used,
    })
}

#[tokio::test]
async fn happy_path_with_plaintext_and_a_callback_url() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let callback = Callback::url(CALLBACK).unwrap();
    let token = request_token(&standin, &router, &client, &callback).await;

    let page = send(
        &router,
        get(&client.authorize_url(&token)).body(Vec::new()).unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");
    let html = body_text(&page);
    for expected in [
        DEMO_APP_NAME,
        DEMO_USERNAME,
        r#"<form method="post" action="/oauth/authorize">"#,
        &format!(r#"name="oauth_token" value="{}""#, token.token),
        r#"id="authorize" name="action" value="approve""#,
        r#"id="deny" name="action" value="deny""#,
    ] {
        assert!(html.contains(expected), "{expected} not in {html}");
    }

    let click = send(
        &router,
        authorize_click(&standin, token.token.as_str(), "approve"),
    )
    .await;
    assert_eq!(click.status(), StatusCode::FOUND);
    let location = click.headers()[LOCATION].to_str().unwrap();
    let prefix = format!("{CALLBACK}?oauth_token={}&oauth_verifier=", token.token);
    assert!(location.starts_with(&prefix), "{location}");
    let authorized = token.authorize_from_callback(location).unwrap();

    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&authorized, &sent).unwrap(),
    )
    .await;
    assert_eq!(content_type(&reply), "application/x-www-form-urlencoded");
    let access = client
        .on_access_token_response(&authorized, &reply, sent.timestamp)
        .unwrap();
    assert_ne!(access.token.as_str(), token.token.as_str());

    let reply = send(
        &router,
        client.identity_request(&access, &fresh(&standin)).unwrap(),
    )
    .await;
    assert_eq!(
        client.on_identity_response(&access, &reply),
        Ok(demo_identity(&standin))
    );
    assert_eq!(
        RateLimit::from_headers(reply.headers()),
        Ok(figures(60, 3)),
        "one address's authenticated requests share a window: request token, access token, identity"
    );

    search_is_accepted(
        &standin,
        &router,
        "q=Nirvana&type=release",
        |search| client.sign_request(&access, search, &fresh(&standin)),
        serde_json::json!({"q": "Nirvana", "type": "release"}),
    )
    .await;

    // A signer made once for the token: the stand-in accepts each of its requests.
    let signer = client.signer(&access);
    for page in ["1", "2"] {
        search_is_accepted(
            &standin,
            &router,
            &format!("q=Nirvana&page={page}"),
            |search| signer.sign_request(search, &fresh(&standin)),
            serde_json::json!({"q": "Nirvana", "page": page}),
        )
        .await;
    }
}

#[tokio::test]
async fn happy_path_with_hmac_sha1_out_of_band() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::HmacSha1);
    let token = request_token(&standin, &router, &client, &Callback::OutOfBand).await;

    let click = send(
        &router,
        authorize_click(&standin, token.token.as_str(), "approve"),
    )
    .await;
    assert_eq!(click.status(), StatusCode::OK);
    let html = body_text(&click);
    let verifier = html
        .split_once(r#"<code id="verifier">"#)
        .and_then(|(_, rest)| rest.split_once("</code>"))
        .map(|(verifier, _)| verifier)
        .unwrap();
    let authorized = token.with_verifier(Verifier::new(verifier).unwrap());

    let access = access_token(&standin, &router, &client, &authorized).await;
    let reply = send(
        &router,
        client.identity_request(&access, &fresh(&standin)).unwrap(),
    )
    .await;
    assert_eq!(
        client.on_identity_response(&access, &reply),
        Ok(demo_identity(&standin))
    );

    // With HMAC-SHA1 the query takes part in the signature: encoded characters must survive.
    search_is_accepted(
        &standin,
        &router,
        "q=Sigur%20R%C3%B3s&per_page=5",
        |search| client.sign_request(&access, search, &fresh(&standin)),
        serde_json::json!({"q": "Sigur Rós", "per_page": "5"}),
    )
    .await;

    // The same through a signer made once for the token (its keyed HMAC state and protocol
    // template reused).
    let signer = client.signer(&access);
    for per_page in ["5", "6"] {
        search_is_accepted(
            &standin,
            &router,
            &format!("q=Sigur%20R%C3%B3s&per_page={per_page}"),
            |search| signer.sign_request(search, &fresh(&standin)),
            serde_json::json!({"q": "Sigur Rós", "per_page": per_page}),
        )
        .await;
    }
}

#[tokio::test]
async fn approve_and_deny_through_the_handle() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let callback = Callback::url(CALLBACK).unwrap();

    let approved = request_token(&standin, &router, &client, &callback).await;
    let approval = standin.approve(approved.token.as_str()).unwrap();
    assert_eq!(approval.verifier.len(), 32);
    assert_eq!(
        approval.redirect_url,
        Some(format!(
            "{CALLBACK}?oauth_token={}&oauth_verifier={}",
            approved.token, approval.verifier
        ))
    );
    assert!(!format!("{approval:?}").contains(&approval.verifier));

    let denied = request_token(&standin, &router, &client, &callback).await;
    let redirect = standin.deny(denied.token.as_str()).unwrap();
    assert_eq!(
        redirect,
        Some(format!("{CALLBACK}?denied={}", denied.token))
    );
    assert_eq!(
        denied.authorize_from_callback(&redirect.unwrap()),
        Err(CallbackError::Denied)
    );
    assert_eq!(
        standin.approve(denied.token.as_str()),
        Err(StandInError::UnknownRequestToken)
    );

    let out_of_band = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    assert_eq!(standin.deny(out_of_band.token.as_str()), Ok(None));
    assert_eq!(
        standin.approve("never-issued"),
        Err(StandInError::UnknownRequestToken)
    );
    assert_eq!(
        standin.deny("never-issued"),
        Err(StandInError::UnknownRequestToken)
    );
}

/// A desktop or mobile app's own scheme, with or without `//`: the redirect goes to it, and
/// the app finishes the login from it.
#[tokio::test]
async fn a_callback_to_the_application_s_own_scheme_round_trips() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    for own_scheme in [
        "myapp://oauth-callback",
        "com.example.app:/oauth?from=discogs",
    ] {
        let callback = Callback::custom_scheme(own_scheme).unwrap();
        let request_token = request_token(&standin, &router, &client, &callback).await;
        let approval = standin.approve(request_token.token.as_str()).unwrap();
        let separator = if own_scheme.contains('?') { '&' } else { '?' };
        let redirect = format!(
            "{own_scheme}{separator}oauth_token={}&oauth_verifier={}",
            request_token.token, approval.verifier
        );
        assert_eq!(approval.redirect_url.as_deref(), Some(redirect.as_str()));

        let authorized = request_token.authorize_from_callback(&redirect).unwrap();
        let access = access_token(&standin, &router, &client, &authorized).await;
        let request = client.identity_request(&access, &fresh(&standin)).unwrap();
        let reply = send(&router, request).await;
        assert_eq!(
            client.on_identity_response(&access, &reply),
            Ok(demo_identity(&standin))
        );
    }
}

/// A double click on Authorize (or a second tab): the second click redirects exactly as the
/// first did, and the first redirect's verifier is the one that is exchanged.
#[tokio::test]
async fn approving_twice_through_the_page_redirects_with_the_same_verifier() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let token = request_token(
        &standin,
        &router,
        &client,
        &Callback::url(CALLBACK).unwrap(),
    )
    .await;

    let mut locations = Vec::new();
    for _ in 0..2 {
        let click = send(
            &router,
            authorize_click(&standin, token.token.as_str(), "approve"),
        )
        .await;
        assert_eq!(click.status(), StatusCode::FOUND);
        locations.push(click.headers()[LOCATION].to_str().unwrap().to_owned());
    }
    assert_eq!(locations[1], locations[0]);
    let approval = standin.approve(token.token.as_str()).unwrap();
    assert_eq!(
        approval.redirect_url.as_deref(),
        Some(locations[0].as_str())
    );

    let authorized = token.authorize_from_callback(&locations[0]).unwrap();
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&authorized, &sent).unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::OK, "{}", body_text(&reply));
    assert!(
        client
            .on_access_token_response(&authorized, &reply, sent.timestamp)
            .is_ok()
    );
    // Exchanged, the token is gone: there is nothing left to approve.
    assert_eq!(
        standin.approve(token.token.as_str()),
        Err(StandInError::UnknownRequestToken)
    );
}

#[tokio::test]
async fn deny_through_the_page_forgets_the_token() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let token = request_token(
        &standin,
        &router,
        &client,
        &Callback::url(CALLBACK).unwrap(),
    )
    .await;

    let click = send(
        &router,
        authorize_click(&standin, token.token.as_str(), "deny"),
    )
    .await;
    assert_eq!(click.status(), StatusCode::FOUND);
    let location = click.headers()[LOCATION].to_str().unwrap();
    assert_eq!(location, format!("{CALLBACK}?denied={}", token.token));
    assert_eq!(
        token.authorize_from_callback(location),
        Err(CallbackError::Denied)
    );

    // An application that ignores the refusal and guesses a verifier gets nowhere.
    let guessed = token.with_verifier(Verifier::new("guess").unwrap());
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&guessed, &sent).unwrap(),
    )
    .await;
    assert_eq!(
        client.on_access_token_response(&guessed, &reply, sent.timestamp),
        Err(ReplyError::AccessTokenRefused(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid request token.",
            figures(25, 2)
        )))
    );
    let page = send(
        &router,
        get(&client.authorize_url(&token)).body(Vec::new()).unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");

    let oob = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    let click = send(
        &router,
        authorize_click(&standin, oob.token.as_str(), "deny"),
    )
    .await;
    assert_eq!(click.status(), StatusCode::OK);
    assert!(body_text(&click).contains(r#"id="denied""#));
}

/// A client that keeps time is stopped before sending: the core refuses to build the request.
#[tokio::test]
async fn expired_request_token_is_refused_by_the_client() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let authorized = authorized(&standin, &router, &client).await;
    standin.advance_clock(16 * 60);
    assert_eq!(
        client
            .access_token_request(&authorized, &fresh(&standin))
            .map(|_| ()),
        Err(RequestError::RequestTokenExpired {
            expired_at: authorized.request_token.expires_at()
        })
    );
}

/// A client whose clock ran 4 minutes ahead when the token was issued (within the 300 s the
/// stand-in allows) thinks the token lives longer than it does: the stand-in answers 400.
#[tokio::test]
async fn expired_request_token_is_refused_by_the_stand_in() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let sent = fresh_at(standin.now().as_unix_seconds() + 240);
    let reply = send(
        &router,
        client
            .request_token_request(&Callback::OutOfBand, &sent)
            .unwrap(),
    )
    .await;
    let token = client
        .on_request_token_response(&reply, sent.timestamp)
        .unwrap();
    let approval = standin.approve(token.token.as_str()).unwrap();
    let authorized = token.with_verifier(Verifier::new(approval.verifier).unwrap());

    standin.advance_clock(16 * 60);
    assert_eq!(
        standin.approve(token.token.as_str()),
        Err(StandInError::Expired)
    );
    let page = send(
        &router,
        get(&client.authorize_url(&token)).body(Vec::new()).unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(&page).contains("<title>Request token expired"));

    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&authorized, &sent).unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&reply), "text/plain; charset=utf-8");
    let expected = ApiError::new(
        StatusCode::BAD_REQUEST,
        "Request token expired: exchange it within 15 minutes of its issue.",
        // The window moved on 16 minutes: only this request is in it.
        figures(60, 1),
    );
    // Read at the stand-in's clock, still inside the 15 minutes by the client's reckoning: a
    // refused exchange, which needs a new login just the same.
    let refused = client.on_access_token_response(&authorized, &reply, sent.timestamp);
    assert_eq!(
        refused,
        Err(ReplyError::AccessTokenRefused(expected.clone()))
    );
    assert!(refused.unwrap_err().must_restart_login());
    // Read at the client's own (fast) clock, the 400 is recognised as expiry.
    assert_eq!(
        client.on_access_token_response(&authorized, &reply, authorized.request_token.expires_at()),
        Err(ReplyError::RequestTokenExpired(expected))
    );
}

#[tokio::test]
async fn a_verifier_is_single_use() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::HmacSha1);
    let authorized = authorized(&standin, &router, &client).await;

    let sent = fresh(&standin);
    let first = client.access_token_request(&authorized, &sent).unwrap();
    let reply = send(&router, first.clone()).await;
    client
        .on_access_token_response(&authorized, &reply, sent.timestamp)
        .unwrap();

    // The same request again is a replay, refused by its nonce before its token is looked at.
    let replay = send(&router, first).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_text(&replay), "Nonce already used.");

    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&authorized, &sent).unwrap(),
    )
    .await;
    assert_eq!(content_type(&reply), "text/plain; charset=utf-8");
    assert_eq!(
        client.on_access_token_response(&authorized, &reply, sent.timestamp),
        Err(ReplyError::AccessTokenRefused(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid request token.",
            // The replay, refused before it was known whose it is, counts as anonymous too.
            figures(25, 2),
        )))
    );
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_and_the_right_one_still_works() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let authorized = authorized(&standin, &router, &client).await;
    let wrong = authorized
        .request_token
        .with_verifier(Verifier::new("not-the-verifier").unwrap());

    let sent = fresh(&standin);
    let reply = send(&router, client.access_token_request(&wrong, &sent).unwrap()).await;
    assert_eq!(
        client.on_access_token_response(&wrong, &reply, sent.timestamp),
        Err(ReplyError::AccessTokenRefused(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid verifier.",
            figures(60, 2)
        )))
    );

    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&authorized, &sent).unwrap(),
    )
    .await;
    assert!(
        client
            .on_access_token_response(&authorized, &reply, sent.timestamp)
            .is_ok()
    );
}

#[tokio::test]
async fn an_unapproved_request_token_is_refused() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let token = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    let guessed = token.with_verifier(Verifier::new("guess").unwrap());
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client.access_token_request(&guessed, &sent).unwrap(),
    )
    .await;
    assert_eq!(
        client.on_access_token_response(&guessed, &reply, sent.timestamp),
        Err(ReplyError::AccessTokenRefused(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Request token not authorized: the user has not approved it yet.",
            figures(60, 2)
        )))
    );
}

/// Each endpoint answers its own methods only: the access-token step is a POST, the authorize
/// page a GET or its form's POST.
#[tokio::test]
async fn other_methods_are_refused() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    // Each in its endpoint's format: plain text, and the authorize page's HTML.
    for (method, path, shown) in [
        (Method::GET, "/oauth/access_token", "{message}"),
        (Method::PUT, "/oauth/authorize", "<title>{message}</title>"),
    ] {
        let request = get(&format!("{}{path}", standin.base_url()))
            .method(method.clone())
            .body(Vec::new())
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(
            reply.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let message = format!("Method {method} is not allowed on {path}.");
        let shown = shown.replace("{message}", &message);
        assert!(body_text(&reply).contains(&shown), "{}", body_text(&reply));
    }
}

/// An expired request token is still known as expired for an hour, then forgotten when the
/// next one is issued.
#[tokio::test]
async fn an_expired_request_token_is_forgotten_an_hour_later() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    let old = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    let kept_for = REQUEST_TOKEN_LIFETIME_SECS + 60 * 60;

    standin.advance_clock(kept_for - 5);
    // Issuing a token is when the long-expired ones are dropped.
    let _ = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    assert_eq!(
        standin.approve(old.token.as_str()),
        Err(StandInError::Expired)
    );

    standin.advance_clock(10);
    // Issuing a token is when the long-expired ones are dropped.
    let _ = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    assert_eq!(
        standin.approve(old.token.as_str()),
        Err(StandInError::UnknownRequestToken)
    );
}
