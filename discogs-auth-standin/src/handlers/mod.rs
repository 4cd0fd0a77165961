//! The HTTP surface: one module per endpoint, all driven through [`serve`] so that every reply
//! gets the same checks, rate limiting and headers.

mod access_token;
mod authorize;
mod helpers;
mod identity;
mod request_token;
mod search;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Router;
use axum::body::{Bytes, HttpBody as _};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::any;

use crate::nonces::NonceUse;
use crate::rate_limit::Subject;
use crate::reply::{self, Format, Refusal};
use crate::state::{self, Shared};
use crate::verify::{remember_nonce, require_user_agent};

/// Largest request body read. Auth requests have none; anything bigger is refused unread.
const MAX_REQUEST_BODY: usize = 64 * 1024;

/// The stand-in's routes over `shared`.
pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route(
            "/oauth/request_token",
            any(serve::<request_token::RequestToken>),
        )
        .route(
            "/oauth/access_token",
            any(serve::<access_token::AccessToken>),
        )
        .route("/oauth/authorize", any(serve::<authorize::Authorize>))
        .route("/oauth/identity", any(serve::<identity::Identity>))
        .route("/database/search", any(serve::<search::Search>))
        .route("/redirect/{*rest}", any(serve::<helpers::Redirect>))
        .route("/oversized/{*rest}", any(serve::<helpers::Oversized>))
        .fallback(serve::<helpers::NotFound>)
        .with_state(shared)
}

/// A request as the handlers see it: body read, client address known.
pub(crate) struct Incoming {
    pub(crate) request: axum::http::Request<Bytes>,
    pub(crate) client: IpAddr,
}

/// One endpoint: which methods it answers, how it words errors, how it authenticates, and what
/// it does once the request is authenticated and within the rate limit.
pub(crate) trait Endpoint {
    /// The shape of this endpoint's error replies.
    const FORMAT: Format;
    /// Whether a missing `User-Agent` is refused (Discogs' API endpoints; not the browser page
    /// or the test helpers).
    const REQUIRES_USER_AGENT: bool = true;
    /// What authentication established, handed to [`Endpoint::reply`].
    type Auth;

    /// Whether the endpoint answers `method`; others get 405.
    fn allows(method: &Method) -> bool {
        method == Method::GET
    }

    /// Checks the credentials. Must not change anything: the request may still be refused by
    /// the rate limit, and a refused request has not used its nonce.
    fn authenticate(state: &mut state::State, incoming: &Incoming) -> Result<Self::Auth, Refusal>;

    /// The nonce an OAuth-signed request uses, remembered once the request is let through the
    /// rate limit. Required, so that no endpoint forgets replay protection by default.
    fn nonce(auth: &Self::Auth) -> Option<NonceUse>;

    /// Whether the request counts as authenticated (the higher limit) in its address's
    /// windows.
    fn authenticated(auth: &Self::Auth) -> bool;

    /// The reply to an authenticated request within the rate limit.
    fn reply(
        state: &mut state::State,
        incoming: &Incoming,
        auth: Self::Auth,
    ) -> Result<Response, Refusal>;
}

/// Drives `E`: reads the request, then, under one lock, checks the method and `User-Agent`,
/// authenticates, counts the request, remembers its nonce, and replies.
async fn serve<E: Endpoint>(State(shared): State<Shared>, request: Request) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let (parts, body) = request.into_parts();
    // A `Content-Length` over the limit is refused before any of the body is waited for.
    let body = if body.size_hint().lower() > MAX_REQUEST_BODY as u64 {
        Err(())
    } else {
        axum::body::to_bytes(body, MAX_REQUEST_BODY)
            .await
            .map_err(drop)
    };

    let mut state = state::lock(&shared);
    let incoming = match body {
        Ok(body) => Incoming {
            request: axum::http::Request::from_parts(parts, body),
            client,
        },
        Err(()) => {
            let refusal = Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            );
            let anonymous = Subject {
                address: client,
                authenticated: false,
            };
            return counted(&mut state, anonymous, |_| Err(refusal), E::FORMAT);
        }
    };
    let auth = check_request::<E>(&incoming).and_then(|()| E::authenticate(&mut state, &incoming));
    let subject = Subject {
        address: incoming.client,
        authenticated: auth.as_ref().is_ok_and(E::authenticated),
    };
    counted(
        &mut state,
        subject,
        |state| {
            let auth = auth?;
            // Still under the lock `authenticate` ran under, so the nonce is still unused.
            if let Some(used) = E::nonce(&auth) {
                remember_nonce(state, &used)?;
            }
            E::reply(state, &incoming, auth)
        },
        E::FORMAT,
    )
}

fn check_request<E: Endpoint>(incoming: &Incoming) -> Result<(), Refusal> {
    if !E::allows(incoming.request.method()) {
        return Err(Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "Method {} is not allowed on {}.",
                incoming.request.method(),
                incoming.request.uri().path()
            ),
        ));
    }
    if E::REQUIRES_USER_AGENT {
        require_user_agent(&incoming.request)?;
    }
    Ok(())
}

/// Counts the request in `subject`'s window, then replies with `reply` unless the limit is
/// reached; either way with the rate-limit headers.
fn counted(
    state: &mut state::State,
    subject: Subject,
    reply: impl FnOnce(&mut state::State) -> Result<Response, Refusal>,
    format: Format,
) -> Response {
    let now = state.now();
    let limit = if subject.authenticated {
        state.config.authenticated_limit
    } else {
        state.config.anonymous_limit
    };
    match state.limiter.hit(subject, limit, now.as_unix_seconds()) {
        Err(figures) => reply::too_many_requests(figures, now),
        Ok(figures) => {
            let mut response = reply(state).unwrap_or_else(|refusal| refusal.into_response(format));
            reply::finish(&mut response, figures, now);
            response
        }
    }
}
