//! The provider side: read and verify a signed request, as Discogs (or a local stand-in) does.
//!
//! Verification covers the signature only. Replay protection (remembering nonces) and the
//! timestamp window are the provider's policy; [`SignedRequest::timestamp`] and
//! [`SignedRequest::nonce`] give it what it needs.

use std::borrow::Cow;
use std::fmt;

use http::header::{AUTHORIZATION, HOST};
use http::uri::Authority;
use http::{Method, Request, StatusCode, Uri};
use subtle::ConstantTimeEq;

use crate::base_string::SignatureBase;
use crate::credentials::{ConsumerSecret, TokenSecret};
use crate::encoding::{RedactedUri, bytes_difference, decimal_digits};
use crate::endpoints::ApiBase;
use crate::freshness::{FreshnessError, MAX_NONCE_LEN, Timestamp};
use crate::oauth::sign::signed_form_body;
use crate::oauth_header::{OAuthHeaderError, OAuthParameters, Protocol, protocol_parameter_in};
use crate::signature::{
    SignatureMethod, SigningError, UnknownSignatureMethod, authority_port, sign,
};

/// A signed request could not be read or its signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// There is no `Authorization` header.
    MissingAuthorization,
    /// There is more than one `Authorization` header.
    MultipleAuthorization,
    /// The `Authorization` header is not readable as OAuth.
    Header(OAuthHeaderError),
    /// A required protocol parameter is missing.
    MissingParameter {
        /// The parameter.
        name: &'static str,
    },
    /// `oauth_signature_method` names a method this build does not verify (HMAC-SHA1 needs
    /// the `hmac-sha1` feature). The error holds the name as the request sent it.
    UnsupportedSignatureMethod(UnknownSignatureMethod),
    /// `oauth_version` is present and is not `1.0`.
    UnsupportedVersion,
    /// `oauth_timestamp` is not a whole number of seconds, or is past the year 9999.
    InvalidTimestamp,
    /// `oauth_nonce` is empty or longer than [`MAX_NONCE_LEN`] characters.
    ///
    /// Any other text is a valid nonce (RFC 5849 §3.3 sets no alphabet): a provider reads the
    /// base64 nonces of other clients, `+`, `/` and `=` included.
    InvalidNonce(FreshnessError),
    /// A protocol parameter (`oauth_token`, `oauth_signature`, …) is in the query or the form
    /// body. RFC 5849 §3.5 sends them one way only, and this provider reads them from the
    /// `Authorization` header: a second copy elsewhere could name another token than the one
    /// verified, to code that reads the query.
    ProtocolParameterOutsideHeader {
        /// The parameter.
        name: &'static str,
    },
    /// The request URI is relative and there is no usable `Host` header to rebuild it.
    MissingHost,
    /// The request target is neither a path nor an absolute URI: the asterisk form
    /// (`OPTIONS *`) or the authority form (`CONNECT host:443`), which name no resource a
    /// signature could cover.
    UnsupportedTarget,
    /// The request cannot be put in the form the signature covers.
    Signing(SigningError),
    /// The signature does not match the request and the secrets.
    SignatureMismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAuthorization => f.write_str("the request has no Authorization header"),
            Self::MultipleAuthorization => {
                f.write_str("the request has more than one Authorization header")
            }
            Self::Header(error) => fmt::Display::fmt(error, f),
            Self::MissingParameter { name } => write!(f, "the OAuth header has no `{name}`"),
            Self::UnsupportedSignatureMethod(method) => {
                f.write_str("unsupported oauth_signature_method ")?;
                method.write_name_and_expected(f)
            }
            Self::UnsupportedVersion => f.write_str("unsupported oauth_version (only 1.0)"),
            Self::InvalidTimestamp => {
                f.write_str("oauth_timestamp is not a whole number of seconds")
            }
            Self::InvalidNonce(error) => write!(f, "invalid oauth_nonce: {error}"),
            Self::ProtocolParameterOutsideHeader { name } => write!(
                f,
                "`{name}` is in the query or the form body; OAuth parameters belong in the \
                 Authorization header only"
            ),
            Self::MissingHost => {
                f.write_str("the request URI is relative and the Host header is missing or invalid")
            }
            Self::UnsupportedTarget => {
                f.write_str("the request target is neither a path nor an absolute URI")
            }
            Self::Signing(error) => fmt::Display::fmt(error, f),
            Self::SignatureMismatch => f.write_str("the signature does not match"),
        }
    }
}

impl VerifyError {
    /// The status to refuse the request with, as RFC 5849 §3.2 sorts refusals: 400 Bad
    /// Request for a request that is malformed or incomplete (an unreadable or repeated header,
    /// a missing or misplaced parameter, an unsupported method or version, a URI that cannot
    /// be signed), 401 Unauthorized for credentials that do not hold (none at all, a signature
    /// that does not match, an unusable nonce or timestamp). The refusals a provider finds
    /// itself (an unknown consumer key or token, a reused nonce, a timestamp outside its
    /// window) are 401 too. Discogs itself answers some 400s of this list with 401.
    ///
    /// ```
    /// use discogs_auth_core::{SignedRequest, VerifyError, http::{Request, StatusCode}};
    /// let unsigned = Request::get("/oauth/identity").header("host", "127.0.0.1").body("")?;
    /// let error = SignedRequest::from_request(&unsigned).unwrap_err();
    /// assert_eq!(error, VerifyError::MissingAuthorization);
    /// assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingAuthorization
            | Self::InvalidTimestamp
            | Self::InvalidNonce(_)
            | Self::SignatureMismatch => StatusCode::UNAUTHORIZED,
            Self::MultipleAuthorization
            | Self::Header(_)
            | Self::MissingParameter { .. }
            | Self::UnsupportedSignatureMethod(_)
            | Self::UnsupportedVersion
            | Self::ProtocolParameterOutsideHeader { .. }
            | Self::MissingHost
            | Self::UnsupportedTarget
            | Self::Signing(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent variants: the wrapped error's own source.
            Self::Header(error) => std::error::Error::source(error),
            Self::Signing(error) => std::error::Error::source(error),
            _ => None,
        }
    }
}

impl From<OAuthHeaderError> for VerifyError {
    fn from(error: OAuthHeaderError) -> Self {
        Self::Header(error)
    }
}

impl From<SigningError> for VerifyError {
    fn from(error: SigningError) -> Self {
        Self::Signing(error)
    }
}

/// An OAuth-signed request, read but not yet verified: what a provider (or a test double of
/// one) needs to check the signature.
///
/// What it reads and what it leaves to the provider:
/// - The protocol parameters come from the `Authorization: OAuth` header only (RFC 5849
///   §3.5.1). A request that carries any of them in its query or form body is refused
///   ([`VerifyError::ProtocolParameterOutsideHeader`]), as one that carries them only there
///   is ([`VerifyError::MissingAuthorization`]).
/// - The signature covers the method, the URI with its query, and the body when it is
///   `application/x-www-form-urlencoded` (RFC 5849 §3.4.1.3.1); a JSON or other body is not
///   covered. Pass the body the server received.
/// - [`verify`](Self::verify) checks the signature and nothing else. The rest is the
///   provider's policy: a timestamp within its window (Discogs allows
///   [`CLOCK_SKEW_TOLERANCE_SECS`](crate::CLOCK_SKEW_TOLERANCE_SECS)), a nonce not seen
///   within that window with the same timestamp and credentials, known consumer keys and
///   tokens, the `oauth_callback` of the request-token step and the `oauth_verifier` of the
///   access-token step, and which [`signature_method`](Self::signature_method) to accept
///   (PLAINTEXT sends the secrets themselves, so only over TLS).
/// - The nonce is refused past [`MAX_NONCE_LEN`] characters, Discogs' limit. Nothing else has
///   a limit: bound the header and body sizes before reading a request.
///
/// [`VerifyError::status`] gives the status to refuse a request with. A provider, in full:
///
/// ```
/// use std::collections::HashSet;
/// use discogs_auth_core::*;
/// use discogs_auth_core::http::{Request, StatusCode};
///
/// struct Provider {
///     api_base: ApiBase,
///     consumer_secret: ConsumerSecret,
///     token_secret: TokenSecret,
///     seen_nonces: HashSet<(String, u64)>,
/// }
///
/// impl Provider {
///     fn check(&mut self, request: &Request<Vec<u8>>, now: Timestamp) -> Result<(), StatusCode> {
///         let signed = SignedRequest::from_request_at(request, &self.api_base)
///             .map_err(|error| error.status())?;
///         // A nonce is remembered only while the window admits its timestamp: the set stays
///         // bounded.
///         self.seen_nonces.retain(|&(_, timestamp)| {
///             now.as_unix_seconds().abs_diff(timestamp) <= CLOCK_SKEW_TOLERANCE_SECS
///         });
///         if signed.timestamp().abs_diff(now) > CLOCK_SKEW_TOLERANCE_SECS {
///             return Err(StatusCode::UNAUTHORIZED);
///         }
///         // Look both up by `signed.consumer_key()` and `signed.token()`.
///         let token_secret = match signed.token() {
///             Some("nnch734d00sl2jdk") => Some(&self.token_secret),
///             Some(_) => return Err(StatusCode::UNAUTHORIZED),
///             None => None,
///         };
///         signed
///             .verify(&self.consumer_secret, token_secret)
///             .map_err(|error| error.status())?;
///         // Remembered once verified, so that a forged request cannot spend a nonce.
///         let nonce = (signed.nonce().to_owned(), signed.timestamp().as_unix_seconds());
///         if !self.seen_nonces.insert(nonce) {
///             return Err(StatusCode::UNAUTHORIZED);
///         }
///         Ok(())
///     }
/// }
///
/// let mut provider = Provider {
///     api_base: ApiBase::new("https://api.discogs.com")?,
///     consumer_secret: ConsumerSecret::new("kd94hf93k423kf44")?,
///     token_secret: TokenSecret::new("pfkkdhi9sl3r4s00")?,
///     seen_nonces: HashSet::new(),
/// };
/// // A client signs (with PLAINTEXT, the default: the request goes over TLS)…
/// let client = OAuthClient::new(
///     Consumer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")?,
///     UserAgent::new("example/1.0")?,
/// );
/// let token = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")?;
/// let now = Timestamp::from_unix_seconds(1_700_000_000)?;
/// let mut request = Request::get("https://api.discogs.com/oauth/identity").body(Vec::new())?;
/// client.sign_request(&token, &mut request, &Freshness::new("n0nce", now.as_unix_seconds())?)?;
/// // …and the provider sees the path alone, behind TLS.
/// *request.uri_mut() = "/oauth/identity".parse()?;
/// assert_eq!(provider.check(&request, now), Ok(()));
/// assert_eq!(provider.check(&request, now), Err(StatusCode::UNAUTHORIZED), "a replay");
/// let later = Timestamp::from_unix_seconds(now.as_unix_seconds() + 3600)?;
/// assert_eq!(provider.check(&request, later), Err(StatusCode::UNAUTHORIZED), "too old");
/// assert!(provider.seen_nonces.is_empty(), "the window no longer holds it");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SignedRequest {
    parameters: OAuthParameters,
    signature_method: SignatureMethod,
    timestamp: Timestamp,
    method: Method,
    uri: Uri,
    form_body: Option<Vec<u8>>,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("parameters", &self.parameters)
            .field("method", &self.method)
            .field("uri", &RedactedUri(&self.uri))
            .finish_non_exhaustive()
    }
}

impl SignedRequest {
    /// Reads the `Authorization: OAuth` header and what the signature covers.
    ///
    /// A relative request URI (what a server sees) is made absolute with `http` and the `Host`
    /// header, which the client chose: a request signed for another host that shares the
    /// credentials (a staging server) verifies. That suits a test double on loopback; a server
    /// that knows where it is reached uses [`SignedRequest::from_request_at`].
    ///
    /// # Errors
    ///
    /// Any [`VerifyError`] but [`Signing`](VerifyError::Signing) and
    /// [`SignatureMismatch`](VerifyError::SignatureMismatch), which [`SignedRequest::verify`]
    /// finds: the `Authorization` header is missing, repeated or unreadable; a protocol parameter
    /// is missing, unsupported or invalid, or also in the query or the form body; or no absolute
    /// URI can be made ([`VerifyError::UnsupportedTarget`], [`VerifyError::MissingHost`]).
    pub fn from_request<B: AsRef<[u8]>>(request: &Request<B>) -> Result<Self, VerifyError> {
        Self::read(request, None)
    }

    /// Like [`SignedRequest::from_request`], for a server reached at `api_base` (e.g.
    /// `https://api.discogs.com`, or `https://example.com/discogs` behind a proxy that takes
    /// `/discogs` off the path). The signature must cover it: the base replaces the `Host` of
    /// a relative request URI, and the scheme and authority of an absolute one, and comes
    /// before the path the server sees.
    ///
    /// ```
    /// use discogs_auth_core::{ApiBase, SignedRequest, http::Request};
    /// let api_base = ApiBase::new("https://example.com/discogs")?;
    /// let received = Request::get("/oauth/identity?x=1")
    ///     .header(
    ///         "authorization",
    ///         "OAuth oauth_consumer_key=\"key\", oauth_nonce=\"n\", \
    ///          oauth_signature=\"secret%26\", oauth_signature_method=\"PLAINTEXT\", \
    ///          oauth_timestamp=\"1700000000\"",
    ///     )
    ///     .body("")?;
    /// let signed = SignedRequest::from_request_at(&received, &api_base)?;
    /// assert_eq!(signed.uri(), "https://example.com/discogs/oauth/identity?x=1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`SignedRequest::from_request`], but the `Host` header is not read.
    pub fn from_request_at<B: AsRef<[u8]>>(
        request: &Request<B>,
        api_base: &ApiBase,
    ) -> Result<Self, VerifyError> {
        Self::read(request, Some(api_base))
    }

    fn read<B: AsRef<[u8]>>(
        request: &Request<B>,
        api_base: Option<&ApiBase>,
    ) -> Result<Self, VerifyError> {
        let mut values = request.headers().get_all(AUTHORIZATION).iter();
        let header = values.next().ok_or(VerifyError::MissingAuthorization)?;
        if values.next().is_some() {
            return Err(VerifyError::MultipleAuthorization);
        }
        let header = header.to_str().map_err(|_| {
            let at = header
                .as_bytes()
                .iter()
                .position(|&byte| !(byte == b'\t' || (b' '..=b'~').contains(&byte)))
                .unwrap_or_default();
            VerifyError::Header(OAuthHeaderError::NotAscii { at })
        })?;
        let parameters = OAuthParameters::parse(header)?;

        let missing = |protocol: Protocol| VerifyError::MissingParameter {
            name: protocol.name(),
        };
        // Read later, by `consumer_key` and `verify`: only their presence is checked here.
        for protocol in [Protocol::ConsumerKey, Protocol::Signature] {
            if !parameters.has(protocol) {
                return Err(missing(protocol));
            }
        }
        let required = |protocol: Protocol| {
            parameters
                .protocol(protocol)
                .ok_or_else(|| missing(protocol))
        };
        let signature_method_name = required(Protocol::SignatureMethod)?;
        let signature_method =
            SignatureMethod::from_name(signature_method_name).ok_or_else(|| {
                VerifyError::UnsupportedSignatureMethod(UnknownSignatureMethod::new(
                    signature_method_name,
                ))
            })?;
        let timestamp = decimal_digits(required(Protocol::Timestamp)?)
            .and_then(|seconds| Timestamp::from_unix_seconds(seconds).ok())
            .ok_or(VerifyError::InvalidTimestamp)?;
        check_nonce(required(Protocol::Nonce)?)?;
        if parameters
            .protocol(Protocol::Version)
            .is_some_and(|v| v != "1.0")
        {
            return Err(VerifyError::UnsupportedVersion);
        }

        let form_body = signed_form_body(request);
        if let Some(protocol) = protocol_parameter_in(request.uri().query(), form_body) {
            return Err(VerifyError::ProtocolParameterOutsideHeader {
                name: protocol.name(),
            });
        }
        let uri = absolute_uri(request, api_base)?;
        let form_body = form_body.map(<[u8]>::to_vec);
        Ok(Self {
            parameters,
            signature_method,
            timestamp,
            method: request.method().clone(),
            uri,
            form_body,
        })
    }

    /// `oauth_consumer_key`: look up the consumer secret with it.
    pub fn consumer_key(&self) -> &str {
        self.parameters
            .protocol(Protocol::ConsumerKey)
            .unwrap_or_default()
    }

    /// `oauth_token`, if the request carries one: look up its secret with it. `None` for the
    /// request-token step; an empty `oauth_token=""`, which some clients send then, is
    /// `Some("")`.
    pub fn token(&self) -> Option<&str> {
        self.parameters.protocol(Protocol::Token)
    }

    /// `oauth_callback`, decoded: RFC 5849 requires it in the request-token step (`oob`
    /// without a callback URL), which the provider checks.
    pub fn callback(&self) -> Option<&str> {
        self.parameters.protocol(Protocol::Callback)
    }

    /// `oauth_verifier`, decoded: RFC 5849 requires it in the access-token step, which the
    /// provider checks. Compare it in constant time with [`secrets_equal`].
    pub fn verifier(&self) -> Option<&str> {
        self.parameters.protocol(Protocol::Verifier)
    }

    /// `oauth_timestamp`.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// `oauth_nonce`, decoded: 1 to [`MAX_NONCE_LEN`] characters of any text.
    pub fn nonce(&self) -> &str {
        self.parameters
            .protocol(Protocol::Nonce)
            .unwrap_or_default()
    }

    /// `oauth_signature_method`.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// The request's absolute URI, as signed.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// Every parameter of the `Authorization` header but `realm`, the protocol parameters
    /// and any others, as sent.
    pub fn parameters(&self) -> &OAuthParameters {
        &self.parameters
    }

    /// Checks the signature against the consumer secret and the secret of the token the request
    /// names (`None` for the request-token step). The comparison takes constant time.
    ///
    /// # Errors
    ///
    /// [`VerifyError::SignatureMismatch`] when the signature is not the one these secrets make;
    /// [`VerifyError::Signing`] when the URI cannot be signed (not `http` or `https`, an invalid
    /// port) or, for HMAC-SHA1, the query or form body does not decode to UTF-8.
    pub fn verify(
        &self,
        consumer_secret: &ConsumerSecret,
        token_secret: Option<&TokenSecret>,
    ) -> Result<(), VerifyError> {
        // PLAINTEXT signs no parameters: the list is only gathered for a base string.
        let protocol: Vec<(&str, &str)> = if self.signature_method == SignatureMethod::Plaintext {
            Vec::new()
        } else {
            let mut protocol = Vec::with_capacity(self.parameters.count());
            protocol.extend(self.parameters.iter());
            protocol
        };
        let base = SignatureBase {
            method: &self.method,
            uri: &self.uri,
            protocol_parameters: &protocol,
            form_body: self.form_body.as_deref(),
            written_protocol: None,
        };
        let expected = sign(self.signature_method, &base, consumer_secret, token_secret)?;
        let given = self
            .parameters
            .protocol(Protocol::Signature)
            .unwrap_or_default();
        if expected.matches(given) {
            Ok(())
        } else {
            Err(VerifyError::SignatureMismatch)
        }
    }
}

/// Compares two secrets in time that depends only on their lengths, never on where they differ.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        // Lengths are not secret (a header shows them); `subtle` answers the same for slices.
        return false;
    }
    // The differing bits are gathered without a branch and only the result goes through
    // `subtle`'s optimisation barrier: one barrier per comparison rather than one per byte.
    bytes_difference(a, b).ct_eq(&0).into()
}

/// The length rule Discogs applies to `oauth_nonce`, in characters; which characters is the
/// client's choice.
fn check_nonce(nonce: &str) -> Result<(), VerifyError> {
    if nonce.is_empty() {
        return Err(VerifyError::InvalidNonce(FreshnessError::EmptyNonce));
    }
    // Characters are counted only when the bytes could be too many.
    if nonce.len() > MAX_NONCE_LEN {
        let len = nonce.chars().count();
        if len > MAX_NONCE_LEN {
            return Err(VerifyError::InvalidNonce(FreshnessError::NonceTooLong {
                len,
            }));
        }
    }
    Ok(())
}

fn absolute_uri<B>(request: &Request<B>, api_base: Option<&ApiBase>) -> Result<Uri, VerifyError> {
    let uri = request.uri();
    // Put after a base, `*` would become part of its host, and a bare authority would be
    // signed as a path it never named.
    let is_authority_form = uri.scheme().is_none() && uri.authority().is_some();
    if is_authority_form || !uri.path().starts_with('/') {
        return Err(VerifyError::UnsupportedTarget);
    }
    let base = match api_base {
        // The server's own base, even over a target in absolute form: a signature made for
        // another host, or for `http` when the server is reached over TLS, is not for it.
        Some(api_base) => Cow::Borrowed(api_base.as_str()),
        None if uri.scheme().is_some() && uri.authority().is_some() => return Ok(uri.clone()),
        None => {
            let host = request
                .headers()
                .get(HOST)
                .and_then(|host| host.to_str().ok())
                .filter(|host| is_host_and_port(host))
                .ok_or(VerifyError::MissingHost)?;
            Cow::Owned(format!("http://{host}"))
        }
    };
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    format!("{base}{path_and_query}")
        .parse()
        .map_err(|_| VerifyError::MissingHost)
}

/// Whether a `Host` header is a host and port and nothing more. The URI is rebuilt from it, so
/// a path or query in it (`Host: h/a?p=` for the target `/b`) would have the signature cover
/// another URI than the one the server serves; and a port that is none would be signed as none.
fn is_host_and_port(host: &str) -> bool {
    host.parse::<Authority>().is_ok() && !host.contains('@') && authority_port(host).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::AccessToken;
    use crate::freshness::Freshness;
    use crate::oauth::test_support::rfc_client;

    fn consumer_secret() -> ConsumerSecret {
        ConsumerSecret::new("kd94hf93k423kf44").unwrap()
    }

    fn signed(method: SignatureMethod) -> Request<Vec<u8>> {
        let mut request =
            Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
                .body(Vec::new())
                .unwrap();
        rfc_client(method)
            .sign_request(
                &AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00").unwrap(),
                &mut request,
                &Freshness::new("chapoH", 137131202).unwrap(),
            )
            .unwrap();
        request
    }

    #[test]
    fn verifies_what_the_client_signed() {
        let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00").unwrap();
        let wrong = TokenSecret::new("wrong").unwrap();
        let methods = [
            SignatureMethod::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1,
        ];
        for method in methods {
            let request = SignedRequest::from_request(&signed(method)).unwrap();
            assert_eq!(request.consumer_key(), "dpf43f3p2l4k3l03");
            assert_eq!(request.token(), Some("nnch734d00sl2jdk"));
            assert_eq!(request.nonce(), "chapoH");
            assert_eq!(request.timestamp().as_unix_seconds(), 137131202);
            assert_eq!(
                request.verify(&consumer_secret(), Some(&token_secret)),
                Ok(())
            );
            assert_eq!(
                request.verify(&consumer_secret(), Some(&wrong)),
                Err(VerifyError::SignatureMismatch)
            );
            assert_eq!(
                request.verify(&consumer_secret(), None),
                Err(VerifyError::SignatureMismatch)
            );
        }
    }

    /// A base64 nonce, as Go's `dghubble/oauth1` and Ruby's `oauth` send, is read and verified:
    /// RFC 5849 gives the nonce no alphabet. The HMAC-SHA1 signature was computed apart from
    /// this crate (Python's `hmac` over the RFC 5849 §3.4.1 base string).
    #[test]
    fn nonces_outside_the_unreserved_set_verify() {
        let received = |signature_method: &str, signature: &str| {
            Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
                .header(
                    AUTHORIZATION,
                    format!(
                        "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
                         oauth_token=\"nnch734d00sl2jdk\", \
                         oauth_signature_method=\"{signature_method}\", \
                         oauth_timestamp=\"137131202\", oauth_nonce=\"q%2B%2F8Zk1Xh0LgTz4%3D\", \
                         oauth_version=\"1.0\", oauth_signature=\"{signature}\""
                    ),
                )
                .body(Vec::new())
                .unwrap()
        };
        let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00").unwrap();
        let mut cases = vec![("PLAINTEXT", "kd94hf93k423kf44%26pfkkdhi9sl3r4s00")];
        if cfg!(feature = "hmac-sha1") {
            cases.push(("HMAC-SHA1", "kyCpYDR2ic6AnQ3ms68EGQML9t0%3D"));
        }
        for (signature_method, signature) in cases {
            let request = SignedRequest::from_request(&received(signature_method, signature))
                .unwrap_or_else(|error| panic!("{signature_method}: {error}"));
            assert_eq!(request.nonce(), "q+/8Zk1Xh0LgTz4=");
            assert_eq!(
                request.verify(&consumer_secret(), Some(&token_secret)),
                Ok(()),
                "{signature_method}"
            );
        }
    }

    /// The request-token step's callback and the URI as signed are what the client sent.
    #[test]
    fn callback_and_uri_are_read_back() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let request = client
            .request_token_request(
                &crate::oauth::Callback::url("http://printer.example.com/ready").unwrap(),
                &Freshness::new("wIjqoS", 137131200).unwrap(),
            )
            .unwrap();
        let parsed = SignedRequest::from_request(&request).unwrap();
        assert_eq!(parsed.callback(), Some("http://printer.example.com/ready"));
        assert_eq!(parsed.uri(), &client.endpoints().request_token_url());
        assert_eq!(
            SignedRequest::from_request(&signed(SignatureMethod::Plaintext))
                .unwrap()
                .callback(),
            None
        );
    }

    /// `signed` as a server receives it: with `uri` (not absolute) and a Host header.
    fn received_as(signed: &Request<Vec<u8>>, uri: &str) -> Request<Vec<u8>> {
        Request::builder()
            .uri(uri)
            .header(HOST, "photos.example.net")
            .header(AUTHORIZATION, signed.headers()[AUTHORIZATION].clone())
            .body(Vec::new())
            .unwrap()
    }

    /// `OPTIONS *` and `CONNECT host:port` name no resource: they are refused, with or without
    /// a base, rather than signed as a URI made up for them (`*` after a base became part of
    /// its host; an authority was signed as `/`).
    #[test]
    fn asterisk_and_authority_forms_are_refused() {
        let signed = signed(SignatureMethod::Plaintext);
        let api_base = ApiBase::new("https://photos.example.net/base").unwrap();
        for target in ["*", "photos.example.net:80"] {
            let as_received = received_as(&signed, target);
            assert_eq!(
                SignedRequest::from_request(&as_received).map(|_| ()),
                Err(VerifyError::UnsupportedTarget),
                "{target}"
            );
            assert_eq!(
                SignedRequest::from_request_at(&as_received, &api_base).map(|_| ()),
                Err(VerifyError::UnsupportedTarget),
                "{target}"
            );
        }
        for target in ["/", "http://photos.example.net"] {
            let parsed = SignedRequest::from_request(&received_as(&signed, target)).unwrap();
            assert_eq!(parsed.uri(), "http://photos.example.net/", "{target}");
        }
    }

    /// A server sees a relative URI and a Host header.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn relative_uri_is_rebuilt_from_host() {
        let mut as_received = received_as(
            &signed(SignatureMethod::HmacSha1),
            "/photos?file=vacation.jpg&size=original",
        );
        let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00").unwrap();
        let request = SignedRequest::from_request(&as_received).unwrap();
        assert_eq!(
            request.verify(&consumer_secret(), Some(&token_secret)),
            Ok(())
        );

        let https = SignedRequest::from_request_at(
            &as_received,
            &ApiBase::new("https://photos.example.net").unwrap(),
        )
        .unwrap();
        assert_eq!(
            https.verify(&consumer_secret(), Some(&token_secret)),
            Err(VerifyError::SignatureMismatch)
        );

        as_received.headers_mut().remove(HOST);
        assert_eq!(
            SignedRequest::from_request(&as_received).map(|_| ()),
            Err(VerifyError::MissingHost)
        );
    }

    /// The origin a server gives is where it is reached, whatever an absolute-form target
    /// (`GET http://…/photos HTTP/1.1`) names: a request signed for `http`, or for another host,
    /// does not verify on the TLS server.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn an_origin_outranks_an_absolute_target() {
        let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00").unwrap();
        let signed = signed(SignatureMethod::HmacSha1);
        let absolute = received_as(
            &signed,
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
        );
        let verify = |api_base: Option<&str>| {
            let request = match api_base {
                Some(api_base) => {
                    SignedRequest::from_request_at(&absolute, &ApiBase::new(api_base).unwrap())
                }
                None => SignedRequest::from_request(&absolute),
            }
            .unwrap();
            (
                request.uri().to_string(),
                request.verify(&consumer_secret(), Some(&token_secret)),
            )
        };
        assert_eq!(
            verify(None),
            (
                "http://photos.example.net/photos?file=vacation.jpg&size=original".to_owned(),
                Ok(())
            )
        );
        assert_eq!(verify(Some("http://photos.example.net/")), verify(None));
        for (origin, rebuilt) in [
            (
                "https://photos.example.net",
                "https://photos.example.net/photos?file=vacation.jpg&size=original",
            ),
            (
                "http://other.example",
                "http://other.example/photos?file=vacation.jpg&size=original",
            ),
        ] {
            assert_eq!(
                verify(Some(origin)),
                (rebuilt.to_owned(), Err(VerifyError::SignatureMismatch))
            );
        }
    }

    /// A `Host` header that is more than a host and port is refused rather than pasted in
    /// front of the target: `Host: photos.example.net/photos?x=` with the target `/` would
    /// otherwise verify as a request for `/photos?x=/`, which is not what the server serves.
    #[test]
    fn a_host_header_that_is_not_a_host_and_port_is_refused() {
        let signed = signed(SignatureMethod::Plaintext);
        for host in [
            "photos.example.net/photos?file=",
            "photos.example.net?a=",
            "photos.example.net:8a",
            "photos.example.net:99999",
            "user@photos.example.net",
            "photos.example.net extra",
            "",
        ] {
            let mut as_received = received_as(&signed, "/vacation.jpg");
            as_received
                .headers_mut()
                .insert(HOST, http::HeaderValue::from_str(host).unwrap());
            assert_eq!(
                SignedRequest::from_request(&as_received).map(|_| ()),
                Err(VerifyError::MissingHost),
                "{host}"
            );
        }
        for (host, uri) in [
            (
                "photos.example.net:8080",
                "http://photos.example.net:8080/vacation.jpg",
            ),
            (
                "photos.example.net:",
                "http://photos.example.net:/vacation.jpg",
            ),
            ("[::1]:8080", "http://[::1]:8080/vacation.jpg"),
        ] {
            let mut as_received = received_as(&signed, "/vacation.jpg");
            as_received
                .headers_mut()
                .insert(HOST, http::HeaderValue::from_str(host).unwrap());
            let parsed = SignedRequest::from_request(&as_received).unwrap();
            assert_eq!(parsed.uri(), uri, "{host}");
        }
    }

    /// A request URI whose port is none is refused by both methods, not signed without it.
    #[test]
    fn a_request_uri_whose_port_is_none_is_refused() {
        let methods = [
            SignatureMethod::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1,
        ];
        for method in methods {
            let mut as_received = signed(method);
            *as_received.uri_mut() = "http://photos.example.net:99999/photos".parse().unwrap();
            let request = SignedRequest::from_request(&as_received).unwrap();
            assert_eq!(
                request.verify(&consumer_secret(), None),
                Err(VerifyError::Signing(SigningError::InvalidPort)),
                "{method:?}"
            );
        }
    }

    #[test]
    fn unreadable_requests_get_exact_errors() {
        let with_header = |value: &str| {
            Request::get("http://example.com/")
                .header(AUTHORIZATION, value)
                .body(Vec::new())
                .unwrap()
        };
        let read = |request: &Request<Vec<u8>>| SignedRequest::from_request(request).map(|_| ());
        let complete = "oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_nonce=\"n\"";
        assert_eq!(
            read(&Request::new(Vec::new())),
            Err(VerifyError::MissingAuthorization)
        );
        let mut twice = with_header("OAuth a=1");
        twice
            .headers_mut()
            .append(AUTHORIZATION, "OAuth b=2".parse().unwrap());
        assert_eq!(read(&twice), Err(VerifyError::MultipleAuthorization));
        assert_eq!(
            read(&with_header("Discogs token=x")),
            Err(VerifyError::Header(OAuthHeaderError::NotOAuthScheme))
        );
        let mut not_ascii = Request::new(Vec::new());
        not_ascii.headers_mut().insert(
            AUTHORIZATION,
            http::HeaderValue::from_bytes("OAuth oauth_nonce=\"caf\u{e9}\"".as_bytes()).unwrap(),
        );
        assert_eq!(
            read(&not_ascii),
            Err(VerifyError::Header(OAuthHeaderError::NotAscii { at: 22 }))
        );
        assert_eq!(
            read(&not_ascii).unwrap_err().to_string(),
            "the Authorization header has a byte that is not visible ASCII at byte 22"
        );
        assert_eq!(
            read(&with_header("OAuth oauth_signature=\"s\"")),
            Err(VerifyError::MissingParameter {
                name: "oauth_consumer_key"
            })
        );
        // Each required parameter, left out of an otherwise complete header, is named.
        let required = [
            ("oauth_consumer_key", "k"),
            ("oauth_signature", "s"),
            ("oauth_signature_method", "PLAINTEXT"),
            ("oauth_timestamp", "1"),
            ("oauth_nonce", "n"),
        ];
        for (left_out, _) in required {
            let others: Vec<String> = required
                .iter()
                .filter(|(name, _)| *name != left_out)
                .map(|(name, value)| format!("{name}=\"{value}\""))
                .collect();
            assert_eq!(
                read(&with_header(&format!("OAuth {}", others.join(", ")))),
                Err(VerifyError::MissingParameter { name: left_out }),
                "{left_out}"
            );
        }
        assert_eq!(
            read(&with_header(&format!(
                "OAuth {complete}, oauth_signature_method=\"RSA-SHA1\", oauth_timestamp=\"1\""
            ))),
            Err(VerifyError::UnsupportedSignatureMethod(
                UnknownSignatureMethod::new("RSA-SHA1")
            ))
        );
        assert_eq!(
            read(&with_header(&format!(
                "OAuth {complete}, oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1700000000000\""
            ))),
            Err(VerifyError::InvalidTimestamp)
        );
        assert_eq!(
            read(&with_header(&format!(
                "OAuth {complete}, oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"+1\""
            ))),
            Err(VerifyError::InvalidTimestamp)
        );
        assert_eq!(
            read(&with_header(&format!(
                "OAuth oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_nonce=\"{}\"",
                "n".repeat(65)
            ))),
            Err(VerifyError::InvalidNonce(FreshnessError::NonceTooLong {
                len: 65
            }))
        );
        assert_eq!(
            read(&with_header(
                "OAuth oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_nonce=\"\""
            )),
            Err(VerifyError::InvalidNonce(FreshnessError::EmptyNonce))
        );
        // Counted in characters, as Discogs counts: 64 two-byte `é` are a nonce, 65 are not.
        let nonce_of = |count: usize| {
            with_header(&format!(
                "OAuth oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_nonce=\"{}\"",
                "%C3%A9".repeat(count)
            ))
        };
        assert_eq!(read(&nonce_of(64)), Ok(()));
        assert_eq!(
            read(&nonce_of(65)),
            Err(VerifyError::InvalidNonce(FreshnessError::NonceTooLong {
                len: 65
            }))
        );
        assert_eq!(
            read(&with_header(&format!(
                "OAuth {complete}, oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_version=\"2.0\""
            ))),
            Err(VerifyError::UnsupportedVersion)
        );
    }

    /// RFC 5849 §3.5: protocol parameters travel one way only. A second `oauth_token` in the
    /// query would be signed as an ordinary parameter, and code reading the query would act on
    /// another token than the one verified.
    #[test]
    fn protocol_parameters_outside_the_header_are_refused() {
        let header = "OAuth oauth_consumer_key=\"k\", oauth_signature=\"s\", \
                      oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", \
                      oauth_nonce=\"n\", oauth_token=\"nnch734d00sl2jdk\"";
        let read = |target: &str, content_type: &str, body: &str| {
            let request = Request::post(format!("http://example.com/p{target}"))
                .header(AUTHORIZATION, header)
                .header(http::header::CONTENT_TYPE, content_type)
                .body(body.as_bytes().to_vec())
                .unwrap();
            SignedRequest::from_request(&request).map(|_| ())
        };
        let outside = |name| Err(VerifyError::ProtocolParameterOutsideHeader { name });
        let form = "application/x-www-form-urlencoded";
        assert_eq!(read("?oauth_token=OTHER", form, ""), outside("oauth_token"));
        assert_eq!(
            read("?a=1&oauth%5Fsignature=x", form, ""),
            outside("oauth_signature")
        );
        assert_eq!(read("?oauth_version", form, ""), outside("oauth_version"));
        assert_eq!(read("?%6Fauth_nonce=1", form, ""), outside("oauth_nonce"));
        assert_eq!(
            read(
                "",
                "Application/X-WWW-Form-Urlencoded; charset=utf-8",
                "a=1&oauth_consumer_key=evil"
            ),
            outside("oauth_consumer_key")
        );
        assert_eq!(
            read("?oauth_verifier=v", form, "oauth_token=t"),
            outside("oauth_verifier")
        );
        // Other names, and a body that is not signed, are left alone.
        for (target, content_type, body) in [
            (
                "?oauth_foo=1&xoauth_token=2&oauth_token+=3&OAUTH_TOKEN=4",
                form,
                "",
            ),
            ("?oauth%5Ftoke=1", form, "oauth_tokens=1"),
            ("", "application/json", "oauth_token=OTHER"),
        ] {
            assert_eq!(read(target, content_type, body), Ok(()), "{target} {body}");
        }
        assert_eq!(
            read("?oauth_token=OTHER", form, "")
                .unwrap_err()
                .to_string(),
            "`oauth_token` is in the query or the form body; OAuth parameters belong in the \
             Authorization header only"
        );
    }

    /// RFC 5849 §3.2: malformed or incomplete requests are 400, credentials that do not hold
    /// are 401.
    #[test]
    fn refusals_carry_rfc5849_statuses() {
        let bad_request = [
            VerifyError::MultipleAuthorization,
            VerifyError::Header(OAuthHeaderError::NotOAuthScheme),
            VerifyError::MissingParameter {
                name: "oauth_nonce",
            },
            VerifyError::UnsupportedSignatureMethod(UnknownSignatureMethod::new("RSA-SHA1")),
            VerifyError::UnsupportedVersion,
            VerifyError::ProtocolParameterOutsideHeader {
                name: "oauth_token",
            },
            VerifyError::MissingHost,
            VerifyError::UnsupportedTarget,
            VerifyError::Signing(SigningError::InvalidPort),
        ];
        for error in bad_request {
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{error:?}");
        }
        let unauthorized = [
            VerifyError::MissingAuthorization,
            VerifyError::InvalidTimestamp,
            VerifyError::InvalidNonce(FreshnessError::EmptyNonce),
            VerifyError::SignatureMismatch,
        ];
        for error in unauthorized {
            assert_eq!(error.status(), StatusCode::UNAUTHORIZED, "{error:?}");
        }
    }

    #[test]
    fn constant_time_comparison_is_exact() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "abcd"));
        assert!(secrets_equal("", ""));
        // A difference anywhere, in a whole word or in the tail, is found.
        let secret = "kd94hf93k423kf44&pfkkdhi9sl3r4s00";
        assert!(secrets_equal(secret, secret));
        for at in 0..secret.len() {
            let mut changed = secret.as_bytes().to_vec();
            changed[at] ^= 1;
            assert!(!secrets_equal(
                secret,
                std::str::from_utf8(&changed).unwrap()
            ));
        }
    }
}
