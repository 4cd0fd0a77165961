//! Heap allocations per signed request, counted by a counting global allocator on this thread.
//!
//! `cargo test -p discogs-auth-bench --test allocations -- --nocapture` prints the table that
//! `BENCHMARKS.md` reports. The bounds below are the figures reached (a regression guard); the
//! allocations counted include those of the `http::Request` the core builds (header map, values).

use discogs_auth_bench::alloc::{CountingAllocator, count_allocations};
use discogs_auth_bench::*;
use discogs_auth_core::http::Request;
use discogs_auth_core::{
    AccessToken, Callback, Consumer, Freshness, OAuthClient, RequestToken, SignatureMethod,
    SignedRequest, Timestamp, TokenSecret, TokenValue, UserAgent, Verifier,
};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap(),
        UserAgent::new(USER_AGENT).unwrap(),
    )
    .with_signature_method(method)
}

/// The fewest allocations `f` makes over a few runs (the first run may fill caches, such as
/// the nonce pool).
fn allocations<R>(mut f: impl FnMut() -> R) -> u64 {
    (0..8)
        .map(|_| count_allocations(&mut f).1)
        .min()
        .unwrap_or(0)
}

struct Row {
    what: String,
    allocations: u64,
    bound: u64,
}

fn measure() -> Vec<Row> {
    let callback = Callback::url(CALLBACK).unwrap();
    let access = AccessToken::new(ACCESS_TOKEN, ACCESS_TOKEN_SECRET).unwrap();
    let authorized = RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_TOKEN_SECRET).unwrap(),
        issued_at: Timestamp::now(),
    }
    .with_verifier(Verifier::new(VERIFIER).unwrap());
    let consumer = Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap();
    let mut rows = vec![Row {
        what: "Freshness::generate()".into(),
        allocations: allocations(|| Freshness::generate().unwrap()),
        // The nonce is held inline.
        bound: 0,
    }];
    for method in [SignatureMethod::Plaintext, SignatureMethod::HmacSha1] {
        let client = client(method);
        // HMAC-SHA1 adds the base string's buffer, and with a query (or when the protocol
        // parameters are sorted with the request's own) the encoded pairs and their
        // positions.
        let hmac = u64::from(method == SignatureMethod::HmacSha1);
        let pinned = Freshness::new("0123456789abcdef", 1_700_000_000).unwrap();
        rows.push(Row {
            what: format!("request_token_request, {method}"),
            allocations: allocations(|| client.request_token_request(&callback, &pinned)),
            // The header (one buffer of its exact length, which its `Bytes` takes over) and
            // the header map (indices and entries).
            bound: 3 + hmac,
        });
        let mut search = Request::get(SEARCH_URL).body(Vec::new()).unwrap();
        // Sign once so that the header map has its `Authorization` and `User-Agent` slots;
        // signing again then counts what signing itself allocates.
        client.sign_request(&access, &mut search, &pinned).unwrap();
        rows.push(Row {
            what: format!("sign_request (search GET, re-signed), {method}"),
            allocations: allocations(|| client.sign_request(&access, &mut search, &pinned)),
            bound: 1 + 3 * hmac,
        });
        let signer = client.signer(&access);
        rows.push(Row {
            what: format!("RequestSigner::sign_request (search GET, re-signed), {method}"),
            allocations: allocations(|| signer.sign_request(&mut search, &pinned)),
            // The header; HMAC-SHA1 adds the base string's buffer and the query's encoded
            // pairs with their positions.
            bound: 1 + 3 * hmac,
        });
        rows.push(Row {
            what: format!("sign_request (search GET, fresh request), {method}"),
            allocations: allocations(|| {
                let mut request = Request::get(SEARCH_URL).body(Vec::new()).unwrap();
                client.sign_request(&access, &mut request, &pinned)
            }) - allocations(|| {
                Request::get(SEARCH_URL).body(Vec::<u8>::new()).unwrap()
            }),
            // Also the header map's first allocation.
            bound: 3 + 3 * hmac,
        });
        rows.push(Row {
            what: format!("access_token_request, {method}"),
            allocations: allocations(|| client.access_token_request(&authorized, &pinned)),
            bound: 3 + hmac,
        });
        rows.push(Row {
            what: format!("SignedRequest::from_request + verify, {method}"),
            allocations: allocations(|| {
                SignedRequest::from_request(&search)
                    .unwrap()
                    .verify(&consumer.secret, Some(&access.secret))
            }),
            // The parsed header (its decoded text and its pair boundaries); HMAC-SHA1 adds the
            // protocol list, the base string, and the encoded pairs (query and protocol
            // parameters) with their positions. Escapes that stand for ASCII are decoded in
            // place and PLAINTEXT is compared with the secrets without writing them out.
            bound: 2 + 4 * hmac,
        });
    }
    rows
}

#[test]
fn allocations_per_signed_request() {
    let rows = measure();
    println!("| call | heap allocations |\n|---|---|");
    for row in &rows {
        println!("| {} | {} |", row.what, row.allocations);
    }
    for row in &rows {
        assert!(
            row.allocations <= row.bound,
            "{}: {} allocations, expected at most {}",
            row.what,
            row.allocations,
            row.bound
        );
    }
}
