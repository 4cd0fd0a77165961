//! Who is asking: OAuth signatures (through the core's provider side) and Discogs Auth
//! credentials, each refusal with its own message.

use axum::body::Bytes;
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::{Request, StatusCode};
use discogs_auth_core::{
    AuthorizationScheme, DiscogsAuth, SignedRequest, TokenSecret, VerifyError, secrets_equal,
};

use crate::DEMO_APP_NAME;
use crate::nonces::{Full, NonceUse, TIMESTAMP_WINDOW_SECS};
use crate::reply::Refusal;
use crate::state::State;

/// The token an OAuth endpoint expects the request to be signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenUse {
    /// The consumer alone (request-token step).
    ConsumerOnly,
    /// A pending request token (access-token step).
    RequestToken,
    /// An access token (API calls).
    AccessToken,
}

/// Discogs refuses requests without a `User-Agent` (with an empty reply; the stand-in says why).
pub(crate) fn require_user_agent<B>(request: &Request<B>) -> Result<(), Refusal> {
    let present = request
        .headers()
        .get(USER_AGENT)
        .is_some_and(|value| !value.as_bytes().iter().all(u8::is_ascii_whitespace));
    if present {
        Ok(())
    } else {
        Err(Refusal::bad_request(
            "A User-Agent header is required; Discogs refuses requests without one.",
        ))
    }
}

/// Reads and verifies an OAuth-signed request: header, consumer, timestamp, nonce, token and
/// signature, in that order. Changes nothing but forgetting nonces that have left the window:
/// once the request is let through the rate limit, [`remember_nonce`] makes a replay of it fail.
pub(crate) fn verify_oauth(
    state: &mut State,
    request: &Request<Bytes>,
    token_use: TokenUse,
) -> Result<SignedRequest, Refusal> {
    let signed = SignedRequest::from_request(request).map_err(unreadable)?;
    let consumer_key = signed.consumer_key().to_owned();
    let consumer_secret = state
        .consumers
        .get(&consumer_key)
        .map(|consumer| consumer.secret.clone())
        .ok_or_else(|| Refusal::unauthorized("Invalid consumer."))?;

    let now = state.now();
    let skew = signed.timestamp().abs_diff(now);
    if skew > TIMESTAMP_WINDOW_SECS {
        return Err(Refusal::unauthorized(format!(
            "Invalid timestamp: oauth_timestamp {} is {skew} seconds from the server time {now} \
             (at most {TIMESTAMP_WINDOW_SECS} allowed). Check the clock.",
            signed.timestamp()
        )));
    }

    state.nonces.purge(now.as_unix_seconds());
    if state.nonces.contains(&consumer_key, signed.nonce()) {
        return Err(Refusal::unauthorized("Nonce already used."));
    }

    let token_secret = token_secret(state, &signed, token_use)?;
    match signed.verify(&consumer_secret, token_secret.as_ref()) {
        Ok(()) => {}
        Err(VerifyError::SignatureMismatch) => {
            return Err(Refusal::unauthorized("Invalid signature."));
        }
        Err(other) => {
            return Err(Refusal::bad_request(format!(
                "Invalid OAuth request: {other}."
            )));
        }
    }
    Ok(signed)
}

/// The nonce `signed` uses, to remember once the request is let through.
pub(crate) fn nonce_use(signed: &SignedRequest) -> NonceUse {
    NonceUse {
        consumer_key: signed.consumer_key().to_owned(),
        nonce: signed.nonce().to_owned(),
        timestamp: signed.timestamp().as_unix_seconds(),
    }
}

/// Remembers a verified request's nonce, so that a replay is refused. The lock must not have
/// been released since [`verify_oauth`] found the nonce unused.
///
/// When the store is full of nonces still inside the window, the request is refused with
/// 503: forgetting one of them would let a replay of its request through.
pub(crate) fn remember_nonce(state: &mut State, used: &NonceUse) -> Result<(), Refusal> {
    let now = state.now().as_unix_seconds();
    state.nonces.insert(used, now).map_err(|Full| {
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "Too many signed requests within the last {TIMESTAMP_WINDOW_SECS} seconds: the \
                 stand-in cannot remember another nonce until older ones expire. Try again later."
            ),
        )
    })
}

/// The secret of the token the request names, when the step needs one.
fn token_secret(
    state: &State,
    signed: &SignedRequest,
    token_use: TokenUse,
) -> Result<Option<TokenSecret>, Refusal> {
    let consumer_key = signed.consumer_key();
    let token = || {
        signed
            .token()
            .ok_or_else(|| Refusal::parameter_not_found("oauth_token"))
    };
    match token_use {
        TokenUse::ConsumerOnly => Ok(None),
        TokenUse::RequestToken => state
            .pending
            .get(token()?)
            .filter(|pending| pending.consumer_key == consumer_key)
            .map(|pending| Some(pending.secret.clone()))
            .ok_or_else(|| Refusal::unauthorized("Invalid request token.")),
        TokenUse::AccessToken => state
            .access_tokens
            .get(token()?)
            .filter(|grant| grant.consumer_key == consumer_key)
            .map(|grant| Some(grant.secret.clone()))
            .ok_or_else(|| Refusal::unauthorized("Invalid access token.")),
    }
}

/// Why a request's OAuth header could not be read. The core's messages name parameters and
/// positions, never values, so they are safe to send back.
fn unreadable(error: VerifyError) -> Refusal {
    match error {
        VerifyError::MissingAuthorization => Refusal::unauthorized(
            "Parameter not found: oauth_consumer_key (no OAuth Authorization header).",
        ),
        VerifyError::MissingParameter { name } => Refusal::parameter_not_found(name),
        VerifyError::InvalidTimestamp => Refusal::unauthorized(
            "Invalid timestamp: oauth_timestamp must be whole seconds since the Unix epoch.",
        ),
        VerifyError::UnsupportedSignatureMethod(_) => {
            Refusal::bad_request("Unsupported oauth_signature_method: use PLAINTEXT or HMAC-SHA1.")
        }
        other => Refusal::new(other.status(), format!("Invalid OAuth request: {other}.")),
    }
}

/// Which credentials a resource request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    Anonymous,
    KeySecret,
    Token,
    OAuth,
}

impl Tier {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::KeySecret => "key_secret",
            Self::Token => "token",
            Self::OAuth => "oauth",
        }
    }
}

/// Where the credentials were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Header,
    Query,
}

impl Via {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Query => "query",
        }
    }
}

/// Verified credentials of a resource request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recognised {
    pub(crate) tier: Tier,
    pub(crate) via: Option<Via>,
    /// The application acting for the demo user, when the credentials identify the user.
    pub(crate) acting_app: Option<&'static str>,
    /// The nonce of an OAuth-signed request, remembered once the request is let through.
    pub(crate) nonce: Option<NonceUse>,
}

impl Recognised {
    const ANONYMOUS: Self = Self {
        tier: Tier::Anonymous,
        via: None,
        acting_app: None,
        nonce: None,
    };

    /// Whether credentials were given (and verified): the authenticated rate limit.
    pub(crate) fn is_authenticated(&self) -> bool {
        self.tier != Tier::Anonymous
    }
}

/// `consumer_name` reported for the personal token, which belongs to no application.
const PERSONAL_TOKEN_APP: &str = "Personal access token";

/// Recognises and verifies the credentials of a resource request: OAuth (header), Discogs
/// Auth in the header, or Discogs Auth in the query; none is anonymous. Credentials given both
/// ways, or any invalid credentials, are refused.
///
/// The core's Discogs Auth errors name fields and reasons, never values, so they are safe to
/// send back.
pub(crate) fn recognise(
    state: &mut State,
    request: &Request<Bytes>,
) -> Result<Recognised, Refusal> {
    let query = request.uri().query().unwrap_or_default();
    let from_query = DiscogsAuth::from_query(query).map_err(|error| {
        Refusal::unauthorized(format!("Invalid credentials in the query: {}.", error))
    })?;

    let mut headers = request.headers().get_all(AUTHORIZATION).iter();
    let header = headers.next();
    if headers.next().is_some() {
        return Err(Refusal::bad_request("More than one Authorization header."));
    }
    let Some(header) = header else {
        return match from_query {
            Some(auth) => check_discogs_auth(state, &auth, Via::Query),
            None => Ok(Recognised::ANONYMOUS),
        };
    };
    if from_query.is_some() {
        return Err(Refusal::bad_request(
            "Credentials in both the Authorization header and the query; send them once.",
        ));
    }
    let header = header
        .to_str()
        .map_err(|_| Refusal::unauthorized("The Authorization header is not readable."))?;
    match AuthorizationScheme::of(header) {
        Some(AuthorizationScheme::OAuth) => {
            let signed = verify_oauth(state, request, TokenUse::AccessToken)?;
            let app = state
                .consumers
                .get(signed.consumer_key())
                .map(|consumer| consumer.name);
            Ok(Recognised {
                tier: Tier::OAuth,
                via: Some(Via::Header),
                acting_app: Some(app.unwrap_or(DEMO_APP_NAME)),
                nonce: Some(nonce_use(&signed)),
            })
        }
        Some(AuthorizationScheme::Discogs) => match DiscogsAuth::parse_header(header) {
            Ok(auth) => check_discogs_auth(state, &auth, Via::Header),
            Err(error) => Err(Refusal::unauthorized(format!(
                "Invalid Discogs Authorization header: {}.",
                error
            ))),
        },
        _ => Err(Refusal::unauthorized(
            "Unsupported Authorization scheme: use OAuth or Discogs.",
        )),
    }
}

fn check_discogs_auth(state: &State, auth: &DiscogsAuth, via: Via) -> Result<Recognised, Refusal> {
    match auth {
        DiscogsAuth::Token(token)
            if secrets_equal(token.expose_secret(), state.personal_token.expose_secret()) =>
        {
            Ok(Recognised {
                tier: Tier::Token,
                via: Some(via),
                acting_app: Some(PERSONAL_TOKEN_APP),
                nonce: None,
            })
        }
        DiscogsAuth::Token(_) => Err(Refusal::unauthorized("Invalid personal access token.")),
        DiscogsAuth::KeySecret(consumer) => {
            let known = state
                .consumers
                .get(consumer.key.as_str())
                .is_some_and(|registered| {
                    secrets_equal(
                        registered.secret.expose_secret(),
                        consumer.secret.expose_secret(),
                    )
                });
            if known {
                Ok(Recognised {
                    tier: Tier::KeySecret,
                    via: Some(via),
                    acting_app: None,
                    nonce: None,
                })
            } else {
                Err(Refusal::unauthorized("Invalid consumer key or secret."))
            }
        }
        _ => Err(Refusal::unauthorized("Unsupported Discogs credentials.")),
    }
}

/// Discogs' refusal of a resource that needs a user, to a request that identifies none.
pub(crate) fn must_authenticate() -> Refusal {
    Refusal::unauthorized("You must authenticate to access this resource.")
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use discogs_auth_core::{Callback, Freshness, OAuthClient, UserAgent};
    use tower::ServiceExt;

    use super::*;
    use crate::StandIn;
    use crate::nonces::NonceCache;

    /// Asks for a request token signed with `nonce` at the stand-in's time: status and body.
    async fn request_token(standin: &StandIn, nonce: &str) -> (StatusCode, String) {
        request_token_at(standin, nonce, standin.now().as_unix_seconds()).await
    }

    /// Asks for a request token signed with `nonce` and `timestamp`: status and body.
    async fn request_token_at(
        standin: &StandIn,
        nonce: &str,
        timestamp: u64,
    ) -> (StatusCode, String) {
        let client = OAuthClient::new(
            standin.consumer(),
            UserAgent::new("discogs-auth-standin-unit-tests/1.0").unwrap(),
        )
        .with_endpoints(standin.endpoints());
        let freshness = Freshness::new(nonce, timestamp).unwrap();
        let request = client
            .request_token_request(&Callback::OutOfBand, &freshness)
            .unwrap();
        let reply = standin
            .router()
            .oneshot(request.map(Body::from))
            .await
            .unwrap();
        let status = reply.status();
        let body = axum::body::to_bytes(reply.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// A timestamp exactly the window away from the stand-in's clock, either way, passes; one
    /// second more is refused. An attempt during which the clock ticks is made again.
    #[tokio::test]
    async fn the_timestamp_window_includes_its_edges() {
        let standin = StandIn::spawn().unwrap();
        let window = TIMESTAMP_WINDOW_SECS;
        let cases = [
            (false, window, true),
            (true, window, true),
            (false, window + 1, false),
            (true, window + 1, false),
        ];
        for (index, (ahead, skew, passes)) in cases.into_iter().enumerate() {
            loop {
                let now = standin.now().as_unix_seconds();
                let timestamp = if ahead { now + skew } else { now - skew };
                let (status, body) =
                    request_token_at(&standin, &format!("edge-{index}-{now}"), timestamp).await;
                if standin.now().as_unix_seconds() != now {
                    continue;
                }
                if passes {
                    assert_eq!(status, StatusCode::OK, "{skew} s, ahead: {ahead}: {body}");
                } else {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{skew} s, ahead: {ahead}");
                    assert!(body.starts_with("Invalid timestamp: "), "{body}");
                }
                break;
            }
        }
    }

    /// A store full of nonces inside the window refuses the next signed request with 503
    /// rather than forget one: the first request's replay is still refused.
    #[tokio::test]
    async fn a_full_nonce_store_refuses_new_requests_and_forgets_no_live_nonce() {
        let standin = StandIn::spawn().unwrap();
        standin.state().nonces = NonceCache::with_capacity(2);
        for nonce in ["first", "second"] {
            assert_eq!(request_token(&standin, nonce).await.0, StatusCode::OK);
        }
        assert_eq!(
            request_token(&standin, "third").await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many signed requests within the last 300 seconds: the stand-in cannot \
                 remember another nonce until older ones expire. Try again later."
                    .to_owned()
            )
        );
        assert_eq!(
            request_token(&standin, "first").await,
            (StatusCode::UNAUTHORIZED, "Nonce already used.".to_owned())
        );

        // Once their timestamps leave the window, the nonces make room.
        standin.advance_clock(TIMESTAMP_WINDOW_SECS + 1);
        assert_eq!(request_token(&standin, "third").await.0, StatusCode::OK);
        assert_eq!(standin.state().nonces.len(), 1);
    }
}
