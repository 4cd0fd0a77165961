//! Discogs authentication over [`reqwest`]: async with [`ReqwestTransport`], blocking with
//! `BlockingReqwestTransport` (the `blocking` feature).
//!
//! The transports send what [`discogs_auth_core`] builds and hand the reply back; all protocol
//! logic stays in the core, which this crate re-exports. Their defaults are safe for
//! authentication endpoints: redirects are not followed, replies are capped at
//! [`DEFAULT_BODY_LIMIT`] bytes, requests time out, and `http://` is refused except to loopback.
//! The reqwest client's settings are yours to change ([`ReqwestTransport::configured`]), and
//! this works on whatever runtime reqwest runs on.
//!
//! The whole out-of-band login. The repository runs it against a Discogs stand-in on
//! `127.0.0.1` (this crate's tests, and `cargo run -p discogs-auth-ureq --example login` with
//! the blocking ureq client); here it is compiled, not run, since the stand-in is not published.
//!
//! ```no_run
//! use discogs_auth_reqwest::{
//!     Callback, Consumer, OAuthClient, ReqwestTransport, Session, UserAgent, Verifier,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = OAuthClient::new(
//!     Consumer::new("your_consumer_key", "your_consumer_secret")?,
//!     UserAgent::new("MyDiscogsApp/1.0 +https://example.com")?,
//! );
//! let session = Session::new(client, ReqwestTransport::new()?);
//! let request_token = session.request_token_async(&Callback::OutOfBand).await?;
//! println!("Open this URL to authorize: {}", session.authorize_url(&request_token));
//!
//! // Discogs shows the user a verifier to type in.
//! let mut typed_in = String::new();
//! std::io::stdin().read_line(&mut typed_in)?;
//! let authorized = request_token.with_verifier(Verifier::new(typed_in.trim())?);
//! let access_token = session.access_token_async(&authorized).await?; // store this: it does not expire
//! let identity = session.identity_async(&access_token).await?;
//! println!("Authenticated as {}", identity.username);
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls.
//! - `native-tls`: TLS through the platform's library instead.
//! - `blocking`: `BlockingReqwestTransport`, over `reqwest::blocking::Client`.
//! - `hmac-sha1` and `serde` (both off by default): the core's features of the same names;
//!   `SignatureMethod::HmacSha1` needs `hmac-sha1`.

#![forbid(unsafe_code)]
// docs.rs marks the items that need a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
mod blocking;

#[cfg(feature = "blocking")]
pub use blocking::BlockingReqwestTransport;
pub use discogs_auth_core::*;
/// The `reqwest` this crate is built on, so that code configuring it names the same version:
/// [`ReqwestTransport::configured`] hands out its `ClientBuilder`, and a
/// [`TransportError::Client`], [`TransportError::Protocol`] or [`TransportError::Tls`] holds
/// its error.
pub use reqwest;

use std::error::Error as StdError;
use std::future::Future;
use std::time::Duration;

use discogs_auth_core::http::{HeaderMap, Request, Response, StatusCode, Version};

/// An [`AsyncTransport`] over a [`reqwest::Client`].
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// For loopback URLs ([`is_loopback_url`]): the same settings without a proxy. A proxy
    /// named in the environment (`HTTP_PROXY`, `ALL_PROXY`) would carry what must stay on this
    /// machine off it, in clear for `http://`, or fail to reach it at all.
    loopback: reqwest::Client,
    body_limit: usize,
    /// The whole exchange's deadline, set on every request: it replaces the client's own.
    timeout: Duration,
}

impl ReqwestTransport {
    /// A client with safe defaults: no redirects followed, [`DEFAULT_CONNECT_TIMEOUT`] and
    /// [`DEFAULT_TIMEOUT`], replies capped at [`DEFAULT_BODY_LIMIT`] bytes. Fails only when the
    /// TLS backend cannot be initialised.
    ///
    /// Requests to loopback (a local stand-in) never go through a proxy from the
    /// environment; the others do. So the transport holds two clients, each with its own
    /// connection pool; clones share them.
    ///
    /// # Errors
    ///
    /// [`TransportError::Tls`] or [`TransportError::Client`] when reqwest cannot build the
    /// client: the TLS backend or the system's resolver settings cannot be loaded.
    pub fn new() -> Result<Self, TransportError> {
        Self::configured(|builder| builder)
    }

    /// The client of [`ReqwestTransport::new`] with settings of yours changed (root
    /// certificates, a proxy, a connect timeout) and the others kept: `change` is given a
    /// builder with the safe settings (the default connect timeout) and returns it changed.
    /// Requests to loopback still never go through a proxy; `change` is called once for them
    /// and once for the others.
    ///
    /// The whole request's deadline is [`DEFAULT_TIMEOUT`], whatever `timeout` the builder is
    /// given: [`with_timeout`](Self::with_timeout) changes it, here as in the
    /// `BlockingReqwestTransport` (whose client cannot hold such a deadline), so that one
    /// setting means the same in both.
    ///
    /// Redirects are never followed, whatever `change` sets: reqwest would send the request
    /// on to wherever the reply points, a `POST` body and a URL's query credentials (in
    /// `Referer`) included. There is no constructor from a `reqwest::Client` of your own for
    /// the same reason: its redirect policy cannot be read or overridden per request.
    ///
    /// ```
    /// use std::time::Duration;
    /// use discogs_auth_reqwest::ReqwestTransport;
    ///
    /// let transport = ReqwestTransport::configured(|builder| {
    ///     builder.connect_timeout(Duration::from_secs(3))
    /// })?;
    /// # Ok::<(), discogs_auth_reqwest::TransportError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ReqwestTransport::new`], and for settings reqwest cannot build a client from (a
    /// root certificate or an identity it cannot use).
    pub fn configured(
        change: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> Result<Self, TransportError> {
        let safe_defaults = || {
            change(reqwest::Client::builder().connect_timeout(DEFAULT_CONNECT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
        };
        Ok(Self {
            loopback: safe_defaults().no_proxy().build().map_err(client_error)?,
            client: safe_defaults().build().map_err(client_error)?,
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Caps reply bodies at `limit` bytes instead of [`DEFAULT_BODY_LIMIT`] (see
    /// [`ReplyBody`] for what happens above it).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Gives each request `timeout` for the whole exchange, from connecting to the last byte
    /// of the reply body, instead of [`DEFAULT_TIMEOUT`]. Running out of it is
    /// [`TransportError::Timeout`]. At most [`MAX_TIMEOUT`]: a longer one is shortened to it.
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(MAX_TIMEOUT);
        self
    }

    async fn send_checked(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        ensure_secure_url(request.uri())?;
        let client = if is_loopback_url(request.uri()) {
            &self.loopback
        } else {
            &self.client
        };
        let sends_body = has_body_to_send(&request);
        let mut request = reqwest::Request::try_from(request).map_err(client_error)?;
        if !sends_body {
            *request.body_mut() = None;
        }
        *request.timeout_mut() = Some(self.timeout);
        let mut response = client.execute(request).await.map_err(client_error)?;
        let mut body = ReplyBody::new(
            response.status(),
            response.content_length(),
            self.body_limit,
        )?;
        while let Some(chunk) = response.chunk().await.map_err(client_error)? {
            if !body.push(&chunk)? {
                break;
            }
        }
        Ok(body.finish(head(
            response.status(),
            response.version(),
            response.headers(),
        )))
    }
}

impl AsyncTransport for ReqwestTransport {
    type Error = TransportError;

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        self.send_checked(request)
    }
}

/// A reqwest error without its URL, which may carry query credentials; a timeout as
/// [`TransportError::Timeout`], whichever phase it struck in, a failed TLS handshake as
/// [`TransportError::Tls`], an `https://` URL in a build without TLS as
/// [`TransportError::NoTls`], and a reply that is not valid HTTP as [`TransportError::Protocol`].
fn client_error(error: reqwest::Error) -> TransportError {
    if error.is_timeout() {
        return TransportError::Timeout;
    }
    if error_chain(&error).any(is_tls_error) {
        return TransportError::tls(error.without_url());
    }
    if error_chain(&error).any(lacks_tls) {
        return TransportError::NoTls;
    }
    if error_chain(&error).any(breaks_http) {
        return TransportError::protocol(error.without_url());
    }
    TransportError::client(error.without_url())
}

/// Whether `error` is the TLS library's own: the handshake or a record failed, not the
/// connection under it (a reset during the handshake is an `io::Error` of its own).
fn is_tls_error(error: &(dyn StdError + 'static)) -> bool {
    #[cfg(feature = "rustls")]
    if error.is::<rustls::Error>() {
        return true;
    }
    #[cfg(feature = "native-tls")]
    if error.is::<native_tls::Error>() {
        return is_tls_finding(error);
    }
    let _ = error;
    false
}

/// Whether `error` is the refusal of an `https://` URL by a connector without TLS, as reqwest
/// has when built with neither TLS feature. hyper-util does not export the error's type: its
/// message is all there is to tell it by.
fn lacks_tls(error: &(dyn StdError + 'static)) -> bool {
    error.to_string() == "invalid URL, scheme is not http"
}

/// Whether `error` is hyper refusing the reply as HTTP: its head would not parse (status line,
/// header, `Content-Length`, too many headers), or its body would not decode (a malformed
/// chunk), which hyper reports as invalid data or input. A connection closed or reset
/// mid-reply is neither.
fn breaks_http(error: &(dyn StdError + 'static)) -> bool {
    let Some(hyper_error) = error.downcast_ref::<hyper::Error>() else {
        return false;
    };
    let undecodable_body = hyper_error
        .source()
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .is_some_and(|io_error| {
            matches!(
                io_error.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
            )
        });
    hyper_error.is_parse() || undecodable_body
}

/// The reply's head as `http` types (reqwest has no reverse conversion that keeps the body as
/// bytes), for [`ReplyBody::finish`].
fn head(status: StatusCode, version: Version, headers: &HeaderMap) -> Response<()> {
    let mut response = Response::new(());
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers.clone();
    response
}

/// Built without TLS, the client cannot reach an `https://` URL: that is a build to change, not
/// a request to retry.
#[cfg(all(test, not(any(feature = "rustls", feature = "native-tls"))))]
mod without_tls {
    use super::*;

    fn https_request() -> (std::net::TcpListener, Request<Vec<u8>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let request = Request::get(format!("https://127.0.0.1:{port}/oauth/identity"))
            .body(Vec::new())
            .unwrap();
        (listener, request)
    }

    #[tokio::test]
    async fn an_https_url_asks_for_a_tls_feature() {
        let (_listener, request) = https_request();
        let error = ReqwestTransport::new()
            .unwrap()
            .send(request)
            .await
            .unwrap_err();
        assert!(matches!(error, TransportError::NoTls), "{error:?}");
        assert!(!error.is_transient());
    }

    #[cfg(feature = "blocking")]
    #[test]
    fn an_https_url_asks_for_a_tls_feature_when_blocking() {
        use discogs_auth_core::SyncTransport;
        let (_listener, request) = https_request();
        let error = BlockingReqwestTransport::new()
            .unwrap()
            .send(request)
            .unwrap_err();
        assert!(matches!(error, TransportError::NoTls), "{error:?}");
    }
}
