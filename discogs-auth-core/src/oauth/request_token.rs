//! Step 1: `GET /oauth/request_token`.

use http::{Method, Response};

use super::{Callback, OAuthClient, RequestError, StepParameter};
use crate::credentials::{RequestToken, TokenSecret, TokenValue};
use std::borrow::Cow;

use crate::encoding::{FormField, form_fields};
use crate::freshness::{Freshness, Timestamp};
use crate::reply::{ReplyError, check_reply, unrecognised_body_message, without_byte_order_mark};

impl OAuthClient {
    /// The request-token request: `GET {api_base}/oauth/request_token`, signed with the consumer
    /// secret alone, carrying `oauth_callback` (`oob` without a callback URL).
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(
    ///     Consumer::new("your_consumer_key", "your_consumer_secret")?,
    ///     UserAgent::new("some_user_agent")?,
    /// );
    /// let request = client.request_token_request(
    ///     &Callback::OutOfBand,
    ///     &Freshness::new("qwerty", 1_700_000_000)?,
    /// )?;
    /// assert_eq!(
    ///     request.headers()["authorization"],
    ///     "OAuth oauth_callback=\"oob\", oauth_consumer_key=\"your_consumer_key\", \
    ///      oauth_nonce=\"qwerty\", oauth_signature=\"your_consumer_secret%26\", \
    ///      oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1700000000\""
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RequestError::Signing`] only for a URL that cannot be signed, and the request-token URL
    /// of [`Endpoints`](crate::Endpoints) always can: in practice this does not fail.
    pub fn request_token_request(
        &self,
        callback: &Callback,
        freshness: &Freshness,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        self.endpoint_request(
            Method::GET,
            self.endpoints().request_token_url(),
            None,
            Some(StepParameter::Callback(callback.as_str())),
            freshness,
        )
    }

    /// Reads the request-token reply. `sent_at` is the timestamp of the request (its
    /// [`Freshness`]); the token is taken as issued then.
    ///
    /// `oauth_callback_confirmed` must be `true`. A refusal while this machine's clock is more
    /// than five minutes from the provider's `Date` is [`ReplyError::ClockSkew`]; without a
    /// `Date`, so is a refusal whose message speaks of the timestamp (`Invalid timestamp`),
    /// though not one that only names the `oauth_timestamp` parameter.
    ///
    /// # Errors
    ///
    /// For a non-success status, as [`check_reply`], a 400 or 401 becoming
    /// [`ReplyError::ClockSkew`] as above. For a success, [`ReplyError::NotATokenReply`] when the
    /// body has none of the fields; else [`ReplyError::MissingField`],
    /// [`ReplyError::MalformedForm`] (repeated or not UTF-8) or [`ReplyError::InvalidField`] (not
    /// a valid credential) for a field, and [`ReplyError::CallbackNotConfirmed`].
    pub fn on_request_token_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
        sent_at: Timestamp,
    ) -> Result<RequestToken, ReplyError> {
        let secrets = [self.consumer().secret.expose_secret()];
        check_reply(response, &secrets).map_err(|error| error.blame_clock(response, sent_at))?;
        let [token, secret, confirmed] = reply_fields(
            response,
            &secrets,
            [
                "oauth_token",
                "oauth_token_secret",
                "oauth_callback_confirmed",
            ],
        )?;
        let token = required(token, "oauth_token")?;
        let secret = required(secret, "oauth_token_secret")?;
        if required(confirmed, "oauth_callback_confirmed")? != "true" {
            return Err(ReplyError::CallbackNotConfirmed);
        }
        Ok(RequestToken {
            token: TokenValue::new(token).map_err(ReplyError::InvalidField)?,
            secret: TokenSecret::new(secret).map_err(ReplyError::InvalidField)?,
            issued_at: sent_at,
        })
    }
}

/// The fields `names` of a success reply's form. A line break after the form (a proxy's, a
/// hand-written provider's) is no part of it: `oauth_callback_confirmed=true\n` is confirmed;
/// nor is a UTF-8 byte order mark before it, as for a JSON reply.
/// A body with none of them is no token reply, and says what it is instead
/// ([`ReplyError::NotATokenReply`]).
pub(super) fn reply_fields<'a, B: AsRef<[u8]>, const N: usize>(
    response: &'a Response<B>,
    secrets: &[&str],
    names: [&str; N],
) -> Result<[FormField<'a>; N], ReplyError> {
    let form = without_byte_order_mark(response.body().as_ref()).trim_ascii();
    let fields = form_fields(form, names).map_err(ReplyError::MalformedForm)?;
    if fields.iter().all(FormField::is_absent) {
        return Err(ReplyError::NotATokenReply {
            message: unrecognised_body_message(response, secrets),
        });
    }
    Ok(fields)
}

/// The single value of a required reply field (borrowed from the reply when it needs no
/// decoding, so that only the values kept are copied).
pub(super) fn required<'a>(
    form_field: FormField<'a>,
    field: &'static str,
) -> Result<Cow<'a, str>, ReplyError> {
    form_field
        .unique(field)
        .map_err(ReplyError::MalformedForm)?
        .ok_or(ReplyError::MissingField { field })
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::oauth::test_support::{header, rfc_client};
    use crate::reply::ApiError;
    use crate::signature::SignatureMethod;

    fn freshness() -> Freshness {
        Freshness::new("wIjqoS", 137131200).unwrap()
    }

    fn reply(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    /// RFC 5849 §1.2: PLAINTEXT request-token header, `oauth_signature="kd94hf93k423kf44%26"`.
    #[test]
    fn rfc5849_plaintext_request_token_request() {
        let callback = Callback::url("http://printer.example.com/ready").unwrap();
        let request = rfc_client(SignatureMethod::Plaintext)
            .request_token_request(&callback, &freshness())
            .unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "https://api.discogs.com/oauth/request_token");
        assert_eq!(
            header(&request),
            "OAuth oauth_callback=\"http%3A%2F%2Fprinter.example.com%2Fready\", \
             oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"wIjqoS\", \
             oauth_signature=\"kd94hf93k423kf44%26\", oauth_signature_method=\"PLAINTEXT\", \
             oauth_timestamp=\"137131200\""
        );
        assert_eq!(request.headers()["user-agent"], "discogs-auth-tests/1.0");
        assert_eq!(
            request.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert!(request.body().is_empty());
    }

    /// The docs' reply, the same with a line break after it (which once read as
    /// `oauth_callback_confirmed=true\n`, not confirmed), and after a byte order mark (which
    /// once hid `oauth_token`).
    #[test]
    fn parses_the_docs_reply() {
        let docs = "oauth_token=abc123&oauth_token_secret=xyz789&oauth_callback_confirmed=true";
        for body in [
            docs.to_owned(),
            format!("{docs}\n"),
            format!(" {docs}\r\n"),
            format!("\u{feff}{docs}"),
        ] {
            let token = rfc_client(SignatureMethod::Plaintext)
                .on_request_token_response(
                    &reply(200, &body),
                    Timestamp::from_unix_seconds(1_000).unwrap(),
                )
                .unwrap();
            assert_eq!(token.token.as_str(), "abc123");
            assert_eq!(token.secret.expose_secret(), "xyz789");
            assert_eq!(token.issued_at.as_unix_seconds(), 1_000);
        }
    }

    #[test]
    fn malformed_replies_get_exact_errors() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let at = Timestamp::from_unix_seconds(1_000).unwrap();
        let cases = [
            (
                "oauth_token=a&oauth_token_secret=b",
                ReplyError::MissingField {
                    field: "oauth_callback_confirmed",
                },
            ),
            (
                "oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=false",
                ReplyError::CallbackNotConfirmed,
            ),
            (
                "oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed='true'",
                ReplyError::CallbackNotConfirmed,
            ),
            (
                "oauth_token_secret=b&oauth_callback_confirmed=true",
                ReplyError::MissingField {
                    field: "oauth_token",
                },
            ),
            (
                "oauth_token=a&oauth_token=c&oauth_token_secret=b&oauth_callback_confirmed=true",
                ReplyError::MalformedForm(crate::encoding::FormError::Duplicate {
                    name: "oauth_token".into(),
                }),
            ),
            (
                "oauth_token=a&oauth_token_secret=&oauth_callback_confirmed=true",
                ReplyError::InvalidField(crate::CredentialError::Empty {
                    field: "oauth_token_secret",
                }),
            ),
            (
                "oauth_token=a%0D%0AX&oauth_token_secret=b&oauth_callback_confirmed=true",
                ReplyError::InvalidField(crate::CredentialError::ControlCharacter {
                    field: "oauth_token",
                }),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                client.on_request_token_response(&reply(200, body), at),
                Err(expected),
                "{body}"
            );
        }
    }

    /// A 200 from something that is not Discogs' token endpoint says what answered, not which
    /// field is missing; a form with some of the fields still names the missing one.
    #[test]
    fn a_success_reply_without_any_token_field_says_what_it_is() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let at = Timestamp::from_unix_seconds(1_000).unwrap();
        let html = Response::builder()
            .header("content-type", "text/html; charset=utf-8")
            .body(
                b"<!DOCTYPE html><html><head><title>Sign in to Hotel Wi-Fi</title></head>\
                  <body>Welcome</body></html>"
                    .to_vec(),
            )
            .unwrap();
        let cases = [
            (html, "Sign in to Hotel Wi-Fi"),
            (
                reply(200, r#"{"message": "Welcome to the Discogs API."}"#),
                "Welcome to the Discogs API.",
            ),
            (
                reply(200, "error=unknown_consumer"),
                "error=unknown_consumer",
            ),
            (
                reply(200, "Your key kd94hf93k423kf44"),
                "Your key [redacted]",
            ),
            (reply(204, ""), ""),
        ];
        for (response, message) in cases {
            let error = client.on_request_token_response(&response, at).unwrap_err();
            assert_eq!(
                error,
                ReplyError::NotATokenReply {
                    message: message.to_owned()
                }
            );
            assert_eq!(error.api_error(), None);
            assert!(!error.is_transient());
        }
        for (body, ending) in [
            ("<p>oops</p>", "it says: oops"),
            ("\r\n", "its body is empty"),
        ] {
            assert_eq!(
                client
                    .on_request_token_response(&reply(200, body), at)
                    .unwrap_err()
                    .to_string(),
                format!(
                    "the reply is not a token reply: a success status, but none of the step's \
                     fields (check the endpoints' base URL, or whether a proxy answered); {ending}"
                )
            );
        }
        assert_eq!(
            client.on_request_token_response(&reply(200, "oauth_callback_confirmed=true"), at),
            Err(ReplyError::MissingField {
                field: "oauth_token"
            })
        );
    }

    /// Pitfall: clock skew breaks the request-token step, and the error should say so.
    #[test]
    fn refusal_with_a_skewed_clock_blames_the_clock() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let refused = Response::builder()
            .status(401)
            .header("date", "Tue, 15 Nov 1994 08:12:31 GMT")
            .body(b"Invalid signature.".to_vec())
            .unwrap();
        // 784887151 is the Date above; we claim to be 20 minutes ahead.
        let sent_at = Timestamp::from_unix_seconds(784_887_151 + 1_200).unwrap();
        let error = client
            .on_request_token_response(&refused, sent_at)
            .unwrap_err();
        assert!(
            matches!(
                error,
                ReplyError::ClockSkew {
                    skew_seconds: Some(1_200),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains(
                "clock looks wrong (off by 1200 s); fix the clock or sign with \
                 OffsetClock::new(-1200) (HTTP 401: "
            ),
            "{error}"
        );

        // Within tolerance the refusal is an ordinary 401.
        let sent_at = Timestamp::from_unix_seconds(784_887_151 + 60).unwrap();
        assert!(matches!(
            client.on_request_token_response(&refused, sent_at),
            Err(ReplyError::Unauthorized(_))
        ));

        // No Date header, but the message is about the timestamp.
        for message in ["Invalid timestamp.", "oauth_problem=timestamp_refused"] {
            assert!(
                matches!(
                    client.on_request_token_response(&reply(401, message), sent_at),
                    Err(ReplyError::ClockSkew {
                        skew_seconds: None,
                        ..
                    })
                ),
                "{message}"
            );
        }
        // Naming the parameter is not blaming it.
        for message in [
            "Parameter not found: oauth_timestamp",
            "Invalid signature. Expected base string: GET&…%26oauth_timestamp%3D137131200%26…",
        ] {
            assert!(
                matches!(
                    client.on_request_token_response(&reply(401, message), sent_at),
                    Err(ReplyError::Unauthorized(_))
                ),
                "{message}"
            );
        }
        // A Date within tolerance clears the clock, whatever the message says.
        let timestamp_refused = Response::builder()
            .status(401)
            .header("date", "Tue, 15 Nov 1994 08:12:31 GMT")
            .body(b"Invalid timestamp.".to_vec())
            .unwrap();
        assert!(matches!(
            client.on_request_token_response(&timestamp_refused, sent_at),
            Err(ReplyError::Unauthorized(_))
        ));
    }

    /// The tolerance is inclusive: exactly five minutes off is not blamed on the clock, one
    /// second more is. Only a refusal (401 or 400) is ever blamed on the clock.
    #[test]
    fn clock_skew_boundary_and_statuses() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let refusal = |status: u16| {
            Response::builder()
                .status(status)
                .header("date", "Tue, 15 Nov 1994 08:12:31 GMT")
                .body(b"Invalid signature.".to_vec())
                .unwrap()
        };
        let at = |offset: u64| Timestamp::from_unix_seconds(784_887_151 + offset).unwrap();
        assert!(matches!(
            client.on_request_token_response(&refusal(401), at(300)),
            Err(ReplyError::Unauthorized(ApiError { status, .. })) if status == StatusCode::UNAUTHORIZED
        ));
        assert!(matches!(
            client.on_request_token_response(&refusal(401), at(301)),
            Err(ReplyError::ClockSkew {
                skew_seconds: Some(301),
                ..
            })
        ));
        assert!(matches!(
            client.on_request_token_response(&refusal(400), at(301)),
            Err(ReplyError::ClockSkew {
                skew_seconds: Some(301),
                ..
            })
        ));
        // A server error an hour off is still a server error.
        assert!(matches!(
            client.on_request_token_response(&refusal(500), at(3_600)),
            Err(ReplyError::Status(ApiError { status, .. })) if status == StatusCode::INTERNAL_SERVER_ERROR
        ));
    }

    /// The token endpoints answer 401 with plain text; the consumer secret never shows.
    #[test]
    fn plain_text_refusal_keeps_status_and_message() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let error = client
            .on_request_token_response(
                &reply(401, "Invalid consumer kd94hf93k423kf44."),
                Timestamp::from_unix_seconds(1).unwrap(),
            )
            .unwrap_err();
        let ReplyError::Unauthorized(api_error) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api_error.status, StatusCode::UNAUTHORIZED);
        assert_eq!(api_error.message, "Invalid consumer [redacted].");
    }
}
