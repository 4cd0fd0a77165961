//! Where the OAuth endpoints live: Discogs' by default, any Discogs-compatible provider (such as
//! a local stand-in) otherwise.

use std::fmt;

use http::Uri;

use crate::credentials::control_character_advice;
use crate::encoding::{has_control, percent_encode};
use crate::signature::{BaseUri, authority_port};

/// Discogs' API base.
pub const DISCOGS_API_BASE: &str = "https://api.discogs.com";
/// Discogs' authorize page.
pub const DISCOGS_AUTHORIZE_URL: &str = "https://www.discogs.com/oauth/authorize";

/// A URL given as input was refused.
///
/// ```
/// use discogs_auth_core::{Endpoints, UrlErrorKind};
/// let error = Endpoints::discogs().api_url("database/search").unwrap_err();
/// assert_eq!(error.kind, UrlErrorKind::PathWithoutSlash);
/// assert_eq!(error.to_string(), "path is not usable: it must start with /");
/// ```
///
/// Non-exhaustive, as the crate's other errors are: it may say more later without breaking
/// code that reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlError {
    /// Which input, e.g. `api_base` or `oauth_callback`.
    pub field: &'static str,
    /// What is wrong with it, for code that handles one case.
    pub kind: UrlErrorKind,
    /// What is wrong with it, in words, often with the fix.
    pub reason: &'static str,
}

/// What is wrong with a refused URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UrlErrorKind {
    /// It holds a control character (a line break read with it, say).
    ControlCharacter,
    /// It holds a character outside ASCII: percent-encode it.
    NotAscii,
    /// It does not parse as a URL.
    Malformed,
    /// Its scheme is not `http` or `https`, or it has none.
    NotHttp,
    /// It has no host.
    NoHost,
    /// It holds a user name or password, which would show wherever the URL does.
    UserInfo,
    /// Its port is not a number from 0 to 65535.
    InvalidPort,
    /// It has a fragment (`#…`).
    Fragment,
    /// An API base with a query.
    Query,
    /// A path for [`Endpoints::api_url`] that does not start with `/`.
    PathWithoutSlash,
    /// A request a session was given is not on the API base, the only place it sends
    /// credentials.
    NotOnApiBase,
    /// A callback longer than [`MAX_CALLBACK_LEN`](crate::MAX_CALLBACK_LEN) bytes, or any URL
    /// longer than the 65,534 bytes an [`http::Uri`] holds.
    TooLong,
    /// A callback for [`Callback::custom_scheme`](crate::Callback::custom_scheme) that does
    /// not start with a scheme and `:`.
    NoScheme,
    /// An `http(s)` callback given to [`Callback::custom_scheme`](crate::Callback::custom_scheme)
    /// rather than [`Callback::url`](crate::Callback::url).
    WebScheme,
    /// A callback to a scheme the browser handles itself (`javascript:`, `data:`, `file:`…).
    BrowserScheme,
    /// A custom-scheme callback with nothing after its scheme.
    NothingAfterScheme,
    /// A custom-scheme callback that reads as a host and port (`localhost:8080/cb`): a web
    /// address without its `http://`.
    HostAndPort,
    /// A custom-scheme callback with a space or a character outside printable ASCII.
    Unprintable,
    /// A callback whose query already holds `oauth_token`, `oauth_verifier` or `denied`: Discogs
    /// adds its own to the redirect, and a callback naming one twice cannot be read.
    ReservedParameter,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not usable: {}", self.field, self.reason)
    }
}

impl std::error::Error for UrlError {}

/// Why `url` does not parse, with what most often causes it: a space (text pasted or read
/// with a line's padding) or an address without its `https://`.
fn why_not_a_url(url: &str) -> &'static str {
    if url.contains(' ') {
        "it is not a valid URL: it contains a space (percent-encode it as %20, or trim the input)"
    } else if !url.contains("://") {
        "it is not a valid URL: a web address starts with http:// or https://"
    } else {
        "it is not a valid URL"
    }
}

/// The longest URI `http` parses (`u16::MAX - 1` bytes).
const MAX_URI_LEN: usize = 65_534;

/// Parses an absolute `http`/`https` URL with a host, no user name or password (they would
/// show wherever the URL does, `Debug` included) and no fragment.
pub(crate) fn parse_absolute_url(field: &'static str, url: &str) -> Result<Uri, UrlError> {
    if url.len() > MAX_URI_LEN {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::TooLong,
            reason: "it is longer than the 65,534 bytes a URL may have here",
        });
    }
    if has_control(url) {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::ControlCharacter,
            reason: concat!("it ", control_character_advice!()),
        });
    }
    // `http` takes raw UTF-8 in a query, but a URL is ASCII (RFC 3986): a browser sent back
    // to one with, say, a no-break space would arrive somewhere else.
    if !url.is_ascii() {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::NotAscii,
            reason: "it must be ASCII (percent-encode other characters)",
        });
    }
    if url.contains('#') {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::Fragment,
            reason: "it must not have a fragment",
        });
    }
    let uri: Uri = url.parse().map_err(|_| UrlError {
        field,
        kind: UrlErrorKind::Malformed,
        reason: why_not_a_url(url),
    })?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(UrlError {
                field,
                kind: UrlErrorKind::NotHttp,
                reason: "it must start with http:// or https://",
            });
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::NoHost,
            reason: "it has no host",
        });
    }
    let authority = uri.authority().map_or("", |authority| authority.as_str());
    if authority.contains('@') {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::UserInfo,
            reason: "it must not hold a user name or password",
        });
    }
    if authority_port(authority).is_err() {
        return Err(UrlError {
            field,
            kind: UrlErrorKind::InvalidPort,
            reason: "its port must be a number from 0 to 65535",
        });
    }
    Ok(uri)
}

/// Where a provider's API is reached: `https://api.discogs.com`, or a base with a path
/// (`https://example.com/discogs`) for one mounted under a prefix. An absolute `http` or
/// `https` URL with a host, without a user name or password, a query or a fragment; kept
/// without a trailing slash, so that a path starting with `/` follows it. With the `serde`
/// feature it is stored as that URL, checked when read.
///
/// ```
/// use discogs_auth_core::{ApiBase, UrlErrorKind};
/// let base = ApiBase::new("https://api.discogs.com/")?;
/// assert_eq!(base.as_str(), "https://api.discogs.com");
/// assert_eq!(ApiBase::new("https://api.discogs.com#").unwrap_err().kind, UrlErrorKind::Fragment);
/// # Ok::<(), discogs_auth_core::UrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct ApiBase(String);

/// Each conversion checks as [`ApiBase::new`] does, as the credentials' do.
impl TryFrom<String> for ApiBase {
    type Error = UrlError;

    fn try_from(url: String) -> Result<Self, UrlError> {
        Self::new(&url)
    }
}

impl TryFrom<&str> for ApiBase {
    type Error = UrlError;

    fn try_from(url: &str) -> Result<Self, UrlError> {
        Self::new(url)
    }
}

impl std::str::FromStr for ApiBase {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<Self, UrlError> {
        Self::new(url)
    }
}

impl AsRef<str> for ApiBase {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<ApiBase> for String {
    fn from(base: ApiBase) -> Self {
        base.0
    }
}

impl ApiBase {
    /// Checks `url` as an API base (as [`Endpoints::new`] checks its `api_base`).
    ///
    /// # Errors
    ///
    /// A [`UrlError`] for `api_base`, whose [`kind`](UrlError::kind) says which check failed: an
    /// absolute `http` or `https` URL with a host, at most 65,534 bytes of ASCII without control
    /// characters, and no user name or password, invalid port, query or fragment.
    pub fn new(url: &str) -> Result<Self, UrlError> {
        let base = parse_absolute_url("api_base", url)?;
        if base.query().is_some() {
            return Err(UrlError {
                field: "api_base",
                kind: UrlErrorKind::Query,
                reason: "it must not have a query",
            });
        }
        Ok(Self(url.trim_end_matches('/').to_owned()))
    }

    /// The base, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The API base and the authorize page of a Discogs-compatible provider.
///
/// With the `serde` feature it is stored as its two URLs,
/// `{"api_base": …, "authorize_url": …}`, and checked as [`Endpoints::new`] checks them when
/// read.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "StoredEndpoints", into = "StoredEndpoints")
)]
pub struct Endpoints {
    api_base: String,
    authorize_url: String,
    /// The three OAuth endpoints, parsed once: every request clones one (a reference count, or
    /// nothing at all for Discogs' static URLs) instead of formatting and parsing it again.
    /// They follow from `api_base`, so the derived equality stays that of the two strings.
    request_token_url: Uri,
    access_token_url: Uri,
    identity_url: Uri,
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoints")
            .field("api_base", &self.api_base)
            .field("authorize_url", &self.authorize_url)
            .finish()
    }
}

/// What [`Endpoints`] is stored as: the URLs it is made from, not the ones it derives.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEndpoints {
    api_base: String,
    authorize_url: String,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredEndpoints> for Endpoints {
    type Error = UrlError;

    fn try_from(stored: StoredEndpoints) -> Result<Self, UrlError> {
        Self::new(&stored.api_base, &stored.authorize_url)
    }
}

#[cfg(feature = "serde")]
impl From<Endpoints> for StoredEndpoints {
    fn from(endpoints: Endpoints) -> Self {
        Self {
            api_base: endpoints.api_base,
            authorize_url: endpoints.authorize_url,
        }
    }
}

const REQUEST_TOKEN_PATH: &str = "/oauth/request_token";
const ACCESS_TOKEN_PATH: &str = "/oauth/access_token";
const IDENTITY_PATH: &str = "/oauth/identity";

impl Default for Endpoints {
    fn default() -> Self {
        Self::discogs()
    }
}

impl Endpoints {
    /// Discogs' own endpoints.
    pub fn discogs() -> Self {
        Self {
            api_base: DISCOGS_API_BASE.to_owned(),
            authorize_url: DISCOGS_AUTHORIZE_URL.to_owned(),
            request_token_url: Uri::from_static("https://api.discogs.com/oauth/request_token"),
            access_token_url: Uri::from_static("https://api.discogs.com/oauth/access_token"),
            identity_url: Uri::from_static("https://api.discogs.com/oauth/identity"),
        }
    }

    /// Another provider: `api_base` (e.g. `http://127.0.0.1:8080`, where `/oauth/request_token`
    /// and the rest live) and its authorize page.
    ///
    /// ```
    /// use discogs_auth_core::Endpoints;
    /// let local = Endpoints::new("http://127.0.0.1:8080/", "http://127.0.0.1:8080/oauth/authorize").unwrap();
    /// assert_eq!(local.request_token_url().to_string(), "http://127.0.0.1:8080/oauth/request_token");
    /// assert!(Endpoints::new("ftp://example.com", "https://example.com/authorize").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ApiBase::new`] for `api_base`, then the same checks for `authorize_url` (so named in
    /// the [`UrlError`]), but for the query, which an authorize page may have.
    pub fn new(api_base: &str, authorize_url: &str) -> Result<Self, UrlError> {
        let ApiBase(api_base) = ApiBase::new(api_base)?;
        parse_absolute_url("authorize_url", authorize_url)?;
        Ok(Self {
            request_token_url: known_url(&api_base, REQUEST_TOKEN_PATH),
            access_token_url: known_url(&api_base, ACCESS_TOKEN_PATH),
            identity_url: known_url(&api_base, IDENTITY_PATH),
            api_base,
            authorize_url: authorize_url.to_owned(),
        })
    }

    /// The API base, without a trailing slash.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The authorize page.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// `{api_base}{path}`. A `path` that does not start with `/` is refused: pasted after the
    /// base, it would change the host (`.evil.example/x`, `@evil.example/x`) and send the
    /// credentials there.
    ///
    /// ```
    /// use discogs_auth_core::Endpoints;
    /// let uri = Endpoints::discogs().api_url("/database/search?q=Nirvana").unwrap();
    /// assert_eq!(uri.to_string(), "https://api.discogs.com/database/search?q=Nirvana");
    /// ```
    ///
    /// # Errors
    ///
    /// A [`UrlError`] for `path`: [`UrlErrorKind::PathWithoutSlash`] when it does not start with
    /// `/`, else when the base and `path` together do not make a valid URL (a control or
    /// non-ASCII character, a fragment, more than 65,534 bytes, or text that does not parse).
    pub fn api_url(&self, path: &str) -> Result<Uri, UrlError> {
        if !path.starts_with('/') {
            return Err(UrlError {
                field: "path",
                kind: UrlErrorKind::PathWithoutSlash,
                reason: "it must start with /",
            });
        }
        parse_absolute_url("path", &format!("{}{path}", self.api_base))
    }

    /// `{api_base}{path}` with `query`'s pairs appended, each name and value percent-encoded
    /// (RFC 3986, as OAuth encodes them): the search text a user typed goes in as it is, spaces,
    /// `&` and accents included. `path` is checked as by [`Endpoints::api_url`], and may hold a
    /// query of its own, already encoded, which the pairs follow.
    ///
    /// ```
    /// use discogs_auth_core::Endpoints;
    /// let uri = Endpoints::discogs()
    ///     .api_url_with_query("/database/search", [("q", "Sigur Rós & Amiina"), ("type", "release")])
    ///     .unwrap();
    /// assert_eq!(
    ///     uri.to_string(),
    ///     "https://api.discogs.com/database/search?q=Sigur%20R%C3%B3s%20%26%20Amiina&type=release"
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Endpoints::api_url`] for `path` with the pairs added; encoded, the pairs themselves can
    /// only make it [`UrlErrorKind::TooLong`].
    pub fn api_url_with_query<N: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        query: impl IntoIterator<Item = (N, V)>,
    ) -> Result<Uri, UrlError> {
        let mut target = path.to_owned();
        let mut separator = if path.contains('?') { '&' } else { '?' };
        for (name, value) in query {
            target.push(separator);
            target.push_str(&percent_encode(name.as_ref()));
            target.push('=');
            target.push_str(&percent_encode(value.as_ref()));
            separator = '&';
        }
        self.api_url(&target)
    }

    /// Whether `uri` is under the API base: on its origin (scheme, host and port) and, for a
    /// base with a path, under that path. That is the only place a [`Session`](crate::Session)
    /// sends credentials. A relative URI is not under it.
    ///
    /// ```
    /// use discogs_auth_core::Endpoints;
    /// let discogs = Endpoints::discogs();
    /// assert!(discogs.is_api_url(&"https://API.discogs.com:443/database/search".parse().unwrap()));
    /// assert!(!discogs.is_api_url(&"https://i.discogs.com/image.jpg".parse().unwrap()));
    /// assert!(!discogs.is_api_url(&"http://api.discogs.com/database/search".parse().unwrap()));
    ///
    /// let proxied = Endpoints::new("https://example.com/discogs", "https://example.com/authorize")
    ///     .unwrap();
    /// assert!(proxied.is_api_url(&"https://example.com/discogs/search".parse().unwrap()));
    /// assert!(!proxied.is_api_url(&"https://example.com/elsewhere".parse().unwrap()));
    /// ```
    pub fn is_api_url(&self, uri: &Uri) -> bool {
        // The identity URL is the API base's origin and path, already parsed.
        let same_origin = match (BaseUri::of(uri), BaseUri::of(&self.identity_url)) {
            (Ok(uri), Ok(base)) => uri.same_origin(&base),
            _ => false,
        };
        same_origin && self.is_under_base_path(uri.path())
    }

    /// Whether `path` is the API base's path or below it. Dot segments after the base's path
    /// are refused: an HTTP client resolves them (`/discogs/../other` is `/other`), so a path
    /// that starts with the base's could still leave it.
    fn is_under_base_path(&self, path: &str) -> bool {
        let base_path = self
            .identity_url
            .path()
            .strip_suffix(IDENTITY_PATH)
            .unwrap_or_default();
        if base_path.is_empty() {
            return true;
        }
        path.strip_prefix(base_path).is_some_and(|below| {
            (below.is_empty() || below.starts_with('/')) && !below.split('/').any(is_dot_segment)
        })
    }

    /// `GET {api_base}/oauth/request_token`.
    pub fn request_token_url(&self) -> Uri {
        self.request_token_url.clone()
    }

    /// `POST {api_base}/oauth/access_token`.
    pub fn access_token_url(&self) -> Uri {
        self.access_token_url.clone()
    }

    /// `GET {api_base}/oauth/identity`.
    pub fn identity_url(&self) -> Uri {
        self.identity_url.clone()
    }
}

/// `{api_base}{path}` for one of the fixed OAuth paths.
fn known_url(api_base: &str, path: &str) -> Uri {
    // `api_base` was validated as an absolute URL without a query; appending a fixed path of
    // unreserved characters keeps it valid.
    parse_absolute_url("path", &format!("{api_base}{path}"))
        .unwrap_or_else(|_| Uri::from_static("http://invalid.invalid/"))
}

/// A `.` or `..` path segment, with its dots written as they are or percent-encoded (URL
/// parsers such as the `url` crate's, under reqwest, read `%2e` as a dot here).
fn is_dot_segment(segment: &str) -> bool {
    [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
        .iter()
        .any(|dots| segment.eq_ignore_ascii_case(dots))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A URL as long as `http` takes is parsed; one byte more is too long, said as such
    /// rather than as a malformed URL (a search text pasted whole makes one).
    /// `TryFrom`, `FromStr` and `new` check alike; `AsRef`, `Display`, `as_str` and `String`
    /// give the same base back.
    #[test]
    fn api_base_conversions_check_as_new_does() {
        let parsed: ApiBase = "http://127.0.0.1:8080/".parse().unwrap();
        assert_eq!(parsed, ApiBase::new("http://127.0.0.1:8080").unwrap());
        assert_eq!(
            ApiBase::try_from("http://127.0.0.1:8080/"),
            Ok(parsed.clone())
        );
        assert_eq!(
            ApiBase::try_from("http://127.0.0.1:8080/".to_owned()),
            Ok(parsed.clone())
        );
        assert_eq!(parsed.as_ref(), "http://127.0.0.1:8080");
        assert_eq!(parsed.to_string(), parsed.as_str());
        assert_eq!(String::from(parsed), "http://127.0.0.1:8080");
        let refused = ApiBase::new("https://api.discogs.com/?page=2").unwrap_err();
        assert_eq!(refused.kind, UrlErrorKind::Query);
        assert_eq!(
            "https://api.discogs.com/?page=2".parse::<ApiBase>(),
            Err(refused.clone())
        );
        assert_eq!(
            ApiBase::try_from("https://api.discogs.com/?page=2"),
            Err(refused)
        );
    }

    #[test]
    fn a_url_longer_than_http_takes_is_too_long() {
        let discogs = Endpoints::discogs();
        let path = |len: usize| format!("/{}", "a".repeat(len - DISCOGS_API_BASE.len() - 1));
        assert!(discogs.api_url(&path(MAX_URI_LEN)).is_ok());
        let refused = discogs.api_url(&path(MAX_URI_LEN + 1)).unwrap_err();
        assert_eq!(refused.kind, UrlErrorKind::TooLong);
        assert_eq!(
            refused.to_string(),
            "path is not usable: it is longer than the 65,534 bytes a URL may have here"
        );
        let typed = "Sigur Rós ".repeat(7_000);
        assert_eq!(
            discogs
                .api_url_with_query("/database/search", [("q", typed.as_str())])
                .unwrap_err()
                .kind,
            UrlErrorKind::TooLong
        );
    }

    /// A base behind a path prefix (a proxy's `/discogs`) keeps credentials under that path:
    /// a sibling path on the same host, a path that only starts with the same letters, and a
    /// path that climbs out with dot segments are not the API.
    #[test]
    fn a_base_with_a_path_covers_only_what_is_under_it() {
        let proxied = Endpoints::new(
            "https://example.com/discogs/",
            "https://example.com/authorize",
        )
        .unwrap();
        let under = |uri: &str| proxied.is_api_url(&uri.parse().unwrap());
        assert!(under("https://example.com/discogs"));
        assert!(under("https://example.com/discogs/"));
        assert!(under("https://example.com/discogs/database/search?q=a"));
        assert!(under("https://example.com:443/discogs/oauth/identity"));
        assert!(under("https://example.com/discogs/releases/1..2"));
        assert!(!under("https://example.com/not-discogs/collect"));
        assert!(!under("https://example.com/discogsx/collect"));
        assert!(!under("https://example.com/"));
        assert!(!under("https://example.com/Discogs/database/search"));
        for climbing in [
            "https://example.com/discogs/../collect",
            "https://example.com/discogs/%2e%2e/collect",
            "https://example.com/discogs/.%2E/collect",
            "https://example.com/discogs/./x",
        ] {
            assert!(!under(climbing), "{climbing}");
        }
        assert!(!under("https://other.example/discogs/database/search"));

        // Without a path, any path on the origin is the API, dot segments included: they
        // cannot leave it.
        let discogs = Endpoints::discogs();
        assert!(discogs.is_api_url(&"https://api.discogs.com/a/../b".parse().unwrap()));
    }

    /// Typed text goes in as the pairs it is, whatever it holds, after a query of the path's
    /// own; the path is checked as `api_url` checks it.
    #[test]
    fn query_pairs_are_encoded_into_the_api_url() {
        let discogs = Endpoints::discogs();
        let url = |path, pairs: &[(&str, &str)]| {
            discogs
                .api_url_with_query(path, pairs.iter().copied())
                .map(|uri| uri.to_string())
        };
        assert_eq!(
            url(
                "/database/search",
                &[("q", "AC/DC: Back in Black?"), ("per_page", "50")]
            ),
            Ok(
                "https://api.discogs.com/database/search?q=AC%2FDC%3A%20Back%20in%20Black%3F\
                &per_page=50"
                    .to_owned()
            )
        );
        assert_eq!(
            url(
                "/database/search?type=release",
                &[("q", "a+b=c"), ("page", "2")]
            ),
            Ok(
                "https://api.discogs.com/database/search?type=release&q=a%2Bb%3Dc&page=2"
                    .to_owned()
            )
        );
        assert_eq!(
            url("/users/ex ample", &[]).unwrap_err().kind,
            UrlErrorKind::Malformed
        );
        assert_eq!(
            url("/oauth/identity", &[]),
            Ok("https://api.discogs.com/oauth/identity".to_owned())
        );
        assert_eq!(
            url("database/search", &[("q", "x")]).unwrap_err().kind,
            UrlErrorKind::PathWithoutSlash
        );
        // What is sent decodes back to the pairs given (the name too).
        let typed = [("q", "Björk & Sigur Rós +1"), ("my field", "50%")];
        let uri = discogs
            .api_url_with_query("/database/search", typed)
            .unwrap();
        let decoded: Vec<(String, String)> =
            crate::encoding::FormPairs::parse(uri.query().unwrap().as_bytes())
                .unwrap()
                .iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect();
        assert_eq!(
            decoded,
            typed.map(|(name, value)| (name.to_owned(), value.to_owned()))
        );
    }

    #[test]
    fn discogs_endpoints() {
        let endpoints = Endpoints::default();
        assert_eq!(
            endpoints.request_token_url(),
            "https://api.discogs.com/oauth/request_token"
        );
        assert_eq!(
            endpoints.access_token_url(),
            "https://api.discogs.com/oauth/access_token"
        );
        assert_eq!(
            endpoints.identity_url(),
            "https://api.discogs.com/oauth/identity"
        );
        assert_eq!(
            endpoints.authorize_url(),
            "https://www.discogs.com/oauth/authorize"
        );
    }

    /// The static URIs of `discogs()` are the ones `new()` would build from the same base.
    #[test]
    fn discogs_static_urls_match_the_parsed_ones() {
        let parsed = Endpoints::new(DISCOGS_API_BASE, DISCOGS_AUTHORIZE_URL).unwrap();
        assert_eq!(parsed, Endpoints::discogs());
        assert_eq!(format!("{parsed:?}"), format!("{:?}", Endpoints::discogs()));
        assert_eq!(
            format!("{parsed:?}"),
            "Endpoints { api_base: \"https://api.discogs.com\", \
             authorize_url: \"https://www.discogs.com/oauth/authorize\" }"
        );
    }

    #[test]
    fn base_with_a_path_prefix() {
        let endpoints = Endpoints::new(
            "http://localhost:9000/discogs/",
            "http://localhost:9000/auth",
        )
        .unwrap();
        assert_eq!(
            endpoints.identity_url(),
            "http://localhost:9000/discogs/oauth/identity"
        );
    }

    /// A provider's own base
    /// ([`SignedRequest::from_request_at`](crate::SignedRequest::from_request_at)): none that
    /// would move the path and query a signature covers into a fragment or a query, or put a
    /// password in view.
    #[test]
    fn api_bases_that_would_move_the_served_path_are_refused() {
        for (base, kind) in [
            ("https://api.example#", UrlErrorKind::Fragment),
            ("https://api.example?", UrlErrorKind::Query),
            ("https://api.example/?a=1", UrlErrorKind::Query),
            ("https://u:p@api.example", UrlErrorKind::UserInfo),
            ("ftp://api.example", UrlErrorKind::NotHttp),
            ("api.example", UrlErrorKind::NotHttp),
            ("https://api.example:99999", UrlErrorKind::InvalidPort),
        ] {
            assert_eq!(
                ApiBase::new(base).map_err(|error| (error.field, error.kind)),
                Err(("api_base", kind)),
                "{base}"
            );
        }
        let prefixed = ApiBase::new("http://127.0.0.1:8080/discogs/").unwrap();
        assert_eq!(prefixed.as_str(), "http://127.0.0.1:8080/discogs");
        assert_eq!(prefixed.to_string(), "http://127.0.0.1:8080/discogs");
    }

    #[test]
    fn refused_urls_name_the_field_and_reason() {
        let cases = [
            (
                ("api.discogs.com", "https://x/"),
                "api_base",
                UrlErrorKind::NotHttp,
                "it must start with http:// or https://",
            ),
            (
                ("https://x/?a=1", "https://x/"),
                "api_base",
                UrlErrorKind::Query,
                "it must not have a query",
            ),
            (
                ("https://x/", "https://x/a\r\nb"),
                "authorize_url",
                UrlErrorKind::ControlCharacter,
                "it contains a control character (CR, LF, NUL, ...); trim the line \
                    break off text read from a file or a terminal",
            ),
            (
                ("https://x/", "https://x/a#frag"),
                "authorize_url",
                UrlErrorKind::Fragment,
                "it must not have a fragment",
            ),
            (
                ("https://x/", "https:// bad"),
                "authorize_url",
                UrlErrorKind::Malformed,
                "it is not a valid URL: it contains a space (percent-encode it as %20, or trim \
                 the input)",
            ),
            (
                ("api.discogs.com/", "https://x/"),
                "api_base",
                UrlErrorKind::Malformed,
                "it is not a valid URL: a web address starts with http:// or https://",
            ),
            (
                ("https://x/", "https://x/a b"),
                "authorize_url",
                UrlErrorKind::Malformed,
                "it is not a valid URL: it contains a space (percent-encode it as %20, or trim \
                 the input)",
            ),
            (
                ("https://x/", "https://[::1/"),
                "authorize_url",
                UrlErrorKind::Malformed,
                "it is not a valid URL",
            ),
            (
                ("https://x/", "https://x/?q=caf\u{e9}"),
                "authorize_url",
                UrlErrorKind::NotAscii,
                "it must be ASCII (percent-encode other characters)",
            ),
            (
                ("http://127.0.0.1:99999", "https://x/"),
                "api_base",
                UrlErrorKind::InvalidPort,
                "its port must be a number from 0 to 65535",
            ),
            (
                ("https://x/", "https://x:44a/"),
                "authorize_url",
                UrlErrorKind::InvalidPort,
                "its port must be a number from 0 to 65535",
            ),
        ];
        for ((base, authorize), field, kind, reason) in cases {
            assert_eq!(
                Endpoints::new(base, authorize),
                Err(UrlError {
                    field,
                    kind,
                    reason
                }),
                "{base} {authorize}"
            );
        }
    }
}
