//! Replies: status codes to typed errors, error bodies (JSON, plain text or HTML) to a message.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::{Response, StatusCode, header};

use crate::credentials::CredentialError;
use crate::encoding::{FormError, hex_value, raw_form_pairs};
use crate::rate_limit::{RateLimit, retry_after};
use crate::transport::BodyCut;

/// Longest error message kept from a reply, in characters.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 200;

/// A non-success reply: its status, a short message and its rate-limit figures.
///
/// Non-exhaustive so that more of a reply can be kept without breaking matches on it; read
/// it with [`ApiError::from_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The reply's message: the JSON `message`, the plain text, or an HTML page's title;
    /// whitespace collapsed, cut after [`MAX_ERROR_MESSAGE_CHARS`] characters (then `…`), and
    /// any secret of the request that produced it replaced by `[redacted]`. For a body the
    /// transport cut at its limit ([`BodyCut`]), only the `message` of a JSON document that
    /// ends before the cut, or a closed `<title>`; else, as for an empty body, the status's
    /// reason phrase.
    pub message: String,
    /// The rate-limit headers, if the reply had readable ones.
    pub rate_limit: Option<RateLimit>,
    /// How long the provider asked to wait before trying again (`Retry-After`, in seconds, or
    /// a date read against the reply's `Date`), when it said; at most
    /// [`MAX_RETRY_AFTER`](crate::MAX_RETRY_AFTER).
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status.as_u16(), self.message)
    }
}

/// An error of its own, for a caller that keeps one out of a [`ReplyError`] (its
/// [`api_error`](ReplyError::api_error)) and returns it with `?`.
impl std::error::Error for ApiError {}

impl ApiError {
    /// An error made by hand, as a test double, or a test's expected value, would be.
    ///
    /// ```
    /// use discogs_auth_core::{ApiError, http::StatusCode};
    /// let refused = ApiError::new(StatusCode::UNAUTHORIZED, "Invalid consumer.", None);
    /// assert_eq!(refused.to_string(), "HTTP 401: Invalid consumer.");
    /// ```
    pub fn new(
        status: StatusCode,
        message: impl Into<String>,
        rate_limit: Option<RateLimit>,
    ) -> Self {
        Self {
            status,
            message: message.into(),
            rate_limit,
            retry_after: None,
        }
    }

    /// The same error, with the wait a `Retry-After` asked for.
    ///
    /// ```
    /// use std::time::Duration;
    /// use discogs_auth_core::{ApiError, http::StatusCode};
    /// let busy = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests", None)
    ///     .with_retry_after(Duration::from_secs(37));
    /// assert_eq!(busy.retry_after, Some(Duration::from_secs(37)));
    /// ```
    #[must_use = "returns the changed value; `self` is moved, not changed in place"]
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// Reads a reply's status, message, rate limit and `Retry-After`. `secrets` are replaced
    /// by `[redacted]` should the provider echo one back.
    pub fn from_response<B: AsRef<[u8]>>(response: &Response<B>, secrets: &[&str]) -> Self {
        let mut message = body_message(response, secrets);
        if message.is_empty() {
            message = response
                .status()
                .canonical_reason()
                .unwrap_or("no message")
                .to_owned();
        }
        if let Some(target) = redirect_target(response) {
            let target = redact(
                &collapse_whitespace(&target),
                secrets,
                MAX_ERROR_MESSAGE_CHARS,
            );
            if !target.is_empty() {
                message =
                    truncate_chars(format!("{message} (to {target})"), MAX_ERROR_MESSAGE_CHARS);
            }
        }
        Self {
            status: response.status(),
            message,
            rate_limit: RateLimit::from_headers(response.headers()).ok().flatten(),
            retry_after: retry_after(response.headers()),
        }
    }
}

/// The message of a reply's body ([`error_message`]), read by its `Content-Type` and whether
/// the transport cut it; empty when there is none.
pub(crate) fn body_message<B: AsRef<[u8]>>(response: &Response<B>, secrets: &[&str]) -> String {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
    let cut = response.extensions().get::<BodyCut>().is_some();
    error_message(response.body().as_ref(), is_html, cut, secrets)
}

/// What a success reply's body says when it holds none of the step's fields, for
/// [`ReplyError::NotATokenReply`]: as [`body_message`] writes it, except that form data with
/// other fields than [`DIAGNOSTIC_FIELDS`] gives only its field names, and JSON without a
/// `message` nothing. Such a body may be a token reply under other names (a proxy's, a
/// hand-written provider's), whose values are new secrets that no redaction knows.
pub(crate) fn unrecognised_body_message<B: AsRef<[u8]>>(
    response: &Response<B>,
    secrets: &[&str],
) -> String {
    let body = without_byte_order_mark(response.body().as_ref()).trim_ascii();
    let shape = if body.starts_with(b"{") || body.starts_with(b"[") {
        match std::str::from_utf8(body).ok().and_then(json_message) {
            Some(_) => None,
            None => Some(String::from("JSON without a `message` (left out)")),
        }
    } else if !body.starts_with(b"<")
        && body.contains(&b'=')
        && !body.iter().any(|byte| byte.is_ascii_whitespace())
    {
        let only_diagnostics =
            raw_form_pairs(body).all(|(name, _)| DIAGNOSTIC_FIELDS.contains(&name));
        (!only_diagnostics).then(|| {
            let names: Vec<_> = raw_form_pairs(body)
                .map(|(name, _)| String::from_utf8_lossy(name))
                .collect();
            format!(
                "form data with the fields {} (values left out)",
                names.join(", ")
            )
        })
    } else {
        None
    };
    match shape {
        Some(shape) => finish_message(&shape, secrets),
        None => body_message(response, secrets),
    }
}

/// Form fields that say why a request failed and carry no credential: OAuth's Problem
/// Reporting extension's and OAuth 2.0's, which a provider's error form may use.
const DIAGNOSTIC_FIELDS: [&[u8]; 5] = [
    b"oauth_problem",
    b"oauth_problem_advice",
    b"error",
    b"error_description",
    b"message",
];

/// Where a redirect points, without its query or fragment (they may carry credentials): an
/// endpoint that moved is then told from one that failed. Transports never follow it.
fn redirect_target<B>(response: &Response<B>) -> Option<Cow<'_, str>> {
    if !response.status().is_redirection() {
        return None;
    }
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let target = location.split(['?', '#']).next()?;
    // A user name or password in the authority goes too, after a scheme or in a
    // scheme-relative `//host/…`.
    let split = target
        .split_once("://")
        .map(|(scheme, rest)| (scheme, "://", rest))
        .or_else(|| target.strip_prefix("//").map(|rest| ("", "//", rest)));
    let target = match split {
        Some((scheme, separator, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => Cow::Owned(format!("{scheme}{separator}{}", &rest[at + 1..])),
                None => Cow::Borrowed(target),
            }
        }
        None => Cow::Borrowed(target),
    };
    (!target.is_empty()).then_some(target)
}

/// A reply could not be turned into the value the step expects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// 429: the rate limit is exhausted; wait for the moving window to free up.
    RateLimited(ApiError),
    /// 401: the credentials or the signature were refused.
    Unauthorized(ApiError),
    /// 403 on a signed call. Discogs answers as if anonymous when a signature does not cover
    /// the query string, so this usually means the request was not signed as sent.
    Forbidden(ApiError),
    /// The access-token step failed after the request token's 15 minutes were up.
    RequestTokenExpired(ApiError),
    /// The access-token step was refused (400 or 401) within the request token's 15 minutes:
    /// the verifier is wrong or already spent, the user has not approved the request token yet,
    /// or Discogs does not know it. The same exchange sent again cannot succeed (see
    /// [`ReplyError::must_restart_login`]); a verifier the user mistyped may be typed again.
    AccessTokenRefused(ApiError),
    /// A signed request was refused and this machine's clock is off: the request-token step
    /// ([`OAuthClient::on_request_token_response`](crate::OAuthClient::on_request_token_response)),
    /// any step a [`Session`](crate::Session) signs (access token, identity, `send_signed`),
    /// or any refusal passed through [`ReplyError::blame_clock`]. Correct the time with
    /// [`OffsetClock::new(-skew_seconds)`](crate::OffsetClock::new).
    ClockSkew {
        /// Our clock minus the provider's (from its `Date` header), when known.
        skew_seconds: Option<i64>,
        /// The reply.
        error: ApiError,
    },
    /// Any other unexpected status.
    Status(ApiError),
    /// A success reply whose form body could not be read.
    MalformedForm(FormError),
    /// A success reply whose JSON body could not be read.
    MalformedJson {
        /// What was wrong and where (line and column), never quoting the body, which may echo a
        /// secret; serde_json's own words only for a missing field.
        detail: String,
    },
    /// A success reply whose body holds none of the step's fields: no token reply at all, but
    /// an HTML page (a proxy's, a captive portal's, a site reached through a wrong base URL),
    /// JSON or other text. One that holds some of them but not all is
    /// [`MissingField`](Self::MissingField).
    NotATokenReply {
        /// What the body says, written as [`ApiError::message`] is (an HTML page's title, a
        /// JSON `message`, or the text; cut, secrets redacted); empty for an empty body. Form
        /// data gives only its field names, unless they all say why a request failed
        /// (`oauth_problem`, `oauth_problem_advice`, `error`, `error_description`, `message`),
        /// and JSON without a `message` nothing: they may be a token reply under other names,
        /// holding new secrets.
        message: String,
    },
    /// A required field is missing from the reply.
    MissingField {
        /// The field's name.
        field: &'static str,
    },
    /// A field of the reply is not a valid credential (empty, control characters, too long).
    InvalidField(CredentialError),
    /// The request-token reply gave `oauth_callback_confirmed` a value other than `true`
    /// (OAuth 1.0a). A reply without the field at all is
    /// [`MissingField`](Self::MissingField) `{ field: "oauth_callback_confirmed" }`.
    CallbackNotConfirmed,
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RateLimited(error) => {
                write!(f, "rate limited by Discogs ({error})")?;
                match error.retry_after {
                    Some(wait) => write!(f, "; retry after {} s", wait.as_secs()),
                    None => Ok(()),
                }
            }
            Self::Unauthorized(error) => write!(f, "unauthorized ({error})"),
            Self::Forbidden(error) => write!(
                f,
                "forbidden ({error}); if this call was signed, check that the query string was \
                 signed as sent"
            ),
            Self::RequestTokenExpired(error) => write!(
                f,
                "the request token has expired (15 minutes after issue); start the flow again \
                 ({error})"
            ),
            Self::AccessTokenRefused(error) => write!(
                f,
                "the access-token exchange was refused (wrong or spent verifier, or request token \
                 not approved); retype the verifier or log in again ({error})"
            ),
            Self::ClockSkew {
                skew_seconds,
                error,
            } => {
                f.write_str("the request was refused and this machine's clock looks wrong")?;
                match skew_seconds {
                    Some(skew) => write!(
                        f,
                        " (off by {skew} s); fix the clock or sign with OffsetClock::new({})",
                        skew.saturating_neg()
                    )?,
                    None => f.write_str("; fix the clock or use an OffsetClock")?,
                }
                write!(f, " ({error})")
            }
            Self::Status(error) => write!(f, "unexpected reply ({error})"),
            Self::MalformedForm(error) => {
                write!(f, "the reply body is not valid form data: {error}")
            }
            Self::MalformedJson { detail } => {
                write!(f, "the reply body is not the expected JSON: {detail}")
            }
            Self::NotATokenReply { message } => {
                f.write_str(
                    "the reply is not a token reply: a success status, but none of the \
                     step's fields (check the endpoints' base URL, or whether a proxy answered)",
                )?;
                match message.as_str() {
                    "" => f.write_str("; its body is empty"),
                    message => write!(f, "; it says: {message}"),
                }
            }
            Self::MissingField { field } => write!(f, "the reply has no `{field}`"),
            Self::InvalidField(error) => write!(f, "the reply has an unusable value: {error}"),
            Self::CallbackNotConfirmed => f.write_str(
                "the request-token reply did not confirm the callback (oauth_callback_confirmed)",
            ),
        }
    }
}

impl std::error::Error for ReplyError {}

impl ReplyError {
    /// The reply's status and message, for errors that came from a non-success status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::RateLimited(error)
            | Self::Unauthorized(error)
            | Self::Forbidden(error)
            | Self::RequestTokenExpired(error)
            | Self::AccessTokenRefused(error)
            | Self::Status(error)
            | Self::ClockSkew { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The rate-limit figures, when the reply carried them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.api_error().and_then(|error| error.rate_limit)
    }

    /// How long the reply asked to wait before trying again (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|error| error.retry_after)
    }

    /// Whether the same request may succeed later unchanged: a 429 (wait for
    /// [`retry_after`](Self::retry_after), or for the minute's window to move on), or a
    /// 408, 500, 502, 503 or 504. Refusals (401, 403, 400, expiry, clock skew) and unreadable
    /// replies are not.
    ///
    /// An access-token exchange that failed this way may still have spent its verifier on
    /// Discogs' side: a retry is then refused as
    /// [`AccessTokenRefused`](Self::AccessTokenRefused), and the login starts again.
    ///
    /// ```
    /// use discogs_auth_core::{check_reply, http::Response};
    /// let busy = Response::builder()
    ///     .status(503)
    ///     .header("Retry-After", "120")
    ///     .body("Service Unavailable")?;
    /// let error = check_reply(&busy, &[]).unwrap_err();
    /// assert!(error.is_transient());
    /// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(120)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited(_) => true,
            Self::Status(error) => matches!(
                error.status,
                StatusCode::REQUEST_TIMEOUT
                    | StatusCode::INTERNAL_SERVER_ERROR
                    | StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ),
            _ => false,
        }
    }

    /// Whether sending the same exchange again cannot succeed, and a new login will: the
    /// request token expired before the exchange
    /// ([`RequestTokenExpired`](Self::RequestTokenExpired)) or the exchange was refused
    /// ([`AccessTokenRefused`](Self::AccessTokenRefused)). Send the user to authorize again,
    /// from a new request token. After a refusal, a verifier the user typed may first be typed
    /// again while the request token lasts: whether a refused exchange spends the request token
    /// is the provider's choice (the stand-in keeps it).
    pub fn must_restart_login(&self) -> bool {
        matches!(
            self,
            Self::RequestTokenExpired(_) | Self::AccessTokenRefused(_)
        )
    }
}

/// The body of a success (2xx) reply, or the typed error for any other status.
///
/// ```
/// use discogs_auth_core::{check_reply, ReplyError};
/// let reply = http::Response::builder()
///     .status(401)
///     .body("Invalid consumer.")
///     .unwrap();
/// match check_reply(&reply, &[]) {
///     Err(ReplyError::Unauthorized(error)) => assert_eq!(error.message, "Invalid consumer."),
///     other => panic!("{other:?}"),
/// }
/// ```
///
/// # Errors
///
/// For any status but a success (2xx), with the reply's [`ApiError`]:
/// [`ReplyError::RateLimited`] for 429, [`ReplyError::Unauthorized`] for 401,
/// [`ReplyError::Forbidden`] for 403, [`ReplyError::Status`] for any other.
pub fn check_reply<'a, B: AsRef<[u8]>>(
    response: &'a Response<B>,
    secrets: &[&str],
) -> Result<&'a [u8], ReplyError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response.body().as_ref());
    }
    let error = ApiError::from_response(response, secrets);
    Err(match status {
        StatusCode::TOO_MANY_REQUESTS => ReplyError::RateLimited(error),
        StatusCode::UNAUTHORIZED => ReplyError::Unauthorized(error),
        StatusCode::FORBIDDEN => ReplyError::Forbidden(error),
        _ => ReplyError::Status(error),
    })
}

/// `body` without a leading UTF-8 byte order mark, which RFC 8259 §8.1 lets a JSON parser
/// ignore and some servers put before their JSON.
pub(crate) fn without_byte_order_mark(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// The message of an error body. A body the adapter `cut` at its limit ([`BodyCut`]) gives
/// only what ends before the cut, a whole JSON document's `message` or a closed HTML
/// `<title>`: text that runs to the cut could end inside an echoed secret, whose start
/// redaction cannot recognise, in any of the many ways a page may write it.
fn error_message(body: &[u8], is_html: bool, cut: bool, secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(without_byte_order_mark(body));
    let trimmed = text.trim_start();
    let up_to_the_cut = || {
        if cut {
            String::new()
        } else {
            trimmed.to_owned()
        }
    };
    let extracted: String = if trimmed.starts_with('{') {
        json_message(trimmed).unwrap_or_else(up_to_the_cut)
    } else if is_html || trimmed.starts_with('<') {
        match html_title(trimmed) {
            Some(title) => decode_html_entities(&title),
            None if cut => String::new(),
            None => decode_html_entities(&strip_tags(trimmed)),
        }
    } else {
        up_to_the_cut()
    };
    finish_message(&extracted, secrets)
}

/// `text` as a message: whitespace collapsed, secrets redacted, cut to
/// [`MAX_ERROR_MESSAGE_CHARS`].
fn finish_message(text: &str, secrets: &[&str]) -> String {
    truncate_chars(
        redact(&collapse_whitespace(text), secrets, MAX_ERROR_MESSAGE_CHARS),
        MAX_ERROR_MESSAGE_CHARS,
    )
}

/// What stands for a secret in a message.
const REDACTED: &str = "[redacted]";

/// `text` with every secret replaced by `[redacted]`, however the page wrote it: as it is,
/// with its whitespace collapsed as `text`'s was, or with any of its bytes escaped
/// ([`echoed_len`]). An HTML page's character references are decoded before this, and a
/// secret is also looked for with its own references decoded, for a page that echoed it raw.
///
/// One pass, trying the longest match first at each place: a secret that holds another (a
/// verifier that starts with the consumer secret) is replaced whole, and a replacement is
/// never searched again, so a one-letter secret cannot eat into `[redacted]`.
///
/// The walk stops once it has written more than `kept_chars` characters: a message is cut
/// there ([`truncate_chars`]), and a body of megabytes is not searched to the end for it.
fn redact(text: &str, secrets: &[&str], kept_chars: usize) -> String {
    let mut forms: Vec<String> = Vec::new();
    for secret in secrets {
        // Most secrets are letters and digits, and all their forms are one.
        for form in [
            (*secret).to_owned(),
            collapse_whitespace(secret),
            decode_html_entities(secret),
        ] {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    let mut ends = EchoEnds::default();
    let mut redacted = String::with_capacity(text.len().min(kept_chars.saturating_add(1)));
    let mut written_chars: usize = 0;
    let mut rest = text;
    while let Some(next) = rest.chars().next() {
        if written_chars > kept_chars {
            break;
        }
        let longest = forms
            .iter()
            .filter_map(|form| echoed_len(rest, form, &mut ends))
            // An empty form (a blank secret's collapsed spacing) matches everywhere, and
            // nothing: it would stop the walk.
            .filter(|&len| len > 0 && rest.is_char_boundary(len))
            .max();
        match longest {
            Some(len) => {
                redacted.push_str(REDACTED);
                written_chars += REDACTED.len();
                rest = &rest[len..];
            }
            None => {
                redacted.push(next);
                written_chars += 1;
                rest = &rest[next.len_utf8()..];
            }
        }
    }
    redacted
}

/// How long the start of `text` is if it is `secret` written with any of its characters
/// escaped as a page may escape them: percent-encoded once or twice with either hex case
/// (`%2F`, `%2f`, `%252F`), a space as `+` (form encoding), or as in JSON (`\/`, `\u00e9`, a
/// surrogate pair beyond U+FFFF). Each encoder escapes its own set of characters (`~` is `%7E`
/// for one and `~` for another), so they are matched one by one, each as it is or escaped; the
/// longest match is the length.
///
/// A character may match in more than one way at one place (`%` as itself or as `%25`, `\` as
/// itself or as `\\`), and only a later character tells which was meant: every place each
/// way ends is kept, so no reading is lost, and kept once, so a secret of many `\` against a
/// page of many more is matched in quadratic time, not exponential.
fn echoed_len(text: &str, secret: &str, ends: &mut EchoEnds) -> Option<usize> {
    let text = text.as_bytes();
    // Nearly every place of a page starts no echo of the secret: its first character is
    // written as it is, or escaped after a `%` or a `\`, or a space as `+`.
    if let (Some(&start), Some(&first)) = (text.first(), secret.as_bytes().first()) {
        if start != first && !matches!(start, b'%' | b'\\' | b'+') {
            return None;
        }
    }
    ends.current.clear();
    ends.current.push(0);
    for character in secret.chars() {
        ends.next.clear();
        for &at in &ends.current {
            let rest = &text[at..];
            if let Some(len) = json_escaped_len(rest, character) {
                ends.next.push(at + len);
            }
            bytes_echo_ends(rest, character, at, &mut ends.within, &mut ends.next);
        }
        ends.next.sort_unstable();
        ends.next.dedup();
        std::mem::swap(&mut ends.current, &mut ends.next);
        if ends.current.is_empty() {
            return None;
        }
    }
    ends.current.last().copied()
}

/// The places [`echoed_len`] has reached: kept between calls, so the walk of a page allocates
/// them once.
#[derive(Default)]
struct EchoEnds {
    current: Vec<usize>,
    next: Vec<usize>,
    within: Vec<usize>,
}

/// How long the start of `text` is if it is `character` as a JSON `\uXXXX` escape (two, a
/// UTF-16 surrogate pair, beyond U+FFFF).
fn json_escaped_len(text: &[u8], character: char) -> Option<usize> {
    let mut units = [0; 2];
    let mut at = 0;
    for &unit in character.encode_utf16(&mut units).iter() {
        let [b'\\', b'u', digits @ ..] = text.get(at..at + 6)? else {
            return None;
        };
        let escaped = digits.iter().try_fold(0_u16, |value, &digit| {
            Some(value << 4 | u16::from(hex_value(digit)?))
        })?;
        if escaped != unit {
            return None;
        }
        at += 6;
    }
    Some(at)
}

/// Adds to `ends` (each plus `offset`) every length the start of `text` has if it is
/// `character`'s UTF-8 bytes, each as it is or escaped ([`byte_echo_lens`]). `within` is
/// scratch space for the places between the bytes.
fn bytes_echo_ends(
    text: &[u8],
    character: char,
    offset: usize,
    within: &mut Vec<usize>,
    ends: &mut Vec<usize>,
) {
    within.clear();
    within.push(0);
    for &byte in character.encode_utf8(&mut [0; 4]).as_bytes() {
        let reached = within.len();
        for index in 0..reached {
            let at = within[index];
            for len in byte_echo_lens(&text[at..], byte).into_iter().flatten() {
                within.push(at + len);
            }
        }
        within.drain(..reached);
        within.sort_unstable();
        within.dedup();
    }
    ends.extend(within.iter().map(|&at| offset + at));
}

/// The lengths the start of `text` has if it is `byte` as it is or escaped: percent-encoded
/// once or twice, a space as `+`, or `/`, `"` and `\` after a `\`.
fn byte_echo_lens(text: &[u8], byte: u8) -> [Option<usize>; 4] {
    let hex_byte = |high: u8, low: u8| Some(hex_value(high)? << 4 | hex_value(low)?);
    let as_it_is = match text {
        [first, ..] if *first == byte => Some(1),
        [b'+', ..] if byte == b' ' => Some(1),
        _ => None,
    };
    let percent_encoded = match text {
        [b'%', high, low, ..] if hex_byte(*high, *low) == Some(byte) => Some(3),
        _ => None,
    };
    // Encoded twice, as a signature is when a page quotes the header it was sent.
    let encoded_twice = match text {
        [b'%', b'2', b'5', high, low, ..] if hex_byte(*high, *low) == Some(byte) => Some(5),
        _ => None,
    };
    let backslashed = match text {
        [b'\\', escaped, ..] if *escaped == byte && b"/\"\\".contains(&byte) => Some(2),
        _ => None,
    };
    [as_it_is, percent_encoded, encoded_twice, backslashed]
}

/// The text of an HTML page with its character references decoded: the named ones a server
/// escapes text with (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`) and numeric ones (`&#39;`,
/// `&#x27;`; `&#0;` is U+FFFD, as in HTML). Anything else is left as it is.
fn decode_html_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let reference = rest
            .get(1..)
            // Only the ten bytes after a `&` are searched for its `;` (the longest reference
            // read, `#x10FFFF`, has eight), so a page full of `&` is read in linear time.
            .and_then(|after| after.bytes().take(10).position(|byte| byte == b';'))
            .and_then(|end| {
                let character = character_reference(&rest[1..1 + end])?;
                Some((character, end + 2))
            });
        match reference {
            Some((character, len)) => {
                decoded.push(character);
                rest = &rest[len..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The character a reference names (what is between `&` and `;`), if it is one
/// [`decode_html_entities`] reads.
fn character_reference(name: &str) -> Option<char> {
    let number = |digits: &str, radix: u32| {
        let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        all_digits.then(|| u32::from_str_radix(digits, radix).ok())?
    };
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        _ => match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            Some(hex) => number(hex, 16)?,
            None => number(name.strip_prefix('#')?, 10)?,
        },
    };
    if code == 0 {
        return Some(char::REPLACEMENT_CHARACTER);
    }
    char::from_u32(code)
}

fn json_message(text: &str) -> Option<String> {
    serde_json::from_str::<ErrorBody>(text)
        .ok()
        .map(|body| body.message)
}

/// A JSON error body, `{"message": "…"}`: other fields ignored, `message` required once and a
/// string. (Written out rather than derived: see `Identity`.)
struct ErrorBody {
    message: String,
}

impl<'de> serde_core::Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde_core::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> serde_core::de::Visitor<'de> for BodyVisitor {
            type Value = ErrorBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct ErrorBody")
            }
            fn visit_seq<A: serde_core::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ErrorBody, A::Error> {
                use serde_core::de::Error as _;
                let message = seq.next_element()?.ok_or_else(|| {
                    A::Error::invalid_length(0, &"struct ErrorBody with 1 element")
                })?;
                Ok(ErrorBody { message })
            }
            fn visit_map<A: serde_core::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorBody, A::Error> {
                use serde_core::de::Error as _;
                let mut message = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "message" {
                        if message.is_some() {
                            return Err(A::Error::duplicate_field("message"));
                        }
                        message = Some(map.next_value()?);
                    } else {
                        map.next_value::<serde_core::de::IgnoredAny>()?;
                    }
                }
                let message = message.ok_or_else(|| A::Error::missing_field("message"))?;
                Ok(ErrorBody { message })
            }
        }
        deserializer.deserialize_struct("ErrorBody", &["message"], BodyVisitor)
    }
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let content_start = open + lower[open..].find('>')? + 1;
    let content_len = lower[content_start..].find("</title")?;
    Some(html[content_start..content_start + content_len].to_owned())
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for word in text.split(|c: char| c.is_whitespace() || c.is_control() || is_invisible(c)) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Zero-width and bidirectional formatting characters: shown in a terminal or a log, a
/// server's message could hide text with them or turn it around (`fine \u{202e} txt.exe`).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

pub(crate) fn truncate_chars(mut text: String, max: usize) -> String {
    if let Some((cut, _)) = text.char_indices().nth(max) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secret that collapses to nothing (only whitespace) redacts nothing else.
    #[test]
    fn a_blank_secret_leaves_the_text_alone() {
        assert_eq!(
            redact("Invalid consumer.", &["   "], usize::MAX),
            "Invalid consumer."
        );
        assert_eq!(
            redact("Invalid consumer.", &[""], usize::MAX),
            "Invalid consumer."
        );
        assert_eq!(
            redact("key s3cr3t! refused", &["s3cr3t!"], usize::MAX),
            "key [redacted] refused"
        );
    }

    /// A secret inside another is replaced with the longer one, whatever their order, and a
    /// replacement is never searched again.
    #[test]
    fn overlapping_secrets_are_redacted_whole_and_once() {
        assert_eq!(
            redact(
                "Invalid verifier cs9Xv3r1f13r",
                &["cs", "cs9Xv3r1f13r"],
                usize::MAX
            ),
            "Invalid verifier [redacted]"
        );
        assert_eq!(
            redact("Invalid verifier.", &["v"], usize::MAX),
            "In[redacted]alid [redacted]erifier."
        );
        assert_eq!(
            redact("eee", &["e"], usize::MAX),
            "[redacted][redacted][redacted]"
        );
        assert_eq!(
            redact("sig a%26b and a&b", &["a&b"], usize::MAX),
            "sig [redacted] and [redacted]"
        );
        assert_eq!(
            redact("two  spaces", &["two  spaces"], usize::MAX),
            "[redacted]"
        );
    }

    /// The walk stops a little past what a message keeps, and the message is the one a walk
    /// to the end would give.
    #[test]
    fn redaction_stops_past_what_the_message_keeps() {
        let secret = "s3cr3t";
        let body = "word s3cr3t ".repeat(100_000);
        let stopped = redact(&body, &[secret], MAX_ERROR_MESSAGE_CHARS);
        assert!(stopped.chars().count() <= MAX_ERROR_MESSAGE_CHARS + REDACTED.len());
        let whole = redact(&body, &[secret], usize::MAX);
        assert_eq!(whole.len(), 100_000 * "word [redacted] ".len());
        assert_eq!(
            truncate_chars(stopped, MAX_ERROR_MESSAGE_CHARS),
            truncate_chars(whole, MAX_ERROR_MESSAGE_CHARS)
        );
        for kept in 0..30 {
            for text in [
                "a s3cr3t b",
                "s3cr3ts3cr3t!",
                "no secret here",
                "é%733cr3t",
                "",
            ] {
                assert_eq!(
                    truncate_chars(redact(text, &[secret], kept), kept),
                    truncate_chars(redact(text, &[secret], usize::MAX), kept),
                    "{text:?} cut at {kept}"
                );
            }
        }
    }

    /// Only a `>` that closes a tag is taken out of HTML.
    #[test]
    fn strip_tags_keeps_text_outside_tags() {
        assert_eq!(strip_tags("a > b <b>c</b>"), "a > b  c ");
    }

    fn reply(status: u16, content_type: Option<&str>, body: &str) -> Response<Vec<u8>> {
        let mut builder = Response::builder().status(status);
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    fn api_error(response: &Response<Vec<u8>>) -> ApiError {
        ApiError::from_response(response, &[])
    }

    #[test]
    fn json_message_is_extracted() {
        let error = api_error(&reply(
            401,
            Some("application/json"),
            r#"{"message": "You must authenticate to access this resource."}"#,
        ));
        assert_eq!(error.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            error.message,
            "You must authenticate to access this resource."
        );
    }

    /// The token endpoints answer errors in plain text.
    #[test]
    fn plain_text_messages_from_token_endpoints() {
        for body in [
            "Invalid consumer.",
            "Parameter not found: oauth_consumer_key",
        ] {
            assert_eq!(
                api_error(&reply(401, Some("text/plain"), body)).message,
                body
            );
        }
    }

    #[test]
    fn html_pages_give_their_title() {
        let page = "<!DOCTYPE html>\n<html><head><TITLE>502 Bad\n Gateway</TITLE></head>\
                    <body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(
            api_error(&reply(502, Some("text/html; charset=utf-8"), page)).message,
            "502 Bad Gateway"
        );
        assert_eq!(
            api_error(&reply(
                503,
                None,
                "<html><body><p>Service <b>down</b></p></body></html>"
            ))
            .message,
            "Service down"
        );
    }

    /// A redirect says where to, without the query that may hold credentials.
    #[test]
    fn redirects_name_their_target() {
        let moved = |location: &str, body: &str| {
            let mut response = reply(301, None, body);
            response
                .headers_mut()
                .insert(header::LOCATION, location.parse().unwrap());
            ApiError::from_response(&response, &["s3cr3t"]).message
        };
        assert_eq!(
            moved(
                "https://www.discogs.com/oauth/request_token?oauth_token=abc#x",
                ""
            ),
            "Moved Permanently (to https://www.discogs.com/oauth/request_token)"
        );
        assert_eq!(
            moved("/oauth/s3cr3t", "Moved."),
            "Moved. (to /oauth/[redacted])"
        );
        assert_eq!(moved("?only=query", ""), "Moved Permanently");
        assert_eq!(
            moved("https://user:pa55@www.discogs.com/a@b?c@d", ""),
            "Moved Permanently (to https://www.discogs.com/a@b)"
        );
        assert_eq!(
            moved("//admin:hunter2@evil.example/x", ""),
            "Moved Permanently (to //evil.example/x)"
        );
        // A header value may hold tabs; a message never does.
        assert_eq!(moved("/a\t b ", ""), "Moved Permanently (to /a b)");
        assert_eq!(moved(" \t", ""), "Moved Permanently");
        // Other statuses never mention a `Location`.
        let mut response = reply(201, None, "");
        response
            .headers_mut()
            .insert(header::LOCATION, "/elsewhere".parse().unwrap());
        assert_eq!(api_error(&response).message, "Created");
    }

    /// Zero-width and bidirectional formatting characters are dropped as control characters
    /// are, however the page wrote them.
    #[test]
    fn invisible_characters_never_reach_a_message() {
        for (content_type, body) in [
            (None, "fine \u{202e} txt.exe\u{200b}!"),
            (
                Some("application/json"),
                r#"{"message": "fine \u202e txt.exe\u200b!"}"#,
            ),
            (
                Some("text/html"),
                "<title>fine &#x202E; txt.exe&#8203;!</title>",
            ),
        ] {
            let message = api_error(&reply(503, content_type, body)).message;
            assert_eq!(message, "fine txt.exe !", "{body}");
        }
    }

    #[test]
    fn empty_body_falls_back_to_the_reason_phrase() {
        assert_eq!(api_error(&reply(400, None, "  ")).message, "Bad Request");
    }

    #[test]
    fn long_messages_are_truncated() {
        let message = api_error(&reply(500, None, &"x".repeat(10_000))).message;
        assert_eq!(message.chars().count(), MAX_ERROR_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn echoed_secrets_are_redacted() {
        let response = reply(400, None, "Invalid verifier s3cr3t-verifier for token t");
        let error = ApiError::from_response(&response, &["s3cr3t-verifier"]);
        assert_eq!(error.message, "Invalid verifier [redacted] for token t");
    }

    /// A body cut at the adapter's limit may end inside an echoed secret, written in any of
    /// the ways redaction reads (escapes spelled as HTML references, a space as a run of
    /// whitespace): only a part that ends before the cut gives the message.
    #[test]
    fn a_cut_body_shows_no_part_of_a_secret() {
        let secret = "SECRETsecret 123";
        let percent_escapes_as_references: String = secret[..12]
            .bytes()
            .map(|byte| format!("&#00000037;{byte:02X}"))
            .collect();
        let tails = [
            format!("Refused {}", &secret[..9]),
            format!("Refused {percent_escapes_as_references}"),
            format!("Refused SECRETsecret{}12", " ".repeat(500)),
        ];
        for tail in tails {
            for (content_type, body) in [
                (Some("text/html"), format!("<p>{tail}")),
                (None, tail.clone()),
                (Some("application/json"), format!("{{\"message\": \"{tail}")),
            ] {
                let mut response = reply(503, content_type, &body);
                // Uncut, the same page is read to its end.
                assert_ne!(api_error(&response).message, "Service Unavailable");
                response
                    .extensions_mut()
                    .insert(BodyCut { limit: body.len() });
                let cut = ApiError::from_response(&response, &[secret]);
                assert_eq!(cut.message, "Service Unavailable", "{body}");
            }
        }
        // What ends before the cut is read as usual.
        for (content_type, body) in [
            (
                Some("text/html"),
                "<title>Busy &amp; down</title><p>SECRETsec",
            ),
            (Some("application/json"), r#"{"message": "Busy & down"}   "#),
        ] {
            let mut response = reply(503, content_type, body);
            response
                .extensions_mut()
                .insert(BodyCut { limit: body.len() });
            assert_eq!(
                ApiError::from_response(&response, &[secret]).message,
                "Busy & down"
            );
        }
    }

    #[test]
    fn secrets_are_redacted_whatever_their_spacing_or_encoding() {
        for body in [
            "Invalid consumer se  cret.",
            "Invalid consumer se cret.",
            "Invalid consumer se%20%20cret.",
        ] {
            let error = ApiError::from_response(&reply(401, None, body), &["se  cret"]);
            assert_eq!(error.message, "Invalid consumer [redacted].", "{body}");
        }
    }

    /// The other ways a page writes a secret: percent-encoded by any encoder (which bytes it
    /// escapes, hex case, a space as `+`), JSON-escaped in a body shown raw, and HTML with
    /// character references, or raw though it looks like one.
    /// JSON may write any character as `\uXXXX` (Python's `json.dumps` does so for every
    /// character beyond ASCII), and one beyond U+FFFF as a surrogate pair.
    #[test]
    fn secrets_are_redacted_when_json_escapes_their_characters() {
        let secrets = ["s\u{e9}cret-xyz", "k\u{1f600}y-secret", "s3/cr"];
        for body in [
            r#"{"error": "bad secret s\u00e9cret-xyz"}"#,
            r#"{"error": "bad secret s\u00E9cret-xyz"}"#,
            r#"{"error": "bad secret s%C3%A9cret-xyz"}"#,
            r#"{"error": "bad secret k\ud83d\ude00y-secret"}"#,
            r#"{"error": "bad secret k\uD83D\uDE00y-secret"}"#,
            r#"{"error": "bad secret s3\u002fcr"}"#,
        ] {
            let error =
                ApiError::from_response(&reply(401, Some("application/json"), body), &secrets);
            assert_eq!(
                error.message, r#"{"error": "bad secret [redacted]"}"#,
                "{body}"
            );
        }
        // Half of a pair, another character or a short escape is not the secret.
        for body in [
            r#"{"error": "k\ud83dy-secret"}"#,
            r#"{"error": "k\ude00y-secret"}"#,
            r#"{"error": "s\u00e8cret-xyz"}"#,
            r#"{"error": "s\u0e9cret-xyz"}"#,
        ] {
            let error =
                ApiError::from_response(&reply(401, Some("application/json"), body), &secrets);
            assert_eq!(error.message, body);
        }
    }

    /// A secret holding `%` or `\` reads as it is up to a later character that only its
    /// escape (`%25`, `\\`) explains; both readings are followed to the end.
    #[test]
    fn secrets_holding_an_escape_character_are_redacted_when_it_is_escaped() {
        let secrets = ["50%off", r"ab\cd1234", "x%25y", r"5%0\ff"];
        for (body, message) in [
            (
                r#"{"message": "Invalid signature 50%25off&s3cr3t"}"#,
                "Invalid signature [redacted]&s3cr3t",
            ),
            (
                r#"{"message": "Invalid signature 50%2525off&s3cr3t"}"#,
                "Invalid signature [redacted]&s3cr3t",
            ),
            (
                r#"{"error": "Invalid signature ab\\cd1234&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
            (
                r#"{"error": "Invalid signature ab\u005ccd1234&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
            // A secret holding what looks like an escape, as it is and escaped.
            (
                r#"{"error": "Invalid signature x%25y&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
            (
                r#"{"error": "Invalid signature x%2525y&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
            (
                r#"{"error": "Invalid signature 5%0\\ff&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
            (
                r#"{"error": "Invalid signature 5%250%5Cff&s3cr3t"}"#,
                r#"{"error": "Invalid signature [redacted]&s3cr3t"}"#,
            ),
        ] {
            let error =
                ApiError::from_response(&reply(401, Some("application/json"), body), &secrets);
            assert_eq!(error.message, message, "{body}");
        }
        // Every way to read a run of `\` is followed at once: a secret of 40 against a page
        // of 2,000 (each `\` read as `\\`, the longest) is redacted throughout.
        let secret = "\\".repeat(40);
        let body = format!("bad {} end", "\\".repeat(2_000));
        let whole = format!("bad {} end", REDACTED.repeat(25));
        let cut: String = whole.chars().take(MAX_ERROR_MESSAGE_CHARS).collect();
        assert_eq!(
            ApiError::from_response(&reply(401, None, &body), &[&secret]).message,
            format!("{cut}…")
        );
    }

    #[test]
    fn secrets_are_redacted_in_every_encoding_a_page_may_use() {
        let secret = "s3/cr&t x~";
        for (content_type, body) in [
            // RFC 3986, as this crate encodes.
            (None, "Invalid signature s3%2Fcr%26t%20x~."),
            (None, "Invalid signature s3%2fcr%26t%20x~."),
            // WHATWG forms (`~` escaped), Python's `quote_plus` and Go's `QueryEscape` (not).
            (None, "Invalid signature s3%2Fcr%26t+x%7E."),
            (None, "Invalid signature s3%2Fcr%26t+x~."),
            (None, "Invalid signature s3%2fcr%26t+x%7e."),
            // Only some bytes escaped.
            (None, "Invalid signature s3/cr%26t x~."),
            // Encoded twice: a PLAINTEXT signature quoted from the header and encoded again.
            (None, "Invalid signature s3%252Fcr%2526t%2520x~."),
            (
                Some("application/json"),
                r#"{"error": "Invalid signature s3\/cr\u0026t x~."}"#,
            ),
            (
                Some("text/html"),
                "<title>Invalid signature s3/cr&amp;t x~.</title>",
            ),
            (
                Some("text/html"),
                "<p>Invalid signature s3&#x2F;cr&#38;t x&#126;.</p>",
            ),
        ] {
            let error = ApiError::from_response(&reply(401, content_type, body), &[secret]);
            let expected = if body.starts_with('{') {
                r#"{"error": "Invalid signature [redacted]."}"#
            } else {
                "Invalid signature [redacted]."
            };
            assert_eq!(error.message, expected, "{body}");
        }
        // A secret whose first character is escaped: the echo starts at the escape.
        for (secret, content_type, body) in [
            ("&s3cr", None, "sig %26s3cr end"),
            ("&s3cr", None, "sig %2526s3cr end"),
            (" s3cr", None, "sig +s3cr end"),
            (
                "/s3cr",
                Some("application/json"),
                r#"{"error": "sig \/s3cr end"}"#,
            ),
            (
                "&s3cr",
                Some("application/json"),
                r#"{"error": "sig \u0026s3cr end"}"#,
            ),
        ] {
            let error = ApiError::from_response(&reply(401, content_type, body), &[secret]);
            let expected = if body.starts_with('{') {
                r#"{"error": "sig [redacted] end"}"#
            } else {
                "sig [redacted] end"
            };
            assert_eq!(error.message, expected, "{body}");
        }
        // A secret that looks like a character reference, echoed raw in a page, reads as the
        // character once the page is decoded.
        let error = ApiError::from_response(
            &reply(401, Some("text/html"), "<p>sig x&lt;y end</p>"),
            &["x&lt;y"],
        );
        assert_eq!(error.message, "sig [redacted] end");
        // An escape stands only for its own byte: `+` for a space, `\` only before `/`, `"`
        // or `\`, and `\u00XX` and `%XX` only for the byte XX.
        for body in [
            "sig s3%2Gcr end",
            "sig s3%2Ecr end",
            "sig s3%252Ecr end",
            "sig s3%25cr end",
            "sig s3+cr end",
            r"sig s3\.cr end",
            r"sig s3\u002Ecr end",
        ] {
            let error = ApiError::from_response(&reply(401, None, body), &["s3/cr"]);
            assert_eq!(error.message, body);
        }
    }

    #[test]
    fn a_byte_order_mark_before_a_json_error_is_ignored() {
        assert_eq!(
            api_error(&reply(
                401,
                Some("application/json"),
                "\u{FEFF}{\"message\": \"You must authenticate.\"}"
            ))
            .message,
            "You must authenticate."
        );
    }

    #[test]
    fn html_character_references_are_decoded() {
        for (html, text) in [
            (
                "<title>Tom &amp; Jerry &lt;3 &gt; &quot;ok&quot; &apos;a&#39;</title>",
                "Tom & Jerry <3 > \"ok\" 'a'",
            ),
            (
                "<p>&#x41;&#X42;&#67; &copy; & &amp &#xZZ; &#1114112;</p>",
                "ABC &copy; & &amp &#xZZ; &#1114112;",
            ),
            // Signs are not digits; `&#0;` is U+FFFD; a reference longer than any read stays.
            (
                "<p>&#+65; &#x+41; &#x; &#; a&#0;b &#000000000065;</p>",
                "&#+65; &#x+41; &#x; &#; a\u{FFFD}b &#000000000065;",
            ),
        ] {
            assert_eq!(
                api_error(&reply(500, Some("text/html"), html)).message,
                text
            );
        }
    }

    #[test]
    fn statuses_map_to_variants() {
        let rate_limited = Response::builder()
            .status(429)
            .header("X-Discogs-Ratelimit", "60")
            .header("X-Discogs-Ratelimit-Used", "60")
            .header("X-Discogs-Ratelimit-Remaining", "0")
            .body(br#"{"message": "You are making requests too quickly."}"#.to_vec())
            .unwrap();
        let error = check_reply(&rate_limited, &[]).unwrap_err();
        assert_eq!(
            error,
            ReplyError::RateLimited(ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message: "You are making requests too quickly.".into(),
                rate_limit: Some(RateLimit {
                    limit: 60,
                    used: 60,
                    remaining: 0
                }),
                retry_after: None,
            })
        );
        assert_eq!(error.rate_limit().map(|r| r.remaining), Some(0));
        assert!(matches!(
            check_reply(&reply(403, None, "{\"message\": \"x\"}"), &[]),
            Err(ReplyError::Forbidden(_))
        ));
        assert!(matches!(
            check_reply(&reply(302, None, ""), &[]),
            Err(ReplyError::Status(ApiError {
                status: StatusCode::FOUND,
                ..
            }))
        ));
        assert_eq!(check_reply(&reply(200, None, "ok"), &[]).unwrap(), b"ok");
    }

    fn with_headers(status: u16, headers: &[(&str, &str)]) -> Response<Vec<u8>> {
        let mut builder = Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(b"busy".to_vec()).unwrap()
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_against_the_replys_date() {
        let wait = |headers: &[(&str, &str)]| api_error(&with_headers(429, headers)).retry_after;
        assert_eq!(
            wait(&[("Retry-After", "37")]),
            Some(Duration::from_secs(37))
        );
        assert_eq!(wait(&[("Retry-After", " 0 ")]), Some(Duration::ZERO));
        assert_eq!(
            wait(&[
                ("Date", "Tue, 24 Nov 2026 10:00:00 GMT"),
                ("Retry-After", "Tue, 24 Nov 2026 10:02:30 GMT"),
            ]),
            Some(Duration::from_secs(150))
        );
        // A date already past is no wait.
        assert_eq!(
            wait(&[
                ("Date", "Tue, 24 Nov 2026 10:00:00 GMT"),
                ("Retry-After", "Tue, 24 Nov 2026 09:59:00 GMT"),
            ]),
            Some(Duration::ZERO)
        );
        // Without the reply's `Date`, a date cannot be turned into a wait: the core reads no
        // clock.
        assert_eq!(
            wait(&[("Retry-After", "Tue, 24 Nov 2026 10:02:30 GMT")]),
            None
        );
        // A server asking for longer than a day is read as asking for a day: a caller adding
        // the wait to an `Instant` or sleeping on it must not overflow or sleep for years.
        for asked in [
            &[("Retry-After", "18446744073709551615")][..],
            &[("Retry-After", "99999999999999999999")],
            &[("Retry-After", "86401")],
            &[
                ("Date", "Thu, 01 Jan 1970 00:00:00 GMT"),
                ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ],
        ] {
            assert_eq!(wait(asked), Some(crate::MAX_RETRY_AFTER), "{asked:?}");
        }
        assert_eq!(
            wait(&[("Retry-After", "86400")]),
            Some(Duration::from_secs(86_400))
        );
        for unreadable in ["-5", "1.5", "soon", "", "1e9"] {
            assert_eq!(wait(&[("Retry-After", unreadable)]), None, "{unreadable:?}");
        }
        assert_eq!(
            wait(&[("Retry-After", "5"), ("Retry-After", "10")]),
            None,
            "repeated"
        );
        assert_eq!(wait(&[]), None);

        let error = check_reply(&with_headers(429, &[("Retry-After", "37")]), &[]).unwrap_err();
        assert_eq!(error.retry_after(), Some(Duration::from_secs(37)));
        assert_eq!(
            error.to_string(),
            "rate limited by Discogs (HTTP 429: busy); retry after 37 s"
        );
    }

    #[test]
    fn only_waiting_can_mend_a_transient_error() {
        for status in [408, 429, 500, 502, 503, 504] {
            let error = check_reply(&reply(status, None, ""), &[]).unwrap_err();
            assert!(error.is_transient(), "{status}");
        }
        for status in [300, 302, 400, 401, 403, 404, 405, 410, 501, 505] {
            let error = check_reply(&reply(status, None, ""), &[]).unwrap_err();
            assert!(!error.is_transient(), "{status}");
        }
        for error in [
            ReplyError::MissingField { field: "id" },
            ReplyError::CallbackNotConfirmed,
            ReplyError::ClockSkew {
                skew_seconds: Some(900),
                error: ApiError::new(StatusCode::UNAUTHORIZED, "Invalid timestamp.", None),
            },
        ] {
            assert!(!error.is_transient(), "{error:?}");
        }
    }

    #[test]
    fn forbidden_explains_the_query_signing_pitfall() {
        let error = check_reply(
            &reply(
                403,
                None,
                "{\"message\": \"You don't have permission to access this resource.\"}",
            ),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "forbidden (HTTP 403: You don't have permission to access this resource.); \
             if this call was signed, check that the query string was signed as sent"
        );
    }

    /// An error body that is not an object is refused with serde's usual wording.
    #[test]
    fn error_body_of_the_wrong_type() {
        let error = serde_json::from_str::<ErrorBody>(r#""x""#).err().unwrap();
        assert_eq!(
            error.to_string(),
            "invalid type: string \"x\", expected struct ErrorBody at line 1 column 3"
        );
        assert_eq!(
            serde_json::from_str::<ErrorBody>(r#"["m"]"#)
                .map(|body| body.message)
                .ok(),
            Some("m".to_owned())
        );
    }
}
