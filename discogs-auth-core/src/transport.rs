//! The transport interface: `http::Request<Vec<u8>>` in, `http::Response<Vec<u8>>` out.
//!
//! The core never sends anything itself. An HTTP client adapter (or a closure, in a test)
//! implements [`SyncTransport`] or [`AsyncTransport`], and [`Session`](crate::Session) drives
//! the flow over it. The policy every adapter shares — which URLs may be sent in clear, how
//! large a reply may be, how long to wait — is defined here, once.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode, Uri};

/// Largest reply body an adapter reads by default: 8 MiB. Auth replies are tiny, but the same
/// transport sends API calls, whose pages run to hundreds of kilobytes (a search's 50 results,
/// a release with a long tracklist); the limit is there so that no reply can take unbounded
/// memory. See [`ReplyBody`] for what happens above it.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, reply body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest timeout the adapters' `with_timeout` takes: a day. A longer one is shortened to it,
/// because a deadline too far ahead cannot be held by the clock (ureq panics on one).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Sends a request and waits for the whole reply.
///
/// A closure from a request to a reply is one (a test double, a client of your own). A
/// [`Session`](crate::Session) owns its transport: to share one, clone it (this crate's
/// adapters share their connection pools between clones) or pass an [`Arc`] of it. A `&T` is
/// not one, as the closures' implementation leaves no room for it.
pub trait SyncTransport {
    /// Why a request could not be sent or its reply not received.
    type Error: StdError + Send + Sync + 'static;

    /// Sends `request` and returns the reply, whatever its status.
    ///
    /// # Errors
    ///
    /// [`Self::Error`] when the request could not be sent or its whole reply not received. Any
    /// reply is `Ok`, 4xx and 5xx included: a [`Session`](crate::Session) reads its status.
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Self::Error>;
}

/// Sends a request and resolves to the whole reply, on any async runtime.
///
/// Shared as [`SyncTransport`] is: cloned, or in an [`Arc`]. The future must be `Send`, so that
/// a session's steps can run in a spawned task; a client whose futures are not (in a browser,
/// on `wasm32`) cannot be one. As the method returns an `impl Future`, there is no
/// `dyn AsyncTransport`: a program that chooses its transport at run time uses an enum of
/// them.
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

/// One transport shared by several owners (a [`Session`](crate::Session) and a
/// [`DiscogsAuthSession`](crate::DiscogsAuthSession), say) without being `Clone`.
impl<T: SyncTransport + ?Sized> SyncTransport for Arc<T> {
    type Error = T::Error;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, T::Error> {
        (**self).send(request)
    }
}

/// One transport shared by several owners without being `Clone`.
impl<T: AsyncTransport + ?Sized> AsyncTransport for Arc<T> {
    type Error = T::Error;

    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, T::Error>> + Send {
        (**self).send(request)
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
    /// The URL is `https://`, and the HTTP client was built without TLS (the adapter's
    /// `rustls` and `native-tls` features both off). Not [transient](Self::is_transient): only
    /// a build with one of them reaches the server.
    NoTls,
    /// The URL holds a user name or password (`https://user:pass@host/`): some clients would
    /// send them as Basic credentials, others drop them; neither is what Discogs expects.
    CredentialsInUrl,
    /// A success reply's body is larger than the adapter's limit (see [`ReplyBody`]).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request or its reply took longer than the adapter's timeout.
    Timeout,
    /// The HTTP client failed (connection, TLS, …). The message is the client's error and
    /// every cause below it (a client's own message is often only `error sending request`,
    /// with `Connection refused` three causes down), so this variant has no
    /// [`source`](StdError::source): match it for the client's error itself. The message
    /// carries no URL, since a URL may hold query credentials.
    Client(Box<dyn StdError + Send + Sync>),
    /// The reply is not valid HTTP/1.1: a garbled status line, a control character in a
    /// header, a `Content-Length` that is not a number, a malformed chunk, a head with too many
    /// headers. Whatever sent it (a broken proxy, a captive portal, something other than an
    /// HTTP server on that port) will most likely answer the same way again, so unlike
    /// [`Client`](Self::Client) this is not [transient](Self::is_transient). The message is the
    /// client's error and its causes, as for `Client`, and holds no URL.
    Protocol(Box<dyn StdError + Send + Sync>),
    /// The TLS handshake failed: the server's certificate is not trusted (expired, issued for
    /// another name, signed by an unknown authority, as an intercepting proxy's is), or the
    /// server does not speak TLS on that port. Retrying meets the same certificate, so unlike
    /// [`Client`](Self::Client) this is not [transient](Self::is_transient). The message is the
    /// TLS library's error and its causes, and holds no URL.
    Tls(Box<dyn StdError + Send + Sync>),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsecureUrl { host } => write!(
                f,
                "refusing to send credentials over plain http:// to {host}; use https://"
            ),
            Self::UnsupportedScheme => f.write_str("unsupported URL scheme; use https://"),
            Self::NoTls => f.write_str(
                "this build has no TLS for https:// URLs; enable the adapter's `rustls` or \
                 `native-tls` feature",
            ),
            Self::CredentialsInUrl => {
                f.write_str("refusing a URL with a user name or password in it")
            }
            Self::BodyTooLarge { limit } => {
                write!(f, "the reply body is larger than the {limit}-byte limit")
            }
            Self::Timeout => f.write_str("the request timed out"),
            Self::Client(error) => {
                write!(f, "the HTTP request failed: {error}")?;
                write_causes(f, &**error)
            }
            Self::Protocol(error) => {
                write!(f, "the reply is not valid HTTP: {error}")?;
                write_causes(f, &**error)
            }
            Self::Tls(error) => {
                write!(f, "the TLS handshake failed: {error}")?;
                write_causes(f, &**error)
            }
        }
    }
}

/// Appends the causes below `error`, each after `: `, leaving out one whose message is already
/// shown: clients often repeat their cause in their own message.
fn write_causes(f: &mut fmt::Formatter<'_>, error: &(dyn StdError + 'static)) -> fmt::Result {
    let mut shown = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let message = next.to_string();
        if !shown.contains(&message) {
            write!(f, ": {message}")?;
            shown.push_str(&message);
        }
        cause = next.source();
    }
    Ok(())
}

/// The causes of [`TransportError::Client`], [`TransportError::Protocol`] and
/// [`TransportError::Tls`] are in their message, so none has a source.
impl std::error::Error for TransportError {}

/// A transport's error judged by [`TransportError::is_transient`], when it is one; the error of
/// a transport of the caller's own is not judged (`false`).
pub(crate) fn transport_error_is_transient(error: &(dyn StdError + 'static)) -> bool {
    error
        .downcast_ref::<TransportError>()
        .is_some_and(TransportError::is_transient)
}

impl TransportError {
    /// Whether the same request may get through later unchanged: a [`Timeout`](Self::Timeout)
    /// or a [`Client`](Self::Client) failure (refused, reset, name lookup; one that keeps
    /// coming back is more likely the network's or the proxy's settings). A refused URL, a
    /// body over the limit, a reply that is not valid HTTP ([`Protocol`](Self::Protocol)) or a
    /// failed TLS handshake ([`Tls`](Self::Tls)) fails the same way every time.
    ///
    /// ```
    /// use discogs_auth_core::TransportError;
    /// use std::io;
    ///
    /// let reset = io::Error::new(io::ErrorKind::ConnectionReset, "connection reset");
    /// assert!(TransportError::client(reset).is_transient());
    /// let garbled = io::Error::new(io::ErrorKind::InvalidData, "invalid HTTP status-code parsed");
    /// assert!(!TransportError::protocol(garbled).is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Timeout | Self::Client(_))
    }

    /// Wraps an HTTP client's error. The adapter strips any URL from it first.
    pub fn client(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Client(Box::new(error))
    }

    /// Wraps an HTTP client's error that says the TLS handshake failed ([`Tls`](Self::Tls)).
    /// The adapter strips any URL from it first.
    pub fn tls(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Tls(Box::new(error))
    }

    /// Wraps an HTTP client's error that says the reply is not valid HTTP
    /// ([`Protocol`](Self::Protocol)). The adapter strips any URL from it first.
    pub fn protocol(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Protocol(Box::new(error))
    }
}

/// `error` and every error below it, outermost first: for an adapter to find its HTTP
/// client's or TLS library's own error type in what the client returns. An `io::Error` that
/// wraps another is followed into it (its own `source` skips the wrapped error and goes to
/// that error's cause), so a TLS library's error inside an `io::Error` is found.
///
/// ```
/// use discogs_auth_core::error_chain;
/// use std::io;
///
/// #[derive(Debug)]
/// struct Certificate;
/// impl std::fmt::Display for Certificate {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("unknown issuer")
///     }
/// }
/// impl std::error::Error for Certificate {}
///
/// let error = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, Certificate));
/// assert!(error_chain(&error).any(|cause| cause.is::<Certificate>()));
/// assert_eq!(error_chain(&error).count(), 3);
/// ```
pub fn error_chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&error| {
        match error.downcast_ref::<io::Error>() {
            Some(io_error) => io_error
                .get_ref()
                .map(|inner| inner as &(dyn StdError + 'static)),
            None => error.source(),
        }
    })
}

/// Whether a TLS library's `error` is the library's own finding (an untrusted certificate,
/// a server that does not speak TLS, carried as a cause of the library's, such as OpenSSL's
/// error stack) rather than the connection's: no cause (a closed connection) or an
/// `io::Error` below it (a reset one). For an adapter over native TLS, whose error type does
/// not say which: the first is [`TransportError::Tls`], the second [`TransportError::Client`].
///
/// ```
/// use discogs_auth_core::is_tls_finding;
/// use std::io;
///
/// #[derive(Debug)]
/// struct TlsError(Option<Box<dyn std::error::Error + Send + Sync>>);
/// impl std::fmt::Display for TlsError {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("handshake failed")
///     }
/// }
/// impl std::error::Error for TlsError {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         self.0.as_deref().map(|cause| cause as _)
///     }
/// }
///
/// let untrusted = TlsError(Some("certificate verify failed".into()));
/// assert!(is_tls_finding(&untrusted));
/// assert!(!is_tls_finding(&TlsError(None)));
/// let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset");
/// assert!(!is_tls_finding(&TlsError(Some(Box::new(reset)))));
/// ```
pub fn is_tls_finding(error: &(dyn StdError + 'static)) -> bool {
    error.source().is_some() && !error_chain(error).any(|cause| cause.is::<io::Error>())
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
/// A URL with a user name or password is refused whatever its scheme
/// ([`TransportError::CredentialsInUrl`]).
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
///
/// # Errors
///
/// [`TransportError::CredentialsInUrl`] for a user name or password,
/// [`TransportError::InsecureUrl`] for `http://` to a host other than loopback,
/// [`TransportError::UnsupportedScheme`] for any other scheme, or none.
pub fn ensure_secure_url(uri: &Uri) -> Result<(), TransportError> {
    if uri
        .authority()
        .is_some_and(|authority| authority.as_str().contains('@'))
    {
        return Err(TransportError::CredentialsInUrl);
    }
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

/// Marks a reply whose body an adapter cut at its limit ([`ReplyBody`]), in the response's
/// extensions: the message read from it must not show the start of a secret the cut split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyCut {
    /// The limit the body was cut at, in bytes.
    pub limit: usize,
}

/// A reply's body as an adapter reads it, under its limit, so that every adapter treats an
/// oversized reply the same way.
///
/// A success reply (2xx) larger than the limit is refused with
/// [`TransportError::BodyTooLarge`], as soon as its `Content-Length` or its bytes pass the
/// limit: its body is what the caller asked for, and cut short it would be read wrong. Any
/// other reply is kept up to the limit and cut there (marked with [`BodyCut`]): what the
/// caller needs from a 429 or a CDN's 503 page is its status and headers, and its message is
/// read only from a part that ends before the cut (see [`ApiError`](crate::ApiError)).
///
/// It does not check that the body is as long as its `Content-Length` said: the HTTP client
/// must fail a reply whose connection closed before the end (ureq's and hyper's do).
///
/// ```
/// use discogs_auth_core::{ReplyBody, TransportError, http::{Response, StatusCode}};
///
/// // An error page larger than the limit keeps its status.
/// let mut body = ReplyBody::new(StatusCode::SERVICE_UNAVAILABLE, None, 8)?;
/// assert!(!body.push(b"Down for maintenance")?); // full: stop reading
/// let reply = body.finish(Response::builder().status(503).body(())?);
/// assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
/// assert_eq!(reply.body(), b"Down for");
///
/// // A success reply larger than the limit is an error, never a truncated body.
/// let mut body = ReplyBody::new(StatusCode::OK, None, 8)?;
/// assert!(matches!(body.push(b"{\"id\": 123456}"), Err(TransportError::BodyTooLarge { limit: 8 })));
/// assert!(matches!(
///     ReplyBody::new(StatusCode::OK, Some(9), 8),
///     Err(TransportError::BodyTooLarge { limit: 8 })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ReplyBody {
    bytes: Vec<u8>,
    limit: usize,
    /// Whether going past the limit is an error (a success reply) rather than the end.
    refuses_excess: bool,
    /// An error reply whose `Content-Length` says it will be cut: it ends at the limit, without
    /// waiting for a byte past it that a stalling server may never send.
    declared_over_limit: bool,
    cut: bool,
}

/// Sizes only: a body may hold a token secret (an access-token reply).
impl fmt::Debug for ReplyBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyBody")
            .field("len", &self.bytes.len())
            .field("limit", &self.limit)
            .field("cut", &self.cut)
            .finish_non_exhaustive()
    }
}

impl ReplyBody {
    /// Starts the body of a reply with `status` and the `Content-Length` it declared, if any.
    ///
    /// # Errors
    ///
    /// [`TransportError::BodyTooLarge`] when a success `status` declares a length over `limit`.
    pub fn new(
        status: StatusCode,
        declared_length: Option<u64>,
        limit: usize,
    ) -> Result<Self, TransportError> {
        let refuses_excess = status.is_success();
        let declared = declared_length.map(|length| usize::try_from(length).unwrap_or(usize::MAX));
        if refuses_excess && declared.is_some_and(|length| length > limit) {
            return Err(TransportError::BodyTooLarge { limit });
        }
        // A declared length reserves room up front, but only so much on the server's word.
        const LARGEST_RESERVATION: usize = 1024 * 1024;
        let reserved = declared.map_or(0, |length| length.min(limit).min(LARGEST_RESERVATION));
        Ok(Self {
            bytes: Vec::with_capacity(reserved),
            limit,
            refuses_excess,
            declared_over_limit: declared.is_some_and(|length| length > limit),
            cut: false,
        })
    }

    /// Adds the next piece of the body: `Ok(true)` while more may follow, `Ok(false)` once the
    /// body is cut at the limit (the rest need not be read).
    ///
    /// # Errors
    ///
    /// [`TransportError::BodyTooLarge`] once a success reply's body passes the limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<bool, TransportError> {
        if self.cut {
            return Ok(false);
        }
        let room = self.room();
        self.bytes
            .extend_from_slice(chunk.get(..room).unwrap_or(chunk));
        self.settle()
    }

    /// Reads the rest of the body from an HTTP client's `reader`. A read error that wraps the
    /// client's own error `E` is mapped by `client_error`; any other is
    /// [`TransportError::Timeout`] if it says it timed out, else [`TransportError::Client`].
    ///
    /// # Errors
    ///
    /// As [`ReplyBody::push`] for the size; a read error as described above.
    pub fn read_from<E: StdError + Send + Sync + 'static>(
        &mut self,
        reader: impl Read,
        client_error: impl FnOnce(E) -> TransportError,
    ) -> Result<(), TransportError> {
        if self.cut {
            return Ok(());
        }
        let room = self.room();
        reader
            .take(u64::try_from(room).unwrap_or(u64::MAX))
            .read_to_end(&mut self.bytes)
            .map_err(|error| read_error(error, client_error))?;
        self.settle().map(drop)
    }

    /// The reply: `head`'s status, version, headers and extensions with this body, and
    /// [`BodyCut`] among the extensions if it was cut.
    pub fn finish(self, head: Response<()>) -> Response<Vec<u8>> {
        let (mut parts, ()) = head.into_parts();
        if self.cut {
            parts.extensions.insert(BodyCut { limit: self.limit });
        }
        Response::from_parts(parts, self.bytes)
    }

    /// How many more bytes to take: up to one past the limit, which tells a body of exactly
    /// `limit` bytes from a larger one.
    fn room(&self) -> usize {
        let end = if self.declared_over_limit {
            self.limit
        } else {
            self.limit.saturating_add(1)
        };
        end.saturating_sub(self.bytes.len())
    }

    /// Refuses or cuts a body that went past the limit, or reached it when it said it would.
    fn settle(&mut self) -> Result<bool, TransportError> {
        if self.declared_over_limit && self.bytes.len() == self.limit {
            self.cut = true;
            return Ok(false);
        }
        if self.bytes.len() <= self.limit {
            return Ok(true);
        }
        if self.refuses_excess {
            return Err(TransportError::BodyTooLarge { limit: self.limit });
        }
        self.bytes.truncate(self.limit);
        self.cut = true;
        Ok(false)
    }
}

/// The client's error `E` inside an `io::Error` from its body reader, mapped by
/// `client_error`; or the `io::Error` itself.
fn read_error<E: StdError + Send + Sync + 'static>(
    error: io::Error,
    client_error: impl FnOnce(E) -> TransportError,
) -> TransportError {
    if !error.get_ref().is_some_and(|inner| inner.is::<E>()) {
        return match error.kind() {
            io::ErrorKind::TimedOut => TransportError::Timeout,
            _ => TransportError::client(error),
        };
    }
    match error.into_inner().map(|inner| inner.downcast::<E>()) {
        Some(Ok(inner)) => client_error(*inner),
        Some(Err(other)) => TransportError::Client(other),
        None => TransportError::client(io::Error::other("reading the reply failed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with an optional cause, standing for a TLS library's.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn StdError + Send + Sync>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|cause| cause as _)
        }
    }

    /// Every cause in order, into the error an `io::Error` wraps, whose own `source` would
    /// skip it.
    #[test]
    fn the_error_chain_goes_through_io_errors() {
        let certificate = Layer("unknown issuer", None);
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, certificate);
        let outer = Layer("request failed", Some(Box::new(io::Error::other(wrapped))));
        let messages: Vec<String> = error_chain(&outer).map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "request failed",
                "unknown issuer",
                "unknown issuer",
                "unknown issuer"
            ]
        );
        let kinds: Vec<bool> = error_chain(&outer)
            .map(|cause| cause.is::<io::Error>())
            .collect();
        assert_eq!(kinds, [false, true, true, false]);
        let alone = Layer("alone", None);
        assert_eq!(error_chain(&alone).count(), 1);
    }

    /// A TLS library's finding has a cause of its own and no `io::Error` anywhere below it.
    #[test]
    fn a_tls_finding_is_a_cause_without_an_io_error() {
        let finding = Layer("handshake failed", Some("certificate verify failed".into()));
        assert!(is_tls_finding(&finding));
        let deeper = Layer("handshake failed", Some(Box::new(finding)));
        assert!(is_tls_finding(&deeper));
        assert!(!is_tls_finding(&Layer("connection closed", None)));
        let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset");
        assert!(!is_tls_finding(&Layer(
            "handshake failed",
            Some(Box::new(reset))
        )));
        let reset_below = Layer(
            "handshake failed",
            Some(Box::new(Layer(
                "read failed",
                Some(Box::new(io::Error::from(io::ErrorKind::ConnectionReset))),
            ))),
        );
        assert!(!is_tls_finding(&reset_below));
    }

    /// The documented default: 8 MiB.
    #[test]
    fn default_body_limit_is_8_mib() {
        assert_eq!(DEFAULT_BODY_LIMIT, 8_388_608);
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

    fn head(status: u16) -> Response<()> {
        Response::builder()
            .status(status)
            .header("x-discogs-ratelimit-remaining", "0")
            .body(())
            .unwrap()
    }

    #[test]
    fn a_success_reply_up_to_the_limit_is_read_whole() {
        let mut body = ReplyBody::new(StatusCode::OK, Some(10), 10).unwrap();
        assert!(body.push(b"12345").unwrap());
        assert!(body.push(b"67890").unwrap());
        let reply = body.finish(head(200));
        assert_eq!(reply.body(), b"1234567890");
        assert_eq!(reply.extensions().get::<BodyCut>(), None);

        let mut body = ReplyBody::new(StatusCode::OK, None, 10).unwrap();
        body.read_from(&b"1234567890"[..], |error: io::Error| {
            TransportError::client(error)
        })
        .unwrap();
        assert_eq!(body.finish(head(200)).body(), b"1234567890");
    }

    #[test]
    fn a_success_reply_past_the_limit_is_refused() {
        for declared in [Some(11), Some(u64::MAX)] {
            assert!(matches!(
                ReplyBody::new(StatusCode::OK, declared, 10),
                Err(TransportError::BodyTooLarge { limit: 10 })
            ));
        }
        // A `Content-Length` that understates the body does not get it through.
        let mut body = ReplyBody::new(StatusCode::CREATED, Some(4), 10).unwrap();
        assert!(body.push(b"1234567890").unwrap());
        assert!(matches!(
            body.push(b"1"),
            Err(TransportError::BodyTooLarge { limit: 10 })
        ));
        // Pushed again after the refusal, it neither panics nor grows.
        assert!(body.push(&[0; 100]).is_err());
        assert!(body.bytes.len() <= 11);

        let mut body = ReplyBody::new(StatusCode::OK, None, 10).unwrap();
        assert!(matches!(
            body.read_from(&b"12345678901"[..], |error: io::Error| {
                TransportError::client(error)
            }),
            Err(TransportError::BodyTooLarge { limit: 10 })
        ));
    }

    /// A 429 with a large page keeps its status and headers (its rate-limit figures).
    #[test]
    fn an_error_reply_past_the_limit_is_cut_there() {
        for declared in [None, Some(10), Some(1_000_000)] {
            let mut body = ReplyBody::new(StatusCode::TOO_MANY_REQUESTS, declared, 10).unwrap();
            assert!(body.push(b"Too many").unwrap());
            assert!(!body.push(b" requests, slow down").unwrap());
            assert!(!body.push(b"more").unwrap());
            // Once cut, a body takes nothing more, and says so even for nothing.
            assert!(!body.push(b"").unwrap());
            let unread = b"never read";
            body.read_from(&unread[..], |error: io::Error| {
                TransportError::client(error)
            })
            .unwrap();
            let reply = body.finish(head(429));
            assert_eq!(reply.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(reply.headers()["x-discogs-ratelimit-remaining"], "0");
            assert_eq!(reply.body(), b"Too many r");
            assert_eq!(
                reply.extensions().get::<BodyCut>(),
                Some(&BodyCut { limit: 10 })
            );
        }
        let mut body = ReplyBody::new(StatusCode::BAD_GATEWAY, None, 10).unwrap();
        body.read_from(&b"<html>Bad Gateway</html>"[..], |error: io::Error| {
            TransportError::client(error)
        })
        .unwrap();
        let reply = body.finish(head(502));
        assert_eq!(reply.body(), b"<html>Bad ");
        assert!(reply.extensions().get::<BodyCut>().is_some());

        // Exactly at the limit is not cut.
        let mut body = ReplyBody::new(StatusCode::NOT_FOUND, None, 10).unwrap();
        assert!(body.push(b"1234567890").unwrap());
        assert_eq!(body.finish(head(404)).extensions().get::<BodyCut>(), None);
    }

    /// An error reply that declares more than the limit ends at the limit: a server that then
    /// stalls cannot turn the reply into a timeout.
    #[test]
    fn an_error_reply_declared_over_the_limit_ends_at_it() {
        struct StallsAfter<'a>(&'a [u8]);
        impl Read for StallsAfter<'_> {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "stalled"));
                }
                let len = buffer.len().min(self.0.len());
                buffer[..len].copy_from_slice(&self.0[..len]);
                self.0 = &self.0[len..];
                Ok(len)
            }
        }
        let mut body = ReplyBody::new(StatusCode::TOO_MANY_REQUESTS, Some(11), 10).unwrap();
        body.read_from(StallsAfter(b"0123456789"), |error: io::Error| {
            TransportError::client(error)
        })
        .unwrap();
        let reply = body.finish(head(429));
        assert_eq!(reply.body(), b"0123456789");
        assert_eq!(
            reply.extensions().get::<BodyCut>(),
            Some(&BodyCut { limit: 10 })
        );

        let mut body = ReplyBody::new(StatusCode::TOO_MANY_REQUESTS, Some(11), 10).unwrap();
        assert!(body.push(b"01234").unwrap());
        assert!(!body.push(b"56789").unwrap());
        assert!(
            body.finish(head(429))
                .extensions()
                .get::<BodyCut>()
                .is_some()
        );
        // Declared within the limit, it is read to its end as before.
        let mut body = ReplyBody::new(StatusCode::TOO_MANY_REQUESTS, Some(10), 10).unwrap();
        assert!(body.push(b"0123456789").unwrap());
    }

    #[test]
    fn debug_shows_sizes_not_the_body() {
        let mut body = ReplyBody::new(StatusCode::OK, None, 100).unwrap();
        body.push(b"oauth_token=t&oauth_token_secret=s3cr3t")
            .unwrap();
        assert_eq!(
            format!("{body:?}"),
            "ReplyBody { len: 39, limit: 100, cut: false, .. }"
        );
    }

    #[test]
    fn extreme_limits_do_not_panic() {
        let mut body = ReplyBody::new(StatusCode::OK, Some(0), 0).unwrap();
        assert!(body.push(b"").unwrap());
        assert!(matches!(
            body.push(b"x"),
            Err(TransportError::BodyTooLarge { limit: 0 })
        ));
        let mut body = ReplyBody::new(StatusCode::OK, Some(u64::MAX), usize::MAX).unwrap();
        assert!(body.push(b"x").unwrap());
        body.read_from(&b"yz"[..], |error: io::Error| TransportError::client(error))
            .unwrap();
        assert_eq!(body.finish(head(200)).body(), b"xyz");
    }

    /// A client error's message goes down its causes, each once: `reqwest` says only "error
    /// sending request" and puts "Connection refused" causes below it, and others (ureq's
    /// `io: …`) repeat their cause in their own message.
    #[test]
    fn a_client_error_s_message_holds_its_causes_once() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl fmt::Display for Layer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl StdError for Layer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                self.1
                    .as_deref()
                    .map(|layer| layer as &(dyn StdError + 'static))
            }
        }
        let refused = Layer(
            "error sending request",
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(Layer("Connection refused (os error 111)", None))),
            ))),
        );
        let error = TransportError::client(refused);
        assert_eq!(
            error.to_string(),
            "the HTTP request failed: error sending request: client error (Connect): \
             Connection refused (os error 111)"
        );
        assert!(error.source().is_none());

        let repeated = Layer(
            "io: connection reset",
            Some(Box::new(Layer("connection reset", None))),
        );
        assert_eq!(
            TransportError::client(repeated).to_string(),
            "the HTTP request failed: io: connection reset"
        );

        let garbled = Layer(
            "client error (SendRequest)",
            Some(Box::new(Layer("invalid HTTP status-code parsed", None))),
        );
        let error = TransportError::protocol(garbled);
        assert_eq!(
            error.to_string(),
            "the reply is not valid HTTP: client error (SendRequest): \
             invalid HTTP status-code parsed"
        );
        assert!(error.source().is_none());
        assert!(!error.is_transient());
    }

    #[test]
    fn no_tls_names_the_features_that_bring_it() {
        let no_tls = TransportError::NoTls;
        assert_eq!(
            no_tls.to_string(),
            "this build has no TLS for https:// URLs; enable the adapter's `rustls` or \
             `native-tls` feature"
        );
        assert!(!no_tls.is_transient());
    }

    /// The client's own error, as its reader wraps it, goes to the adapter's mapping; other
    /// read errors are told apart by their kind.
    #[test]
    fn read_errors_are_mapped() {
        #[derive(Debug, PartialEq)]
        struct ClientError(&'static str);
        impl fmt::Display for ClientError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl StdError for ClientError {}

        struct Failing(Option<io::Error>);
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(self.0.take().unwrap_or_else(|| io::Error::other("again")))
            }
        }
        let read = |error: io::Error| {
            let mut body = ReplyBody::new(StatusCode::OK, None, 10).unwrap();
            body.read_from(Failing(Some(error)), |client: ClientError| {
                assert_eq!(client, ClientError("connection reset"));
                TransportError::UnsupportedScheme
            })
            .unwrap_err()
        };
        let wrapped = io::Error::other(ClientError("connection reset"));
        assert!(matches!(read(wrapped), TransportError::UnsupportedScheme));
        let timed_out = io::Error::new(io::ErrorKind::TimedOut, "slow");
        assert!(matches!(read(timed_out), TransportError::Timeout));
        match read(io::Error::new(io::ErrorKind::ConnectionReset, "reset")) {
            TransportError::Client(error) => assert_eq!(error.to_string(), "reset"),
            other => panic!("{other:?}"),
        }
    }

    proptest::proptest! {
        /// However the body arrives (any chunks, or a reader), the outcome is the one rule: a
        /// success reply within the limit whole, past it refused; an error reply cut at the
        /// limit, and marked cut only if it was longer.
        #[test]
        fn chunks_and_readers_agree_on_the_limit(
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
            cuts in proptest::collection::vec(0..64usize, 0..8),
            limit in 0..48usize,
            success in proptest::bool::ANY,
        ) {
            let status = if success { StatusCode::OK } else { StatusCode::BAD_GATEWAY };
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|&at| at <= body.len()).collect();
            cuts.sort_unstable();
            let mut pushed = ReplyBody::new(status, None, limit).unwrap();
            let mut from = 0;
            let mut outcome = Ok(());
            for at in cuts.into_iter().chain([body.len()]) {
                match pushed.push(&body[from..at]) {
                    Ok(true) => from = at,
                    Ok(false) => break,
                    Err(error) => {
                        outcome = Err(error);
                        break;
                    }
                }
            }
            let mut read = ReplyBody::new(status, None, limit).unwrap();
            let read_outcome = read.read_from(&body[..], |error: io::Error| TransportError::client(error));

            if success && body.len() > limit {
                let refused = |outcome: &Result<(), TransportError>| {
                    matches!(outcome, Err(TransportError::BodyTooLarge { limit: refused }) if *refused == limit)
                };
                proptest::prop_assert!(refused(&outcome));
                proptest::prop_assert!(refused(&read_outcome));
            } else {
                proptest::prop_assert!(outcome.is_ok() && read_outcome.is_ok());
                let expected_cut = (body.len() > limit).then_some(BodyCut { limit });
                let kept = &body[..body.len().min(limit)];
                for reply in [pushed.finish(head(502)), read.finish(head(502))] {
                    proptest::prop_assert_eq!(reply.body().as_slice(), kept);
                    proptest::prop_assert_eq!(reply.extensions().get::<BodyCut>().copied(), expected_cut);
                }
            }
        }
    }

    #[test]
    fn urls_with_a_user_name_or_password_are_refused() {
        for url in [
            "https://user:pass@api.discogs.com/oauth/identity",
            "https://user@api.discogs.com/",
            "http://user:pass@127.0.0.1:8080/",
            "https://:@api.discogs.com/",
        ] {
            assert!(
                matches!(
                    ensure_secure_url(&url.parse().unwrap()),
                    Err(TransportError::CredentialsInUrl)
                ),
                "{url}"
            );
        }
        assert_eq!(
            TransportError::CredentialsInUrl.to_string(),
            "refusing a URL with a user name or password in it"
        );
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
