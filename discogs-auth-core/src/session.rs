//! The flow written once: every step sent over a [`SyncTransport`] or an [`AsyncTransport`].

use std::fmt;
use std::sync::Arc;

use http::{Request, Response};

use crate::credentials::{AccessToken, AuthorizedRequestToken, RequestToken};
use crate::discogs_auth::{DiscogsAuth, DiscogsAuthError, Placement};
use crate::endpoints::{Endpoints, UrlError, UrlErrorKind};
use crate::freshness::{
    Clock, Freshness, NonceSource, OsNonceSource, RandomSourceError, SystemClock, Timestamp,
};
use crate::oauth::{
    Callback, CallbackError, Identity, OAuthClient, RequestError, UserAgent, default_user_agent,
};
use crate::reply::ReplyError;
use crate::transport::{AsyncTransport, SyncTransport};

/// A step of the flow failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FlowError<E> {
    /// The transport could not send the request or receive the reply.
    Transport(E),
    /// The request could not be built; nothing was sent.
    Request(RequestError),
    /// The reply was an error status or could not be read.
    Reply(ReplyError),
    /// The OS random source failed while making a nonce; nothing was sent.
    RandomSource(RandomSourceError),
    /// Discogs Auth credentials could not be applied; nothing was sent.
    DiscogsAuth(DiscogsAuthError),
    /// The callback was not an approval of the request token (step 2, read with
    /// [`RequestToken::authorize_from_callback`]): here so that one function can finish a
    /// login, callback to identity, with `?` alone.
    Callback(CallbackError),
}

impl<E: std::error::Error + 'static> FlowError<E> {
    /// Whether the same step may succeed later unchanged: a transient reply
    /// ([`ReplyError::is_transient`]: 429, 408, 500, 502, 503, 504) or a transient
    /// [`TransportError`](crate::TransportError) (a timeout, a failed connection). A transport
    /// of the caller's own is not judged: its errors count as not transient.
    ///
    /// The access-token step ([`Session::access_token`]) is the exception to a plain retry: a
    /// request that reached Discogs spends the verifier even when its reply is lost, so a retry
    /// refused with a 401 means starting the login again.
    ///
    /// ```
    /// use discogs_auth_core::{FlowError, TransportError};
    /// assert!(FlowError::Transport(TransportError::Timeout).is_transient());
    /// let refused = TransportError::InsecureUrl { host: "api.example".into() };
    /// assert!(!FlowError::Transport(refused).is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport(error) => crate::transport::transport_error_is_transient(error),
            Self::Reply(error) => error.is_transient(),
            _ => false,
        }
    }

    /// How long the reply asked to wait before trying again (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Reply(error) => error.retry_after(),
            _ => None,
        }
    }
}

impl<E> FlowError<E> {
    /// Whether the request token expired before the exchange (step 3): this library refuses
    /// to send it once its 15 minutes are over ([`RequestError::RequestTokenExpired`]), and
    /// Discogs refuses one that expired on the way ([`ReplyError::RequestTokenExpired`]).
    /// Either way the user must start the login again.
    ///
    /// ```
    /// use discogs_auth_core::{FlowError, RequestError, Timestamp};
    /// let refused: FlowError<std::io::Error> = RequestError::RequestTokenExpired {
    ///     expired_at: Timestamp::from_unix_seconds(1_700_000_900)?,
    /// }
    /// .into();
    /// assert!(refused.is_request_token_expired());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_request_token_expired(&self) -> bool {
        matches!(
            self,
            Self::Request(RequestError::RequestTokenExpired { .. })
                | Self::Reply(ReplyError::RequestTokenExpired(_))
        )
    }

    /// Whether sending the same exchange again cannot succeed, and a new login will: the
    /// request token expired ([`is_request_token_expired`](Self::is_request_token_expired)) or
    /// Discogs refused the exchange ([`ReplyError::AccessTokenRefused`]: a wrong or spent
    /// verifier). Send the user to authorize again, from a new request token; after a refusal,
    /// a verifier the user typed may first be typed again (see
    /// [`ReplyError::must_restart_login`]). A denial ([`CallbackError::Denied`]) is not one: it
    /// is the user's answer.
    ///
    /// ```
    /// use discogs_auth_core::{ApiError, FlowError, ReplyError};
    /// let refused = ApiError::new(http::StatusCode::UNAUTHORIZED, "Invalid verifier.", None);
    /// let error: FlowError<std::io::Error> = ReplyError::AccessTokenRefused(refused).into();
    /// assert!(error.must_restart_login());
    /// assert!(!error.is_transient());
    /// ```
    pub fn must_restart_login(&self) -> bool {
        match self {
            Self::Request(error) => error.must_restart_login(),
            Self::Reply(error) => error.must_restart_login(),
            _ => false,
        }
    }
}

impl<E: fmt::Display> fmt::Display for FlowError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => fmt::Display::fmt(error, f),
            Self::Request(error) => fmt::Display::fmt(error, f),
            Self::Reply(error) => fmt::Display::fmt(error, f),
            Self::RandomSource(error) => fmt::Display::fmt(error, f),
            Self::DiscogsAuth(error) => fmt::Display::fmt(error, f),
            Self::Callback(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<E: std::error::Error> std::error::Error for FlowError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Every variant is transparent: the wrapped error's own source.
            Self::Transport(error) => std::error::Error::source(error),
            Self::Request(error) => std::error::Error::source(error),
            Self::Reply(error) => std::error::Error::source(error),
            Self::RandomSource(error) => std::error::Error::source(error),
            Self::DiscogsAuth(error) => std::error::Error::source(error),
            Self::Callback(error) => std::error::Error::source(error),
        }
    }
}

impl<E> From<RequestError> for FlowError<E> {
    fn from(error: RequestError) -> Self {
        Self::Request(error)
    }
}

impl<E> From<ReplyError> for FlowError<E> {
    fn from(error: ReplyError) -> Self {
        Self::Reply(error)
    }
}

impl<E> From<RandomSourceError> for FlowError<E> {
    fn from(error: RandomSourceError) -> Self {
        Self::RandomSource(error)
    }
}

impl<E> From<DiscogsAuthError> for FlowError<E> {
    fn from(error: DiscogsAuthError) -> Self {
        Self::DiscogsAuth(error)
    }
}

impl<E> From<CallbackError> for FlowError<E> {
    fn from(error: CallbackError) -> Self {
        Self::Callback(error)
    }
}

/// Drives the OAuth flow and signed API calls over a transport: each method builds the
/// request with [`OAuthClient`], sends it, and parses the reply.
///
/// Time and nonces come from [`SystemClock`] and [`OsNonceSource`] unless replaced with
/// [`Session::with_clock`] and [`Session::with_nonce_source`].
///
/// Blocking methods need `T: SyncTransport`; their `_async` twins need `T: AsyncTransport`.
///
/// ```
/// use discogs_auth_core::*;
/// use discogs_auth_core::http::{Request, Response};
///
/// // A closure plays Discogs.
/// let discogs = |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, std::io::Error> {
///     assert_eq!(request.uri().path(), "/oauth/request_token");
///     Ok(Response::new(b"oauth_token=abc123&oauth_token_secret=xyz789&oauth_callback_confirmed=true".to_vec()))
/// };
/// let session = Session::new(
///     OAuthClient::new(Consumer::new("key", "secret")?, UserAgent::new("MyApp/1.0")?),
///     discogs,
/// );
/// let request_token = session.request_token(&Callback::OutOfBand)?;
/// assert_eq!(session.authorize_url(&request_token), "https://www.discogs.com/oauth/authorize?oauth_token=abc123");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Session<T> {
    client: OAuthClient,
    transport: T,
    clock: Arc<dyn Clock + Send + Sync>,
    nonces: Arc<dyn NonceSource + Send + Sync>,
}

impl<T> fmt::Debug for Session<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl<T> Session<T> {
    /// A session sending `client`'s requests over `transport`.
    pub fn new(client: OAuthClient, transport: T) -> Self {
        Self {
            client,
            transport,
            clock: Arc::new(SystemClock),
            nonces: Arc::new(OsNonceSource),
        }
    }

    /// Takes the time from `clock` (an [`OffsetClock`](crate::OffsetClock) for a machine
    /// whose clock is off, a manual clock in tests).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_clock(mut self, clock: impl Clock + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Takes nonces from `nonces`.
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_nonce_source(mut self, nonces: impl NonceSource + Send + Sync + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// The request builder and reply parser.
    pub fn client(&self) -> &OAuthClient {
        &self.client
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Where requests may go: build their URLs with [`Endpoints::api_url`], which the session
    /// sends to ([`Session::send_signed`] refuses any other origin).
    pub fn endpoints(&self) -> &Endpoints {
        self.client.endpoints()
    }

    /// The time by the session's clock, which it signs with and judges expiry by: check a
    /// pending request token against it ([`RequestToken::is_expired`]) so that an
    /// [`OffsetClock`](crate::OffsetClock) counts there too.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The page to send the user to after [`Session::request_token`].
    pub fn authorize_url(&self, request_token: &RequestToken) -> String {
        self.client.authorize_url(request_token)
    }

    /// A nonce and timestamp from the session's sources.
    ///
    /// # Errors
    ///
    /// As [`Freshness::from_sources`]: the session's nonce source failed.
    pub fn freshness(&self) -> Result<Freshness, RandomSourceError> {
        Freshness::from_sources(&*self.nonces, &*self.clock)
    }

    /// `request` signed with `access_token`, and the nonce and timestamp it was signed with.
    fn signed_request<E>(
        &self,
        access_token: &AccessToken,
        mut request: Request<Vec<u8>>,
    ) -> Result<(Request<Vec<u8>>, Freshness), FlowError<E>> {
        ensure_api_url(self.client.endpoints(), &request)?;
        let freshness = self.freshness()?;
        self.client
            .sign_request(access_token, &mut request, &freshness)?;
        Ok((request, freshness))
    }

    fn discogs_auth_request<E>(
        &self,
        auth: &DiscogsAuth,
        placement: Placement,
        request: Request<Vec<u8>>,
    ) -> Result<Request<Vec<u8>>, FlowError<E>> {
        discogs_auth_request(
            self.client.endpoints(),
            self.client.user_agent(),
            auth,
            placement,
            request,
        )
    }
}

/// Credentials go only to the API base. A URL taken from a reply (an image on a CDN, a page of
/// the website) would otherwise be sent the personal token, or a PLAINTEXT signature, which
/// holds both secrets.
fn ensure_api_url(endpoints: &Endpoints, request: &Request<Vec<u8>>) -> Result<(), RequestError> {
    if endpoints.is_api_url(request.uri()) {
        Ok(())
    } else {
        Err(RequestError::Url(UrlError {
            field: "request URI",
            kind: UrlErrorKind::NotOnApiBase,
            reason: "it is not on the API base, the only place a session sends credentials \
                     (build it with Endpoints::api_url)",
        }))
    }
}

/// `request` with Discogs Auth credentials where `placement` says, and `user_agent` if it has
/// no `User-Agent` or an empty one; refused unless it goes to `endpoints`' API base.
pub(crate) fn discogs_auth_request<E>(
    endpoints: &Endpoints,
    user_agent: &UserAgent,
    auth: &DiscogsAuth,
    placement: Placement,
    mut request: Request<Vec<u8>>,
) -> Result<Request<Vec<u8>>, FlowError<E>> {
    ensure_api_url(endpoints, &request)?;
    auth.apply(&mut request, placement)?;
    default_user_agent(request.headers_mut(), user_agent.as_header_value());
    Ok(request)
}

impl<T: SyncTransport> Session<T> {
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        self.transport.send(request).map_err(FlowError::Transport)
    }

    /// Step 1: obtains a request token.
    ///
    /// # Errors
    ///
    /// Nothing is sent on [`FlowError::RandomSource`] (no nonce) or [`FlowError::Request`] (a
    /// callback or endpoint the request cannot carry). Then [`FlowError::Transport`], and
    /// [`FlowError::Reply`]: the statuses' [`ReplyError`]s, [`ReplyError::ClockSkew`] for a
    /// refusal while this machine's clock is off, and for a success reply that is not a token
    /// reply, [`ReplyError::NotATokenReply`], [`ReplyError::MissingField`],
    /// [`ReplyError::InvalidField`] or [`ReplyError::CallbackNotConfirmed`].
    pub fn request_token(&self, callback: &Callback) -> Result<RequestToken, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.request_token_request(callback, &freshness)?;
        let response = self.send(request)?;
        Ok(self
            .client
            .on_request_token_response(&response, freshness.timestamp)?)
    }

    /// Step 3: exchanges an approved request token for an access token. A request token past
    /// its 15 minutes is [`FlowError::is_request_token_expired`].
    ///
    /// # Errors
    ///
    /// As [`Session::request_token`], and: [`RequestError::RequestTokenExpired`] (nothing
    /// sent) or [`ReplyError::RequestTokenExpired`] when the 15 minutes are up,
    /// [`ReplyError::AccessTokenRefused`] for a wrong or spent verifier. Both are
    /// [`FlowError::must_restart_login`]; so is a 401 to a retry of an exchange whose reply was
    /// lost, as Discogs spent the verifier on the first.
    pub fn access_token(
        &self,
        authorized: &AuthorizedRequestToken,
    ) -> Result<AccessToken, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.access_token_request(authorized, &freshness)?;
        let response = self.send(request)?;
        // The clock again, now that the reply is in: the request token may have expired while
        // it was on the way, and a refusal is then reported as that.
        self.client
            .on_access_token_response(authorized, &response, self.clock.now())
            .map_err(|error| error.blame_clock(&response, freshness.timestamp).into())
    }

    /// Step 4: who the access token acts for. A refusal while this machine's clock is off
    /// (more than [`CLOCK_SKEW_TOLERANCE_SECS`](crate::CLOCK_SKEW_TOLERANCE_SECS) from the
    /// provider's `Date`) is [`ReplyError::ClockSkew`], here and at every step that signs,
    /// rather than a revoked token's [`ReplyError::Unauthorized`].
    ///
    /// # Errors
    ///
    /// [`FlowError::RandomSource`] or [`FlowError::Request`] with nothing sent,
    /// [`FlowError::Transport`], and [`FlowError::Reply`]: [`ReplyError::Unauthorized`] for a
    /// revoked access token, the other statuses' [`ReplyError`]s, or
    /// [`ReplyError::MalformedJson`] for a success reply that is not the identity.
    pub fn identity(&self, access_token: &AccessToken) -> Result<Identity, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.identity_request(access_token, &freshness)?;
        let response = self.send(request)?;
        self.client
            .on_identity_response(access_token, &response)
            .map_err(|error| error.blame_clock(&response, freshness.timestamp).into())
    }

    /// Signs `request` with the access token and sends it. A non-success status is returned as
    /// its typed [`ReplyError`] (429 as [`ReplyError::RateLimited`] with the figures).
    ///
    /// The request's URL must be on the API base
    /// ([`Endpoints::is_api_url`](crate::Endpoints::is_api_url)); any other is refused as
    /// [`RequestError::Url`] and nothing is sent. Build it with
    /// [`Endpoints::api_url`](crate::Endpoints::api_url); fetch what needs no credentials
    /// (images) with the HTTP client.
    ///
    /// # Errors
    ///
    /// [`FlowError::RandomSource`] or [`FlowError::Request`] (a URL off the API base, a
    /// request that cannot be signed) with nothing sent, [`FlowError::Transport`], and
    /// [`FlowError::Reply`] for any status but a success; the body of a success reply is not
    /// read.
    pub fn send_signed(
        &self,
        access_token: &AccessToken,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let (request, freshness) = self.signed_request(access_token, request)?;
        let response = self.send(request)?;
        match self.client.on_signed_response(access_token, &response) {
            Ok(_) => Ok(response),
            Err(error) => Err(error.blame_clock(&response, freshness.timestamp).into()),
        }
    }

    /// Adds Discogs Auth credentials (and the session's `User-Agent` if missing) and sends
    /// `request`. Its URL and the statuses are handled as in [`Session::send_signed`].
    ///
    /// # Errors
    ///
    /// As [`Session::send_signed`], with [`FlowError::DiscogsAuth`] for credentials the
    /// placement cannot carry (nothing sent) in place of a nonce's failure.
    pub fn send_with_discogs_auth(
        &self,
        auth: &DiscogsAuth,
        placement: Placement,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let request = self.discogs_auth_request(auth, placement, request)?;
        let response = self.send(request)?;
        auth.on_response(&response)?;
        Ok(response)
    }
}

impl<T: AsyncTransport> Session<T> {
    async fn send_async(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        self.transport
            .send(request)
            .await
            .map_err(FlowError::Transport)
    }

    /// Step 1, async: obtains a request token.
    ///
    /// # Errors
    ///
    /// As [`Session::request_token`].
    pub async fn request_token_async(
        &self,
        callback: &Callback,
    ) -> Result<RequestToken, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.request_token_request(callback, &freshness)?;
        let response = self.send_async(request).await?;
        Ok(self
            .client
            .on_request_token_response(&response, freshness.timestamp)?)
    }

    /// Step 3, async: exchanges an approved request token for an access token. A request
    /// token past its 15 minutes is [`FlowError::is_request_token_expired`].
    ///
    /// Let it finish: dropping the future (a timeout around it, a web request whose visitor
    /// went away) after the request went out can leave Discogs having spent the verifier while
    /// the access token is lost, and a retry with the same verifier is refused. Nothing in
    /// the session is left half-changed, but the user has to approve again; a server runs
    /// this step in a task of its own (`tokio::spawn`) and applies its timeouts to the
    /// transport instead.
    ///
    /// # Errors
    ///
    /// As [`Session::access_token`].
    pub async fn access_token_async(
        &self,
        authorized: &AuthorizedRequestToken,
    ) -> Result<AccessToken, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.access_token_request(authorized, &freshness)?;
        let response = self.send_async(request).await?;
        self.client
            .on_access_token_response(authorized, &response, self.clock.now())
            .map_err(|error| error.blame_clock(&response, freshness.timestamp).into())
    }

    /// Step 4, async: who the access token acts for.
    ///
    /// # Errors
    ///
    /// As [`Session::identity`].
    pub async fn identity_async(
        &self,
        access_token: &AccessToken,
    ) -> Result<Identity, FlowError<T::Error>> {
        let freshness = self.freshness()?;
        let request = self.client.identity_request(access_token, &freshness)?;
        let response = self.send_async(request).await?;
        self.client
            .on_identity_response(access_token, &response)
            .map_err(|error| error.blame_clock(&response, freshness.timestamp).into())
    }

    /// Async [`Session::send_signed`].
    ///
    /// # Errors
    ///
    /// As [`Session::send_signed`].
    pub async fn send_signed_async(
        &self,
        access_token: &AccessToken,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let (request, freshness) = self.signed_request(access_token, request)?;
        let response = self.send_async(request).await?;
        match self.client.on_signed_response(access_token, &response) {
            Ok(_) => Ok(response),
            Err(error) => Err(error.blame_clock(&response, freshness.timestamp).into()),
        }
    }

    /// Async [`Session::send_with_discogs_auth`].
    ///
    /// # Errors
    ///
    /// As [`Session::send_with_discogs_auth`].
    pub async fn send_with_discogs_auth_async(
        &self,
        auth: &DiscogsAuth,
        placement: Placement,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let request = self.discogs_auth_request(auth, placement, request)?;
        let response = self.send_async(request).await?;
        auth.on_response(&response)?;
        Ok(response)
    }
}
