//! One error type for callers who want a single `?` across every step: the sans-IO ones, and
//! a [`Session`](crate::Session)'s, whose [`FlowError`]s (which also hold the transport's
//! error) convert into it.

use std::fmt;
use std::sync::Arc;

use crate::credentials::CredentialError;
use crate::discogs_auth::DiscogsAuthError;
use crate::encoding::{DecodeError, FormError};
use crate::endpoints::UrlError;
use crate::freshness::{FreshnessError, RandomSourceError};
use crate::oauth::{CallbackError, RequestError};
use crate::oauth_header::OAuthHeaderError;
use crate::provider::VerifyError;
use crate::rate_limit::RateLimitError;
use crate::reply::{ApiError, ReplyError};
use crate::session::FlowError;
use crate::signature::{SigningError, UnknownSignatureMethod};
use crate::transport::TransportError;

/// Any error of this crate: of its sans-IO steps, and of a [`Session`](crate::Session)'s
/// (a [`FlowError`] converts with `?`). Each variant wraps the error of one concern, which can
/// be matched further.
///
/// ```
/// use discogs_auth_core::http::{Request, Response};
/// use discogs_auth_core::{Callback, Consumer, OAuthClient, RequestToken, Session, UserAgent};
///
/// // Credentials, the callback URL and the exchange with Discogs, each `?` into `Error`.
/// fn start_login(
///     discogs: impl Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, std::io::Error>,
/// ) -> Result<RequestToken, discogs_auth_core::Error> {
///     let client = OAuthClient::new(Consumer::new("key", "secret")?, UserAgent::new("MyApp/1.0")?);
///     let callback = Callback::url("https://app.example/callback")?;
///     Ok(Session::new(client, discogs).request_token(&callback)?)
/// }
///
/// let unreachable = |_: Request<Vec<u8>>| Err(std::io::Error::other("connection refused"));
/// let error = start_login(unreachable).unwrap_err();
/// assert!(matches!(error, discogs_auth_core::Error::Transport(_)));
/// assert_eq!(error.to_string(), "connection refused");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// A credential was refused.
    Credential(CredentialError),
    /// A URL was refused.
    Url(UrlError),
    /// A nonce or timestamp was refused.
    Freshness(FreshnessError),
    /// The OS random source failed.
    RandomSource(RandomSourceError),
    /// A request could not be built.
    Request(RequestError),
    /// The callback was not an approval of this flow's request token.
    Callback(CallbackError),
    /// A reply was an error or could not be read.
    Reply(ReplyError),
    /// Discogs Auth credentials could not be applied or read.
    DiscogsAuth(DiscogsAuthError),
    /// An `Authorization: OAuth` header could not be parsed.
    OAuthHeader(OAuthHeaderError),
    /// A signed request did not verify.
    Verify(VerifyError),
    /// A signature method's name (from a setting) is unknown to this build.
    SignatureMethod(UnknownSignatureMethod),
    /// Rate-limit headers could not be read.
    RateLimit(RateLimitError),
    /// A percent-encoded value could not be decoded.
    Decode(DecodeError),
    /// Form data could not be read.
    Form(FormError),
    /// A request could not be built with `http`'s builder or a URI parsed with it (a value
    /// given to them is not valid), in the caller's own code: `Request::get(url).body(…)?`.
    Http(Arc<http::Error>),
    /// A transport could not send a request or receive its reply: a [`TransportError`], or
    /// the error of a [`Session`](crate::Session)'s transport ([`FlowError::Transport`]),
    /// which [`downcast_ref`](std::error::Error#method.downcast_ref) gives back by its type.
    Transport(Arc<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Whether the same call may succeed later unchanged, as [`FlowError::is_transient`] judges
    /// it: a transient reply or [`TransportError`]. Every other error is not.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Reply(error) => error.is_transient(),
            Self::Transport(error) => crate::transport::transport_error_is_transient(&**error),
            _ => false,
        }
    }

    /// How long the reply asked to wait before trying again (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.reply().and_then(ReplyError::retry_after)
    }

    /// Whether the login must start again because its request token expired, here or on
    /// Discogs' side ([`FlowError::is_request_token_expired`]).
    pub fn is_request_token_expired(&self) -> bool {
        matches!(
            self,
            Self::Request(RequestError::RequestTokenExpired { .. })
                | Self::Reply(ReplyError::RequestTokenExpired(_))
        )
    }

    /// Whether only a new login can mend this, as [`FlowError::must_restart_login`] judges it:
    /// the request token expired, or Discogs refused the exchange.
    pub fn must_restart_login(&self) -> bool {
        match self {
            Self::Request(error) => error.must_restart_login(),
            Self::Reply(error) => error.must_restart_login(),
            _ => false,
        }
    }

    /// The adapter's [`TransportError`], when the transport was one of this workspace's (a
    /// timeout, a refused URL, a body over the limit, …); `None` for any other error, and for a
    /// transport of the caller's own, whose error [`Error::Transport`] holds.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            Self::Transport(error) => error.downcast_ref(),
            _ => None,
        }
    }

    /// The reply's status, message and rate limit, for an error that came from a non-success
    /// status.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.reply().and_then(ReplyError::api_error)
    }

    fn reply(&self) -> Option<&ReplyError> {
        match self {
            Self::Reply(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential(error) => fmt::Display::fmt(error, f),
            Self::Url(error) => fmt::Display::fmt(error, f),
            Self::Freshness(error) => fmt::Display::fmt(error, f),
            Self::RandomSource(error) => fmt::Display::fmt(error, f),
            Self::Request(error) => fmt::Display::fmt(error, f),
            Self::Callback(error) => fmt::Display::fmt(error, f),
            Self::Reply(error) => fmt::Display::fmt(error, f),
            Self::DiscogsAuth(error) => fmt::Display::fmt(error, f),
            Self::OAuthHeader(error) => fmt::Display::fmt(error, f),
            Self::Verify(error) => fmt::Display::fmt(error, f),
            Self::SignatureMethod(error) => fmt::Display::fmt(error, f),
            Self::RateLimit(error) => fmt::Display::fmt(error, f),
            Self::Decode(error) => fmt::Display::fmt(error, f),
            Self::Form(error) => fmt::Display::fmt(error, f),
            Self::Http(error) => write!(f, "the request could not be built: {error}"),
            Self::Transport(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Every variant is transparent: the wrapped error's own source.
            Self::Credential(error) => std::error::Error::source(error),
            Self::Url(error) => std::error::Error::source(error),
            Self::Freshness(error) => std::error::Error::source(error),
            Self::RandomSource(error) => std::error::Error::source(error),
            Self::Request(error) => std::error::Error::source(error),
            Self::Callback(error) => std::error::Error::source(error),
            Self::Reply(error) => std::error::Error::source(error),
            Self::DiscogsAuth(error) => std::error::Error::source(error),
            Self::OAuthHeader(error) => std::error::Error::source(error),
            Self::Verify(error) => std::error::Error::source(error),
            Self::SignatureMethod(error) => std::error::Error::source(error),
            Self::RateLimit(error) => std::error::Error::source(error),
            Self::Decode(error) => std::error::Error::source(error),
            Self::Form(error) => std::error::Error::source(error),
            // `http::Error` shows its inner error's text, which the message above holds.
            Self::Http(error) => error.source().and_then(std::error::Error::source),
            Self::Transport(error) => error.source(),
        }
    }
}

impl From<http::Error> for Error {
    fn from(error: http::Error) -> Self {
        Self::Http(Arc::new(error))
    }
}

impl From<http::uri::InvalidUri> for Error {
    fn from(error: http::uri::InvalidUri) -> Self {
        Self::Http(Arc::new(error.into()))
    }
}

impl From<CredentialError> for Error {
    fn from(error: CredentialError) -> Self {
        Self::Credential(error)
    }
}

impl From<UrlError> for Error {
    fn from(error: UrlError) -> Self {
        Self::Url(error)
    }
}

impl From<FreshnessError> for Error {
    fn from(error: FreshnessError) -> Self {
        Self::Freshness(error)
    }
}

impl From<RandomSourceError> for Error {
    fn from(error: RandomSourceError) -> Self {
        Self::RandomSource(error)
    }
}

impl From<RequestError> for Error {
    fn from(error: RequestError) -> Self {
        Self::Request(error)
    }
}

impl From<CallbackError> for Error {
    fn from(error: CallbackError) -> Self {
        Self::Callback(error)
    }
}

impl From<ReplyError> for Error {
    fn from(error: ReplyError) -> Self {
        Self::Reply(error)
    }
}

impl From<DiscogsAuthError> for Error {
    fn from(error: DiscogsAuthError) -> Self {
        Self::DiscogsAuth(error)
    }
}

impl From<OAuthHeaderError> for Error {
    fn from(error: OAuthHeaderError) -> Self {
        Self::OAuthHeader(error)
    }
}

impl From<VerifyError> for Error {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl From<UnknownSignatureMethod> for Error {
    fn from(error: UnknownSignatureMethod) -> Self {
        Self::SignatureMethod(error)
    }
}

impl From<RateLimitError> for Error {
    fn from(error: RateLimitError) -> Self {
        Self::RateLimit(error)
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Self::Decode(error)
    }
}

impl From<FormError> for Error {
    fn from(error: FormError) -> Self {
        Self::Form(error)
    }
}

impl From<SigningError> for Error {
    fn from(error: SigningError) -> Self {
        Self::Request(RequestError::Signing(error))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(Arc::new(error))
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<FlowError<E>> for Error {
    fn from(error: FlowError<E>) -> Self {
        match error {
            FlowError::Transport(error) => Self::Transport(Arc::new(error)),
            FlowError::Request(error) => Self::Request(error),
            FlowError::Reply(error) => Self::Reply(error),
            FlowError::RandomSource(error) => Self::RandomSource(error),
            FlowError::DiscogsAuth(error) => Self::DiscogsAuth(error),
            FlowError::Callback(error) => Self::Callback(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    /// The `Display`/`source` of the hand-written impls: transparent wrappers show and chain
    /// exactly what they wrap; a cause that the message names already is not a source too (a
    /// reporter would print it twice).
    #[test]
    fn wrappers_are_transparent_and_sources_chain() {
        let decode = OAuthHeaderError::Decode {
            name: "oauth_nonce".into(),
            reason: DecodeError::BadPercentEscape,
        };
        assert_eq!(
            decode.to_string(),
            "parameter `oauth_nonce` is not validly percent-encoded: a '%' is not followed by two \
             hexadecimal digits"
        );
        assert!(decode.source().is_none());

        // `Error` and `VerifyError::Header` are transparent: same text, same (no) source.
        let verify = VerifyError::from(decode.clone());
        let error = Error::from(verify.clone());
        assert_eq!(error.to_string(), decode.to_string());
        assert_eq!(verify.to_string(), decode.to_string());
        assert!(verify.source().is_none());
        assert!(error.source().is_none());

        let request = RequestError::from(SigningError::NotAbsoluteUri);
        assert_eq!(
            request.to_string(),
            "the request URI must be absolute (scheme and host)"
        );
        assert!(request.source().is_none());
        assert!(Error::from(request).source().is_none());

        let client = TransportError::client(std::io::Error::other("connection reset"));
        assert_eq!(
            client.to_string(),
            "the HTTP request failed: connection reset"
        );
        assert!(client.source().is_none());

        let skew = ReplyError::ClockSkew {
            skew_seconds: None,
            error: crate::reply::ApiError {
                status: http::StatusCode::UNAUTHORIZED,
                message: "Invalid timestamp.".into(),
                rate_limit: None,
                retry_after: None,
            },
        };
        assert_eq!(
            skew.to_string(),
            "the request was refused and this machine's clock looks wrong; fix the clock or use \
             an OffsetClock (HTTP 401: Invalid timestamp.)"
        );
        assert!(skew.source().is_none());
    }

    /// Each `FlowError` lands in the variant of its concern; the transport's error keeps its
    /// type, text and source.
    #[test]
    fn a_flow_error_converts_variant_for_variant() {
        use crate::oauth::test_support::CallerError as Refused;
        let refused = FlowError::Transport(Refused {
            message: "could not connect",
            cause: std::io::Error::other("connection refused"),
        });
        let Error::Transport(transport) = Error::from(refused) else {
            panic!("not Error::Transport")
        };
        assert_eq!(transport.to_string(), "could not connect");
        assert!(transport.downcast_ref::<Refused>().is_some());
        let error = Error::Transport(transport);
        assert_eq!(error.to_string(), "could not connect");
        assert_eq!(
            error.source().map(ToString::to_string),
            Some("connection refused".to_owned())
        );

        type Flow = FlowError<std::io::Error>;
        assert!(matches!(
            Error::from(Flow::Callback(CallbackError::Denied)),
            Error::Callback(CallbackError::Denied)
        ));
        assert!(matches!(
            Error::from(Flow::Request(RequestError::from(
                SigningError::NotAbsoluteUri
            ))),
            Error::Request(RequestError::Signing(SigningError::NotAbsoluteUri))
        ));
        assert!(matches!(
            Error::from(Flow::Reply(ReplyError::CallbackNotConfirmed)),
            Error::Reply(ReplyError::CallbackNotConfirmed)
        ));
        assert!(matches!(
            Error::from(Flow::DiscogsAuth(DiscogsAuthError::InvalidUri)),
            Error::DiscogsAuth(DiscogsAuthError::InvalidUri)
        ));
    }

    /// Every error type the crate's public functions return takes `?` into `Error`, in the
    /// variant of its concern.
    #[test]
    fn every_public_error_converts() {
        fn question_mark<E>(error: E) -> Error
        where
            Error: From<E>,
        {
            let failed: Result<(), E> = Err(error);
            let converted = || -> Result<(), Error> { Ok(failed?) };
            converted().unwrap_err()
        }
        let Error::SignatureMethod(unknown) =
            question_mark("RSA-SHA1".parse::<crate::SignatureMethod>().unwrap_err())
        else {
            panic!("not Error::SignatureMethod")
        };
        assert_eq!(unknown.name(), "RSA-SHA1");
        assert!(matches!(
            question_mark(RateLimitError::Missing { header: "x" }),
            Error::RateLimit(RateLimitError::Missing { header: "x" })
        ));
        assert!(matches!(
            question_mark(DecodeError::NotUtf8),
            Error::Decode(DecodeError::NotUtf8)
        ));
        assert!(matches!(
            question_mark(FormError::NotUtf8),
            Error::Form(FormError::NotUtf8)
        ));
        assert!(matches!(
            question_mark(SigningError::InvalidPort),
            Error::Request(RequestError::Signing(SigningError::InvalidPort))
        ));
        let Error::Transport(transport) = question_mark(TransportError::Timeout) else {
            panic!("not Error::Transport")
        };
        assert!(matches!(
            transport.downcast_ref::<TransportError>(),
            Some(TransportError::Timeout)
        ));
    }

    /// What a caller decides to do next reads off the error, through `FlowError` or `Error`
    /// alike: wait and retry, start the login again, or neither.
    #[test]
    fn errors_say_whether_to_retry_or_start_again() {
        use std::time::Duration;

        /// (transient, retry after, expired, restart the login, has an API error), the same
        /// through `FlowError` and `Error`.
        fn both(error: FlowError<TransportError>) -> (bool, Option<Duration>, bool, bool, bool) {
            let flow = (
                error.is_transient(),
                error.retry_after(),
                error.is_request_token_expired(),
                error.must_restart_login(),
            );
            let timed_out = matches!(error, FlowError::Transport(TransportError::Timeout));
            let error = Error::from(error);
            assert_eq!(
                (
                    error.is_transient(),
                    error.retry_after(),
                    error.is_request_token_expired(),
                    error.must_restart_login(),
                ),
                flow,
                "{error:?}"
            );
            assert_eq!(
                matches!(error.transport_error(), Some(TransportError::Timeout)),
                timed_out
            );
            (flow.0, flow.1, flow.2, flow.3, error.api_error().is_some())
        }
        let reply = |status: u16, retry_after: Option<&str>| {
            let mut reply = http::Response::builder().status(status);
            if let Some(wait) = retry_after {
                reply = reply.header("Retry-After", wait);
            }
            let reply = reply.body(Vec::new()).unwrap();
            FlowError::Reply(crate::reply::check_reply(&reply, &[]).unwrap_err())
        };
        let wait = Some(Duration::from_secs(30));
        assert_eq!(
            both(reply(429, Some("30"))),
            (true, wait, false, false, true)
        );
        assert_eq!(
            both(reply(503, Some("30"))),
            (true, wait, false, false, true)
        );
        assert_eq!(both(reply(500, None)), (true, None, false, false, true));
        assert_eq!(both(reply(401, None)), (false, None, false, false, true));
        assert_eq!(
            both(FlowError::Transport(TransportError::Timeout)),
            (true, None, false, false, false)
        );
        assert_eq!(
            both(FlowError::Transport(TransportError::client(
                std::io::Error::other("connection reset")
            ))),
            (true, None, false, false, false)
        );
        assert_eq!(
            both(FlowError::Transport(TransportError::BodyTooLarge {
                limit: 16
            })),
            (false, None, false, false, false)
        );
        // The caller's request to mend, not the login.
        let unsignable =
            RequestError::Signing(crate::SigningError::ProtocolParameterOutsideHeader {
                name: "oauth_token",
            });
        assert_eq!(
            both(FlowError::Request(unsignable)),
            (false, None, false, false, false)
        );
        let expired = RequestError::RequestTokenExpired {
            expired_at: crate::Timestamp::from_unix_seconds(1_700_000_900).unwrap(),
        };
        assert_eq!(
            both(FlowError::Request(expired)),
            (false, None, true, true, false)
        );
        let expired_there = ReplyError::RequestTokenExpired(crate::reply::ApiError::new(
            http::StatusCode::BAD_REQUEST,
            "Request token expired.",
            None,
        ));
        assert_eq!(
            both(FlowError::Reply(expired_there)),
            (false, None, true, true, true)
        );
        let refused = ReplyError::AccessTokenRefused(crate::reply::ApiError::new(
            http::StatusCode::UNAUTHORIZED,
            "Invalid verifier.",
            None,
        ));
        assert_eq!(
            both(FlowError::Reply(refused)),
            (false, None, false, true, true)
        );
        // The user's answer, and a callback from another login, which leaves this one open.
        for callback in [
            crate::CallbackError::Denied,
            crate::CallbackError::TokenMismatch,
        ] {
            assert_eq!(
                both(FlowError::Callback(callback)),
                (false, None, false, false, false)
            );
        }
        assert_eq!(
            both(FlowError::Transport(TransportError::NoTls)),
            (false, None, false, false, false)
        );

        // A transport of the caller's own is not judged.
        let own: FlowError<std::io::Error> =
            FlowError::Transport(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert!(!own.is_transient());
        let own = Error::from(own);
        assert!(!own.is_transient());
        assert!(own.transport_error().is_none());
    }
}
