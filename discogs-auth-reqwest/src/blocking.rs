//! The blocking transport, over `reqwest::blocking::Client`.

use std::io::Read;

use discogs_auth_core::http::{Request, Response};
use discogs_auth_core::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, SyncTransport, TransportError,
    ensure_secure_url,
};

use crate::{client_error, http_response, refuse_declared_oversize};

/// A [`SyncTransport`] over a [`reqwest::blocking::Client`]. Like every blocking reqwest
/// client, create and use it outside of an async runtime.
#[derive(Debug, Clone)]
pub struct BlockingReqwestTransport {
    client: reqwest::blocking::Client,
    body_limit: usize,
}

impl BlockingReqwestTransport {
    /// A client with safe defaults: no redirects followed, [`DEFAULT_CONNECT_TIMEOUT`] and
    /// [`DEFAULT_TIMEOUT`], replies capped at [`DEFAULT_BODY_LIMIT`] bytes.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .build()
            .map_err(client_error)?;
        Ok(Self::from_client(client))
    }

    /// Your own client, with its settings untouched.
    pub fn from_client(client: reqwest::blocking::Client) -> Self {
        Self {
            client,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Caps reply bodies at `limit` bytes instead of [`DEFAULT_BODY_LIMIT`].
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }
}

impl SyncTransport for BlockingReqwestTransport {
    type Error = TransportError;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        ensure_secure_url(request.uri())?;
        let request = reqwest::blocking::Request::try_from(request).map_err(client_error)?;
        let response = self.client.execute(request).map_err(client_error)?;
        refuse_declared_oversize(response.content_length(), self.body_limit)?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        // One byte past the limit tells a body of exactly `limit` bytes from a larger one.
        let mut body = Vec::new();
        let readable = u64::try_from(self.body_limit)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        response
            .take(readable)
            .read_to_end(&mut body)
            .map_err(TransportError::client)?;
        if body.len() > self.body_limit {
            return Err(TransportError::BodyTooLarge {
                limit: self.body_limit,
            });
        }
        Ok(http_response(status, version, &headers, body))
    }
}
