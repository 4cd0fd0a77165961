//! `GET /oauth/identity`: who the credentials act for.

use axum::http::StatusCode;
use axum::response::Response;

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal};
use crate::state::State;
use crate::verify::{Recognised, must_authenticate, recognise};
use crate::{DEMO_USER_ID, DEMO_USERNAME};

pub(crate) struct Identity;

impl Endpoint for Identity {
    const FORMAT: Format = Format::Json;
    type Auth = Recognised;

    fn authenticate(state: &mut State, incoming: &Incoming) -> Result<Recognised, Refusal> {
        recognise(state, &incoming.request)
    }

    fn authenticated(recognised: &Recognised) -> bool {
        recognised.is_authenticated()
    }

    fn nonce(recognised: &Recognised) -> Option<NonceUse> {
        recognised.nonce.clone()
    }

    /// An access token or the personal token identifies the demo user; a key/secret pair or
    /// nothing identifies nobody.
    fn reply(
        state: &mut State,
        _incoming: &Incoming,
        recognised: Recognised,
    ) -> Result<Response, Refusal> {
        let app = recognised.acting_app.ok_or_else(must_authenticate)?;
        Ok(reply::json(
            StatusCode::OK,
            &serde_json::json!({
                "id": DEMO_USER_ID,
                "username": DEMO_USERNAME,
                "resource_url": format!("{}/users/{DEMO_USERNAME}", state.base_url),
                "consumer_name": app,
            }),
        ))
    }
}
