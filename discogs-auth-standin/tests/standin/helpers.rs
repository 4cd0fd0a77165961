//! The transports' safety helpers: `/redirect/…` and `/oversized/…`.

use discogs_auth_core::http::header::LOCATION;
use discogs_auth_core::http::{Request, StatusCode};
use discogs_auth_core::{ApiError, Callback, Endpoints, ReplyError, SignatureMethod};
use discogs_auth_standin::StandIn;

use crate::support::*;

#[tokio::test]
async fn redirect_points_every_path_back_without_the_prefix() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let base = standin.base_url();

    let reply = send(
        &router,
        get(&format!("{base}/redirect/oauth/identity?a=1&b=2"))
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(reply.headers()[LOCATION], "/oauth/identity?a=1&b=2");

    let reply = send(
        &router,
        Request::post(format!("{base}/redirect/oauth/access_token"))
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(reply.headers()[LOCATION], "/oauth/access_token");

    // Never to another host: a path that starts `//` (or `/\`) would be a network-path
    // reference.
    for (path, location) in [
        ("/redirect//evil.example/x?a=1", "/evil.example/x?a=1"),
        ("/redirect/\\evil.example/x", "/evil.example/x"),
        ("/redirect/%2F/evil.example", "/%2F/evil.example"),
    ] {
        let reply = send(
            &router,
            get(&format!("{base}{path}")).body(Vec::new()).unwrap(),
        )
        .await;
        assert_eq!(reply.status(), StatusCode::TEMPORARY_REDIRECT, "{path}");
        assert_eq!(reply.headers()[LOCATION], location, "{path}");
    }

    // An adapter pointed at `<base>/redirect` meets a redirect at every auth endpoint.
    let endpoints = Endpoints::new(
        &format!("{base}/redirect"),
        &format!("{base}/oauth/authorize"),
    )
    .unwrap();
    let client = client(&standin, SignatureMethod::Plaintext).with_endpoints(endpoints);
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client
            .request_token_request(&Callback::OutOfBand, &sent)
            .unwrap(),
    )
    .await;
    assert_eq!(reply.headers()[LOCATION], "/oauth/request_token");
    assert!(matches!(
        client.on_request_token_response(&reply, sent.timestamp),
        Err(ReplyError::Status(ApiError {
            status: StatusCode::TEMPORARY_REDIRECT,
            ..
        }))
    ));
}

#[tokio::test]
async fn oversized_answers_a_byte_over_the_default_limit() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    for path in ["/oversized/oauth/request_token", "/oversized/x"] {
        let reply = send(
            &router,
            get(&format!("{}{path}", standin.base_url()))
                .body(Vec::new())
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(reply.body().len(), 8 * 1024 * 1024 + 1);
    }
}

#[tokio::test]
async fn unknown_paths_are_json_404s() {
    let standin = StandIn::spawn().unwrap();
    let reply = send(
        &standin.router(),
        get(&format!("{}/releases/1", standin.base_url()))
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json(&reply),
        serde_json::json!({"message": "The requested resource was not found."})
    );
}
