//! The whole OAuth 1.0a flow with no sockets: the client half builds requests and reads
//! replies, and a tiny in-memory Discogs — built on the core's own provider-side
//! verification — answers them.
//!
//! Run: `cargo run -p discogs-auth-core --features hmac-sha1 --example sans_io_flow`

use std::collections::HashMap;
use std::error::Error;

use discogs_auth_core::http::{Request, Response, StatusCode};
use discogs_auth_core::{
    Callback, Consumer, ConsumerSecret, Endpoints, Freshness, OAuthClient, SignatureMethod,
    SignedRequest, Timestamp, TokenSecret, UserAgent, secrets_equal,
};

const CONSUMER_KEY: &str = "demo-consumer-key";
const CONSUMER_SECRET: &str = "demo-consumer-secret";

/// What the in-memory provider remembers between requests.
#[derive(Default)]
struct InMemoryDiscogs {
    /// request token → (secret, verifier once the user approved)
    request_tokens: HashMap<String, (String, Option<String>)>,
    /// access token → secret
    access_tokens: HashMap<String, String>,
    issued: u32,
}

impl InMemoryDiscogs {
    /// Plays Discogs for one request: verify the signature, then answer as the endpoint would.
    fn handle(&mut self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let signed = match SignedRequest::from_request(request) {
            Ok(signed) => signed,
            Err(error) => return reply(StatusCode::BAD_REQUEST, &error.to_string()),
        };
        if signed.consumer_key() != CONSUMER_KEY {
            return reply(StatusCode::UNAUTHORIZED, "Invalid consumer.");
        }
        let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET).expect("demo secret is valid");
        match request.uri().path() {
            "/oauth/request_token" => {
                if let Err(error) = signed.verify(&consumer_secret, None) {
                    return reply(StatusCode::UNAUTHORIZED, &error.to_string());
                }
                let (token, secret) = self.issue("request");
                self.request_tokens
                    .insert(token.clone(), (secret.clone(), None));
                reply(
                    StatusCode::OK,
                    &format!(
                        "oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"
                    ),
                )
            }
            "/oauth/access_token" => {
                let Some((secret, Some(verifier))) = signed
                    .token()
                    .and_then(|token| self.request_tokens.remove(token))
                else {
                    return reply(StatusCode::BAD_REQUEST, "Invalid request token.");
                };
                let token_secret = TokenSecret::new(secret).expect("issued secrets are valid");
                let verified = signed.verify(&consumer_secret, Some(&token_secret)).is_ok();
                let verifier_matches = signed
                    .verifier()
                    .is_some_and(|given| secrets_equal(given, &verifier));
                if !verified || !verifier_matches {
                    return reply(StatusCode::UNAUTHORIZED, "Invalid signature or verifier.");
                }
                let (token, secret) = self.issue("access");
                self.access_tokens.insert(token.clone(), secret.clone());
                reply(
                    StatusCode::OK,
                    &format!("oauth_token={token}&oauth_token_secret={secret}"),
                )
            }
            "/oauth/identity" => {
                let Some(secret) = signed
                    .token()
                    .and_then(|token| self.access_tokens.get(token))
                else {
                    return reply(
                        StatusCode::UNAUTHORIZED,
                        r#"{"message": "You must authenticate to access this resource."}"#,
                    );
                };
                let token_secret =
                    TokenSecret::new(secret.clone()).expect("issued secrets are valid");
                if signed
                    .verify(&consumer_secret, Some(&token_secret))
                    .is_err()
                {
                    return reply(
                        StatusCode::UNAUTHORIZED,
                        r#"{"message": "Invalid signature."}"#,
                    );
                }
                reply(
                    StatusCode::OK,
                    r#"{"id": 1, "username": "example", "resource_url": "https://api.discogs.com/users/example", "consumer_name": "sans-IO demo"}"#,
                )
            }
            _ => reply(
                StatusCode::NOT_FOUND,
                r#"{"message": "The requested resource was not found."}"#,
            ),
        }
    }

    /// The user clicks "Authorize": the provider attaches a verifier to the request token and
    /// redirects to the callback.
    fn approve(&mut self, request_token: &str, callback: &str) -> Option<String> {
        let (_, verifier) = self.request_tokens.get_mut(request_token)?;
        let issued = format!("verifier{}", self.issued);
        *verifier = Some(issued.clone());
        Some(format!(
            "{callback}?oauth_token={request_token}&oauth_verifier={issued}"
        ))
    }

    fn issue(&mut self, kind: &str) -> (String, String) {
        self.issued += 1;
        (
            format!("{kind}-token-{}", self.issued),
            format!("{kind}-secret-{}", self.issued),
        )
    }
}

fn reply(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(body.as_bytes().to_vec());
    *response.status_mut() = status;
    response
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut discogs = InMemoryDiscogs::default();
    let client = OAuthClient::new(
        Consumer::new(CONSUMER_KEY, CONSUMER_SECRET)?,
        UserAgent::new(concat!(
            "discogs-auth-core-example/",
            env!("CARGO_PKG_VERSION")
        ))?,
    )
    .with_endpoints(Endpoints::new(
        "http://discogs.invalid",
        "http://discogs.invalid/oauth/authorize",
    )?)
    .with_signature_method(SignatureMethod::HmacSha1);
    let callback = "http://app.invalid/callback";

    println!("1. request token");
    let sent = Freshness::generate()?;
    let request = client.request_token_request(&Callback::url(callback)?, &sent)?;
    println!("   {} {}", request.method(), request.uri());
    let request_token =
        client.on_request_token_response(&discogs.handle(&request), sent.timestamp)?;
    println!("   got request token {}", request_token.token);

    println!("2. authorize");
    let authorize_url = client.authorize_url(&request_token);
    println!("   the user opens {authorize_url} and approves");
    let redirect = discogs
        .approve(request_token.token.as_str(), callback)
        .ok_or("the provider does not know the request token")?;
    let authorized = request_token.authorize_from_callback(&redirect)?;
    println!(
        "   callback carried a verifier for {}",
        authorized.request_token.token
    );

    println!("3. access token");
    let sent = Freshness::generate()?;
    let request = client.access_token_request(&authorized, &sent)?;
    println!("   {} {}", request.method(), request.uri());
    let reply = discogs.handle(&request);
    // Judged when the reply arrives: a request token can expire on the way.
    let access_token = client.on_access_token_response(&authorized, &reply, Timestamp::now())?;
    println!("   got access token {}", access_token.token);

    println!("4. identity");
    let request = client.identity_request(&access_token, &Freshness::generate()?)?;
    let identity = client.on_identity_response(&access_token, &discogs.handle(&request))?;
    println!(
        "Authenticated as {} (id {})",
        identity.username, identity.id
    );

    // The verifier was single-use: replaying the access-token step is refused.
    let replay = client.access_token_request(&authorized, &Freshness::generate()?)?;
    let refused =
        client.on_access_token_response(&authorized, &discogs.handle(&replay), Timestamp::now());
    println!(
        "Replaying the verifier: {}",
        refused
            .map(|_| "accepted?!".to_owned())
            .unwrap_or_else(|e| e.to_string())
    );
    Ok(())
}
