//! Reply bodies in the three shapes Discogs uses, and the headers every reply carries.

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, DATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use discogs_auth_core::encoding::percent_encode;
use discogs_auth_core::{RateLimit, Timestamp};

/// How an endpoint words its errors: the token endpoints in plain text, the resources in
/// JSON, the authorize page in HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
    Html,
}

/// A refused request: its status and a message safe to show (never a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// Discogs' wording for a missing protocol parameter on the token endpoints.
    pub(crate) fn parameter_not_found(name: &str) -> Self {
        Self::unauthorized(format!("Parameter not found: {name}"))
    }

    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The stand-in could not complete the request.",
        )
    }

    pub(crate) fn into_response(self, format: Format) -> Response {
        match format {
            Format::Text => text(self.status, self.message),
            Format::Json => message_json(self.status, &self.message),
            // The title carries the message: that is what clients extract from HTML errors.
            Format::Html => html(self.status, &self.message, ""),
        }
    }
}

fn with_type(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub(crate) fn text(status: StatusCode, body: impl Into<Body>) -> Response {
    with_type(status, "text/plain; charset=utf-8", body)
}

/// A 200 `application/x-www-form-urlencoded` reply, as the token endpoints send.
pub(crate) fn form(pairs: &[(&str, &str)]) -> Response {
    let body = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    with_type(StatusCode::OK, "application/x-www-form-urlencoded", body)
}

pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    with_type(status, "application/json", value.to_string())
}

pub(crate) fn message_json(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "message": message }))
}

/// A small HTML page; `body` is already HTML, `title` is text.
pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    with_type(
        status,
        "text/html; charset=utf-8",
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
        ),
    )
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The 429 reply, with the full window's figures.
pub(crate) fn too_many_requests(figures: RateLimit, now: Timestamp) -> Response {
    let mut response = message_json(
        StatusCode::TOO_MANY_REQUESTS,
        "You are making requests too quickly.",
    );
    finish(&mut response, figures, now);
    response
}

/// Adds the rate-limit headers and a `Date` from the stand-in's clock, so a client that
/// compares clocks sees the stand-in's time, not the machine's.
pub(crate) fn finish(response: &mut Response, figures: RateLimit, now: Timestamp) {
    let headers = response.headers_mut();
    figures.write_headers(headers);
    if let Ok(date) = HeaderValue::try_from(httpdate::fmt_http_date(now.to_system_time())) {
        headers.insert(DATE, date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
