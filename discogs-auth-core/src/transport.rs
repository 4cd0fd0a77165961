//! The transport interface: `http::Request<Vec<u8>>` in, `http::Response<Vec<u8>>` out.
//!
//! The core never sends anything itself. An HTTP client adapter (or a closure, in a test)
//! implements [`SyncTransport`] or [`AsyncTransport`], and [`Session`](crate::Session) drives
//! the flow over it. The policy every adapter shares — which URLs may be sent in clear, how
//! large a reply may be, how long to wait — is defined here, once.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use http::{Method, Request, Response, Uri};

/// Largest reply body an adapter reads by default. Auth replies are tiny; a larger body is
/// refused with [`TransportError::BodyTooLarge`], never silently cut.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, reply body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends a request and waits for the whole reply.
pub trait SyncTransport {
    /// Why a request could not be sent or its reply not received.
    type Error: StdError + Send + Sync + 'static;

    /// Sends `request` and returns the reply, whatever its status.
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Self::Error>;
}

/// Sends a request and resolves to the whole reply, on any async runtime.
pub trait AsyncTransport {
    /// Why a request could not be sent or its reply not received.
    type Error: StdError + Send + Sync + 'static;

    /// Sends `request` and resolves to the reply, whatever its status.
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, Self::Error>> + Send;
}

impl<F, E> SyncTransport for F
where
    F: Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, E>,
    E: StdError + Send + Sync + 'static,
{
    type Error = E;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, E> {
        self(request)
    }
}

impl<F, Fut, E> AsyncTransport for F
where
    F: Fn(Request<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<Response<Vec<u8>>, E>> + Send,
    E: StdError + Send + Sync + 'static,
{
    type Error = E;

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, E>> + Send {
        self(request)
    }
}

/// Why an adapter did not deliver a reply. Shared by every adapter so that callers match the
/// same variants whichever HTTP client they use.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// An `http://` URL to a host other than loopback: refused before connecting, because
    /// credentials would cross the network in clear.
    InsecureUrl {
        /// The host that was refused.
        host: String,
    },
    /// The URL is neither `https://` nor `http://`.
    UnsupportedScheme,
    /// The reply body is larger than the adapter's limit.
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The HTTP client failed (connection, TLS, timeout, …). Its message carries no URL, since
    /// a URL may hold query credentials.
    Client(Box<dyn StdError + Send + Sync>),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsecureUrl { host } => write!(
                f,
                "refusing to send credentials over plain http:// to {host}; use https://"
            ),
            Self::UnsupportedScheme => f.write_str("unsupported URL scheme; use https://"),
            Self::BodyTooLarge { limit } => {
                write!(f, "the reply body is larger than the {limit}-byte limit")
            }
            Self::Client(error) => write!(f, "the HTTP request failed: {error}"),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Client(error) => Some(&**error),
            _ => None,
        }
    }
}

impl TransportError {
    /// Wraps an HTTP client's error. The adapter strips any URL from it first.
    pub fn client(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Client(Box::new(error))
    }
}

/// Whether `request` has a body to send. An empty body on a method other than POST, PUT or
/// PATCH is no body at all: sent as one, it would add a `Content-Length: 0` that RFC 9110
/// §8.6 asks clients not to send on a GET.
///
/// ```
/// use discogs_auth_core::{has_body_to_send, http::Request};
/// assert!(!has_body_to_send(&Request::get("https://api.discogs.com/").body(Vec::new())?));
/// assert!(has_body_to_send(&Request::post("https://api.discogs.com/").body(Vec::new())?));
/// assert!(has_body_to_send(&Request::get("https://api.discogs.com/").body(b"x".to_vec())?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn has_body_to_send<B: AsRef<[u8]>>(request: &Request<B>) -> bool {
    !request.body().as_ref().is_empty()
        || matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH
        )
}

/// Refuses to send to a URL where credentials would travel in clear: `https://` anywhere,
/// `http://` only to loopback (`localhost`, `127.0.0.0/8`, `[::1]`), as a local stand-in needs.
///
/// ```
/// use discogs_auth_core::{ensure_secure_url, TransportError};
/// assert!(ensure_secure_url(&"https://api.discogs.com/oauth/identity".parse()?).is_ok());
/// assert!(ensure_secure_url(&"http://127.0.0.1:8080/oauth/identity".parse()?).is_ok());
/// assert!(matches!(
///     ensure_secure_url(&"http://api.discogs.com/oauth/identity".parse()?),
///     Err(TransportError::InsecureUrl { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ensure_secure_url(uri: &Uri) -> Result<(), TransportError> {
    match uri.scheme_str() {
        Some(scheme) if scheme.eq_ignore_ascii_case("https") => Ok(()),
        Some(scheme) if scheme.eq_ignore_ascii_case("http") => {
            let host = uri.host().unwrap_or_default();
            if is_loopback(host) {
                Ok(())
            } else {
                Err(TransportError::InsecureUrl {
                    host: host.to_owned(),
                })
            }
        }
        _ => Err(TransportError::UnsupportedScheme),
    }
}

/// Whether `uri` points at this machine (`localhost`, `127.0.0.0/8`, `[::1]`): where a local
/// stand-in listens, and where an adapter sends directly rather than through a proxy named in
/// the environment, which could not reach it and would carry its requests off the machine.
///
/// ```
/// use discogs_auth_core::is_loopback_url;
/// assert!(is_loopback_url(&"http://127.0.0.1:8080/oauth/identity".parse()?));
/// assert!(!is_loopback_url(&"https://api.discogs.com/oauth/identity".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_loopback_url(uri: &Uri) -> bool {
    uri.host().is_some_and(is_loopback)
}

fn is_loopback(host: &str) -> bool {
    let unbracketed = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || unbracketed
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented default: replies larger than 64 KiB are refused.
    #[test]
    fn default_body_limit_is_64_kib() {
        assert_eq!(DEFAULT_BODY_LIMIT, 65_536);
    }

    #[test]
    fn only_post_put_and_patch_send_an_empty_body() {
        let request = |method: Method, body: &[u8]| {
            Request::builder()
                .method(method)
                .uri("https://api.discogs.com/")
                .body(body.to_vec())
                .unwrap()
        };
        for method in [Method::POST, Method::PUT, Method::PATCH] {
            assert!(has_body_to_send(&request(method.clone(), b"")), "{method}");
        }
        for method in [Method::GET, Method::HEAD, Method::DELETE, Method::OPTIONS] {
            assert!(!has_body_to_send(&request(method.clone(), b"")), "{method}");
            assert!(
                has_body_to_send(&request(method.clone(), b"a=1")),
                "{method}"
            );
        }
    }

    #[test]
    fn loopback_urls_are_those_of_this_machine() {
        for url in [
            "http://localhost:1234/",
            "https://LOCALHOST/",
            "http://127.0.0.1/",
            "http://127.8.9.10:80/",
            "http://[::1]:8080/",
        ] {
            assert!(is_loopback_url(&url.parse().unwrap()), "{url}");
        }
        for url in [
            "https://api.discogs.com/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://[::2]/",
            "/relative",
        ] {
            assert!(!is_loopback_url(&url.parse().unwrap()), "{url}");
        }
    }

    #[test]
    fn only_loopback_may_use_plain_http() {
        for allowed in [
            "https://api.discogs.com/",
            "HTTPS://api.discogs.com/",
            "http://localhost:1234/",
            "http://127.0.0.1/",
            "http://127.8.9.10:80/",
            "http://[::1]:8080/",
        ] {
            assert!(
                ensure_secure_url(&allowed.parse().unwrap()).is_ok(),
                "{allowed}"
            );
        }
        for (refused, host) in [
            ("http://api.discogs.com/", "api.discogs.com"),
            ("http://10.0.0.1/", "10.0.0.1"),
            ("http://localhost.example.com/", "localhost.example.com"),
            ("http://[::2]/", "[::2]"),
        ] {
            match ensure_secure_url(&refused.parse().unwrap()) {
                Err(TransportError::InsecureUrl { host: refused_host }) => {
                    assert_eq!(refused_host, host)
                }
                other => panic!("{refused}: {other:?}"),
            }
        }
        assert!(matches!(
            ensure_secure_url(&"ftp://example.com/".parse().unwrap()),
            Err(TransportError::UnsupportedScheme)
        ));
        assert!(matches!(
            ensure_secure_url(&"/relative".parse().unwrap()),
            Err(TransportError::UnsupportedScheme)
        ));
    }
}
