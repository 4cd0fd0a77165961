//! One error type for callers who want a single `?` across every sans-IO step. A
//! [`Session`](crate::Session)'s steps, which send too, return
//! [`FlowError`](crate::FlowError), which also holds the transport's error and a callback's.

use std::fmt;

use crate::credentials::CredentialError;
use crate::discogs_auth::DiscogsAuthError;
use crate::endpoints::UrlError;
use crate::freshness::{FreshnessError, RandomSourceError};
use crate::oauth::{CallbackError, RequestError};
use crate::oauth_header::OAuthHeaderError;
use crate::provider::VerifyError;
use crate::reply::ReplyError;

/// Any error of this crate's sans-IO steps (a [`Session`](crate::Session)'s are
/// [`FlowError`](crate::FlowError)s). Each variant wraps the error of one concern, which can be
/// matched further.
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
        }
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::encoding::DecodeError;
    use crate::signature::SigningError;
    use crate::transport::TransportError;

    /// The `Display`/`source` of the hand-written impls: transparent wrappers show and chain
    /// exactly what they wrap, a `source` field is the source, and nothing else has one.
    #[test]
    fn wrappers_are_transparent_and_sources_chain() {
        let decode = OAuthHeaderError::Decode {
            name: "oauth_nonce".into(),
            source: DecodeError::BadPercentEscape,
        };
        assert_eq!(
            decode.to_string(),
            "parameter `oauth_nonce` is not validly percent-encoded: a '%' is not followed by two \
             hexadecimal digits"
        );
        assert_eq!(
            decode.source().map(ToString::to_string),
            Some(DecodeError::BadPercentEscape.to_string())
        );

        // `Error` and `VerifyError::Header` are transparent: same text, same source as the
        // innermost error that has one.
        let verify = VerifyError::from(decode.clone());
        let error = Error::from(verify.clone());
        assert_eq!(error.to_string(), decode.to_string());
        assert_eq!(verify.to_string(), decode.to_string());
        assert_eq!(
            error.source().map(ToString::to_string),
            Some(DecodeError::BadPercentEscape.to_string())
        );

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
            },
        };
        assert_eq!(
            skew.to_string(),
            "the request was refused and this machine's clock looks wrong; fix the clock or use \
             an OffsetClock (HTTP 401: Invalid timestamp.)"
        );
        assert!(skew.source().is_none());
    }
}
