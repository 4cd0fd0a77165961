//! Percent-encoding (RFC 5849 §3.6) and `application/x-www-form-urlencoded` parsing.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~` (RFC 5849 §3.6).
pub const OAUTH_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whether `byte` is left as it is by [`percent_encode`].
pub(crate) fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `value` as RFC 5849 §3.6 requires: UTF-8, uppercase hex, only
/// `A-Z a-z 0-9 - . _ ~` left as they are (a space is `%20`, never `+`).
///
/// ```
/// use discogs_auth_core::encoding::percent_encode;
/// assert_eq!(percent_encode("a b&c=d~é"), "a%20b%26c%3Dd~%C3%A9");
/// ```
pub fn percent_encode(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, OAUTH_ENCODE_SET).into()
}

/// A percent-encoded value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` not followed by two hexadecimal digits.
    #[error("a '%' is not followed by two hexadecimal digits")]
    BadPercentEscape,
    /// The decoded bytes are not UTF-8.
    #[error("the decoded value is not UTF-8")]
    NotUtf8,
}

/// Strictly decodes a percent-encoded value (`+` stays `+`): every `%` must start a valid escape
/// and the result must be UTF-8.
///
/// ```
/// use discogs_auth_core::encoding::{percent_decode, DecodeError};
/// assert_eq!(percent_decode("kd94hf93k423kf44%26").unwrap(), "kd94hf93k423kf44&");
/// assert_eq!(percent_decode("100%"), Err(DecodeError::BadPercentEscape));
/// ```
pub fn percent_decode(value: &str) -> Result<Cow<'_, str>, DecodeError> {
    let bytes = value.as_bytes();
    let mut index = 0;
    while let Some(offset) = bytes[index..].iter().position(|&b| b == b'%') {
        let escape = index + offset;
        let valid = bytes
            .get(escape + 1..escape + 3)
            .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit));
        if !valid {
            return Err(DecodeError::BadPercentEscape);
        }
        index = escape + 3;
    }
    match percent_encoding::percent_decode_str(value).decode_utf8() {
        Ok(decoded) => Ok(decoded),
        Err(_) => Err(DecodeError::NotUtf8),
    }
}

/// Decodes one name or value of form data: `+` is a space, `%XX` escapes are decoded (a `%`
/// that starts no valid escape stays as it is, as every form parser does), and the result must
/// be UTF-8.
fn decode_form_component(raw: &[u8]) -> Result<String, FormError> {
    let spaced: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|&byte| if byte == b'+' { b' ' } else { byte })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode(&spaced).into();
    String::from_utf8(decoded.into_owned()).map_err(|_| FormError::NotUtf8)
}

/// Decoded `application/x-www-form-urlencoded` pairs (a reply body, a query string, a callback),
/// in their original order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormPairs(Vec<(String, String)>);

/// A form or query string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The bytes are not UTF-8.
    #[error("the form data is not UTF-8")]
    NotUtf8,
    /// A parameter appears more than once where only one is allowed.
    #[error("parameter `{name}` appears more than once")]
    Duplicate {
        /// The parameter's name.
        name: String,
    },
}

impl FormPairs {
    /// Parses form data (`+` is a space, escapes decoded). Invalid UTF-8 is refused rather than
    /// replaced, so nothing is silently changed.
    ///
    /// ```
    /// use discogs_auth_core::encoding::FormPairs;
    /// let pairs = FormPairs::parse(b"oauth_token=abc123&oauth_token_secret=xyz789").unwrap();
    /// assert_eq!(pairs.unique("oauth_token").unwrap(), Some("abc123"));
    /// ```
    pub fn parse(input: &[u8]) -> Result<Self, FormError> {
        let pairs = input
            .split(|&byte| byte == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
                    Some(equals) => (&pair[..equals], &pair[equals + 1..]),
                    None => (pair, &[][..]),
                };
                Ok((decode_form_component(name)?, decode_form_component(value)?))
            })
            .collect::<Result<_, FormError>>()?;
        Ok(Self(pairs))
    }

    /// The single value of `name`: `None` when absent, an error when repeated.
    pub fn unique(&self, name: &str) -> Result<Option<&str>, FormError> {
        let mut values = self.0.iter().filter(|(key, _)| key == name);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(FormError::Duplicate {
                name: name.to_owned(),
            });
        }
        Ok(first)
    }

    /// All pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value: only the unreserved set is left as it is, the rest is `%XX` uppercase.
    #[test]
    fn encode_set_over_all_bytes() {
        for byte in 0u8..=255 {
            let encoded: String =
                percent_encoding::percent_encode(&[byte], OAUTH_ENCODE_SET).collect();
            if is_unreserved(byte) {
                assert_eq!(encoded, char::from(byte).to_string());
            } else {
                assert_eq!(encoded, format!("%{byte:02X}"));
            }
        }
        assert_eq!(
            (0u8..=255).filter(|&b| is_unreserved(b)).count(),
            26 + 26 + 10 + 4
        );
    }

    #[test]
    fn rfc5849_encoding_examples() {
        // RFC 5849 §3.4.1.3.2 example values.
        assert_eq!(percent_encode("Ho Ho Ho!"), "Ho%20Ho%20Ho%21");
        assert_eq!(percent_encode("a2=r b"), "a2%3Dr%20b");
        assert_eq!(percent_encode("="), "%3D");
        assert_eq!(percent_encode("☃"), "%E2%98%83");
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(percent_decode("a%20b+c").unwrap(), "a b+c");
        assert_eq!(percent_decode("%zz"), Err(DecodeError::BadPercentEscape));
        assert_eq!(percent_decode("%2"), Err(DecodeError::BadPercentEscape));
        assert_eq!(percent_decode("%FF"), Err(DecodeError::NotUtf8));
        assert_eq!(percent_decode("%E2%98%83").unwrap(), "☃");
    }

    #[test]
    fn form_parsing() {
        let pairs = FormPairs::parse(b"a=1&b=x+y%21&a=2&flag").unwrap();
        assert_eq!(
            pairs.iter().collect::<Vec<_>>(),
            [("a", "1"), ("b", "x y!"), ("a", "2"), ("flag", "")]
        );
        assert_eq!(pairs.unique("b").unwrap(), Some("x y!"));
        assert_eq!(pairs.unique("missing").unwrap(), None);
        assert_eq!(
            pairs.unique("a"),
            Err(FormError::Duplicate { name: "a".into() })
        );
        assert_eq!(FormPairs::parse(b"a=\xff"), Err(FormError::NotUtf8));
        assert_eq!(FormPairs::parse(b"a=%ff"), Err(FormError::NotUtf8));
        assert_eq!(
            FormPairs::parse("a=\u{FFFD}".as_bytes())
                .unwrap()
                .unique("a")
                .unwrap(),
            Some("\u{FFFD}")
        );
        // An encoded U+FFFD is valid UTF-8 like any other character.
        assert_eq!(
            FormPairs::parse(b"a=%EF%BF%BD")
                .unwrap()
                .unique("a")
                .unwrap(),
            Some("\u{FFFD}")
        );
        // A stray `%` stays as it is; empty segments are skipped.
        assert_eq!(
            FormPairs::parse(b"&q=100%&&r=%2").unwrap().into_vec(),
            [
                ("q".to_owned(), "100%".to_owned()),
                ("r".to_owned(), "%2".to_owned())
            ]
        );
    }
}
