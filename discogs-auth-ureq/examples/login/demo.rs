//! The local demo: a Discogs stand-in in this process, and a stand-in for the user's browser.

use discogs_auth_ureq::http::header::LOCATION;
use discogs_auth_ureq::http::{Request, StatusCode};

use discogs_auth_ureq::encoding::{FormPairs, percent_encode};

/// Does what a person does in the browser: opens the authorize page, clicks Authorize, and
/// follows the redirect to the callback listener.
pub fn approve_in_browser(authorize_url: &str) -> Result<(), String> {
    let browser = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
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
    let form = format!("oauth_token={}&action=approve", percent_encode(&token));
    let clicked = browser
        .run(
            Request::post(action)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form)
                .map_err(|error| error.to_string())?,
        )
        .map_err(|error| format!("clicking Authorize failed: {error}"))?;
    let redirect = clicked
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or("the authorize page did not redirect to the callback")?
        .to_owned();
    browser
        .get(&redirect)
        .call()
        .map_err(|error| format!("following the redirect to the callback failed: {error}"))?;
    Ok(())
}
