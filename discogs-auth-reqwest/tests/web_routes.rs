//! The `web` example's HTTP surface, without a browser: its modules are compiled into this
//! test, served on a loopback port against a stand-in, and driven with reqwest (no redirects
//! followed, cookies handled by hand), so every status, header and cookie is checked exactly.
//!
//! The app's transport records every token secret the provider hands out, and every reply the
//! app sends is kept, so the tests can check that no secret or verifier ever reaches the
//! browser.

#[path = "../examples/web/config.rs"]
mod config;
#[path = "../examples/web/cookie.rs"]
mod cookie;
#[path = "../examples/web/pages.rs"]
mod pages;
#[path = "../examples/web/routes.rs"]
mod routes;
#[path = "../examples/web/store.rs"]
mod store;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use discogs_auth_reqwest::encoding::FormPairs;
use discogs_auth_reqwest::http::{Request, Response};
use discogs_auth_reqwest::{
    AsyncTransport, DISCOGS_API_BASE, Identity, OAuthClient, ReqwestTransport, Session,
    TransportError, UserAgent,
};
use discogs_auth_standin::{DEMO_USERNAME, StandIn, StandInConfig};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use routes::{App, Limits};
use store::{ExpiringMap, SessionId};

/// What the provider handed out, as seen by the app's transport.
#[derive(Default)]
struct Seen {
    /// Every `oauth_token_secret` in a reply (request and access tokens).
    secrets: Vec<String>,
    /// Requests sent to the provider, by path.
    requests: Vec<String>,
}

/// The app's transport: reqwest, recording what passes. An access-token request waits while
/// a test holds `exchanges` for writing, and says so on `exchange_waiting`.
#[derive(Clone)]
struct Recording {
    inner: ReqwestTransport,
    seen: Arc<Mutex<Seen>>,
    exchanges: Arc<tokio::sync::RwLock<()>>,
    exchange_waiting: Arc<tokio::sync::Notify>,
}

impl AsyncTransport for Recording {
    type Error = TransportError;

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        let this = self.clone();
        async move {
            let path = request.uri().path().to_owned();
            if path.ends_with("/oauth/access_token") {
                this.exchange_waiting.notify_one();
                drop(this.exchanges.read().await);
            }
            let response = this.inner.send(request).await?;
            let mut seen = this.seen.lock().expect("not poisoned");
            seen.requests.push(path);
            let secret = FormPairs::parse(response.body()).ok().and_then(|form| {
                form.unique("oauth_token_secret")
                    .ok()
                    .flatten()
                    .map(str::to_owned)
            });
            seen.secrets.extend(secret);
            Ok(response)
        }
    }
}

/// One reply of the app.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers[LOCATION].to_str().expect("ASCII")
    }

    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| value.to_str().expect("ASCII"))
            .collect()
    }

    /// The session id from the reply's one `Set-Cookie`, checked to the byte.
    fn new_session(&self) -> String {
        let cookies = self.set_cookies();
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        let id = cookies[0]
            .strip_prefix("session=")
            .and_then(|rest| rest.strip_suffix("; HttpOnly; SameSite=Lax; Path=/"))
            .unwrap_or_else(|| panic!("unexpected cookie {:?}", cookies[0]));
        assert!(SessionId::parse(id).is_some(), "{id}");
        id.to_owned()
    }

    fn reason(&self) -> &str {
        let start = self
            .body
            .find("data-reason=\"")
            .unwrap_or_else(|| panic!("no error reason in {}", self.body))
            + "data-reason=\"".len();
        let end = self.body[start..].find('"').expect("a closing quote");
        &self.body[start..start + end]
    }
}

/// A stand-in, the app on a loopback port, and an HTTP client that follows nothing.
struct Harness {
    standin: StandIn,
    app: Arc<App<Recording>>,
    base: String,
    http: reqwest::Client,
    seen: Arc<Mutex<Seen>>,
    exchanges: Arc<tokio::sync::RwLock<()>>,
    exchange_waiting: Arc<tokio::sync::Notify>,
    replies: Mutex<Vec<Reply>>,
}

impl Harness {
    async fn start(limits: Limits) -> Self {
        Self::start_as(limits, None).await
    }

    /// Like [`Harness::start`], with the app told it is served at `app_url` instead of the
    /// address it listens on.
    async fn start_as(limits: Limits, app_url: Option<&str>) -> Self {
        let standin = StandIn::spawn_with(StandInConfig {
            authenticated_limit: 10_000,
            anonymous_limit: 10_000,
        })
        .expect("the stand-in starts");
        let client = OAuthClient::new(
            standin.consumer(),
            UserAgent::new("web-routes-test/1.0").expect("valid"),
        )
        .with_endpoints(standin.endpoints());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let exchanges = Arc::new(tokio::sync::RwLock::new(()));
        let exchange_waiting = Arc::new(tokio::sync::Notify::new());
        let transport = Recording {
            inner: ReqwestTransport::new().expect("a client"),
            seen: Arc::clone(&seen),
            exchanges: Arc::clone(&exchanges),
            exchange_waiting: Arc::clone(&exchange_waiting),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        // The app's clock is the stand-in's, so a test can expire a request token.
        let discogs = Session::new(client, transport).with_clock(standin.clock());
        let app = Arc::new(
            App::new(discogs, app_url.unwrap_or(&base), None, limits)
                .expect("a valid callback URL"),
        );
        let served = Arc::clone(&app);
        tokio::spawn(async move {
            axum::serve(listener, routes::router(served))
                .await
                .expect("the app serves");
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        Self {
            standin,
            app,
            base,
            http,
            seen,
            exchanges,
            exchange_waiting,
            replies: Mutex::new(Vec::new()),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, session: Option<&str>) -> Reply {
        let request = match session {
            Some(id) => request.header("cookie", format!("other=1; session={id}")),
            None => request,
        };
        let response = request.send().await.expect("the app answers");
        let reply = Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("a body"),
        };
        let copy = Reply {
            status: reply.status,
            headers: reply.headers.clone(),
            body: reply.body.clone(),
        };
        self.replies.lock().expect("not poisoned").push(copy);
        reply
    }

    /// `GET` a path of the app, or an absolute URL (the provider's redirect to the callback).
    async fn get(&self, path_or_url: &str, session: Option<&str>) -> Reply {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base)
        };
        self.send(self.http.get(url), session).await
    }

    async fn post(&self, path: &str, session: Option<&str>) -> Reply {
        self.send(self.http.post(format!("{}{path}", self.base)), session)
            .await
    }

    /// `/login`: the redirect to the authorize page. Returns the request token and the
    /// session id (the one given, or the one the app set).
    async fn start_login(&self, session: Option<&str>) -> (String, String) {
        let reply = self.get("/login", session).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let authorize = format!("{}/oauth/authorize?oauth_token=", self.standin.base_url());
        let token = reply
            .location()
            .strip_prefix(&authorize)
            .unwrap_or_else(|| panic!("not the authorize page: {}", reply.location()))
            .to_owned();
        assert!(
            !token.contains('&'),
            "only the token is in the URL: {token}"
        );
        let session = match session {
            Some(id) => {
                assert!(reply.set_cookies().is_empty(), "the session is kept");
                id.to_owned()
            }
            None => reply.new_session(),
        };
        (token, session)
    }

    /// The user clicks Authorize: the provider's redirect to the app's callback.
    fn approve(&self, token: &str) -> (String, String) {
        let approval = self.standin.approve(token).expect("approved");
        let redirect = approval.redirect_url.expect("a redirect to the callback");
        assert!(
            redirect.starts_with(&format!("{}/callback?", self.base)),
            "{redirect}"
        );
        (redirect, approval.verifier)
    }

    fn deny(&self, token: &str) -> String {
        self.standin
            .deny(token)
            .expect("denied")
            .expect("a redirect to the callback")
    }

    /// No reply so far carried a token secret or one of `verifiers`, anywhere.
    fn assert_no_secret_leaked(&self, verifiers: &[String]) {
        let seen = self.seen.lock().expect("not poisoned");
        assert!(!seen.secrets.is_empty(), "the transport saw no secret");
        let replies = self.replies.lock().expect("not poisoned");
        for secret in seen.secrets.iter().chain(verifiers) {
            for reply in replies.iter() {
                assert!(!reply.body.contains(secret.as_str()), "{}", reply.body);
                for (name, value) in &reply.headers {
                    let value = String::from_utf8_lossy(value.as_bytes());
                    assert!(!value.contains(secret.as_str()), "{name}: {value}");
                }
            }
        }
    }

    fn provider_requests(&self) -> usize {
        self.seen.lock().expect("not poisoned").requests.len()
    }
}

fn small(pending_logins: usize) -> Limits {
    Limits {
        pending_logins,
        ..Limits::default()
    }
}

#[tokio::test]
async fn happy_path_with_exact_cookies_and_no_secret_in_any_reply() {
    let app = Harness::start(Limits::default()).await;
    let home = app.get("/", None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains(r#"id="login" href="/login""#),
        "{}",
        home.body
    );
    assert!(home.set_cookies().is_empty(), "no cookie before a login");
    assert_eq!(home.headers["cache-control"], "no-store");
    assert_eq!(home.headers["referrer-policy"], "no-referrer");
    assert!(
        home.headers["content-security-policy"]
            .to_str()
            .expect("ASCII")
            .contains("default-src 'none'")
    );

    let (token, started_by) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let signed_in = app.get(&callback, Some(&started_by)).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), "/me");
    let session = signed_in.new_session();
    assert_ne!(session, started_by, "a fresh session id at sign-in");

    let me = app.get("/me", Some(&session)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(
        me.body.contains(&format!(
            r#"<strong id="username">{DEMO_USERNAME}</strong>"#
        )),
        "{}",
        me.body
    );
    assert!(me.body.contains(r#"id="logout""#));
    let home = app.get("/", Some(&session)).await;
    assert!(home.body.contains(DEMO_USERNAME) && !home.body.contains(r#"id="login""#));
    // The id the flow started with signs no one in.
    assert_eq!(app.get("/me", Some(&started_by)).await.location(), "/");

    // Signed in, /login does not visit Discogs again (each visit adds an authorized app).
    let requests = app.provider_requests();
    let again = app.get("/login", Some(&session)).await;
    assert_eq!(
        (again.status, again.location()),
        (StatusCode::SEE_OTHER, "/me")
    );
    assert_eq!(app.provider_requests(), requests);

    let logout = app.post("/logout", Some(&session)).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(logout.location(), "/");
    assert_eq!(
        logout.set_cookies(),
        ["session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"]
    );
    assert_eq!(app.get("/me", Some(&session)).await.location(), "/");
    assert!(
        app.get("/", Some(&session))
            .await
            .body
            .contains(r#"id="login""#)
    );

    app.assert_no_secret_leaked(&[verifier]);
}

/// A login started at another name for the app (`localhost` for `127.0.0.1`) is sent to the
/// app's own address first: the session cookie must be set where the callback comes back.
#[tokio::test]
async fn a_login_started_at_another_host_name_moves_to_the_app_s_own() {
    let harness = Harness::start(Limits::default()).await;
    let port = harness.base.rsplit(':').next().expect("a port");
    let request = harness
        .http
        .get(format!("{}/login", harness.base))
        .header("host", format!("localhost:{port}"));
    let reply = harness.send(request, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), format!("{}/login", harness.base));
    assert!(
        reply.set_cookies().is_empty(),
        "no cookie for the other name"
    );
    assert_eq!(harness.provider_requests(), 0);
}

/// On port 80 the app is at `127.0.0.1:80`, and a browser sends `Host: 127.0.0.1` for it: the
/// same address, where the login starts rather than being sent back to it again and again.
#[tokio::test]
async fn a_login_at_port_80_starts_whether_host_names_the_port_or_not() {
    // Only the app's own idea of its address matters here: port 80 itself needs privileges.
    let harness = Harness::start_as(Limits::default(), Some("http://127.0.0.1:80")).await;
    let authorize = format!(
        "{}/oauth/authorize?oauth_token=",
        harness.standin.base_url()
    );
    for host in ["127.0.0.1", "127.0.0.1:80"] {
        let request = harness
            .http
            .get(format!("{}/login", harness.base))
            .header("host", host);
        let reply = harness.send(request, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{host}");
        assert!(
            reply.location().starts_with(&authorize),
            "{host}: {}",
            reply.location()
        );
        reply.new_session();
    }
    for host in ["localhost", "127.0.0.1:8080"] {
        let request = harness
            .http
            .get(format!("{}/login", harness.base))
            .header("host", host);
        let reply = harness.send(request, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{host}");
        assert_eq!(reply.location(), "http://127.0.0.1:80/login", "{host}");
        assert!(reply.set_cookies().is_empty(), "{host}");
    }
}

#[test]
fn host_and_authority_compare_with_http_s_default_port() {
    for (host, authority) in [
        ("127.0.0.1", "127.0.0.1:80"),
        ("127.0.0.1:80", "127.0.0.1"),
        ("127.0.0.1:80", "127.0.0.1:80"),
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("LocalHost", "localhost:80"),
        ("[::1]", "[::1]:80"),
    ] {
        assert!(
            routes::same_authority(host, authority),
            "{host} {authority}"
        );
    }
    for (host, authority) in [
        ("127.0.0.1:8080", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1:8080"),
        ("127.0.0.1:443", "127.0.0.1"),
        ("localhost", "127.0.0.1:80"),
        ("127.0.0.1:080", "127.0.0.1:8080"),
        ("user@127.0.0.1", "127.0.0.1:80"),
        ("", "127.0.0.1:80"),
        ("127.0.0.1", ""),
        ("127.0.0.1/x", "127.0.0.1"),
    ] {
        assert!(
            !routes::same_authority(host, authority),
            "{host} {authority}"
        );
    }
}

#[tokio::test]
async fn replayed_callback_gets_the_unknown_token_page() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    assert_eq!(
        app.get(&callback, Some(&session)).await.status,
        StatusCode::SEE_OTHER
    );
    let replay = app.get(&callback, Some(&session)).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.reason(), "unknown-token");
    assert!(replay.set_cookies().is_empty());
    app.assert_no_secret_leaked(&[verifier]);
}

/// A double click on Authorize brings the callback twice, the second while the first is
/// still being finished. Both answers sign the browser in, to the same session, after one
/// exchange with the provider; before, the second found no pending login and the browser
/// showed its "unknown token" page.
#[tokio::test]
async fn a_callback_brought_twice_at_once_signs_in_once() {
    let app = Harness::start(Limits::default()).await;
    let (token, started_by) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let held = app.exchanges.write().await;
    let first = app.get(&callback, Some(&started_by));
    let second = async {
        app.exchange_waiting.notified().await;
        let release_once_both_wait = async {
            let deadline = Instant::now() + Duration::from_secs(10);
            while app.app.callbacks_waiting(&token) < 2 {
                assert!(
                    Instant::now() < deadline,
                    "the second callback did not wait"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            drop(held);
        };
        tokio::join!(
            app.get(&callback, Some(&started_by)),
            release_once_both_wait
        )
        .0
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.location(), "/me", "{}", first.body);
    assert_eq!(second.location(), "/me", "{}", second.body);
    assert_eq!(first.new_session(), second.new_session());
    let exchanges = |seen: &Seen| {
        let paths = seen.requests.iter();
        paths
            .filter(|path| path.ends_with("/oauth/access_token"))
            .count()
    };
    assert_eq!(exchanges(&app.seen.lock().expect("not poisoned")), 1);
    // Finished, the login is forgotten: brought again with the old cookie, it is unknown.
    let again = app.get(&callback, Some(&started_by)).await;
    assert_eq!(again.reason(), "unknown-token");
    app.assert_no_secret_leaked(&[verifier]);
}

/// The browser a callback signed in, bringing it back (the back button, a reload), is sent to
/// `/me` instead of being told the link is no longer valid, with nothing asked of the provider.
/// A callback still finds no one signed in through the id the flow started with, and signed in
/// elsewhere is still another browser for someone's pending login.
#[tokio::test]
async fn a_used_callback_in_the_browser_it_signed_in_goes_to_me() {
    let app = Harness::start(Limits::default()).await;
    let (token, started_by) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let signed_in = app.get(&callback, Some(&started_by)).await;
    assert_eq!(signed_in.location(), "/me");
    let session = signed_in.new_session();

    let requests = app.provider_requests();
    for (what, used) in [
        ("the used callback", callback.as_str()),
        (
            "a token never issued",
            "/callback?oauth_token=never-issued&oauth_verifier=v",
        ),
    ] {
        let again = app.get(used, Some(&session)).await;
        assert_eq!(
            again.status,
            StatusCode::SEE_OTHER,
            "{what}: {}",
            again.body
        );
        assert_eq!(again.location(), "/me", "{what}");
        assert!(again.set_cookies().is_empty(), "{what}");
    }
    assert_eq!(app.provider_requests(), requests);
    assert_eq!(
        app.get(&callback, Some(&started_by)).await.reason(),
        "unknown-token"
    );

    let (token, owner) = app.start_login(None).await;
    let (callback, second_verifier) = app.approve(&token);
    let refused = app.get(&callback, Some(&session)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.reason(), "other-session");
    assert!(refused.set_cookies().is_empty());
    let finished = app.get(&callback, Some(&owner)).await;
    assert_eq!(finished.location(), "/me");
    assert_ne!(finished.new_session(), session);
    app.assert_no_secret_leaked(&[verifier, second_verifier]);
}

/// A parameter of the application's own in another encoding (Latin-1 `é`) does not stop the
/// login: only Discogs' parameters must be text.
#[tokio::test]
async fn a_callback_with_a_latin1_parameter_of_its_own_finishes() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let finished = app
        .get(&format!("{callback}&next=%E9"), Some(&session))
        .await;
    assert_eq!(finished.status, StatusCode::SEE_OTHER, "{}", finished.body);
    assert_eq!(finished.location(), "/me");
    app.assert_no_secret_leaked(&[verifier]);
}

#[tokio::test]
async fn callback_with_an_unknown_token_is_a_400_page() {
    let app = Harness::start(Limits::default()).await;
    let (_, session) = app.start_login(None).await;
    let unknown = app
        .get(
            "/callback?oauth_token=never-issued&oauth_verifier=v",
            Some(&session),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.reason(), "unknown-token");
    assert!(unknown.body.contains("no longer valid"), "{}", unknown.body);
    assert_eq!(unknown.headers["content-type"], "text/html; charset=utf-8");

    for malformed in [
        "/callback",
        "/callback?oauth_verifier=v",
        "/callback?oauth_token=a&oauth_token=b",
    ] {
        let reply = app.get(malformed, Some(&session)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{malformed}");
        assert_eq!(reply.reason(), "malformed-callback", "{malformed}");
    }
}

#[tokio::test]
async fn callback_in_another_browser_session_is_refused_and_leaves_the_login_to_its_owner() {
    let app = Harness::start(Limits::default()).await;
    let (token, owner) = app.start_login(None).await;
    let (_, other) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);

    let refused = app.get(&callback, Some(&other)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.reason(), "other-session");
    assert!(refused.set_cookies().is_empty());
    // Anyone who saw the authorize URL knows the token; spending it first must not spoil the
    // login for the browser that started it, which still finishes it, once.
    let finished = app.get(&callback, Some(&owner)).await;
    assert_eq!(finished.status, StatusCode::SEE_OTHER);
    assert_eq!(finished.location(), "/me");
    let replay = app.get(&callback, Some(&owner)).await;
    assert_eq!(replay.reason(), "unknown-token");

    // No cookie at all is another session too.
    let (token, _) = app.start_login(None).await;
    let (callback, second_verifier) = app.approve(&token);
    let refused = app.get(&callback, None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.reason(), "other-session");
    app.assert_no_secret_leaked(&[verifier, second_verifier]);
}

#[tokio::test]
async fn denied_shows_the_declined_page() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let callback = app.deny(&token);
    assert!(
        callback.ends_with(&format!("/callback?denied={token}")),
        "{callback}"
    );
    let declined = app.get(&callback, Some(&session)).await;
    assert_eq!(declined.status, StatusCode::OK);
    assert!(
        declined.body.contains(r#"id="declined""#),
        "{}",
        declined.body
    );
    assert!(declined.set_cookies().is_empty(), "still not signed in");
    assert_eq!(app.get("/me", Some(&session)).await.location(), "/");
    assert_eq!(
        app.get(&callback, Some(&session)).await.reason(),
        "unknown-token"
    );
}

#[tokio::test]
async fn callback_after_the_request_token_expired_is_a_400_page() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let requests = app.provider_requests();
    app.standin
        .advance_clock(discogs_auth_reqwest::REQUEST_TOKEN_LIFETIME_SECS + 1);
    let expired = app.get(&callback, Some(&session)).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert_eq!(expired.reason(), "expired");
    assert!(
        expired.body.contains("within 15 minutes"),
        "{}",
        expired.body
    );
    assert_eq!(app.provider_requests(), requests, "refused before sending");
    assert_eq!(
        app.get(&callback, Some(&session)).await.reason(),
        "unknown-token"
    );
    app.assert_no_secret_leaked(&[verifier]);
}

#[tokio::test]
async fn a_callback_with_a_wrong_verifier_is_refused_and_says_to_start_again() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let (callback, verifier) = app.approve(&token);
    let forged = callback.replace(&verifier, "not-the-verifier");
    assert_ne!(forged, callback);
    let refused = app.get(&forged, Some(&session)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.reason(), "refused");
    assert!(
        refused.body.contains("Please start again."),
        "{}",
        refused.body
    );
    app.assert_no_secret_leaked(&[verifier]);
}

#[tokio::test]
async fn callback_naming_two_different_tokens_is_a_mismatch() {
    let app = Harness::start(Limits::default()).await;
    let (token, session) = app.start_login(None).await;
    let reply = app
        .get(
            &format!("/callback?oauth_token={token}&denied=some-other-token"),
            Some(&session),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.reason(), "token-mismatch");
}

#[tokio::test]
async fn pending_logins_are_bounded() {
    let app = Harness::start(small(2)).await;
    let (first, first_session) = app.start_login(None).await;
    let (_, second_session) = app.start_login(None).await;

    let requests = app.provider_requests();
    let full = app.get("/login", None).await;
    assert_eq!(full.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(full.reason(), "too-many-logins");
    assert!(
        full.body.contains("too many logins in progress"),
        "{}",
        full.body
    );
    assert_eq!(full.headers["retry-after"], "60");
    assert_eq!(
        app.provider_requests(),
        requests,
        "a full store costs the provider nothing"
    );

    // A browser that starts again replaces its own pending login rather than adding one.
    let (restarted, _) = app.start_login(Some(&second_session)).await;
    assert_eq!(
        app.get("/login", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    // A finished login makes room.
    let (callback, verifier) = app.approve(&first);
    assert_eq!(
        app.get(&callback, Some(&first_session)).await.status,
        StatusCode::SEE_OTHER
    );
    app.start_login(None).await;
    assert_eq!(
        app.get("/login", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let (callback, second_verifier) = app.approve(&restarted);
    assert_eq!(
        app.get(&callback, Some(&second_session)).await.status,
        StatusCode::SEE_OTHER
    );
    app.assert_no_secret_leaked(&[verifier, second_verifier]);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let app = Harness::start(Limits::default()).await;
    let missing = app.get("/nope", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.reason(), "not-found");
    assert_eq!(
        app.get("/logout", None).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // Garbage in the cookie is no session.
    assert_eq!(app.get("/me", Some("../../etc")).await.location(), "/");
}

#[test]
fn pending_logins_expire_after_fifteen_minutes() {
    let lifetime = Duration::from_secs(discogs_auth_reqwest::REQUEST_TOKEN_LIFETIME_SECS);
    let start = Instant::now();
    let mut map = ExpiringMap::new(2, lifetime);
    map.insert("a".into(), 1, start).expect("room");
    let live = map.get_mut("a", start + lifetime - Duration::from_secs(1));
    assert_eq!(live.copied(), Some(1));
    assert_eq!(map.get_mut("a", start + lifetime), None, "expired");
    assert_eq!(map.get("a", start), None, "forgotten once expired");

    map.insert("b".into(), 2, start).expect("room");
    assert_eq!(
        map.get("b", start + lifetime),
        None,
        "expired at 15 minutes"
    );
    map.insert("c".into(), 3, start).expect("room");
    map.insert("d".into(), 4, start).expect("room");
    assert_eq!(map.insert("e".into(), 5, start), Err(store::StoreFull));
    assert!(!map.has_room(start + Duration::from_secs(60)));
    // Expired entries make room.
    let later = start + lifetime;
    assert!(map.has_room(later));
    map.insert("e".into(), 5, later)
        .expect("room after the purge");
    assert_eq!(map.get("c", later), None);
    assert_eq!(map.get("e", later), Some(&5));
}

#[test]
fn sessions_evict_the_oldest_when_full() {
    let start = Instant::now();
    let mut map = ExpiringMap::new(2, Duration::from_secs(3600));
    map.insert_evicting_oldest("a".into(), 1, start);
    map.insert_evicting_oldest("b".into(), 2, start + Duration::from_secs(1));
    map.insert_evicting_oldest("c".into(), 3, start + Duration::from_secs(2));
    let now = start + Duration::from_secs(3);
    assert_eq!(map.get("a", now), None);
    assert_eq!(map.get("b", now), Some(&2));
    assert_eq!(map.get("c", now), Some(&3));
    assert_eq!(map.remove("b"), Some(2));
    map.retain(|value| *value != 3);
    assert_eq!(map.get("c", now), None);
}

#[test]
fn session_ids_are_random_hex_and_cookies_are_read_strictly() {
    let id = SessionId::generate().expect("the OS random source");
    assert_eq!(id.as_str().len(), 32);
    assert_ne!(id, SessionId::generate().expect("the OS random source"));
    for bad in ["", "abc", &"A".repeat(32), &"g".repeat(32), &"a".repeat(33)] {
        assert_eq!(SessionId::parse(bad), None, "{bad}");
    }
    let mut headers = axum::http::HeaderMap::new();
    headers.append("cookie", "a=1".parse().expect("valid"));
    headers.append(
        "cookie",
        format!("x=y; session={}", id.as_str())
            .parse()
            .expect("valid"),
    );
    assert_eq!(cookie::session_id(&headers), Some(id.clone()));
    let (name, value) = cookie::set(&id);
    assert_eq!(name, "set-cookie");
    assert_eq!(
        value,
        format!("session={}; HttpOnly; SameSite=Lax; Path=/", id.as_str()).as_str()
    );
}

#[test]
fn pages_escape_what_they_show() {
    let identity = Identity::new(7, "<script>alert('x')</script>", "\"><img src=x>", "A & B");
    let response = pages::identity(&identity);
    let body = futures_body(response);
    assert!(
        !body.contains("<script>") && !body.contains("<img"),
        "{body}"
    );
    assert!(
        body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{body}"
    );
    assert!(body.contains("A &amp; B"), "{body}");
    let body = futures_body(pages::home_signed_out(Some("<b>")));
    assert!(
        body.contains("&lt;b&gt;") && !body.contains("<b>"),
        "{body}"
    );
}

fn futures_body(response: axum::response::Response) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let bytes = runtime
        .block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
        .expect("a body");
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn config_from_the_environment() {
    use config::{Config, Provider, from_env};
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    assert_eq!(
        from_env(env(&[])),
        Ok(Config {
            provider: Provider::Demo,
            port: 8080
        })
    );
    assert_eq!(
        from_env(env(&[("PORT", "18080")])).map(|c| c.port),
        Ok(18080)
    );
    let remote = from_env(env(&[
        ("DISCOGS_CONSUMER_KEY", "key"),
        ("DISCOGS_CONSUMER_SECRET", "hunter2"),
    ]))
    .expect("valid");
    assert_eq!(
        remote.provider,
        Provider::Remote {
            consumer_key: "key".into(),
            consumer_secret: "hunter2".into(),
            api_base: DISCOGS_API_BASE.into(),
            authorize_url: "https://www.discogs.com/oauth/authorize".into(),
        }
    );
    assert!(!format!("{remote:?}").contains("hunter2"));
    let custom = from_env(env(&[
        ("DISCOGS_CONSUMER_KEY", "key"),
        ("DISCOGS_CONSUMER_SECRET", "secret"),
        ("DISCOGS_API_BASE", "http://127.0.0.1:9000"),
        ("DISCOGS_AUTHORIZE_URL", "http://127.0.0.1:9000/authorize"),
    ]))
    .expect("valid");
    assert!(matches!(
        custom.provider,
        Provider::Remote { ref api_base, ref authorize_url, .. }
            if api_base == "http://127.0.0.1:9000" && authorize_url == "http://127.0.0.1:9000/authorize"
    ));
    assert_eq!(
        from_env(env(&[("PORT", "eighty")])),
        Err("PORT must be a port number (0 to 65535), not \"eighty\"".into())
    );
    assert_eq!(
        from_env(env(&[("DISCOGS_CONSUMER_KEY", "key")])),
        Err("DISCOGS_CONSUMER_KEY is set but DISCOGS_CONSUMER_SECRET is not".into())
    );
    assert!(
        from_env(env(&[("DISCOGS_API_BASE", "http://127.0.0.1:9000")]))
            .expect_err("needs credentials")
            .starts_with("DISCOGS_API_BASE is set but")
    );
}
