//! `GET /database/search`: echoes which credentials it recognised, so tests can check that a
//! client sent what it meant to send.

use axum::http::StatusCode;
use axum::response::Response;
use discogs_auth_core::encoding::FormPairs;
use serde_json::{Map, Value};

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal};
use crate::state::State;
use crate::verify::{Recognised, recognise};

/// Query parameters that carry Discogs Auth credentials, left out of the echo.
const CREDENTIAL_PARAMETERS: [&str; 3] = ["token", "key", "secret"];

pub(crate) struct Search;

impl Endpoint for Search {
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

    /// `{"tier": …, "via": …, "query": {…}}`; a repeated parameter keeps its last value.
    fn reply(
        _state: &mut State,
        incoming: &Incoming,
        recognised: Recognised,
    ) -> Result<Response, Refusal> {
        let query = incoming.request.uri().query().unwrap_or_default();
        let pairs = FormPairs::parse(query.as_bytes())
            .map_err(|error| Refusal::bad_request(format!("Unreadable query: {error}.")))?;
        let mut echoed = Map::new();
        for (name, value) in pairs.iter() {
            if !CREDENTIAL_PARAMETERS.contains(&name) {
                echoed.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        Ok(reply::json(
            StatusCode::OK,
            &serde_json::json!({
                "tier": recognised.tier.as_str(),
                "via": recognised.via.map(|via| via.as_str()),
                "query": echoed,
            }),
        ))
    }
}
