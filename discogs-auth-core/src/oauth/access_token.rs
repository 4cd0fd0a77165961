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
    ///
    /// # Errors
    ///
    /// [`RequestError::RequestTokenExpired`] when the request token has expired by
    /// `freshness`'s timestamp. Signing the access-token URL of [`Endpoints`](crate::Endpoints)
    /// does not fail.
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

    /// Reads the access-token reply. A 400 or 401 is [`ReplyError::RequestTokenExpired`] after
    /// the request token's 15 minutes, else [`ReplyError::AccessTokenRefused`]; either way the
    /// login starts again ([`ReplyError::must_restart_login`]). `now` is when the reply arrived
    /// ([`Timestamp::now`], or the caller's clock) and tells the two apart. The request's own
    /// timestamp cannot, since [`OAuthClient::access_token_request`] refuses to build a request
    /// for a token already expired then.
    ///
    /// # Errors
    ///
    /// For a non-success status, as [`check_reply`], but a 400 or 401 is
    /// [`ReplyError::RequestTokenExpired`] or [`ReplyError::AccessTokenRefused`] as above. For a
    /// success, as [`OAuthClient::on_request_token_response`], without `oauth_callback_confirmed`.
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
        check_reply(response, &secrets).map_err(|error| match error {
            ReplyError::Status(api_error) | ReplyError::Unauthorized(api_error)
                if matches!(
                    api_error.status,
                    StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED
                ) =>
            {
                if authorized.request_token.is_expired(now) {
                    ReplyError::RequestTokenExpired(api_error)
                } else {
                    ReplyError::AccessTokenRefused(api_error)
                }
            }
            other => other,
        })?;
        let [token, secret] =
            reply_fields(response, &secrets, ["oauth_token", "oauth_token_secret"])?;
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

    /// A 400 or 401 from the exchange needs a new login either way: after the request token's
    /// 15 minutes it expired, before them the verifier or token was refused. Other statuses
    /// keep their own variants.
    #[test]
    fn a_refused_exchange_is_expiry_or_refusal_by_the_request_tokens_age() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let late = Timestamp::from_unix_seconds(137131201 + 901).unwrap();
        let early = Timestamp::from_unix_seconds(137131201 + 60).unwrap();
        let refusal = |status: u16| {
            let reply = Response::builder()
                .status(status)
                .body(b"Invalid verifier hfdp7dh39dks9884.".to_vec())
                .unwrap();
            let api_error = ApiError {
                status: StatusCode::from_u16(status).unwrap(),
                message: "Invalid verifier [redacted].".into(),
                rate_limit: None,
                retry_after: None,
            };
            let read_at = |now| client.on_access_token_response(&authorized(), &reply, now);
            (read_at(late), read_at(early), api_error)
        };
        for status in [400, 401] {
            let (late, early, api_error) = refusal(status);
            assert_eq!(
                late,
                Err(ReplyError::RequestTokenExpired(api_error.clone()))
            );
            assert_eq!(early, Err(ReplyError::AccessTokenRefused(api_error)));
            assert!(late.unwrap_err().must_restart_login());
            assert!(early.unwrap_err().must_restart_login());
        }
        let (late, early, api_error) = refusal(503);
        assert_eq!(late, Err(ReplyError::Status(api_error.clone())));
        assert_eq!(early, Err(ReplyError::Status(api_error)));
        assert!(!late.unwrap_err().must_restart_login());
        let (_, early, api_error) = refusal(403);
        assert_eq!(early, Err(ReplyError::Forbidden(api_error)));
        assert!(!early.unwrap_err().must_restart_login());
    }

    /// Any of the secrets the exchange holds is redacted from what a stray page says.
    #[test]
    fn a_page_instead_of_the_token_reply_is_named_without_secrets() {
        let page = Response::new(
            b"<title>No route for verifier=hfdp7dh39dks9884&secret=hdhd0244k9j7ao03</title>"
                .to_vec(),
        );
        assert_eq!(
            rfc_client(SignatureMethod::Plaintext).on_access_token_response(
                &authorized(),
                &page,
                Timestamp::from_unix_seconds(137131300).unwrap()
            ),
            Err(ReplyError::NotATokenReply {
                message: "No route for verifier=[redacted]&secret=[redacted]".into()
            })
        );
    }

    /// A success body under other names may be a token reply whose values are new secrets,
    /// which no redaction knows: form data is named by its fields, JSON without a `message` is
    /// left out. A JSON `message`, plain text and form data of diagnostic fields alone (OAuth
    /// Problem Reporting's) are still quoted.
    #[test]
    fn a_token_reply_under_other_names_is_described_not_quoted() {
        for (body, message) in [
            (
                "token=acc3ss&secret=N3W-ACCESS-SECRET\n",
                "form data with the fields token, secret (values left out)",
            ),
            (
                r#"{"token": "acc3ss", "token_secret": "N3W-ACCESS-SECRET"}"#,
                "JSON without a `message` (left out)",
            ),
            (
                r#"["acc3ss", "N3W-ACCESS-SECRET"]"#,
                "JSON without a `message` (left out)",
            ),
            (
                r#"{"token_secret": "N3W-ACCESS-SEC"#,
                "JSON without a `message` (left out)",
            ),
            (
                r#"{"message": "Use /oauth/access_token."}"#,
                "Use /oauth/access_token.",
            ),
            (
                "oauth_problem=token_rejected&error=refused&secret=N3W-ACCESS-SECRET",
                "form data with the fields oauth_problem, error, secret (values left out)",
            ),
            (
                "oauth_problem=token_rejected&oauth_problem_advice=Log%20in%20again",
                "oauth_problem=token_rejected&oauth_problem_advice=Log%20in%20again",
            ),
            ("Service moved to v2", "Service moved to v2"),
            ("<p>a=b</p>", "a=b"),
        ] {
            let result = rfc_client(SignatureMethod::Plaintext).on_access_token_response(
                &authorized(),
                &Response::new(body.as_bytes().to_vec()),
                Timestamp::from_unix_seconds(137131300).unwrap(),
            );
            assert_eq!(
                result,
                Err(ReplyError::NotATokenReply {
                    message: message.into()
                }),
                "{body}"
            );
        }
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
