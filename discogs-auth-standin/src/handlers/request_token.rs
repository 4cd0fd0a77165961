//! `GET /oauth/request_token`: signed with the consumer alone, carrying `oauth_callback`.

use axum::response::Response;
use discogs_auth_core::{Callback, SignedRequest};

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal};
use crate::state::State;
use crate::verify::{TokenUse, nonce_use, verify_oauth};

pub(crate) struct RequestToken;

impl Endpoint for RequestToken {
    const FORMAT: Format = Format::Text;
    type Auth = SignedRequest;

    fn authenticate(state: &mut State, incoming: &Incoming) -> Result<SignedRequest, Refusal> {
        verify_oauth(state, &incoming.request, TokenUse::ConsumerOnly)
    }

    fn authenticated(_signed: &SignedRequest) -> bool {
        true
    }

    fn nonce(signed: &SignedRequest) -> Option<NonceUse> {
        Some(nonce_use(signed))
    }

    fn reply(
        state: &mut State,
        _incoming: &Incoming,
        signed: SignedRequest,
    ) -> Result<Response, Refusal> {
        let value = signed
            .callback()
            .ok_or_else(|| Refusal::parameter_not_found("oauth_callback"))?;
        let callback = Callback::parse(value).map_err(|error| {
            Refusal::bad_request(format!(
                "Invalid oauth_callback: {error}; use `oob`, an http(s) URL or the \
                 application's own scheme."
            ))
        })?;
        let issued = state.issue_request_token(signed.consumer_key(), callback)?;
        Ok(reply::form(&[
            ("oauth_token", &issued.token),
            ("oauth_token_secret", &issued.secret),
            ("oauth_callback_confirmed", "true"),
        ]))
    }
}
