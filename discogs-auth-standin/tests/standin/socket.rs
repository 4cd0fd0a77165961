//! The stand-in over a real socket: raw HTTP/1.1 with std::net, no client library.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use discogs_auth_core::http::header::AUTHORIZATION;
use discogs_auth_core::{Callback, SignatureMethod};
use discogs_auth_standin::{ConnectionLimits, StandIn, StandInConfig};

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
    assert_eq!(
        format!("{standin:?}"),
        format!("StandIn {{ base_url: \"http://{address}\", .. }}")
    );
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

/// Far longer than any timeout under test: a read that waits this long means the server kept
/// the connection open.
const PATIENCE: Duration = Duration::from_secs(10);

const SHORT: Duration = Duration::from_millis(200);

fn spawn_with(limits: ConnectionLimits) -> StandIn {
    StandIn::spawn_with_connection_limits(StandInConfig::default(), limits).unwrap()
}

fn connect(standin: &StandIn) -> TcpStream {
    let stream = TcpStream::connect(address(standin)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads until the server closes the connection: what it sent, and how long it took.
fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => received.extend_from_slice(&buffer[..read]),
            Err(error) => panic!(
                "the connection is still open after {:?}: {error}",
                started.elapsed()
            ),
        }
    }
    (String::from_utf8(received).unwrap(), started.elapsed())
}

/// Reads one reply whose body has a `Content-Length`, leaving the connection open.
fn read_reply(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .unwrap()
                .parse::<usize>()
                .unwrap();
            if body.len() >= length {
                return text;
            }
        }
        let read = stream.read(&mut buffer).unwrap();
        assert_ne!(read, 0, "closed mid-reply: {text}");
        received.extend_from_slice(&buffer[..read]);
    }
}

/// A client that sends part of a request head and then nothing (slowloris) is disconnected
/// once the header read timeout passes, without a reply.
#[test]
fn a_partial_request_head_is_closed_after_the_header_read_timeout() {
    let standin = spawn_with(ConnectionLimits {
        header_read_timeout: SHORT,
        ..ConnectionLimits::default()
    });
    let started = Instant::now();
    let mut stream = connect(&standin);
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let (received, _) = read_until_closed(&mut stream);
    assert_eq!(received, "");
    assert!(started.elapsed() >= SHORT, "{:?}", started.elapsed());
}

/// A body declared larger than the stand-in reads is refused at once, not waited for (until
/// the request timeout, 30 s by default).
#[test]
fn a_body_declared_too_large_is_refused_before_it_arrives() {
    let standin = StandIn::spawn().unwrap();
    let mut stream = connect(&standin);
    stream
        .write_all(b"POST /oauth/access_token HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nsome")
        .unwrap();
    let reply = read_reply(&mut stream);
    assert!(
        reply.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{reply}"
    );
    assert!(
        reply.ends_with("\r\n\r\nThe request body is too large."),
        "{reply}"
    );
}

/// "No timeout" said as `Duration::MAX` is served: the server waits a day at most, where adding
/// the timeout to the current instant would overflow.
#[test]
fn the_longest_header_read_timeout_still_serves() {
    let standin = spawn_with(ConnectionLimits {
        header_read_timeout: Duration::MAX,
        ..ConnectionLimits::default()
    });
    ask_for_a_missing_path(&mut connect(&standin));
}

/// Asks for a path nothing serves on a keep-alive connection: the reply, a 404.
fn ask_for_a_missing_path(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let reply = read_reply(stream);
    assert!(reply.starts_with("HTTP/1.1 404 Not Found\r\n"), "{reply}");
    reply
}

/// A connection that never sends a byte is closed too.
#[test]
fn a_silent_connection_is_closed_after_the_header_read_timeout() {
    let standin = spawn_with(ConnectionLimits {
        header_read_timeout: SHORT,
        ..ConnectionLimits::default()
    });
    let started = Instant::now();
    let mut stream = connect(&standin);
    assert_eq!(read_until_closed(&mut stream).0, "");
    assert!(started.elapsed() >= SHORT, "{:?}", started.elapsed());
}

/// After a reply, a keep-alive connection that sends no further request is closed: the header
/// read timeout runs while the server waits for the next request.
#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_header_read_timeout() {
    let standin = spawn_with(ConnectionLimits {
        header_read_timeout: SHORT,
        ..ConnectionLimits::default()
    });
    let mut stream = connect(&standin);
    let reply = ask_for_a_missing_path(&mut stream);
    assert!(
        reply.ends_with("\r\n\r\n{\"message\":\"The requested resource was not found.\"}"),
        "{reply}"
    );
    let (received, idle) = read_until_closed(&mut stream);
    assert_eq!(received, "");
    assert!(idle < PATIENCE, "{idle:?}");
}

/// A request whose head arrived but whose body does not gets 408 once the request timeout
/// passes, and the connection is closed.
#[test]
fn a_request_body_that_never_arrives_gets_408() {
    let standin = spawn_with(ConnectionLimits {
        request_timeout: SHORT,
        ..ConnectionLimits::default()
    });
    let mut stream = connect(&standin);
    stream
        .write_all(b"POST /oauth/access_token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    let (reply, took) = read_until_closed(&mut stream);
    assert!(took >= SHORT, "{took:?}");
    assert!(
        reply.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{reply}"
    );
    let lower = reply.to_ascii_lowercase();
    assert!(lower.contains("\r\nconnection: close\r\n"), "{reply}");
    assert!(
        lower.contains("\r\ncontent-type: text/plain; charset=utf-8\r\n"),
        "{reply}"
    );
    assert!(
        reply.ends_with("\r\n\r\nRequest timeout: the request did not arrive in time."),
        "{reply}"
    );
}

/// Past the connection cap, a new client waits unaccepted until a connection closes, and is
/// then served.
#[test]
fn connections_beyond_the_cap_wait_until_one_closes() {
    let standin = spawn_with(ConnectionLimits {
        max_connections: 1,
        ..ConnectionLimits::default()
    });
    let first = connect(&standin);
    let mut second = connect(&standin);
    second
        .write_all(b"GET /no/such/path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    second
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buffer = [0; 64];
    let waiting = second.read(&mut buffer);
    assert!(
        matches!(&waiting, Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "{waiting:?}"
    );

    drop(first);
    second.set_read_timeout(Some(PATIENCE)).unwrap();
    let (reply, _) = read_until_closed(&mut second);
    assert!(reply.starts_with("HTTP/1.1 404 Not Found\r\n"), "{reply}");
}

/// At the connection cap, a connection that has been served and sits idle (a pooling
/// client's) closes after a second to make room for a client waiting in the backlog, long
/// before the header read timeout; a connection still waiting for its first request is left
/// alone.
#[test]
fn idle_connections_make_room_at_the_cap() {
    let standin = spawn_with(ConnectionLimits {
        max_connections: 2,
        header_read_timeout: 3 * PATIENCE,
        ..ConnectionLimits::default()
    });
    let mut idle = connect(&standin);
    let reply = ask_for_a_missing_path(&mut idle);
    let served = Instant::now();
    assert!(
        !reply.to_ascii_lowercase().contains("connection: close"),
        "{reply}"
    );
    // The second connection fills the cap; the third waits in the backlog.
    let mut fresh = connect(&standin);
    let mut waiting = connect(&standin);
    waiting
        .write_all(b"GET /no/such/path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(read_until_closed(&mut idle).0, "");
    // Not before its grace (a second): a client may be sending on a connection just served.
    // Half of it is a bound that a slow machine only makes safer.
    let idle_for = served.elapsed();
    assert!(idle_for >= Duration::from_millis(500), "{idle_for:?}");
    let (reply, _) = read_until_closed(&mut waiting);
    assert!(reply.starts_with("HTTP/1.1 404 Not Found\r\n"), "{reply}");
    // The fresh connection was not closed under its request, which is answered.
    ask_for_a_missing_path(&mut fresh);
}

/// A reply while every connection is taken closes its connection, and says so.
#[test]
fn a_reply_at_the_cap_closes_its_connection() {
    let standin = spawn_with(ConnectionLimits {
        max_connections: 1,
        ..ConnectionLimits::default()
    });
    let mut only = connect(&standin);
    let reply = ask_for_a_missing_path(&mut only);
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n"),
        "{reply}"
    );
    assert_eq!(read_until_closed(&mut only).0, "");
}
