//! Which scheme an `Authorization` header uses: a provider hands each to its own reader.

use std::fmt;

/// The scheme of an `Authorization` header value that this crate reads, named in any case
/// (RFC 9110 §11.1).
///
/// A provider that accepts both, as Discogs does, tells them apart with
/// [`AuthorizationScheme::of`] and reads each with its own parser:
///
/// ```
/// use discogs_auth_core::{AuthorizationScheme, DiscogsAuth, OAuthParameters};
///
/// fn consumer_key(header: &str) -> Option<String> {
///     match AuthorizationScheme::of(header)? {
///         // A whole request is read with `SignedRequest::from_request`.
///         AuthorizationScheme::OAuth => OAuthParameters::parse(header)
///             .ok()?
///             .get("oauth_consumer_key")
///             .map(str::to_owned),
///         AuthorizationScheme::Discogs => match DiscogsAuth::parse_header(header).ok()? {
///             DiscogsAuth::KeySecret(consumer) => Some(consumer.key.as_str().to_owned()),
///             _ => None,
///         },
///         // A scheme a later version reads.
///         _ => None,
///     }
/// }
///
/// assert_eq!(consumer_key(r#"oauth oauth_consumer_key="k1""#).as_deref(), Some("k1"));
/// assert_eq!(consumer_key("Discogs key=k2, secret=s2").as_deref(), Some("k2"));
/// assert_eq!(consumer_key("Bearer abc"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthorizationScheme {
    /// `OAuth` (RFC 5849 §3.5.1): read a request with
    /// [`SignedRequest::from_request`](crate::SignedRequest::from_request), or the header
    /// alone with [`OAuthParameters::parse`](crate::OAuthParameters::parse).
    OAuth,
    /// `Discogs`, Discogs Auth's own: read it with
    /// [`DiscogsAuth::parse_header`](crate::DiscogsAuth::parse_header).
    Discogs,
}

impl AuthorizationScheme {
    /// The scheme `header` starts with (after any whitespace), or `None` for a scheme this
    /// crate does not read, or none.
    pub fn of(header: &str) -> Option<Self> {
        [Self::OAuth, Self::Discogs]
            .into_iter()
            .find(|known| known.strip_from(header).is_some())
    }

    /// What follows this scheme in `header`, from the whitespace after it on (empty when
    /// nothing does), if `header` starts with it (after any whitespace, in any case).
    ///
    /// Only the scheme's own bytes and the one after them are read: a header is never
    /// scanned for where an unknown scheme ends.
    pub(crate) fn strip_from(self, header: &str) -> Option<&str> {
        let name = self.name();
        let start = header
            .bytes()
            .take_while(|&byte| is_whitespace(byte))
            .count();
        let end = start + name.len();
        let named = header.as_bytes().get(start..end)?;
        if !named.eq_ignore_ascii_case(name.as_bytes()) {
            return None;
        }
        // Always there: the name is ASCII, so `end` is a character boundary.
        let rest = header.get(end..)?;
        rest.bytes()
            .next()
            .is_none_or(is_whitespace)
            .then_some(rest)
    }

    /// The scheme's name, as this crate writes it: `OAuth` or `Discogs`.
    pub fn name(self) -> &'static str {
        match self {
            Self::OAuth => "OAuth",
            Self::Discogs => "Discogs",
        }
    }
}

impl fmt::Display for AuthorizationScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whitespace around a scheme and between parameters. CR and LF count, as in the multi-line
/// layout of the Discogs docs; `http::HeaderValue` never holds them, so they matter only for
/// text parsed directly.
pub(crate) fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_told_apart_in_any_case_after_whitespace() {
        for (header, expected) in [
            (
                "OAuth oauth_consumer_key=\"k\"",
                Some(AuthorizationScheme::OAuth),
            ),
            ("oauth a=1", Some(AuthorizationScheme::OAuth)),
            (" \tOAUTH", Some(AuthorizationScheme::OAuth)),
            ("Discogs token=abc", Some(AuthorizationScheme::Discogs)),
            (
                "discogs\tkey=a, secret=b",
                Some(AuthorizationScheme::Discogs),
            ),
            ("DISCOGS", Some(AuthorizationScheme::Discogs)),
            // A longer word is another scheme, not these with a suffix.
            ("OAuthx a=1", None),
            ("Discogs2 token=abc", None),
            ("OAut a=1", None),
            ("Bearer abc", None),
            ("Basic dXNlcjpwYXNz", None),
            ("token=abc", None),
            ("", None),
            ("   ", None),
        ] {
            assert_eq!(AuthorizationScheme::of(header), expected, "{header:?}");
        }
    }

    #[test]
    fn the_scheme_is_stripped_up_to_the_whitespace_after_it() {
        use AuthorizationScheme::{Discogs, OAuth};
        for (scheme, header, expected) in [
            (OAuth, "  OAuth a=\"1\"", Some(" a=\"1\"")),
            (OAuth, "\r\noauth\r\n a=1", Some("\r\n a=1")),
            (Discogs, "Discogs\ttoken=x", Some("\ttoken=x")),
            (OAuth, "OAuth", Some("")),
            (OAuth, "Discogs token=x", None),
            (Discogs, "OAuth a=1", None),
            // Neither a longer word nor a shorter one, nor one after other characters.
            (OAuth, "OAuthé a=1", None),
            (OAuth, "OAuth,a=1", None),
            (OAuth, "OAut", None),
            (OAuth, "\u{a0}OAuth a=1", None),
            (OAuth, "éOAuth a=1", None),
            (OAuth, " \r\n", None),
            (OAuth, "", None),
        ] {
            assert_eq!(
                scheme.strip_from(header),
                expected,
                "{scheme} in {header:?}"
            );
        }
    }

    #[test]
    fn names_and_display_are_the_written_names() {
        assert_eq!(AuthorizationScheme::OAuth.name(), "OAuth");
        assert_eq!(AuthorizationScheme::Discogs.to_string(), "Discogs");
    }
}
