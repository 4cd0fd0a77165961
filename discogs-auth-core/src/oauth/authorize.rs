//! Step 2: send the user to the authorize page, then read where Discogs sends them back.

use std::borrow::Cow;
use std::fmt;

use crate::credentials::{AuthorizedRequestToken, CredentialError, RequestToken, Verifier};
use crate::encoding::{
    FormError, FormField, decode_form_component, find_byte, form_fields, percent_encode,
    raw_form_pairs,
};
use crate::endpoints::{UrlError, UrlErrorKind, parse_absolute_url};

use super::OAuthClient;

/// Where Discogs sends the user after the authorize page (`oauth_callback`).
///
/// Read from settings with [`Callback::parse`] or [`str::parse`], and written back with
/// [`Callback::as_str`] or `Display`; with the `serde` feature it is stored as that string and
/// checked again when read.
///
/// ```
/// use discogs_auth_core::Callback;
/// let callback: Callback = "https://app.example/cb".parse()?;
/// assert_eq!(callback.to_string(), "https://app.example/cb");
/// assert!("https://app.example/cb#top".parse::<Callback>().is_err());
/// # Ok::<(), discogs_auth_core::UrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub enum Callback {
    /// `oob`: no redirect; Discogs shows the verifier and the user pastes it.
    OutOfBand,
    /// A URL of the application that receives `?oauth_token=…&oauth_verifier=…` or `?denied=…`:
    /// `http(s)` ([`Callback::url`]) or the application's own scheme
    /// ([`Callback::custom_scheme`]), checked by either.
    Url(CallbackUrl),
}

/// A callback URL that [`Callback::url`], [`Callback::custom_scheme`] or [`Callback::parse`]
/// has checked: only they make one, so no request carries an unchecked `oauth_callback`.
///
/// ```
/// use discogs_auth_core::Callback;
/// let Callback::Url(url) = Callback::url("https://app.example/cb")? else {
///     unreachable!("a URL")
/// };
/// assert_eq!(url.as_str(), "https://app.example/cb");
/// # Ok::<(), discogs_auth_core::UrlError>(())
/// ```
///
/// A string cannot be made into one without those checks:
///
/// ```compile_fail
/// use discogs_auth_core::{Callback, CallbackUrl};
/// let unchecked = Callback::Url(CallbackUrl("htps://app.example/cb".to_owned()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallbackUrl(String);

impl CallbackUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for CallbackUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallbackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `oauth_callback` field, as [`UrlError`]s name it.
const CALLBACK_FIELD: &str = "oauth_callback";

/// The longest callback accepted, in bytes: room for any real address (browsers and servers
/// commonly stop at 2,000 or 8,000), while a provider that keeps each pending request token's
/// callback cannot be made to keep megabytes.
pub const MAX_CALLBACK_LEN: usize = 2048;

/// Why a callback longer than [`MAX_CALLBACK_LEN`] is refused.
const TOO_LONG: &str = "it is longer than 2048 bytes";

/// The parameters Discogs adds to the callback, and why a callback that holds one already is
/// refused.
const CALLBACK_PARAMETERS: [(&str, &str); 3] = [
    (
        "oauth_token",
        "its query holds oauth_token, which Discogs adds: the redirect would name it twice",
    ),
    (
        "oauth_verifier",
        "its query holds oauth_verifier, which Discogs adds: the redirect would name it twice",
    ),
    (
        "denied",
        "its query holds denied, which Discogs adds when the user refuses: the redirect would \
         name it twice",
    ),
];

/// Schemes a browser runs or reads itself instead of handing them to an application: a
/// callback with one would put the verifier into a page or a file rather than the app.
const BROWSER_SCHEMES: [&str; 4] = ["javascript", "vbscript", "data", "file"];

impl Callback {
    /// A web callback URL: absolute `http`/`https` with a host, no user name or password, no
    /// control characters, no fragment, at most [`MAX_CALLBACK_LEN`] bytes, and none of the
    /// parameters Discogs adds to it (`oauth_token`, `oauth_verifier`, `denied`) in its query,
    /// where the application's own may be. An application's own scheme (`myapp://callback`)
    /// goes through [`Callback::custom_scheme`] instead, so that a mistyped `htps://` is
    /// refused here rather than sent.
    ///
    /// ```
    /// use discogs_auth_core::Callback;
    /// assert_eq!(Callback::url("https://app.example/callback")?.as_str(), "https://app.example/callback");
    /// assert_eq!(
    ///     Callback::url("htps://app.example/callback").unwrap_err().reason,
    ///     "it must start with http:// or https:// (an application's own scheme: Callback::custom_scheme)"
    /// );
    /// # Ok::<(), discogs_auth_core::UrlError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`UrlError`] for `oauth_callback`, whose [`kind`](UrlError::kind) names the rule broken:
    /// those above, and [`UrlErrorKind::NotAscii`] or [`UrlErrorKind::InvalidPort`]. `oob` and an
    /// application's own scheme are [`UrlErrorKind::NotHttp`], whose reason points to
    /// [`Callback::OutOfBand`] or [`Callback::custom_scheme`].
    pub fn url(url: &str) -> Result<Self, UrlError> {
        if url.len() > MAX_CALLBACK_LEN {
            return Err(callback_error(UrlErrorKind::TooLong, TOO_LONG));
        }
        if url.eq_ignore_ascii_case("oob") {
            return Err(callback_error(
                UrlErrorKind::NotHttp,
                "it must start with http:// or https:// (out of band, without a redirect: \
                 Callback::OutOfBand)",
            ));
        }
        match parse_absolute_url(CALLBACK_FIELD, url) {
            Ok(_) => Self::checked_query(url),
            Err(error) if error.kind == UrlErrorKind::NotHttp && starts_with_scheme(url) => {
                Err(callback_error(
                    UrlErrorKind::NotHttp,
                    "it must start with http:// or https:// (an application's own scheme: \
                     Callback::custom_scheme)",
                ))
            }
            Err(error) => Err(error),
        }
    }

    /// A callback to the application's own URI scheme, for desktop and mobile apps that
    /// register one with the system (`myapp://callback`, `com.example.app:/oauth`): a scheme
    /// (RFC 3986 §3.1) other than `http`/`https`, then `:` and the rest, in printable ASCII
    /// without spaces or a fragment, at most [`MAX_CALLBACK_LEN`] bytes, with no `oauth_token`,
    /// `oauth_verifier` or `denied` in its query (as [`Callback::url`]). Schemes the browser
    /// would run or read itself (`javascript:`, `vbscript:`, `data:`, `file:`) are refused.
    ///
    /// ```
    /// use discogs_auth_core::Callback;
    /// let callback = Callback::custom_scheme("myapp://oauth-callback")?;
    /// assert_eq!(callback.as_str(), "myapp://oauth-callback");
    /// assert!(Callback::custom_scheme("javascript:alert(1)").is_err());
    /// # Ok::<(), discogs_auth_core::UrlError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`UrlError`] for `oauth_callback`, whose [`kind`](UrlError::kind) names the rule broken:
    /// those above, and [`UrlErrorKind::NothingAfterScheme`] for a scheme alone (`myapp:`) or
    /// [`UrlErrorKind::HostAndPort`] for a web address without `http://` (`localhost:8080/cb`).
    pub fn custom_scheme(uri: &str) -> Result<Self, UrlError> {
        if uri.len() > MAX_CALLBACK_LEN {
            return Err(callback_error(UrlErrorKind::TooLong, TOO_LONG));
        }
        if !starts_with_scheme(uri) {
            return Err(callback_error(
                UrlErrorKind::NoScheme,
                "it must start with a scheme and `:`, such as myapp://",
            ));
        }
        let scheme = scheme_of(uri);
        if is_web_scheme(scheme) {
            return Err(callback_error(
                UrlErrorKind::WebScheme,
                "an http(s) callback goes through Callback::url, which checks its host",
            ));
        }
        if BROWSER_SCHEMES
            .iter()
            .any(|refused| scheme.eq_ignore_ascii_case(refused))
        {
            return Err(callback_error(
                UrlErrorKind::BrowserScheme,
                "the browser would handle this scheme itself instead of the application",
            ));
        }
        let rest = &uri[scheme.len() + 1..];
        if rest.is_empty() {
            return Err(callback_error(
                UrlErrorKind::NothingAfterScheme,
                "it has nothing after the scheme",
            ));
        }
        // RFC 3986 reads `localhost:8080/cb` as the scheme `localhost`; what is meant is nearly
        // always a web address without its `http://`.
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'/' | b'?')) {
            return Err(callback_error(
                UrlErrorKind::HostAndPort,
                "it looks like a host and port: a web callback starts with http:// or https://",
            ));
        }
        if !uri.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(callback_error(
                UrlErrorKind::Unprintable,
                "it must be printable ASCII without spaces (percent-encode the rest)",
            ));
        }
        if uri.contains('#') {
            return Err(callback_error(
                UrlErrorKind::Fragment,
                "it must not have a fragment",
            ));
        }
        Self::checked_query(uri)
    }

    /// The callback `url`, already checked as an address, once its query is checked too:
    /// Discogs adds `oauth_token` and `oauth_verifier`, or `denied`, to the callback's own
    /// parameters, and a redirect that names one of them twice is refused when it comes back
    /// (a repeat could be a forgery).
    fn checked_query(url: &str) -> Result<Self, UrlError> {
        let reserved = raw_form_pairs(callback_query(url).as_bytes()).find_map(|(name, _)| {
            let name = decode_form_component(name).ok()?;
            CALLBACK_PARAMETERS
                .into_iter()
                .find(|(reserved, _)| *reserved == name)
        });
        match reserved {
            Some((_, reason)) => Err(callback_error(UrlErrorKind::ReservedParameter, reason)),
            None => Ok(Self::Url(CallbackUrl(url.to_owned()))),
        }
    }

    /// Reads an `oauth_callback` value, as a provider receives it or an application keeps it
    /// in its settings: `oob` (RFC 5849 §2.1, case-sensitive), an `http(s)` URL
    /// ([`Callback::url`]) or the application's own scheme ([`Callback::custom_scheme`]).
    ///
    /// ```
    /// use discogs_auth_core::Callback;
    /// assert_eq!(Callback::parse("oob")?, Callback::OutOfBand);
    /// assert_eq!(Callback::parse("myapp://cb")?, Callback::custom_scheme("myapp://cb")?);
    /// assert_eq!(Callback::parse("https://app.example/cb")?, Callback::url("https://app.example/cb")?);
    /// # Ok::<(), discogs_auth_core::UrlError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Callback::custom_scheme`] for a value that starts with a scheme other than `http` or
    /// `https`, else as [`Callback::url`].
    pub fn parse(value: &str) -> Result<Self, UrlError> {
        if value == "oob" {
            Ok(Self::OutOfBand)
        } else if starts_with_scheme(value) && !is_web_scheme(scheme_of(value)) {
            Self::custom_scheme(value)
        } else {
            Self::url(value)
        }
    }

    /// The `oauth_callback` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::OutOfBand => "oob",
            Self::Url(url) => url.as_str(),
        }
    }
}

impl std::str::FromStr for Callback {
    type Err = UrlError;

    /// As [`Callback::parse`].
    fn from_str(value: &str) -> Result<Self, UrlError> {
        Self::parse(value)
    }
}

impl TryFrom<String> for Callback {
    type Error = UrlError;

    /// As [`Callback::parse`].
    fn try_from(value: String) -> Result<Self, UrlError> {
        Self::parse(&value)
    }
}

impl From<Callback> for String {
    /// The `oauth_callback` value, as [`Callback::as_str`].
    fn from(callback: Callback) -> Self {
        match callback {
            Callback::OutOfBand => "oob".to_owned(),
            Callback::Url(CallbackUrl(url)) => url,
        }
    }
}

impl fmt::Display for Callback {
    /// The `oauth_callback` value, as [`Callback::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The callback did not carry an approval for this flow's request token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The user refused to authorize the application (`?denied=…`).
    Denied,
    /// The callback is for another request token: a stale tab, another flow, or a forged
    /// redirect.
    TokenMismatch,
    /// A required parameter is missing (`oauth_token` also when it has no value:
    /// `?oauth_token&oauth_verifier`).
    MissingParameter {
        /// The missing parameter.
        name: &'static str,
    },
    /// A parameter appears more than once.
    DuplicateParameter {
        /// The repeated parameter.
        name: &'static str,
    },
    /// The query string is not valid form data.
    Malformed(FormError),
    /// The verifier is empty, too long, or holds control characters.
    InvalidVerifier(CredentialError),
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Denied => f.write_str("the user denied access"),
            Self::TokenMismatch => f.write_str(
                "the callback's oauth_token is not the request token this flow started with",
            ),
            Self::MissingParameter { name } => write!(f, "the callback has no `{name}`"),
            Self::DuplicateParameter { name } => {
                write!(f, "the callback has more than one `{name}`")
            }
            Self::Malformed(error) => write!(f, "the callback query cannot be read: {error}"),
            Self::InvalidVerifier(error) => {
                write!(f, "the callback's verifier is unusable: {error}")
            }
        }
    }
}

impl std::error::Error for CallbackError {}

impl OAuthClient {
    /// The page to send the user to: `{authorize_url}?oauth_token=<request token>`. Only the
    /// token is in it, never its secret.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// # let client = OAuthClient::new(Consumer::new("k", "s")?, UserAgent::new("ua")?);
    /// let token = RequestToken::new("abc123", "xyz789", Timestamp::now())?;
    /// assert_eq!(
    ///     client.authorize_url(&token),
    ///     "https://www.discogs.com/oauth/authorize?oauth_token=abc123"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authorize_url(&self, request_token: &RequestToken) -> String {
        let base = self.endpoints().authorize_url();
        let separator = if base.contains('?') { '&' } else { '?' };
        format!(
            "{base}{separator}oauth_token={}",
            percent_encode(request_token.token.as_str())
        )
    }
}

impl RequestToken {
    /// Reads the redirect Discogs sent the user back with — a full URL, a path with a query, or
    /// the bare query — and, if the user approved this token, pairs it with the verifier.
    ///
    /// Text pasted by a user is read as they meant it: whitespace around it is ignored, and an
    /// address without its scheme (`127.0.0.1:8080/callback?…`, as an address bar may show
    /// one) is a URL.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let token = RequestToken::new("abc123", "xyz789", Timestamp::now())?;
    /// let approved = token
    ///     .authorize_from_callback("https://app.example/callback?oauth_token=abc123&oauth_verifier=v3r1f13r")?;
    /// assert_eq!(approved.verifier.expose_secret(), "v3r1f13r");
    /// assert_eq!(token.authorize_from_callback("?denied=abc123"), Err(CallbackError::Denied));
    /// assert_eq!(
    ///     token.authorize_from_callback("oauth_token=other&oauth_verifier=v"),
    ///     Err(CallbackError::TokenMismatch)
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CallbackError::Denied`] if the user refused this token; [`CallbackError::TokenMismatch`]
    /// if the callback names another; [`CallbackError::MissingParameter`] or
    /// [`CallbackError::DuplicateParameter`] for an absent or repeated `oauth_token` (or `denied`)
    /// or `oauth_verifier`; [`CallbackError::Malformed`] if one of them is not UTF-8;
    /// [`CallbackError::InvalidVerifier`] for a verifier [`Verifier::new`] refuses.
    pub fn authorize_from_callback(
        &self,
        callback: &str,
    ) -> Result<AuthorizedRequestToken, CallbackError> {
        let query = callback_query(callback);
        let [denied, token, verifier] = form_fields(
            query.as_bytes(),
            ["denied", "oauth_token", "oauth_verifier"],
        )
        .map_err(CallbackError::Malformed)?;
        let named = named_request_token(denied, token)?;
        if named.token != self.token.as_str() {
            return Err(CallbackError::TokenMismatch);
        }
        if named.denied {
            return Err(CallbackError::Denied);
        }
        let verifier =
            unique(verifier, "oauth_verifier")?.ok_or(CallbackError::MissingParameter {
                name: "oauth_verifier",
            })?;
        let verifier = Verifier::new(verifier).map_err(CallbackError::InvalidVerifier)?;
        Ok(self.with_verifier(verifier))
    }
}

/// The request token a callback is about: its `oauth_token` after an approval, its `denied`
/// after a refusal. An application with several logins under way finds with it the one to
/// finish with [`RequestToken::authorize_from_callback`], which then checks the rest. The
/// callback is read as that method reads it (a URL, a path or a bare query); one that names
/// two different tokens is [`CallbackError::TokenMismatch`].
///
/// ```
/// use discogs_auth_core::{CallbackError, callback_request_token};
/// assert_eq!(
///     callback_request_token("https://app.example/cb?oauth_token=abc123&oauth_verifier=v")?,
///     "abc123"
/// );
/// assert_eq!(callback_request_token("/cb?denied=abc123")?, "abc123");
/// assert_eq!(
///     callback_request_token("/cb?oauth_verifier=v"),
///     Err(CallbackError::MissingParameter { name: "oauth_token" })
/// );
/// assert_eq!(
///     callback_request_token("/cb?oauth_token=abc123&denied=xyz"),
///     Err(CallbackError::TokenMismatch)
/// );
/// # Ok::<(), CallbackError>(())
/// ```
///
/// # Errors
///
/// [`CallbackError::MissingParameter`] when neither `oauth_token` nor `denied` names a token,
/// [`CallbackError::DuplicateParameter`] when one is repeated, [`CallbackError::TokenMismatch`]
/// when they name two, [`CallbackError::Malformed`] when one is not UTF-8.
pub fn callback_request_token(callback: &str) -> Result<String, CallbackError> {
    let [denied, token] = form_fields(
        callback_query(callback).as_bytes(),
        ["denied", "oauth_token"],
    )
    .map_err(CallbackError::Malformed)?;
    Ok(named_request_token(denied, token)?.token.into_owned())
}

/// The request token a callback is about, and whether the user refused it.
struct NamedRequestToken<'a> {
    token: Cow<'a, str>,
    denied: bool,
}

/// Reads a callback's `denied` and `oauth_token`. Both are read in full (a repeat is an
/// error in either) and, when both are there, must name the same token, so that the one
/// [`callback_request_token`] finds a login by is the one that login's
/// [`RequestToken::authorize_from_callback`] checks.
fn named_request_token<'a>(
    denied: FormField<'a>,
    token: FormField<'a>,
) -> Result<NamedRequestToken<'a>, CallbackError> {
    match (
        named_token(denied, "denied")?,
        named_token(token, "oauth_token")?,
    ) {
        (Some(denied), Some(token)) if denied != token => Err(CallbackError::TokenMismatch),
        (Some(token), _) => Ok(NamedRequestToken {
            token,
            denied: true,
        }),
        (None, Some(token)) => Ok(NamedRequestToken {
            token,
            denied: false,
        }),
        (None, None) => Err(CallbackError::MissingParameter {
            name: "oauth_token",
        }),
    }
}

/// The single value of a callback parameter: `None` when absent, an error when repeated.
fn unique<'a>(
    field: FormField<'a>,
    name: &'static str,
) -> Result<Option<Cow<'a, str>>, CallbackError> {
    field
        .unique(name)
        .map_err(|_| CallbackError::DuplicateParameter { name })
}

/// The request token a callback parameter (`oauth_token`, `denied`) names: [`unique`]'s value,
/// `None` when empty too. An empty value names no token: taken for one, it would be a
/// "mismatch" with the login's token, as if the callback came from another login.
fn named_token<'a>(
    field: FormField<'a>,
    name: &'static str,
) -> Result<Option<Cow<'a, str>>, CallbackError> {
    Ok(unique(field, name)?.filter(|token| !token.is_empty()))
}

/// The query of a callback given as a URL, a path, or a bare query; the fragment dropped, and
/// whitespace around it (pasted text often ends with a line break).
///
/// The shape is told from the start (a scheme, a `/`, a `?`), not from where the first `?` is:
/// a query may hold `?` itself (RFC 3986 §3.4), so a bare query is taken whole. Text before a
/// `?` that holds no `=` or `&` cannot be a bare query's first pair, though: that is an
/// address without its scheme (`127.0.0.1:8080/callback?…`).
fn callback_query(callback: &str) -> &str {
    let callback = callback.trim_matches(|c: char| c.is_ascii_whitespace());
    // `#` and `?` are ASCII, so the text on either side of one is whole characters.
    let without_fragment =
        find_byte(callback.as_bytes(), b'#').map_or(callback, |at| &callback[..at]);
    if let Some(query) = without_fragment.strip_prefix('?') {
        return query;
    }
    let question_mark = find_byte(without_fragment.as_bytes(), b'?');
    let is_address = |at: usize| {
        !without_fragment[..at]
            .bytes()
            .any(|byte| byte == b'=' || byte == b'&')
    };
    if without_fragment.starts_with('/')
        || starts_with_scheme(without_fragment)
        || question_mark.is_some_and(is_address)
    {
        return question_mark.map_or("", |at| &without_fragment[at + 1..]);
    }
    without_fragment
}

/// A refused `oauth_callback`.
fn callback_error(kind: UrlErrorKind, reason: &'static str) -> UrlError {
    UrlError {
        field: CALLBACK_FIELD,
        kind,
        reason,
    }
}

/// The scheme `text` starts with (everything before the first `:`; call only after
/// [`starts_with_scheme`]).
fn scheme_of(text: &str) -> &str {
    text.split_once(':').map_or(text, |(scheme, _)| scheme)
}

/// Whether a scheme is `http` or `https`, in any case (RFC 3986 §3.1).
fn is_web_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// Whether `text` starts with a URI scheme and its `:` (RFC 3986 §3.1: a letter, then letters,
/// digits, `+`, `-` or `.`), as `https://…`, `myapp:/cb?…` and `com.example.app:cb?…` do. A
/// bare query would only if its first name were made of those characters and followed by a
/// `:` (`a:b=…`); Discogs' own parameters hold a `_`.
fn starts_with_scheme(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Read no further than the scheme's characters go: a bare query stops at its first `_`,
    // `=` or `&`.
    let scheme_len = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_alphanumeric() || b"+-.".contains(byte))
        .count();
    bytes.first().is_some_and(u8::is_ascii_alphabetic) && bytes.get(scheme_len) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{TokenSecret, TokenValue};
    use crate::freshness::Timestamp;

    /// A callback kept in settings as its string reads back as the same callback, through
    /// every conversion, and a string `Callback::parse` refuses is refused by each alike.
    #[test]
    fn a_callback_round_trips_through_its_string() {
        for value in [
            "oob",
            "https://app.example/cb?x=1",
            "http://127.0.0.1:8080/cb",
            "myapp://cb",
        ] {
            let callback = Callback::parse(value).unwrap();
            assert_eq!(callback.to_string(), value);
            assert_eq!(String::from(callback.clone()), value);
            assert_eq!(value.parse::<Callback>(), Ok(callback.clone()));
            assert_eq!(Callback::try_from(value.to_owned()), Ok(callback));
        }
        for value in [
            "OOB",
            "https://app example/cb",
            "https://app.example/cb#top",
            "",
            "/cb",
        ] {
            let refused = Callback::parse(value).unwrap_err();
            assert_eq!(value.parse::<Callback>(), Err(refused.clone()), "{value}");
            assert_eq!(
                Callback::try_from(value.to_owned()),
                Err(refused),
                "{value}"
            );
        }
    }

    /// With `serde`, a callback is stored as its string, and checked again when read.
    #[cfg(feature = "serde")]
    #[test]
    fn a_callback_is_stored_as_its_string_and_checked_when_read() {
        let stored = serde_json::to_string(&[
            Callback::OutOfBand,
            Callback::url("https://app.example/cb").unwrap(),
        ])
        .unwrap();
        assert_eq!(stored, r#"["oob","https://app.example/cb"]"#);
        let read: Vec<Callback> = serde_json::from_str(&stored).unwrap();
        assert_eq!(
            read,
            [
                Callback::OutOfBand,
                Callback::url("https://app.example/cb").unwrap()
            ]
        );
        let refused = serde_json::from_str::<Callback>(r#""https://app.example/cb#top""#);
        assert_eq!(
            refused.unwrap_err().to_string(),
            Callback::parse("https://app.example/cb#top")
                .unwrap_err()
                .to_string()
        );
    }

    fn request_token() -> RequestToken {
        RequestToken {
            token: TokenValue::new("abc123").unwrap(),
            secret: TokenSecret::new("xyz789").unwrap(),
            issued_at: Timestamp::from_unix_seconds(1_000).unwrap(),
        }
    }

    #[test]
    fn approval_in_every_callback_shape() {
        for callback in [
            "http://127.0.0.1:8765/callback?oauth_token=abc123&oauth_verifier=V%2B1#frag",
            "/callback?oauth_verifier=V%2B1&oauth_token=abc123",
            "?oauth_token=abc123&oauth_verifier=V%2B1",
            "oauth_token=abc123&oauth_verifier=V%2B1",
        ] {
            let approved = request_token().authorize_from_callback(callback).unwrap();
            assert_eq!(approved.verifier.expose_secret(), "V+1", "{callback}");
            assert_eq!(approved.request_token, request_token());
        }
    }

    /// The application's own parameters in its callback URL may be in any encoding (here
    /// Latin-1 `é`, and a name that is not UTF-8): only Discogs' parameters must be text.
    #[test]
    fn the_application_s_own_callback_parameters_may_hold_anything() {
        for callback in [
            "https://app.example/cb?next=%E9t%E9&oauth_token=abc123&oauth_verifier=V%2B1",
            "https://app.example/cb?oauth_token=abc123&%FF=1&oauth_verifier=V%2B1&x=%C3",
        ] {
            let approved = request_token().authorize_from_callback(callback).unwrap();
            assert_eq!(approved.verifier.expose_secret(), "V+1", "{callback}");
        }
        assert_eq!(
            request_token().authorize_from_callback("next=%E9&denied=abc123"),
            Err(CallbackError::Denied)
        );
    }

    /// A query may hold an unencoded `?` (RFC 3986 §3.4) in any of the callback's shapes, and
    /// a bare query may hold `://` in a value.
    #[test]
    fn a_question_mark_or_a_url_inside_the_query_is_part_of_it() {
        for callback in [
            "https://app.example/cb?oauth_token=abc123&oauth_verifier=ab?cd",
            "/cb?oauth_token=abc123&oauth_verifier=ab?cd",
            "?oauth_token=abc123&oauth_verifier=ab?cd",
            "oauth_token=abc123&oauth_verifier=ab?cd",
        ] {
            let approved = request_token().authorize_from_callback(callback).unwrap();
            assert_eq!(approved.verifier.expose_secret(), "ab?cd", "{callback}");
        }
        let approved = request_token()
            .authorize_from_callback(
                "oauth_token=abc123&next=https://app.example/x?y&oauth_verifier=v",
            )
            .unwrap();
        assert_eq!(approved.verifier.expose_secret(), "v");
    }

    #[test]
    fn a_callback_names_its_request_token() {
        for (callback, expected) in [
            (
                "https://app/cb?oauth_token=abc123&oauth_verifier=v",
                Ok("abc123"),
            ),
            ("/cb?denied=abc123", Ok("abc123")),
            ("oauth_token=abc123&denied=abc123", Ok("abc123")),
            (
                "?oauth_token=abc123&denied=zzz",
                Err(CallbackError::TokenMismatch),
            ),
            (
                "denied=zzz&oauth_token=abc123",
                Err(CallbackError::TokenMismatch),
            ),
            (
                "oauth_verifier=v",
                Err(CallbackError::MissingParameter {
                    name: "oauth_token",
                }),
            ),
            ("oauth_token=&denied=abc123", Ok("abc123")),
            (
                "?oauth_token&denied",
                Err(CallbackError::MissingParameter {
                    name: "oauth_token",
                }),
            ),
            (
                "denied=a&denied=a",
                Err(CallbackError::DuplicateParameter { name: "denied" }),
            ),
            (
                "oauth_token=%FF",
                Err(CallbackError::Malformed(FormError::NotUtf8)),
            ),
        ] {
            assert_eq!(
                callback_request_token(callback),
                expected.map(str::to_owned),
                "{callback}"
            );
        }
    }

    /// A desktop or mobile application's callback: a scheme of its own, with or without `//`.
    #[test]
    fn callbacks_with_any_scheme_are_urls() {
        for callback in [
            "myapp:/cb?oauth_token=abc123&oauth_verifier=v",
            "com.example.app:cb?oauth_token=abc123&oauth_verifier=v",
            "HTTP://app.example/cb?oauth_token=abc123&oauth_verifier=v",
            "x-app+1.0://cb?oauth_token=abc123&oauth_verifier=v",
        ] {
            let approved = request_token().authorize_from_callback(callback).unwrap();
            assert_eq!(approved.verifier.expose_secret(), "v", "{callback}");
        }
    }

    /// What a user pastes: an address without its scheme (RFC 3986 would read `127.0.0.1:…`
    /// as a path and `localhost:…` as a scheme, but both are addresses), with spaces or a line
    /// break around it.
    #[test]
    fn a_pasted_callback_is_read_as_meant() {
        for callback in [
            "127.0.0.1:8080/callback?oauth_token=abc123&oauth_verifier=v",
            "localhost:8080/callback?oauth_token=abc123&oauth_verifier=v",
            "app.example/cb?oauth_token=abc123&oauth_verifier=v",
            "1app:/cb?oauth_token=abc123&oauth_verifier=v",
            "  http://127.0.0.1:8080/callback?oauth_token=abc123&oauth_verifier=v\r\n",
            "\toauth_token=abc123&oauth_verifier=v\n",
            " ?oauth_token=abc123&oauth_verifier=v ",
        ] {
            let approved = request_token().authorize_from_callback(callback).unwrap();
            assert_eq!(approved.verifier.expose_secret(), "v", "{callback:?}");
            assert_eq!(callback_request_token(callback).unwrap(), "abc123");
        }
        // A bare query's first pair has its `=` before any `?` in its value.
        assert_eq!(
            request_token().authorize_from_callback("oauth_token=abc123&oauth_verifier=a?b"),
            Ok(request_token().with_verifier(Verifier::new("a?b").unwrap()))
        );
        assert_eq!(
            request_token().authorize_from_callback("127.0.0.1:8080/callback"),
            Err(CallbackError::MissingParameter {
                name: "oauth_token"
            })
        );
    }

    #[test]
    fn every_refusal_has_its_own_error() {
        let cases = [
            ("denied=abc123", CallbackError::Denied),
            ("https://app/cb?denied=zzz", CallbackError::TokenMismatch),
            (
                "oauth_token=zzz&oauth_verifier=v",
                CallbackError::TokenMismatch,
            ),
            (
                "oauth_verifier=v",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            (
                "https://app/cb",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            // A URL or a path without `?` has no query, whatever its path looks like.
            (
                "https://app/cb&oauth_token=abc123&oauth_verifier=v",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            (
                "/cb&oauth_token=abc123&oauth_verifier=v",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            (
                "oauth_token=abc123",
                CallbackError::MissingParameter {
                    name: "oauth_verifier",
                },
            ),
            (
                "oauth_token=abc123&oauth_token=abc123&oauth_verifier=v",
                CallbackError::DuplicateParameter {
                    name: "oauth_token",
                },
            ),
            (
                "oauth_token=abc123&oauth_verifier=v&oauth_verifier=w",
                CallbackError::DuplicateParameter {
                    name: "oauth_verifier",
                },
            ),
            (
                "denied=a&denied=b",
                CallbackError::DuplicateParameter { name: "denied" },
            ),
            // A refusal is read as whole as an approval: both names, each once, one token.
            ("oauth_token=abc123&denied=abc123", CallbackError::Denied),
            (
                "oauth_token=a+b&denied=abc123",
                CallbackError::TokenMismatch,
            ),
            (
                "denied=abc123&oauth_token=abc123&oauth_token=abc123",
                CallbackError::DuplicateParameter {
                    name: "oauth_token",
                },
            ),
            // A parameter without a value is not there; junk after one is a value.
            (
                "?oauth_token&oauth_verifier",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            (
                "?oauth_token=&denied=",
                CallbackError::MissingParameter {
                    name: "oauth_token",
                },
            ),
            (
                "?oauth_token=abc123;oauth_verifier=v",
                CallbackError::TokenMismatch,
            ),
            (
                "oauth_token=abc123&oauth_verifier=",
                CallbackError::InvalidVerifier(CredentialError::Empty {
                    field: "oauth_verifier",
                }),
            ),
            (
                "oauth_token=abc123&oauth_verifier=a%0Ab",
                CallbackError::InvalidVerifier(CredentialError::ControlCharacter {
                    field: "oauth_verifier",
                }),
            ),
            (
                "oauth_token=%ff",
                CallbackError::Malformed(FormError::NotUtf8),
            ),
        ];
        for (callback, expected) in cases {
            assert_eq!(
                request_token().authorize_from_callback(callback),
                Err(expected.clone()),
                "{callback}"
            );
            // The token a login is looked up by is the one its check accepts, and a callback
            // that one refuses for its tokens the other refuses alike.
            let named = callback_request_token(callback);
            match expected {
                CallbackError::Denied | CallbackError::InvalidVerifier(_) => {
                    assert_eq!(named.as_deref(), Ok("abc123"), "{callback}");
                }
                CallbackError::TokenMismatch => assert_ne!(named.as_deref(), Ok("abc123")),
                _ => {}
            }
        }
    }

    #[test]
    fn callback_urls_are_validated() {
        assert_eq!(
            Callback::url("https://app.example/cb?x=1")
                .unwrap()
                .as_str(),
            "https://app.example/cb?x=1"
        );
        assert_eq!(Callback::OutOfBand.as_str(), "oob");
        let own_scheme = "it must start with http:// or https:// (an application's own scheme: \
                          Callback::custom_scheme)";
        for (url, kind, reason) in [
            (
                "https://app.example/cb\r\nSet-Cookie: x",
                UrlErrorKind::ControlCharacter,
                "it contains a control character (CR, LF, NUL, ...); trim the line \
                    break off text read from a file or a terminal",
            ),
            ("javascript:alert(1)", UrlErrorKind::NotHttp, own_scheme),
            ("htps://app.example/cb", UrlErrorKind::NotHttp, own_scheme),
            (
                "oob",
                UrlErrorKind::NotHttp,
                "it must start with http:// or https:// (out of band, without a redirect: \
                 Callback::OutOfBand)",
            ),
            ("myapp://cb", UrlErrorKind::NotHttp, own_scheme),
            (
                "/cb",
                UrlErrorKind::NotHttp,
                "it must start with http:// or https://",
            ),
            (
                "http://a/?\u{a0}%",
                UrlErrorKind::NotAscii,
                "it must be ASCII (percent-encode other characters)",
            ),
            // Discogs would send the browser back to a port that is none.
            (
                "http://127.0.0.1:80800/callback",
                UrlErrorKind::InvalidPort,
                "its port must be a number from 0 to 65535",
            ),
        ] {
            assert_eq!(
                Callback::url(url),
                Err(UrlError {
                    field: "oauth_callback",
                    kind,
                    reason
                }),
                "{url}"
            );
        }
    }

    /// Desktop and mobile apps register a scheme of their own; RFC 8252 §7.1's reverse domain
    /// names have no `//`.
    #[test]
    fn an_application_s_own_scheme_is_a_callback() {
        for uri in [
            "myapp://oauth-callback",
            "myapp://cb?next=%2Fhome&x=1",
            "com.example.app:/oauth2redirect",
            "com.example.app:cb",
            "App+1.x-y:z",
        ] {
            assert_eq!(
                Callback::custom_scheme(uri),
                Ok(Callback::Url(CallbackUrl(uri.to_owned())))
            );
            assert_eq!(
                Callback::parse(uri),
                Ok(Callback::Url(CallbackUrl(uri.to_owned())))
            );
        }
        let refused = |uri, (kind, reason)| {
            assert_eq!(
                Callback::custom_scheme(uri),
                Err(UrlError {
                    field: "oauth_callback",
                    kind,
                    reason
                }),
                "{uri}"
            );
        };
        let no_scheme = (
            UrlErrorKind::NoScheme,
            "it must start with a scheme and `:`, such as myapp://",
        );
        refused("", no_scheme);
        refused("myapp", no_scheme);
        refused("://cb", no_scheme);
        refused("1app://cb", no_scheme);
        refused("my_app://cb", no_scheme);
        let web = (
            UrlErrorKind::WebScheme,
            "an http(s) callback goes through Callback::url, which checks its host",
        );
        refused("https://app.example/cb", web);
        refused("HTTP://app.example/cb", web);
        let browser = (
            UrlErrorKind::BrowserScheme,
            "the browser would handle this scheme itself instead of the application",
        );
        refused("javascript:alert(1)", browser);
        refused("JavaScript:alert(1)", browser);
        refused("vbscript:msgbox", browser);
        refused("data:text/html,<script>", browser);
        refused("file:///etc/passwd", browser);
        refused(
            "myapp:",
            (
                UrlErrorKind::NothingAfterScheme,
                "it has nothing after the scheme",
            ),
        );
        let host_and_port = (
            UrlErrorKind::HostAndPort,
            "it looks like a host and port: a web callback starts with http:// or https://",
        );
        refused("localhost:8080", host_and_port);
        refused("localhost:8080/callback", host_and_port);
        refused("app.example:443?x=1", host_and_port);
        assert!(Callback::custom_scheme("myapp:8080x").is_ok());
        assert!(Callback::custom_scheme("myapp:/8080").is_ok());
        let unprintable = (
            UrlErrorKind::Unprintable,
            "it must be printable ASCII without spaces (percent-encode the rest)",
        );
        refused("myapp://cb\r\nSet-Cookie: x", unprintable);
        refused("myapp://c b", unprintable);
        refused("myapp://caf\u{e9}", unprintable);
        refused("myapp://cb\u{7f}", unprintable);
        refused(
            "myapp://cb#top",
            (UrlErrorKind::Fragment, "it must not have a fragment"),
        );
    }

    /// Discogs adds its parameters to the callback's own: one named there already would come
    /// back twice, and the login could never be read from the redirect.
    #[test]
    fn a_callback_may_not_hold_the_parameters_discogs_adds() {
        let reserved = |reason| {
            Err(UrlError {
                field: "oauth_callback",
                kind: UrlErrorKind::ReservedParameter,
                reason,
            })
        };
        let [token, verifier, denied] = CALLBACK_PARAMETERS.map(|(_, reason)| reason);
        for (callback, expected) in [
            ("https://app.example/cb?oauth_token=mine", token),
            ("https://app.example/cb?x=1&oauth_verifier", verifier),
            ("https://app.example/cb?denied=", denied),
            ("https://app.example/cb?a=b&oauth%5Ftoken=x", token),
            ("myapp://cb?oauth_token=mine", token),
            ("com.example.app:cb?x&denied=1", denied),
        ] {
            assert_eq!(Callback::parse(callback), reserved(expected), "{callback}");
        }
        assert_eq!(
            Callback::url("http://127.0.0.1:8123/cb?oauth_token=a&oauth_verifier=b"),
            reserved(token)
        );
        assert_eq!(
            Callback::custom_scheme("myapp://cb?oauth_verifier=b"),
            reserved(verifier)
        );
        // Names that only resemble them, and the parameters in the path, are the application's.
        for callback in [
            "https://app.example/cb?oauth_tokens=1&my_oauth_token=2&denied_by=3",
            "https://app.example/oauth_token=1/cb?x=oauth_token",
            "myapp://cb/denied?state=oauth_verifier",
        ] {
            assert_eq!(
                Callback::parse(callback).map(String::from),
                Ok(callback.to_owned())
            );
        }
    }

    #[test]
    fn a_callback_is_at_most_max_callback_len_bytes() {
        assert!(TOO_LONG.contains(&MAX_CALLBACK_LEN.to_string()));
        let too_long = Err(UrlError {
            field: "oauth_callback",
            kind: UrlErrorKind::TooLong,
            reason: TOO_LONG,
        });
        for prefix in ["https://app.example/cb?x=", "myapp://cb?x="] {
            let longest = format!("{prefix}{}", "a".repeat(MAX_CALLBACK_LEN - prefix.len()));
            assert_eq!(
                Callback::parse(&longest),
                Ok(Callback::Url(CallbackUrl(longest.clone())))
            );
            let one_more = format!("{longest}a");
            assert_eq!(Callback::parse(&one_more), too_long, "{prefix}");
        }
        let long_url = format!("https://app.example/{}", "a".repeat(MAX_CALLBACK_LEN));
        assert_eq!(Callback::url(&long_url), too_long);
        let long_own = format!("myapp://{}", "a".repeat(MAX_CALLBACK_LEN));
        assert_eq!(Callback::custom_scheme(&long_own), too_long);
    }

    #[test]
    fn a_callback_url_reads_as_given() {
        let Callback::Url(url) = Callback::url("https://app.example/cb?x=1").unwrap() else {
            panic!("a URL")
        };
        assert_eq!(url.as_str(), "https://app.example/cb?x=1");
        assert_eq!(url.as_ref(), "https://app.example/cb?x=1");
        assert_eq!(url.to_string(), "https://app.example/cb?x=1");
    }

    #[test]
    fn a_callback_value_is_read_by_its_shape() {
        assert_eq!(Callback::parse("oob"), Ok(Callback::OutOfBand));
        assert_eq!(
            Callback::parse("https://app.example/cb"),
            Ok(Callback::Url(CallbackUrl(
                "https://app.example/cb".to_owned()
            )))
        );
        // `oob` is case-sensitive (RFC 5849 §2.1): `OOB` is no URL of any kind, and the error
        // says where out of band is.
        assert_eq!(
            Callback::parse("OOB"),
            Err(UrlError {
                field: "oauth_callback",
                kind: UrlErrorKind::NotHttp,
                reason: "it must start with http:// or https:// (out of band, without a \
                         redirect: Callback::OutOfBand)"
            })
        );
        // A web URL is held to `url`'s checks, whatever the case of its scheme.
        assert_eq!(
            Callback::parse("HTTPS://user:pw@app.example/cb"),
            Err(UrlError {
                field: "oauth_callback",
                kind: UrlErrorKind::UserInfo,
                reason: "it must not hold a user name or password"
            })
        );
        assert_eq!(
            Callback::parse("data:text/html,x"),
            Err(UrlError {
                field: "oauth_callback",
                kind: UrlErrorKind::BrowserScheme,
                reason: "the browser would handle this scheme itself instead of the application"
            })
        );
    }
}
