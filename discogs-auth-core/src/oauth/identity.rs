//! Step 4: `GET /oauth/identity`, the check that an access token works.

use http::{Method, Response};

use super::{OAuthClient, RequestError};
use crate::credentials::AccessToken;
use crate::freshness::Freshness;
use crate::reply::{ReplyError, check_reply, truncate_chars};

/// Who an access token acts for, from `GET /oauth/identity`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Identity {
    /// The user's numeric id.
    pub id: u64,
    /// The user's name.
    pub username: String,
    /// The user's API resource, e.g. `https://api.discogs.com/users/example`.
    pub resource_url: String,
    /// The application the token was issued to.
    pub consumer_name: String,
}

impl OAuthClient {
    /// The identity request: `GET {api_base}/oauth/identity`, signed with the access token.
    pub fn identity_request(
        &self,
        access_token: &AccessToken,
        freshness: &Freshness,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        self.endpoint_request(
            Method::GET,
            self.endpoints().identity_url(),
            Some((&access_token.token, &access_token.secret)),
            &[],
            freshness,
        )
    }

    /// Reads the identity reply.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// # let client = OAuthClient::new(Consumer::new("k", "s")?, UserAgent::new("ua")?);
    /// let reply = http::Response::new(
    ///     r#"{"id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "Your Application Name"}"#,
    /// );
    /// let identity = client.on_identity_response(&reply)?;
    /// assert_eq!((identity.id, identity.username.as_str()), (1, "example"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_identity_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Identity, ReplyError> {
        let body = check_reply(response, &[self.consumer().secret.expose_secret()])?;
        serde_json::from_slice(body).map_err(|error| ReplyError::MalformedJson {
            detail: truncate_chars(error.to_string(), 120),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::test_support::{header, rfc_client};
    use crate::signature::SignatureMethod;

    #[test]
    fn identity_request_is_signed_with_the_access_token() {
        let access = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00").unwrap();
        let request = rfc_client(SignatureMethod::Plaintext)
            .identity_request(&access, &Freshness::new("chapoH", 137131202).unwrap())
            .unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "https://api.discogs.com/oauth/identity");
        assert_eq!(
            header(&request),
            "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
             oauth_signature=\"kd94hf93k423kf44%26pfkkdhi9sl3r4s00\", \
             oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"137131202\", \
             oauth_token=\"nnch734d00sl2jdk\""
        );
    }

    #[test]
    fn malformed_identity_json_is_an_error() {
        let client = rfc_client(SignatureMethod::Plaintext);
        for body in ["", "{}", "[]", "{\"id\": \"x\"}", "<html>"] {
            let result = client.on_identity_response(&Response::new(body));
            assert!(
                matches!(result, Err(ReplyError::MalformedJson { .. })),
                "{body}: {result:?}"
            );
        }
    }
}
