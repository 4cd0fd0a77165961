//! Signature methods (RFC 5849 §3.4): PLAINTEXT and HMAC-SHA1, and the signature base string.

use std::fmt;
use std::ops::Range;

use http::{Method, Uri};

#[cfg(test)]
use crate::encoding::FormPairs;
use crate::encoding::{
    FormError, cmp_encoded, encoded_len, encoded_twice_len, percent_encode, push_encoded,
    push_encoded_twice, push_form_decoded, raw_form_pairs,
};

/// How requests are signed.
///
/// Discogs recommends PLAINTEXT over HTTPS; HMAC-SHA1 (the `hmac-sha1` feature, on by default)
/// never sends the secrets, even in encoded form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `PLAINTEXT` (RFC 5849 §3.4.4): the signature is `enc(consumer_secret)&enc(token_secret)`.
    #[default]
    Plaintext,
    /// `HMAC-SHA1` (RFC 5849 §3.4.2) over the signature base string.
    #[cfg(feature = "hmac-sha1")]
    HmacSha1,
}

impl SignatureMethod {
    /// The `oauth_signature_method` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plaintext => "PLAINTEXT",
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1 => "HMAC-SHA1",
        }
    }

    /// The method named by an `oauth_signature_method` value, if this build supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "PLAINTEXT" => Some(Self::Plaintext),
            #[cfg(feature = "hmac-sha1")]
            "HMAC-SHA1" => Some(Self::HmacSha1),
            _ => None,
        }
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request could not be put into the form a signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The request URI has no scheme or host.
    NotAbsoluteUri,
    /// The request URI's scheme is neither `http` nor `https`.
    UnsupportedScheme,
    /// The query string does not decode to UTF-8 name/value pairs.
    MalformedQuery(FormError),
    /// The `application/x-www-form-urlencoded` body does not decode to UTF-8 name/value pairs.
    MalformedFormBody(FormError),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAbsoluteUri => {
                f.write_str("the request URI must be absolute (scheme and host)")
            }
            Self::UnsupportedScheme => {
                f.write_str("the request URI's scheme must be http or https")
            }
            Self::MalformedQuery(error) => write!(f, "the query string cannot be signed: {error}"),
            Self::MalformedFormBody(error) => write!(f, "the form body cannot be signed: {error}"),
        }
    }
}

impl std::error::Error for SigningError {}

/// The parts of a base string URI (RFC 5849 §3.4.1.2), checked but not yet written out.
struct BaseUri<'a> {
    scheme: &'static str,
    host: &'a str,
    port: Option<u16>,
    path: &'a str,
}

impl<'a> BaseUri<'a> {
    fn of(uri: &'a Uri) -> Result<Self, SigningError> {
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return Err(SigningError::NotAbsoluteUri);
        };
        let (scheme, default_port) = Self::scheme(scheme)?;
        Ok(Self {
            scheme,
            host,
            port: uri.port_u16().filter(|&port| port != default_port),
            path: if uri.path().is_empty() {
                "/"
            } else {
                uri.path()
            },
        })
    }

    /// The scheme as the base string writes it, and its default port.
    fn scheme(scheme: &str) -> Result<(&'static str, u16), SigningError> {
        if scheme.eq_ignore_ascii_case("http") {
            Ok(("http", 80))
        } else if scheme.eq_ignore_ascii_case("https") {
            Ok(("https", 443))
        } else {
            Err(SigningError::UnsupportedScheme)
        }
    }

    /// Hands the URI to `push` piece by piece (lowercase host, port only when not the
    /// default), so that it can be written out plain or percent-encoded without an
    /// intermediate string.
    fn write(&self, mut push: impl FnMut(&str)) {
        push(self.scheme);
        push("://");
        if self.host.bytes().any(|byte| byte.is_ascii_uppercase()) {
            push(&self.host.to_ascii_lowercase());
        } else {
            push(self.host);
        }
        if let Some(port) = self.port {
            let mut digits = [0; 20];
            push(":");
            push(decimal(port.into(), &mut digits));
        }
        push(self.path);
    }
}

/// `value` in decimal, written into `digits` (no allocation, no formatting machinery).
pub(crate) fn decimal(mut value: u64, digits: &mut [u8; 20]) -> &str {
    let mut start = digits.len();
    loop {
        start -= 1;
        // `value % 10` is below 10, so the cast is exact.
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&digits[start..]).unwrap_or_default()
}

/// The base string URI (RFC 5849 §3.4.1.2): lowercase scheme and host, default port omitted,
/// no query or fragment.
///
/// ```
/// use discogs_auth_core::signature::base_string_uri;
/// let uri = "HTTP://EXAMPLE.com:80/r%20v/X?id=123".parse().unwrap();
/// assert_eq!(base_string_uri(&uri).unwrap(), "http://example.com/r%20v/X");
/// ```
pub fn base_string_uri(uri: &Uri) -> Result<String, SigningError> {
    let base = BaseUri::of(uri)?;
    let mut out = String::with_capacity(base.host.len() + base.path.len() + 16);
    base.write(|piece| out.push_str(piece));
    Ok(out)
}

#[cfg(test)]
/// The parameters a signature covers (RFC 5849 §3.4.1.3): the `oauth_*` protocol parameters
/// (without `oauth_signature` and `realm`), the decoded query, and the decoded body when it is
/// `application/x-www-form-urlencoded` (`form_body` is `None` otherwise).
///
/// The reference definition: signing itself goes through [`write_base_string`], which reads the
/// same parameters without an owned string per parameter (the tests hold the two equal).
pub(crate) fn collect_signed_parameters<'a>(
    uri: &Uri,
    protocol_parameters: impl Iterator<Item = (&'a str, &'a str)>,
    form_body: Option<&[u8]>,
) -> Result<Vec<(String, String)>, SigningError> {
    let mut parameters: Vec<(String, String)> = protocol_parameters
        .filter(|(name, _)| *name != "oauth_signature")
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    if let Some(query) = uri.query() {
        let pairs = FormPairs::parse(query.as_bytes()).map_err(SigningError::MalformedQuery)?;
        parameters.extend(pairs.into_vec());
    }
    if let Some(body) = form_body {
        let pairs = FormPairs::parse(body).map_err(SigningError::MalformedFormBody)?;
        parameters.extend(pairs.into_vec());
    }
    Ok(parameters)
}

/// The signature base string (RFC 5849 §3.4.1): `METHOD&enc(base URI)&enc(normalized params)`,
/// the parameters encoded, then sorted by name and by value.
pub fn signature_base_string(
    method: &Method,
    base_uri: &str,
    parameters: &[(String, String)],
) -> String {
    let mut encoded: Vec<(String, String)> = parameters
        .iter()
        .map(|(name, value)| {
            (
                percent_encode(name).into_owned(),
                percent_encode(value).into_owned(),
            )
        })
        .collect();
    encoded.sort_unstable();
    let mut normalized = String::with_capacity(
        encoded
            .iter()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum(),
    );
    for (index, (name, value)) in encoded.iter().enumerate() {
        if index > 0 {
            normalized.push('&');
        }
        normalized.push_str(name);
        normalized.push('=');
        normalized.push_str(value);
    }
    let method = method.as_str().to_ascii_uppercase();
    format!(
        "{}&{}&{}",
        percent_encode(&method),
        percent_encode(base_uri),
        percent_encode(&normalized)
    )
}

/// The signing key (RFC 5849 §3.4.2, §3.4.4): `enc(consumer_secret)&enc(token_secret)`, the
/// token secret empty when there is no token yet.
pub(crate) fn signing_key(consumer_secret: &str, token_secret: Option<&str>) -> String {
    let token_secret = token_secret.unwrap_or("");
    let mut key = Vec::with_capacity(3 * (consumer_secret.len() + token_secret.len()) + 1);
    push_encoded(&mut key, consumer_secret.as_bytes());
    key.push(b'&');
    push_encoded(&mut key, token_secret.as_bytes());
    // Percent-encoding leaves only ASCII, so this never falls back.
    String::from_utf8(key).unwrap_or_default()
}

/// What a signature covers, for methods that need the base string.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) struct SignatureBase<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub protocol_parameters: &'a [(&'a str, &'a str)],
    pub form_body: Option<&'a [u8]>,
}

/// A computed `oauth_signature`, kept in the form that is cheapest to write out: the header
/// builder encodes it straight into the header, verification compares it in place.
pub(crate) enum Signature<'a> {
    /// PLAINTEXT: the signing key itself, `enc(consumer_secret)&enc(token_secret)`.
    Plaintext {
        consumer_secret: &'a str,
        token_secret: &'a str,
    },
    /// HMAC-SHA1: the base64 of the 20-byte MAC, always 28 ASCII characters.
    #[cfg(feature = "hmac-sha1")]
    HmacSha1([u8; 28]),
}

impl Signature<'_> {
    /// How many bytes [`Signature::push_header_encoded`] writes.
    pub(crate) fn header_len(&self) -> usize {
        match self {
            Self::Plaintext {
                consumer_secret,
                token_secret,
            } => {
                encoded_twice_len(consumer_secret.as_bytes())
                    + "%26".len()
                    + encoded_twice_len(token_secret.as_bytes())
            }
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => encoded_len(base64),
        }
    }

    /// Appends the signature percent-encoded, as the header carries it. For PLAINTEXT that
    /// encodes the key a second time, so its `&` appears as `%26`.
    pub(crate) fn push_header_encoded(&self, out: &mut Vec<u8>) {
        match self {
            Self::Plaintext {
                consumer_secret,
                token_secret,
            } => {
                push_encoded_twice(out, consumer_secret.as_bytes());
                out.extend_from_slice(b"%26");
                push_encoded_twice(out, token_secret.as_bytes());
            }
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => push_encoded(out, base64),
        }
    }

    /// Whether `given` (a decoded `oauth_signature`) is this signature, compared in constant
    /// time ([`secrets_equal`](crate::secrets_equal)); an HMAC is compared in place, without
    /// building a string.
    pub(crate) fn matches(&self, given: &str) -> bool {
        match self {
            Self::Plaintext { .. } => crate::provider::secrets_equal(&self.to_value(), given),
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => std::str::from_utf8(base64)
                .is_ok_and(|expected| crate::provider::secrets_equal(expected, given)),
        }
    }

    /// The signature as the `oauth_signature` value (decoded).
    pub(crate) fn to_value(&self) -> String {
        match self {
            Self::Plaintext {
                consumer_secret,
                token_secret,
            } => signing_key(consumer_secret, Some(token_secret)),
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => String::from_utf8_lossy(base64).into_owned(),
        }
    }
}

/// Signs what `base` describes with `method`.
pub(crate) fn sign<'a>(
    method: SignatureMethod,
    base: &SignatureBase<'_>,
    consumer_secret: &'a str,
    token_secret: Option<&'a str>,
) -> Result<Signature<'a>, SigningError> {
    match method {
        SignatureMethod::Plaintext => {
            ensure_signable(base.uri)?;
            Ok(Signature::Plaintext {
                consumer_secret,
                token_secret: token_secret.unwrap_or(""),
            })
        }
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1 => {
            let token_secret_value = token_secret.unwrap_or("");
            let key_len = [consumer_secret, token_secret_value]
                .iter()
                .map(|secret| encoded_len(secret.as_bytes()))
                .sum::<usize>()
                + 1;
            // The key goes after the base string in the same buffer: one allocation for both,
            // sized exactly (`write_base_string` reserves its own length, plus this).
            let mut buffer = Vec::new();
            write_base_string(&mut buffer, base, key_len)?;
            let base_len = buffer.len();
            push_encoded(&mut buffer, consumer_secret.as_bytes());
            buffer.push(b'&');
            push_encoded(&mut buffer, token_secret_value.as_bytes());
            debug_assert_eq!(
                buffer.len() - base_len,
                key_len,
                "the key's length is exact"
            );
            let (message, key) = buffer.split_at(base_len);
            Ok(Signature::HmacSha1(hmac_sha1_base64(
                keyed_hmac(key),
                message,
            )))
        }
    }
}

/// Refuses a URI that HMAC-SHA1 could not sign. PLAINTEXT does not sign the base string, but
/// refuses the same URIs so that both methods accept the same requests.
///
/// Answers as [`BaseUri::of`] does without finding the host and port: `Uri::host` is `Some`
/// exactly when the authority is.
fn ensure_signable(uri: &Uri) -> Result<(), SigningError> {
    let (Some(scheme), Some(_)) = (uri.scheme_str(), uri.authority()) else {
        return Err(SigningError::NotAbsoluteUri);
    };
    BaseUri::scheme(scheme).map(drop)
}

/// The signing secrets of one consumer and token, worked out once for many requests.
///
/// PLAINTEXT's signature does not depend on the request, so nothing is kept here (the caller
/// keeps the signature itself); for HMAC-SHA1 this is the keyed MAC state, which saves deriving
/// the key (two to four SHA-1 compressions) on every request. It is as secret as the secrets
/// themselves, so it has no `Debug`.
#[derive(Clone)]
pub(crate) enum PreparedKey {
    /// PLAINTEXT: nothing to prepare.
    Plaintext,
    /// HMAC-SHA1: the MAC keyed with `enc(consumer_secret)&enc(token_secret)`.
    #[cfg(feature = "hmac-sha1")]
    HmacSha1(hmac::Hmac<sha1::Sha1>),
}

impl PreparedKey {
    /// Prepares `method`'s key for these secrets.
    #[cfg_attr(not(feature = "hmac-sha1"), allow(unused_variables))]
    pub(crate) fn new(method: SignatureMethod, consumer_secret: &str, token_secret: &str) -> Self {
        match method {
            SignatureMethod::Plaintext => Self::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1 => Self::HmacSha1(keyed_hmac(
                signing_key(consumer_secret, Some(token_secret)).as_bytes(),
            )),
        }
    }

    /// Signs what `base` describes, as [`sign`] would with the secrets this was prepared
    /// from; `None` for PLAINTEXT, whose signature is the same for every request.
    pub(crate) fn sign(
        &self,
        base: &SignatureBase<'_>,
    ) -> Result<Option<Signature<'static>>, SigningError> {
        match self {
            Self::Plaintext => ensure_signable(base.uri).map(|()| None),
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(keyed) => {
                let mut message = Vec::new();
                write_base_string(&mut message, base, 0)?;
                Ok(Some(Signature::HmacSha1(hmac_sha1_base64(
                    keyed.clone(),
                    &message,
                ))))
            }
        }
    }
}

/// The signature base string of a request about to be signed or verified (the reference
/// definition, as [`collect_signed_parameters`]).
#[cfg(test)]
pub(crate) fn base_string_for(base: &SignatureBase<'_>) -> Result<String, SigningError> {
    let uri = base_string_uri(base.uri)?;
    let parameters = collect_signed_parameters(
        base.uri,
        base.protocol_parameters.iter().copied(),
        base.form_body,
    )?;
    Ok(signature_base_string(base.method, &uri, &parameters))
}

/// Query or form-body pairs decoded into one buffer, each pair a pair of ranges into it: one
/// allocation for all of them instead of two strings per pair.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Default)]
struct DecodedPairs {
    text: Vec<u8>,
    pairs: Vec<(Range<usize>, Range<usize>)>,
}

#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
impl DecodedPairs {
    fn with_capacity(bytes: usize, pairs: usize) -> Self {
        Self {
            text: Vec::with_capacity(bytes),
            pairs: Vec::with_capacity(pairs),
        }
    }

    /// Decodes the pairs of `input` as [`FormPairs::parse`] does, not yet checking UTF-8.
    fn push_form(&mut self, input: &[u8]) {
        for (name, value) in raw_form_pairs(input) {
            let name_start = self.text.len();
            push_form_decoded(&mut self.text, name);
            let value_start = self.text.len();
            push_form_decoded(&mut self.text, value);
            self.pairs
                .push((name_start..value_start, value_start..self.text.len()));
        }
    }

    /// The pairs as text; `Err(index)` names the first pair that is not UTF-8 (the same pair
    /// `FormPairs::parse` would stop at: every component is checked on its own, in order).
    fn strs(&self) -> impl Iterator<Item = Result<(&str, &str), usize>> {
        self.pairs.iter().enumerate().map(|(index, (name, value))| {
            let text = |range: &Range<usize>| {
                std::str::from_utf8(&self.text[range.clone()]).map_err(|_| index)
            };
            Ok((text(name)?, text(value)?))
        })
    }
}

/// Appends the signature base string (RFC 5849 §3.4.1) of `base` to `out`, as
/// [`signature_base_string`] would build it from [`collect_signed_parameters`], but writing
/// every parameter doubly encoded in place, sorted without encoding them first
/// ([`cmp_encoded`]), and with the query and body decoded into one buffer.
///
/// `extra_capacity` more bytes are reserved for what the caller appends next.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) fn write_base_string(
    out: &mut Vec<u8>,
    base: &SignatureBase<'_>,
    extra_capacity: usize,
) -> Result<(), SigningError> {
    let base_uri = BaseUri::of(base.uri)?;
    let query = base.uri.query().unwrap_or_default().as_bytes();
    let body = base.form_body.unwrap_or_default();
    let count_pairs = |input: &[u8]| input.iter().filter(|&&byte| byte == b'&').count() + 1;
    let mut decoded = if query.is_empty() && body.is_empty() {
        DecodedPairs::default()
    } else {
        DecodedPairs::with_capacity(
            query.len() + body.len(),
            count_pairs(query) + count_pairs(body),
        )
    };
    let sized = (decoded.text.capacity(), decoded.pairs.capacity());
    decoded.push_form(query);
    let query_pairs = decoded.pairs.len();
    decoded.push_form(body);
    debug_assert_eq!(
        sized,
        (decoded.text.capacity(), decoded.pairs.capacity()),
        "decoding never outgrows the buffers sized for it"
    );

    let mut parameters: Vec<(&str, &str)> =
        Vec::with_capacity(base.protocol_parameters.len() + decoded.pairs.len());
    parameters.extend(
        base.protocol_parameters
            .iter()
            .filter(|(name, _)| *name != "oauth_signature"),
    );
    for pair in decoded.strs() {
        parameters.push(pair.map_err(|index| {
            if index < query_pairs {
                SigningError::MalformedQuery(FormError::NotUtf8)
            } else {
                SigningError::MalformedFormBody(FormError::NotUtf8)
            }
        })?);
    }
    parameters.sort_unstable_by(|(name_a, value_a), (name_b, value_b)| {
        cmp_encoded(name_a.as_bytes(), name_b.as_bytes())
            .then_with(|| cmp_encoded(value_a.as_bytes(), value_b.as_bytes()))
    });

    let method = base.method.as_str();
    let upper;
    let method = if method.bytes().any(|byte| byte.is_ascii_lowercase()) {
        upper = method.to_ascii_uppercase();
        upper.as_str()
    } else {
        method
    };
    // The exact length, so that the buffer is allocated once and no larger than needed.
    let mut len = encoded_len(method.as_bytes()) + 2 + 3 * parameters.len().saturating_sub(1);
    base_uri.write(|piece| len += encoded_len(piece.as_bytes()));
    len += parameters
        .iter()
        .map(|(name, value)| {
            encoded_twice_len(name.as_bytes()) + "%3D".len() + encoded_twice_len(value.as_bytes())
        })
        .sum::<usize>();
    out.reserve(len + extra_capacity);
    let start = out.len();
    push_encoded(out, method.as_bytes());
    out.push(b'&');
    base_uri.write(|piece| push_encoded(out, piece.as_bytes()));
    out.push(b'&');
    for (index, (name, value)) in parameters.iter().enumerate() {
        if index > 0 {
            out.extend_from_slice(b"%26");
        }
        push_encoded_twice(out, name.as_bytes());
        out.extend_from_slice(b"%3D");
        push_encoded_twice(out, value.as_bytes());
    }
    debug_assert_eq!(out.len() - start, len, "the base string's length is exact");
    Ok(())
}

/// HMAC-SHA1 keyed with `key`, before any message.
#[cfg(feature = "hmac-sha1")]
fn keyed_hmac(key: &[u8]) -> hmac::Hmac<sha1::Sha1> {
    use hmac::KeyInit as _;
    // HMAC accepts keys of any length, so construction cannot fail.
    let Ok(mac) = hmac::Hmac::<sha1::Sha1>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac
}

/// The base64 of the MAC of `message`, continuing from `keyed`.
#[cfg(feature = "hmac-sha1")]
fn hmac_sha1_base64(mut keyed: hmac::Hmac<sha1::Sha1>, message: &[u8]) -> [u8; 28] {
    use hmac::Mac as _;
    keyed.update(message);
    let digest: [u8; 20] = keyed.finalize().into_bytes().into();
    base64_20(&digest)
}

/// Standard base64 (RFC 4648 §4, with padding) of a 20-byte MAC: 28 characters, the last `=`.
///
/// A dozen lines here rather than the `base64` crate: this one fixed-size encoding is all the
/// core needs, and the crate was a dependency (and a compile) of every build.
#[cfg(feature = "hmac-sha1")]
fn base64_20(digest: &[u8; 20]) -> [u8; 28] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = [b'='; 28];
    // Six whole groups of three bytes, then the last two bytes: three characters and `=`.
    for (group, chars) in digest.chunks(3).zip(out.chunks_mut(4)) {
        let bits = group.iter().enumerate().fold(0u32, |bits, (index, &byte)| {
            bits | u32::from(byte) << (16 - 8 * index)
        });
        for (index, char) in chars.iter_mut().enumerate().take(group.len() + 1) {
            *char = ALPHABET[((bits >> (18 - 6 * index)) & 0x3f) as usize];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1's example request, with its exact base string.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn rfc5849_section_3_4_1_base_string() {
        let uri: Uri = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
            .parse()
            .unwrap();
        let protocol = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "ignored"),
        ];
        let base = SignatureBase {
            method: &Method::POST,
            uri: &uri,
            protocol_parameters: &protocol,
            form_body: Some(b"c2&a3=2+q"),
        };
        assert_eq!(
            base_string_for(&base).unwrap(),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
        let mut one_pass = Vec::new();
        write_base_string(&mut one_pass, &base, 0).unwrap();
        assert_eq!(one_pass, base_string_for(&base).unwrap().as_bytes());
    }

    /// `write_base_string` (the hot path) against the reference definition
    /// (`collect_signed_parameters` + `signature_base_string`): same string, same errors.
    mod one_pass_base_string {
        use super::*;
        use proptest::prelude::*;

        fn component() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9._~ +&=!*|é]{0,8}",
                "([a-z%+]|%[0-9A-Fa-f]{2}|%[Ff][Ff]){0,6}",
            ]
        }

        fn query() -> impl Strategy<Value = String> {
            proptest::collection::vec((component(), component()), 0..4).prop_map(|pairs| {
                pairs
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("&")
            })
        }

        proptest! {
            #[test]
            fn matches_the_reference(
                method in prop_oneof![Just("GET"), Just("post"), Just("Patch")],
                host in "[a-zA-Z]{1,8}(\\.[a-z]{2,3})?",
                port in prop_oneof![Just(None), (1u16..).prop_map(Some)],
                scheme in prop_oneof![Just("http"), Just("HTTPS"), Just("ftp")],
                path in "(/[a-zA-Z0-9%._~-]{0,6}){0,3}",
                query in proptest::option::of(query()),
                protocol in proptest::collection::vec(
                    (prop_oneof![Just("oauth_signature".to_owned()), component()], component()),
                    0..6,
                ),
                body in proptest::option::of(query()),
            ) {
                let port = port.map(|port| format!(":{port}")).unwrap_or_default();
                let query = query.map(|query| format!("?{}", query.replace(['%', ' ', '|', 'é'], "")))
                    .unwrap_or_default();
                let Ok(uri) = format!("{scheme}://{host}{port}{path}{query}").parse::<Uri>() else {
                    return Ok(());
                };
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                let protocol: Vec<(&str, &str)> =
                    protocol.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
                let base = SignatureBase {
                    method: &method,
                    uri: &uri,
                    protocol_parameters: &protocol,
                    form_body: body.as_deref().map(str::as_bytes),
                };
                let mut fast = Vec::new();
                let fast = write_base_string(&mut fast, &base, 0)
                    .map(|()| String::from_utf8(fast).unwrap());
                prop_assert_eq!(fast, base_string_for(&base));
            }

            #[test]
            fn undecodable_queries_and_bodies_are_refused_alike(
                query in "([a-z=&]|%[0-9A-F]{2}){0,8}",
                body in proptest::collection::vec(any::<u8>(), 0..12),
            ) {
                let Ok(uri) = format!("https://example.com/?{query}").parse::<Uri>() else {
                    return Ok(());
                };
                let base = SignatureBase {
                    method: &Method::POST,
                    uri: &uri,
                    protocol_parameters: &[("oauth_nonce", "n")],
                    form_body: Some(&body),
                };
                let mut fast = Vec::new();
                let fast = write_base_string(&mut fast, &base, 0)
                    .map(|()| String::from_utf8(fast).unwrap());
                prop_assert_eq!(fast, base_string_for(&base));
            }
        }
    }

    #[test]
    fn base_string_uri_normalisation() {
        let cases = [
            (
                "https://www.example.net:8080/?q=1",
                "https://www.example.net:8080/",
            ),
            (
                "https://API.Discogs.com:443/oauth/identity",
                "https://api.discogs.com/oauth/identity",
            ),
            (
                "http://127.0.0.1:41234/oauth/request_token",
                "http://127.0.0.1:41234/oauth/request_token",
            ),
            ("http://example.com", "http://example.com/"),
        ];
        for (input, expected) in cases {
            assert_eq!(base_string_uri(&input.parse().unwrap()).unwrap(), expected);
        }
        assert_eq!(
            base_string_uri(&"/relative".parse().unwrap()),
            Err(SigningError::NotAbsoluteUri)
        );
        assert_eq!(
            base_string_uri(&"ftp://example.com/".parse().unwrap()),
            Err(SigningError::UnsupportedScheme)
        );
    }

    #[test]
    fn signing_key_encodes_both_secrets() {
        assert_eq!(signing_key("kd94hf93k423kf44", None), "kd94hf93k423kf44&");
        assert_eq!(signing_key("a&b", Some("c d")), "a%26b&c%20d");
    }

    /// RFC 4648 §10's vectors, and the RFC 5849 signature, through the 20-byte encoder.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn base64_of_twenty_bytes() {
        let digest = |hex: &str| -> [u8; 20] {
            std::array::from_fn(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        };
        // MdpQcU8iPSUjWoN/UDMsK2sui9I= is RFC 5849 §1.2's HMAC-SHA1 signature.
        let rfc = digest("31da50714f223d25235a837f50332c2b6b2e8bd2");
        assert_eq!(&base64_20(&rfc), b"MdpQcU8iPSUjWoN/UDMsK2sui9I=");
        assert_eq!(&base64_20(&[0; 20]), b"AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assert_eq!(&base64_20(&[0xff; 20]), b"//////////////////////////8=");
        let counting: [u8; 20] = std::array::from_fn(|i| i as u8 * 13);
        assert_eq!(&base64_20(&counting), b"AA0aJzRBTltodYKPnKm2w9Dd6vc=");
    }

    #[test]
    fn method_names_round_trip() {
        assert_eq!(
            SignatureMethod::from_name("PLAINTEXT"),
            Some(SignatureMethod::Plaintext)
        );
        #[cfg(feature = "hmac-sha1")]
        assert_eq!(
            SignatureMethod::from_name("HMAC-SHA1"),
            Some(SignatureMethod::HmacSha1)
        );
        assert_eq!(SignatureMethod::from_name("RSA-SHA1"), None);
        assert_eq!(SignatureMethod::from_name("plaintext"), None);
    }
}
