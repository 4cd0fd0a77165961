//! `/oauth/authorize`: the page where the user approves or denies the application (GET), and
//! the click itself (POST).

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use discogs_auth_core::encoding::FormPairs;

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal, escape};
use crate::state::State;
use crate::tokens::{approve, deny, live_entry};
use crate::{DEMO_APP_NAME, DEMO_USERNAME, StandInError};

pub(crate) struct Authorize;

impl Endpoint for Authorize {
    const FORMAT: Format = Format::Html;
    // A browser test drives this page; browsers always send one anyway.
    const REQUIRES_USER_AGENT: bool = false;
    type Auth = ();

    fn allows(method: &Method) -> bool {
        method == Method::GET || method == Method::POST
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

    fn reply(state: &mut State, incoming: &Incoming, _auth: ()) -> Result<Response, Refusal> {
        if incoming.request.method() == Method::POST {
            decide(state, incoming)
        } else {
            page(state, incoming)
        }
    }
}

/// The page: names the application and offers the two buttons.
fn page(state: &mut State, incoming: &Incoming) -> Result<Response, Refusal> {
    let query = incoming.request.uri().query().unwrap_or_default();
    let token = oauth_token(query.as_bytes())?;
    let now = state.now();
    let consumer_key = live_entry(&mut state.pending, &token, now)
        .map_err(refusal)?
        .consumer_key
        .clone();
    let app_name = state
        .consumers
        .get(&consumer_key)
        .map_or(DEMO_APP_NAME, |consumer| consumer.name);
    let app = escape(app_name);
    let token = escape(&token);
    let body = format!(
        "<p><strong>{app}</strong> would like to access your Discogs account \
         <strong>{DEMO_USERNAME}</strong>.</p>\n\
         <form method=\"post\" action=\"/oauth/authorize\">\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\
         <button type=\"submit\" id=\"authorize\" name=\"action\" value=\"approve\">Authorize</button>\
         </form>\n\
         <form method=\"post\" action=\"/oauth/authorize\">\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\
         <button type=\"submit\" id=\"deny\" name=\"action\" value=\"deny\">Deny</button>\
         </form>"
    );
    Ok(reply::html(
        StatusCode::OK,
        &format!("Authorize {app_name}"),
        &body,
    ))
}

/// The click: approve redirects with the verifier (or shows it, for `oob`); deny redirects
/// with `denied` (or says so).
fn decide(state: &mut State, incoming: &Incoming) -> Result<Response, Refusal> {
    let form = FormPairs::parse(incoming.request.body())
        .map_err(|error| Refusal::bad_request(format!("Unreadable form: {error}.")))?;
    let token = oauth_token(incoming.request.body())?;
    let action = form
        .unique("action")
        .map_err(|error| Refusal::bad_request(format!("Unreadable form: {error}.")))?;
    let now = state.now();
    match action {
        Some("approve") => {
            let approval = approve(&mut state.pending, &token, now).map_err(refusal)?;
            match approval.redirect_url {
                Some(url) => redirect(&url),
                None => Ok(reply::html(
                    StatusCode::OK,
                    "Access granted",
                    &format!(
                        "<p>Enter this verifier in the application:</p>\n\
                         <p><code id=\"verifier\">{}</code></p>",
                        escape(&approval.verifier)
                    ),
                )),
            }
        }
        Some("deny") => match deny(&mut state.pending, &token, now).map_err(refusal)? {
            Some(url) => redirect(&url),
            None => Ok(reply::html(
                StatusCode::OK,
                "Access denied",
                "<p id=\"denied\">You denied the application access to your account.</p>",
            )),
        },
        _ => Err(Refusal::bad_request(
            "The form needs action=approve or action=deny.",
        )),
    }
}

fn oauth_token(form: &[u8]) -> Result<String, Refusal> {
    FormPairs::parse(form)
        .ok()
        .and_then(|pairs| {
            pairs
                .unique("oauth_token")
                .ok()
                .flatten()
                .map(str::to_owned)
        })
        .filter(|token| !token.is_empty())
        .ok_or_else(|| Refusal::bad_request("Missing oauth_token."))
}

fn refusal(error: StandInError) -> Refusal {
    match error {
        StandInError::UnknownRequestToken => {
            Refusal::bad_request("Invalid request token: it is unknown, already used, or denied.")
        }
        StandInError::Expired => Refusal::bad_request(
            "Request token expired: it must be authorized within 15 minutes of its issue.",
        ),
        _ => Refusal::internal(),
    }
}

fn redirect(url: &str) -> Result<Response, Refusal> {
    let location = HeaderValue::try_from(url).map_err(|_| Refusal::internal())?;
    let mut response = reply::text(StatusCode::FOUND, "");
    response.headers_mut().insert(LOCATION, location);
    Ok(response)
}
