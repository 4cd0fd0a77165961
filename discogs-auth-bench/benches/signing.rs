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
//! Every benchmark is one closure, timed by criterion and then, for the pairs the targets
//! name, interleaved with its baseline (`discogs_auth_bench::interleave`); that table is
//! printed at the end of the run and is the one the targets are judged by.
//!
//! `cargo bench -p discogs-auth-bench --bench signing`, then
//! `cargo run -p discogs-auth-bench --bin report` for criterion's tables (see `BENCHMARKS.md`
//! for several runs). With `--calls GROUP/CONTENDER COUNT` the binary makes one benchmark's
//! call `COUNT` times and nothing else, for `valgrind --tool=callgrind`; `--list-pairs` lists
//! the pairs the targets name (`instructions.sh` counts both sides of each).

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

/// One benchmark: criterion's function name and one call to time.
type Contender = (&'static str, Box<dyn FnMut()>);

/// A contender's call, borrowed.
type Call<'a> = &'a mut dyn FnMut();

/// A criterion group: its name and its contenders.
struct Group {
    name: String,
    contenders: Vec<Contender>,
}

impl Group {
    fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            contenders: Vec::new(),
        }
    }

    /// Adds a contender; what `call` returns goes through `black_box`.
    fn with<T>(mut self, name: &'static str, mut call: impl FnMut() -> T + 'static) -> Self {
        self.contenders.push((
            name,
            Box::new(move || {
                black_box(call());
            }),
        ));
        self
    }

    /// One contender.
    fn call(&mut self, name: &str) -> Option<Call<'_>> {
        self.contenders
            .iter_mut()
            .find(|(contender, _)| *contender == name)
            .map(|(_, call)| &mut **call as Call<'_>)
    }

    /// Two contenders, both callable at once.
    fn pair(&mut self, first: &str, second: &str) -> (Option<Call<'_>>, Option<Call<'_>>) {
        let (mut first_call, mut second_call) = (None, None);
        for (name, call) in &mut self.contenders {
            if *name == first {
                first_call = Some(&mut **call as Call<'_>);
            } else if *name == second {
                second_call = Some(&mut **call as Call<'_>);
            }
        }
        (first_call, second_call)
    }
}

/// Cases 1 and 3: a request to an OAuth endpoint, which the core builds whole (`ours`), against
/// oauth1-request's header alone and put into the same `http::Request`, and the floor's header.
fn endpoint_case(
    group: &str,
    method: Method,
    url: &'static str,
    options: Oauth1Options,
    ours: impl Fn(&OAuthClient, &Freshness) -> Request<Vec<u8>> + Clone + 'static,
    floor: fn(FloorMethod, &str, u64) -> String,
) -> Vec<Group> {
    METHODS
        .into_iter()
        .map(|(signature_method, floor_method, name)| {
            let client = client(signature_method);
            let ours = ours.clone();
            let (header_only, with_http) = (
                Oauth1::new(floor_method, options),
                Oauth1::new(floor_method, options),
            );
            let method_name = method.as_str().to_owned();
            let method = method.clone();
            let uri = Uri::from_static(url);
            let mut counter = 0u64;
            Group::new(format!("{group}_{name}"))
                .with("discogs-auth", move || {
                    ours(&client, &Freshness::generate().unwrap())
                })
                .with("oauth1-request", move || {
                    header_only.authorize(&method_name, black_box(url), &())
                })
                .with("oauth1-request+http", move || {
                    let header = with_http.authorize(method.as_str(), black_box(url), &());
                    oauth1_request_as_http(method.clone(), &uri, header)
                })
                .with("floor", move || {
                    counter += 1;
                    floor(floor_method, &floor_nonce(counter), now())
                })
        })
        .collect()
}

fn case1_request_token() -> Vec<Group> {
    let callback = Callback::url(CALLBACK).unwrap();
    endpoint_case(
        "case1_request_token",
        Method::GET,
        REQUEST_TOKEN_URL,
        Oauth1Options {
            callback: Some(CALLBACK),
            ..Oauth1Options::default()
        },
        move |client, freshness| {
            client
                .request_token_request(black_box(&callback), freshness)
                .unwrap()
        },
        floor_request_token_header,
    )
}

fn case3_access_token() -> Vec<Group> {
    let authorized = request_token().with_verifier(Verifier::new(VERIFIER).unwrap());
    endpoint_case(
        "case3_access_token",
        Method::POST,
        ACCESS_TOKEN_URL,
        Oauth1Options {
            token: Some((REQUEST_TOKEN, REQUEST_TOKEN_SECRET)),
            verifier: Some(VERIFIER),
            ..Oauth1Options::default()
        },
        move |client, freshness| {
            client
                .access_token_request(black_box(&authorized), freshness)
                .unwrap()
        },
        floor_access_token_header,
    )
}

fn case2_signed_search() -> Vec<Group> {
    METHODS
        .into_iter()
        .map(|(method, floor_method, name)| {
            let ours = client(method);
            let access = access_token();
            // Signing replaces the previous `Authorization`, so one request is signed again
            // and again.
            let mut request = search_request();
            // What a program that makes many calls with one token would use: the signer is
            // made once, outside the timed loop, as `oauth1-request`'s builder is.
            let signer = ours.signer(&access);
            let mut signer_request = search_request();
            let theirs = || {
                Oauth1::new(
                    floor_method,
                    Oauth1Options {
                        token: Some((ACCESS_TOKEN, ACCESS_TOKEN_SECRET)),
                        ..Oauth1Options::default()
                    },
                )
            };
            let (header_only, with_http) = (theirs(), theirs());
            // Like `sign_request`: the header goes into the existing request.
            let mut their_request = search_request();
            let mut counter = 0u64;
            Group::new(format!("case2_signed_search_{name}"))
                .with("discogs-auth", move || {
                    let freshness = Freshness::generate().unwrap();
                    ours.sign_request(&access, black_box(&mut request), &freshness)
                        .unwrap()
                })
                .with("discogs-auth-signer", move || {
                    let freshness = Freshness::generate().unwrap();
                    signer
                        .sign_request(black_box(&mut signer_request), &freshness)
                        .unwrap()
                })
                .with("oauth1-request", move || {
                    header_only.authorize("GET", black_box(SEARCH_BASE_URL), &search_parameters())
                })
                .with("oauth1-request+http", move || {
                    let header = with_http.authorize(
                        "GET",
                        black_box(SEARCH_BASE_URL),
                        &search_parameters(),
                    );
                    black_box(&mut their_request)
                        .headers_mut()
                        .insert(AUTHORIZATION, HeaderValue::try_from(header).unwrap());
                })
                .with("floor", move || {
                    counter += 1;
                    floor_search_header(floor_method, &floor_nonce(counter), now())
                })
        })
        .collect()
}

fn case4_parsers() -> Vec<Group> {
    let ours = client(SignatureMethod::Plaintext);
    let token = request_token();
    let authorized = token
        .clone()
        .with_verifier(Verifier::new(VERIFIER).unwrap());
    let sent_at = Timestamp::now();
    let reply = |body: &str| Response::new(body.as_bytes().to_vec());
    let (request_token_reply, access_token_reply, identity_reply) = (
        reply(REQUEST_TOKEN_REPLY),
        reply(ACCESS_TOKEN_REPLY),
        reply(IDENTITY_REPLY),
    );
    let (client_a, client_b, client_c) = (ours.clone(), ours.clone(), ours);
    let access = access_token();
    let (token_a, token_b) = (token.clone(), token);
    vec![
        Group::new("case4_parse_request_token_reply")
            .with("discogs-auth", move || {
                client_a
                    .on_request_token_response(black_box(&request_token_reply), sent_at)
                    .unwrap()
            })
            .with("floor", || {
                floor_parse_token_reply(black_box(REQUEST_TOKEN_REPLY.as_bytes())).unwrap()
            }),
        Group::new("case4_parse_access_token_reply")
            .with("discogs-auth", move || {
                client_b
                    .on_access_token_response(&authorized, black_box(&access_token_reply), sent_at)
                    .unwrap()
            })
            .with("floor", || {
                floor_parse_token_reply(black_box(ACCESS_TOKEN_REPLY.as_bytes())).unwrap()
            }),
        Group::new("case4_parse_approved_callback")
            .with("discogs-auth", move || {
                token_a
                    .authorize_from_callback(black_box(APPROVED_CALLBACK))
                    .unwrap()
            })
            .with("floor", || {
                floor_parse_callback(black_box(APPROVED_CALLBACK), REQUEST_TOKEN).unwrap()
            }),
        Group::new("case4_parse_denied_callback")
            .with("discogs-auth", move || {
                token_b
                    .authorize_from_callback(black_box(DENIED_CALLBACK))
                    .unwrap_err()
            })
            .with("floor", || {
                floor_parse_callback(black_box(DENIED_CALLBACK), REQUEST_TOKEN).is_none()
            }),
        Group::new("case4_parse_identity_json")
            .with("discogs-auth", move || {
                client_c
                    .on_identity_response(&access, black_box(&identity_reply))
                    .unwrap()
            })
            .with("floor", || {
                floor_parse_identity(black_box(IDENTITY_REPLY.as_bytes())).unwrap()
            }),
    ]
}

fn case5_verify() -> Vec<Group> {
    let consumer_secret = Consumer::new(CONSUMER_KEY, CONSUMER_SECRET).unwrap().secret;
    let token_secret = TokenSecret::new(ACCESS_TOKEN_SECRET).unwrap();
    let access = access_token();
    let freshness = Freshness::generate().unwrap();
    METHODS
        .into_iter()
        .map(|(method, _, name)| {
            let ours = client(method);
            let mut signed = search_request();
            ours.sign_request(&access, &mut signed, &freshness).unwrap();
            let (consumer_secret, token_secret) = (consumer_secret.clone(), token_secret.clone());
            // The same request signed with the same (pinned) nonce and timestamp: like for
            // like, no randomness on either side.
            let mut request = search_request();
            let (access, freshness) = (access.clone(), freshness.clone());
            Group::new(format!("case5_verify_{name}"))
                .with("verify", move || {
                    SignedRequest::from_request(black_box(&signed))
                        .unwrap()
                        .verify(&consumer_secret, Some(&token_secret))
                        .unwrap()
                })
                .with("sign", move || {
                    ours.sign_request(&access, black_box(&mut request), &freshness)
                        .unwrap()
                })
        })
        .collect()
}

/// The pairs the targets are stated in, from the report's tables: (label, group, contender,
/// baseline).
fn target_pairs() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    use discogs_auth_bench::report::{PARSING_GROUPS, SIGNING_GROUPS, VERIFY_GROUPS};
    let mut pairs = Vec::new();
    for (group, function, label) in SIGNING_GROUPS {
        pairs.push((label, group, function, "oauth1-request+http"));
        pairs.push((label, group, function, "oauth1-request"));
    }
    for (group, label) in PARSING_GROUPS {
        pairs.push((label, group, "discogs-auth", "floor"));
    }
    for (group, _, label) in VERIFY_GROUPS {
        pairs.push((label, group, "verify", "sign"));
    }
    pairs
}

/// The pairs the targets are stated in, each timed interleaved (see
/// `discogs_auth_bench::interleave`): what the report's tables compare, without the drift
/// between criterion's benchmarks.
fn interleaved(groups: &mut [Group]) {
    use discogs_auth_bench::interleave::{batch_for, paired};
    use discogs_auth_bench::report::format_time;
    const ROUNDS: usize = 101;
    // About 0.2 ms a batch: long next to the clock's resolution, short next to the machine's
    // changes of pace.
    const BATCH_NS: f64 = 200_000.0;
    let pairs = target_pairs();
    println!(
        "\n| case (interleaved: {ROUNDS} rounds of ≈ 0.2 ms batches) | contender | baseline \
         | contender (median) | baseline (median) | ratio (median of the rounds') |"
    );
    println!("|---|---|---|---|---|---|");
    for (label, group_name, first, second) in pairs {
        // The pairs come from the report's tables: a name missing here is a benchmark renamed
        // on one side only, which must not drop a row silently.
        let group = groups
            .iter_mut()
            .find(|group| group.name == group_name)
            .unwrap_or_else(|| panic!("no benchmark group {group_name}"));
        let (Some(first_call), Some(second_call)) = group.pair(first, second) else {
            panic!("{group_name} has no {first} or no {second}");
        };
        let batch = batch_for(BATCH_NS, first_call).min(batch_for(BATCH_NS, second_call));
        let result = paired(ROUNDS, batch, first_call, second_call);
        println!(
            "| {label} | {first} | {second} | {} | {} | {:.2}× |",
            format_time(result.first),
            format_time(result.second),
            result.ratio
        );
    }
}

/// `--calls GROUP/CONTENDER COUNT`: makes that one call `COUNT` times and nothing else, for an
/// instruction count under `valgrind --tool=callgrind`, which a shared machine's drift does
/// not move (see `BENCHMARKS.md`).
fn repeat_one(groups: &mut [Group], args: &[String]) {
    let usage =
        "usage: --calls GROUP/CONTENDER COUNT, e.g. --calls case5_verify_plaintext/verify 6000";
    let (Some((group_name, contender)), Some(count)) = (
        args.first().and_then(|name| name.split_once('/')),
        args.get(1).and_then(|count| count.parse::<u64>().ok()),
    ) else {
        panic!("{usage}");
    };
    let group = groups
        .iter_mut()
        .find(|group| group.name == group_name)
        .unwrap_or_else(|| panic!("no benchmark group {group_name}; {usage}"));
    let Some(call) = group.call(contender) else {
        panic!("{group_name} has no {contender}; {usage}");
    };
    for _ in 0..count {
        call();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

fn main() {
    let mut groups: Vec<Group> = [
        case1_request_token(),
        case2_signed_search(),
        case3_access_token(),
        case4_parsers(),
        case5_verify(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--calls") {
        repeat_one(&mut groups, &args[at + 1..]);
        return;
    }
    if args.iter().any(|arg| arg == "--list-pairs") {
        // For `instructions.sh`: one pair a line, label, contender and baseline by tabs.
        for (label, group, first, second) in target_pairs() {
            println!("{label}\t{group}/{first}\t{group}/{second}");
        }
        return;
    }
    let mut criterion = config();
    for group in &mut groups {
        let mut criterion_group = criterion.benchmark_group(&group.name);
        for (name, call) in &mut group.contenders {
            criterion_group.bench_function(*name, |b| b.iter(&mut *call));
        }
        criterion_group.finish();
    }
    criterion.final_summary();
    // Only under `cargo bench` (which passes `--bench`), not when `cargo test` runs the
    // benchmarks once as tests, nor for `--list`.
    if args.iter().any(|arg| arg == "--bench") && !args.iter().any(|arg| arg == "--list") {
        interleaved(&mut groups);
    }
}
