//! `GET /oauth/request_token`: signed with the consumer alone, carrying `oauth_callback` (or
//! none: out of band).

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
        // Without one, Discogs uses the callback the application registered (the stand-in's
        // demo application registered none): clients such as python3-discogs-client send
        // none unless given one.
        let callback = match signed.callback() {
            None => Callback::OutOfBand,
            Some(value) => Callback::parse(value).map_err(|error| {
                Refusal::bad_request(format!(
                    "Invalid oauth_callback: {error}; use `oob`, an http(s) URL or the \
                     application's own scheme."
                ))
            })?,
        };
        let issued = state.issue_request_token(signed.consumer_key(), callback)?;
        Ok(reply::form(&[
            ("oauth_token", &issued.token),
            ("oauth_token_secret", &issued.secret),
            ("oauth_callback_confirmed", "true"),
        ]))
    }
}
