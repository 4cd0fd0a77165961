//! Helpers for the transports' safety tests, and the reply to unknown paths.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal};
use crate::state::State;

/// An endpoint anyone may call with any method and no `User-Agent`: nothing to authenticate,
/// counted against the client's address.
trait OpenEndpoint {
    /// The shape of its error replies.
    const FORMAT: Format;

    /// The reply.
    fn reply(incoming: &Incoming) -> Result<Response, Refusal>;
}

impl<T: OpenEndpoint> Endpoint for T {
    const FORMAT: Format = <T as OpenEndpoint>::FORMAT;
    const REQUIRES_USER_AGENT: bool = false;
    type Auth = ();

    fn allows(_method: &Method) -> bool {
        true
    }

    fn authenticate(_state: &mut State, _incoming: &Incoming) -> Result<(), Refusal> {
        Ok(())
    }

    fn authenticated(_auth: &()) -> bool {
        false
    }

    fn nonce(_auth: &()) -> Option<NonceUse> {
        None
    }

    fn reply(_state: &mut State, incoming: &Incoming, _auth: ()) -> Result<Response, Refusal> {
        <T as OpenEndpoint>::reply(incoming)
    }
}

/// Size of the `/oversized/` body: one byte over the transports' default limit.
pub(crate) const OVERSIZED_BODY_LEN: usize = discogs_auth_core::DEFAULT_BODY_LIMIT + 1;

/// `/redirect/<rest>` → `307 Location: /<rest>` (query kept), always on the stand-in: with
/// `<base>/redirect` as API base, every auth endpoint answers with a redirect a client must
/// not follow.
pub(crate) struct Redirect;

impl OpenEndpoint for Redirect {
    const FORMAT: Format = Format::Text;

    fn reply(incoming: &Incoming) -> Result<Response, Refusal> {
        let uri = incoming.request.uri();
        let rest = uri.path().strip_prefix("/redirect").unwrap_or_default();
        // One leading `/` only: `//evil.example/x` (and `/\evil.example`, to a browser) would
        // send the client to another host.
        let path = rest.trim_start_matches(['/', '\\']);
        let target = match uri.query() {
            Some(query) => format!("/{path}?{query}"),
            None => format!("/{path}"),
        };
        let location = HeaderValue::try_from(target)
            .map_err(|_| Refusal::bad_request("Unusable redirect target."))?;
        let mut response = reply::text(StatusCode::TEMPORARY_REDIRECT, "");
        response.headers_mut().insert(LOCATION, location);
        Ok(response)
    }
}

/// `/oversized/<rest>` → 200 with a body one byte over the transports' default limit, for
/// clients' reply-size caps.
pub(crate) struct Oversized;

impl OpenEndpoint for Oversized {
    const FORMAT: Format = Format::Text;

    fn reply(_incoming: &Incoming) -> Result<Response, Refusal> {
        Ok(reply::text(StatusCode::OK, oversized_body()))
    }
}

/// The `/oversized/` body, made once and shared by every reply: a copy each would let clients
/// that never read their reply hold 8 MiB of the stand-in's memory a connection.
fn oversized_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| Bytes::from(vec![b'x'; OVERSIZED_BODY_LEN]))
        .clone()
}

/// Any other path: 404 in Discogs' JSON shape.
pub(crate) struct NotFound;

impl OpenEndpoint for NotFound {
    const FORMAT: Format = Format::Json;

    fn reply(_incoming: &Incoming) -> Result<Response, Refusal> {
        Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "The requested resource was not found.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_oversized_reply_shares_one_body() {
        let (first, second) = (oversized_body(), oversized_body());
        assert_eq!(first.len(), OVERSIZED_BODY_LEN);
        assert!(first.iter().all(|&byte| byte == b'x'));
        assert_eq!(first.as_ptr(), second.as_ptr());
    }
}
