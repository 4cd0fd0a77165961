//! Errors of the handle's direct operations (approve, deny).

use std::error::Error;
use std::fmt;

use discogs_auth_core::RandomSourceError;

/// A direct operation on the stand-in ([`StandIn::approve`](crate::StandIn::approve),
/// [`StandIn::deny`](crate::StandIn::deny)) was refused.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StandInError {
    /// No pending request token has this value: never issued, already used, denied, or evicted.
    UnknownRequestToken,
    /// The request token was issued more than 15 minutes ago (on the stand-in's clock).
    Expired,
    /// The OS random source failed while making a verifier.
    RandomSource(RandomSourceError),
}

impl PartialEq for StandInError {
    fn eq(&self, other: &Self) -> bool {
        // `RandomSourceError` has no equality; any two random-source failures compare equal so
        // that tests can still `assert_eq!` on the other variants.
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl Eq for StandInError {}

impl fmt::Display for StandInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownRequestToken => f.write_str("unknown request token"),
            Self::Expired => {
                f.write_str("the request token has expired (15 minutes after it was issued)")
            }
            Self::RandomSource(error) => write!(f, "cannot make a verifier: {error}"),
        }
    }
}

impl Error for StandInError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::RandomSource(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_compare_by_kind_and_say_what_happened() {
        let (unknown, expired) = (StandInError::UnknownRequestToken, StandInError::Expired);
        assert_eq!(unknown, StandInError::UnknownRequestToken);
        assert_ne!(unknown, expired);
        assert_eq!(unknown.to_string(), "unknown request token");
        assert_eq!(
            expired.to_string(),
            "the request token has expired (15 minutes after it was issued)"
        );
        assert!(unknown.source().is_none() && expired.source().is_none());
    }
}
