//! Discogs authentication over [`ureq`] (blocking).
//!
//! [`UreqTransport`] sends what [`discogs_auth_core`] builds and hands the reply back; all
//! protocol logic stays in the core, which this crate re-exports. Its defaults are safe for
//! authentication endpoints: redirects are not followed, replies are capped at
//! [`DEFAULT_BODY_LIMIT`] bytes, requests time out, and `http://` is refused except to loopback.
//!
//! ```no_run
//! use discogs_auth_ureq::{Callback, Consumer, OAuthClient, Session, UreqTransport, UserAgent};
//!
//! let client = OAuthClient::new(
//!     Consumer::new("your_consumer_key", "your_consumer_secret")?,
//!     UserAgent::new("MyDiscogsApp/1.0 +https://example.com")?,
//! );
//! let session = Session::new(client, UreqTransport::new());
//! let request_token = session.request_token(&Callback::OutOfBand)?;
//! println!("Open this URL to authorize: {}", session.authorize_url(&request_token));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub use discogs_auth_core::*;

use std::fmt;

use discogs_auth_core::http::{Request, Response};

/// ureq never picks native-tls by itself: an agent left with its default provider (rustls)
/// panics on its first `https://` request when only the `native-tls` feature is on.
#[cfg(feature = "native-tls")]
fn with_chosen_tls(
    config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    config.tls_config(
        ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .build(),
    )
}

/// Without `native-tls`, ureq's default provider is the one chosen (rustls), or there is no
/// TLS at all (`--no-default-features`), and then ureq has no TLS settings to set.
#[cfg(not(feature = "native-tls"))]
fn with_chosen_tls(
    config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
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
    /// environment; the others do.
    pub fn new() -> Self {
        let safe_defaults = || {
            with_chosen_tls(
                ureq::Agent::config_builder()
                    .max_redirects(0)
                    .http_status_as_error(false)
                    .timeout_connect(Some(DEFAULT_CONNECT_TIMEOUT))
                    .timeout_global(Some(DEFAULT_TIMEOUT)),
            )
        };
        Self {
            loopback: Some(safe_defaults().proxy(None).build().into()),
            ..Self::from_agent(safe_defaults().build().into())
        }
    }

    /// Your own agent, with its settings (redirects, timeouts, TLS, proxy). Only
    /// `http_status_as_error` is turned off for each request, since Discogs' error replies
    /// must be read to report them.
    pub fn from_agent(agent: ureq::Agent) -> Self {
        Self {
            agent,
            loopback: None,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Caps reply bodies at `limit` bytes instead of [`DEFAULT_BODY_LIMIT`].
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
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
        let request = agent
            .configure_request(request)
            .http_status_as_error(false)
            .build();
        agent.run(request).map_err(client_error)
    }
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
        let limit = u64::try_from(self.body_limit).unwrap_or(u64::MAX);
        let body =
            body.into_with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|error| match error {
                    ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge {
                        limit: self.body_limit,
                    },
                    other => client_error(other),
                })?;
        Ok(Response::from_parts(parts, body))
    }
}

/// A ureq error without the request's URL, which may hold query credentials: the two errors
/// that quote it are replaced by their message alone.
fn client_error(error: ureq::Error) -> TransportError {
    match error {
        ureq::Error::BadUri(_) => TransportError::client(UrlRemoved("bad uri")),
        ureq::Error::RequireHttpsOnly(_) => {
            TransportError::client(UrlRemoved("configured for https only"))
        }
        other => TransportError::client(other),
    }
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
