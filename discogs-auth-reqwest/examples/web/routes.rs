//! The app's routes and their shared state.
//!
//! | route | what it does |
//! |---|---|
//! | `GET /` | home: a "Log in with Discogs" link, or who is signed in |
//! | `GET /login` | obtains a request token and redirects to the authorize page |
//! | `GET /callback` | verifier → access token → identity → signed in; `denied` → declined page |
//! | `GET /me` | the signed-in user's identity, fetched with the stored access token |
//! | `POST /logout` | forgets the session |
//!
//! All protocol work is the core's (`Session`, `RequestToken::authorize_from_callback`); this
//! module only keeps state and picks pages.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use discogs_auth_reqwest::{
    AsyncTransport, Callback, CallbackError, FlowError, REQUEST_TOKEN_LIFETIME_SECS, ReplyError,
    RequestToken, Session, UrlError, callback_request_token, secrets_equal,
};
use tokio::sync::watch;

use crate::cookie;
use crate::pages::{self, Problem};
use crate::store::{Finished, PendingLogin, PendingLogins, SessionId, Sessions, SignedIn};

/// How much state the server keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Logins between the redirect and the callback; beyond it, `/login` answers 503.
    pub pending_logins: usize,
    /// Signed-in sessions; beyond it, the oldest is signed out.
    pub sessions: usize,
    /// How long a signed-in session lasts.
    pub session_lifetime: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            pending_logins: 1_000,
            sessions: 10_000,
            session_lifetime: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// Everything the handlers share.
pub struct App<T> {
    discogs: Session<T>,
    /// `host:port` of `app_url`: a login must start there, where the callback comes back.
    authority: String,
    callback: Callback,
    demo: Option<String>,
    pending: Mutex<PendingLogins>,
    sessions: Mutex<Sessions>,
}

impl<T> App<T> {
    /// The app served at `app_url` (`http://127.0.0.1:PORT`), talking to Discogs through
    /// `discogs`. `demo` is the in-process stand-in's address, shown on the home page.
    pub fn new(
        discogs: Session<T>,
        app_url: &str,
        demo: Option<String>,
        limits: Limits,
    ) -> Result<Self, UrlError> {
        let callback = Callback::url(&format!("{}/callback", app_url.trim_end_matches('/')))?;
        // `Callback::url` has just checked that it is an absolute URL with a host.
        let authority = app_url
            .parse::<Uri>()
            .ok()
            .and_then(|url| url.authority().map(ToString::to_string))
            .unwrap_or_default();
        Ok(Self {
            discogs,
            authority,
            callback,
            demo,
            pending: Mutex::new(PendingLogins::new(
                limits.pending_logins,
                Duration::from_secs(REQUEST_TOKEN_LIFETIME_SECS),
            )),
            sessions: Mutex::new(Sessions::new(limits.sessions, limits.session_lifetime)),
        })
    }

    // A panic while a lock is held cannot leave these maps half-updated in a way that
    // matters, so a poisoned lock is used as is rather than failing every later request.
    fn pending(&self) -> MutexGuard<'_, PendingLogins> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many requests wait for the login of request token `token` to be finished.
    #[cfg(test)]
    pub fn callbacks_waiting(&self, token: &str) -> usize {
        self.pending()
            .get(token, Instant::now())
            .and_then(|login| login.finishing.as_ref())
            .map_or(0, |finishing| finishing.receiver_count())
    }

    /// The signed-in user's name for the browser's session, if any.
    fn username(&self, headers: &HeaderMap) -> Option<String> {
        let id = cookie::session_id(headers)?;
        self.sessions()
            .get(id.as_str(), Instant::now())
            .map(|signed_in| signed_in.identity.username.clone())
    }
}

/// The app's routes over `app`.
pub fn router<T>(app: Arc<App<T>>) -> Router
where
    T: AsyncTransport + Send + Sync + 'static,
{
    Router::new()
        .route("/", get(home::<T>))
        .route("/login", get(login::<T>))
        .route("/callback", get(callback::<T>))
        .route("/me", get(me::<T>))
        .route("/logout", post(logout::<T>))
        .fallback(not_found)
        .with_state(app)
}

async fn home<T>(State(app): State<Arc<App<T>>>, headers: HeaderMap) -> Response {
    match app.username(&headers) {
        Some(username) => pages::home_signed_in(&username),
        None => pages::home_signed_out(app.demo.as_deref()),
    }
}

/// Starts a login: a request token from Discogs, kept here, and the browser sent to the
/// authorize page with only the token's public value in the URL.
async fn login<T: AsyncTransport>(State(app): State<Arc<App<T>>>, headers: HeaderMap) -> Response {
    if app.username(&headers).is_some() {
        // Every authorize visit adds an entry to the user's authorized applications on
        // Discogs; a signed-in user keeps the access token they have.
        return pages::see_other("/me");
    }
    // The session cookie must be set on the host the callback comes back to: a login started
    // at `localhost` would come back to `127.0.0.1` without it, and fail.
    let host = headers.get(HOST).and_then(|host| host.to_str().ok());
    if !host.is_some_and(|host| same_authority(host, &app.authority)) {
        return pages::see_other(&format!("http://{}/login", app.authority));
    }
    let (session_id, new_cookie) = match cookie::session_id(&headers) {
        Some(id) => (id, None),
        None => match SessionId::generate() {
            Ok(id) => {
                let set_cookie = cookie::set(&id);
                (id, Some(set_cookie))
            }
            Err(error) => {
                eprintln!("error: cannot make a session id: {error}");
                return pages::problem(Problem::Internal);
            }
        },
    };
    {
        let mut pending = app.pending();
        // One login in progress per browser session: starting again replaces the last one.
        pending.retain(|login| login.started_by != session_id);
        // Checked before asking Discogs, so a full store costs Discogs nothing.
        if !pending.has_room(Instant::now()) {
            return pages::problem(Problem::TooManyLogins);
        }
    }
    let request_token = match app.discogs.request_token_async(&app.callback).await {
        Ok(request_token) => request_token,
        Err(error) => {
            eprintln!("error: the request-token step failed: {error}");
            return pages::problem(Problem::Provider);
        }
    };
    let authorize_url = app.discogs.authorize_url(&request_token);
    let key = request_token.token.as_str().to_owned();
    let login = PendingLogin {
        request_token,
        started_by: session_id,
        finishing: None,
    };
    // Checked again: other logins may have filled the store while Discogs answered.
    if app.pending().insert(key, login, Instant::now()).is_err() {
        return pages::problem(Problem::TooManyLogins);
    }
    let mut response = pages::see_other(&authorize_url);
    if let Some((name, value)) = new_cookie {
        response.headers_mut().append(name, value);
    }
    response
}

/// Whether a `Host` header names the app's `authority`. An http port left out is 80, as both
/// browsers (which leave out `:80`) and the app's own URL (which names it) may write it; a host
/// is the same in any case. Userinfo, never part of a `Host`, matches nothing.
pub fn same_authority(host: &str, authority: &str) -> bool {
    fn normalized(authority: &str) -> Option<(String, u16)> {
        let parsed: Authority = authority.parse().ok()?;
        if parsed.as_str().contains('@') {
            return None;
        }
        let port = parsed.port_u16().unwrap_or(80);
        Some((parsed.host().to_ascii_lowercase(), port))
    }
    normalized(host).is_some_and(|host| normalized(authority) == Some(host))
}

/// Where Discogs sends the browser back. Once the browser that started the login brings it
/// back, the login is finished whatever happens, and a callback brought again afterwards finds
/// nothing. A callback from any other browser is refused and leaves the login to its owner:
/// the request token is in the authorize URL, and whoever saw that URL must not be able to
/// spoil the real user's login by spending it first.
async fn callback<T>(State(app): State<Arc<App<T>>>, headers: HeaderMap, uri: Uri) -> Response
where
    T: AsyncTransport + Send + Sync + 'static,
{
    // The path comes too, so that the core never has to guess whether it was given a URL.
    let callback = uri.path_and_query().map_or("", |target| target.as_str());
    let token = match callback_request_token(callback) {
        Ok(token) => token,
        Err(CallbackError::TokenMismatch) => return pages::problem(Problem::TokenMismatch),
        Err(_) => return pages::problem(Problem::MalformedCallback),
    };
    let outcome = {
        let mut pending = app.pending();
        let Some(login) = pending.get_mut(&token, Instant::now()) else {
            // Released first: one lock at a time cannot deadlock.
            drop(pending);
            return unknown_token(&app, &headers);
        };
        // Login CSRF: only the browser that started the flow may finish it, or an attacker
        // could send a victim to a callback for the attacker's own authorization.
        let same_browser = cookie::session_id(&headers)
            .is_some_and(|id| secrets_equal(id.as_str(), login.started_by.as_str()));
        if !same_browser {
            return pages::problem(Problem::OtherSession);
        }
        match &login.finishing {
            // A second click on Authorize: the same answer as the first.
            Some(finishing) => finishing.subscribe(),
            None => {
                let finishing = Arc::new(watch::channel(None).0);
                login.finishing = Some(Arc::clone(&finishing));
                let outcome = finishing.subscribe();
                let work = finish_login(
                    Arc::clone(&app),
                    login.request_token.clone(),
                    callback.to_owned(),
                );
                finish_in_background(Arc::clone(&app), token, work, finishing);
                outcome
            }
        }
    };
    answer(outcome).await
}

/// Runs `work` apart from the request that brought the callback: a browser drops that request
/// when the user clicks again, and the login must not stop halfway, its request token spent.
/// Whatever happens to `work`, everyone waiting on `finishing` gets an outcome.
fn finish_in_background<T>(
    app: Arc<App<T>>,
    token: String,
    work: impl Future<Output = Finished> + Send + 'static,
    finishing: Arc<watch::Sender<Option<Finished>>>,
) where
    T: Send + Sync + 'static,
{
    let work = tokio::spawn(work);
    tokio::spawn(async move {
        let finished = work.await.unwrap_or(Finished::Problem(Problem::Internal));
        // Told and forgotten under the lock callbacks subscribe under: each either waits for
        // the outcome or finds the login gone.
        let mut pending = app.pending();
        finishing.send_replace(Some(finished));
        pending.remove(&token);
    });
}

/// Verifier → access token → identity → a signed-in session.
async fn finish_login<T: AsyncTransport>(
    app: Arc<App<T>>,
    request_token: RequestToken,
    callback: String,
) -> Finished {
    let authorized = match request_token.authorize_from_callback(&callback) {
        Ok(authorized) => authorized,
        Err(CallbackError::Denied) => return Finished::Declined,
        Err(CallbackError::TokenMismatch) => return Finished::Problem(Problem::TokenMismatch),
        Err(_) => return Finished::Problem(Problem::MalformedCallback),
    };
    let access_token = match app.discogs.access_token_async(&authorized).await {
        Ok(access_token) => access_token,
        Err(error) if error.is_request_token_expired() => {
            return Finished::Problem(Problem::Expired);
        }
        // Retrying cannot mend it, so the page says to start again rather than to wait.
        Err(error) if error.must_restart_login() => {
            eprintln!("error: the access-token exchange was refused: {error}");
            return Finished::Problem(Problem::Refused);
        }
        Err(error) => {
            eprintln!("error: the access-token step failed: {error}");
            return Finished::Problem(Problem::Provider);
        }
    };
    let identity = match app.discogs.identity_async(&access_token).await {
        Ok(identity) => identity,
        Err(error) => {
            eprintln!("error: the identity step failed: {error}");
            return Finished::Problem(Problem::Provider);
        }
    };
    // A fresh id for the signed-in session, never the one the flow started with: an id planted
    // in the browser before the login (session fixation) is worth nothing after it.
    let session_id = match SessionId::generate() {
        Ok(id) => id,
        Err(error) => {
            eprintln!("error: cannot make a session id: {error}");
            return Finished::Problem(Problem::Internal);
        }
    };
    app.sessions().insert_evicting_oldest(
        session_id.as_str().to_owned(),
        SignedIn {
            access_token,
            identity,
        },
        Instant::now(),
    );
    Finished::SignedIn(session_id)
}

/// The page for a finished login, once it is finished.
async fn answer(mut outcome: watch::Receiver<Option<Finished>>) -> Response {
    let finished = match outcome.wait_for(Option::is_some).await {
        Ok(finished) => finished.clone(),
        Err(_) => None,
    };
    match finished {
        Some(Finished::SignedIn(session_id)) => {
            // Away from the callback URL, so a reload does not replay it and the verifier
            // leaves the address bar.
            let mut response = pages::see_other("/me");
            let (name, value) = cookie::set(&session_id);
            response.headers_mut().append(name, value);
            response
        }
        Some(Finished::Declined) => pages::declined(),
        Some(Finished::Problem(problem)) => pages::problem(problem),
        None => pages::problem(Problem::Internal),
    }
}

/// The answer to a callback that names no pending login. A signed-in browser bringing one
/// back (the back button after signing in, a reload) has its login already, so it goes to
/// `/me` rather than being told to start again. Only a signed-in session's own cookie gets
/// there, whether or not the token was ever issued: nothing is spent, and nobody learns anything
/// about the token.
fn unknown_token<T>(app: &App<T>, headers: &HeaderMap) -> Response {
    if app.username(headers).is_some() {
        pages::see_other("/me")
    } else {
        pages::problem(Problem::UnknownToken)
    }
}

/// The identity, fetched now with the session's access token: a signed API call.
async fn me<T: AsyncTransport>(State(app): State<Arc<App<T>>>, headers: HeaderMap) -> Response {
    let Some(session_id) = cookie::session_id(&headers) else {
        return pages::see_other("/");
    };
    let access_token = app
        .sessions()
        .get(session_id.as_str(), Instant::now())
        .map(|signed_in| signed_in.access_token.clone());
    let Some(access_token) = access_token else {
        return pages::see_other("/");
    };
    match app.discogs.identity_async(&access_token).await {
        Ok(identity) => pages::identity(&identity),
        Err(FlowError::Reply(ReplyError::Unauthorized(_))) => {
            // The user revoked the application on Discogs: sign them out here too.
            app.sessions().remove(session_id.as_str());
            let mut response = pages::see_other("/");
            let (name, value) = cookie::clear();
            response.headers_mut().append(name, value);
            response
        }
        Err(error) => {
            eprintln!("error: the identity request failed: {error}");
            pages::problem(Problem::Provider)
        }
    }
}

/// Forgets the session here and in the browser. A POST (`SameSite=Lax` keeps other sites'
/// forms from sending the cookie).
async fn logout<T>(State(app): State<Arc<App<T>>>, headers: HeaderMap) -> Response {
    if let Some(session_id) = cookie::session_id(&headers) {
        app.sessions().remove(session_id.as_str());
        app.pending().retain(|login| login.started_by != session_id);
    }
    let mut response = pages::see_other("/");
    let (name, value) = cookie::clear();
    response.headers_mut().append(name, value);
    response
}

async fn not_found() -> Response {
    pages::problem(Problem::NotFound)
}
