//! Signature methods (RFC 5849 §3.4): PLAINTEXT and HMAC-SHA1, and the signature base string.

use std::fmt;

use http::{Method, Uri};

use crate::base_string::SignatureBase;
#[cfg(feature = "hmac-sha1")]
use crate::base_string::{ProtocolTemplate, write_base_string};
use crate::credentials::{ConsumerSecret, TokenSecret};
#[cfg(test)]
use crate::encoding::FormPairs;
use crate::encoding::{FormError, KnownText, bytes_difference, find_either, percent_encode};
#[cfg(feature = "hmac-sha1")]
use crate::encoding::{encoded_len, push_encoded};

/// How requests are signed.
///
/// Discogs recommends PLAINTEXT over HTTPS; HMAC-SHA1 never sends the secrets, even in
/// encoded form, and exists only with the `hmac-sha1` feature (of this crate or of an
/// adapter). Written by its OAuth name everywhere (`Display`, and with the `serde` feature,
/// serialized), and read by it in any ASCII case (`FromStr`, and deserialized).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `PLAINTEXT` (RFC 5849 §3.4.4): the signature is `enc(consumer_secret)&enc(token_secret)`.
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "PLAINTEXT"))]
    Plaintext,
    /// `HMAC-SHA1` (RFC 5849 §3.4.2) over the signature base string.
    #[cfg(feature = "hmac-sha1")]
    #[cfg_attr(feature = "serde", serde(rename = "HMAC-SHA1"))]
    HmacSha1,
}

impl SignatureMethod {
    /// The methods this build signs with.
    const SUPPORTED: &[Self] = &[
        Self::Plaintext,
        #[cfg(feature = "hmac-sha1")]
        Self::HmacSha1,
    ];

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

    /// Writes "expected " and the methods this build supports, and how to get HMAC-SHA1 when
    /// `given` names it and this build leaves it out.
    fn write_supported(f: &mut fmt::Formatter<'_>, given: &str) -> fmt::Result {
        f.write_str("expected ")?;
        for (at, method) in Self::SUPPORTED.iter().enumerate() {
            if at > 0 {
                f.write_str(" or ")?;
            }
            f.write_str(method.as_str())?;
        }
        if !cfg!(feature = "hmac-sha1") && given.eq_ignore_ascii_case("HMAC-SHA1") {
            f.write_str(" (HMAC-SHA1 needs the hmac-sha1 feature)")?;
        }
        Ok(())
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a method from its name, in any ASCII case, as a setting would give it. The wire is
/// stricter: a provider reads `oauth_signature_method` with [`SignatureMethod::from_name`].
///
/// ```
/// use discogs_auth_core::SignatureMethod;
/// assert_eq!("plaintext".parse(), Ok(SignatureMethod::Plaintext));
/// # #[cfg(feature = "hmac-sha1")] {
/// assert_eq!("HMAC-SHA1".parse(), Ok(SignatureMethod::HmacSha1));
/// assert_eq!(
///     "RSA-SHA1".parse::<SignatureMethod>().unwrap_err().to_string(),
///     "unknown signature method \"RSA-SHA1\": expected PLAINTEXT or HMAC-SHA1"
/// );
/// # }
/// ```
impl std::str::FromStr for SignatureMethod {
    type Err = UnknownSignatureMethod;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::SUPPORTED
            .iter()
            .copied()
            .find(|method| method.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownSignatureMethod::new(name))
    }
}

/// Read as `FromStr` reads it: a setting in any case, and the same message for a name this
/// build does not know.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SignatureMethod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// A signature method name that [`SignatureMethod`]'s `FromStr` does not know, or that this
/// build leaves out (`HMAC-SHA1` without the `hmac-sha1` feature); also the
/// `oauth_signature_method` of a request a provider cannot verify
/// ([`VerifyError::UnsupportedSignatureMethod`](crate::VerifyError::UnsupportedSignatureMethod)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSignatureMethod {
    name: String,
}

impl UnknownSignatureMethod {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
        }
    }

    /// The name as it was given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes the name, quoted and escaped (it may hold anything), and what was expected.
    pub(crate) fn write_name_and_expected(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: ", self.name)?;
        SignatureMethod::write_supported(f, &self.name)
    }
}

impl fmt::Display for UnknownSignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown signature method ")?;
        self.write_name_and_expected(f)
    }
}

impl std::error::Error for UnknownSignatureMethod {}

/// A request could not be put into the form a signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The request URI has no scheme or host.
    NotAbsoluteUri,
    /// The request URI's scheme is neither `http` nor `https`.
    UnsupportedScheme,
    /// The request URI's port is not a number from 0 to 65535 (`http` parses `host:99999`
    /// and `host:8a`, but they name no port a base string could hold).
    InvalidPort,
    /// The query string does not decode to UTF-8 name/value pairs.
    MalformedQuery(FormError),
    /// The `application/x-www-form-urlencoded` body does not decode to UTF-8 name/value pairs.
    MalformedFormBody(FormError),
    /// A protocol parameter (`oauth_token`, `oauth_signature`, …) is already in the query or
    /// the form body. Signing puts them in the `Authorization` header, and RFC 5849 §3.5 sends
    /// them one way only: a provider refuses the second copy, or reads the wrong one.
    ProtocolParameterOutsideHeader {
        /// The parameter.
        name: &'static str,
    },
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
            Self::InvalidPort => {
                f.write_str("the request URI's port must be a number from 0 to 65535")
            }
            Self::MalformedQuery(error) => write!(f, "the query string cannot be signed: {error}"),
            Self::MalformedFormBody(error) => write!(f, "the form body cannot be signed: {error}"),
            Self::ProtocolParameterOutsideHeader { name } => write!(
                f,
                "`{name}` is in the query or the form body; signing sends the OAuth parameters \
                 in the Authorization header only"
            ),
        }
    }
}

impl std::error::Error for SigningError {}

/// The parts of a base string URI (RFC 5849 §3.4.1.2), checked but not yet written out.
pub(crate) struct BaseUri<'a> {
    /// With its `://`, so that both are written as one piece.
    scheme: &'static str,
    host: &'a str,
    port: Option<u16>,
    path: &'a str,
}

impl<'a> BaseUri<'a> {
    pub(crate) fn of(uri: &'a Uri) -> Result<Self, SigningError> {
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(SigningError::NotAbsoluteUri);
        };
        let (scheme, default_port) = Self::scheme(scheme)?;
        let authority = authority.as_str();
        // An authority with no user information, port or IP literal is the host alone (as
        // API hosts are): `Uri::host` would parse it again.
        let (host, port) = if is_host_alone(authority) {
            (authority, None)
        } else {
            (uri.host().unwrap_or(authority), authority_port(authority)?)
        };
        Ok(Self {
            scheme,
            host,
            port: port.filter(|&port| port != default_port),
            path: Self::path_of(uri),
        })
    }

    /// Whether `other` is on the same origin: scheme, host in any case, and port (a default
    /// port written or not).
    pub(crate) fn same_origin(&self, other: &BaseUri<'_>) -> bool {
        self.scheme == other.scheme
            && self.host.eq_ignore_ascii_case(other.host)
            && self.port == other.port
    }

    /// The scheme as the base string writes it, with `://`, and its default port.
    fn scheme(scheme: &str) -> Result<(&'static str, u16), SigningError> {
        // `http` parses both standard schemes whatever their case and spells them in
        // lowercase (`HTTPS://…` has the scheme `https`), so they are compared exactly.
        match scheme {
            "https" => Ok(("https://", 443)),
            "http" => Ok(("http://", 80)),
            _ => Err(SigningError::UnsupportedScheme),
        }
    }

    /// Hands the URI to `push` piece by piece (lowercase host, port only when not the
    /// default), so that it can be written out plain or percent-encoded without an
    /// intermediate string.
    pub(crate) fn write(&self, mut push: impl FnMut(&str)) {
        self.write_origin(&mut push);
        push(self.path);
    }

    /// At least as long as what [`Self::write`] hands out, without writing it.
    pub(crate) fn len_at_most(&self) -> usize {
        let port = if self.port.is_some() {
            ":65535".len()
        } else {
            0
        };
        self.scheme.len() + self.host.len() + port + self.path.len()
    }

    /// [`Self::write`] up to the path: `scheme://host[:port]`.
    pub(crate) fn write_origin(&self, mut push: impl FnMut(&str)) {
        push(self.scheme);
        if self.host.bytes().any(|byte| byte.is_ascii_uppercase()) {
            push(&self.host.to_ascii_lowercase());
        } else {
            push(self.host);
        }
        if let Some(port) = self.port {
            push(":");
            push(itoa::Buffer::new().format(port));
        }
    }

    /// The path a base string URI ends with: the URI's, or `/` when it has none.
    pub(crate) fn path_of(uri: &Uri) -> &str {
        if uri.path().is_empty() {
            "/"
        } else {
            uri.path()
        }
    }
}

/// The base string URI (RFC 5849 §3.4.1.2): lowercase scheme and host, default port omitted,
/// no query or fragment.
///
/// ```
/// use discogs_auth_core::signature::base_string_uri;
/// let uri = "HTTP://EXAMPLE.com:80/r%20v/X?id=123".parse().unwrap();
/// assert_eq!(base_string_uri(&uri).unwrap(), "http://example.com/r%20v/X");
/// ```
///
/// # Errors
///
/// [`SigningError::NotAbsoluteUri`] without a scheme and host,
/// [`SigningError::UnsupportedScheme`] for a scheme other than `http` or `https`,
/// [`SigningError::InvalidPort`] for a port that is no number from 0 to 65535.
pub fn base_string_uri(uri: &Uri) -> Result<String, SigningError> {
    let base = BaseUri::of(uri)?;
    let mut out = String::with_capacity(base.host.len() + base.path.len() + 16);
    base.write(|piece| out.push_str(piece));
    Ok(out)
}

#[cfg(test)]
/// The parameters a signature covers (RFC 5849 §3.4.1.3): the `oauth_*` protocol parameters
/// (without `realm`), the decoded query, and the decoded body when it is
/// `application/x-www-form-urlencoded` (`form_body` is `None` otherwise); then, from all of
/// them, `oauth_signature` is left out (§3.4.1.3.1).
///
/// The reference definition: signing itself goes through [`write_base_string`], which reads the
/// same parameters without an owned string per parameter (the tests hold the two equal).
pub(crate) fn collect_signed_parameters<'a>(
    uri: &Uri,
    protocol_parameters: impl Iterator<Item = (&'a str, &'a str)>,
    form_body: Option<&[u8]>,
) -> Result<Vec<(String, String)>, SigningError> {
    let mut parameters: Vec<(String, String)> = protocol_parameters
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
    parameters.retain(|(name, _)| name != "oauth_signature");
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
#[cfg(feature = "hmac-sha1")]
pub(crate) fn signing_key(
    consumer_secret: &ConsumerSecret,
    token_secret: Option<&TokenSecret>,
) -> String {
    signing_key_pieces(consumer_secret, token_secret).concat()
}

/// The signing key in the order it is written: `enc(consumer_secret)`, `&`, `enc(token_secret)`.
#[cfg(feature = "hmac-sha1")]
fn signing_key_pieces<'a>(
    consumer_secret: &'a ConsumerSecret,
    token_secret: Option<&'a TokenSecret>,
) -> [&'a str; 3] {
    let [consumer, token] = encoded_secrets(consumer_secret, token_secret);
    [consumer.text, "&", token.text]
}

/// A computed `oauth_signature`, kept in the form that is cheapest to write out: the header
/// builder encodes it straight into the header, verification compares it in place.
pub(crate) enum Signature<'a> {
    /// PLAINTEXT: the signing key itself, `enc(consumer_secret)&enc(token_secret)`, the
    /// token secret empty when there is no token yet.
    Plaintext {
        consumer_secret: &'a ConsumerSecret,
        token_secret: Option<&'a TokenSecret>,
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
                let [consumer, token] = encoded_secrets(consumer_secret, *token_secret);
                consumer.encoded_len() + "%26".len() + token.encoded_len()
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
                let [consumer, token] = encoded_secrets(consumer_secret, *token_secret);
                consumer.push_encoded(out);
                out.extend_from_slice(b"%26");
                token.push_encoded(out);
            }
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => push_encoded(out, base64),
        }
    }

    /// Whether `given` (a decoded `oauth_signature`) is this signature, compared in constant
    /// time ([`secrets_equal`](crate::secrets_equal)), in place: neither the MAC's base64 nor
    /// the PLAINTEXT secrets are written into a string for it.
    pub(crate) fn matches(&self, given: &str) -> bool {
        match self {
            Self::Plaintext {
                consumer_secret,
                token_secret,
            } => {
                let [consumer, token] = encoded_secrets(consumer_secret, *token_secret);
                plaintext_matches(consumer.text, token.text, given)
            }
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1(base64) => std::str::from_utf8(base64)
                .is_ok_and(|expected| crate::provider::secrets_equal(expected, given)),
        }
    }
}

/// `enc(consumer_secret)` and `enc(token_secret)`, the latter empty without a token: the
/// halves of a signing key, and of a PLAINTEXT signature, which the header encodes once more
/// (a copy when the secret had nothing to encode).
fn encoded_secrets<'a>(
    consumer_secret: &'a ConsumerSecret,
    token_secret: Option<&'a TokenSecret>,
) -> [KnownText<'a>; 2] {
    [
        consumer_secret.encoded(),
        token_secret.map_or(KnownText::unreserved(""), TokenSecret::encoded),
    ]
}

/// Whether `given` is `encoded_consumer&encoded_token`, compared as
/// [`crate::provider::secrets_equal`] compares, without writing the signature out.
fn plaintext_matches(encoded_consumer: &str, encoded_token: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    let (consumer, token) = (encoded_consumer.as_bytes(), encoded_token.as_bytes());
    // Another length is told apart at once, as `secrets_equal` does: lengths are not secret,
    // the header shows them.
    if given.len() != consumer.len() + 1 + token.len() {
        return false;
    }
    let (given_consumer, rest) = given.as_bytes().split_at(consumer.len());
    let Some((&separator, given_token)) = rest.split_first() else {
        return false;
    };
    let difference = bytes_difference(consumer, given_consumer)
        | u64::from(separator ^ b'&')
        | bytes_difference(token, given_token);
    difference.ct_eq(&0).into()
}

/// Signs what `base` describes with `method`.
pub(crate) fn sign<'a>(
    method: SignatureMethod,
    base: &SignatureBase<'_>,
    consumer_secret: &'a ConsumerSecret,
    token_secret: Option<&'a TokenSecret>,
) -> Result<Signature<'a>, SigningError> {
    match method {
        SignatureMethod::Plaintext => {
            ensure_signable(base.uri)?;
            Ok(Signature::Plaintext {
                consumer_secret,
                token_secret,
            })
        }
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1 => {
            let key = signing_key_pieces(consumer_secret, token_secret);
            // The key goes after the base string in the same buffer: one allocation for both,
            // sized once (`write_base_string` reserves room for itself, plus this).
            let mut buffer = Vec::new();
            write_base_string(&mut buffer, base, key.iter().map(|piece| piece.len()).sum())?;
            let base_len = buffer.len();
            for piece in key {
                buffer.extend_from_slice(piece.as_bytes());
            }
            let (message, key) = buffer.split_at(base_len);
            Ok(Signature::HmacSha1(hmac_sha1_base64(
                keyed_hmac(key),
                message,
            )))
        }
    }
}

/// Whether an authority holds no user information, port or IP literal: nothing but a host.
fn is_host_alone(authority: &str) -> bool {
    !authority
        .bytes()
        .any(|byte| matches!(byte, b'@' | b':' | b'['))
}

/// The port an authority names: `None` when it names none or leaves it empty (RFC 3986
/// §3.2.3: the scheme's default). `http` parses any text after the host's `:`, and its
/// `port_u16` reads what is not a port as no port at all: a signature over the URI without it
/// would cover another URI than the one requested. An authority without a host (`:8080`,
/// `user@`) is [`SigningError::NotAbsoluteUri`].
///
/// The host ends where `Uri::host` (and so the base string) ends it: an IP literal at its `]`,
/// a name at its first `:`. Whatever follows must be a port: text after a literal
/// (`[::1]evil`), or a `[` inside a name (`a[::1]:80`, whose host `http` reads as `a[`), is no
/// port, and read otherwise it would drop from the signed URI what the host did not take.
pub(crate) fn authority_port(authority: &str) -> Result<Option<u16>, SigningError> {
    // Every signature asks: one search, eight bytes a step, for what comes before any port.
    if find_either(authority.as_bytes(), b':', b'[').is_none() {
        return if authority.is_empty() || authority.ends_with('@') {
            Err(SigningError::NotAbsoluteUri)
        } else {
            Ok(None)
        };
    }
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host_and_port)| host_and_port);
    let host_len = if host_and_port.starts_with('[') {
        host_and_port
            .find(']')
            .map_or(host_and_port.len(), |end| end + 1)
    } else {
        let name_len = host_and_port.find(':').unwrap_or(host_and_port.len());
        // A bracket in a name (`a[b]`, or `]` after user information `[@]`) is no host a
        // base string could hold, and the text after it no port.
        if host_and_port[..name_len].contains(['[', ']']) {
            return Err(SigningError::InvalidPort);
        }
        name_len
    };
    if host_len == 0 {
        return Err(SigningError::NotAbsoluteUri);
    }
    let after_host = &host_and_port[host_len..];
    let Some(port) = after_host.strip_prefix(':') else {
        return if after_host.is_empty() {
            Ok(None)
        } else {
            Err(SigningError::InvalidPort)
        };
    };
    if port.is_empty() {
        return Ok(None);
    }
    if !port.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(SigningError::InvalidPort);
    }
    port.parse()
        .map(Some)
        .map_err(|_| SigningError::InvalidPort)
}

/// Refuses a URI that HMAC-SHA1 could not sign. PLAINTEXT does not sign the base string, but
/// refuses the same URIs so that both methods accept the same scheme, host and port. Only
/// HMAC-SHA1 decodes the query and a form body, and refuses one whose parameters do not decode
/// to UTF-8 (`?q=caf%E9`).
///
/// Answers as [`BaseUri::of`] does without finding the host: `Uri::host` is `Some` exactly
/// when the authority is.
fn ensure_signable(uri: &Uri) -> Result<(), SigningError> {
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(SigningError::NotAbsoluteUri);
    };
    BaseUri::scheme(scheme)?;
    authority_port(authority.as_str()).map(drop)
}

/// What signing many requests with one consumer and token shares, worked out once.
///
/// PLAINTEXT's signature does not depend on the request, so nothing is kept here (the caller
/// keeps the signature itself). For HMAC-SHA1 this is the keyed MAC state, which saves deriving
/// the key (two to four SHA-1 compressions) on every request, and the protocol parameters
/// written as the base string holds them. The MAC state is as secret as the secrets
/// themselves, so this has no `Debug`.
#[derive(Clone)]
pub(crate) enum PreparedKey {
    /// PLAINTEXT: nothing to prepare.
    Plaintext,
    /// HMAC-SHA1: the MAC keyed with `enc(consumer_secret)&enc(token_secret)`, and the
    /// protocol parameters but the nonce and timestamp.
    #[cfg(feature = "hmac-sha1")]
    HmacSha1 {
        keyed: hmac::Hmac<sha1::Sha1>,
        protocol: ProtocolTemplate,
    },
}

impl PreparedKey {
    /// Prepares `method`'s key for these secrets, and for HMAC-SHA1 the template of the
    /// `protocol` parameters every request carries (its nonce and timestamp are slots) and the
    /// base string's start for requests to `api_origin`'s scheme and authority.
    #[cfg_attr(not(feature = "hmac-sha1"), allow(unused_variables))]
    pub(crate) fn new(
        method: SignatureMethod,
        consumer_secret: &ConsumerSecret,
        token_secret: &TokenSecret,
        protocol: &[(&'static str, &str)],
        api_origin: Option<&Uri>,
    ) -> Self {
        match method {
            SignatureMethod::Plaintext => Self::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1 => Self::HmacSha1 {
                keyed: keyed_hmac(signing_key(consumer_secret, Some(token_secret)).as_bytes()),
                protocol: ProtocolTemplate::new(protocol).with_origin(api_origin),
            },
        }
    }

    /// Signs what `base` describes (whose protocol parameters are the prepared ones with this
    /// `nonce` and `timestamp`), as [`sign`] would with the secrets this was prepared from;
    /// `None` for PLAINTEXT, whose signature is the same for every request.
    #[cfg_attr(not(feature = "hmac-sha1"), allow(unused_variables))]
    pub(crate) fn sign(
        &self,
        base: &SignatureBase<'_>,
        nonce: &str,
        timestamp: &str,
    ) -> Result<Option<Signature<'static>>, SigningError> {
        match self {
            Self::Plaintext => ensure_signable(base.uri).map(|()| None),
            #[cfg(feature = "hmac-sha1")]
            Self::HmacSha1 { keyed, protocol } => {
                let mut message = Vec::new();
                let base = SignatureBase {
                    written_protocol: Some(protocol.fill(nonce, timestamp)),
                    ..*base
                };
                write_base_string(&mut message, &base, 0)?;
                Ok(Some(Signature::HmacSha1(hmac_sha1_base64(
                    keyed.clone(),
                    &message,
                ))))
            }
        }
    }
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
            ("HTTPS://Example.com/", "https://example.com/"),
            ("hTtP://example.com/", "http://example.com/"),
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

    /// User information, ports (default or not) and IP literals take `http`'s parsing; every
    /// other authority is the host alone. Either way the host is `http`'s, and so is a port
    /// that is one.
    #[test]
    fn base_uri_host_and_port_are_those_of_http() {
        let cases = [
            ("https://api.discogs.com/", "api.discogs.com", None),
            ("https://API.discogs.com/", "API.discogs.com", None),
            ("https://api.discogs.com:443/", "api.discogs.com", None),
            (
                "https://api.discogs.com:8443/",
                "api.discogs.com",
                Some(8443),
            ),
            (
                "http://user:pass@example.com:8080/",
                "example.com",
                Some(8080),
            ),
            ("http://user@example.com/", "example.com", None),
            ("http://[::1]:8080/", "[::1]", Some(8080)),
            ("http://[::1]/", "[::1]", None),
            ("http://127.0.0.1:80/", "127.0.0.1", None),
            ("http://127.0.0.1:/", "127.0.0.1", None),
            ("http://127.0.0.1:0443/", "127.0.0.1", Some(443)),
            ("http://u:p@[::1]:/", "[::1]", None),
            ("http://example.com:65535/", "example.com", Some(65535)),
            ("http://example.com:0/", "example.com", Some(0)),
        ];
        for (input, host, port) in cases {
            let uri: Uri = input.parse().unwrap();
            let base = BaseUri::of(&uri).unwrap();
            assert_eq!((base.host, base.port), (host, port), "{input}");
            assert_eq!(base.host, uri.host().unwrap(), "{input}");
            assert_eq!(
                authority_port(uri.authority().unwrap().as_str()),
                Ok(uri.port_u16()),
                "{input}"
            );
        }
    }

    /// `http` parses these, and reads each as having no port (or `+80` as 80): signed so, the
    /// request would be signed as another URI. Both methods refuse them alike.
    #[test]
    fn ports_that_are_not_numbers_up_to_65535_are_refused() {
        for input in [
            "http://example.com:65536/",
            "http://example.com:99999/",
            "http://example.com:8a/",
            "http://example.com:+80/",
            "http://example.com:-1/",
            "http://u:p@example.com:x/",
            "http://[::1]:99999/",
            "http://[::1]x/",
        ] {
            let uri: Uri = input.parse().unwrap();
            assert_eq!(
                uri.port_u16(),
                input.contains("+80").then_some(80),
                "{input}"
            );
            assert_both_methods_refuse(input, SigningError::InvalidPort);
        }
        assert_eq!(
            SigningError::InvalidPort.to_string(),
            "the request URI's port must be a number from 0 to 65535"
        );
    }

    /// Text after an IP literal, or a `[` in a name (whose host `http` ends at its first `:`),
    /// is no port: read past, it would drop from the signed URI (`http://[127.0.0.1]/x`,
    /// `http://a[:8765/x`), and a base on `[1.2.3.4]` would take `[1.2.3.4]evil` for its own.
    #[test]
    fn brackets_anywhere_but_around_the_host_are_refused() {
        for input in [
            "http://[127.0.0.1]o/x",
            "https://[1.2.3.4]evil/",
            "http://a[::1]:8765/x",
            "http://u@a[::1]:8765/x",
            "http://a[b]/x",
            "http://[@]/x",
        ] {
            assert_both_methods_refuse(input, SigningError::InvalidPort);
        }
    }

    /// An authority with a port but no host is a URI without a host, which no base string
    /// can hold (`http:///` would not even parse again).
    #[test]
    fn an_empty_host_is_refused() {
        for input in ["http://:/", "https://:8080/x", "http://u@:80/"] {
            assert_both_methods_refuse(input, SigningError::NotAbsoluteUri);
        }
        // The authority alone, as an endpoint's base URL is checked (`http` parses no
        // `http://u@/`), with or without a `:`.
        for authority in ["", "u@", "u:p@", ":80"] {
            assert_eq!(
                authority_port(authority),
                Err(SigningError::NotAbsoluteUri),
                "{authority}"
            );
        }
    }

    /// HMAC-SHA1 (writing the base string URI) and PLAINTEXT (checking the URI it would sign)
    /// refuse `input` alike.
    fn assert_both_methods_refuse(input: &str, expected: SigningError) {
        let uri: Uri = input.parse().unwrap();
        assert_eq!(base_string_uri(&uri), Err(expected.clone()), "{input}");
        assert_eq!(ensure_signable(&uri), Err(expected), "{input}");
    }

    fn consumer_secret(secret: &str) -> ConsumerSecret {
        ConsumerSecret::new(secret).unwrap()
    }

    fn token_secret(secret: &str) -> TokenSecret {
        TokenSecret::new(secret).unwrap()
    }

    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn signing_key_encodes_both_secrets() {
        assert_eq!(
            signing_key(&consumer_secret("kd94hf93k423kf44"), None),
            "kd94hf93k423kf44&"
        );
        assert_eq!(
            signing_key(&consumer_secret("a&b"), Some(&token_secret("c d"))),
            "a%26b&c%20d"
        );
    }

    /// A PLAINTEXT signature is checked against the secrets as the header would carry them
    /// decoded: each secret percent-encoded, joined by one `&`, nothing more or less.
    #[test]
    fn plaintext_matches_only_the_encoded_secrets() {
        let matches = |consumer: &str, token: &str, given| {
            let token = (!token.is_empty()).then(|| token_secret(token));
            Signature::Plaintext {
                consumer_secret: &consumer_secret(consumer),
                token_secret: token.as_ref(),
            }
            .matches(given)
        };
        assert!(matches(
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            "kd94hf93k423kf44&pfkkdhi9sl3r4s00"
        ));
        assert!(matches("kd94hf93k423kf44", "", "kd94hf93k423kf44&"));
        assert!(matches("a&b", "c d~é", "a%26b&c%20d~%C3%A9"));
        for wrong in [
            "a%26b&c%20d~%C3%A8",
            "a%26b&c%20d~%c3%a9",
            "a%26b%26c%20d~%C3%A9",
            "a%26b=c%20d~%C3%A9",
            "a%26b&c%20d~%C3%A9&",
            "a%26b&c%20d~%C3%A",
            "a&b&c d~é",
            "a%26b",
            "",
        ] {
            assert!(!matches("a&b", "c d~é", wrong), "{wrong:?}");
        }
        // Differences in separate parts must not cancel out: here two parts are each one bit
        // off, the same bit (`'` is `&` with its low bit flipped).
        for wrong in ["ac&ac", "ac'ab", "ab'ac"] {
            assert!(!matches("ab", "ab", wrong), "{wrong:?}");
        }
        assert!(!matches("kd94hf93k423kf44", "", "kd94hf93k423kf44"));
        assert!(!matches("kd94hf93k423kf44", "", "kd94hf93k423kf45&"));
    }

    /// A prepared HMAC-SHA1 key signs with its protocol template, filled with the nonce and
    /// timestamp given: the same signature as the one-off path over the whole list, even when
    /// the list passed along (used only when a request parameter sorts among the protocol
    /// ones) says otherwise.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn a_prepared_key_signs_with_its_template() {
        let uri: Uri = "http://photos.example.net/photos?file=vacation.jpg&size=original"
            .parse()
            .unwrap();
        let fixed = [
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_token", "nnch734d00sl2jdk"),
        ];
        let mut protocol = fixed.to_vec();
        protocol.extend([("oauth_nonce", "chapoH"), ("oauth_timestamp", "137131202")]);
        let base = |protocol_parameters| SignatureBase {
            method: &Method::GET,
            uri: &uri,
            protocol_parameters,
            form_body: None,
            written_protocol: None,
        };
        let Ok(Signature::HmacSha1(one_off)) = sign(
            SignatureMethod::HmacSha1,
            &base(&protocol),
            &consumer_secret("kd94hf93k423kf44"),
            Some(&token_secret("pfkkdhi9sl3r4s00")),
        ) else {
            panic!("HMAC-SHA1 signs")
        };
        // RFC 5849 §1.2's signature of this request.
        assert_eq!(&one_off, b"MdpQcU8iPSUjWoN/UDMsK2sui9I=");
        let prepared = PreparedKey::new(
            SignatureMethod::HmacSha1,
            &consumer_secret("kd94hf93k423kf44"),
            &token_secret("pfkkdhi9sl3r4s00"),
            &fixed,
            None,
        );
        let Ok(Some(Signature::HmacSha1(templated))) = prepared.sign(
            &base(&[("oauth_nonce", "not this one")]),
            "chapoH",
            "137131202",
        ) else {
            panic!("HMAC-SHA1 signs")
        };
        assert_eq!(templated, one_off);
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

    /// A setting names a method in any case; every method reads back from its own name, and
    /// a name this build cannot sign with is an error that says which names it can.
    #[test]
    fn methods_parse_from_settings() {
        let methods = [
            SignatureMethod::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1,
        ];
        for method in methods {
            assert_eq!(method.as_str().parse(), Ok(method));
            assert_eq!(method.as_str().to_ascii_lowercase().parse(), Ok(method));
        }
        assert_eq!("Plaintext".parse(), Ok(SignatureMethod::Plaintext));
        let unknown = " PLAINTEXT".parse::<SignatureMethod>().unwrap_err();
        assert_eq!(unknown.name(), " PLAINTEXT");
        let hmac = "HMAC-SHA1".parse::<SignatureMethod>();
        let rsa = "RSA-SHA1\n".parse::<SignatureMethod>().unwrap_err();
        #[cfg(feature = "hmac-sha1")]
        {
            assert_eq!(hmac, Ok(SignatureMethod::HmacSha1));
            assert_eq!(
                rsa.to_string(),
                r#"unknown signature method "RSA-SHA1\n": expected PLAINTEXT or HMAC-SHA1"#
            );
        }
        #[cfg(not(feature = "hmac-sha1"))]
        {
            assert_eq!(
                hmac.unwrap_err().to_string(),
                r#"unknown signature method "HMAC-SHA1": expected PLAINTEXT (HMAC-SHA1 needs the hmac-sha1 feature)"#
            );
            assert_eq!(
                rsa.to_string(),
                r#"unknown signature method "RSA-SHA1\n": expected PLAINTEXT"#
            );
        }
    }
}
