//! The handle: starts the server on its own thread and runtime, and acts on the shared state
//! directly (the user's clicks, the clock).

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::Ipv4Addr;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::Response;
use discogs_auth_core::{Consumer, Endpoints, MAX_TIMEOUT, PersonalToken, Timestamp};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tower::ServiceExt;

use crate::clock::StandInClock;
use crate::state::{self, Shared, State};
use crate::{
    Approval, ConnectionLimits, DEMO_APP_NAME, DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET,
    DEMO_PERSONAL_TOKEN, StandInConfig, StandInError, handlers, reply, tokens,
};

/// How long accepting pauses after an error that is not one client's (such as running out of
/// file descriptors), so that the loop does not spin while nothing can be accepted.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// A running stand-in on `127.0.0.1`. Dropping it (or [`StandIn::shutdown`]) stops the server.
///
/// The server runs on a dedicated OS thread with its own single-threaded tokio runtime, so a
/// stand-in works the same from a plain `#[test]` and from inside another runtime.
pub struct StandIn {
    shared: Shared,
    clock: StandInClock,
    base_url: String,
    endpoints: Endpoints,
    consumer: Consumer,
    personal_token: PersonalToken,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for StandIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandIn")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl StandIn {
    /// Starts a stand-in with Discogs' rate limits on a free port of `127.0.0.1`.
    ///
    /// # Errors
    ///
    /// The [`io::Error`] of binding the port (taken, say) or of starting the server's thread.
    pub fn spawn() -> io::Result<Self> {
        Self::spawn_with(StandInConfig::default())
    }

    /// Starts a stand-in configured by `config` on a free port of `127.0.0.1`, returning once
    /// it listens.
    ///
    /// # Errors
    ///
    /// The [`io::Error`] of binding the port (taken, say) or of starting the server's thread.
    pub fn spawn_with(config: StandInConfig) -> io::Result<Self> {
        Self::spawn_on_port(0, config)
    }

    /// Starts a stand-in on `127.0.0.1:port` (`0`: any free port), returning once it listens.
    ///
    /// # Errors
    ///
    /// The [`io::Error`] of binding the port (taken, say) or of starting the server's thread.
    pub fn spawn_on_port(port: u16, config: StandInConfig) -> io::Result<Self> {
        Self::start(port, config, ConnectionLimits::default())
    }

    /// Starts a stand-in configured by `config` whose server treats connections as `limits`
    /// says, on a free port of `127.0.0.1`, returning once it listens.
    ///
    /// # Errors
    ///
    /// The [`io::Error`] of binding the port (taken, say) or of starting the server's thread.
    pub fn spawn_with_connection_limits(
        config: StandInConfig,
        limits: ConnectionLimits,
    ) -> io::Result<Self> {
        Self::start(0, config, limits)
    }

    fn start(port: u16, config: StandInConfig, limits: ConnectionLimits) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let endpoints = Endpoints::new(&base_url, &format!("{base_url}/oauth/authorize"))
            .map_err(io::Error::other)?;
        let consumer =
            Consumer::new(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET).map_err(io::Error::other)?;
        let personal_token = PersonalToken::new(DEMO_PERSONAL_TOKEN).map_err(io::Error::other)?;
        let clock = StandInClock::default();
        let shared = Arc::new(Mutex::new(State::new(
            config,
            clock.clone(),
            base_url.clone(),
            consumer.clone(),
            DEMO_APP_NAME,
            personal_token.clone(),
        )));

        let app = handlers::router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel();
        let (ready, listening) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("discogs-standin-{}", address.port()))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(error) => {
                            let _ = ready.send(Err(error));
                            return;
                        }
                    };
                    let _ = ready.send(Ok(()));
                    // No graceful shutdown: a client holding a keep-alive connection must not
                    // keep a test's `drop` waiting. Dropping the runtime ends every connection.
                    tokio::select! {
                        () = serve(listener, app, limits) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        match listening.recv() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(error),
            Err(_) => {
                return Err(io::Error::other(
                    "the stand-in's server thread stopped before listening",
                ));
            }
        }
        Ok(Self {
            shared,
            clock,
            base_url,
            endpoints,
            consumer,
            personal_token,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The stand-in's endpoints: API base [`StandIn::base_url`], authorize page
    /// `{base_url}/oauth/authorize`.
    pub fn endpoints(&self) -> Endpoints {
        self.endpoints.clone()
    }

    /// The demo application ([`DEMO_CONSUMER_KEY`], [`DEMO_CONSUMER_SECRET`]).
    pub fn consumer(&self) -> Consumer {
        self.consumer.clone()
    }

    /// The demo user's personal access token ([`DEMO_PERSONAL_TOKEN`]).
    pub fn personal_token(&self) -> PersonalToken {
        self.personal_token.clone()
    }

    /// The stand-in's clock: the system clock plus every [`StandIn::advance_clock`]. Sign
    /// requests with it after advancing, or the stand-in refuses their timestamps.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The stand-in's clock as a value a client can take its timestamps from (it implements
    /// `discogs_auth_core::Clock`), following every later [`StandIn::advance_clock`].
    pub fn clock(&self) -> StandInClock {
        self.clock.clone()
    }

    /// Moves the stand-in's clock forward by `seconds`: expires request tokens, ages nonces,
    /// and empties rate-limit windows without waiting.
    pub fn advance_clock(&self, seconds: u64) {
        self.clock.advance(seconds);
    }

    /// The user clicks Authorize for `request_token`: a single-use verifier, and the redirect
    /// the browser would follow (`None` for an `oob` callback). Approving again before the
    /// exchange answers the same verifier and redirect (a double click must not invalidate
    /// the first redirect); a denied or exchanged token is unknown.
    ///
    /// # Errors
    ///
    /// [`StandInError::UnknownRequestToken`] for a token not pending,
    /// [`StandInError::Expired`] for one issued more than 15 minutes ago, and
    /// [`StandInError::RandomSource`] if no verifier could be made.
    pub fn approve(&self, request_token: &str) -> Result<Approval, StandInError> {
        let mut state = state::lock(&self.shared);
        let now = state.now();
        tokens::approve(&mut state.pending, request_token, now)
    }

    /// The user clicks Deny for `request_token`: the token is forgotten, and the redirect is
    /// `callback?denied=T` (`None` for an `oob` callback).
    ///
    /// # Errors
    ///
    /// [`StandInError::UnknownRequestToken`] for a token not pending, [`StandInError::Expired`]
    /// for one issued more than 15 minutes ago.
    pub fn deny(&self, request_token: &str) -> Result<Option<String>, StandInError> {
        let mut state = state::lock(&self.shared);
        let now = state.now();
        tokens::deny(&mut state.pending, request_token, now)
    }

    /// The stand-in's app over the same state as the server, for in-process tests through
    /// `tower::ServiceExt::oneshot`. Requests without a client address count as `127.0.0.1`.
    pub fn router(&self) -> axum::Router {
        handlers::router(Arc::clone(&self.shared))
    }

    /// The shared state, for the crate's own tests to set up what the API cannot.
    #[cfg(test)]
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        state::lock(&self.shared)
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(self) {
        drop(self);
    }
}

/// Serves `app` on `listener`, a task per connection, within `limits`, until the stand-in
/// stops: it drops the runtime, which ends every connection with it.
async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits) {
    let permits = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper adds the timeout to the current instant, which must not overflow: the core's
        // cap on the adapters' timeouts serves here too.
        .header_read_timeout(limits.header_read_timeout.min(MAX_TIMEOUT));
    // While every connection is taken, a pooling client's idle keep-alive connections would
    // keep its next requests waiting in the backlog until the header read timeout. So while
    // `full`, each reply closes its connection, and `crowded` is raised (every
    // `CROWDED_AGAIN`) for connections idle since their last reply for `IDLE_GRACE` to close.
    let full = Arc::new(AtomicBool::new(false));
    let (crowded, _) = watch::channel(());
    loop {
        // A permit first, then accept: past the cap, clients wait in the listen backlog
        // instead of being accepted and left unserved.
        let permit = loop {
            if let Ok(permit) = Arc::clone(&permits).try_acquire_owned() {
                break permit;
            }
            full.store(true, Ordering::Relaxed);
            crowded.send_replace(());
            let wait = tokio::time::timeout(CROWDED_AGAIN, Arc::clone(&permits).acquire_owned());
            if let Ok(Ok(permit)) = wait.await {
                break permit;
            }
        };
        full.store(false, Ordering::Relaxed);
        let (stream, client) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                if !is_one_client_s_error(&error) {
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
                continue;
            }
        };
        let app = app.clone();
        // When the last reply went out; `None` before the first request and during each.
        let idle_since = Arc::new(Mutex::new(None::<Instant>));
        let (serving, full) = (Arc::clone(&idle_since), Arc::clone(&full));
        let service = service_fn(move |mut request: Request<Incoming>| {
            *state::lock(&serving) = None;
            request.extensions_mut().insert(ConnectInfo(client));
            let reply = app.clone().oneshot(request);
            let (serving, full) = (Arc::clone(&serving), Arc::clone(&full));
            async move {
                let mut reply = match tokio::time::timeout(limits.request_timeout, reply).await {
                    Ok(Ok(reply)) => reply,
                    Err(_) => request_timed_out(),
                };
                if full.load(Ordering::Relaxed) {
                    // Said in the reply, so the client does not send on it again.
                    reply
                        .headers_mut()
                        .insert(CONNECTION, HeaderValue::from_static("close"));
                }
                *state::lock(&serving) = Some(Instant::now());
                Ok::<_, Infallible>(reply)
            }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut crowded = crowded.subscribe();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            // Only a connection idle for a while gives way: a new one's request may be on its
            // way, and a client may be sending on one just served; closed under them, the
            // request would fail.
            let idle_long =
                || state::lock(&idle_since).is_some_and(|at| at.elapsed() >= IDLE_GRACE);
            // A connection's error (a timeout, a client gone, a malformed request) ends that
            // connection alone; there is no one to report it to.
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    signal = crowded.changed() => {
                        match signal {
                            Ok(()) if !idle_long() => continue,
                            Ok(()) => connection.as_mut().graceful_shutdown(),
                            // The server is stopping, and the connection with it.
                            Err(_) => {}
                        }
                        let _ = connection.as_mut().await;
                        break;
                    }
                }
            }
            drop(permit);
        });
    }
}

/// How long a served connection must have been idle before it closes to make room.
const IDLE_GRACE: Duration = Duration::from_secs(1);

/// How often a server at its connection cap asks idle connections again to make room.
const CROWDED_AGAIN: Duration = Duration::from_millis(100);

/// Whether accepting failed because of one client (which is gone), not because of the server.
fn is_one_client_s_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// The reply to a request that took longer than [`ConnectionLimits::request_timeout`]. The
/// connection closes after it: the rest of the request may still be on its way.
fn request_timed_out() -> Response {
    let mut response = reply::text(
        StatusCode::REQUEST_TIMEOUT,
        "Request timeout: the request did not arrive in time.",
    );
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
