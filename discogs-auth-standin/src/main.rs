//! `cargo run -p discogs-auth-standin`: a stand-in for manual testing and the examples.
//!
//! Listens on `127.0.0.1:$PORT` (any free port when `PORT` is unset or `0`) until killed.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use discogs_auth_standin::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PERSONAL_TOKEN, DEMO_USERNAME, StandIn,
    StandInConfig,
};

fn main() -> ExitCode {
    let port = match std::env::var("PORT") {
        Err(_) => 0,
        Ok(value) => match value.trim().parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("PORT must be a port number (0-65535), got {value:?}");
                return ExitCode::FAILURE;
            }
        },
    };
    let standin = match StandIn::spawn_on_port(port, StandInConfig::default()) {
        Ok(standin) => standin,
        Err(error) => {
            eprintln!("cannot start the stand-in: {error}");
            return ExitCode::FAILURE;
        }
    };
    let base = standin.base_url();
    // Demo values only: they work against this stand-in and nowhere else.
    println!("Discogs stand-in listening on {base}");
    println!("  authorize page:   {base}/oauth/authorize?oauth_token=...");
    println!("  consumer key:     {DEMO_CONSUMER_KEY}");
    println!("  consumer secret:  {DEMO_CONSUMER_SECRET}");
    println!("  personal token:   {DEMO_PERSONAL_TOKEN} (user {DEMO_USERNAME})");
    println!("Press Ctrl-C to stop.");
    // The server runs on its own thread; this one only keeps the process (and `standin`) alive.
    loop {
        std::thread::park();
    }
}
