//! Signature methods (RFC 5849 §3.4): PLAINTEXT and HMAC-SHA1, and the signature base string.

use std::fmt;

use http::{Method, Uri};

use crate::encoding::{FormError, FormPairs, percent_encode};

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The request URI has no scheme or host.
    #[error("the request URI must be absolute (scheme and host)")]
    NotAbsoluteUri,
    /// The request URI's scheme is neither `http` nor `https`.
    #[error("the request URI's scheme must be http or https")]
    UnsupportedScheme,
    /// The query string does not decode to UTF-8 name/value pairs.
    #[error("the query string cannot be signed: {0}")]
    MalformedQuery(FormError),
    /// The `application/x-www-form-urlencoded` body does not decode to UTF-8 name/value pairs.
    #[error("the form body cannot be signed: {0}")]
    MalformedFormBody(FormError),
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
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return Err(SigningError::NotAbsoluteUri);
    };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(SigningError::UnsupportedScheme),
    };
    let mut out = String::with_capacity(scheme.len() + host.len() + uri.path().len() + 10);
    out.push_str(&scheme);
    out.push_str("://");
    out.push_str(&host.to_ascii_lowercase());
    if let Some(port) = uri.port_u16().filter(|&port| port != default_port) {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push_str(if uri.path().is_empty() {
        "/"
    } else {
        uri.path()
    });
    Ok(out)
}

#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
/// The parameters a signature covers (RFC 5849 §3.4.1.3): the `oauth_*` protocol parameters
/// (without `oauth_signature` and `realm`), the decoded query, and the decoded body when it is
/// `application/x-www-form-urlencoded` (`form_body` is `None` otherwise).
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
    format!(
        "{}&{}",
        percent_encode(consumer_secret),
        percent_encode(token_secret.unwrap_or(""))
    )
}

/// What a signature covers, for methods that need the base string.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) struct SignatureBase<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub protocol_parameters: &'a [(&'a str, &'a str)],
    pub form_body: Option<&'a [u8]>,
}

/// The `oauth_signature` value (before header encoding).
pub(crate) fn compute_signature(
    method: SignatureMethod,
    base: &SignatureBase<'_>,
    consumer_secret: &str,
    token_secret: Option<&str>,
) -> Result<String, SigningError> {
    let key = signing_key(consumer_secret, token_secret);
    match method {
        SignatureMethod::Plaintext => {
            // The base string is not signed, but a URI that could not be signed by HMAC is still
            // refused so both methods accept the same requests.
            base_string_uri(base.uri)?;
            Ok(key)
        }
        #[cfg(feature = "hmac-sha1")]
        SignatureMethod::HmacSha1 => {
            let base_string = base_string_for(base)?;
            Ok(hmac_sha1_base64(key.as_bytes(), base_string.as_bytes()))
        }
    }
}

/// The signature base string of a request about to be signed or verified.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) fn base_string_for(base: &SignatureBase<'_>) -> Result<String, SigningError> {
    let uri = base_string_uri(base.uri)?;
    let parameters = collect_signed_parameters(
        base.uri,
        base.protocol_parameters.iter().copied(),
        base.form_body,
    )?;
    Ok(signature_base_string(base.method, &uri, &parameters))
}

#[cfg(feature = "hmac-sha1")]
fn hmac_sha1_base64(key: &[u8], message: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit as _, Mac as _};
    // HMAC accepts keys of any length, so construction cannot fail.
    let Ok(mut mac) = hmac::Hmac::<sha1::Sha1>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
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
