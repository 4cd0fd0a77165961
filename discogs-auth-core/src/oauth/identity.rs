//! Step 4: `GET /oauth/identity`, the check that an access token works.

use http::{Method, Response};

use super::{OAuthClient, RequestError};
use crate::credentials::AccessToken;
use crate::freshness::Freshness;
use crate::reply::{ReplyError, check_reply, truncate_chars, without_byte_order_mark};

/// Who an access token acts for, from `GET /oauth/identity`.
///
/// It implements `serde`'s `Serialize` and `Deserialize` (as the derives would: a struct named
/// `Identity` with these four fields, unknown fields ignored). Non-exhaustive, so that a
/// field Discogs adds can be kept without breaking code that reads the others: outside this
/// crate, one is made with [`Identity::new`] or deserialized.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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

impl Identity {
    /// An identity made by hand, as a test double or a cache of one would be.
    ///
    /// ```
    /// use discogs_auth_core::Identity;
    /// let identity = Identity::new(1, "example", "https://api.discogs.com/users/example", "Your Application Name");
    /// assert_eq!(identity.username, "example");
    /// ```
    pub fn new(
        id: u64,
        username: impl Into<String>,
        resource_url: impl Into<String>,
        consumer_name: impl Into<String>,
    ) -> Self {
        Self {
            id,
            username: username.into(),
            resource_url: resource_url.into(),
            consumer_name: consumer_name.into(),
        }
    }
}

/// The field names, in declaration order (what the derives would use).
const IDENTITY_FIELDS: &[&str] = &["id", "username", "resource_url", "consumer_name"];

// Written out rather than derived so that the default build compiles no proc-macro crate
// (`serde_derive`, `syn`): this and `reply.rs`'s error body are the only derives the core needed.
// They behave as the derives do, error messages included: a JSON object (unknown fields
// ignored, a repeated or missing field refused) or an array of the four values in order.
impl serde_core::Serialize for Identity {
    fn serialize<S: serde_core::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_core::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("Identity", IDENTITY_FIELDS.len())?;
        state.serialize_field("id", &self.id)?;
        state.serialize_field("username", &self.username)?;
        state.serialize_field("resource_url", &self.resource_url)?;
        state.serialize_field("consumer_name", &self.consumer_name)?;
        state.end()
    }
}

impl<'de> serde_core::Deserialize<'de> for Identity {
    fn deserialize<D: serde_core::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("Identity", IDENTITY_FIELDS, IdentityVisitor)
    }
}

/// A key of an identity object: one of the four fields, or any other (ignored).
enum IdentityField {
    Id,
    Username,
    ResourceUrl,
    ConsumerName,
    Other,
}

impl<'de> serde_core::Deserialize<'de> for IdentityField {
    fn deserialize<D: serde_core::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl serde_core::de::Visitor<'_> for FieldVisitor {
            type Value = IdentityField;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_u64<E: serde_core::de::Error>(self, index: u64) -> Result<IdentityField, E> {
                Ok(match index {
                    0 => IdentityField::Id,
                    1 => IdentityField::Username,
                    2 => IdentityField::ResourceUrl,
                    3 => IdentityField::ConsumerName,
                    _ => IdentityField::Other,
                })
            }
            fn visit_str<E: serde_core::de::Error>(self, name: &str) -> Result<IdentityField, E> {
                self.visit_bytes(name.as_bytes())
            }
            fn visit_bytes<E: serde_core::de::Error>(
                self,
                name: &[u8],
            ) -> Result<IdentityField, E> {
                Ok(match name {
                    b"id" => IdentityField::Id,
                    b"username" => IdentityField::Username,
                    b"resource_url" => IdentityField::ResourceUrl,
                    b"consumer_name" => IdentityField::ConsumerName,
                    _ => IdentityField::Other,
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct IdentityVisitor;

impl<'de> serde_core::de::Visitor<'de> for IdentityVisitor {
    type Value = Identity;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Identity")
    }

    fn visit_seq<A: serde_core::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<Identity, A::Error> {
        use serde_core::de::Error as _;
        let expected = &"struct Identity with 4 elements";
        let id = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(0, expected))?;
        let username = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(1, expected))?;
        let resource_url = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(2, expected))?;
        let consumer_name = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(3, expected))?;
        Ok(Identity {
            id,
            username,
            resource_url,
            consumer_name,
        })
    }

    fn visit_map<A: serde_core::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Identity, A::Error> {
        use serde_core::de::Error as _;
        /// Stores a field's value, refusing a second one.
        fn set<'de, T: serde_core::Deserialize<'de>, A: serde_core::de::MapAccess<'de>>(
            slot: &mut Option<T>,
            name: &'static str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(A::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }
        let (mut id, mut username, mut resource_url, mut consumer_name) = (None, None, None, None);
        while let Some(field) = map.next_key::<IdentityField>()? {
            match field {
                IdentityField::Id => set(&mut id, "id", &mut map)?,
                IdentityField::Username => set(&mut username, "username", &mut map)?,
                IdentityField::ResourceUrl => set(&mut resource_url, "resource_url", &mut map)?,
                IdentityField::ConsumerName => set(&mut consumer_name, "consumer_name", &mut map)?,
                IdentityField::Other => {
                    map.next_value::<serde_core::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Identity {
            id: id.ok_or_else(|| A::Error::missing_field("id"))?,
            username: username.ok_or_else(|| A::Error::missing_field("username"))?,
            resource_url: resource_url.ok_or_else(|| A::Error::missing_field("resource_url"))?,
            consumer_name: consumer_name.ok_or_else(|| A::Error::missing_field("consumer_name"))?,
        })
    }
}

impl OAuthClient {
    /// The identity request: `GET {api_base}/oauth/identity`, signed with the access token.
    ///
    /// # Errors
    ///
    /// [`RequestError::Signing`] only for a URL that cannot be signed, and the identity URL of
    /// [`Endpoints`](crate::Endpoints) always can: in practice this does not fail.
    pub fn identity_request(
        &self,
        access_token: &AccessToken,
        freshness: &Freshness,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        self.endpoint_request(
            Method::GET,
            self.endpoints().identity_url(),
            Some((&access_token.token, &access_token.secret)),
            None,
            freshness,
        )
    }

    /// Reads the identity reply to [`identity_request`](Self::identity_request) for
    /// `access_token`, whose secret (like the consumer's) is redacted from an error's message.
    ///
    /// ```
    /// # use discogs_auth_core::*;
    /// # let client = OAuthClient::new(Consumer::new("k", "s")?, UserAgent::new("ua")?);
    /// let reply = http::Response::new(
    ///     r#"{"id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "Your Application Name"}"#,
    /// );
    /// # let access_token = AccessToken::new("t0k3n", "s3cr3t")?;
    /// let identity = client.on_identity_response(&access_token, &reply)?;
    /// assert_eq!((identity.id, identity.username.as_str()), (1, "example"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`check_reply`] for any status but a success; [`ReplyError::MalformedJson`] for a
    /// success whose body is not the identity's JSON.
    pub fn on_identity_response<B: AsRef<[u8]>>(
        &self,
        access_token: &AccessToken,
        response: &Response<B>,
    ) -> Result<Identity, ReplyError> {
        let body = check_reply(response, &self.signing_secrets(access_token))?;
        serde_json::from_slice(without_byte_order_mark(body)).map_err(|error| {
            ReplyError::MalformedJson {
                detail: json_error_detail(&error),
            }
        })
    }
}

/// What was wrong with a JSON body, without quoting it: serde_json's messages quote string
/// values (`invalid type: string "…"`), and a body may echo a secret.
fn json_error_detail(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Data => {
            let message = error.to_string();
            // These name a field of ours, never a value from the body.
            let names_a_field =
                message.starts_with("missing field") || message.starts_with("duplicate field");
            if names_a_field && !message.contains('"') {
                return truncate_chars(message, 120);
            }
            "a field has the wrong type or value"
        }
        Category::Syntax => "not valid JSON",
        Category::Eof => "the JSON ends too early",
        Category::Io => "the JSON could not be read",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
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

    /// The hand-written serde impls answer as the derives did.
    #[test]
    fn identity_serde_behaves_as_derived() {
        let identity = Identity {
            id: 1,
            username: "example".into(),
            resource_url: "https://api.discogs.com/users/example".into(),
            consumer_name: "App".into(),
        };
        let json = serde_json::to_string(&identity).unwrap();
        assert_eq!(
            json,
            r#"{"id":1,"username":"example","resource_url":"https://api.discogs.com/users/example","consumer_name":"App"}"#
        );
        assert_eq!(serde_json::from_str::<Identity>(&json).unwrap(), identity);
        let with_extra = r#"{"extra": {"a": [1]}, "id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "App"}"#;
        assert_eq!(
            serde_json::from_str::<Identity>(with_extra).unwrap(),
            identity
        );
        let as_array = r#"[1, "example", "https://api.discogs.com/users/example", "App"]"#;
        assert_eq!(
            serde_json::from_str::<Identity>(as_array).unwrap(),
            identity
        );
        let error = |json: &str| {
            serde_json::from_str::<Identity>(json)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(r#"{"id": 1}"#),
            "missing field `username` at line 1 column 9"
        );
        assert_eq!(
            error(r#"{"id": 1, "id": 2}"#),
            "duplicate field `id` at line 1 column 14"
        );
        assert_eq!(
            error("[]"),
            "invalid length 0, expected struct Identity with 4 elements at line 1 column 2"
        );
        assert_eq!(
            error(r#""x""#),
            "invalid type: string \"x\", expected struct Identity at line 1 column 3"
        );
        assert_eq!(
            error(r#"{"id": "x"}"#),
            "invalid type: string \"x\", expected u64 at line 1 column 10"
        );
    }

    /// RFC 8259 §8.1 lets a parser ignore a byte order mark before JSON; some servers send one.
    #[test]
    fn a_byte_order_mark_before_the_identity_is_ignored() {
        let identity = rfc_client(SignatureMethod::Plaintext).on_identity_response(
            &AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00").unwrap(),
            &Response::new(
                "\u{FEFF}{\"id\": 1, \"username\": \"example\", \"resource_url\": \"r\", \"consumer_name\": \"c\"}",
            ),
        );
        assert_eq!(
            identity.map(|identity| identity.username),
            Ok("example".into())
        );
    }

    #[test]
    fn malformed_identity_json_is_an_error() {
        let client = rfc_client(SignatureMethod::Plaintext);
        let access = AccessToken::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00").unwrap();
        let secret_echo = client.on_identity_response(&access, &Response::new(
            r#"{"id": "kd94hf93k423kf44", "username": "u", "resource_url": "r", "consumer_name": "c"}"#,
        ));
        assert_eq!(
            secret_echo,
            Err(ReplyError::MalformedJson {
                detail: "a field has the wrong type or value at line 1 column 25".into()
            })
        );
        let detail =
            |body: &'static str| match client.on_identity_response(&access, &Response::new(body)) {
                Err(ReplyError::MalformedJson { detail }) => detail,
                other => panic!("{body}: {other:?}"),
            };
        // serde_json's own message where it cannot quote the body, a generic one where it could.
        assert_eq!(
            detail(r#"{"id": 1}"#),
            "missing field `username` at line 1 column 9"
        );
        assert_eq!(
            detail(r#"{"id": 1, "id": 2}"#),
            "duplicate field `id` at line 1 column 14"
        );
        assert_eq!(
            detail(r#"{"id": true}"#),
            "a field has the wrong type or value at line 1 column 11"
        );
        for body in ["", "{}", "[]", "{\"id\": \"x\"}", "<html>"] {
            let result = client.on_identity_response(&access, &Response::new(body));
            assert!(
                matches!(result, Err(ReplyError::MalformedJson { .. })),
                "{body}: {result:?}"
            );
        }
    }

    /// Field indices (as non-self-describing formats send them) map to the fields in order.
    #[test]
    fn identity_fields_by_index() {
        use serde_core::Deserialize as _;
        use serde_core::de::value::{Error, U64Deserializer};
        let index_of = |index: u64| {
            let field = IdentityField::deserialize(U64Deserializer::<Error>::new(index));
            match field.unwrap() {
                IdentityField::Id => "id",
                IdentityField::Username => "username",
                IdentityField::ResourceUrl => "resource_url",
                IdentityField::ConsumerName => "consumer_name",
                IdentityField::Other => "other",
            }
        };
        assert_eq!(
            [0, 1, 2, 3, 4].map(index_of),
            ["id", "username", "resource_url", "consumer_name", "other"]
        );
        let not_a_key = serde_json::from_str::<IdentityField>("true").err().unwrap();
        assert_eq!(
            not_a_key.to_string(),
            "invalid type: boolean `true`, expected field identifier at line 1 column 4"
        );
    }
}
