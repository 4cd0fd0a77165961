//! Rate-limit headers on every reply, and 429 beyond the limit.

use discogs_auth_core::http::StatusCode;
use discogs_auth_core::http::header::DATE;
use discogs_auth_core::{
    ApiError, Callback, DiscogsAuth, Placement, RateLimit, ReplyError, SignatureMethod, check_reply,
};
use discogs_auth_standin::{StandIn, StandInConfig};

use crate::support::*;

fn figures(limit: u32, used: u32) -> Option<RateLimit> {
    Some(RateLimit {
        limit,
        used,
        remaining: limit.saturating_sub(used),
    })
}

#[tokio::test]
async fn every_reply_carries_the_headers_and_the_stand_in_s_date() {
    let standin = StandIn::spawn().unwrap();
    let router = standin.router();
    let base = standin.base_url();
    let requests = [
        format!("{base}/database/search?q=x"),
        format!("{base}/oauth/identity"),
        format!("{base}/oauth/request_token"),
        format!("{base}/oauth/authorize?oauth_token=unknown"),
        format!("{base}/redirect/oauth/identity"),
        format!("{base}/no/such/path"),
    ];
    for (used, url) in (1..).zip(requests) {
        let reply = send(&router, get(&url).body(Vec::new()).unwrap()).await;
        assert_eq!(
            RateLimit::from_headers(reply.headers()),
            Ok(figures(25, used)),
            "{url}"
        );
        assert!(reply.headers().contains_key(DATE), "{url}");
    }

    standin.advance_clock(86_400);
    let reply = send(
        &router,
        get(&format!("{base}/database/search"))
            .body(Vec::new())
            .unwrap(),
    )
    .await;
    let date = reply.headers()[DATE].to_str().unwrap();
    let date = httpdate_seconds(date);
    assert!(date.abs_diff(standin.now().as_unix_seconds()) <= 1);
    assert_eq!(RateLimit::from_headers(reply.headers()), Ok(figures(25, 1)));
}

fn httpdate_seconds(date: &str) -> u64 {
    httpdate::parse_http_date(date)
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn too_many_requests_beyond_the_limit() {
    let standin = StandIn::spawn_with(StandInConfig {
        authenticated_limit: 2,
        anonymous_limit: 3,
    })
    .unwrap();
    let router = standin.router();
    let url = format!("{}/database/search?q=x", standin.base_url());
    let anonymous = || get(&url).body(Vec::new()).unwrap();

    for used in 1..=3 {
        let reply = send(&router, anonymous()).await;
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(
            RateLimit::from_headers(reply.headers()),
            Ok(figures(3, used))
        );
    }
    let too_many = ReplyError::RateLimited(ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "You are making requests too quickly.",
        figures(3, 3),
    ));
    for _ in 0..2 {
        // Refused requests are not counted: the figures stay at the limit.
        let reply = send(&router, anonymous()).await;
        assert_eq!(content_type(&reply), "application/json");
        assert_eq!(check_reply(&reply, &[]).map(|_| ()), Err(too_many.clone()));
    }

    // Authenticated requests from the address have a window of their own, at the authenticated
    // limit, shared by every credential: Discogs counts by source IP.
    let with_token = || {
        let mut request = anonymous();
        DiscogsAuth::Token(standin.personal_token())
            .apply(&mut request, Placement::Header)
            .unwrap();
        request
    };
    for used in 1..=2 {
        let reply = send(&router, with_token()).await;
        assert_eq!(
            RateLimit::from_headers(reply.headers()),
            Ok(figures(2, used))
        );
    }
    let reply = send(&router, with_token()).await;
    assert_eq!(reply.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(RateLimit::from_headers(reply.headers()), Ok(figures(2, 2)));
    let mut with_key_secret = anonymous();
    DiscogsAuth::KeySecret(standin.consumer())
        .apply(&mut with_key_secret, Placement::Header)
        .unwrap();
    let reply = send(&router, with_key_secret).await;
    assert_eq!(
        reply.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "another credential"
    );

    // The window moves on the stand-in's clock.
    standin.advance_clock(60);
    let reply = send(&router, anonymous()).await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(RateLimit::from_headers(reply.headers()), Ok(figures(3, 1)));
}

#[tokio::test]
async fn the_token_endpoints_count_with_the_address_s_other_calls() {
    let standin = StandIn::spawn_with(StandInConfig {
        authenticated_limit: 2,
        anonymous_limit: 25,
    })
    .unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::Plaintext);
    for _ in 0..2 {
        let _ = request_token(&standin, &router, &client, &Callback::OutOfBand).await;
    }
    let sent = fresh(&standin);
    let reply = send(
        &router,
        client
            .request_token_request(&Callback::OutOfBand, &sent)
            .unwrap(),
    )
    .await;
    assert_eq!(
        client.on_request_token_response(&reply, sent.timestamp),
        Err(ReplyError::RateLimited(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "You are making requests too quickly.",
            figures(2, 2)
        )))
    );
    let mut search = get(&format!("{}/database/search?q=x", standin.base_url()))
        .body(Vec::new())
        .unwrap();
    DiscogsAuth::Token(standin.personal_token())
        .apply(&mut search, Placement::Header)
        .unwrap();
    assert_eq!(
        send(&router, search).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "an API call from the same address, with another credential"
    );
}

/// A request the rate limit refuses has not used its nonce: sent again once the window has
/// room, the same signed request is accepted, and only then is its nonce used.
#[tokio::test]
async fn a_rate_limited_request_can_be_sent_again() {
    let standin = StandIn::spawn_with(StandInConfig {
        authenticated_limit: 1,
        anonymous_limit: 25,
    })
    .unwrap();
    let router = standin.router();
    let client = client(&standin, SignatureMethod::HmacSha1);
    let _ = request_token(&standin, &router, &client, &Callback::OutOfBand).await;

    let sent = fresh(&standin);
    let request = client
        .request_token_request(&Callback::OutOfBand, &sent)
        .unwrap();
    let refused = send(&router, request.clone()).await;
    assert_eq!(
        client.on_request_token_response(&refused, sent.timestamp),
        Err(ReplyError::RateLimited(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "You are making requests too quickly.",
            figures(1, 1)
        )))
    );

    standin.advance_clock(60);
    let accepted = send(&router, request.clone()).await;
    assert_eq!(
        accepted.status(),
        StatusCode::OK,
        "{}",
        body_text(&accepted)
    );
    assert_eq!(
        RateLimit::from_headers(accepted.headers()),
        Ok(figures(1, 1))
    );

    standin.advance_clock(60);
    let replayed = send(&router, request).await;
    assert_eq!(
        client.on_request_token_response(&replayed, sent.timestamp),
        Err(ReplyError::Unauthorized(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Nonce already used.",
            figures(25, 1)
        )))
    );
}
