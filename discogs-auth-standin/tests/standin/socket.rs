//! The stand-in over a real socket: raw HTTP/1.1 with std::net, no client library.

use std::io::{Read, Write};
use std::net::TcpStream;

use discogs_auth_core::http::header::AUTHORIZATION;
use discogs_auth_core::{Callback, SignatureMethod};
use discogs_auth_standin::StandIn;

use crate::support::*;

fn address(standin: &StandIn) -> String {
    standin.base_url().trim_start_matches("http://").to_owned()
}

fn exchange(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn spawn_listens_on_loopback() {
    let standin = StandIn::spawn().unwrap();
    let address = address(&standin);
    assert!(address.starts_with("127.0.0.1:"));
    let reply = exchange(
        &address,
        &format!(
            "GET /database/search?q=Nirvana HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {USER_AGENT}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    let lower = reply.to_ascii_lowercase();
    assert!(lower.contains("\r\nx-discogs-ratelimit: 25\r\n"), "{reply}");
    assert!(
        lower.contains("\r\nx-discogs-ratelimit-remaining: 24\r\n"),
        "{reply}"
    );
    let (_, body) = reply.split_once("\r\n\r\n").unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(body).unwrap(),
        serde_json::json!({"tier": "anonymous", "via": null, "query": {"q": "Nirvana"}})
    );
}

/// A server sees a path and a `Host` header; the stand-in rebuilds the URI the client signed.
#[test]
fn signed_requests_verify_over_a_socket() {
    let standin = StandIn::spawn().unwrap();
    let address = address(&standin);
    for method in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1] {
        let client = client(&standin, method);
        let request = client
            .request_token_request(&Callback::url(CALLBACK).unwrap(), &fresh(&standin))
            .unwrap();
        let authorization = request.headers()[AUTHORIZATION].to_str().unwrap();
        let reply = exchange(
            &address,
            &format!(
                "GET /oauth/request_token HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {USER_AGENT}\r\n\
                 Authorization: {authorization}\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(
            reply.starts_with("HTTP/1.1 200 OK\r\n"),
            "{method:?}: {reply}"
        );
        assert!(reply.ends_with("&oauth_callback_confirmed=true"), "{reply}");
    }
}

#[test]
fn shutdown_stops_listening() {
    let standin = StandIn::spawn().unwrap();
    let address = address(&standin);
    // An idle keep-alive connection must not hold the shutdown up.
    let _idle = TcpStream::connect(&address).unwrap();
    standin.shutdown();
    assert!(TcpStream::connect(&address).is_err());
}

#[tokio::test]
async fn spawn_and_drop_inside_a_runtime() {
    let standin = StandIn::spawn().unwrap();
    let address = address(&standin);
    let reply = tokio::task::spawn_blocking(move || {
        exchange(
            &address,
            &format!("GET /oversized/x HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
        )
    })
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"));
    drop(standin);
}
