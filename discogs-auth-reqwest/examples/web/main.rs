//! "Log in with Discogs" in a web app: the OAuth 1.0a three-legged flow in axum.
//!
//! `cargo run -p discogs-auth-reqwest --example web` serves the app on `http://127.0.0.1:8080`
//! (`PORT` changes the port) against a Discogs stand-in started in this process, so it works on
//! a fresh machine with no account; sign in as `demo-user`. With `DISCOGS_CONSUMER_KEY` and
//! `DISCOGS_CONSUMER_SECRET` it logs in with Discogs itself, and `DISCOGS_API_BASE` /
//! `DISCOGS_AUTHORIZE_URL` point it at any other Discogs-compatible provider.
//!
//! The browser only ever holds a random session id in an `HttpOnly`, `SameSite=Lax` cookie.
//! Request tokens wait server-side for their callback (15 minutes at most, in a bounded store),
//! and access tokens stay server-side too.
//!
//! Modules by concern: `config` (environment), `store` (bounded, expiring server-side state),
//! `cookie` (the session cookie), `pages` (HTML), `routes` (the handlers).

mod config;
mod cookie;
mod pages;
mod routes;
mod store;

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;

use discogs_auth_reqwest::{
    Consumer, Endpoints, OAuthClient, ReqwestTransport, Session, UserAgent,
};
use discogs_auth_standin::StandIn;

use config::{Config, Provider};
use routes::{App, Limits};

const USER_AGENT: &str = concat!(
    "discogs-auth-web-example/",
    env!("CARGO_PKG_VERSION"),
    " +https://github.com/discogs-auth/discogs-auth"
);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match config::from_env(|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    // Held until the server stops: dropping it stops the stand-in.
    let mut standin = None;
    let (consumer, endpoints) = match config.provider {
        Provider::Demo => {
            let local =
                StandIn::spawn().map_err(|e| format!("cannot start the local stand-in: {e}"))?;
            let pair = (local.consumer(), local.endpoints());
            standin = Some(local);
            pair
        }
        Provider::Remote {
            consumer_key,
            consumer_secret,
            api_base,
            authorize_url,
        } => (
            Consumer::new(consumer_key, consumer_secret).map_err(|e| e.to_string())?,
            Endpoints::new(&api_base, &authorize_url).map_err(|e| e.to_string())?,
        ),
    };
    let authorize_url = endpoints.authorize_url().to_owned();
    let client = OAuthClient::new(
        consumer,
        UserAgent::new(USER_AGENT).map_err(|e| e.to_string())?,
    )
    .with_endpoints(endpoints);
    let transport = ReqwestTransport::new().map_err(|e| e.to_string())?;

    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let app_url = format!("http://{address}");
    let demo = standin.as_ref().map(StandIn::base_url);
    let app = App::new(
        Session::new(client, transport),
        &app_url,
        demo.clone(),
        Limits::default(),
    )
    .map_err(|e| e.to_string())?;

    match &demo {
        Some(standin_url) => println!(
            "No consumer key given: this is a local demo against a Discogs stand-in at \
             {standin_url} (nothing leaves this machine). Sign in as the demo user `demo-user`."
        ),
        None => println!("Logging in through {authorize_url}; the callback is {app_url}/callback."),
    }
    println!("Listening on {app_url}");
    println!("Open {app_url}/ in a browser. Ctrl-C stops.");
    axum::serve(listener, routes::router(Arc::new(app)))
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}
