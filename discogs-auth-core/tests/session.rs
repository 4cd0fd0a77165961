//! The flow driver over closure transports, blocking and async (driven by a hand-written
//! executor, no async runtime), against a canned Discogs that verifies every signature.

use std::future::Future;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};

use discogs_auth_core::http::{Request, Response, StatusCode, header};
use discogs_auth_core::*;

mod support;
use support::block_on;

const REQUEST_TOKEN: &str = "req-token";
const REQUEST_SECRET: &str = "req-secret";
const VERIFIER: &str = "the-verifier";
const ACCESS_TOKEN: &str = "acc-token";
const ACCESS_SECRET: &str = "acc-secret";

/// Answers like Discogs for fixed tokens, after checking each request's signature with the
/// core's provider-side verification. Records the paths it served.
#[derive(Default)]
struct CannedDiscogs {
    served: Mutex<Vec<String>>,
    rate_limited: bool,
}

impl CannedDiscogs {
    fn answer(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let path = request.uri().path().to_owned();
        self.served
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(path.clone());
        assert_eq!(request.headers()[header::USER_AGENT], "session-tests/1.0");
        if path == "/database/search" && request.headers().contains_key(header::AUTHORIZATION) {
            let authorization = request.headers()[header::AUTHORIZATION].to_str().unwrap();
            if authorization.starts_with("Discogs") {
                return reply(StatusCode::OK, "{\"tier\": \"token\"}");
            }
        }
        let signed = SignedRequest::from_request(&request).expect("a signed request");
        let consumer_secret = ConsumerSecret::new("consumer-secret").unwrap();
        let token_secret = match signed.token() {
            None => None,
            Some(REQUEST_TOKEN) => Some(TokenSecret::new(REQUEST_SECRET).unwrap()),
            Some(ACCESS_TOKEN) => Some(TokenSecret::new(ACCESS_SECRET).unwrap()),
            Some(other) => panic!("unknown token {other}"),
        };
        signed
            .verify(&consumer_secret, token_secret.as_ref())
            .expect("the signature verifies");
        match path.as_str() {
            "/oauth/request_token" => reply(
                StatusCode::OK,
                &format!(
                    "oauth_token={REQUEST_TOKEN}&oauth_token_secret={REQUEST_SECRET}&oauth_callback_confirmed=true"
                ),
            ),
            "/oauth/access_token" => {
                assert_eq!(signed.verifier(), Some(VERIFIER));
                reply(
                    StatusCode::OK,
                    &format!("oauth_token={ACCESS_TOKEN}&oauth_token_secret={ACCESS_SECRET}"),
                )
            }
            "/oauth/identity" => reply(
                StatusCode::OK,
                r#"{"id": 7, "username": "someone", "resource_url": "https://api.discogs.com/users/someone", "consumer_name": "tests"}"#,
            ),
            "/database/search" if self.rate_limited => {
                let mut response = reply(
                    StatusCode::TOO_MANY_REQUESTS,
                    r#"{"message": "You are making requests too quickly."}"#,
                );
                RateLimit {
                    limit: 60,
                    used: 60,
                    remaining: 0,
                }
                .write_headers(response.headers_mut());
                response
            }
            "/database/search" => reply(
                StatusCode::OK,
                &format!("{{\"query\": \"{}\"}}", request.uri().query().unwrap_or("")),
            ),
            other => panic!("unexpected path {other}"),
        }
    }

    fn served(&self) -> Vec<String> {
        self.served
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

fn reply(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(body.as_bytes().to_vec());
    *response.status_mut() = status;
    response
}

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new("consumer-key", "consumer-secret").unwrap(),
        UserAgent::new("session-tests/1.0").unwrap(),
    )
    .with_signature_method(method)
}

/// Nonces `n1`, `n2`, … and a fixed clock, so the whole run is deterministic.
fn deterministic<T>(session: Session<T>) -> Session<T> {
    let counter = AtomicU32::new(0);
    session
        .with_clock(|| Timestamp::from_unix_seconds(1_700_000_000).unwrap())
        .with_nonce_source(move || {
            Ok(Nonce::new(format!("n{}", counter.fetch_add(1, Ordering::Relaxed) + 1)).unwrap())
        })
}

fn search() -> Request<Vec<u8>> {
    Request::get("https://api.discogs.com/database/search?q=Nirvana&type=release")
        .body(Vec::new())
        .unwrap()
}

#[test]
fn blocking_flow_over_a_closure() {
    for method in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1] {
        let discogs = CannedDiscogs::default();
        let transport = |request| Ok::<_, io::Error>(discogs.answer(request));
        let session = deterministic(Session::new(client(method), transport));

        let request_token = session.request_token(&Callback::OutOfBand).unwrap();
        assert_eq!(request_token.token.as_str(), REQUEST_TOKEN);
        assert_eq!(request_token.issued_at.as_unix_seconds(), 1_700_000_000);
        assert_eq!(
            session.authorize_url(&request_token),
            format!("https://www.discogs.com/oauth/authorize?oauth_token={REQUEST_TOKEN}")
        );
        let authorized = request_token
            .authorize_from_callback(&format!(
                "oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
            ))
            .unwrap();
        let access_token = session.access_token(&authorized).unwrap();
        assert_eq!(
            access_token,
            AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET).unwrap()
        );
        let identity = session.identity(&access_token).unwrap();
        assert_eq!((identity.id, identity.username.as_str()), (7, "someone"));
        let found = session.send_signed(&access_token, search()).unwrap();
        assert_eq!(found.body(), b"{\"query\": \"q=Nirvana&type=release\"}");
        assert_eq!(
            discogs.served(),
            [
                "/oauth/request_token",
                "/oauth/access_token",
                "/oauth/identity",
                "/database/search"
            ]
        );
    }
}

#[test]
fn rate_limited_call_is_a_typed_error_with_figures() {
    let discogs = CannedDiscogs {
        rate_limited: true,
        ..Default::default()
    };
    let session = Session::new(client(SignatureMethod::HmacSha1), |request| {
        Ok::<_, io::Error>(discogs.answer(request))
    });
    let access_token = AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET).unwrap();
    match session.send_signed(&access_token, search()) {
        Err(FlowError::Reply(ReplyError::RateLimited(error))) => {
            assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(error.message, "You are making requests too quickly.");
            assert_eq!(
                error.rate_limit,
                Some(RateLimit {
                    limit: 60,
                    used: 60,
                    remaining: 0
                })
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transport_errors_are_passed_through() {
    let session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        Err::<Response<Vec<u8>>, _>(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"))
    });
    match session.request_token(&Callback::OutOfBand) {
        Err(FlowError::Transport(error)) => {
            assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused)
        }
        other => panic!("{other:?}"),
    }
}

/// A nonce source of the caller's own can fail, and its failure stops the step before anything
/// is sent.
#[test]
fn a_failing_nonce_source_stops_the_step_unsent() {
    let sent = AtomicU32::new(0);
    let session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        sent.fetch_add(1, Ordering::Relaxed);
        Ok::<_, io::Error>(reply(StatusCode::OK, ""))
    })
    .with_nonce_source(|| Err(RandomSourceError::new("the hardware module is offline")));
    match session.request_token(&Callback::OutOfBand) {
        Err(error @ FlowError::RandomSource(_)) => {
            assert_eq!(
                error.to_string(),
                "the random source failed: the hardware module is offline"
            );
            assert!(!error.is_transient());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sent.load(Ordering::Relaxed), 0);
}

#[test]
fn expired_request_token_is_refused_before_sending() {
    let sent = AtomicU32::new(0);
    let session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        sent.fetch_add(1, Ordering::Relaxed);
        Ok::<_, io::Error>(reply(StatusCode::OK, ""))
    })
    .with_clock(|| Timestamp::from_unix_seconds(2_000).unwrap());
    let authorized = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
    }
    .with_verifier(Verifier::new(VERIFIER).unwrap());
    let refused = session.access_token(&authorized).unwrap_err();
    assert!(matches!(
        refused,
        FlowError::Request(RequestError::RequestTokenExpired { .. })
    ));
    assert!(refused.is_request_token_expired());
    assert_eq!(sent.load(Ordering::Relaxed), 0);
}

/// A request token that expires while its exchange is on the way: sent at 899 s, refused at
/// 905 s, the refusal is reported as the expiry, blocking and async.
#[test]
fn a_request_token_that_expires_on_the_way_is_reported_as_expired() {
    // The first reading is for the request, the next ones after the reply.
    let expiring_clock = || {
        let reads = AtomicU32::new(0);
        move || {
            let offset = if reads.fetch_add(1, Ordering::Relaxed) == 0 {
                899
            } else {
                905
            };
            Timestamp::from_unix_seconds(1_000 + offset).unwrap()
        }
    };
    let refusal = || reply(StatusCode::BAD_REQUEST, "Invalid request token.");
    let session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        Ok::<_, io::Error>(refusal())
    })
    .with_clock(expiring_clock());
    let authorized = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
    }
    .with_verifier(Verifier::new(VERIFIER).unwrap());
    match session.access_token(&authorized) {
        Err(expired @ FlowError::Reply(ReplyError::RequestTokenExpired(_))) => {
            assert!(expired.is_request_token_expired());
            assert_eq!(
                expired.to_string(),
                "the request token has expired (15 minutes after issue); start the flow \
                 again (HTTP 400: Invalid request token.)"
            );
        }
        other => panic!("{other:?}"),
    }
    let async_session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        AnswerLater(Some(refusal()), false)
    })
    .with_clock(expiring_clock());
    assert!(matches!(
        block_on(async_session.access_token_async(&authorized)),
        Err(FlowError::Reply(ReplyError::RequestTokenExpired(_)))
    ));
    // Still within the 15 minutes when the reply comes: the exchange was refused, and only a
    // new login mends that too.
    let session = session.with_clock(|| Timestamp::from_unix_seconds(1_000 + 899).unwrap());
    let refused = session.access_token(&authorized).unwrap_err();
    assert!(matches!(
        refused,
        FlowError::Reply(ReplyError::AccessTokenRefused(_))
    ));
    assert!(!refused.is_request_token_expired());
    assert!(refused.must_restart_login());
    assert_eq!(
        refused.to_string(),
        "the access-token exchange was refused (wrong or spent verifier, or request token not \
         approved); retype the verifier or log in again (HTTP 400: Invalid request token.)"
    );
}

/// A login finished in one function, callback to identity, with `?` alone: the callback's
/// refusal is a step's error like the others.
#[test]
fn a_callback_refusal_is_a_flow_error() {
    fn finish(
        session: &Session<impl SyncTransport<Error = io::Error>>,
        pending: &RequestToken,
        callback: &str,
    ) -> Result<String, FlowError<io::Error>> {
        let authorized = pending.authorize_from_callback(callback)?;
        let access_token = session.access_token(&authorized)?;
        Ok(session.identity(&access_token)?.username)
    }
    let session = Session::new(client(SignatureMethod::Plaintext), |_request| {
        Ok::<_, io::Error>(reply(StatusCode::OK, ""))
    });
    let pending = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::now(),
    };
    let denied = finish(&session, &pending, &format!("?denied={REQUEST_TOKEN}")).unwrap_err();
    assert!(matches!(denied, FlowError::Callback(CallbackError::Denied)));
    assert_eq!(denied.to_string(), CallbackError::Denied.to_string());
    assert!(!denied.is_request_token_expired());
}

#[test]
fn discogs_auth_sets_header_and_user_agent() {
    let discogs = CannedDiscogs::default();
    let session = Session::new(
        client(SignatureMethod::Plaintext),
        |request: Request<Vec<u8>>| {
            assert_eq!(
                request.headers()[header::AUTHORIZATION],
                "Discogs token=abcxyz123456"
            );
            Ok::<_, io::Error>(discogs.answer(request))
        },
    );
    let auth = DiscogsAuth::token("abcxyz123456").unwrap();
    let found = session
        .send_with_discogs_auth(&auth, Placement::Header, search())
        .unwrap();
    assert_eq!(found.body(), b"{\"tier\": \"token\"}");
    // An empty `User-Agent` is none: Discogs would answer it with an empty reply.
    let mut empty_user_agent = search();
    empty_user_agent
        .headers_mut()
        .insert(header::USER_AGENT, header::HeaderValue::from_static(""));
    let found = session
        .send_with_discogs_auth(&auth, Placement::Header, empty_user_agent)
        .unwrap();
    assert_eq!(found.body(), b"{\"tier\": \"token\"}");
}

/// Credentials go only to the API base's origin: a URL from a reply (an image on a CDN), the
/// same host over plain http, or a relative URI is refused before anything is sent, by every
/// method that sends credentials.
#[test]
fn credentials_are_sent_only_to_the_api_base() {
    let sent = AtomicU32::new(0);
    let session = Session::new(
        client(SignatureMethod::Plaintext),
        |_request: Request<Vec<u8>>| {
            sent.fetch_add(1, Ordering::Relaxed);
            Ok::<_, io::Error>(reply(StatusCode::OK, "{}"))
        },
    );
    let async_session = Session::new(
        client(SignatureMethod::Plaintext),
        |_request: Request<Vec<u8>>| {
            sent.fetch_add(1, Ordering::Relaxed);
            std::future::ready(Ok::<_, io::Error>(reply(StatusCode::OK, "{}")))
        },
    );
    let access = AccessToken::new("t0k3n", "s3cr3t").unwrap();
    let auth = DiscogsAuth::token("abcxyz123456").unwrap();
    let refused = |result: Result<Response<Vec<u8>>, FlowError<io::Error>>| match result {
        Err(FlowError::Request(RequestError::Url(error))) => error.to_string(),
        other => panic!("{other:?}"),
    };
    let message = "request URI is not usable: it is not on the API base, the only place a \
                   session sends credentials (build it with Endpoints::api_url)";
    for uri in [
        "https://i.discogs.com/images/x.jpg",
        "http://api.discogs.com/database/search?q=x",
        "https://api.discogs.com:8443/database/search?q=x",
        "https://api.discogs.com.evil.example/database/search",
        "/database/search?q=x",
    ] {
        let request = || Request::get(uri).body(Vec::new()).unwrap();
        assert_eq!(refused(session.send_signed(&access, request())), message);
        assert_eq!(
            refused(session.send_with_discogs_auth(&auth, Placement::Header, request())),
            message
        );
        assert_eq!(
            refused(block_on(
                async_session.send_signed_async(&access, request())
            )),
            message
        );
        assert_eq!(
            refused(block_on(async_session.send_with_discogs_auth_async(
                &auth,
                Placement::Query,
                request()
            ))),
            message
        );
    }
    assert_eq!(sent.load(Ordering::Relaxed), 0);
    // The same origin written otherwise is the API base.
    for uri in [
        "https://API.Discogs.com/database/search?q=x",
        "https://api.discogs.com:443/database/search?q=x",
    ] {
        let request = Request::get(uri).body(Vec::new()).unwrap();
        assert!(session.send_signed(&access, request).is_ok(), "{uri}");
    }
    assert_eq!(sent.load(Ordering::Relaxed), 2);
}

/// A transport future that is pending once before it answers, so the executor really parks
/// and is woken.
struct AnswerLater(Option<Response<Vec<u8>>>, bool);

impl Future for AnswerLater {
    type Output = Result<Response<Vec<u8>>, io::Error>;

    fn poll(mut self: std::pin::Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.1 {
            self.1 = true;
            let waker = context.waker().clone();
            std::thread::spawn(move || waker.wake());
            return Poll::Pending;
        }
        Poll::Ready(
            self.0
                .take()
                .ok_or_else(|| io::Error::other("polled after completion")),
        )
    }
}

#[test]
fn async_flow_without_a_runtime() {
    let discogs = CannedDiscogs::default();
    let transport = |request| AnswerLater(Some(discogs.answer(request)), false);
    let session = deterministic(Session::new(client(SignatureMethod::HmacSha1), transport));
    let identity = block_on(async {
        let request_token = session.request_token_async(&Callback::OutOfBand).await?;
        let authorized =
            request_token.with_verifier(Verifier::new(VERIFIER).expect("a valid verifier"));
        let access_token = session.access_token_async(&authorized).await?;
        session.send_signed_async(&access_token, search()).await?;
        let auth = DiscogsAuth::token("abcxyz123456").expect("a valid token");
        session
            .send_with_discogs_auth_async(&auth, Placement::Header, search())
            .await?;
        session.identity_async(&access_token).await
    })
    .unwrap();
    assert_eq!(identity.username, "someone");
    assert_eq!(
        discogs.served(),
        [
            "/oauth/request_token",
            "/oauth/access_token",
            "/database/search",
            "/database/search",
            "/oauth/identity"
        ]
    );
}

/// A signed step refused while this machine's clock is an hour ahead of the provider's `Date`
/// is the clock's fault, at every step a session signs, not only the first: a stored access
/// token used on such a machine must not look revoked. Within the tolerance, a refusal is a
/// refusal.
#[test]
fn a_refusal_of_any_signed_step_is_blamed_on_a_clock_that_is_off() {
    let provider_now = 1_700_000_000;
    let refusal = || {
        let mut response = reply(
            StatusCode::UNAUTHORIZED,
            r#"{"message": "You must authenticate to access this resource."}"#,
        );
        response.headers_mut().insert(
            header::DATE,
            "Tue, 14 Nov 2023 22:13:20 GMT".parse().unwrap(),
        );
        response
    };
    let session_at = |offset: u64| {
        Session::new(client(SignatureMethod::Plaintext), move |_request| {
            Ok::<_, io::Error>(refusal())
        })
        .with_clock(move || Timestamp::from_unix_seconds(provider_now + offset).unwrap())
    };
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_SECRET).unwrap();
    let authorized = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(provider_now + 3_600).unwrap(),
    }
    .with_verifier(Verifier::new(VERIFIER).unwrap());
    let search = || {
        Request::get("https://api.discogs.com/database/search?q=x")
            .body(Vec::new())
            .unwrap()
    };

    let ahead = session_at(3_600);
    let skew = |result: Result<(), FlowError<io::Error>>| match result {
        Err(FlowError::Reply(ReplyError::ClockSkew {
            skew_seconds,
            error,
        })) => {
            assert_eq!(error.status, StatusCode::UNAUTHORIZED);
            skew_seconds
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(skew(ahead.identity(&access).map(drop)), Some(3_600));
    assert_eq!(
        skew(ahead.send_signed(&access, search()).map(drop)),
        Some(3_600)
    );
    assert_eq!(skew(ahead.access_token(&authorized).map(drop)), Some(3_600));
    let ahead_async = Session::new(client(SignatureMethod::Plaintext), move |_request| {
        AnswerLater(Some(refusal()), false)
    })
    .with_clock(move || Timestamp::from_unix_seconds(provider_now + 3_600).unwrap());
    assert_eq!(
        skew(block_on(ahead_async.identity_async(&access)).map(drop)),
        Some(3_600)
    );
    assert_eq!(
        skew(block_on(ahead_async.send_signed_async(&access, search())).map(drop)),
        Some(3_600)
    );
    assert_eq!(
        skew(block_on(ahead_async.access_token_async(&authorized)).map(drop)),
        Some(3_600)
    );

    let on_time = session_at(10);
    assert!(matches!(
        on_time.identity(&access),
        Err(FlowError::Reply(ReplyError::Unauthorized(_)))
    ));
    assert!(matches!(
        on_time.send_signed(&access, search()),
        Err(FlowError::Reply(ReplyError::Unauthorized(_)))
    ));
    assert!(matches!(
        on_time.access_token(&authorized),
        Err(FlowError::Reply(ReplyError::AccessTokenRefused(_)))
    ));
}

/// A pending request token is judged by the time the session signs with, offset included, and
/// API URLs are built on the base the session sends to.
#[test]
fn the_session_tells_its_time_and_its_endpoints() {
    let fixed = || Timestamp::from_unix_seconds(1_700_000_000).unwrap();
    let endpoints = Endpoints::new(
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/oauth/authorize",
    )
    .unwrap();
    let session = Session::new(
        client(SignatureMethod::Plaintext).with_endpoints(endpoints.clone()),
        |_request: Request<Vec<u8>>| Ok::<_, io::Error>(reply(StatusCode::OK, "")),
    )
    .with_clock(OffsetClock::with_clock(fixed, -600));
    assert_eq!(
        session.now(),
        Timestamp::from_unix_seconds(1_699_999_400).unwrap()
    );
    let pending = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_SECRET).unwrap(),
        issued_at: Timestamp::from_unix_seconds(1_699_999_400 - 840).unwrap(),
    };
    // Issued 14 minutes ago by the session's clock; 24 by the fixed clock ten minutes ahead.
    assert!(pending.is_expired(fixed()));
    assert!(!pending.is_expired(session.now()));
    assert_eq!(session.endpoints(), &endpoints);
    assert_eq!(
        session.endpoints().api_url("/oauth/identity").unwrap(),
        "http://127.0.0.1:8080/oauth/identity"
    );
}
