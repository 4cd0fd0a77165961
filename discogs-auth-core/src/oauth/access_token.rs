//! Step 3: `POST /oauth/access_token`, exchanging an approved request token for an access token.

use http::{Method, Response, StatusCode};

use super::request_token::{reply_fields, required};
use super::{OAuthClient, RequestError, StepParameter};
use crate::credentials::{AccessToken, AuthorizedRequestToken, TokenSecret, TokenValue};
use crate::freshness::{Freshness, Timestamp};
use crate::reply::{ReplyError, check_reply};

impl OAuthClient {
    /// The access-token request: `POST {api_base}/oauth/access_token` with `oauth_token` and
    /// `oauth_verifier`, signed with the consumer secret **and the request token secret**
    /// (RFC 5849 §3.4.4; the Discogs docs' `consumer_secret&` for this step is a typo).
    ///
    /// Refused without sending when the request token has already expired at the freshness
    /// timestamp.
    pub fn access_token_request(
        &self,
        authorized: &AuthorizedRequestToken,
        freshness: &Freshness,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let request_token = &authorized.request_token;
        if request_token.is_expired(freshness.timestamp) {
            return Err(RequestError::RequestTokenExpired {
                expired_at: request_token.expires_at(),
            });
        }
        self.endpoint_request(
            Method::POST,
            self.endpoints().access_token_url(),
            Some((&request_token.token, &request_token.secret)),
            Some(StepParameter::Verifier(authorized.verifier.expose_secret())),
            freshness,
        )
    }

    /// Reads the access-token reply. `now` is when the reply arrived ([`Timestamp::now`], or
    /// the caller's clock): it tells a request token that expired (a 400 or 401 after its 15
    /// minutes) from other refusals. The request's own timestamp cannot, since
    /// [`OAuthClient::access_token_request`] refuses to build a request for a token already
    /// expired then.
    pub fn on_access_token_response<B: AsRef<[u8]>>(
        &self,
        authorized: &AuthorizedRequestToken,
        response: &Response<B>,
        now: Timestamp,
    ) -> Result<AccessToken, ReplyError> {
        let secrets = [
            self.consumer().secret.expose_secret(),
            authorized.request_token.secret.expose_secret(),
            authorized.verifier.expose_secret(),
        ];
        let body = check_reply(response, &secrets).map_err(|error| {
            let expired = authorized.request_token.is_expired(now);
            match error {
                ReplyError::Status(api_error) | ReplyError::Unauthorized(api_error)
                    if expired
                        && matches!(
                            api_error.status,
                            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED
                        ) =>
                {
                    ReplyError::RequestTokenExpired(api_error)
                }
                other => other,
            }
        })?;
        let [token, secret] = reply_fields(body, ["oauth_token", "oauth_token_secret"])?;
        let token = required(token, "oauth_token")?;
        let secret = required(secret, "oauth_token_secret")?;
        Ok(AccessToken {
            token: TokenValue::new(token).map_err(ReplyError::InvalidField)?,
            secret: TokenSecret::new(secret).map_err(ReplyError::InvalidField)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{RequestToken, Verifier};
    use crate::oauth::test_support::{header, rfc_client};
    use crate::reply::ApiError;
    use crate::signature::SignatureMethod;

    /// RFC 5849 §1.2's approved request token `hh5s93j4hdidpola` / `hdhd0244k9j7ao03`,
    /// verifier `hfdp7dh39dks9884`, issued at 137131201.
    fn authorized() -> AuthorizedRequestToken {
        RequestToken {
            token: TokenValue::new("hh5s93j4hdidpola").unwrap(),
            secret: TokenSecret::new("hdhd0244k9j7ao03").unwrap(),
            issued_at: Timestamp::from_unix_seconds(137131201).unwrap(),
        }
        .with_verifier(Verifier::new("hfdp7dh39dks9884").unwrap())
    }

    /// RFC 5849 §1.2: the access-token request's PLAINTEXT signature is
    /// `kd94hf93k423kf44&hdhd0244k9j7ao03` (consumer secret & request token secret).
    #[test]
    fn rfc5849_plaintext_access_token_request() {
        let request = rfc_client(SignatureMethod::Plaintext)
            .access_token_request(
                &authorized(),
                &Freshness::new("walatlh", 137131201).unwrap(),
            )
            .unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "https://api.discogs.com/oauth/access_token");
        assert_eq!(
            header(&request),
            "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"walatlh\", \
             oauth_signature=\"kd94hf93k423kf44%26hdhd0244k9j7ao03\", \
             oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"137131201\", \
             oauth_token=\"hh5s93j4hdidpola\", oauth_verifier=\"hfdp7dh39dks9884\""
        );
        assert_eq!(
            request.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
    }

    #[test]
    fn an_expired_request_token_is_refused_before_sending() {
        let fifteen_minutes_later = 137131201 + 15 * 60;
        assert_eq!(
            rfc_client(SignatureMethod::Plaintext)
                .access_token_request(
                    &authorized(),
                    &Freshness::new("n", fifteen_minutes_later).unwrap()
                )
                .map(|_| ()),
            Err(RequestError::RequestTokenExpired {
                expired_at: Timestamp::from_unix_seconds(fifteen_minutes_later).unwrap()
            })
        );
    }

    /// The Discogs docs' access-token reply.
    /// The docs' reply, and the same with a line break around it.
    #[test]
    fn parses_the_docs_reply() {
        for body in [
            "oauth_token=abc123&oauth_token_secret=xyz789",
            "oauth_token=abc123&oauth_token_secret=xyz789\r\n",
            "\noauth_token=abc123&oauth_token_secret=xyz789 ",
        ] {
            let reply = Response::new(body.as_bytes().to_vec());
            let access = rfc_client(SignatureMethod::Plaintext)
                .on_access_token_response(
                    &authorized(),
                    &reply,
                    Timestamp::from_unix_seconds(137131300).unwrap(),
                )
                .unwrap();
            assert_eq!(
                access,
                AccessToken::new("abc123", "xyz789").unwrap(),
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_400_after_fifteen_minutes_is_recognised_as_expiry() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let reply = Response::builder()
            .status(400)
            .body(b"Invalid verifier hfdp7dh39dks9884.".to_vec())
            .unwrap();
        let expected_api_error = ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "Invalid verifier [redacted].".into(),
            rate_limit: None,
            retry_after: None,
        };
        let late = Timestamp::from_unix_seconds(137131201 + 901).unwrap();
        assert_eq!(
            client.on_access_token_response(&authorized(), &reply, late),
            Err(ReplyError::RequestTokenExpired(expected_api_error.clone()))
        );
        let early = Timestamp::from_unix_seconds(137131201 + 60).unwrap();
        assert_eq!(
            client.on_access_token_response(&authorized(), &reply, early),
            Err(ReplyError::Status(expected_api_error))
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let reply = Response::new(b"oauth_token=abc123".to_vec());
        assert_eq!(
            rfc_client(SignatureMethod::Plaintext).on_access_token_response(
                &authorized(),
                &reply,
                Timestamp::from_unix_seconds(137131300).unwrap()
            ),
            Err(ReplyError::MissingField {
                field: "oauth_token_secret"
            })
        );
    }
}
