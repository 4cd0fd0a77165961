//! OAuth 1.0a as Discogs speaks it: one module per step, each split into a pure request builder
//! and a pure reply parser.
//!
//! The types carry the flow forward so that misuse does not compile: an access-token request
//! takes an [`AuthorizedRequestToken`](crate::AuthorizedRequestToken) (which only a callback or
//! a verifier makes), and API calls are signed with an [`AccessToken`](crate::AccessToken),
//! never with a request token.

mod access_token;
mod authorize;
mod identity;
mod request_token;
pub(crate) mod sign;

pub use authorize::{Callback, CallbackError};
pub use identity::Identity;
pub use request_token::CLOCK_SKEW_TOLERANCE_SECS;

use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, Uri};

use crate::credentials::{Consumer, CredentialError, TokenSecret, TokenValue, validate};
use crate::endpoints::{Endpoints, UrlError};
use crate::freshness::{Freshness, Timestamp};
use crate::oauth_header::OAuthParameters;
use crate::signature::{SignatureBase, SignatureMethod, SigningError, compute_signature};

/// `application/x-www-form-urlencoded`: the only body type whose parameters are signed.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// An OAuth request could not be built. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The request cannot be signed as it is (relative URI, undecodable query or body).
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// A URL input was refused.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The request token's 15 minutes are up; the access-token request would get a 400.
    #[error(
        "the request token expired at {expired_at} (15 minutes after issue); start the flow again"
    )]
    RequestTokenExpired {
        /// When it expired (seconds since the Unix epoch).
        expired_at: Timestamp,
    },
}

/// The `User-Agent` every request to Discogs must carry (Discogs answers an empty reply
/// without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent(HeaderValue);

impl UserAgent {
    /// Validates a user agent: non-empty, no control characters.
    ///
    /// ```
    /// use discogs_auth_core::UserAgent;
    /// assert!(UserAgent::new("MyDiscogsApp/1.0 +https://example.com").is_ok());
    /// assert!(UserAgent::new("evil\r\nX-Injected: 1").is_err());
    /// ```
    pub fn new(user_agent: &str) -> Result<Self, CredentialError> {
        validate("user_agent", user_agent)?;
        HeaderValue::from_str(user_agent)
            .map(Self)
            .map_err(|_| CredentialError::ControlCharacter {
                field: "user_agent",
            })
    }

    /// The header value.
    pub fn as_header_value(&self) -> &HeaderValue {
        &self.0
    }
}

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
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Signs with `method` instead of PLAINTEXT.
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// The consumer credentials.
    pub fn consumer(&self) -> &Consumer {
        &self.consumer
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
    /// `step_parameters` are the step's own protocol parameters (`oauth_callback`,
    /// `oauth_verifier`); `token` is the token the request is made with, if any.
    pub(crate) fn authorization(
        &self,
        method: &Method,
        uri: &Uri,
        form_body: Option<&[u8]>,
        token: Option<(&TokenValue, &TokenSecret)>,
        step_parameters: &[(&'static str, &str)],
        freshness: &Freshness,
    ) -> Result<HeaderValue, RequestError> {
        let timestamp = freshness.timestamp.to_string();
        let mut parameters: Vec<(&str, &str)> = Vec::with_capacity(8);
        parameters.push(("oauth_consumer_key", self.consumer.key.as_str()));
        parameters.push(("oauth_nonce", freshness.nonce.as_str()));
        parameters.push(("oauth_signature_method", self.signature_method.as_str()));
        parameters.push(("oauth_timestamp", &timestamp));
        if let Some((token, _)) = token {
            parameters.push(("oauth_token", token.as_str()));
        }
        parameters.extend_from_slice(step_parameters);

        let base = SignatureBase {
            method,
            uri,
            protocol_parameters: &parameters,
            form_body,
        };
        let signature = compute_signature(
            self.signature_method,
            &base,
            self.consumer.secret.expose_secret(),
            token.map(|(_, secret)| secret.expose_secret()),
        )?;
        parameters.push(("oauth_signature", &signature));
        parameters.sort_unstable_by_key(|(name, _)| *name);
        let header = OAuthParameters::new(None, parameters).to_header_value();
        // Every name and value was percent-encoded to ASCII, so the header is always valid.
        Ok(HeaderValue::try_from(header).unwrap_or_else(|_| HeaderValue::from_static("OAuth")))
    }

    /// A bodiless request to one of the OAuth endpoints, signed, with the headers the Discogs
    /// docs show.
    pub(crate) fn endpoint_request(
        &self,
        method: Method,
        uri: Uri,
        token: Option<(&TokenValue, &TokenSecret)>,
        step_parameters: &[(&'static str, &str)],
        freshness: &Freshness,
    ) -> Result<Request<Vec<u8>>, RequestError> {
        let authorization =
            self.authorization(&method, &uri, None, token, step_parameters, freshness)?;
        let mut request = Request::new(Vec::new());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        headers.insert(USER_AGENT, self.user_agent.0.clone());
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
}
