//! Issue 7: the core's signing, parsing and verification against `oauth1-request` (the Rust
//! user's usual OAuth 1 signer) and a hand-written floor, each case with its baselines in the
//! same run.
//!
//! Cases: 1. the request-token request; 2. a signed `GET /database/search?…` with an access
//! token; 3. the access-token request with a verifier (each PLAINTEXT and HMAC-SHA1, with a
//! fresh nonce and timestamp every call); 4. the reply parsers; 5. provider-side verification,
//! against signing the same request.
//!
//! `discogs-auth` is timed through its public API with `Freshness::generate()` per call: cases 1
//! and 3 build the whole `http::Request` (URI, `Authorization`, `User-Agent`, `Content-Type`),
//! case 2 signs an existing request. `oauth1-request` is timed twice: the `Authorization` string
//! alone (with its own nonce from `thread_rng` and timestamp), and `+http`, that string put into
//! the same `http::Request` (cases 1, 3) or into the existing request (case 2), so that both
//! sides do the same job. The floor gets a counter for a nonce: it pays for no randomness.
//!
//! `cargo bench -p discogs-auth-bench --bench signing`, then
//! `cargo run -p discogs-auth-bench --bin report` for the table.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use discogs_auth_bench::*;
use discogs_auth_core::http::header::{
    AUTHORIZATION, CONTENT_TYPE, USER_AGENT as USER_AGENT_HEADER,
};
use discogs_auth_core::http::{HeaderMap, HeaderValue, Method, Request, Response, Uri};
use discogs_auth_core::{
    AccessToken, Callback, Consumer, Endpoints, FORM_CONTENT_TYPE, Freshness, OAuthClient,
    RequestToken, SignatureMethod, SignedRequest, Timestamp, TokenSecret, TokenValue, UserAgent,
    Verifier,
};
use oauth1_request as oauth;

const METHODS: [(SignatureMethod, FloorMethod, &str); 2] = [
    (
        SignatureMethod::Plaintext,
        FloorMethod::Plaintext,
        "plaintext",
    ),
    (
        SignatureMethod::HmacSha1,
        FloorMethod::HmacSha1,
        "hmac_sha1",
    ),
];

fn client(method: SignatureMethod) -> OAuthClient {
    OAuthClient::new(
        Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap(),
        UserAgent::new(USER_AGENT).unwrap(),
    )
    .with_endpoints(Endpoints::discogs())
    .with_signature_method(method)
}

fn request_token() -> RequestToken {
    RequestToken {
        token: TokenValue::new(REQUEST_TOKEN).unwrap(),
        secret: TokenSecret::new(REQUEST_TOKEN_SECRET).unwrap(),
        issued_at: Timestamp::now(),
    }
}

fn access_token() -> AccessToken {
    AccessToken::new(ACCESS_TOKEN, ACCESS_TOKEN_SECRET).unwrap()
}

fn search_request() -> Request<Vec<u8>> {
    Request::get(SEARCH_URL).body(Vec::new()).unwrap()
}

/// What `oauth1-request` is configured with for one case.
#[derive(Clone, Copy, Default)]
struct Oauth1Options {
    token: Option<(&'static str, &'static str)>,
    callback: Option<&'static str>,
    verifier: Option<&'static str>,
}

/// `oauth1-request`'s builder for one case.
fn oauth1_builder<SM: oauth::signature_method::SignatureMethod>(
    method: SM,
    options: Oauth1Options,
) -> oauth::Builder<'static, SM, &'static str> {
    let mut builder = oauth::Builder::new(
        oauth::Credentials::new(CONSUMER_KEY, CONSUMER_SECRET),
        method,
    );
    if let Some((token, secret)) = options.token {
        builder.token(oauth::Credentials::new(token, secret));
    }
    builder
        .callback(options.callback)
        .verifier(options.verifier);
    builder
}

/// `oauth1-request` for a signature method chosen at run time.
enum Oauth1 {
    Plaintext(oauth::Builder<'static, oauth::Plaintext, &'static str>),
    HmacSha1(oauth::Builder<'static, oauth::HmacSha1, &'static str>),
}

impl Oauth1 {
    fn new(method: FloorMethod, options: Oauth1Options) -> Self {
        match method {
            FloorMethod::Plaintext => {
                Self::Plaintext(oauth1_builder(oauth::Plaintext::new(), options))
            }
            FloorMethod::HmacSha1 => {
                Self::HmacSha1(oauth1_builder(oauth::HmacSha1::new(), options))
            }
        }
    }

    /// The `Authorization` header, with a fresh nonce (`thread_rng`) and the current time.
    fn authorize(&self, method: &str, uri: &str, request: &impl oauth::Request) -> String {
        match self {
            Self::Plaintext(builder) => builder.authorize(method, uri, request),
            Self::HmacSha1(builder) => builder.authorize(method, uri, request),
        }
    }
}

/// What `discogs-auth` returns for cases 1 and 3, built around `oauth1-request`'s header: the
/// same `http::Request` (a pre-parsed URI cloned, `Authorization`, `Content-Type`,
/// `User-Agent`), so that both sides do the same job.
fn oauth1_request_as_http(method: Method, uri: &Uri, authorization: String) -> Request<Vec<u8>> {
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(AUTHORIZATION, HeaderValue::try_from(authorization).unwrap());
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
    headers.insert(USER_AGENT_HEADER, HeaderValue::from_static(USER_AGENT));
    let mut request = Request::new(Vec::new());
    *request.method_mut() = method;
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers;
    request
}

fn search_parameters() -> oauth::ParameterList<&'static str, &'static str> {
    oauth::ParameterList::new(vec![
        ("q", SEARCH_QUERY),
        ("type", "release"),
        ("per_page", "50"),
    ])
}

fn case1_request_token(c: &mut Criterion) {
    let callback = Callback::url(CALLBACK).unwrap();
    for (method, floor_method, name) in METHODS {
        let ours = client(method);
        let theirs = Oauth1::new(
            floor_method,
            Oauth1Options {
                callback: Some(CALLBACK),
                ..Oauth1Options::default()
            },
        );
        let mut group = c.benchmark_group(format!("case1_request_token_{name}"));
        group.bench_function("discogs-auth", |b| {
            b.iter(|| {
                let freshness = Freshness::generate().unwrap();
                ours.request_token_request(black_box(&callback), &freshness)
                    .unwrap()
            })
        });
        group.bench_function("oauth1-request", |b| {
            b.iter(|| theirs.authorize("GET", black_box(REQUEST_TOKEN_URL), &()))
        });
        let uri = Uri::from_static(REQUEST_TOKEN_URL);
        group.bench_function("oauth1-request+http", |b| {
            b.iter(|| {
                let header = theirs.authorize("GET", black_box(REQUEST_TOKEN_URL), &());
                oauth1_request_as_http(Method::GET, &uri, header)
            })
        });
        let mut counter = 0u64;
        group.bench_function("floor", |b| {
            b.iter(|| {
                counter += 1;
                floor_request_token_header(floor_method, &floor_nonce(counter), now())
            })
        });
        group.finish();
    }
}

fn case2_signed_search(c: &mut Criterion) {
    for (method, floor_method, name) in METHODS {
        let ours = client(method);
        let access = access_token();
        let mut request = search_request();
        let theirs = Oauth1::new(
            floor_method,
            Oauth1Options {
                token: Some((ACCESS_TOKEN, ACCESS_TOKEN_SECRET)),
                ..Oauth1Options::default()
            },
        );
        let mut group = c.benchmark_group(format!("case2_signed_search_{name}"));
        group.bench_function("discogs-auth", |b| {
            // Signing replaces the previous `Authorization`, so one request is signed again
            // and again.
            b.iter(|| {
                let freshness = Freshness::generate().unwrap();
                ours.sign_request(&access, black_box(&mut request), &freshness)
                    .unwrap()
            })
        });
        // What a program that makes many calls with one token would use: the signer is made
        // once, outside the timed loop, as `oauth1-request`'s builder is.
        let signer = ours.signer(&access);
        group.bench_function("discogs-auth-signer", |b| {
            b.iter(|| {
                let freshness = Freshness::generate().unwrap();
                signer
                    .sign_request(black_box(&mut request), &freshness)
                    .unwrap()
            })
        });
        group.bench_function("oauth1-request", |b| {
            b.iter(|| theirs.authorize("GET", black_box(SEARCH_BASE_URL), &search_parameters()))
        });
        // Like `sign_request`: the header goes into the existing request.
        let mut their_request = search_request();
        group.bench_function("oauth1-request+http", |b| {
            b.iter(|| {
                let header =
                    theirs.authorize("GET", black_box(SEARCH_BASE_URL), &search_parameters());
                black_box(&mut their_request)
                    .headers_mut()
                    .insert(AUTHORIZATION, HeaderValue::try_from(header).unwrap());
            })
        });
        let mut counter = 0u64;
        group.bench_function("floor", |b| {
            b.iter(|| {
                counter += 1;
                floor_search_header(floor_method, &floor_nonce(counter), now())
            })
        });
        group.finish();
    }
}

fn case3_access_token(c: &mut Criterion) {
    let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
    for (method, floor_method, name) in METHODS {
        let ours = client(method);
        let theirs = Oauth1::new(
            floor_method,
            Oauth1Options {
                token: Some((REQUEST_TOKEN, REQUEST_TOKEN_SECRET)),
                verifier: Some(VERIFIER),
                ..Oauth1Options::default()
            },
        );
        let mut group = c.benchmark_group(format!("case3_access_token_{name}"));
        group.bench_function("discogs-auth", |b| {
            b.iter(|| {
                let freshness = Freshness::generate().unwrap();
                ours.access_token_request(black_box(&authorized), &freshness)
                    .unwrap()
            })
        });
        group.bench_function("oauth1-request", |b| {
            b.iter(|| theirs.authorize("POST", black_box(ACCESS_TOKEN_URL), &()))
        });
        let uri = Uri::from_static(ACCESS_TOKEN_URL);
        group.bench_function("oauth1-request+http", |b| {
            b.iter(|| {
                let header = theirs.authorize("POST", black_box(ACCESS_TOKEN_URL), &());
                oauth1_request_as_http(Method::POST, &uri, header)
            })
        });
        let mut counter = 0u64;
        group.bench_function("floor", |b| {
            b.iter(|| {
                counter += 1;
                floor_access_token_header(floor_method, &floor_nonce(counter), now())
            })
        });
        group.finish();
    }
}

fn case4_parsers(c: &mut Criterion) {
    let ours = client(SignatureMethod::Plaintext);
    let token = request_token();
    let authorized = token.with_verifier(Verifier::new(VERIFIER).unwrap());
    let sent_at = Timestamp::now();

    let reply = Response::new(REQUEST_TOKEN_REPLY.as_bytes().to_vec());
    let mut group = c.benchmark_group("case4_parse_request_token_reply");
    group.bench_function("discogs-auth", |b| {
        b.iter(|| {
            ours.on_request_token_response(black_box(&reply), sent_at)
                .unwrap()
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| floor_parse_token_reply(black_box(REQUEST_TOKEN_REPLY.as_bytes())).unwrap())
    });
    group.finish();

    let reply = Response::new(ACCESS_TOKEN_REPLY.as_bytes().to_vec());
    let mut group = c.benchmark_group("case4_parse_access_token_reply");
    group.bench_function("discogs-auth", |b| {
        b.iter(|| {
            ours.on_access_token_response(&authorized, black_box(&reply), sent_at)
                .unwrap()
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| floor_parse_token_reply(black_box(ACCESS_TOKEN_REPLY.as_bytes())).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("case4_parse_approved_callback");
    group.bench_function("discogs-auth", |b| {
        b.iter(|| {
            token
                .authorize_from_callback(black_box(APPROVED_CALLBACK))
                .unwrap()
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| floor_parse_callback(black_box(APPROVED_CALLBACK), REQUEST_TOKEN).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("case4_parse_denied_callback");
    group.bench_function("discogs-auth", |b| {
        b.iter(|| {
            token
                .authorize_from_callback(black_box(DENIED_CALLBACK))
                .unwrap_err()
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| floor_parse_callback(black_box(DENIED_CALLBACK), REQUEST_TOKEN).is_none())
    });
    group.finish();

    let reply = Response::new(IDENTITY_REPLY.as_bytes().to_vec());
    let mut group = c.benchmark_group("case4_parse_identity_json");
    group.bench_function("discogs-auth", |b| {
        b.iter(|| ours.on_identity_response(black_box(&reply)).unwrap())
    });
    group.bench_function("floor", |b| {
        b.iter(|| floor_parse_identity(black_box(IDENTITY_REPLY.as_bytes())).unwrap())
    });
    group.finish();
}

fn case5_verify(c: &mut Criterion) {
    let consumer_secret = Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap().secret;
    let token_secret = TokenSecret::new(ACCESS_TOKEN_SECRET).unwrap();
    let access = access_token();
    let freshness = Freshness::generate().unwrap();
    for (method, _, name) in METHODS {
        let ours = client(method);
        let mut signed = search_request();
        ours.sign_request(&access, &mut signed, &freshness).unwrap();
        let mut group = c.benchmark_group(format!("case5_verify_{name}"));
        group.bench_function("verify", |b| {
            b.iter(|| {
                SignedRequest::from_request(black_box(&signed))
                    .unwrap()
                    .verify(&consumer_secret, Some(&token_secret))
                    .unwrap()
            })
        });
        // The same request signed with the same (pinned) nonce and timestamp: like for like,
        // no randomness on either side.
        let mut request = search_request();
        group.bench_function("sign", |b| {
            b.iter(|| {
                ours.sign_request(&access, black_box(&mut request), &freshness)
                    .unwrap()
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

fn main() {
    let mut criterion = config();
    case1_request_token(&mut criterion);
    case2_signed_search(&mut criterion);
    case3_access_token(&mut criterion);
    case4_parsers(&mut criterion);
    case5_verify(&mut criterion);
    criterion.final_summary();
}
