//! One error type for callers who want a single `?` across every step.

use crate::credentials::CredentialError;
use crate::discogs_auth::DiscogsAuthError;
use crate::endpoints::UrlError;
use crate::freshness::{FreshnessError, RandomSourceError};
use crate::oauth::{CallbackError, RequestError};
use crate::oauth_header::OAuthHeaderError;
use crate::provider::VerifyError;
use crate::reply::ReplyError;

/// Any error of this crate. Each variant wraps the error of one concern, which can be matched
/// further.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A credential was refused.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A URL was refused.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// A nonce or timestamp was refused.
    #[error(transparent)]
    Freshness(#[from] FreshnessError),
    /// The OS random source failed.
    #[error(transparent)]
    RandomSource(#[from] RandomSourceError),
    /// A request could not be built.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The callback was not an approval of this flow's request token.
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// A reply was an error or could not be read.
    #[error(transparent)]
    Reply(#[from] ReplyError),
    /// Discogs Auth credentials could not be applied or read.
    #[error(transparent)]
    DiscogsAuth(#[from] DiscogsAuthError),
    /// An `Authorization: OAuth` header could not be parsed.
    #[error(transparent)]
    OAuthHeader(#[from] OAuthHeaderError),
    /// A signed request did not verify.
    #[error(transparent)]
    Verify(#[from] VerifyError),
}
