//! The `session` cookie: the only thing the browser holds, a random id with no secret in it.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

use crate::store::SessionId;

/// The cookie's name.
pub const NAME: &str = "session";

/// The session id the browser sent, if it sent a well-formed one.
pub fn session_id(headers: &HeaderMap) -> Option<SessionId> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .and_then(|(_, value)| SessionId::parse(value))
}

// `Secure` is left out because this app is only ever served over plain http on 127.0.0.1; an
// app served over https must add it (`…; Secure`), or the cookie could travel in clear.

/// `Set-Cookie` for `id`: not readable from JavaScript (`HttpOnly`), not sent on cross-site
/// subrequests or POSTs (`SameSite=Lax`), valid for the whole app, gone when the browser closes.
pub fn set(id: &SessionId) -> (axum::http::HeaderName, HeaderValue) {
    let value = format!("{NAME}={}; HttpOnly; SameSite=Lax; Path=/", id.as_str());
    // A session id is 32 hex characters, always a valid header value.
    let value = HeaderValue::try_from(value).unwrap_or_else(|_| clear_value());
    (SET_COOKIE, value)
}

/// `Set-Cookie` that makes the browser forget the session cookie.
pub fn clear() -> (axum::http::HeaderName, HeaderValue) {
    (SET_COOKIE, clear_value())
}

fn clear_value() -> HeaderValue {
    HeaderValue::from_static("session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")
}
