//! Refusals blamed on this machine's clock: a signed request whose timestamp the provider
//! refused because our clock is off, told from any other refusal.

use http::header::DATE;
use http::{Response, StatusCode};

use crate::freshness::Timestamp;
use crate::reply::ReplyError;

/// How far apart our clock and the provider's may be before a refused signed request is
/// blamed on the clock. OAuth providers commonly allow five minutes.
pub const CLOCK_SKEW_TOLERANCE_SECS: u64 = 300;

impl ReplyError {
    /// This error as [`ReplyError::ClockSkew`] when it is a refusal (401, 400, or a refused
    /// access-token exchange) of a request signed at `sent_at` and this machine's clock is more
    /// than [`CLOCK_SKEW_TOLERANCE_SECS`] from the provider's `Date`; without a `Date`, when the
    /// refusal's message speaks of the timestamp. Any other error is returned as it is.
    ///
    /// [`OAuthClient::on_request_token_response`](crate::OAuthClient::on_request_token_response)
    /// and every step of a [`Session`](crate::Session) do this already; a sans-IO caller does
    /// it for the other replies to signed requests, with the timestamp of the
    /// [`Freshness`](crate::Freshness) it signed with:
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(Consumer::new("key", "secret")?, UserAgent::new("MyApp/1.0")?);
    /// let access = AccessToken::new("t0k3n", "s3cr3t")?;
    /// // Signed at 2023-11-14 22:13:20 UTC by a clock ten minutes fast.
    /// let freshness = Freshness::new("n0nc3", 1_700_000_000)?;
    /// let refused = http::Response::builder()
    ///     .status(401)
    ///     .header("date", "Tue, 14 Nov 2023 22:03:20 GMT")
    ///     .body(br#"{"message": "You must authenticate to access this resource."}"#.to_vec())?;
    /// let error = client
    ///     .on_signed_response(&access, &refused)
    ///     .map_err(|error| error.blame_clock(&refused, freshness.timestamp))
    ///     .unwrap_err();
    /// assert!(matches!(error, ReplyError::ClockSkew { skew_seconds: Some(600), .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "returns the error to report"]
    pub fn blame_clock<B>(self, response: &Response<B>, sent_at: Timestamp) -> ReplyError {
        let (api_error, exchange_refused) = match self {
            ReplyError::AccessTokenRefused(api_error) => (api_error, true),
            ReplyError::Unauthorized(api_error) | ReplyError::Status(api_error)
                if matches!(
                    api_error.status,
                    StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST
                ) =>
            {
                (api_error, false)
            }
            other => return other,
        };
        let provider_time = response
            .headers()
            .get(DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| httpdate::parse_http_date(value).ok())
            .and_then(|time| Timestamp::from_system_time(time).ok());
        let skew_seconds = provider_time.map(|provider| sent_at.seconds_since(provider));
        // The provider's `Date` settles it; only without one is the message read.
        let clock_is_wrong = match skew_seconds {
            Some(skew) => skew.unsigned_abs() > CLOCK_SKEW_TOLERANCE_SECS,
            None => speaks_of_the_timestamp(&api_error.message),
        };
        if clock_is_wrong {
            ReplyError::ClockSkew {
                skew_seconds,
                error: api_error,
            }
        } else if exchange_refused {
            ReplyError::AccessTokenRefused(api_error)
        } else if api_error.status == StatusCode::UNAUTHORIZED {
            ReplyError::Unauthorized(api_error)
        } else {
            ReplyError::Status(api_error)
        }
    }
}

/// Whether a refusal's message is about the timestamp (`Invalid timestamp`,
/// `oauth_problem=timestamp_refused`) rather than only naming the `oauth_timestamp` parameter,
/// as `Parameter not found: oauth_timestamp` or a signature base string quoted back do.
fn speaks_of_the_timestamp(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower
        .match_indices("timestamp")
        .any(|(at, _)| !lower[..at].ends_with("oauth_"))
}
