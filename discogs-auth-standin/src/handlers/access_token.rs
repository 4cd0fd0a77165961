//! `POST /oauth/access_token`: an approved request token and its verifier, exchanged once for
//! an access token.

use axum::http::Method;
use axum::response::Response;
use discogs_auth_core::{SignedRequest, secrets_equal};

use super::{Endpoint, Incoming};
use crate::nonces::NonceUse;
use crate::reply::{self, Format, Refusal};
use crate::state::State;
use crate::verify::{TokenUse, nonce_use, verify_oauth};

pub(crate) struct AccessToken;

impl Endpoint for AccessToken {
    const FORMAT: Format = Format::Text;
    type Auth = SignedRequest;

    fn allows(method: &Method) -> bool {
        method == Method::POST
    }

    fn authenticate(state: &mut State, incoming: &Incoming) -> Result<SignedRequest, Refusal> {
        verify_oauth(state, &incoming.request, TokenUse::RequestToken)
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
        let given = signed
            .verifier()
            .ok_or_else(|| Refusal::parameter_not_found("oauth_verifier"))?;
        // `verify_oauth` found the token, so it is present and pending.
        let token = signed.token().unwrap_or_default();
        let now = state.now();
        let pending = state
            .pending
            .get(token)
            .ok_or_else(|| Refusal::unauthorized("Invalid request token."))?;
        if pending.is_expired(now) {
            state.pending.remove(token);
            return Err(Refusal::bad_request(
                "Request token expired: exchange it within 15 minutes of its issue.",
            ));
        }
        let Some(expected) = pending.verifier.as_deref() else {
            return Err(Refusal::unauthorized(
                "Request token not authorized: the user has not approved it yet.",
            ));
        };
        if !secrets_equal(expected, given) {
            return Err(Refusal::unauthorized("Invalid verifier."));
        }
        // Single use: the verifier cannot be replayed once exchanged.
        state.pending.remove(token);
        let issued = state.issue_access_token(signed.consumer_key())?;
        Ok(reply::form(&[
            ("oauth_token", &issued.token),
            ("oauth_token_secret", &issued.secret),
        ]))
    }
}
