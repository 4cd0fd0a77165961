//! One end-to-end suite for every transport: each adapter's tests expand
//! [`conformance_tests!`](crate::conformance_tests) with a function that makes its transport,
//! and every scenario runs through it against a fresh stand-in on 127.0.0.1.

use std::fmt::Debug;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use discogs_auth_core::http::{Request, Response, StatusCode};
use discogs_auth_core::{
    ApiError, AsyncTransport, AuthorizedRequestToken, BodyCut, Callback, CallbackError, Consumer,
    DEFAULT_BODY_LIMIT, DiscogsAuth, DiscogsAuthSession, Endpoints, FlowError, OAuthClient,
    OffsetClock, Placement, RateLimit, ReplyError, RequestError, RequestToken, Session,
    SignatureMethod, SyncTransport, TransportError, UserAgent,
};

use crate::{DEMO_USER_ID, DEMO_USERNAME, StandIn, StandInConfig};

/// Expands to one `#[test]` per scenario, each calling `$make_transport()` for a fresh
/// transport whose error type is [`TransportError`].
#[macro_export]
macro_rules! conformance_tests {
    ($make_transport:expr) => {
        $crate::conformance_tests!(@tests $make_transport;
            happy_path_plaintext, happy_path_hmac_sha1, denied, callback_token_mismatch,
            expired_request_token, wrong_consumer_secret, replayed_verifier, stale_timestamp,
            discogs_auth_by_header_and_query, rate_limited, redirect_is_not_followed,
            oversized_body_is_refused, oversized_chunked_body_is_refused,
            oversized_error_reply_keeps_its_status, plain_http_to_another_host_is_refused,
            url_with_credentials_is_refused, bodiless_get_sends_no_content_length,
            form_body_arrives, refused_connection_says_so, reply_that_is_not_http_says_so,
            server_without_tls_says_so);
    };
    (@tests $make_transport:expr; $($scenario:ident),*) => {
        $(
            #[test]
            fn $scenario() {
                $crate::conformance::$scenario($make_transport);
            }
        )*

        #[test]
        fn loopback_bypasses_proxies_from_the_environment() {
            $crate::conformance::loopback_bypasses_proxies_from_the_environment(
                $make_transport,
                module_path!(),
            );
        }
    };
}

/// Runs an [`AsyncTransport`] as a [`SyncTransport`] on a private current-thread runtime, so
/// the async adapters go through the same suite.
pub struct BlockOn<T> {
    transport: T,
    runtime: tokio::runtime::Runtime,
}

impl<T> BlockOn<T> {
    /// Wraps `transport` with a new runtime (I/O and timers enabled).
    ///
    /// # Errors
    ///
    /// The [`std::io::Error`] of starting the runtime.
    pub fn new(transport: T) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self { transport, runtime })
    }
}

impl<T: AsyncTransport> SyncTransport for BlockOn<T> {
    type Error = T::Error;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, T::Error> {
        self.runtime.block_on(self.transport.send(request))
    }
}

fn spawn(config: StandInConfig) -> StandIn {
    StandIn::spawn_with(config).expect("the stand-in starts on 127.0.0.1")
}

fn client(standin: &StandIn, method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(standin.consumer(), user_agent())
        .with_endpoints(standin.endpoints())
        .with_signature_method(method)
}

fn user_agent() -> UserAgent {
    UserAgent::new("discogs-auth-conformance/1.0").expect("a valid user agent")
}

fn callback_url() -> Callback {
    Callback::url("http://127.0.0.1:9/callback").expect("a valid callback")
}

/// A session whose clock follows the stand-in's, as a well-synchronised machine's would.
fn session<T: SyncTransport>(
    standin: &StandIn,
    transport: T,
    method: SignatureMethod,
) -> Session<T> {
    let clock_source = standin.clock();
    Session::new(client(standin, method), transport).with_clock(move || clock_source.now())
}

fn approved<T: SyncTransport>(standin: &StandIn, session: &Session<T>) -> AuthorizedRequestToken
where
    T::Error: Debug,
{
    let request_token = session
        .request_token(&callback_url())
        .expect("a request token");
    let approval = standin
        .approve(request_token.token.as_str())
        .expect("the user approves");
    let redirect = approval.redirect_url.expect("a redirect to the callback");
    request_token
        .authorize_from_callback(&redirect)
        .expect("the callback approves this token")
}

fn api_error<E: Debug>(result: Result<impl Debug, FlowError<E>>) -> (String, ApiError) {
    match result {
        Err(FlowError::Reply(error)) => {
            let variant = format!("{error:?}");
            let variant = variant.split('(').next().unwrap_or_default().to_owned();
            let api_error = error.api_error().cloned().expect("an error reply");
            (variant, api_error)
        }
        other => panic!("expected an error reply, got {other:?}"),
    }
}

fn search_request(standin: &StandIn, query: &str) -> Request<Vec<u8>> {
    Request::get(format!("{}/database/search?{query}", standin.base_url()))
        .body(Vec::new())
        .expect("a valid request")
}

fn json(response: &Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(response.body()).expect("a JSON body")
}

fn happy_path<T, F>(make_transport: F, method: SignatureMethod)
where
    F: Fn() -> T,
    T: SyncTransport,
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), method);
    let request_token = session
        .request_token(&callback_url())
        .expect("a request token");
    assert_eq!(
        session.authorize_url(&request_token),
        format!(
            "{}/oauth/authorize?oauth_token={}",
            standin.base_url(),
            request_token.token
        )
    );
    let redirect = standin
        .approve(request_token.token.as_str())
        .expect("the user approves")
        .redirect_url
        .expect("a redirect");
    assert!(
        redirect.starts_with("http://127.0.0.1:9/callback?oauth_token="),
        "{redirect}"
    );
    let authorized = request_token
        .authorize_from_callback(&redirect)
        .expect("approved");
    let access_token = session.access_token(&authorized).expect("an access token");
    let identity = session.identity(&access_token).expect("the identity");
    assert_eq!(
        (identity.id, identity.username.as_str()),
        (DEMO_USER_ID, DEMO_USERNAME)
    );

    let found = session
        .send_signed(
            &access_token,
            search_request(&standin, "q=Sigur%20R%C3%B3s&type=release&per_page=50"),
        )
        .expect("a signed search with a query");
    let found = json(&found);
    assert_eq!(found["tier"], "oauth");
    assert_eq!(found["query"]["q"], "Sigur Rós");
    assert_eq!(found["query"]["per_page"], "50");
}

/// Request token → authorize → access token → identity → a signed search, with PLAINTEXT.
pub fn happy_path_plaintext<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    happy_path(make_transport, SignatureMethod::Plaintext);
}

/// The same with HMAC-SHA1, whose base string covers the query.
pub fn happy_path_hmac_sha1<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    happy_path(make_transport, SignatureMethod::HmacSha1);
}

/// The user clicks Deny.
pub fn denied<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::Plaintext);
    let request_token = session
        .request_token(&callback_url())
        .expect("a request token");
    let redirect = standin
        .deny(request_token.token.as_str())
        .expect("the user denies")
        .expect("a redirect");
    assert_eq!(
        request_token.authorize_from_callback(&redirect),
        Err(CallbackError::Denied)
    );
}

/// A callback for another request token (a stale tab) is refused.
pub fn callback_token_mismatch<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::Plaintext);
    let stale = session
        .request_token(&callback_url())
        .expect("a request token");
    let current = session
        .request_token(&callback_url())
        .expect("a request token");
    let redirect = standin
        .approve(stale.token.as_str())
        .expect("approved")
        .redirect_url
        .expect("a redirect");
    assert_eq!(
        current.authorize_from_callback(&redirect),
        Err(CallbackError::TokenMismatch)
    );
}

/// After 15 minutes the request token is dead: the client refuses to send, and a client that
/// thinks otherwise gets the provider's 400, a refused exchange that needs a new login.
pub fn expired_request_token<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::HmacSha1);
    let authorized = approved(&standin, &session);
    standin.advance_clock(16 * 60);
    match session.access_token(&authorized) {
        Err(FlowError::Request(RequestError::RequestTokenExpired { expired_at })) => {
            assert_eq!(expired_at, authorized.request_token.expires_at());
        }
        other => panic!("expected a local expiry refusal, got {other:?}"),
    }
    let mistaken = AuthorizedRequestToken {
        request_token: RequestToken {
            issued_at: standin.now(),
            ..authorized.request_token.clone()
        },
        verifier: authorized.verifier.clone(),
    };
    let refused = session.access_token(&mistaken);
    assert!(refused.as_ref().is_err_and(FlowError::must_restart_login));
    let (variant, error) = api_error(refused);
    assert_eq!(variant, "AccessTokenRefused");
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert!(
        error.message.to_lowercase().contains("expired"),
        "{}",
        error.message
    );
}

/// A wrong consumer secret: the provider's plain-text 401 becomes `Unauthorized`.
pub fn wrong_consumer_secret<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    for method in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1] {
        let wrong = Consumer::new(standin.consumer().key.as_str(), "not-the-secret")
            .expect("valid credentials");
        let client = OAuthClient::new(wrong, user_agent())
            .with_endpoints(standin.endpoints())
            .with_signature_method(method);
        let session = Session::new(client, make_transport());
        let (variant, error) = api_error(session.request_token(&Callback::OutOfBand));
        assert_eq!(variant, "Unauthorized");
        assert_eq!(error.status, StatusCode::UNAUTHORIZED);
        assert_eq!(error.message, "Invalid signature.");
        assert!(!error.message.contains("not-the-secret"));
    }
}

/// A verifier works once.
pub fn replayed_verifier<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::Plaintext);
    let authorized = approved(&standin, &session);
    session
        .access_token(&authorized)
        .expect("the first exchange works");
    let (variant, error) = api_error(session.access_token(&authorized));
    assert_eq!(variant, "AccessTokenRefused");
    assert!(
        matches!(
            error.status,
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED
        ),
        "{error}"
    );
}

/// A clock ten minutes slow: the request-token refusal blames the clock, and so does the
/// refusal of a later step (an access token from an earlier login, used on this machine,
/// must not look revoked), by the stand-in's `Date`.
pub fn stale_timestamp<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let slow = OffsetClock {
        inner: standin.clock(),
        offset_seconds: -600,
    };
    let slow_session = Session::new(
        client(&standin, SignatureMethod::HmacSha1),
        make_transport(),
    )
    .with_clock(slow);
    match slow_session.request_token(&Callback::OutOfBand) {
        Err(FlowError::Reply(ReplyError::ClockSkew { error, .. })) => {
            assert_eq!(error.status, StatusCode::UNAUTHORIZED);
        }
        other => panic!("expected ClockSkew, got {other:?}"),
    }

    let on_time = session(&standin, make_transport(), SignatureMethod::HmacSha1);
    let access_token = on_time
        .access_token(&approved(&standin, &on_time))
        .expect("an access token");
    match slow_session.identity(&access_token) {
        Err(FlowError::Reply(ReplyError::ClockSkew {
            skew_seconds: Some(skew),
            error,
        })) => {
            assert_eq!(error.status, StatusCode::UNAUTHORIZED);
            // The `Date` has whole seconds, and a second may tick during the exchange.
            assert!((-601..=-599).contains(&skew), "{skew}");
        }
        other => panic!("expected ClockSkew, got {other:?}"),
    }
}

/// Discogs Auth: token and key/secret, by header and by query, through a `Session` and through
/// a `DiscogsAuthSession`.
pub fn discogs_auth_by_header_and_query<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::Plaintext);
    let consumer = standin.consumer();
    let cases = [
        (DiscogsAuth::Token(standin.personal_token()), "token"),
        (DiscogsAuth::KeySecret(consumer), "key_secret"),
    ];
    for (auth, tier) in cases {
        for (placement, via) in [(Placement::Header, "header"), (Placement::Query, "query")] {
            let token_session =
                DiscogsAuthSession::new(auth.clone(), user_agent(), make_transport())
                    .with_placement(placement)
                    .with_endpoints(standin.endpoints());
            for found in [
                session
                    .send_with_discogs_auth(&auth, placement, search_request(&standin, "q=Nirvana"))
                    .expect("an authenticated search"),
                token_session
                    .send(search_request(&standin, "q=Nirvana"))
                    .expect("an authenticated search"),
            ] {
                let found = json(&found);
                assert_eq!(
                    (found["tier"].as_str(), found["via"].as_str()),
                    (Some(tier), Some(via))
                );
                assert_eq!(found["query"], serde_json::json!({"q": "Nirvana"}));
            }
        }
    }
}

/// Past the limit, a signed call fails with `RateLimited` and the figures.
pub fn rate_limited<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig {
        authenticated_limit: 3,
        ..StandInConfig::default()
    });
    let session = session(&standin, make_transport(), SignatureMethod::HmacSha1);
    let auth = DiscogsAuth::Token(standin.personal_token());
    for _ in 0..3 {
        session
            .send_with_discogs_auth(&auth, Placement::Header, search_request(&standin, "q=a"))
            .expect("within the limit");
    }
    match session.send_with_discogs_auth(&auth, Placement::Header, search_request(&standin, "q=a"))
    {
        Err(FlowError::Reply(ReplyError::RateLimited(error))) => {
            assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                error.rate_limit,
                Some(RateLimit {
                    limit: 3,
                    used: 3,
                    remaining: 0
                })
            );
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

/// An auth endpoint that redirects is reported, not followed.
pub fn redirect_is_not_followed<T: SyncTransport>(make_transport: impl Fn() -> T)
where
    T::Error: Debug,
{
    let standin = spawn(StandInConfig::default());
    let base = format!("{}/redirect", standin.base_url());
    let endpoints = Endpoints::new(&base, &format!("{base}/oauth/authorize")).expect("valid URLs");
    let session = Session::new(
        client(&standin, SignatureMethod::Plaintext).with_endpoints(endpoints),
        make_transport(),
    );
    let (variant, error) = api_error(session.request_token(&Callback::OutOfBand));
    assert_eq!(variant, "Status");
    assert_eq!(error.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        error.message,
        "Temporary Redirect (to /oauth/request_token)"
    );
}

/// A reply larger than the limit is an error, never a truncated body.
pub fn oversized_body_is_refused<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let standin = spawn(StandInConfig::default());
    let base = format!("{}/oversized", standin.base_url());
    let endpoints = Endpoints::new(&base, &format!("{base}/oauth/authorize")).expect("valid URLs");
    let session = Session::new(
        client(&standin, SignatureMethod::Plaintext).with_endpoints(endpoints),
        make_transport(),
    );
    match session.request_token(&Callback::OutOfBand) {
        Err(FlowError::Transport(TransportError::BodyTooLarge { limit })) => {
            assert_eq!(limit, DEFAULT_BODY_LIMIT);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

/// A success reply without a `Content-Length` is refused as soon as its chunks pass the
/// limit, not read on.
pub fn oversized_chunked_body_is_refused<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, _served) = one_request_server(|socket| {
        answer_large(socket, "200 OK", "", true);
    });
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    match make_transport().send(request) {
        Err(TransportError::BodyTooLarge { limit }) => assert_eq!(limit, DEFAULT_BODY_LIMIT),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

/// An error reply larger than the limit (a CDN's page, a chatty 429) is cut at the limit, not
/// refused: its status and rate-limit figures reach the caller, whether it declared its
/// length or sent chunks.
pub fn oversized_error_reply_keeps_its_status<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    for chunked in [false, true] {
        let (url, _served) = one_request_server(move |socket| {
            let headers = "X-Discogs-Ratelimit: 60\r\nX-Discogs-Ratelimit-Used: 60\r\n\
                           X-Discogs-Ratelimit-Remaining: 0\r\n";
            answer_large(socket, "429 Too Many Requests", headers, chunked);
        });
        let request = Request::get(url).body(Vec::new()).expect("a valid request");
        let reply = make_transport().send(request).expect("a reply");
        assert_eq!(
            reply.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "chunked: {chunked}"
        );
        assert_eq!(reply.body().len(), DEFAULT_BODY_LIMIT, "chunked: {chunked}");
        assert_eq!(
            reply.extensions().get::<BodyCut>(),
            Some(&BodyCut {
                limit: DEFAULT_BODY_LIMIT
            })
        );
        match discogs_auth_core::check_reply(&reply, &[]) {
            Err(ReplyError::RateLimited(error)) => {
                assert_eq!(
                    error.rate_limit,
                    Some(RateLimit {
                        limit: 60,
                        used: 60,
                        remaining: 0
                    })
                );
                // Plain text that runs to the cut is not read for a message.
                assert_eq!(error.message, "Too Many Requests");
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
    }
}

/// Answers with `status`, `headers` and a text body a megabyte over [`DEFAULT_BODY_LIMIT`],
/// declared with `Content-Length` or sent in chunks (or until the client hangs up).
fn answer_large(socket: &mut TcpStream, status: &str, headers: &str, chunked: bool) {
    let mut body = b"You are making requests too quickly. ".to_vec();
    body.resize(DEFAULT_BODY_LIMIT + (1 << 20), b'x');
    let length = if chunked {
        "Transfer-Encoding: chunked\r\n".to_owned()
    } else {
        format!("Content-Length: {}\r\n", body.len())
    };
    let head = format!("HTTP/1.1 {status}\r\n{headers}{length}\r\n");
    let mut send = |bytes: &[u8]| socket.write_all(bytes).is_ok();
    if !send(head.as_bytes()) {
        return;
    }
    for piece in body.chunks(64 * 1024) {
        let sent = if chunked {
            send(format!("{:x}\r\n", piece.len()).as_bytes()) && send(piece) && send(b"\r\n")
        } else {
            send(piece)
        };
        if !sent {
            return;
        }
    }
    if chunked {
        send(b"0\r\n\r\n");
    }
}

/// A URL with a user name or password is refused before anything is sent: one client would
/// send them as Basic credentials, another drop them.
pub fn url_with_credentials_is_refused<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, served) = one_request_server(answer_ok);
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let request = Request::get(url.replace("http://", "http://user:pa55word@"))
        .body(Vec::new())
        .expect("a valid request");
    match make_transport().send(request) {
        Err(TransportError::CredentialsInUrl) => {}
        other => panic!("expected CredentialsInUrl, got {other:?}"),
    }
    // The server's first connection is this empty one: the transport never connected.
    drop(TcpStream::connect(address));
    assert_eq!(served.join().expect("the server thread"), b"");
}

/// `http://` to anything but loopback is refused before a connection is attempted. The host
/// is under `.invalid`, which never resolves, so even a regression sends nothing anywhere.
pub fn plain_http_to_another_host_is_refused<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let endpoints = Endpoints::new(
        "http://discogs.invalid",
        "http://discogs.invalid/oauth/authorize",
    )
    .expect("valid URLs");
    let client = OAuthClient::new(
        Consumer::new("key", "secret").expect("valid credentials"),
        user_agent(),
    )
    .with_endpoints(endpoints);
    match Session::new(client, make_transport()).request_token(&Callback::OutOfBand) {
        Err(FlowError::Transport(TransportError::InsecureUrl { host })) => {
            assert_eq!(host, "discogs.invalid");
        }
        other => panic!("expected InsecureUrl, got {other:?}"),
    }
}

/// A server on a loopback port for one request: it reads the request's head, hands it to
/// `answer` with the connection, and its thread returns the head.
fn one_request_server(
    answer: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> (String, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/", listener.local_addr().expect("bound"));
    let served = std::thread::spawn(move || {
        let mut head = Vec::new();
        let Ok((mut socket, _)) = listener.accept() else {
            return head;
        };
        let mut buffer = [0; 1024];
        while !head.ends_with(b"\r\n\r\n") {
            match socket.read(&mut buffer) {
                Ok(0) | Err(_) => return head,
                Ok(read) => head.extend_from_slice(&buffer[..read]),
            }
        }
        answer(&mut socket);
        head
    });
    (url, served)
}

/// Answers `200 OK` with the body `ok` (the client may already have gone: nothing to do then).
fn answer_ok(socket: &mut TcpStream) {
    let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
}

/// A port nobody listens on is a client error whose message says why, down to the operating
/// system's words, and holds no URL: the client's own top line (reqwest's is "error sending
/// request") would tell a user nothing.
pub fn refused_connection_says_so<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let closed = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!(
        "http://{}/oauth/identity?token=secret-in-query",
        closed.local_addr().expect("bound")
    );
    drop(closed);
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let error = make_transport().send(request).expect_err("nobody listens");
    let message = error.to_string();
    assert!(matches!(error, TransportError::Client(_)), "{error:?}");
    assert!(
        message.starts_with("the HTTP request failed: ")
            && message.to_lowercase().contains("connection refused"),
        "{message}"
    );
    assert!(!message.contains("secret-in-query"), "{message}");
    assert!(!message.contains("127.0.0.1"), "{message}");
}

/// A reply that is not valid HTTP/1.1 is [`TransportError::Protocol`], not transient (a retry
/// would get the same garbage from the same broken proxy), and its message holds no URL.
pub fn reply_that_is_not_http_says_so<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let many_headers: String = (0..300).map(|at| format!("X-{at}: x\r\n")).collect();
    let replies: [(&str, String); 5] = [
        (
            "status line",
            "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok".to_owned(),
        ),
        (
            "NUL in a header",
            "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok".to_owned(),
        ),
        (
            "Content-Length",
            "HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok".to_owned(),
        ),
        (
            "300 headers",
            format!("HTTP/1.1 200 OK\r\n{many_headers}Content-Length: 2\r\n\r\nok"),
        ),
        (
            "chunk",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n".to_owned(),
        ),
    ];
    for (case, reply) in replies {
        let (url, served) = one_request_server(move |socket| {
            let _ = socket.write_all(reply.as_bytes());
        });
        let request = Request::get(format!("{url}oauth/identity?token=secret-in-query"))
            .body(Vec::new())
            .expect("a valid request");
        let error = make_transport().send(request).expect_err(case);
        served.join().expect("the server thread");
        let message = error.to_string();
        assert!(
            matches!(error, TransportError::Protocol(_)),
            "{case}: {error:?}"
        );
        assert!(!error.is_transient(), "{case}");
        assert!(
            message.starts_with("the reply is not valid HTTP: "),
            "{case}: {message}"
        );
        assert!(!message.contains("secret-in-query"), "{case}: {message}");
        assert!(!message.contains("127.0.0.1"), "{case}: {message}");
    }

    // A valid head whose body the connection cuts short is the network's failure: transient.
    let (url, served) = one_request_server(|socket| {
        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok");
    });
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let error = make_transport()
        .send(request)
        .expect_err("a body cut short");
    served.join().expect("the server thread");
    assert!(matches!(error, TransportError::Client(_)), "{error:?}");
    assert!(error.is_transient());
}

/// An `https://` URL whose server does not speak TLS (here, plain HTTP on that port) fails
/// the handshake the same way every time: [`TransportError::Tls`], not transient.
pub fn server_without_tls_says_so<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("bound");
    let served = std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else {
            return;
        };
        let mut hello = [0; 1024];
        let _ = socket.read(&mut hello);
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        // Open until the client hangs up: closed with its bytes unread, the socket would be
        // reset, and the client could see the reset before the reply.
        let _ = socket.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = socket.read_to_end(&mut Vec::new());
    });
    let request = Request::get(format!(
        "https://{address}/oauth/identity?token=secret-in-query"
    ))
    .body(Vec::new())
    .expect("a valid request");
    let error = make_transport().send(request).expect_err("no TLS");
    served.join().expect("the server thread");
    assert!(matches!(error, TransportError::Tls(_)), "{error:?}");
    assert!(!error.is_transient());
    let message = error.to_string();
    assert!(
        message.starts_with("the TLS handshake failed: "),
        "{message}"
    );
    assert!(!message.contains("secret-in-query"), "{message}");
}

/// A GET with an empty body goes out with no body at all: no `Content-Length: 0`, which
/// RFC 9110 asks clients not to send on a GET.
pub fn bodiless_get_sends_no_content_length<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, served) = one_request_server(answer_ok);
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let reply = make_transport().send(request).expect("a reply");
    assert_eq!(reply.body(), b"ok");
    let head = String::from_utf8_lossy(&served.join().expect("the server thread")).to_lowercase();
    assert!(head.starts_with("get / http/1.1\r\n"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
    assert!(!head.contains("transfer-encoding"), "{head}");
}

/// A transport given a body limit of 16 bytes keeps it: a 17-byte reply is refused with that
/// limit, a 16-byte one arrives whole.
pub fn body_limit_set_is_kept<T>(make_transport: impl Fn(usize) -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    const LIMIT: usize = 16;
    let answer = |body: &'static [u8]| {
        move |socket: &mut TcpStream| {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let _ = socket.write_all(head.as_bytes());
            let _ = socket.write_all(body);
        }
    };
    let (url, _served) = one_request_server(answer(b"seventeen bytes!!"));
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    match make_transport(LIMIT).send(request) {
        Err(TransportError::BodyTooLarge { limit }) => assert_eq!(limit, LIMIT),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    let (url, _served) = one_request_server(answer(b"sixteen bytes!!!"));
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let reply = make_transport(LIMIT)
        .send(request)
        .expect("a reply at the limit");
    assert_eq!(reply.body(), b"sixteen bytes!!!");
}

/// A request's body reaches the server: the user's click on the stand-in's authorize page,
/// a form POST, approves the request token (a transport that dropped the body would get
/// `Parameter not found`).
pub fn form_body_arrives<T>(make_transport: impl Fn() -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let standin = spawn(StandInConfig::default());
    let session = session(&standin, make_transport(), SignatureMethod::Plaintext);
    let request_token = session
        .request_token(&callback_url())
        .expect("a request token");
    let click = Request::post(format!("{}/oauth/authorize", standin.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("oauth_token={}&action=approve", request_token.token).into_bytes())
        .expect("a valid request");
    let reply = make_transport().send(click).expect("a reply");
    assert_eq!(reply.status(), StatusCode::FOUND);
    let location = reply.headers()["location"]
        .to_str()
        .expect("an ASCII location");
    let authorized = request_token
        .authorize_from_callback(location)
        .expect("the redirect approves this token");
    session
        .access_token(&authorized)
        .expect("an access token for the verifier the click made");
}

/// With a proxy in the transport's own settings, requests to other hosts go through it, while
/// those to loopback still go straight there. `make_transport` is given the proxy's URL. The
/// proxy refuses every tunnel, so nothing leaves the machine.
pub fn other_hosts_go_through_the_configured_proxy<T>(make_transport: impl Fn(&str) -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (proxy_url, proxy_saw) = one_request_server(|socket| {
        let _ = socket.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    let proxy_url = proxy_url.trim_end_matches('/').to_owned();
    let transport = make_transport(&proxy_url);

    let identity = Request::get("https://api.discogs.com/oauth/identity")
        .body(Vec::new())
        .expect("a valid request");
    let refused = transport.send(identity);
    // Had the request not gone to the proxy, this connection is the one it takes.
    let _ = TcpStream::connect(proxy_url.trim_start_matches("http://"));
    let head = String::from_utf8_lossy(&proxy_saw.join().expect("the proxy thread")).to_lowercase();
    assert!(
        head.starts_with("connect api.discogs.com:443 http/1.1\r\n"),
        "the proxy saw {head:?}, and the transport answered {refused:?}"
    );
    assert!(refused.is_err(), "{refused:?}");

    // The proxy now takes no connection at all: a loopback request sent to it would fail.
    let (url, served) = one_request_server(answer_ok);
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let reply = transport
        .send(request)
        .expect("a reply, straight from loopback");
    assert_eq!(reply.body(), b"ok");
    assert!(!served.join().expect("the server thread").is_empty());
}

/// A reply whose body trickles in must fail when the transport's timeout for the whole request
/// is up, not wait as long as bytes keep coming. Pass a transport allowed at most one second:
/// the body takes eight, a byte every 200 ms, so a timeout that only bounds each read never
/// fires.
pub fn trickling_body_times_out<T>(transport: T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, _served) = one_request_server(|socket| {
        let body_len = 40;
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {body_len}\r\n\r\n");
        if socket.write_all(head.as_bytes()).is_err() {
            return;
        }
        // Ends when the client hangs up.
        for _ in 0..body_len {
            std::thread::sleep(Duration::from_millis(200));
            if socket.write_all(b"x").is_err() {
                return;
            }
        }
    });
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    match transport.send(request) {
        Err(TransportError::Timeout) => {}
        other => panic!("expected the request to time out, got {other:?}"),
    }
}

/// A server that takes the request and never answers: the transport's timeout (pass one of at
/// most a second) ends the wait for the reply's head, as [`TransportError::Timeout`].
pub fn silent_server_times_out<T>(transport: T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, _served) = one_request_server(|socket| {
        // Holds the connection open until the client hangs up.
        let _ = socket.read(&mut [0; 1]);
    });
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    match transport.send(request) {
        Err(TransportError::Timeout) => {}
        other => panic!("expected the request to time out, got {other:?}"),
    }
}

/// A timeout longer than any deadline the clock can hold (`Duration::MAX`) still sends the
/// request and reads the reply: `make_transport` is given it, and the adapter caps it at
/// [`MAX_TIMEOUT`](discogs_auth_core::MAX_TIMEOUT) instead of panicking.
pub fn longest_timeout_still_answers<T>(make_transport: impl Fn(Duration) -> T)
where
    T: SyncTransport<Error = TransportError>,
{
    let (url, _served) = one_request_server(answer_ok);
    let request = Request::get(url).body(Vec::new()).expect("a valid request");
    let reply = make_transport(Duration::MAX)
        .send(request)
        .expect("a reply within the capped timeout");
    assert_eq!(reply.status(), StatusCode::OK);
}

/// Requests to loopback go straight there even when the environment names a proxy: through
/// one, they would leave the machine (in clear, for `http://`) or not arrive at all.
///
/// A transport reads the environment when it is made, and setting it in a running test is
/// unsound, so the test runs itself again in a child process whose environment names a proxy
/// that records any use. `module` is the calling test's `module_path!()`.
pub fn loopback_bypasses_proxies_from_the_environment<T>(
    make_transport: impl Fn() -> T,
    module: &str,
) where
    T: SyncTransport<Error = TransportError>,
{
    const CHILD: &str = "DISCOGS_AUTH_CONFORMANCE_PROXY_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let (url, served) = one_request_server(answer_ok);
        let request = Request::get(url).body(Vec::new()).expect("a valid request");
        let reply = make_transport()
            .send(request)
            .expect("a reply, straight from loopback");
        assert_eq!(reply.body(), b"ok");
        assert!(!served.join().expect("the server thread").is_empty());
        return;
    }
    let proxy = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("bound"));
    let proxy_used = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let used = std::sync::Arc::clone(&proxy_used);
    std::thread::spawn(move || {
        // Hangs up at once, so that a request sent this way fails fast.
        for connection in proxy.incoming() {
            used.store(true, std::sync::atomic::Ordering::SeqCst);
            drop(connection);
        }
    });
    // libtest names a test by its path without the crate.
    let test = match module.split_once("::") {
        Some((_, path)) => format!("{path}::loopback_bypasses_proxies_from_the_environment"),
        None => "loopback_bypasses_proxies_from_the_environment".to_owned(),
    };
    let mut child = std::process::Command::new(std::env::current_exe().expect("this test"));
    child.args([test.as_str(), "--exact", "--test-threads=1"]);
    child.env(CHILD, "1");
    for variable in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        child.env(variable, &proxy_url);
    }
    for variable in ["NO_PROXY", "no_proxy"] {
        child.env_remove(variable);
    }
    let output = child.output().expect("the test runs again");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("1 passed"), "the child ran no test: {shown}");
    assert!(
        !proxy_used.load(std::sync::atomic::Ordering::SeqCst),
        "a request to loopback went to the proxy"
    );
}
