//! `DiscogsAuthSession` over closure transports: what it adds to a request, where it refuses to
//! send, and how replies come back.

use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use discogs_auth_core::http::{Request, Response, StatusCode, header};
use discogs_auth_core::*;

mod support;
use support::block_on;

const TOKEN: &str = "abcxyz123456";

fn user_agent() -> UserAgent {
    UserAgent::new("token-tests/1.0").unwrap()
}

fn reply(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// A transport that records every request it is given and answers `status` with `body`.
struct Recorder {
    sent: Mutex<Vec<Request<Vec<u8>>>>,
    status: StatusCode,
    body: &'static str,
}

impl Recorder {
    fn answering(status: StatusCode, body: &'static str) -> Self {
        Self {
            sent: Mutex::new(Vec::new()),
            status,
            body,
        }
    }

    fn only_request(&self) -> Request<Vec<u8>> {
        let mut sent = self.sent.lock().unwrap();
        assert_eq!(sent.len(), 1);
        sent.pop().unwrap()
    }
}

impl SyncTransport for &Recorder {
    type Error = io::Error;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, io::Error> {
        self.sent.lock().unwrap().push(request);
        Ok(reply(self.status, self.body))
    }
}

fn get(uri: &str) -> Request<Vec<u8>> {
    Request::get(uri).body(Vec::new()).unwrap()
}

#[test]
fn the_token_and_user_agent_go_in_the_headers() {
    let discogs = Recorder::answering(StatusCode::OK, "{\"results\": []}");
    let session =
        DiscogsAuthSession::new(DiscogsAuth::token(TOKEN).unwrap(), user_agent(), &discogs);
    let reply = session
        .send(get("https://api.discogs.com/database/search?q=Nirvana"))
        .unwrap();
    assert_eq!(reply.body(), b"{\"results\": []}");
    let sent = discogs.only_request();
    assert_eq!(
        sent.uri(),
        "https://api.discogs.com/database/search?q=Nirvana"
    );
    assert_eq!(
        sent.headers()[header::AUTHORIZATION],
        "Discogs token=abcxyz123456"
    );
    assert_eq!(sent.headers()[header::USER_AGENT], "token-tests/1.0");
}

#[test]
fn a_request_s_own_user_agent_is_kept() {
    let discogs = Recorder::answering(StatusCode::OK, "{}");
    let session =
        DiscogsAuthSession::new(DiscogsAuth::token(TOKEN).unwrap(), user_agent(), &discogs);
    let mut request = get("https://api.discogs.com/database/search?q=x");
    request
        .headers_mut()
        .insert(header::USER_AGENT, "Other/2.0".parse().unwrap());
    session.send(request).unwrap();
    assert_eq!(
        discogs.only_request().headers()[header::USER_AGENT],
        "Other/2.0"
    );
}

#[test]
fn key_and_secret_in_the_query_at_another_api_base() {
    let discogs = Recorder::answering(StatusCode::OK, "{}");
    let auth = DiscogsAuth::key_secret("my-key", "my-secret").unwrap();
    let endpoints =
        Endpoints::new("http://127.0.0.1:8080", "http://127.0.0.1:8080/authorize").unwrap();
    let session = DiscogsAuthSession::new(auth.clone(), user_agent(), &discogs)
        .with_placement(Placement::Query)
        .with_endpoints(endpoints);
    assert_eq!(session.auth(), &auth);
    assert_eq!(session.placement(), Placement::Query);
    assert_eq!(session.user_agent().as_str(), "token-tests/1.0");
    let search = session
        .endpoints()
        .api_url("/database/search?q=Bj%C3%B6rk")
        .unwrap();
    session
        .send(Request::get(search).body(Vec::new()).unwrap())
        .unwrap();
    let sent = discogs.only_request();
    assert_eq!(
        sent.uri(),
        "http://127.0.0.1:8080/database/search?q=Bj%C3%B6rk&key=my-key&secret=my-secret"
    );
    assert!(!sent.headers().contains_key(header::AUTHORIZATION));
}

/// A URL from a reply (an image on a CDN), the same host over plain http, another port, or a
/// relative URI: refused, and nothing is sent.
#[test]
fn credentials_go_to_the_api_base_only() {
    let discogs = Recorder::answering(StatusCode::OK, "{}");
    let session =
        DiscogsAuthSession::new(DiscogsAuth::token(TOKEN).unwrap(), user_agent(), &discogs);
    for uri in [
        "https://i.discogs.com/images/x.jpg",
        "http://api.discogs.com/database/search?q=x",
        "https://api.discogs.com:8443/database/search?q=x",
        "/database/search?q=x",
    ] {
        match session.send(get(uri)) {
            Err(FlowError::Request(RequestError::Url(error))) => {
                assert_eq!(error.kind, UrlErrorKind::NotOnApiBase);
                assert_eq!(
                    error.to_string(),
                    "request URI is not usable: it is not on the API base, the only place a \
                     session sends credentials (build it with Endpoints::api_url)"
                );
            }
            other => panic!("{uri}: {other:?}"),
        }
    }
    assert!(discogs.sent.lock().unwrap().is_empty());
}

/// A refusal is its typed error, with the token taken out of the message Discogs echoed.
#[test]
fn an_error_reply_is_typed_and_redacted() {
    let discogs = Recorder::answering(
        StatusCode::UNAUTHORIZED,
        "{\"message\": \"Invalid token abcxyz123456.\"}",
    );
    let session =
        DiscogsAuthSession::new(DiscogsAuth::token(TOKEN).unwrap(), user_agent(), &discogs);
    match session.send(get("https://api.discogs.com/oauth/identity")) {
        Err(FlowError::Reply(ReplyError::Unauthorized(error))) => {
            assert_eq!(error.status, StatusCode::UNAUTHORIZED);
            assert_eq!(error.message, "Invalid token [redacted].");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_transport_failure_is_the_transport_s_error() {
    let session = DiscogsAuthSession::new(
        DiscogsAuth::token(TOKEN).unwrap(),
        user_agent(),
        |_request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, io::Error> {
            Err(io::Error::other("connection refused"))
        },
    );
    match session.send(get("https://api.discogs.com/oauth/identity")) {
        Err(FlowError::Transport(error)) => assert_eq!(error.to_string(), "connection refused"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn send_async_adds_the_same_and_checks_the_same() {
    let sent = AtomicU32::new(0);
    let session = DiscogsAuthSession::new(
        DiscogsAuth::token(TOKEN).unwrap(),
        user_agent(),
        |request: Request<Vec<u8>>| {
            sent.fetch_add(1, Ordering::Relaxed);
            assert_eq!(
                request.headers()[header::AUTHORIZATION],
                "Discogs token=abcxyz123456"
            );
            assert_eq!(request.headers()[header::USER_AGENT], "token-tests/1.0");
            std::future::ready(Ok::<_, io::Error>(reply(StatusCode::OK, "{}")))
        },
    );
    let reply = block_on(session.send_async(get("https://api.discogs.com/oauth/identity")));
    assert_eq!(reply.unwrap().body(), b"{}");
    let refused = block_on(session.send_async(get("https://i.discogs.com/images/x.jpg")));
    assert!(matches!(
        refused,
        Err(FlowError::Request(RequestError::Url(_)))
    ));
    assert_eq!(sent.load(Ordering::Relaxed), 1);
}

#[test]
fn debug_shows_no_token() {
    let session = DiscogsAuthSession::new(DiscogsAuth::token(TOKEN).unwrap(), user_agent(), ());
    let shown = format!("{session:?}");
    assert!(shown.starts_with("DiscogsAuthSession { auth: "), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

/// A transport that is not `Clone`, counting what it is sent.
struct Counting {
    sent: AtomicU32,
}

impl SyncTransport for Counting {
    type Error = io::Error;

    fn send(&self, _request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, io::Error> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(reply(StatusCode::OK, "{}"))
    }
}

impl AsyncTransport for Counting {
    type Error = io::Error;

    async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, io::Error> {
        SyncTransport::send(self, request)
    }
}

/// One transport behind an `Arc` serves several sessions, blocking and async.
#[test]
fn sessions_share_one_transport_through_an_arc() {
    let shared = std::sync::Arc::new(Counting {
        sent: AtomicU32::new(0),
    });
    let personal = DiscogsAuthSession::new(
        DiscogsAuth::token(TOKEN).unwrap(),
        user_agent(),
        shared.clone(),
    );
    let application = DiscogsAuthSession::new(
        DiscogsAuth::key_secret("key", "secret").unwrap(),
        user_agent(),
        shared.clone(),
    );
    let search = || get("https://api.discogs.com/database/search?q=x");
    assert_eq!(personal.send(search()).unwrap().status(), StatusCode::OK);
    let reply = block_on(application.send_async(search())).unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(shared.sent.load(Ordering::Relaxed), 2);
}
