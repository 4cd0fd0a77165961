//! Discogs Auth sent over a transport: no OAuth consumer, no flow, credentials on every call.

use std::fmt;

use http::{Request, Response};

use crate::discogs_auth::{DiscogsAuth, Placement};
use crate::endpoints::Endpoints;
use crate::oauth::UserAgent;
use crate::session::{FlowError, discogs_auth_request};
use crate::transport::{AsyncTransport, SyncTransport};

/// Sends API requests with Discogs Auth credentials (a personal token, or a consumer key and
/// secret) over a transport: what a [`Session`](crate::Session) does for an access token,
/// for a program that has no OAuth consumer.
///
/// Every request gets the credentials (in the `Authorization` header unless
/// [`with_placement`](Self::with_placement) says otherwise) and, when it has none, the
/// session's `User-Agent` (Discogs answers a request without one with an empty reply). Its URL
/// must be on the API base ([`Endpoints::is_api_url`]): a URL taken from a reply (an image on a
/// CDN) would otherwise be sent the token. Any reply but a 2xx (a 3xx too: the transports
/// follow no redirect) is its typed [`ReplyError`](crate::ReplyError), with the credentials
/// redacted from its message.
///
/// ```
/// use discogs_auth_core::http::{Request, Response};
/// use discogs_auth_core::{DiscogsAuth, DiscogsAuthSession, UserAgent};
///
/// // A closure plays Discogs.
/// let discogs = |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, std::io::Error> {
///     assert_eq!(request.headers()["authorization"], "Discogs token=abcxyz123456");
///     assert_eq!(request.headers()["user-agent"], "MyDiscogsApp/1.0");
///     Ok(Response::new(br#"{"results": []}"#.to_vec()))
/// };
/// let session = DiscogsAuthSession::new(
///     DiscogsAuth::token("abcxyz123456")?,
///     UserAgent::new("MyDiscogsApp/1.0")?,
///     discogs,
/// );
/// let search = session.endpoints().api_url("/database/search?q=Nirvana")?;
/// let reply = session.send(Request::get(search).body(Vec::new())?)?;
/// assert_eq!(reply.body(), br#"{"results": []}"#);
///
/// // Credentials go to the API base only.
/// let image = Request::get("https://i.discogs.com/image.jpg").body(Vec::new())?;
/// assert!(session.send(image).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DiscogsAuthSession<T> {
    auth: DiscogsAuth,
    placement: Placement,
    user_agent: UserAgent,
    endpoints: Endpoints,
    transport: T,
}

impl<T> fmt::Debug for DiscogsAuthSession<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscogsAuthSession")
            .field("auth", &self.auth)
            .field("placement", &self.placement)
            .field("user_agent", &self.user_agent)
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl<T> DiscogsAuthSession<T> {
    /// A session sending `auth` in the `Authorization` header to Discogs' API over
    /// `transport`.
    pub fn new(auth: DiscogsAuth, user_agent: UserAgent, transport: T) -> Self {
        Self {
            auth,
            placement: Placement::Header,
            user_agent,
            endpoints: Endpoints::discogs(),
            transport,
        }
    }

    /// Sends the credentials where `placement` says ([`Placement::Query`] puts them in the
    /// URL, which ends up in server logs).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// Sends to `endpoints`' API base instead of Discogs' (a local stand-in, a proxy).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Where requests may go: build their URLs with [`Endpoints::api_url`].
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The credentials sent with every request.
    pub fn auth(&self) -> &DiscogsAuth {
        &self.auth
    }

    /// Where the credentials go: the `Authorization` header unless set otherwise.
    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// The `User-Agent` given to requests that have none.
    pub fn user_agent(&self) -> &UserAgent {
        &self.user_agent
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    fn prepared<E>(&self, request: Request<Vec<u8>>) -> Result<Request<Vec<u8>>, FlowError<E>> {
        discogs_auth_request(
            &self.endpoints,
            &self.user_agent,
            &self.auth,
            self.placement,
            request,
        )
    }
}

impl<T: SyncTransport> DiscogsAuthSession<T> {
    /// Adds the credentials (and the `User-Agent` if missing) to `request` and sends it. Its
    /// URL must be on the API base; a non-success status is its typed
    /// [`ReplyError`](crate::ReplyError) (429 as
    /// [`ReplyError::RateLimited`](crate::ReplyError::RateLimited), with the figures).
    ///
    /// # Errors
    ///
    /// Nothing is sent on [`FlowError::Request`] (a URL off the API base) or
    /// [`FlowError::DiscogsAuth`] (credentials the placement cannot carry). Then
    /// [`FlowError::Transport`], and [`FlowError::Reply`] for any status but a success; the
    /// body of a success reply is not read.
    pub fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let response = self
            .transport
            .send(self.prepared(request)?)
            .map_err(FlowError::Transport)?;
        self.auth.on_response(&response)?;
        Ok(response)
    }
}

impl<T: AsyncTransport> DiscogsAuthSession<T> {
    /// Async [`DiscogsAuthSession::send`].
    ///
    /// # Errors
    ///
    /// As [`DiscogsAuthSession::send`].
    pub async fn send_async(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, FlowError<T::Error>> {
        let response = self
            .transport
            .send(self.prepared(request)?)
            .await
            .map_err(FlowError::Transport)?;
        self.auth.on_response(&response)?;
        Ok(response)
    }
}
