//! Issue 4: what the transport adapters cost over their raw HTTP clients.
//!
//! One stand-in on `127.0.0.1` (rate limits lifted) serves every iteration. An iteration is one
//! whole OAuth flow — request token, approval through the stand-in's handle,
//! `authorize_from_callback`, access token, identity — with requests built by the core's
//! `OAuthClient` and replies read by its parsers. Each adapter is paired with the same HTTP calls
//! made by hand with its raw client, so only the transport layer differs:
//!
//! - `discogs_auth_ureq::UreqTransport` vs a `ureq::Agent` configured the same way;
//! - `discogs_auth_reqwest::BlockingReqwestTransport` vs a `reqwest::blocking::Client`;
//! - `discogs_auth_reqwest::ReqwestTransport` vs a `reqwest::Client`, both on a current-thread
//!   tokio runtime.
//!
//! Every client is built once and keeps its connections alive across iterations. Nonces come
//! from the OS, timestamps from the stand-in's clock, which moves five minutes after each flow
//! so that the stand-in's per-token bookkeeping does not grow during the run (see
//! `Fixture::fresh`).
//!
//! After the criterion groups, the same pairs run again interleaved (batches of flows taking
//! turns) and the bench prints their ratios: on a shared machine the load drifts during a run,
//! and the interleaved ratio is the one that compares like with like.
//!
//! `cargo bench -p discogs-auth-bench --bench transports`, then
//! `cargo run -p discogs-auth-bench --bin report` for criterion's table.

use std::future::Future;
use std::time::Duration;

use criterion::Criterion;
use discogs_auth_bench::interleave;
use discogs_auth_core::http::{Method, Request, Response};
use discogs_auth_core::{
    AsyncTransport, Callback, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Freshness, Identity,
    OAuthClient, OsNonceSource, SignatureMethod, SyncTransport, UserAgent,
};
use discogs_auth_reqwest::{BlockingReqwestTransport, ReqwestTransport};
use discogs_auth_standin::{StandIn, StandInClock, StandInConfig};
use discogs_auth_ureq::UreqTransport;

type Reply = Response<Vec<u8>>;

/// The stand-in's clock moves this far after every flow (see [`Fixture::fresh`]).
const SECONDS_PER_FLOW: u64 = 301;

struct Fixture {
    standin: StandIn,
    clock: StandInClock,
    client: OAuthClient,
    callback: Callback,
}

impl Fixture {
    fn new() -> Self {
        let standin = StandIn::spawn_with(StandInConfig {
            authenticated_limit: u32::MAX,
            anonymous_limit: u32::MAX,
        })
        .expect("the stand-in starts");
        let client = OAuthClient::new(
            standin.consumer(),
            UserAgent::new("DiscogsAuthBench/1.0").unwrap(),
        )
        .with_endpoints(standin.endpoints())
        .with_signature_method(SignatureMethod::HmacSha1);
        Self {
            clock: standin.clock(),
            standin,
            client,
            callback: Callback::url("http://127.0.0.1/callback").unwrap(),
        }
    }

    /// A fresh nonce from the OS and the stand-in's time.
    ///
    /// Every flow makes a new access token, and the stand-in tracks a rate-limit window per
    /// token and every nonce of the last five minutes, with purges linear in their number: left
    /// alone, each flow would cost more than the one before, and whichever client is measured
    /// later would look slower. So the stand-in's clock moves five minutes after each flow
    /// ([`Fixture::done`]), which empties both, and requests take their timestamps from it.
    fn fresh(&self) -> Freshness {
        Freshness::from_sources(&OsNonceSource, &self.clock).unwrap()
    }

    /// Ends a flow: see [`Fixture::fresh`].
    fn done(&self) {
        self.standin.advance_clock(SECONDS_PER_FLOW);
    }

    /// One whole flow over a blocking `send`.
    fn flow(&self, send: impl Fn(Request<Vec<u8>>) -> Reply) -> Identity {
        let client = &self.client;
        let sent = self.fresh();
        let request = client.request_token_request(&self.callback, &sent).unwrap();
        let request_token = client
            .on_request_token_response(&send(request), sent.timestamp)
            .unwrap();
        let approval = self.standin.approve(request_token.token.as_str()).unwrap();
        let authorized = request_token
            .authorize_from_callback(approval.redirect_url.as_deref().unwrap())
            .unwrap();
        let sent = self.fresh();
        let request = client.access_token_request(&authorized, &sent).unwrap();
        let access_token = client
            .on_access_token_response(&authorized, &send(request), sent.timestamp)
            .unwrap();
        let request = client
            .identity_request(&access_token, &self.fresh())
            .unwrap();
        let identity = client
            .on_identity_response(&access_token, &send(request))
            .unwrap();
        self.done();
        identity
    }

    /// The same flow over an async `send`.
    async fn flow_async<F: Future<Output = Reply>>(
        &self,
        send: impl Fn(Request<Vec<u8>>) -> F,
    ) -> Identity {
        let client = &self.client;
        let sent = self.fresh();
        let request = client.request_token_request(&self.callback, &sent).unwrap();
        let request_token = client
            .on_request_token_response(&send(request).await, sent.timestamp)
            .unwrap();
        let approval = self.standin.approve(request_token.token.as_str()).unwrap();
        let authorized = request_token
            .authorize_from_callback(approval.redirect_url.as_deref().unwrap())
            .unwrap();
        let sent = self.fresh();
        let request = client.access_token_request(&authorized, &sent).unwrap();
        let access_token = client
            .on_access_token_response(&authorized, &send(request).await, sent.timestamp)
            .unwrap();
        let request = client
            .identity_request(&access_token, &self.fresh())
            .unwrap();
        let identity = client
            .on_identity_response(&access_token, &send(request).await)
            .unwrap();
        self.done();
        identity
    }
}

/// A GET or HEAD carries no body at all (what the ureq adapter does too).
fn takes_no_body(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

fn raw_ureq_agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_connect(Some(DEFAULT_CONNECT_TIMEOUT))
        .timeout_global(Some(DEFAULT_TIMEOUT))
        .build();
    ureq::Agent::new_with_config(config)
}

fn raw_ureq_send(agent: &ureq::Agent, request: Request<Vec<u8>>) -> Reply {
    let response = if takes_no_body(request.method()) {
        agent.run(request.map(|_| ()))
    } else {
        agent.run(request)
    }
    .unwrap();
    let (parts, mut body) = response.into_parts();
    Response::from_parts(parts, body.read_to_vec().unwrap())
}

fn raw_blocking_reqwest_send(
    client: &reqwest::blocking::Client,
    request: Request<Vec<u8>>,
) -> Reply {
    let request = reqwest::blocking::Request::try_from(request).unwrap();
    let mut response = client.execute(request).unwrap();
    let mut reply = Response::new(Vec::new());
    *reply.status_mut() = response.status();
    *reply.version_mut() = response.version();
    *reply.headers_mut() = std::mem::take(response.headers_mut());
    *reply.body_mut() = response.bytes().unwrap().to_vec();
    reply
}

async fn raw_reqwest_send(client: &reqwest::Client, request: Request<Vec<u8>>) -> Reply {
    let request = reqwest::Request::try_from(request).unwrap();
    let mut response = client.execute(request).await.unwrap();
    let mut reply = Response::new(Vec::new());
    *reply.status_mut() = response.status();
    *reply.version_mut() = response.version();
    *reply.headers_mut() = std::mem::take(response.headers_mut());
    *reply.body_mut() = response.bytes().await.unwrap().to_vec();
    reply
}

fn transports(c: &mut Criterion) {
    let fixture = Fixture::new();
    // Each client lives only while it is measured, so that no other client keeps a connection
    // to the stand-in open meanwhile.

    let mut group = c.benchmark_group("transport_ureq");
    {
        let adapter = UreqTransport::new();
        group.bench_function("adapter", |b| {
            b.iter(|| fixture.flow(|request| adapter.send(request).unwrap()))
        });
    }
    {
        let agent = raw_ureq_agent();
        group.bench_function("raw", |b| {
            b.iter(|| fixture.flow(|request| raw_ureq_send(&agent, request)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("transport_reqwest_blocking");
    {
        let adapter = BlockingReqwestTransport::new().unwrap();
        group.bench_function("adapter", |b| {
            b.iter(|| fixture.flow(|request| adapter.send(request).unwrap()))
        });
    }
    {
        let raw = raw_blocking_client();
        group.bench_function("raw", |b| {
            b.iter(|| fixture.flow(|request| raw_blocking_reqwest_send(&raw, request)))
        });
    }
    group.finish();

    let runtime = current_thread_runtime();
    let mut group = c.benchmark_group("transport_reqwest_async");
    {
        let adapter = ReqwestTransport::new().unwrap();
        group.bench_function("adapter", |b| {
            b.iter(|| {
                runtime.block_on(fixture.flow_async(|request| async {
                    AsyncTransport::send(&adapter, request).await.unwrap()
                }))
            })
        });
    }
    {
        let raw = raw_async_client();
        group.bench_function("raw", |b| {
            b.iter(|| {
                runtime.block_on(fixture.flow_async(|request| raw_reqwest_send(&raw, request)))
            })
        });
    }
    group.finish();
}

/// `adapter` and `raw` timed interleaved (`discogs_auth_bench::interleave`): 21 rounds of 20
/// flows each. On a shared machine the load drifts during a criterion run, and ureq (which
/// starts a resolver thread per request) is the most exposed; this ratio is the one to read,
/// criterion's figures give the absolute times.
fn paired(name: &str, adapter: impl FnMut(), raw: impl FnMut()) {
    let result = interleave::paired(21, 20, adapter, raw);
    println!(
        "| {name} | {:.0} µs | {:.0} µs | {:.2}× |",
        result.first / 1e3,
        result.second / 1e3,
        result.ratio
    );
}

/// The interleaved comparison of every adapter with its raw client (see [`paired`]).
fn interleaved() {
    let fixture = Fixture::new();
    println!(
        "\n| transport (interleaved: 21 rounds of 20 flows) | adapter (median) \
         | raw client (median) | adapter ÷ raw (median of the rounds' ratios) |"
    );
    println!("|---|---|---|---|");

    let adapter = UreqTransport::new();
    let agent = raw_ureq_agent();
    paired(
        "ureq (blocking)",
        || {
            fixture.flow(|request| adapter.send(request).unwrap());
        },
        || {
            fixture.flow(|request| raw_ureq_send(&agent, request));
        },
    );

    let adapter = BlockingReqwestTransport::new().unwrap();
    let raw = raw_blocking_client();
    paired(
        "reqwest::blocking",
        || {
            fixture.flow(|request| adapter.send(request).unwrap());
        },
        || {
            fixture.flow(|request| raw_blocking_reqwest_send(&raw, request));
        },
    );

    let runtime = current_thread_runtime();
    let adapter = ReqwestTransport::new().unwrap();
    let raw = raw_async_client();
    paired(
        "reqwest (async, current-thread tokio)",
        || {
            runtime.block_on(fixture.flow_async(|request| async {
                AsyncTransport::send(&adapter, request).await.unwrap()
            }));
        },
        || {
            runtime.block_on(fixture.flow_async(|request| raw_reqwest_send(&raw, request)));
        },
    );
}

fn raw_blocking_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .timeout(DEFAULT_TIMEOUT)
        .build()
        .unwrap()
}

fn raw_async_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .timeout(DEFAULT_TIMEOUT)
        .build()
        .unwrap()
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

fn main() {
    let mut criterion = config();
    transports(&mut criterion);
    criterion.final_summary();
    // Only under `cargo bench` (which passes `--bench`), not when `cargo test` runs the
    // benchmarks once as tests, nor for `--list`.
    let benching = std::env::args().any(|arg| arg == "--bench");
    if benching && !std::env::args().any(|arg| arg == "--list") {
        interleaved();
    }
}
