//! Discogs Auth on `/database/search`: every way of sending credentials, recognised exactly.

use discogs_auth_core::http::StatusCode;
use discogs_auth_core::http::header::AUTHORIZATION;
use discogs_auth_core::{DiscogsAuth, Placement};
use discogs_auth_standin::{DEMO_CONSUMER_KEY, StandIn};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn search_recognises_each_kind_of_credentials() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let url = format!(
        "{}/database/search?q=Nirvana&type=artist",
        standin.base_url()
    );
    let token = DiscogsAuth::Token(standin.personal_token());
    let key_secret = DiscogsAuth::KeySecret(standin.consumer());
    let cases = [
        (None, "anonymous", None),
        (Some((&token, Placement::Header)), "token", Some("header")),
        (Some((&token, Placement::Query)), "token", Some("query")),
        (
            Some((&key_secret, Placement::Header)),
            "key_secret",
            Some("header"),
        ),
        (
            Some((&key_secret, Placement::Query)),
            "key_secret",
            Some("query"),
        ),
    ];
    for (credentials, tier, via) in cases {
        let mut request = get(&url).body(Vec::new()).unwrap();
        if let Some((auth, placement)) = credentials {
            auth.apply(&mut request, placement).unwrap();
        }
        let reply = send(&router, request).await;
        assert_eq!(reply.status(), StatusCode::OK, "{tier} {via:?}");
        assert_eq!(content_type(&reply), "application/json");
        assert_eq!(
            json(&reply),
            json!({"tier": tier, "via": via, "query": {"q": "Nirvana", "type": "artist"}}),
            "{tier} {via:?}"
        );
    }
}

#[tokio::test]
async fn invalid_credentials_of_any_kind_are_refused() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let url = format!("{}/database/search?q=Nirvana", standin.base_url());
    let refused = |header: Option<&str>, query: &str| {
        let mut builder = get(&format!("{url}{query}"));
        if let Some(header) = header {
            builder = builder.header(AUTHORIZATION, header);
        }
        builder.body(Vec::new()).unwrap()
    };
    let cases = [
        (
            refused(Some("Discogs token=not-the-token"), ""),
            StatusCode::UNAUTHORIZED,
            "Invalid personal access token.".to_owned(),
        ),
        (
            refused(None, "&token=not-the-token"),
            StatusCode::UNAUTHORIZED,
            "Invalid personal access token.".to_owned(),
        ),
        (
            refused(None, &format!("&key={DEMO_CONSUMER_KEY}&secret=wrong")),
            StatusCode::UNAUTHORIZED,
            "Invalid consumer key or secret.".to_owned(),
        ),
        (
            refused(Some("Discogs key=unknown, secret=whatever"), ""),
            StatusCode::UNAUTHORIZED,
            "Invalid consumer key or secret.".to_owned(),
        ),
        (
            refused(Some("Discogs key=only-a-key"), ""),
            StatusCode::UNAUTHORIZED,
            "Invalid Discogs Authorization header: the Discogs credentials are malformed: key and secret go together.".to_owned(),
        ),
        (
            refused(None, "&key=only-a-key"),
            StatusCode::UNAUTHORIZED,
            "Invalid credentials in the query: the Discogs credentials are malformed: key and secret go together.".to_owned(),
        ),
        (
            refused(Some("Bearer abc"), ""),
            StatusCode::UNAUTHORIZED,
            "Unsupported Authorization scheme: use OAuth or Discogs.".to_owned(),
        ),
        (
            refused(Some("Discogs token=demo-personal-token"), "&token=demo-personal-token"),
            StatusCode::BAD_REQUEST,
            "Credentials in both the Authorization header and the query; send them once.".to_owned(),
        ),
    ];
    for (request, status, message) in cases {
        let shown = format!(
            "{} {:?}",
            request.uri(),
            request.headers().get(AUTHORIZATION)
        );
        let reply = send(&router, request).await;
        assert_eq!(reply.status(), status, "{shown}");
        assert_eq!(content_type(&reply), "application/json", "{shown}");
        assert_eq!(json(&reply), json!({ "message": message }), "{shown}");
    }
}
