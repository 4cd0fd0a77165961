//! Discogs authentication over [`ureq`] (blocking).
//!
//! [`UreqTransport`] sends what [`discogs_auth_core`] builds and hands the reply back; all
//! protocol logic stays in the core, which this crate re-exports. Its defaults are safe for
//! authentication endpoints: redirects are not followed, replies are capped at
//! [`DEFAULT_BODY_LIMIT`] bytes, requests time out, and `http://` is refused except to loopback.
//!
//! The whole out-of-band login. The repository runs it against a Discogs stand-in on
//! `127.0.0.1` (`cargo run -p discogs-auth-ureq --example login`, and this crate's tests); here
//! it is compiled, not run, since the stand-in is not published.
//!
//! ```no_run
//! use discogs_auth_ureq::{
//!     Callback, Consumer, OAuthClient, Session, UreqTransport, UserAgent, Verifier,
//! };
//!
//! let client = OAuthClient::new(
//!     Consumer::new("your_consumer_key", "your_consumer_secret")?,
//!     UserAgent::new("MyDiscogsApp/1.0 +https://example.com")?,
//! );
//! let session = Session::new(client, UreqTransport::new());
//! let request_token = session.request_token(&Callback::OutOfBand)?;
//! println!("Open this URL to authorize: {}", session.authorize_url(&request_token));
//!
//! // Discogs shows the user a verifier to type in.
//! let mut typed_in = String::new();
//! std::io::stdin().read_line(&mut typed_in)?;
//! let authorized = request_token.with_verifier(Verifier::new(typed_in.trim())?);
//! let access_token = session.access_token(&authorized)?; // store this: it does not expire
//! let identity = session.identity(&access_token)?;
//! println!("Authenticated as {}", identity.username);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls, with the webpki roots.
//! - `native-tls`: TLS through the platform's library instead.
//! - `hmac-sha1` and `serde` (both off by default): the core's features of the same names;
//!   `SignatureMethod::HmacSha1` needs `hmac-sha1`.

#![forbid(unsafe_code)]
// docs.rs marks the items that need a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use discogs_auth_core::*;
/// The `ureq` this crate is built on, so that code configuring it names the same version:
/// [`AgentConfig`] is its settings, and a [`TransportError::Client`],
/// [`TransportError::Protocol`] or [`TransportError::Tls`] holds its error.
pub use ureq;

use std::fmt;
use std::time::Duration;

use discogs_auth_core::http::{Request, Response};

/// An agent's settings, as [`UreqTransport::configured`] hands them to be changed.
pub type AgentConfig = ureq::config::ConfigBuilder<ureq::typestate::AgentScope>;

/// ureq never picks native-tls by itself: an agent left with its default provider (rustls)
/// panics on its first `https://` request when only the `native-tls` feature is on.
#[cfg(feature = "native-tls")]
fn with_chosen_tls(config: AgentConfig) -> AgentConfig {
    config.tls_config(
        ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .build(),
    )
}

/// Without `native-tls`, ureq's default provider is the one chosen (rustls), or there is no
/// TLS at all (`--no-default-features`), and then ureq has no TLS settings to set.
#[cfg(not(feature = "native-tls"))]
fn with_chosen_tls(config: AgentConfig) -> AgentConfig {
    config
}

/// A [`SyncTransport`] over a [`ureq::Agent`].
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    /// For loopback URLs ([`is_loopback_url`]): the same settings without a proxy. A proxy
    /// named in the environment (`HTTP_PROXY`, `ALL_PROXY`) would carry what must stay on this
    /// machine off it, in clear for `http://`, or fail to reach it at all. `None` for an agent
    /// of the caller's own, whose settings are kept.
    loopback: Option<ureq::Agent>,
    body_limit: usize,
    /// Overrides the agent's own timeout for the whole exchange, when set.
    timeout: Option<Duration>,
    /// For an agent of the caller's left on ureq's default TLS provider (rustls) in a build
    /// that has only `native-tls`: the agent's TLS settings with native-tls, applied to each
    /// request, where ureq would panic.
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    tls_override: Option<ureq::tls::TlsConfig>,
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl UreqTransport {
    /// An agent with safe defaults: no redirects followed, [`DEFAULT_CONNECT_TIMEOUT`] and
    /// [`DEFAULT_TIMEOUT`], replies capped at [`DEFAULT_BODY_LIMIT`] bytes, and TLS through
    /// the feature chosen (`native-tls` over `rustls` when both are on).
    ///
    /// Requests to loopback (a local stand-in) never go through a proxy from the
    /// environment; the others do. So the transport holds two agents, each with its own
    /// connection pool; clones share them. ureq keeps few idle connections per host (3 by
    /// default): under many concurrent requests most connections are opened and closed
    /// again, which `configured` can change (`max_idle_connections_per_host`).
    pub fn new() -> Self {
        Self::configured(|config| config)
    }

    /// The agent of [`UreqTransport::new`] with settings of yours changed (root certificates,
    /// a proxy, a timeout) and the others kept: `change` is given the safe settings (the
    /// default timeouts, the TLS feature chosen) and returns them changed. Requests to loopback
    /// still never go through a proxy; `change` is called once for them and once for the
    /// others. Redirects are never followed, whatever `change` sets (see
    /// [`from_agent`](Self::from_agent)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use discogs_auth_ureq::UreqTransport;
    ///
    /// let transport =
    ///     UreqTransport::configured(|config| config.timeout_connect(Some(Duration::from_secs(3))));
    /// ```
    pub fn configured(change: impl Fn(AgentConfig) -> AgentConfig) -> Self {
        let safe_defaults = || {
            change(with_chosen_tls(
                ureq::Agent::config_builder()
                    .timeout_connect(Some(DEFAULT_CONNECT_TIMEOUT))
                    .timeout_global(Some(DEFAULT_TIMEOUT)),
            ))
        };
        Self {
            loopback: Some(safe_defaults().proxy(None).build().into()),
            ..Self::from_agent(safe_defaults().build().into())
        }
    }

    /// Your own agent, with its settings (timeouts, TLS, proxy). Two are overridden for each
    /// request:
    /// - `http_status_as_error` is off, since Discogs' error replies must be read to report
    ///   them;
    /// - `max_redirects` is 0: a redirect is handed back as the reply, never followed, since
    ///   the request would go on to wherever the reply points, with its body and with any
    ///   credentials in its URL.
    ///
    /// A default agent sends requests to loopback through a proxy named in the environment,
    /// and has no timeouts at all (`Agent::new_with_defaults`): a silent server holds a
    /// request forever unless [`with_timeout`](Self::with_timeout) is set.
    /// [`UreqTransport::configured`] starts from the safe settings instead.
    ///
    /// In a build with this crate's `native-tls` feature and without its `rustls` feature, an
    /// agent left on ureq's default provider (rustls, where ureq would panic) has its requests
    /// sent with native-tls instead, its other TLS settings kept. The setting is made per
    /// request, so such an agent pools no connections; and it is made even if ureq's own
    /// `rustls` feature is on through another crate. Give the agent native-tls yourself
    /// (ureq's `TlsConfig`) to avoid both.
    pub fn from_agent(agent: ureq::Agent) -> Self {
        Self {
            #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
            tls_override: native_tls_in_place_of_rustls(agent.config().tls_config()),
            agent,
            loopback: None,
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: None,
        }
    }

    /// Caps reply bodies at `limit` bytes instead of [`DEFAULT_BODY_LIMIT`] (see
    /// [`ReplyBody`] for what happens above it).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Gives each request `timeout` for the whole exchange, reply body included, instead of
    /// the agent's ([`DEFAULT_TIMEOUT`] for [`UreqTransport::new`]). Running out of it is
    /// [`TransportError::Timeout`]. At most [`MAX_TIMEOUT`]: a longer one is shortened to it.
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout.min(MAX_TIMEOUT));
        self
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: Request<B>,
    ) -> Result<Response<ureq::Body>, TransportError> {
        let agent = match &self.loopback {
            Some(direct) if is_loopback_url(request.uri()) => direct,
            _ => &self.agent,
        };
        let mut config = agent
            .configure_request(request)
            .http_status_as_error(false)
            .max_redirects(0);
        if let Some(timeout) = self.timeout {
            config = config.timeout_global(Some(timeout));
        }
        #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
        if let Some(tls) = &self.tls_override {
            config = config.tls_config(tls.clone());
        }
        agent.run(config.build()).map_err(client_error)
    }
}

/// `tls` with native-tls as its provider, if it names rustls, which this build lacks.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn native_tls_in_place_of_rustls(tls: &ureq::tls::TlsConfig) -> Option<ureq::tls::TlsConfig> {
    (tls.provider() == ureq::tls::TlsProvider::Rustls).then(|| {
        ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .client_cert(tls.client_cert().cloned())
            .root_certs(tls.root_certs().clone())
            .use_sni(tls.use_sni())
            .disable_verification(tls.disable_verification())
            .build()
    })
}

impl SyncTransport for UreqTransport {
    type Error = TransportError;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        ensure_secure_url(request.uri())?;
        let response = if has_body_to_send(&request) {
            self.run(request)?
        } else {
            self.run(request.map(|_| ()))?
        };
        let (parts, body) = response.into_parts();
        let mut reply = ReplyBody::new(parts.status, body.content_length(), self.body_limit)?;
        // `ReplyBody` keeps the limit; ureq's own (10 MB by default) would get in its way.
        let reader = body.into_with_config().limit(u64::MAX).reader();
        reply.read_from(reader, client_error)?;
        Ok(reply.finish(Response::from_parts(parts, ())))
    }
}

/// A ureq error without the request's URL, which may hold query credentials: the two errors
/// that quote it are replaced by their message alone. A reply that is not valid HTTP (ureq's
/// protocol errors, a head too large) is [`TransportError::Protocol`], a failed TLS handshake
/// [`TransportError::Tls`], and an `https://` URL in a build without TLS
/// [`TransportError::NoTls`].
fn client_error(error: ureq::Error) -> TransportError {
    if is_tls_error(&error) {
        return TransportError::tls(error);
    }
    match error {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            TransportError::protocol(error)
        }
        ureq::Error::TlsRequired => TransportError::NoTls,
        ureq::Error::BadUri(_) => TransportError::client(UrlRemoved("bad uri")),
        ureq::Error::RequireHttpsOnly(_) => {
            TransportError::client(UrlRemoved("configured for https only"))
        }
        other => TransportError::client(other),
    }
}

/// Whether the TLS library failed the handshake or a record: native TLS's error, or rustls's,
/// which ureq hands on inside an `io::Error`. A reset during the handshake is an `io::Error`
/// of its own, and stays a (transient) client error.
fn is_tls_error(error: &ureq::Error) -> bool {
    #[cfg(feature = "native-tls")]
    if let ureq::Error::NativeTls(native) = error {
        return is_tls_finding(native);
    }
    // ureq's error has no `source`: its `io::Error` is searched from here.
    #[cfg(feature = "rustls")]
    if matches!(error, ureq::Error::Rustls(_))
        || matches!(error, ureq::Error::Io(io_error)
            if error_chain(io_error).any(|cause| cause.is::<rustls::Error>()))
    {
        return true;
    }
    matches!(error, ureq::Error::Tls(_))
}

/// What is left of a ureq error once its URL is taken out.
#[derive(Debug)]
struct UrlRemoved(&'static str);

impl fmt::Display for UrlRemoved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for UrlRemoved {}

#[cfg(all(test, any(feature = "rustls", feature = "native-tls")))]
mod tests {
    use super::*;

    #[test]
    fn the_agent_uses_the_tls_feature_chosen() {
        let expected = if cfg!(feature = "native-tls") {
            ureq::tls::TlsProvider::NativeTls
        } else {
            ureq::tls::TlsProvider::Rustls
        };
        let transport = UreqTransport::new();
        assert_eq!(transport.agent.config().tls_config().provider(), expected);
    }
}

/// Built without TLS, the agent cannot reach an `https://` URL: that is a build to change, not
/// a request to retry.
#[cfg(all(test, not(any(feature = "rustls", feature = "native-tls"))))]
mod without_tls {
    use super::*;

    #[test]
    fn an_https_url_asks_for_a_tls_feature() {
        // ureq finds out once connected: something must listen (the kernel accepts for it).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let request = Request::get(format!("https://127.0.0.1:{port}/oauth/identity"))
            .body(Vec::new())
            .unwrap();
        let error = UreqTransport::new().send(request).unwrap_err();
        assert!(matches!(error, TransportError::NoTls), "{error:?}");
        assert!(!error.is_transient());
    }
}
