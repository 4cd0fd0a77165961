//! The HTML pages. Every interpolated value goes through [`escape`]; no page ever holds a
//! token secret, a verifier or an access token.
//!
//! Elements the browser test looks for have stable ids: `login`, `username`, `declined`,
//! `logout`, and `error` (with the reason in `data-reason`).

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, REFERRER_POLICY, RETRY_AFTER,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use discogs_auth_reqwest::Identity;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:17px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;\
padding:0 1rem;color:#222}h1{font-size:1.6rem}a.button,button{display:inline-block;\
font:inherit;padding:.5rem 1rem;border:1px solid #333;border-radius:.3rem;background:#333;\
color:#fff;text-decoration:none;cursor:pointer}p.note{color:#555;font-size:.9rem}\
dt{font-weight:bold}dd{margin:0 0 .5rem 0}";

/// A complete page: the status, the title (escaped here) and the body (already HTML), with
/// headers that keep it out of caches, frames and other sites' `Referer`.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title><style>{STYLE}</style></head>\n\
         <body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `303 See Other` to `location` (a path of this app, or the provider's authorize URL, which
/// carries only the request token's public value).
pub fn see_other(location: &str) -> Response {
    let Ok(location) = HeaderValue::try_from(location) else {
        return problem(Problem::Internal);
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(LOCATION, location);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The home page of a visitor who is not signed in. `demo` is the stand-in's address when
/// the app runs against the in-process stand-in.
pub fn home_signed_out(demo: Option<&str>) -> Response {
    let note = demo.map_or_else(String::new, |standin| {
        format!(
            "<p class=\"note\">Local demo: Discogs is played by a stand-in at {} and you sign \
             in as <code>demo-user</code>. Nothing leaves this machine.</p>",
            escape(standin)
        )
    });
    page(
        StatusCode::OK,
        "discogs-auth web example",
        &format!(
            "<p>Sign in with your Discogs account to see who you are on Discogs.</p>\n\
             <p><a class=\"button\" id=\"login\" href=\"/login\">Log in with Discogs</a></p>\n{note}"
        ),
    )
}

/// The home page of a signed-in user.
pub fn home_signed_in(username: &str) -> Response {
    page(
        StatusCode::OK,
        "discogs-auth web example",
        &format!(
            "<p>You are signed in as <strong>{}</strong>.</p>\n\
             <p><a href=\"/me\">Your Discogs identity</a></p>\n{}",
            escape(username),
            logout_button()
        ),
    )
}

/// The signed-in user's identity, as Discogs just reported it.
pub fn identity(identity: &Identity) -> Response {
    page(
        StatusCode::OK,
        "Your Discogs identity",
        &format!(
            "<p>Signed in as <strong id=\"username\">{}</strong>.</p>\n<dl>\
             <dt>User id</dt><dd id=\"user-id\">{}</dd>\
             <dt>API resource</dt><dd>{}</dd>\
             <dt>Application</dt><dd>{}</dd></dl>\n\
             <p class=\"note\">Fetched just now from <code>/oauth/identity</code> with the \
             access token this server keeps for your session.</p>\n{}",
            escape(&identity.username),
            identity.id,
            escape(&identity.resource_url),
            escape(&identity.consumer_name),
            logout_button()
        ),
    )
}

fn logout_button() -> &'static str {
    "<form method=\"post\" action=\"/logout\">\
     <button type=\"submit\" id=\"logout\">Log out</button></form>"
}

/// The user said no on the authorize page.
pub fn declined() -> Response {
    page(
        StatusCode::OK,
        "Login declined",
        "<p id=\"declined\">You declined to let this application access your Discogs \
         account, so you are not signed in.</p>\n\
         <p><a href=\"/\">Back to the start</a></p>",
    )
}

/// Why a login or a request failed, with a stable `data-reason` for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The callback names no pending login: unknown, already used, or expired.
    UnknownToken,
    /// The login was started by another browser session (or one without the cookie).
    OtherSession,
    /// The callback's tokens do not agree with each other.
    TokenMismatch,
    /// The callback is not a valid OAuth callback.
    MalformedCallback,
    /// The request token expired before the access-token exchange.
    Expired,
    /// Discogs refused to exchange the callback's verifier for an access token: it is wrong or
    /// was already used.
    Refused,
    /// Too many logins are in progress.
    TooManyLogins,
    /// Discogs (or the provider) failed or refused a step.
    Provider,
    /// Something went wrong on this server.
    Internal,
    /// No such page.
    NotFound,
}

impl Problem {
    /// The status, the `data-reason`, the title and the explanation.
    fn describe(self) -> (StatusCode, &'static str, &'static str, &'static str) {
        match self {
            Self::UnknownToken => (
                StatusCode::BAD_REQUEST,
                "unknown-token",
                "This login link is no longer valid",
                "The login it belongs to is unknown, was already completed, or expired (a \
                 login must be finished within 15 minutes). Please start again.",
            ),
            Self::OtherSession => (
                StatusCode::BAD_REQUEST,
                "other-session",
                "This login was started elsewhere",
                "The login was started in another browser session, so it cannot finish here. \
                 If you did not start it, someone may have tried to sign you in to their \
                 account. Please start again from this browser.",
            ),
            Self::TokenMismatch => (
                StatusCode::BAD_REQUEST,
                "token-mismatch",
                "This login link does not match",
                "The link names a different login than the one in progress. Please start again.",
            ),
            Self::MalformedCallback => (
                StatusCode::BAD_REQUEST,
                "malformed-callback",
                "This is not a valid login link",
                "The link Discogs should have sent you back with is incomplete or malformed. \
                 Please start again.",
            ),
            Self::Expired => (
                StatusCode::BAD_REQUEST,
                "expired",
                "This login has expired",
                "A login must be finished within 15 minutes of starting it. Please start again.",
            ),
            Self::Refused => (
                StatusCode::BAD_REQUEST,
                "refused",
                "Discogs refused this login",
                "Discogs did not accept the authorization this link carries: it is wrong or was \
                 already used. Please start again.",
            ),
            Self::TooManyLogins => (
                StatusCode::SERVICE_UNAVAILABLE,
                "too-many-logins",
                "Too many logins in progress",
                "There are too many logins in progress; please try again in a few minutes.",
            ),
            Self::Provider => (
                StatusCode::BAD_GATEWAY,
                "provider",
                "Discogs did not complete the login",
                "Discogs could not be reached or refused the request. Please try again later.",
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong",
                "This server could not handle the request. Please try again.",
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Page not found",
                "There is no page at this address.",
            ),
        }
    }
}

/// The page for `problem`, with a way back to the start.
pub fn problem(problem: Problem) -> Response {
    let (status, reason, title, explanation) = problem.describe();
    let mut response = page(
        status,
        title,
        &format!(
            "<p id=\"error\" data-reason=\"{reason}\">{explanation}</p>\n\
             <p><a href=\"/\">Back to the start</a></p>"
        ),
    );
    if problem == Problem::TooManyLogins {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("60"));
    }
    response
}
