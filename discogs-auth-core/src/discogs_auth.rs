//! Discogs Auth: a personal token or a consumer key/secret on any request, no OAuth dance.

use std::fmt;

use http::header::AUTHORIZATION;
use http::uri::PathAndQuery;
use http::{HeaderValue, Request, Response, Uri};

use crate::credentials::{Consumer, ConsumerKey, ConsumerSecret, CredentialError, PersonalToken};
use crate::encoding::{FormError, form_fields, push_form_encoded};
use crate::reply::{ReplyError, check_reply};
use crate::scheme::AuthorizationScheme;

/// Credentials for Discogs Auth.
///
/// A token identifies its holder; a key/secret pair raises the rate limit and unlocks image
/// URLs but identifies no user.
///
/// With the `serde` feature they are stored as `{"token": "…"}` or `{"key": "…", "secret":
/// "…"}` (secrets included: keep the store private), and checked when read as
/// [`DiscogsAuth::token`] and [`DiscogsAuth::key_secret`] check them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "StoredDiscogsAuth", into = "StoredDiscogsAuth")
)]
#[non_exhaustive]
pub enum DiscogsAuth {
    /// `Authorization: Discogs token=…`.
    Token(PersonalToken),
    /// `Authorization: Discogs key=…, secret=…`.
    KeySecret(Consumer),
}

/// What [`DiscogsAuth`] is stored as: the parameters it sends, as a provider reads them.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDiscogsAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredDiscogsAuth> for DiscogsAuth {
    type Error = DiscogsAuthError;

    fn try_from(stored: StoredDiscogsAuth) -> Result<Self, DiscogsAuthError> {
        let StoredDiscogsAuth { token, key, secret } = stored;
        Self::from_parts(token.as_deref(), key.as_deref(), secret.as_deref())?.ok_or(
            DiscogsAuthError::Malformed {
                reason: "no credentials",
            },
        )
    }
}

#[cfg(feature = "serde")]
impl From<DiscogsAuth> for StoredDiscogsAuth {
    fn from(auth: DiscogsAuth) -> Self {
        let [token, key, secret] = auth.query_values().map(|value| value.map(str::to_owned));
        Self { token, key, secret }
    }
}

impl DiscogsAuth {
    /// The secret these credentials send: the personal token or the consumer secret.
    pub(crate) fn secret(&self) -> &str {
        match self {
            Self::Token(token) => token.expose_secret(),
            Self::KeySecret(consumer) => consumer.secret.expose_secret(),
        }
    }
}

/// Where the credentials go. With the `serde` feature it is stored as `"header"` or `"query"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Placement {
    /// The `Authorization` header (the default: query credentials end up in server logs).
    #[default]
    Header,
    /// Query parameters `token=…`, or `key=…&secret=…`.
    ///
    /// The credentials are then part of the URI, and whatever prints the request's URI shows
    /// them: `http::Request`'s `Debug`, a proxy's or a server's access log, an HTTP client's
    /// own tracing. (The `Authorization` header is marked sensitive, which `http` and most
    /// clients hide.) Log such a request by its path only.
    Query,
}

/// Discogs Auth credentials could not be applied or read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscogsAuthError {
    /// A value holds a character that the `Discogs` header cannot carry unambiguously
    /// (whitespace or `,`), or starts with `"`, which would be read as a quoted string; use
    /// [`Placement::Query`].
    UnrepresentableInHeader {
        /// Which credential.
        field: &'static str,
    },
    /// The request's query already has a `token`, `key` or `secret` parameter that is not
    /// these credentials' own (or is repeated).
    AlreadyInQuery {
        /// The parameter.
        name: &'static str,
    },
    /// The URI with the added query is not valid.
    InvalidUri,
    /// The header does not use the `Discogs` scheme.
    NotDiscogsScheme,
    /// The header or query is not `token=…` or `key=…, secret=…`.
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// A credential value is invalid.
    Credential(CredentialError),
    /// The query is not valid form data.
    Query(FormError),
}

impl fmt::Display for DiscogsAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnrepresentableInHeader { field } => write!(
                f,
                "{field} holds whitespace, a ',' or a leading '\"', which the Authorization \
                 header cannot carry; send it in the query"
            ),
            Self::AlreadyInQuery { name } => {
                write!(f, "the query already has a `{name}` parameter")
            }
            Self::InvalidUri => f.write_str("the request URI cannot take the credentials"),
            Self::NotDiscogsScheme => {
                f.write_str("the Authorization header does not use the Discogs scheme")
            }
            Self::Malformed { reason } => {
                write!(f, "the Discogs credentials are malformed: {reason}")
            }
            Self::Credential(error) => fmt::Display::fmt(error, f),
            Self::Query(error) => write!(f, "the query cannot be read: {error}"),
        }
    }
}

impl std::error::Error for DiscogsAuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the wrapped error's own source.
            Self::Credential(error) => std::error::Error::source(error),
            _ => None,
        }
    }
}

impl From<CredentialError> for DiscogsAuthError {
    fn from(error: CredentialError) -> Self {
        Self::Credential(error)
    }
}

impl DiscogsAuth {
    /// A personal access token.
    ///
    /// # Errors
    ///
    /// As [`PersonalToken::new`].
    pub fn token(token: impl Into<String>) -> Result<Self, CredentialError> {
        PersonalToken::new(token).map(Self::Token)
    }

    /// A consumer key and secret.
    ///
    /// # Errors
    ///
    /// As [`Consumer::new`].
    pub fn key_secret(
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self, CredentialError> {
        Consumer::new(key, secret).map(Self::KeySecret)
    }

    /// The `Authorization` header value.
    ///
    /// ```
    /// use discogs_auth_core::DiscogsAuth;
    /// let auth = DiscogsAuth::key_secret("foo123", "bar456")?;
    /// assert_eq!(auth.header_value()?, "Discogs key=foo123, secret=bar456");
    /// assert_eq!(DiscogsAuth::token("abcxyz123456")?.header_value()?, "Discogs token=abcxyz123456");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DiscogsAuthError::UnrepresentableInHeader`] for a value that holds whitespace or `,`, or
    /// starts with `"`, which the header cannot carry unambiguously; [`Placement::Query`] can.
    pub fn header_value(&self) -> Result<HeaderValue, DiscogsAuthError> {
        let text = match self {
            Self::Token(token) => {
                format!(
                    "Discogs token={}",
                    header_safe("token", token.expose_secret())?
                )
            }
            Self::KeySecret(consumer) => format!(
                "Discogs key={}, secret={}",
                header_safe("key", consumer.key.as_str())?,
                header_safe("secret", consumer.secret.expose_secret())?
            ),
        };
        let mut value = HeaderValue::try_from(text).map_err(|_| DiscogsAuthError::Malformed {
            reason: "not a valid header value",
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// Adds the credentials to `request`: the `Authorization` header (replacing any) or query
    /// parameters appended to the existing query, which is kept as it is. A query that already
    /// carries these very credentials (a page's `next` URL, which Discogs builds from the
    /// request) is left as it is; one that carries others is refused.
    ///
    /// It adds nothing else: the `User-Agent` Discogs requires is the caller's to set
    /// ([`UserAgent::as_header_value`](crate::UserAgent::as_header_value)), as a
    /// [`DiscogsAuthSession`](crate::DiscogsAuthSession) does.
    ///
    /// ```
    /// use discogs_auth_core::{DiscogsAuth, Placement};
    /// let mut request = http::Request::get("https://api.discogs.com/database/search?q=Nirvana").body(())?;
    /// DiscogsAuth::key_secret("foo123", "bar456")?.apply(&mut request, Placement::Query)?;
    /// assert_eq!(request.uri(), "https://api.discogs.com/database/search?q=Nirvana&key=foo123&secret=bar456");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// With [`Placement::Header`], as [`DiscogsAuth::header_value`]. With [`Placement::Query`]:
    /// [`DiscogsAuthError::AlreadyInQuery`] when the query holds `token`, `key` or `secret`
    /// parameters that are not exactly these credentials, each once; [`DiscogsAuthError::Query`]
    /// when one of them does not decode to UTF-8; [`DiscogsAuthError::InvalidUri`] when the URI
    /// cannot take the added query.
    pub fn apply<B>(
        &self,
        request: &mut Request<B>,
        placement: Placement,
    ) -> Result<(), DiscogsAuthError> {
        match placement {
            Placement::Header => {
                let value = self.header_value()?;
                request.headers_mut().insert(AUTHORIZATION, value);
            }
            Placement::Query => {
                let uri = self.with_query_credentials(request.uri())?;
                *request.uri_mut() = uri;
            }
        }
        Ok(())
    }

    /// Reads the reply to a request these credentials were [applied](Self::apply) to: its body
    /// for a success status, the typed error for any other ([`ReplyError::RateLimited`] for
    /// 429, with the figures), with the secret redacted from its message.
    ///
    /// ```
    /// use discogs_auth_core::{DiscogsAuth, ReplyError};
    /// let auth = DiscogsAuth::token("abcxyz123456")?;
    /// let ok = http::Response::new(br#"{"results": []}"#.to_vec());
    /// assert_eq!(auth.on_response(&ok)?, br#"{"results": []}"#);
    ///
    /// let refused = http::Response::builder()
    ///     .status(401)
    ///     .body(br#"{"message": "Invalid token abcxyz123456."}"#.to_vec())?;
    /// match auth.on_response(&refused) {
    ///     Err(ReplyError::Unauthorized(error)) => assert_eq!(error.message, "Invalid token [redacted]."),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`check_reply`].
    pub fn on_response<'a, B: AsRef<[u8]>>(
        &self,
        response: &'a Response<B>,
    ) -> Result<&'a [u8], ReplyError> {
        check_reply(response, &[self.secret()])
    }

    fn with_query_credentials(&self, uri: &Uri) -> Result<Uri, DiscogsAuthError> {
        let existing = uri.query().unwrap_or("");
        // Only these names are read: the rest of the query is the caller's and is sent as it
        // is, a search term in Latin-1 (`q=caf%E9`) included.
        let names = ["token", "key", "secret"];
        let fields = form_fields(existing.as_bytes(), names).map_err(DiscogsAuthError::Query)?;
        let ours = self.query_values();
        let (mut present, mut same) = (None, 0);
        for ((name, field), our) in names.into_iter().zip(fields).zip(ours) {
            match field.unique(name) {
                Ok(None) => continue,
                Ok(Some(value)) if Some(value.as_ref()) == our => same += 1,
                _ => return Err(DiscogsAuthError::AlreadyInQuery { name }),
            }
            present = present.or(Some(name));
        }
        if let Some(name) = present {
            // A URL Discogs hands back, a page of results' `next`, repeats the credentials the
            // request was sent with: those very credentials are sent again as they are.
            return if same == ours.iter().flatten().count() {
                Ok(uri.clone())
            } else {
                Err(DiscogsAuthError::AlreadyInQuery { name })
            };
        }
        let mut added = String::new();
        for (name, value) in names.into_iter().zip(ours) {
            let Some(value) = value else { continue };
            if !added.is_empty() {
                added.push('&');
            }
            added.push_str(name);
            added.push('=');
            push_form_encoded(&mut added, value);
        }
        let path_and_query = if existing.is_empty() {
            format!("{}?{added}", uri.path())
        } else {
            format!("{}?{existing}&{added}", uri.path())
        };
        let mut parts = uri.clone().into_parts();
        parts.path_and_query =
            Some(PathAndQuery::try_from(path_and_query).map_err(|_| DiscogsAuthError::InvalidUri)?);
        Uri::from_parts(parts).map_err(|_| DiscogsAuthError::InvalidUri)
    }

    /// The values of `token`, `key` and `secret` these credentials put in a query.
    fn query_values(&self) -> [Option<&str>; 3] {
        match self {
            Self::Token(token) => [Some(token.expose_secret()), None, None],
            Self::KeySecret(consumer) => [
                None,
                Some(consumer.key.as_str()),
                Some(consumer.secret.expose_secret()),
            ],
        }
    }

    /// Reads an `Authorization: Discogs …` header value (provider side).
    ///
    /// As RFC 9110 §11.2 reads credentials: the scheme and the parameter names in any case,
    /// and a value as it is or as a quoted string (`token="abcxyz123456"`, without escapes, as
    /// no credential needs one).
    ///
    /// ```
    /// use discogs_auth_core::DiscogsAuth;
    /// assert_eq!(
    ///     DiscogsAuth::parse_header("Discogs token=abcxyz123456")?,
    ///     DiscogsAuth::token("abcxyz123456")?
    /// );
    /// assert_eq!(
    ///     DiscogsAuth::parse_header(r#"discogs Token="abcxyz123456""#)?,
    ///     DiscogsAuth::token("abcxyz123456")?
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DiscogsAuthError::NotDiscogsScheme`] for another scheme; [`DiscogsAuthError::Malformed`]
    /// for anything but `token=…` or `key=…, secret=…`, each once (an unknown or repeated
    /// parameter, an unclosed quote, whitespace in a value); [`DiscogsAuthError::Credential`] for a
    /// value that is not a valid credential (an empty `token=`, say).
    pub fn parse_header(value: &str) -> Result<Self, DiscogsAuthError> {
        let rest = AuthorizationScheme::Discogs
            .strip_from(value)
            .ok_or(DiscogsAuthError::NotDiscogsScheme)?;
        let mut token = None;
        let mut key = None;
        let mut secret = None;
        for part in rest.split(',').map(str::trim) {
            let (name, value) = part.split_once('=').ok_or(DiscogsAuthError::Malformed {
                reason: "expected name=value",
            })?;
            let name = name.trim();
            let slot = if name.eq_ignore_ascii_case("token") {
                &mut token
            } else if name.eq_ignore_ascii_case("key") {
                &mut key
            } else if name.eq_ignore_ascii_case("secret") {
                &mut secret
            } else {
                return Err(DiscogsAuthError::Malformed {
                    reason: "unknown parameter",
                });
            };
            let value = unquoted(value.trim())?;
            // What `header_value` cannot write is not read either: `token=a b` is no token.
            if value.contains(char::is_whitespace) {
                return Err(DiscogsAuthError::Malformed {
                    reason: "a value holds whitespace",
                });
            }
            if slot.replace(value).is_some() {
                return Err(DiscogsAuthError::Malformed {
                    reason: "repeated parameter",
                });
            }
        }
        Self::from_parts(token, key, secret)?.ok_or(DiscogsAuthError::Malformed {
            reason: "no credentials",
        })
    }

    /// Reads `token`, or `key` and `secret`, from a query string (provider side): `Ok(None)` when
    /// the query carries no credentials.
    ///
    /// Only these three parameters must be UTF-8; the others are not read.
    ///
    /// # Errors
    ///
    /// [`DiscogsAuthError::Query`] when `token`, `key` or `secret` is not UTF-8 or is repeated;
    /// [`DiscogsAuthError::Malformed`] for `key` without `secret` or the reverse, or `token` with
    /// either; [`DiscogsAuthError::Credential`] for a value that is not a valid credential (an
    /// empty `token=`, say).
    pub fn from_query(query: &str) -> Result<Option<Self>, DiscogsAuthError> {
        let names = ["token", "key", "secret"];
        let [token, key, secret] =
            form_fields(query.as_bytes(), names).map_err(DiscogsAuthError::Query)?;
        let token = token.unique("token").map_err(DiscogsAuthError::Query)?;
        let key = key.unique("key").map_err(DiscogsAuthError::Query)?;
        let secret = secret.unique("secret").map_err(DiscogsAuthError::Query)?;
        Self::from_parts(token.as_deref(), key.as_deref(), secret.as_deref())
    }

    fn from_parts(
        token: Option<&str>,
        key: Option<&str>,
        secret: Option<&str>,
    ) -> Result<Option<Self>, DiscogsAuthError> {
        match (token, key, secret) {
            (None, None, None) => Ok(None),
            (Some(token), None, None) => Ok(Some(Self::Token(PersonalToken::new(token)?))),
            (None, Some(key), Some(secret)) => Ok(Some(Self::KeySecret(Consumer {
                key: ConsumerKey::new(key)?,
                secret: ConsumerSecret::new(secret)?,
            }))),
            (None, Some(_), None) | (None, None, Some(_)) => Err(DiscogsAuthError::Malformed {
                reason: "key and secret go together",
            }),
            (Some(_), _, _) => Err(DiscogsAuthError::Malformed {
                reason: "token and key/secret are exclusive",
            }),
        }
    }
}

/// `value` without the quotes of a quoted string, if it is one. A credential holds neither a
/// quote nor a backslash, so a quoted string with either is refused rather than unescaped.
fn unquoted(value: &str) -> Result<&str, DiscogsAuthError> {
    let Some(opened) = value.strip_prefix('"') else {
        return Ok(value);
    };
    let inner = opened
        .strip_suffix('"')
        .ok_or(DiscogsAuthError::Malformed {
            reason: "a quoted value is not closed",
        })?;
    if inner.contains(['"', '\\']) {
        return Err(DiscogsAuthError::Malformed {
            reason: "a quoted value holds a quote or a backslash",
        });
    }
    Ok(inner)
}

fn header_safe<'a>(field: &'static str, value: &'a str) -> Result<&'a str, DiscogsAuthError> {
    if value.starts_with('"') || value.contains(|c: char| c.is_whitespace() || c == ',') {
        return Err(DiscogsAuthError::UnrepresentableInHeader { field });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search() -> Request<()> {
        Request::get("https://api.discogs.com/database/search?q=Nirvana")
            .body(())
            .unwrap()
    }

    /// The four shapes in the Discogs docs.
    #[test]
    fn docs_examples_by_header_and_by_query() {
        let key_secret = DiscogsAuth::key_secret("foo123", "bar456").unwrap();
        let token = DiscogsAuth::token("abcxyz123456").unwrap();

        let mut request = search();
        key_secret.apply(&mut request, Placement::Header).unwrap();
        assert_eq!(
            request.headers()[AUTHORIZATION],
            "Discogs key=foo123, secret=bar456"
        );
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(
            request.uri(),
            "https://api.discogs.com/database/search?q=Nirvana"
        );

        let mut request = search();
        token.apply(&mut request, Placement::Header).unwrap();
        assert_eq!(
            request.headers()[AUTHORIZATION],
            "Discogs token=abcxyz123456"
        );

        let mut request = search();
        token.apply(&mut request, Placement::Query).unwrap();
        assert_eq!(
            request.uri(),
            "https://api.discogs.com/database/search?q=Nirvana&token=abcxyz123456"
        );
        assert!(!request.headers().contains_key(AUTHORIZATION));
    }

    #[test]
    fn query_placement_encodes_values_and_keeps_the_existing_query() {
        let auth = DiscogsAuth::key_secret("k&y", "s=cr t").unwrap();
        let mut request =
            Request::get("https://api.discogs.com/database/search?q=Sigur%20R%C3%B3s&type=release")
                .body(())
                .unwrap();
        auth.apply(&mut request, Placement::Query).unwrap();
        assert_eq!(
            request.uri(),
            "https://api.discogs.com/database/search?q=Sigur%20R%C3%B3s&type=release&key=k%26y&secret=s%3Dcr+t"
        );
        let mut bare = Request::get("https://api.discogs.com/oauth/identity")
            .body(())
            .unwrap();
        DiscogsAuth::token("t")
            .unwrap()
            .apply(&mut bare, Placement::Query)
            .unwrap();
        assert_eq!(bare.uri(), "https://api.discogs.com/oauth/identity?token=t");
    }

    #[test]
    fn refusals() {
        let mut request = Request::get("https://api.discogs.com/x?token=old")
            .body(())
            .unwrap();
        assert_eq!(
            DiscogsAuth::token("t")
                .unwrap()
                .apply(&mut request, Placement::Query),
            Err(DiscogsAuthError::AlreadyInQuery { name: "token" })
        );
        assert_eq!(request.uri(), "https://api.discogs.com/x?token=old");
        let apply_to = |query: &str| {
            let mut request = Request::get(format!("https://api.discogs.com/x?{query}"))
                .body(())
                .unwrap();
            let auth = DiscogsAuth::key_secret("k", "s").unwrap();
            auth.apply(&mut request, Placement::Query)
        };
        assert_eq!(
            apply_to("key=k&q=caf%E9"),
            Err(DiscogsAuthError::AlreadyInQuery { name: "key" })
        );
        assert_eq!(
            apply_to("q=caf%E9&secret=%E9"),
            Err(DiscogsAuthError::Query(FormError::NotUtf8))
        );
        // A search term in Latin-1 is the caller's: sent as it is, credentials after it.
        let mut latin1 = Request::get("https://api.discogs.com/database/search?q=caf%E9")
            .body(())
            .unwrap();
        DiscogsAuth::token("abcxyz123456")
            .unwrap()
            .apply(&mut latin1, Placement::Query)
            .unwrap();
        assert_eq!(
            latin1.uri(),
            "https://api.discogs.com/database/search?q=caf%E9&token=abcxyz123456"
        );
        assert_eq!(
            DiscogsAuth::key_secret("k", "a secret")
                .unwrap()
                .header_value(),
            Err(DiscogsAuthError::UnrepresentableInHeader { field: "secret" })
        );
        // Read back, it would be a quoted string: `abc` rather than `"abc"`.
        assert_eq!(
            DiscogsAuth::token("\"abc\"").unwrap().header_value(),
            Err(DiscogsAuthError::UnrepresentableInHeader { field: "token" })
        );
        let inner_quote = DiscogsAuth::token("a\"b").unwrap();
        let header = inner_quote.header_value().unwrap();
        assert_eq!(
            DiscogsAuth::parse_header(header.to_str().unwrap()),
            Ok(inner_quote)
        );
        assert_eq!(
            DiscogsAuth::token("a\r\nb"),
            Err(CredentialError::ControlCharacter {
                field: "personal_token"
            })
        );
    }

    #[test]
    fn a_query_that_already_carries_these_credentials_is_sent_as_it_is() {
        let apply = |auth: &DiscogsAuth, uri: &str| {
            let mut request = Request::get(uri).body(()).unwrap();
            auth.apply(&mut request, Placement::Query)
                .map(|()| request.uri().to_string())
        };
        let token = DiscogsAuth::token("a+b/c").unwrap();
        let next_page = "https://api.discogs.com/database/search?q=x&token=a%2Bb%2Fc&page=2";
        assert_eq!(apply(&token, next_page).as_deref(), Ok(next_page));
        let key_secret = DiscogsAuth::key_secret("k", "s").unwrap();
        let next_page = "https://api.discogs.com/database/search?key=k&q=x&secret=s&page=2";
        assert_eq!(apply(&key_secret, next_page).as_deref(), Ok(next_page));

        let refused = |auth: &DiscogsAuth, query: &str| {
            apply(auth, &format!("https://api.discogs.com/x?{query}")).unwrap_err()
        };
        let already = |name| DiscogsAuthError::AlreadyInQuery { name };
        assert_eq!(refused(&token, "token=a%2Bb%2Fd"), already("token"));
        assert_eq!(
            refused(&token, "token=a%2Bb%2Fc&token=a%2Bb%2Fc"),
            already("token")
        );
        assert_eq!(refused(&token, "token=a%2Bb%2Fc&key=k"), already("key"));
        assert_eq!(refused(&key_secret, "key=k"), already("key"));
        assert_eq!(refused(&key_secret, "secret=s"), already("secret"));
        assert_eq!(refused(&key_secret, "key=k&secret=t"), already("secret"));
        assert_eq!(
            refused(&key_secret, "token=k&key=k&secret=s"),
            already("token")
        );
    }

    #[test]
    fn provider_side_parsing() {
        assert_eq!(
            DiscogsAuth::parse_header("Discogs key=foo123, secret=bar456").unwrap(),
            DiscogsAuth::key_secret("foo123", "bar456").unwrap()
        );
        assert_eq!(
            DiscogsAuth::parse_header("discogs  key=foo123,secret=bar456 ").unwrap(),
            DiscogsAuth::key_secret("foo123", "bar456").unwrap()
        );
        // RFC 9110 §11.2: names in any case, values as tokens or quoted strings.
        assert_eq!(
            DiscogsAuth::parse_header(r#"Discogs KEY="foo123", Secret = "bar456""#).unwrap(),
            DiscogsAuth::key_secret("foo123", "bar456").unwrap()
        );
        assert_eq!(
            DiscogsAuth::from_query("q=Nirvana&key=foo123&secret=bar456").unwrap(),
            Some(DiscogsAuth::key_secret("foo123", "bar456").unwrap())
        );
        assert_eq!(DiscogsAuth::from_query("q=Nirvana").unwrap(), None);
        // The caller's own parameters may be in any encoding; only the credentials are read.
        assert_eq!(
            DiscogsAuth::from_query("q=caf%E9&token=abc%2B1").unwrap(),
            Some(DiscogsAuth::token("abc+1").unwrap())
        );
        assert_eq!(DiscogsAuth::from_query("q=caf%E9").unwrap(), None);
        assert_eq!(
            DiscogsAuth::from_query("q=x&token=caf%E9"),
            Err(DiscogsAuthError::Query(FormError::NotUtf8))
        );
        assert_eq!(
            DiscogsAuth::parse_header("OAuth token=x"),
            Err(DiscogsAuthError::NotDiscogsScheme)
        );
        for (header, reason) in [
            ("Discogs", "expected name=value"),
            ("Discogs token=a, token=b", "repeated parameter"),
            ("Discogs token=a, TOKEN=a", "repeated parameter"),
            ("Discogs token=\"a", "a quoted value is not closed"),
            ("Discogs token=\"", "a quoted value is not closed"),
            (
                "Discogs token=\"a\\\"b\"",
                "a quoted value holds a quote or a backslash",
            ),
            ("Discogs token=\"a b\"", "a value holds whitespace"),
            ("Discogs token=a b", "a value holds whitespace"),
            (
                "Discogs key=a,\tsecret=b\u{a0}c",
                "a value holds whitespace",
            ),
            ("Discogs key=a", "key and secret go together"),
            ("Discogs user=a", "unknown parameter"),
            (
                "Discogs token=a, key=b, secret=c",
                "token and key/secret are exclusive",
            ),
        ] {
            assert_eq!(
                DiscogsAuth::parse_header(header),
                Err(DiscogsAuthError::Malformed { reason }),
                "{header:?}"
            );
        }
        assert_eq!(
            DiscogsAuth::parse_header("Discogs token="),
            Err(DiscogsAuthError::Credential(CredentialError::Empty {
                field: "personal_token"
            }))
        );
        assert_eq!(
            DiscogsAuth::from_query("token=a&token=b"),
            Err(DiscogsAuthError::Query(FormError::Duplicate {
                name: "token".into()
            }))
        );
    }
}
