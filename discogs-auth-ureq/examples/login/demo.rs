//! The local demo: a Discogs stand-in in this process, and a stand-in for the user's browser.

use std::thread::JoinHandle;

use discogs_auth_ureq::http::header::LOCATION;
use discogs_auth_ureq::http::{Request, StatusCode};

use discogs_auth_ureq::encoding::{FormPairs, percent_encode};

/// A button on the stand-in's authorize page.
#[derive(Debug, Clone, Copy)]
pub enum Button {
    Authorize,
    // Only the tests, which share this module, click Deny.
    #[allow(dead_code)]
    Deny,
}

/// [`click_in_browser`] on a thread of its own, as a person clicks while the program waits.
pub struct Browser(Option<JoinHandle<Result<String, String>>>);

impl Browser {
    pub fn spawn(authorize_url: String, button: Button) -> Self {
        Self(Some(std::thread::spawn(move || {
            click_in_browser(&authorize_url, button)
        })))
    }

    /// Once the browser has stopped short of the callback, why (once); `None` before.
    pub fn failure(&mut self) -> Option<String> {
        let stopped = self.0.take_if(|thread| thread.is_finished())?;
        Some(match stopped.join() {
            Ok(Err(error)) => error,
            // The listener stops waiting as soon as it has answered the redirect it keeps,
            // before the browser can read that answer: a page here was one it turned away.
            Ok(Ok(_)) => "the demo browser's redirect was turned away".to_owned(),
            Err(_) => "the demo browser failed".to_owned(),
        })
    }
}

/// Does what a person does in the browser: opens the authorize page, clicks `button`, and
/// follows the redirect to the callback listener; returns the page the listener served.
pub fn click_in_browser(authorize_url: &str, button: Button) -> Result<String, String> {
    // Everything it visits is on loopback: a proxy from the environment could not reach it.
    let browser = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .build(),
    );
    let page = browser
        .get(authorize_url)
        .call()
        .map_err(|error| format!("the authorize page did not load: {error}"))?;
    if page.status() != StatusCode::OK {
        return Err(format!("the authorize page answered {}", page.status()));
    }
    let query = authorize_url.split_once('?').map_or("", |(_, query)| query);
    let token = FormPairs::parse(query.as_bytes())
        .ok()
        .and_then(|pairs| {
            pairs
                .unique("oauth_token")
                .ok()
                .flatten()
                .map(str::to_owned)
        })
        .ok_or("the authorize URL has no oauth_token")?;
    let (action, _) = authorize_url
        .split_once('?')
        .ok_or("the authorize URL has no query")?;
    let action_value = match button {
        Button::Authorize => "approve",
        Button::Deny => "deny",
    };
    let form = format!(
        "oauth_token={}&action={action_value}",
        percent_encode(&token)
    );
    let clicked = browser
        .run(
            Request::post(action)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form)
                .map_err(|error| error.to_string())?,
        )
        .map_err(|error| format!("clicking {button:?} failed: {error}"))?;
    let redirect = clicked
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or("the authorize page did not redirect to the callback")?
        .to_owned();
    let follow_failed =
        |error: ureq::Error| format!("following the redirect to the callback failed: {error}");
    browser
        .get(&redirect)
        .call()
        .map_err(follow_failed)?
        .body_mut()
        .read_to_string()
        .map_err(follow_failed)
}
