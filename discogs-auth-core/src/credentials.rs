//! Credentials: validated on construction, secrets redacted in `Debug` and never `Display`ed.

use std::fmt;

use crate::encoding::{KnownText, has_control, is_all_unreserved, percent_encode};
use crate::freshness::Timestamp;
use crate::provider::secrets_equal;

/// How long Discogs honours a request token (and its verifier) after issuing it.
pub const REQUEST_TOKEN_LIFETIME_SECS: u64 = 15 * 60;

/// A credential value was refused before any request was built.
///
/// The error names the field, never the value: the value may be a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialError {
    /// The value was empty where one is required.
    Empty {
        /// Which credential, e.g. `consumer_secret`.
        field: &'static str,
    },
    /// The value holds CR, LF, NUL or another control character, which could split or forge
    /// HTTP headers.
    ControlCharacter {
        /// Which credential.
        field: &'static str,
    },
    /// The value is longer than the field allows.
    TooLong {
        /// Which credential.
        field: &'static str,
        /// The largest accepted length in bytes.
        max: usize,
    },
    /// The value starts or ends with whitespace: no Discogs credential does, and one copied with
    /// the space beside it would fail every request it signs, each time as a refusal by Discogs.
    SurroundingWhitespace {
        /// Which credential.
        field: &'static str,
    },
    /// The value holds a character that shows as nothing: a byte order mark (at the start of a
    /// file some editors save), a zero-width space or joiner, a direction mark, a soft hyphen.
    /// Text copied from a web page or a document carries them unseen, and like whitespace around
    /// a value they would fail every request as a refusal by Discogs.
    InvisibleCharacter {
        /// Which credential.
        field: &'static str,
    },
}

/// What a control character in a credential or a URL means and what to do about it, in the
/// one wording both errors use (a macro, for `concat!`: a URL error's reason is a literal).
macro_rules! control_character_advice {
    () => {
        "contains a control character (CR, LF, NUL, ...); trim the line break off text read \
         from a file or a terminal"
    };
}
pub(crate) use control_character_advice;

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty { field } => write!(f, "{field} must not be empty"),
            Self::ControlCharacter { field } => {
                write!(f, "{field} {}", control_character_advice!())
            }
            Self::TooLong { field, max } => write!(f, "{field} is longer than {max} bytes"),
            Self::SurroundingWhitespace { field } => write!(
                f,
                "{field} starts or ends with whitespace; trim text copied or read from a file"
            ),
            Self::InvisibleCharacter { field } => write!(
                f,
                "{field} contains an invisible character (a byte order mark, a zero-width space, \
                 ...); type it again or copy it from its source as plain text"
            ),
        }
    }
}

impl std::error::Error for CredentialError {}

/// Longest credential value accepted, in bytes. Discogs' keys and tokens are 20–40 characters;
/// the cap only keeps hostile input from growing every header built from it.
pub const MAX_CREDENTIAL_LEN: usize = 1024;

/// Checks a value for a credential field: non-empty, bounded length, no control or invisible
/// characters, no whitespace around it.
pub(crate) fn validate(field: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.is_empty() {
        return Err(CredentialError::Empty { field });
    }
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(CredentialError::TooLong {
            field,
            max: MAX_CREDENTIAL_LEN,
        });
    }
    if has_control(value) {
        return Err(CredentialError::ControlCharacter { field });
    }
    if !value.is_ascii() && value.contains(is_invisible) {
        return Err(CredentialError::InvisibleCharacter { field });
    }
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return Err(CredentialError::SurroundingWhitespace { field });
    }
    Ok(())
}

/// A character that shows as nothing or only steers how the text around it is laid out
/// ([`CredentialError::InvisibleCharacter`]): Unicode's format characters that text copied by
/// hand carries, and the soft hyphen.
fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// A secret string. `Debug` prints `[redacted]`; there is no `Display`.
///
/// Read it with [`Secret::expose_secret`], which exists so that every place a secret is used is
/// easy to find. `==` takes the same time wherever two secrets differ ([`secrets_equal`]), so
/// that a server comparing a secret it was sent learns nothing from the time taken.
///
/// [`secrets_equal`]: crate::secrets_equal
#[derive(Clone)]
pub struct Secret(String);

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        secrets_equal(&self.0, &other.0)
    }
}

impl Eq for Secret {}

impl Secret {
    /// Validates `value` as the credential field `field`.
    ///
    /// # Errors
    ///
    /// A [`CredentialError`] naming `field`, for the first check `value` fails, in this order:
    /// [`Empty`](CredentialError::Empty), [`TooLong`](CredentialError::TooLong) (over
    /// [`MAX_CREDENTIAL_LEN`] bytes), [`ControlCharacter`](CredentialError::ControlCharacter),
    /// [`InvisibleCharacter`](CredentialError::InvisibleCharacter),
    /// [`SurroundingWhitespace`](CredentialError::SurroundingWhitespace).
    pub fn new(field: &'static str, value: impl Into<String>) -> Result<Self, CredentialError> {
        let value = value.into();
        validate(field, &value)?;
        Ok(Self(value))
    }

    /// The secret itself. Use it only as an input to a signature or a header.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A secret that signing keys are made of (the consumer secret and token secrets), kept with
/// its percent-encoding (RFC 5849 §3.6) where that differs from it: signing keys and PLAINTEXT
/// signatures are made of encoded secrets, so each is encoded once rather than for every
/// signature and every verification.
#[derive(Clone)]
struct SigningSecret {
    secret: Secret,
    encoded: Option<Box<str>>,
}

/// The encoding follows from the secret: only the secret is compared (in constant time).
impl PartialEq for SigningSecret {
    fn eq(&self, other: &Self) -> bool {
        self.secret == other.secret
    }
}

impl Eq for SigningSecret {}

impl SigningSecret {
    fn new(field: &'static str, value: impl Into<String>) -> Result<Self, CredentialError> {
        let secret = Secret::new(field, value)?;
        let value = secret.expose_secret();
        // Most secrets have nothing to encode: told apart by the fast scan.
        let encoded = (!is_all_unreserved(value.as_bytes()))
            .then(|| percent_encode(value).into_owned().into_boxed_str());
        Ok(Self { secret, encoded })
    }

    fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }

    /// `enc(secret)`, unreserved when the secret had nothing to encode: then it is the secret
    /// itself, and every further encoding of it a copy.
    fn encoded(&self) -> KnownText<'_> {
        match &self.encoded {
            Some(encoded) => KnownText::to_encode(encoded),
            None => KnownText::unreserved(self.expose_secret()),
        }
    }

    fn into_string(self) -> String {
        self.secret.into_string()
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.secret, f)
    }
}

/// `TryFrom<String>`, `TryFrom<&str>` and `FromStr` for a type whose
/// `new(impl Into<String>) -> Result<Self, CredentialError>` validates: each is `new`.
macro_rules! validated_conversions {
    ($name:ty) => {
        impl TryFrom<String> for $name {
            type Error = CredentialError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = CredentialError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = CredentialError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }
    };
}
pub(crate) use validated_conversions;

/// Defines a validated public identifier (not a secret): printable in `Debug` and `Display`.
macro_rules! public_credential {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
        pub struct $name {
            value: String,
            /// Whether percent-encoding leaves the value as it is (most keys and tokens), found
            /// once here rather than by every header.
            unreserved: bool,
        }

        impl $name {
            #[doc = concat!("Validates `value` as `", $field, "`, as [`CredentialError`] lists:")]
            /// non-empty, at most [`MAX_CREDENTIAL_LEN`] bytes, no control or invisible characters,
            /// no whitespace around it.
            ///
            /// # Errors
            ///
            /// A [`CredentialError`] naming this field, for the first of those rules `value`
            /// breaks, checked in the order given.
            pub fn new(value: impl Into<String>) -> Result<Self, CredentialError> {
                let value = value.into();
                validate($field, &value)?;
                let unreserved = is_all_unreserved(value.as_bytes());
                Ok(Self { value, unreserved })
            }

            /// The value as sent on the wire (before percent-encoding).
            pub fn as_str(&self) -> &str {
                &self.value
            }

            /// The value, and whether encoding it is a copy.
            pub(crate) fn as_known_text(&self) -> KnownText<'_> {
                KnownText {
                    text: &self.value,
                    unreserved: self.unreserved,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.value).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.value)
            }
        }

        validated_conversions!($name);

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.value
            }
        }
    };
}

/// Defines a validated secret credential: `Debug` shows `[redacted]`, no `Display`.
/// `$inner` is [`Secret`], or [`SigningSecret`] for the secrets signing keys are made of.
macro_rules! secret_credential {
    ($(#[$doc:meta])* $name:ident, $field:literal, $inner:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
        pub struct $name($inner);

        impl $name {
            #[doc = concat!("Validates `value` as `", $field, "`, as [`CredentialError`] lists:")]
            /// non-empty, at most [`MAX_CREDENTIAL_LEN`] bytes, no control or invisible characters,
            /// no whitespace around it.
            ///
            /// # Errors
            ///
            /// A [`CredentialError`] naming this field, for the first of those rules `value`
            /// breaks, checked in the order given.
            pub fn new(value: impl Into<String>) -> Result<Self, CredentialError> {
                $inner::new($field, value).map(Self)
            }

            /// The secret itself. Use it only as an input to a signature or a header.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        validated_conversions!($name);

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0.into_string()
            }
        }
    };
}

public_credential!(
    /// The consumer key Discogs issues for an application (public; sent with every OAuth request).
    ConsumerKey,
    "consumer_key"
);
secret_credential!(
    /// The consumer secret that goes with a [`ConsumerKey`]. Never sent in clear except as the
    /// PLAINTEXT signature over HTTPS.
    ConsumerSecret,
    "consumer_secret",
    SigningSecret
);
secret_credential!(
    /// A personal access token from Discogs' developer settings (Discogs Auth).
    PersonalToken,
    "personal_token",
    Secret
);
public_credential!(
    /// An OAuth token value (`oauth_token`): a request token or an access token. Public.
    TokenValue,
    "oauth_token"
);
secret_credential!(
    /// An OAuth token secret (`oauth_token_secret`). Only ever an input to a signature.
    TokenSecret,
    "oauth_token_secret",
    SigningSecret
);
secret_credential!(
    /// The verifier Discogs hands back after the user authorizes (`oauth_verifier`).
    Verifier,
    "oauth_verifier",
    Secret
);

impl ConsumerSecret {
    /// `enc(consumer_secret)`, the first half of every signing key, and whether it is the
    /// secret itself.
    pub(crate) fn encoded(&self) -> KnownText<'_> {
        self.0.encoded()
    }
}

impl TokenSecret {
    /// `enc(token_secret)`, the second half of a signing key, and whether it is the secret
    /// itself.
    pub(crate) fn encoded(&self) -> KnownText<'_> {
        self.0.encoded()
    }
}

/// An application's consumer key and secret.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Consumer {
    /// The public key.
    pub key: ConsumerKey,
    /// The secret.
    pub secret: ConsumerSecret,
}

impl Consumer {
    /// Validates both values.
    ///
    /// ```
    /// use discogs_auth_core::{Consumer, CredentialError};
    /// assert!(Consumer::new("key", "secret").is_ok());
    /// assert_eq!(
    ///     Consumer::new("key", "sec\r\nret").unwrap_err(),
    ///     CredentialError::ControlCharacter { field: "consumer_secret" }
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ConsumerKey::new`] for `key`, then as [`ConsumerSecret::new`] for `secret`.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Result<Self, CredentialError> {
        Ok(Self {
            key: ConsumerKey::new(key)?,
            secret: ConsumerSecret::new(secret)?,
        })
    }
}

/// A request token from the first OAuth step, with the time it was issued.
///
/// It must survive from the redirect to the callback, possibly across processes: with the `serde`
/// feature it serializes (secret included — store it server-side), and its `Debug` redacts the
/// secret.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use = "a request token is needed to authorize and to get the access token"]
pub struct RequestToken {
    /// `oauth_token`: goes into the authorize URL and comes back in the callback.
    pub token: TokenValue,
    /// `oauth_token_secret`: signs the access-token request.
    pub secret: TokenSecret,
    /// When Discogs issued it (the token and its verifier expire 15 minutes later).
    pub issued_at: Timestamp,
}

impl RequestToken {
    /// Validates both values: a pending token kept by the caller's own means (a database row,
    /// a signed cookie) and read back for the callback.
    ///
    /// ```
    /// use discogs_auth_core::{RequestToken, Timestamp};
    /// let issued_at = Timestamp::from_unix_seconds(1_700_000_000)?;
    /// let pending = RequestToken::new("abc123", "xyz789", issued_at)?;
    /// assert_eq!(pending.token.as_str(), "abc123");
    /// assert_eq!(pending.expires_at().as_unix_seconds(), 1_700_000_000 + 15 * 60);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`TokenValue::new`] for `token`, then as [`TokenSecret::new`] for `secret`.
    pub fn new(
        token: impl Into<String>,
        secret: impl Into<String>,
        issued_at: Timestamp,
    ) -> Result<Self, CredentialError> {
        Ok(Self {
            token: TokenValue::new(token)?,
            secret: TokenSecret::new(secret)?,
            issued_at,
        })
    }

    /// The moment the token and its verifier stop being accepted.
    pub fn expires_at(&self) -> Timestamp {
        self.issued_at.saturating_add(REQUEST_TOKEN_LIFETIME_SECS)
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.expires_at()
    }

    /// Pairs the token with a verifier the user pasted (the `oob` flow). For a redirect, use
    /// [`RequestToken::authorize_from_callback`].
    pub fn with_verifier(&self, verifier: Verifier) -> AuthorizedRequestToken {
        AuthorizedRequestToken {
            request_token: self.clone(),
            verifier,
        }
    }
}

/// A request token the user has approved, with its verifier: the only input from which an
/// access-token request can be built.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use = "exchange it for an access token"]
pub struct AuthorizedRequestToken {
    /// The request token that was approved.
    pub request_token: RequestToken,
    /// The verifier from the callback (or pasted by the user).
    pub verifier: Verifier,
}

/// An OAuth access token and its secret. Access tokens do not expire until the user revokes them:
/// store it and reuse it (every authorize visit adds an entry to the user's authorized apps).
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccessToken {
    /// `oauth_token`.
    pub token: TokenValue,
    /// `oauth_token_secret`.
    pub secret: TokenSecret,
}

impl AccessToken {
    /// Validates both values.
    ///
    /// # Errors
    ///
    /// As [`TokenValue::new`] for `token`, then as [`TokenSecret::new`] for `secret`.
    pub fn new(
        token: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self, CredentialError> {
        Ok(Self {
            token: TokenValue::new(token)?,
            secret: TokenSecret::new(secret)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each secret keeps `enc(secret)` for signing keys and PLAINTEXT signatures, and a copy
    /// only when encoding changes it.
    #[test]
    fn secrets_keep_their_encoding() {
        let plain = ConsumerSecret::new("kd94hf93k423kf44").unwrap();
        assert_eq!(plain.encoded().text, "kd94hf93k423kf44");
        assert!(std::ptr::eq(plain.encoded().text, plain.expose_secret()));
        let reserved = TokenSecret::new("a&b c~é+").unwrap();
        assert_eq!(reserved.encoded().text, "a%26b%20c~%C3%A9%2B");
        assert_eq!(reserved.expose_secret(), "a&b c~é+");
        assert_eq!(format!("{reserved:?}"), "TokenSecret([redacted])");
        assert_eq!(reserved, TokenSecret::new("a&b c~é+").unwrap());
        // Whether encoding again is a copy: the header's PLAINTEXT signature relies on it.
        assert!(plain.encoded().unreserved);
        assert!(!reserved.encoded().unreserved);
        assert!(
            TokenSecret::new("kd94hf93k423kf44")
                .unwrap()
                .encoded()
                .unreserved
        );
        assert!(!ConsumerSecret::new("a b").unwrap().encoded().unreserved);
    }

    #[test]
    fn empty_value_names_the_field() {
        assert_eq!(
            ConsumerKey::new("").unwrap_err(),
            CredentialError::Empty {
                field: "consumer_key"
            }
        );
        assert_eq!(
            Verifier::new("").unwrap_err().to_string(),
            "oauth_verifier must not be empty"
        );
    }

    #[test]
    fn control_characters_are_refused_for_every_field() {
        for bad in ["a\rb", "a\nb", "a\0b", "a\tb", "a\u{7f}b", "a\u{85}b"] {
            assert_eq!(
                TokenSecret::new(bad).unwrap_err(),
                CredentialError::ControlCharacter {
                    field: "oauth_token_secret"
                }
            );
            assert_eq!(
                ConsumerKey::new(bad).unwrap_err(),
                CredentialError::ControlCharacter {
                    field: "consumer_key"
                }
            );
        }
    }

    /// The pairs' constructors validate each value and name the one refused.
    #[test]
    fn token_pairs_validate_both_values() {
        let issued_at = Timestamp::from_unix_seconds(1_700_000_000).unwrap();
        let pending = RequestToken::new("abc123", "xyz789", issued_at).unwrap();
        assert_eq!(
            (pending.token.as_str(), pending.secret.expose_secret()),
            ("abc123", "xyz789")
        );
        assert_eq!(pending.issued_at, issued_at);
        assert_eq!(
            RequestToken::new("abc\n123", "xyz789", issued_at),
            Err(CredentialError::ControlCharacter {
                field: "oauth_token"
            })
        );
        assert_eq!(
            RequestToken::new("abc123", "", issued_at),
            Err(CredentialError::Empty {
                field: "oauth_token_secret"
            })
        );
        assert_eq!(
            AccessToken::new("t0k3n", "s3c\r3t"),
            Err(CredentialError::ControlCharacter {
                field: "oauth_token_secret"
            })
        );
    }

    /// Secrets compare by value (in constant time): equal only when every byte is.
    #[test]
    fn secrets_compare_by_value() {
        let secret = |value| ConsumerSecret::new(value).unwrap();
        assert_eq!(secret("kd94hf93k423kf44"), secret("kd94hf93k423kf44"));
        assert_ne!(secret("kd94hf93k423kf44"), secret("kd94hf93k423kf45"));
        assert_ne!(secret("kd94hf93k423kf44"), secret("kd94hf93k423kf4"));
        // A secret with something to encode keeps its encoding beside it; only the secret counts.
        assert_eq!(secret("a&b c"), secret("a&b c"));
        assert_ne!(secret("a&b c"), secret("a&b d"));
        assert_ne!(
            PersonalToken::new("abc").unwrap(),
            PersonalToken::new("abd").unwrap()
        );
        assert_eq!(
            PersonalToken::new("abc").unwrap(),
            PersonalToken::new("abc").unwrap()
        );
    }

    /// `TryFrom<&str>` and `FromStr` validate as `new` does, for secrets and public values.
    #[test]
    fn every_conversion_validates() {
        let key: ConsumerKey = "dpf43f3p2l4k3l03".parse().unwrap();
        assert_eq!(key.as_str(), "dpf43f3p2l4k3l03");
        let token = TokenValue::try_from("nnch734d00sl2jdk").unwrap();
        assert_eq!(token.as_str(), "nnch734d00sl2jdk");
        let secret: PersonalToken = "hunter2".parse().unwrap();
        assert_eq!(secret.expose_secret(), "hunter2");
        assert_eq!(
            Verifier::try_from("v\n").unwrap_err(),
            CredentialError::ControlCharacter {
                field: "oauth_verifier"
            }
        );
        assert_eq!(
            "".parse::<ConsumerSecret>().unwrap_err(),
            CredentialError::Empty {
                field: "consumer_secret"
            }
        );
        assert_eq!(
            "key\r\n".parse::<ConsumerKey>().unwrap_err(),
            CredentialError::ControlCharacter {
                field: "consumer_key"
            }
        );
    }

    #[test]
    fn overlong_value_is_refused() {
        let long = "k".repeat(MAX_CREDENTIAL_LEN + 1);
        assert_eq!(
            PersonalToken::new(long).unwrap_err(),
            CredentialError::TooLong {
                field: "personal_token",
                max: MAX_CREDENTIAL_LEN
            }
        );
        assert!(PersonalToken::new("k".repeat(MAX_CREDENTIAL_LEN)).is_ok());
    }

    #[test]
    fn debug_redacts_secrets_but_shows_public_values() {
        let token = RequestToken {
            token: TokenValue::new("public-token").unwrap(),
            secret: TokenSecret::new("hunter2-secret").unwrap(),
            issued_at: Timestamp::from_unix_seconds(1_700_000_000).unwrap(),
        };
        let shown = format!(
            "{token:?} {:?}",
            token.with_verifier(Verifier::new("v-secret").unwrap())
        );
        assert!(shown.contains("public-token"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("v-secret"), "{shown}");
        assert!(shown.contains("TokenSecret([redacted])"), "{shown}");
    }

    #[test]
    fn request_token_expires_fifteen_minutes_after_issue() {
        let token = RequestToken {
            token: TokenValue::new("t").unwrap(),
            secret: TokenSecret::new("s").unwrap(),
            issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
        };
        assert_eq!(token.expires_at().as_unix_seconds(), 1_900);
        assert!(!token.is_expired(Timestamp::from_unix_seconds(1_899).unwrap()));
        assert!(token.is_expired(Timestamp::from_unix_seconds(1_900).unwrap()));
    }
}
