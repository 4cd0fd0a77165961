//! Signing any API request with an access token.

use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, Request};

use super::{FORM_CONTENT_TYPE, OAuthClient, RequestError};
use crate::credentials::AccessToken;
use crate::freshness::Freshness;

impl OAuthClient {
    /// Signs `request` with `access_token`: sets `Authorization: OAuth …` (replacing any) and
    /// the client's `User-Agent` unless the request has one.
    ///
    /// Any method; the query takes part in the signature (decoded, then re-encoded with the
    /// other parameters, never as part of the base URI); the body only when its
    /// `Content-Type` is `application/x-www-form-urlencoded`.
    ///
    /// ```
    /// # #[cfg(feature = "hmac-sha1")] {
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(
    ///     Consumer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")?,
    ///     UserAgent::new("MyApp/1.0")?,
    /// )
    /// .with_signature_method(SignatureMethod::HmacSha1);
    /// let access = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")?;
    /// let mut request = http::Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
    ///     .body(Vec::new())?;
    /// client.sign_request(&access, &mut request, &Freshness::new("chapoH", 137131202)?)?;
    /// let header = request.headers()["authorization"].to_str()?;
    /// assert!(header.contains(r#"oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_request<B: AsRef<[u8]>>(
        &self,
        access_token: &AccessToken,
        request: &mut Request<B>,
        freshness: &Freshness,
    ) -> Result<(), RequestError> {
        let form_body = is_form(request.headers()).then(|| request.body().as_ref());
        let authorization = self.authorization(
            request.method(),
            request.uri(),
            form_body,
            Some((&access_token.token, &access_token.secret)),
            None,
            freshness,
        )?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization);
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.user_agent().as_header_value().clone());
        }
        Ok(())
    }
}

/// Whether the body is `application/x-www-form-urlencoded` (parameters such as `charset` and
/// the case of the type are ignored).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case(FORM_CONTENT_TYPE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::test_support::{header, rfc_client};
    use crate::signature::SignatureMethod;

    fn access() -> AccessToken {
        AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00").unwrap()
    }

    fn photos_request() -> Request<Vec<u8>> {
        Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
            .body(Vec::new())
            .unwrap()
    }

    /// RFC 5849 §1.2: HMAC-SHA1 signature `MdpQcU8iPSUjWoN/UDMsK2sui9I=`.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn rfc5849_hmac_sha1_vector() {
        let mut request = photos_request();
        rfc_client(SignatureMethod::HmacSha1)
            .sign_request(
                &access(),
                &mut request,
                &Freshness::new("chapoH", 137131202).unwrap(),
            )
            .unwrap();
        assert_eq!(
            header(&request),
            "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
             oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", \
             oauth_token=\"nnch734d00sl2jdk\""
        );
        assert_eq!(request.headers()[USER_AGENT], "discogs-auth-tests/1.0");
    }

    #[test]
    fn rfc5849_plaintext_vector() {
        let mut request = photos_request();
        rfc_client(SignatureMethod::Plaintext)
            .sign_request(
                &access(),
                &mut request,
                &Freshness::new("chapoH", 137131202).unwrap(),
            )
            .unwrap();
        assert!(
            header(&request).contains("oauth_signature=\"kd94hf93k423kf44%26pfkkdhi9sl3r4s00\"")
        );
    }

    /// Pitfall: the query belongs in the sorted parameters, not in the base URI. Signing the
    /// same path with and without a query must differ, and must match the vector above only
    /// when the query is signed as parameters.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn the_query_is_signed_as_parameters() {
        let client = rfc_client(SignatureMethod::HmacSha1);
        let freshness = Freshness::new("chapoH", 137131202).unwrap();
        let mut without_query = Request::get("http://photos.example.net/photos")
            .body(Vec::new())
            .unwrap();
        client
            .sign_request(&access(), &mut without_query, &freshness)
            .unwrap();
        let mut reordered =
            Request::get("http://photos.example.net/photos?size=original&file=vacation.jpg")
                .body(Vec::new())
                .unwrap();
        client
            .sign_request(&access(), &mut reordered, &freshness)
            .unwrap();
        assert!(header(&reordered).contains("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"));
        assert!(!header(&without_query).contains("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"));
    }

    /// Pitfall: only form bodies are signed; other headers never become parameters.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn only_form_bodies_are_signed() {
        let client = rfc_client(SignatureMethod::HmacSha1);
        let freshness = Freshness::new("chapoH", 137131202).unwrap();
        let signed = |content_type: &str, body: &[u8]| {
            let mut request = Request::post("https://api.discogs.com/marketplace/listings")
                .header(CONTENT_TYPE, content_type)
                .header(USER_AGENT, "Custom/2.0")
                .body(body.to_vec())
                .unwrap();
            client
                .sign_request(&access(), &mut request, &freshness)
                .unwrap();
            assert_eq!(request.headers()[USER_AGENT], "Custom/2.0");
            header(&request).to_owned()
        };
        let json_a = signed("application/json", b"{\"a\":1}");
        let json_b = signed("application/json", b"{\"b\":2}");
        assert_eq!(json_a, json_b, "a JSON body must not be signed");
        let form_a = signed(
            "application/x-www-form-urlencoded; charset=utf-8",
            b"price=10",
        );
        let form_b = signed("Application/X-WWW-Form-Urlencoded", b"price=11");
        assert_ne!(form_a, form_b, "a form body must be signed");
        assert_ne!(form_a, json_a);
    }

    #[test]
    fn unsignable_requests_are_refused() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let freshness = Freshness::new("n", 1).unwrap();
        let mut relative = Request::get("/oauth/identity").body(Vec::new()).unwrap();
        assert_eq!(
            client.sign_request(&access(), &mut relative, &freshness),
            Err(RequestError::Signing(
                crate::signature::SigningError::NotAbsoluteUri
            ))
        );
        assert!(!relative.headers().contains_key(AUTHORIZATION));
    }
}
