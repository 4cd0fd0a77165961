//! The blocking transport, over `reqwest::blocking::Client`.

use std::time::Duration;

use discogs_auth_core::http::{Request, Response};
use discogs_auth_core::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT, ReplyBody,
    SyncTransport, TransportError, ensure_secure_url, has_body_to_send, is_loopback_url,
};

use crate::{client_error, head};

/// A [`SyncTransport`] over a [`reqwest::blocking::Client`]. Like every blocking reqwest
/// client, create and use it outside of an async runtime.
#[derive(Debug, Clone)]
pub struct BlockingReqwestTransport {
    client: reqwest::blocking::Client,
    /// For loopback URLs ([`is_loopback_url`]): the same settings without a proxy. A proxy
    /// named in the environment (`HTTP_PROXY`, `ALL_PROXY`) would carry what must stay on this
    /// machine off it, in clear for `http://`, or fail to reach it at all.
    loopback: reqwest::blocking::Client,
    body_limit: usize,
    /// The time allowed for a whole request, reply body included. A blocking client's own
    /// timeout bounds the wait for the headers and each read of the body apart, so a server
    /// that sends a byte now and then could hold it for hours; this one is set on each request,
    /// where reqwest makes it a deadline for the whole exchange.
    timeout: Duration,
}

impl BlockingReqwestTransport {
    /// A client with safe defaults: no redirects followed, [`DEFAULT_CONNECT_TIMEOUT`] and
    /// [`DEFAULT_TIMEOUT`] for the whole request (reply body included), replies capped at
    /// [`DEFAULT_BODY_LIMIT`] bytes.
    ///
    /// Requests to loopback (a local stand-in) never go through a proxy from the
    /// environment; the others do. So the transport holds two clients, each with its own
    /// connection pool and, as every blocking reqwest client, its own runtime thread: make
    /// one and clone it (clones share both) rather than one per request.
    ///
    /// # Errors
    ///
    /// As [`ReqwestTransport::new`](crate::ReqwestTransport::new).
    ///
    /// # Panics
    ///
    /// When called within an async runtime, as reqwest's blocking client panics there: make
    /// it outside, or use the async [`ReqwestTransport`](crate::ReqwestTransport).
    pub fn new() -> Result<Self, TransportError> {
        Self::configured(|builder| builder)
    }

    /// The client of [`BlockingReqwestTransport::new`] with settings of yours changed (root
    /// certificates, a proxy) and the others kept: `change` is given a builder with the safe
    /// settings (the default timeouts) and returns it changed. Requests to loopback still never
    /// go through a proxy; `change` is called once for them and once for the others.
    ///
    /// The whole request's deadline is [`DEFAULT_TIMEOUT`], whatever `timeout` the builder is
    /// given (a blocking client's own timeout bounds each wait apart, and reqwest lets the
    /// deadline replace it): [`with_timeout`](Self::with_timeout) changes it, as it does for
    /// the async [`ReqwestTransport`](crate::ReqwestTransport).
    ///
    /// Redirects are never followed, whatever `change` sets, for the reasons
    /// [`ReqwestTransport::configured`](crate::ReqwestTransport::configured) gives.
    ///
    /// ```
    /// use std::time::Duration;
    /// use discogs_auth_reqwest::BlockingReqwestTransport;
    ///
    /// let transport = BlockingReqwestTransport::configured(|builder| {
    ///     builder.connect_timeout(Duration::from_secs(3))
    /// })?;
    /// # Ok::<(), discogs_auth_reqwest::TransportError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ReqwestTransport::configured`](crate::ReqwestTransport::configured).
    ///
    /// # Panics
    ///
    /// As [`BlockingReqwestTransport::new`].
    pub fn configured(
        change: impl Fn(reqwest::blocking::ClientBuilder) -> reqwest::blocking::ClientBuilder,
    ) -> Result<Self, TransportError> {
        let safe_defaults = || {
            change(
                reqwest::blocking::Client::builder()
                    .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                    .timeout(DEFAULT_TIMEOUT),
            )
            .redirect(reqwest::redirect::Policy::none())
        };
        Ok(Self {
            loopback: safe_defaults().no_proxy().build().map_err(client_error)?,
            client: safe_defaults().build().map_err(client_error)?,
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Allows `timeout` for each whole request, from connecting to the last byte of the reply
    /// body ([`DEFAULT_TIMEOUT`] for [`new`](Self::new)). At most [`MAX_TIMEOUT`]: a longer one
    /// is shortened to it.
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(MAX_TIMEOUT);
        self
    }

    /// Caps reply bodies at `limit` bytes instead of [`DEFAULT_BODY_LIMIT`] (see
    /// [`ReplyBody`] for what happens above it).
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }
}

impl SyncTransport for BlockingReqwestTransport {
    type Error = TransportError;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        ensure_secure_url(request.uri())?;
        let client = if is_loopback_url(request.uri()) {
            &self.loopback
        } else {
            &self.client
        };
        let sends_body = has_body_to_send(&request);
        let mut request = reqwest::blocking::Request::try_from(request).map_err(client_error)?;
        if !sends_body {
            *request.body_mut() = None;
        }
        *request.timeout_mut() = Some(self.timeout);
        let response = client.execute(request).map_err(client_error)?;
        let mut body = ReplyBody::new(
            response.status(),
            response.content_length(),
            self.body_limit,
        )?;
        let head = head(response.status(), response.version(), response.headers());
        body.read_from(response, client_error)?;
        Ok(body.finish(head))
    }
}
