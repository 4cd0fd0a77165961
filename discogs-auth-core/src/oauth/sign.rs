//! Signing any API request with an access token.

use std::fmt;

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Request, Response};

use super::authorization::{HeaderTemplate, ProtocolFields};
use super::{FORM_CONTENT_TYPE, OAuthClient, RequestError, default_user_agent};
use crate::base_string::SignatureBase;
use crate::credentials::{AccessToken, ConsumerKey, TokenValue};
use crate::freshness::Freshness;
use crate::oauth_header::protocol_parameter_in;
use crate::reply::{ReplyError, check_reply};
use crate::signature::{PreparedKey, Signature, SignatureMethod, SigningError};

impl OAuthClient {
    /// Signs `request` with `access_token`: sets `Authorization: OAuth …` (replacing any) and
    /// the client's `User-Agent` unless the request has one that is not empty.
    ///
    /// Any method. With HMAC-SHA1 the query takes part in the signature (decoded, so it must
    /// be UTF-8, then re-encoded with the other parameters, never as part of the base URI), and
    /// the body when its `Content-Type` is `application/x-www-form-urlencoded`; PLAINTEXT
    /// signs neither, and sends them as they are. A query or form body that
    /// already holds a protocol parameter (`oauth_token`, `oauth_signature`, …) is refused
    /// with [`SigningError::ProtocolParameterOutsideHeader`]: the header would be its second
    /// copy. On an error the request is left as it was.
    ///
    /// To sign many requests with one access token, [`OAuthClient::signer`] works out what
    /// they share once.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(
    ///     Consumer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")?,
    ///     UserAgent::new("MyApp/1.0")?,
    /// );
    /// let access = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")?;
    /// let photos = "http://photos.example.net/photos?file=vacation.jpg&size=original";
    /// let freshness = Freshness::new("chapoH", 137131202)?;
    /// let mut request = http::Request::get(photos).body(Vec::new())?;
    /// client.sign_request(&access, &mut request, &freshness)?;
    /// let header = request.headers()["authorization"].to_str()?;
    /// assert!(header.contains(r#"oauth_signature="kd94hf93k423kf44%26pfkkdhi9sl3r4s00""#));
    ///
    /// // HMAC-SHA1 needs the `hmac-sha1` feature.
    /// #[cfg(feature = "hmac-sha1")]
    /// {
    ///     let client = client.with_signature_method(SignatureMethod::HmacSha1);
    ///     let mut request = http::Request::get(photos).body(Vec::new())?;
    ///     client.sign_request(&access, &mut request, &freshness)?;
    ///     let header = request.headers()["authorization"].to_str()?;
    ///     assert!(header.contains(r#"oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RequestError::Signing`]: [`SigningError::ProtocolParameterOutsideHeader`] as above;
    /// [`SigningError::NotAbsoluteUri`], [`SigningError::UnsupportedScheme`] or
    /// [`SigningError::InvalidPort`] for a URI without scheme and host, not `http` or `https`, or
    /// with a port that is no number from 0 to 65535; with HMAC-SHA1 only,
    /// [`SigningError::MalformedQuery`] or [`SigningError::MalformedFormBody`] for a query or form
    /// body that does not decode to UTF-8.
    pub fn sign_request<B: AsRef<[u8]>>(
        &self,
        access_token: &AccessToken,
        request: &mut Request<B>,
        freshness: &Freshness,
    ) -> Result<(), RequestError> {
        let form_body = signable_form_body(request)?;
        let authorization = self.authorization(
            request.method(),
            request.uri(),
            form_body,
            Some((&access_token.token, &access_token.secret)),
            None,
            freshness,
        )?;
        set_headers(
            request.headers_mut(),
            authorization,
            self.user_agent().as_header_value(),
        );
        Ok(())
    }

    /// Reads the reply to a request signed with `access_token` ([`OAuthClient::sign_request`],
    /// [`RequestSigner::sign_request`]): its body for a success status, the typed error for any
    /// other ([`ReplyError::RateLimited`] for 429, with the figures), with the consumer's and
    /// the access token's secrets redacted from its message, should the provider echo them.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(Consumer::new("key", "c0nsum3r")?, UserAgent::new("MyApp/1.0")?);
    /// let access = AccessToken::new("t0k3n", "s3cr3t")?;
    /// let ok = http::Response::new(br#"{"results": []}"#.to_vec());
    /// assert_eq!(client.on_signed_response(&access, &ok)?, br#"{"results": []}"#);
    ///
    /// let refused = http::Response::builder()
    ///     .status(401)
    ///     .body(br#"{"message": "Invalid signature c0nsum3r&s3cr3t"}"#.to_vec())?;
    /// match client.on_signed_response(&access, &refused) {
    ///     Err(ReplyError::Unauthorized(error)) => {
    ///         assert_eq!(error.message, "Invalid signature [redacted]&[redacted]");
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`check_reply`].
    pub fn on_signed_response<'a, B: AsRef<[u8]>>(
        &self,
        access_token: &AccessToken,
        response: &'a Response<B>,
    ) -> Result<&'a [u8], ReplyError> {
        check_reply(response, &self.signing_secrets(access_token))
    }

    /// A signer for API requests made with `access_token`: what every such request shares (the
    /// header around the nonce and timestamp, and for HMAC-SHA1 the keyed MAC) is worked out
    /// here, once, so that each [`RequestSigner::sign_request`] only fills in what changes.
    /// The headers are byte for byte those of [`OAuthClient::sign_request`].
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// let client = OAuthClient::new(
    ///     Consumer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")?,
    ///     UserAgent::new("MyApp/1.0")?,
    /// );
    /// let access = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")?;
    /// let photos = "http://photos.example.net/photos?file=vacation.jpg&size=original";
    /// let freshness = Freshness::new("chapoH", 137131202)?;
    /// let signer = client.signer(&access);
    /// let mut request = http::Request::get(photos).body(Vec::new())?;
    /// signer.sign_request(&mut request, &freshness)?;
    /// assert_eq!(
    ///     request.headers()["authorization"],
    ///     "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
    ///      oauth_signature=\"kd94hf93k423kf44%26pfkkdhi9sl3r4s00\", \
    ///      oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"137131202\", \
    ///      oauth_token=\"nnch734d00sl2jdk\""
    /// );
    ///
    /// // HMAC-SHA1 needs the `hmac-sha1` feature.
    /// #[cfg(feature = "hmac-sha1")]
    /// {
    ///     let signer = client.with_signature_method(SignatureMethod::HmacSha1).signer(&access);
    ///     let mut request = http::Request::get(photos).body(Vec::new())?;
    ///     signer.sign_request(&mut request, &freshness)?;
    ///     assert_eq!(
    ///         request.headers()["authorization"],
    ///         "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
    ///          oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", \
    ///          oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", \
    ///          oauth_token=\"nnch734d00sl2jdk\""
    ///     );
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signer(&self, access_token: &AccessToken) -> RequestSigner {
        let consumer_secret = &self.consumer.secret;
        let token_secret = &access_token.secret;
        let fields = ProtocolFields {
            callback: None,
            consumer_key: self.consumer.key.as_known_text(),
            nonce: "",
            signature_method: self.signature_method.as_str(),
            timestamp: "",
            token: Some(access_token.token.as_known_text()),
            verifier: None,
        };
        let (protocol, count) = fields.signed();
        // PLAINTEXT's signature is the same for every request, so it goes into the template.
        let fixed_signature = match self.signature_method {
            SignatureMethod::Plaintext => Some(Signature::Plaintext {
                consumer_secret,
                token_secret: Some(token_secret),
            }),
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1 => None,
        };
        RequestSigner {
            consumer_key: self.consumer.key.clone(),
            token: access_token.token.clone(),
            signature_method: self.signature_method,
            key: PreparedKey::new(
                self.signature_method,
                consumer_secret,
                token_secret,
                &protocol[..count],
                self.endpoints().api_base().parse().ok().as_ref(),
            ),
            template: HeaderTemplate::new(fields, fixed_signature.as_ref()),
            user_agent: self.user_agent().as_header_value().clone(),
        }
    }
}

/// Signs API requests with one access token; made by [`OAuthClient::signer`].
///
/// It holds what the secrets sign with (for PLAINTEXT the encoded secrets themselves), so it is
/// as secret as the access token: `Debug` shows only the consumer key, the token and the
/// method. It is cheap to share (`Send + Sync`) and to clone.
#[derive(Clone)]
pub struct RequestSigner {
    consumer_key: ConsumerKey,
    token: TokenValue,
    signature_method: SignatureMethod,
    key: PreparedKey,
    template: HeaderTemplate,
    user_agent: HeaderValue,
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSigner")
            .field("consumer_key", &self.consumer_key)
            .field("token", &self.token)
            .field("signature_method", &self.signature_method)
            .finish_non_exhaustive()
    }
}

impl RequestSigner {
    /// Signs `request` as [`OAuthClient::sign_request`] does with this signer's access token:
    /// sets `Authorization: OAuth …` (replacing any) and the client's `User-Agent` unless the
    /// request has one that is not empty. On an error the request is left as it was.
    ///
    /// # Errors
    ///
    /// As [`OAuthClient::sign_request`].
    pub fn sign_request<B: AsRef<[u8]>>(
        &self,
        request: &mut Request<B>,
        freshness: &Freshness,
    ) -> Result<(), RequestError> {
        let mut digits = itoa::Buffer::new();
        let nonce = freshness.nonce.as_str();
        let timestamp = digits.format(freshness.timestamp.as_unix_seconds());
        let fields = ProtocolFields {
            callback: None,
            consumer_key: self.consumer_key.as_known_text(),
            nonce,
            signature_method: self.signature_method.as_str(),
            timestamp,
            token: Some(self.token.as_known_text()),
            verifier: None,
        };
        let (protocol, count) = fields.signed_by(self.signature_method);
        let form_body = signable_form_body(request)?;
        let signature = self.key.sign(
            &SignatureBase {
                method: request.method(),
                uri: request.uri(),
                protocol_parameters: &protocol[..count],
                form_body,
                written_protocol: None,
            },
            nonce,
            timestamp,
        )?;
        let authorization = self.template.fill(nonce, signature.as_ref(), timestamp);
        set_headers(request.headers_mut(), authorization, &self.user_agent);
        Ok(())
    }

    /// The signature method requests are signed with.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }
}

/// Sets the signed request's `Authorization` (replacing any) and `User-Agent` (unless it has
/// one that is not empty).
fn set_headers(headers: &mut HeaderMap, authorization: HeaderValue, user_agent: &HeaderValue) {
    headers.insert(AUTHORIZATION, authorization);
    default_user_agent(headers, user_agent);
}

/// The body, when its parameters take part in the signature (RFC 5849 §3.4.1.3.1): it is
/// `application/x-www-form-urlencoded`. An empty body has no parameters whatever its type, so
/// a `GET`'s headers are not searched for one.
pub(crate) fn signed_form_body<B: AsRef<[u8]>>(request: &Request<B>) -> Option<&[u8]> {
    let body = request.body().as_ref();
    (!body.is_empty() && is_form(request.headers())).then_some(body)
}

/// The body whose parameters a client's signature covers ([`signed_form_body`]), once neither
/// it nor the query holds a protocol parameter of its own: the header the signature adds would
/// be a second copy.
fn signable_form_body<B: AsRef<[u8]>>(request: &Request<B>) -> Result<Option<&[u8]>, SigningError> {
    let form_body = signed_form_body(request);
    match protocol_parameter_in(request.uri().query(), form_body) {
        Some(protocol) => Err(SigningError::ProtocolParameterOutsideHeader {
            name: protocol.name(),
        }),
        None => Ok(form_body),
    }
}

/// Whether the body is `application/x-www-form-urlencoded` (parameters such as `charset` and
/// the case of the type are ignored).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case(FORM_CONTENT_TYPE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{Consumer, ConsumerSecret, TokenSecret};
    use crate::oauth::UserAgent;
    use crate::oauth::test_support::{header, rfc_client};
    use crate::signature::SignatureMethod;
    use http::header::USER_AGENT;

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

    /// A request parameter whose name sorts among the protocol parameters' (`oauth_d`, between
    /// `oauth_consumer_key` and `oauth_nonce`) takes its place among them: the one-off path and
    /// the signer cannot write the protocol parameters as one block then. The expected value is
    /// the RFC 5849 §1.2 request with `oauth_d=1` added, signed by the spec's definition:
    ///
    /// `GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_d%3D1%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal`
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn a_parameter_among_the_protocol_parameters_is_signed_in_its_place() {
        let request = Request::get(
            "http://photos.example.net/photos?file=vacation.jpg&oauth_d=1&size=original",
        )
        .body(Vec::new())
        .unwrap();
        let signed = signed_both_ways(SignatureMethod::HmacSha1, request);
        let expected = "oauth_signature=\"dH7P0rRUyoYjaJ5p%2FE7CdrIVwOw%3D\"";
        assert!(header(&signed).contains(expected), "{}", header(&signed));
    }

    /// `request` signed with the RFC 5849 §1.2 credentials, nonce and timestamp, one-off and
    /// with a signer, which must write the same header.
    #[cfg(feature = "hmac-sha1")]
    fn signed_both_ways(method: SignatureMethod, request: Request<Vec<u8>>) -> Request<Vec<u8>> {
        let client = rfc_client(method);
        let freshness = Freshness::new("chapoH", 137131202).unwrap();
        let (mut one_off, mut signed) = (request.clone(), request);
        client
            .sign_request(&access(), &mut one_off, &freshness)
            .unwrap();
        client
            .signer(&access())
            .sign_request(&mut signed, &freshness)
            .unwrap();
        assert_eq!(header(&signed), header(&one_off));
        one_off
    }

    /// A protocol parameter already in the query or a form body is refused by both ways of
    /// signing, for both methods, before the request is touched: the header would be a second
    /// copy, which RFC 5849 §3.5 forbids and this crate's provider refuses. A name is read
    /// decoded; a parameter that only looks like one (another case, another `oauth_` name, a
    /// body that is not a form) is signed as any other.
    #[test]
    fn a_protocol_parameter_in_the_query_or_body_is_refused() {
        let refused = [
            (
                "http://photos.example.net/photos?file=a&oauth_signature=zzz",
                None,
                "oauth_signature",
            ),
            (
                "http://photos.example.net/photos?oauth%5Ftoken=t",
                None,
                "oauth_token",
            ),
            (
                "http://photos.example.net/photos?a=1&oauth_token",
                None,
                "oauth_token",
            ),
            (
                "http://photos.example.net/photos",
                Some("size=1&oauth_nonce=n"),
                "oauth_nonce",
            ),
            (
                "http://photos.example.net/photos",
                Some("oauth_%63allback=oob"),
                "oauth_callback",
            ),
        ];
        let signed = [
            (
                "http://photos.example.net/photos?OAUTH_TOKEN=t&oauth_tokens=u&oauth_d=1",
                None,
            ),
            ("http://photos.example.net/photos?q=oauth_token%3Dt", None),
        ];
        let request = |uri: &str, form: Option<&str>| {
            let builder = Request::post(uri);
            match form {
                Some(form) => builder
                    .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                    .body(form.as_bytes().to_vec()),
                None => builder.body(Vec::new()),
            }
            .unwrap()
        };
        let freshness = Freshness::new("chapoH", 137131202).unwrap();
        for method in methods() {
            let client = rfc_client(method);
            for (uri, form, name) in refused {
                let expected = Err(RequestError::Signing(
                    SigningError::ProtocolParameterOutsideHeader { name },
                ));
                let mut one_off = request(uri, form);
                assert_eq!(
                    client.sign_request(&access(), &mut one_off, &freshness),
                    expected
                );
                let mut by_signer = request(uri, form);
                let signer = client.signer(&access());
                assert_eq!(signer.sign_request(&mut by_signer, &freshness), expected);
                for untouched in [one_off, by_signer] {
                    assert_eq!(untouched.headers(), request(uri, form).headers(), "{uri}");
                }
            }
            for (uri, form) in signed {
                let mut one_off = request(uri, form);
                client
                    .sign_request(&access(), &mut one_off, &freshness)
                    .unwrap();
            }
            let mut json = Request::post("http://photos.example.net/photos")
                .header(CONTENT_TYPE, "application/json")
                .body(b"oauth_token=t".to_vec())
                .unwrap();
            client
                .sign_request(&access(), &mut json, &freshness)
                .unwrap();
        }
        assert_eq!(
            SigningError::ProtocolParameterOutsideHeader {
                name: "oauth_token"
            }
            .to_string(),
            "`oauth_token` is in the query or the form body; signing sends the OAuth parameters \
             in the Authorization header only"
        );
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

    /// A consumer key, a token and secrets with bytes to encode are encoded wherever they go
    /// (most are unreserved, and then copied as they are): in the header, once more inside a
    /// PLAINTEXT signature, and doubly in an HMAC-SHA1 base string, which verification
    /// checks. The one-off path and the signer agree.
    #[test]
    fn reserved_keys_tokens_and_secrets_are_encoded() {
        let client = OAuthClient::new(
            Consumer::new("key with/slash", "secret&more").unwrap(),
            UserAgent::new("discogs-auth-tests/1.0").unwrap(),
        );
        let access = AccessToken::new("tok+en", "token secret").unwrap();
        let freshness = Freshness::new("chapoH", 137131202).unwrap();
        let methods = [
            SignatureMethod::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1,
        ];
        for method in methods {
            let client = client.clone().with_signature_method(method);
            let (mut one_off, mut signed) = (photos_request(), photos_request());
            client
                .sign_request(&access, &mut one_off, &freshness)
                .unwrap();
            client
                .signer(&access)
                .sign_request(&mut signed, &freshness)
                .unwrap();
            assert_eq!(header(&one_off), header(&signed));
            let header = header(&one_off);
            assert!(
                header.contains("oauth_consumer_key=\"key%20with%2Fslash\""),
                "{header}"
            );
            assert!(header.contains("oauth_token=\"tok%2Ben\""), "{header}");
            if method == SignatureMethod::Plaintext {
                assert!(header.contains("oauth_signature=\"secret%2526more%26token%2520secret\""));
            }
            let verified = crate::provider::SignedRequest::from_request(&one_off)
                .unwrap()
                .verify(
                    &ConsumerSecret::new("secret&more").unwrap(),
                    Some(&TokenSecret::new("token secret").unwrap()),
                );
            assert_eq!(verified, Ok(()));
        }
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
        // An empty form has no parameters: signed as a request without a body type.
        assert_eq!(signed(FORM_CONTENT_TYPE, b""), json_a);
        assert_eq!(signed(FORM_CONTENT_TYPE, b"&"), json_a);
    }

    #[test]
    fn the_signed_form_body_is_a_non_empty_form() {
        let request = |content_type: Option<&str>, body: &'static [u8]| {
            let mut request = Request::post("https://api.discogs.com/x");
            if let Some(content_type) = content_type {
                request = request.header(CONTENT_TYPE, content_type);
            }
            request.body(body).unwrap()
        };
        let form = Some(FORM_CONTENT_TYPE);
        assert_eq!(signed_form_body(&request(form, b"a=1")), Some(&b"a=1"[..]));
        assert_eq!(
            signed_form_body(&request(
                Some("application/x-www-form-urlencoded ; charset=utf-8"),
                b"a"
            )),
            Some(&b"a"[..])
        );
        assert_eq!(signed_form_body(&request(form, b"")), None);
        assert_eq!(signed_form_body(&request(None, b"a=1")), None);
        assert_eq!(
            signed_form_body(&request(Some("application/json"), b"a=1")),
            None
        );
        assert_eq!(
            signed_form_body(&request(Some("application/x-www-form-urlencodedx"), b"a=1")),
            None
        );
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

    /// A query and a form body that are not UTF-8 (a search term in Latin-1): PLAINTEXT signs
    /// neither and sends both as they are; HMAC-SHA1, whose base string holds them decoded,
    /// refuses them.
    #[test]
    fn what_plaintext_does_not_sign_is_sent_as_it_is() {
        let latin1 = || {
            Request::post("https://api.discogs.com/database/search?q=caf%E9")
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(b"note=caf%E9".to_vec())
                .unwrap()
        };
        let freshness = Freshness::new("n", 1).unwrap();
        let mut plaintext = latin1();
        rfc_client(SignatureMethod::Plaintext)
            .sign_request(&access(), &mut plaintext, &freshness)
            .unwrap();
        assert_eq!(
            plaintext.uri(),
            "https://api.discogs.com/database/search?q=caf%E9"
        );
        assert_eq!(plaintext.body(), b"note=caf%E9");
        assert!(plaintext.headers().contains_key(AUTHORIZATION));
        #[cfg(feature = "hmac-sha1")]
        {
            let mut hmac = latin1();
            assert_eq!(
                rfc_client(SignatureMethod::HmacSha1).sign_request(
                    &access(),
                    &mut hmac,
                    &freshness
                ),
                Err(RequestError::Signing(
                    crate::signature::SigningError::MalformedQuery(
                        crate::encoding::FormError::NotUtf8
                    )
                ))
            );
            assert!(!hmac.headers().contains_key(AUTHORIZATION));
        }
    }

    /// Every method the build supports.
    fn methods() -> Vec<SignatureMethod> {
        vec![
            SignatureMethod::Plaintext,
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1,
        ]
    }

    /// The signer writes byte for byte the headers of `sign_request`, for each method, with a
    /// query, a form body, a body that is not a form, a request that has a `User-Agent`, and
    /// parameters that sort among the protocol parameters.
    #[test]
    fn the_signer_signs_as_sign_request_does() {
        let requests = || {
            vec![
                photos_request(),
                Request::post("https://api.discogs.com/marketplace/listings?x=%C3%A9")
                    .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                    .body(b"price=10&release_id=1".to_vec())
                    .unwrap(),
                Request::put("https://API.discogs.com:443/users/me")
                    .header(CONTENT_TYPE, "application/json")
                    .header(USER_AGENT, "Custom/2.0")
                    .body(b"{\"a\":1}".to_vec())
                    .unwrap(),
                // Parameters named among the protocol parameters sort into them.
                Request::post("https://api.discogs.com/x?oauth_nonces=q&oauth_z=1")
                    .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                    .body(b"oauth_tokens=b&a=2".to_vec())
                    .unwrap(),
            ]
        };
        let access = AccessToken::new("token with spaces&", "secret/with+reserved=").unwrap();
        for method in methods() {
            let client = rfc_client(method);
            let signer = client.signer(&access);
            assert_eq!(signer.signature_method(), method);
            for (nonce, timestamp) in [("chapoH", 137131202), ("n", 0), ("Z9-._~", 253_402_300_799)]
            {
                let freshness = Freshness::new(nonce, timestamp).unwrap();
                for (mut by_client, mut by_signer) in requests().into_iter().zip(requests()) {
                    client
                        .sign_request(&access, &mut by_client, &freshness)
                        .unwrap();
                    signer.sign_request(&mut by_signer, &freshness).unwrap();
                    assert_eq!(by_signer.headers(), by_client.headers(), "{method}");
                }
            }
        }
    }

    /// RFC 5849 §1.2's PLAINTEXT request through a signer: the exact header.
    #[test]
    fn the_signer_writes_the_rfc5849_plaintext_header() {
        let mut request = photos_request();
        rfc_client(SignatureMethod::Plaintext)
            .signer(&access())
            .sign_request(&mut request, &Freshness::new("chapoH", 137131202).unwrap())
            .unwrap();
        assert_eq!(
            header(&request),
            "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
             oauth_signature=\"kd94hf93k423kf44%26pfkkdhi9sl3r4s00\", \
             oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"137131202\", \
             oauth_token=\"nnch734d00sl2jdk\""
        );
        assert_eq!(request.headers()[USER_AGENT], "discogs-auth-tests/1.0");
    }

    /// A request the signer cannot sign is refused with the error `sign_request` gives, and is
    /// left as it was.
    #[test]
    fn the_signer_refuses_what_sign_request_refuses() {
        let freshness = Freshness::new("n", 1).unwrap();
        for method in methods() {
            let signer = rfc_client(method).signer(&access());
            let mut relative = Request::get("/oauth/identity").body(Vec::new()).unwrap();
            assert_eq!(
                signer.sign_request(&mut relative, &freshness),
                Err(RequestError::Signing(
                    crate::signature::SigningError::NotAbsoluteUri
                ))
            );
            assert!(relative.headers().is_empty());
            let mut bad_body = Request::post("https://api.discogs.com/x")
                .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                .body(b"a=%FF".to_vec())
                .unwrap();
            let refused = signer.sign_request(&mut bad_body, &freshness);
            #[cfg(feature = "hmac-sha1")]
            if method == SignatureMethod::HmacSha1 {
                assert_eq!(
                    refused,
                    Err(RequestError::Signing(
                        crate::signature::SigningError::MalformedFormBody(
                            crate::encoding::FormError::NotUtf8
                        )
                    ))
                );
                assert!(!bad_body.headers().contains_key(AUTHORIZATION));
                continue;
            }
            // PLAINTEXT signs no body, so it has nothing to refuse.
            assert_eq!(refused, Ok(()));
        }
    }

    /// The signer holds the secrets in usable form: `Debug` must show none of them.
    #[test]
    fn the_signer_debug_shows_no_secret() {
        for method in methods() {
            let signer = rfc_client(method).signer(&access());
            let debug = format!("{signer:?}");
            assert_eq!(
                debug,
                format!(
                    "RequestSigner {{ consumer_key: ConsumerKey(\"dpf43f3p2l4k3l03\"), \
                     token: TokenValue(\"nnch734d00sl2jdk\"), signature_method: {method:?}, .. }}"
                )
            );
            assert!(!debug.contains("kd94hf93k423kf44"));
            assert!(!debug.contains("pfkkdhi9sl3r4s00"));
        }
    }
}
