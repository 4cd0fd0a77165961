//! Shared plumbing: a client for the stand-in, fresh nonces on its clock, in-process sending.

use axum::Router;
use axum::body::Body;
use discogs_auth_core::http::{self, Request, Response};
use discogs_auth_core::{
    AccessToken, AuthorizedRequestToken, Callback, Freshness, Nonce, OAuthClient, RequestToken,
    SignatureMethod, UserAgent,
};
use discogs_auth_standin::StandIn;
use tower::ServiceExt;

pub const USER_AGENT: &str = "discogs-auth-standin-tests/1.0";
pub const CALLBACK: &str = "http://127.0.0.1:9/callback";

pub fn client(standin: &StandIn, method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(standin.consumer(), UserAgent::new(USER_AGENT).unwrap())
        .with_endpoints(standin.endpoints())
        .with_signature_method(method)
}

/// A fresh nonce, timestamped by the stand-in's clock (which tests move forward).
pub fn fresh(standin: &StandIn) -> Freshness {
    fresh_at(standin.now().as_unix_seconds())
}

pub fn fresh_at(unix_seconds: u64) -> Freshness {
    Freshness::new(Nonce::generate().unwrap().as_str(), unix_seconds).unwrap()
}

/// Sends `request` through the stand-in's router, in process.
pub async fn send(router: &Router, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let response = router
        .clone()
        .oneshot(request.map(Body::from))
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    Response::from_parts(parts, body.to_vec())
}

pub fn get(uri: &str) -> http::request::Builder {
    Request::get(uri).header(http::header::USER_AGENT, USER_AGENT)
}

pub fn body_text(response: &Response<Vec<u8>>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

pub fn content_type(response: &Response<Vec<u8>>) -> &str {
    response.headers()[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
}

pub fn json(response: &Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap()
}

/// Step 1 through the router.
pub async fn request_token(
    standin: &StandIn,
    router: &Router,
    client: &OAuthClient,
    callback: &Callback,
) -> RequestToken {
    let sent = fresh(standin);
    let request = client.request_token_request(callback, &sent).unwrap();
    let reply = send(router, request).await;
    client
        .on_request_token_response(&reply, sent.timestamp)
        .unwrap()
}

/// Steps 1 and 2 (approved through the handle, `oob`).
pub async fn authorized(
    standin: &StandIn,
    router: &Router,
    client: &OAuthClient,
) -> AuthorizedRequestToken {
    let token = request_token(standin, router, client, &Callback::OutOfBand).await;
    let approval = standin.approve(token.token.as_str()).unwrap();
    assert_eq!(approval.redirect_url, None);
    token.with_verifier(discogs_auth_core::Verifier::new(approval.verifier).unwrap())
}

/// Step 3 through the router: the access token for an approved request token.
pub async fn access_token(
    standin: &StandIn,
    router: &Router,
    client: &OAuthClient,
    authorized: &AuthorizedRequestToken,
) -> AccessToken {
    let sent = fresh(standin);
    let request = client.access_token_request(authorized, &sent).unwrap();
    let reply = send(router, request).await;
    client
        .on_access_token_response(authorized, &reply, sent.timestamp)
        .unwrap()
}
