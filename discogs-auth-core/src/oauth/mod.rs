//! OAuth 1.0a as Discogs speaks it: one module per step, each split into a pure request builder
//! and a pure reply parser.
//!
//! The types carry the flow forward so that the steps cannot be mixed up: an access-token
//! request takes an [`AuthorizedRequestToken`](crate::AuthorizedRequestToken) (which only a
//! callback or a verifier makes), and API calls are signed with an
//! [`AccessToken`](crate::AccessToken), never with a request token. They do not make a value
//! single-use: the steps borrow, so a failed exchange can be retried, and pairing a request
//! token with a verifier is the caller's word (`RequestToken::with_verifier`, for a verifier
//! typed in). Discogs refuses a verifier used twice or given for another token.

mod access_token;
mod authorization;
mod authorize;
mod clock_skew;
mod identity;
mod request_token;
pub(crate) mod sign;

pub use authorize::{
    Callback, CallbackError, CallbackUrl, MAX_CALLBACK_LEN, callback_request_token,
};
pub use clock_skew::CLOCK_SKEW_TOLERANCE_SECS;
pub use identity::Identity;
pub use sign::RequestSigner;

use std::fmt;

use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Request, Uri};

use crate::base_string::{SignatureBase, WrittenProtocol};
use crate::credentials::{
    AccessToken, Consumer, CredentialError, TokenSecret, TokenValue, validate,
    validated_conversions,
};
use crate::endpoints::{Endpoints, UrlError};
use crate::freshness::{Freshness, Timestamp};
use crate::signature::{SignatureMethod, SigningError, sign};
use authorization::ProtocolFields;

/// `application/x-www-form-urlencoded`: the only body type whose parameters are signed.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// An OAuth request could not be built. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// The request cannot be signed as it is (relative URI, undecodable query or body).
    Signing(SigningError),
    /// A URL input was refused.
    Url(UrlError),
    /// The request token's 15 minutes are up; the access-token request would get a 400.
    RequestTokenExpired {
        /// When it expired (seconds since the Unix epoch).
        expired_at: Timestamp,
    },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signing(error) => fmt::Display::fmt(error, f),
            Self::Url(error) => fmt::Display::fmt(error, f),
            // Every valid timestamp is before the year 10000, which `httpdate` can write.
            Self::RequestTokenExpired { expired_at } => write!(
                f,
                "the request token expired at {} (Unix time {expired_at}; 15 minutes after \
                 issue); start the flow again",
                httpdate::fmt_http_date(expired_at.to_system_time())
            ),
        }
    }
}

impl RequestError {
    /// Whether only a new login can mend this: the request token's 15 minutes are up
    /// ([`RequestTokenExpired`](Self::RequestTokenExpired)). The other refusals are the
    /// caller's input to fix.
    pub fn must_restart_login(&self) -> bool {
        matches!(self, Self::RequestTokenExpired { .. })
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent variants: the wrapped error's own source.
            Self::Signing(error) => std::error::Error::source(error),
            Self::Url(error) => std::error::Error::source(error),
            _ => None,
        }
    }
}

impl From<SigningError> for RequestError {
    fn from(error: SigningError) -> Self {
        Self::Signing(error)
    }
}

impl From<UrlError> for RequestError {
    fn from(error: UrlError) -> Self {
        Self::Url(error)
    }
}

/// The protocol parameter of one step, besides those every request carries.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StepParameter<'a> {
    /// `oauth_callback`, in the request-token step.
    Callback(&'a str),
    /// `oauth_verifier`, in the access-token step.
    Verifier(&'a str),
}

/// The `User-Agent` every request to Discogs must carry (Discogs answers an empty reply
/// without one). With the `serde` feature it is stored as its text, checked when read.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct UserAgent(HeaderValue);

impl UserAgent {
    /// Validates a user agent as a credential is validated ([`CredentialError`]): non-empty, at
    /// most [`MAX_CREDENTIAL_LEN`](crate::MAX_CREDENTIAL_LEN) bytes, no control or invisible
    /// characters, no whitespace around it.
    ///
    /// ```
    /// use discogs_auth_core::UserAgent;
    /// assert!(UserAgent::new("MyDiscogsApp/1.0 +https://example.com").is_ok());
    /// assert!(UserAgent::new("evil\r\nX-Injected: 1").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// A [`CredentialError`] for `user_agent`, for the first of those rules it breaks, checked in
    /// the order given.
    pub fn new(user_agent: impl Into<String>) -> Result<Self, CredentialError> {
        let user_agent = user_agent.into();
        validate("user_agent", &user_agent)?;
        HeaderValue::try_from(user_agent)
            .map(Self)
            .map_err(|_| CredentialError::ControlCharacter {
                field: "user_agent",
            })
    }

    /// The header value.
    pub fn as_header_value(&self) -> &HeaderValue {
        &self.0
    }

    /// The user agent as it was given.
    pub fn as_str(&self) -> &str {
        // Made from a `String`, so always UTF-8; `HeaderValue::to_str` would refuse non-ASCII.
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }
}

/// Gives `headers` the client's `User-Agent` unless the caller set one of their own. An empty
/// one is none: Discogs answers a request without a user agent with an empty reply.
pub(crate) fn default_user_agent(headers: &mut HeaderMap, user_agent: &HeaderValue) {
    let given = headers
        .get_all(USER_AGENT)
        .iter()
        .any(|value| !value.as_bytes().trim_ascii().is_empty());
    if !given {
        headers.insert(USER_AGENT, user_agent.clone());
    }
}

/// As its text: `HeaderValue`'s own `Debug` shows non-ASCII characters as escaped bytes.
impl fmt::Debug for UserAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserAgent").field(&self.as_str()).finish()
    }
}

impl fmt::Display for UserAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<UserAgent> for String {
    fn from(user_agent: UserAgent) -> Self {
        user_agent.as_str().to_owned()
    }
}

impl AsRef<str> for UserAgent {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

validated_conversions!(UserAgent);

/// An application's OAuth 1.0a side of the conversation with Discogs: builds every step's
/// request and parses every step's reply, without doing any I/O.
///
/// See the [crate documentation](crate) for the whole flow.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    consumer: Consumer,
    user_agent: UserAgent,
    endpoints: Endpoints,
    signature_method: SignatureMethod,
}

impl OAuthClient {
    /// A client for Discogs' endpoints with PLAINTEXT signatures (Discogs' recommendation
    /// over HTTPS).
    pub fn new(consumer: Consumer, user_agent: UserAgent) -> Self {
        Self {
            consumer,
            user_agent,
            endpoints: Endpoints::discogs(),
            signature_method: SignatureMethod::Plaintext,
        }
    }

    /// Targets another provider, such as a local stand-in.
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Signs with `method` instead of PLAINTEXT (`SignatureMethod::HmacSha1` needs the
    /// `hmac-sha1` feature).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// The consumer credentials.
    pub fn consumer(&self) -> &Consumer {
        &self.consumer
    }

    /// The secrets a request signed with `access_token` carries (a PLAINTEXT signature is
    /// both), to be redacted from a reply's error message.
    pub(crate) fn signing_secrets<'a>(&'a self, access_token: &'a AccessToken) -> [&'a str; 2] {
        [
            self.consumer.secret.expose_secret(),
            access_token.secret.expose_secret(),
        ]
    }

    /// The endpoints requests go to.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The signature method in use.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// The user agent sent with every request.
    pub fn user_agent(&self) -> &UserAgent {
        &self.user_agent
    }

    /// The `Authorization: OAuth …` header value for a request.
    ///
    /// `step_parameter` is the step's own protocol parameter (`oauth_callback` or
    /// `oauth_verifier`), if any; `token` is the token the request is made with, if any.
    ///
    /// This is the signing hot path, so it builds nothing it does not send: the parameters stay
    /// borrowed, the signature is computed into a stack buffer (HMAC-SHA1) or not materialised
    /// at all (PLAINTEXT, encoded straight from the secrets), and the header is written into one
    /// buffer of the exact length, which becomes the `HeaderValue` without a copy.
    pub(crate) fn authorization(
        &self,
        method: &Method,
        uri: &Uri,
        form_body: Option<&[u8]>,
        token: Option<(&TokenValue, &TokenSecret)>,
        step_parameter: Option<StepParameter<'_>>,
        freshness: &Freshness,
    ) -> Result<HeaderValue, RequestError> {
        let mut digits = itoa::Buffer::new();
        let (callback, verifier) = match step_parameter {
            Some(StepParameter::Callback(callback)) => (Some(callback), None),
            Some(StepParameter::Verifier(verifier)) => (None, Some(verifier)),
            None => (None, None),
        };
        let fields = ProtocolFields {
            callback,
            consumer_key: self.consumer.key.as_known_text(),
            nonce: freshness.nonce.as_str(),
            signature_method: self.signature_method.as_str(),
            timestamp: digits.format(freshness.timestamp.as_unix_seconds()),
            token: token.map(|(token, _)| token.as_known_text()),
            verifier,
        };
        let (protocol, count) = fields.signed_by(self.signature_method);
        // The same parameters, in order, with what is known of each value, for a base string
        // to write as one block (PLAINTEXT signs none).
        let known;
        let written_protocol = if count == 0 {
            None
        } else {
            known = fields.signed_known();
            Some(WrittenProtocol::sorted(&known.0[..known.1]))
        };
        let base = SignatureBase {
            method,
            uri,
            protocol_parameters: &protocol[..count],
            form_body,
            written_protocol,
        };
        let signature = sign(
            self.signature_method,
            &base,
            &self.consumer.secret,
            token.map(|(_, secret)| secret),
        )?;
        Ok(fields.header(&signature))
    }

    /// A bodiless request to one of the OAuth endpoints, signed, with the headers the Discogs
    /// docs show.
    pub(crate) fn endpoint_request(
        &self,
        method: Method,
        uri: Uri,
        token: Option<(&TokenValue, &TokenSecret)>,
        step_parameter: Option<StepParameter<'_>>,
        freshness: &Freshness,
    ) -> Result<Request<Vec<u8>>, RequestError> {
        let authorization =
            self.authorization(&method, &uri, None, token, step_parameter, freshness)?;
        // Sized for the three headers up front: the map allocates once, not on each insert.
        let mut headers = HeaderMap::with_capacity(3);
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        headers.insert(USER_AGENT, self.user_agent.0.clone());
        let mut request = Request::new(Vec::new());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// RFC 5849 §1.2's client: consumer `dpf43f3p2l4k3l03` / `kd94hf93k423kf44`.
    pub fn rfc_client(method: SignatureMethod) -> OAuthClient {
        OAuthClient::new(
            Consumer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").unwrap(),
            UserAgent::new("discogs-auth-tests/1.0").unwrap(),
        )
        .with_signature_method(method)
    }

    pub fn header(request: &Request<Vec<u8>>) -> &str {
        request.headers()[AUTHORIZATION].to_str().unwrap()
    }

    /// An error of the caller's own: its message, and a cause as its source.
    #[derive(Debug)]
    pub struct CallerError {
        pub message: &'static str,
        pub cause: std::io::Error,
    }

    impl fmt::Display for CallerError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.message)
        }
    }

    impl std::error::Error for CallerError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.cause)
        }
    }
}

#[cfg(all(test, feature = "hmac-sha1"))]
mod tests {
    use super::*;

    /// What the caller set is kept, even beside an empty value; nothing or only blanks is none.
    #[test]
    fn the_caller_s_user_agent_is_kept_and_an_empty_one_replaced() {
        let ours = HeaderValue::from_static("discogs-auth-tests/1.0");
        let after = |given: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for value in given {
                headers.append(USER_AGENT, HeaderValue::from_static(value));
            }
            default_user_agent(&mut headers, &ours);
            headers
                .get_all(USER_AGENT)
                .iter()
                .map(|value| value.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(after(&[]), ["discogs-auth-tests/1.0"]);
        assert_eq!(after(&[""]), ["discogs-auth-tests/1.0"]);
        assert_eq!(after(&[" \t", ""]), ["discogs-auth-tests/1.0"]);
        assert_eq!(after(&["Custom/2.0"]), ["Custom/2.0"]);
        assert_eq!(after(&["", "Custom/2.0"]), ["", "Custom/2.0"]);
    }

    /// The accessors return what the client was built with, not defaults.
    #[test]
    fn accessors_return_the_configuration() {
        let endpoints = Endpoints::new(
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/oauth/authorize",
        )
        .unwrap();
        let client = OAuthClient::new(
            Consumer::new("key", "secret").unwrap(),
            UserAgent::new("Tests/1.0").unwrap(),
        )
        .with_endpoints(endpoints.clone())
        .with_signature_method(SignatureMethod::HmacSha1);
        assert_eq!(client.endpoints(), &endpoints);
        assert_eq!(client.signature_method(), SignatureMethod::HmacSha1);
        assert_eq!(client.consumer().key.as_str(), "key");
        assert_eq!(client.user_agent().as_header_value(), "Tests/1.0");
    }

    /// A user agent converts as the credentials do, and reads back as given, non-ASCII too.
    #[test]
    fn user_agents_convert_and_read_back() {
        let from_string = UserAgent::new(String::from("Café/1.0 +https://café.example")).unwrap();
        assert_eq!(from_string.as_str(), "Café/1.0 +https://café.example");
        assert_eq!(from_string.to_string(), "Café/1.0 +https://café.example");
        assert_eq!(
            format!("{from_string:?}"),
            r#"UserAgent("Café/1.0 +https://café.example")"#
        );
        assert_eq!(
            from_string.as_header_value().as_bytes(),
            "Café/1.0 +https://café.example".as_bytes()
        );
        let parsed: UserAgent = "MyApp/1.0".parse().unwrap();
        assert_eq!(parsed.as_ref(), "MyApp/1.0");
        assert_eq!(UserAgent::try_from("MyApp/1.0"), Ok(parsed.clone()));
        assert_eq!(UserAgent::try_from(String::from("MyApp/1.0")), Ok(parsed));
        assert_eq!(
            "MyApp/1.0\r\n".parse::<UserAgent>(),
            Err(CredentialError::ControlCharacter {
                field: "user_agent"
            })
        );
        assert_eq!(
            UserAgent::try_from(""),
            Err(CredentialError::Empty {
                field: "user_agent"
            })
        );
    }
}
