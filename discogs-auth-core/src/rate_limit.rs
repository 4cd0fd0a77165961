//! Discogs' rate-limit headers: `X-Discogs-Ratelimit`, `-Used` and `-Remaining`.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;
use http::header::{DATE, RETRY_AFTER};

use crate::encoding::decimal_digits;

/// `X-Discogs-Ratelimit`: requests allowed per minute (moving window).
pub const LIMIT_HEADER: &str = "x-discogs-ratelimit";
/// `X-Discogs-Ratelimit-Used`: requests made in the current window.
pub const USED_HEADER: &str = "x-discogs-ratelimit-used";
/// `X-Discogs-Ratelimit-Remaining`: requests left in the current window.
pub const REMAINING_HEADER: &str = "x-discogs-ratelimit-remaining";

/// The rate-limit figures of a reply (60 a minute when authenticated, 25 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u32,
    /// Requests already made in the window.
    pub used: u32,
    /// Requests left in the window.
    pub remaining: u32,
}

/// The rate-limit headers were present but not readable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitError {
    /// One of the three headers is missing while another is present.
    Missing {
        /// The missing header's name.
        header: &'static str,
    },
    /// A header is repeated or is not a whole number.
    Malformed {
        /// The malformed header's name.
        header: &'static str,
    },
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { header } => write!(f, "rate-limit header `{header}` is missing"),
            Self::Malformed { header } => {
                write!(
                    f,
                    "rate-limit header `{header}` is not a single whole number"
                )
            }
        }
    }
}

impl std::error::Error for RateLimitError {}

impl RateLimit {
    /// Reads the three headers: `Ok(None)` when none is present.
    ///
    /// ```
    /// use discogs_auth_core::RateLimit;
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("X-Discogs-Ratelimit", "60".parse().unwrap());
    /// headers.insert("X-Discogs-Ratelimit-Used", "1".parse().unwrap());
    /// headers.insert("X-Discogs-Ratelimit-Remaining", "59".parse().unwrap());
    /// assert_eq!(
    ///     RateLimit::from_headers(&headers),
    ///     Ok(Some(RateLimit { limit: 60, used: 1, remaining: 59 }))
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`RateLimitError::Missing`] when some of the three headers are there but not all,
    /// [`RateLimitError::Malformed`] when one is repeated or not a whole number that fits a `u32`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<Self>, RateLimitError> {
        let names = [LIMIT_HEADER, USED_HEADER, REMAINING_HEADER];
        if names.iter().all(|name| !headers.contains_key(*name)) {
            return Ok(None);
        }
        let [limit, used, remaining] = names.map(|name| read_number(headers, name));
        Ok(Some(Self {
            limit: limit?,
            used: used?,
            remaining: remaining?,
        }))
    }

    /// Adds the three headers to `headers` (for providers such as a local stand-in).
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            (LIMIT_HEADER, self.limit),
            (USED_HEADER, self.used),
            (REMAINING_HEADER, self.remaining),
        ] {
            headers.insert(name, http::HeaderValue::from(value));
        }
    }
}

/// The longest wait a reply's `Retry-After` is read as: one day. Discogs asks for seconds; a
/// server asking for more (`Retry-After: 18446744073709551615`, or a date in the year 9999)
/// must not make a caller's `Instant::now() + wait` overflow, or its sleep outlast it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// `Retry-After` (RFC 9110 §10.2.3): how long the provider asks a client to wait, in seconds
/// or until a date, at most [`MAX_RETRY_AFTER`]. A date is read against the reply's own
/// `Date`, since the core never reads the clock, and one already past means no wait. `None`
/// when the header is absent, repeated or unreadable, or is a date in a reply without a `Date`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = single_value(headers, RETRY_AFTER.as_str())?.trim();
    let wait = if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // More seconds than a `u64` holds is far more than a day.
        decimal_digits(value).map_or(MAX_RETRY_AFTER, Duration::from_secs)
    } else {
        let until = httpdate::parse_http_date(value).ok()?;
        let sent = httpdate::parse_http_date(single_value(headers, DATE.as_str())?).ok()?;
        until.duration_since(sent).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The header's one value as text: `None` when it is absent, repeated or not visible ASCII.
fn single_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.to_str().ok()
}

fn read_number(headers: &HeaderMap, header: &'static str) -> Result<u32, RateLimitError> {
    if !headers.contains_key(header) {
        return Err(RateLimitError::Missing { header });
    }
    single_value(headers, header)
        .map(str::trim)
        .and_then(decimal_digits)
        .and_then(|number| u32::try_from(number).ok())
        .ok_or(RateLimitError::Malformed { header })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn absent_headers_are_none() {
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), Ok(None));
    }

    #[test]
    fn partial_or_malformed_headers_are_errors() {
        assert_eq!(
            RateLimit::from_headers(&headers(&[(LIMIT_HEADER, "60")])),
            Err(RateLimitError::Missing {
                header: USED_HEADER
            })
        );
        assert_eq!(
            RateLimit::from_headers(&headers(&[
                (LIMIT_HEADER, "60"),
                (USED_HEADER, "-1"),
                (REMAINING_HEADER, "61")
            ])),
            Err(RateLimitError::Malformed {
                header: USED_HEADER
            })
        );
        assert_eq!(
            RateLimit::from_headers(&headers(&[
                (LIMIT_HEADER, "60"),
                (LIMIT_HEADER, "25"),
                (USED_HEADER, "1"),
                (REMAINING_HEADER, "59")
            ])),
            Err(RateLimitError::Malformed {
                header: LIMIT_HEADER
            })
        );
        assert_eq!(
            RateLimit::from_headers(&headers(&[
                (LIMIT_HEADER, "99999999999"),
                (USED_HEADER, "1"),
                (REMAINING_HEADER, "59")
            ])),
            Err(RateLimitError::Malformed {
                header: LIMIT_HEADER
            })
        );
    }

    #[test]
    fn write_then_read() {
        let figures = RateLimit {
            limit: 25,
            used: 25,
            remaining: 0,
        };
        let mut map = HeaderMap::new();
        figures.write_headers(&mut map);
        assert_eq!(map["X-Discogs-Ratelimit-Remaining"], "0");
        assert_eq!(RateLimit::from_headers(&map), Ok(Some(figures)));
    }
}
