//! A Discogs login in one command.
//!
//! `cargo run -p discogs-auth-ureq --example login` runs the whole OAuth 1.0a flow against a
//! local Discogs stand-in (no account, no network). With a consumer key and secret
//! (`--consumer-key`/`--consumer-secret` or `DISCOGS_CONSUMER_KEY`/`DISCOGS_CONSUMER_SECRET`) it
//! logs in to Discogs itself, and `--save PATH` keeps the access token. `--help` lists the rest.

mod args;
mod callback;
mod demo;
mod storage;

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use discogs_auth_standin::StandIn;
use discogs_auth_ureq::{
    AccessToken, Callback, CallbackError, Consumer, Endpoints, OAuthClient, RequestToken, Session,
    UreqTransport, UserAgent, Verifier,
};

use args::Options;
use callback::CallbackListener;

/// Exit code for Ctrl-C, as shells report a SIGINT.
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    // The first Ctrl-C stops the run at its next check (the waits check all the time, the
    // steps between requests); a second one quits at once, mid-request if need be.
    let on_ctrl_c = move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(INTERRUPTED));
        }
    };
    if let Err(error) = ctrlc::set_handler(on_ctrl_c) {
        eprintln!("error: cannot watch for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    let options = match args::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match run(&options, &interrupted) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if interrupted.load(Ordering::SeqCst) {
                ExitCode::from(INTERRUPTED)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(options: &Options, interrupted: &AtomicBool) -> Result<(), String> {
    // Held for the whole run: dropping it stops the stand-in.
    let mut demo = None;
    let (consumer, endpoints) = match &options.consumer {
        Some((key, secret)) => (
            Consumer::new(key.as_str(), secret.as_str()).map_err(|e| e.to_string())?,
            Endpoints::new(&options.api_base, &options.authorize_url).map_err(|e| e.to_string())?,
        ),
        None => {
            let standin =
                StandIn::spawn().map_err(|e| format!("cannot start the local stand-in: {e}"))?;
            println!(
                "No consumer key given: this is a local demo against a Discogs stand-in at {} \
                 (nothing leaves this machine).",
                standin.base_url()
            );
            let pair = (standin.consumer(), standin.endpoints());
            demo = Some(standin);
            pair
        }
    };
    let consumer_key = consumer.key.as_str().to_owned();
    let client = OAuthClient::new(
        consumer,
        UserAgent::new(&options.user_agent).map_err(|e| e.to_string())?,
    )
    .with_endpoints(endpoints)
    .with_signature_method(options.signature);
    let session = Session::new(client, UreqTransport::new());
    if let Some(path) = &options.save {
        // Before the flow, so that a token the user just authorized is not lost to a typo.
        storage::check_writable(Path::new(path))?;
    }

    if let Some(path) = &options.check {
        let (saved_key, access_token) = storage::load(Path::new(path))?;
        if saved_key != consumer_key {
            return Err(format!(
                "{path} holds a token for another consumer key ({saved_key})"
            ));
        }
        return show_identity(&session, &access_token);
    }

    println!(
        "1. Requesting a request token from {}",
        session.client().endpoints().request_token_url()
    );
    let access_token = if options.oob {
        let request_token = session
            .request_token(&Callback::OutOfBand)
            .map_err(|e| e.to_string())?;
        println!("2. Authorizing");
        println!(
            "Open this URL to authorize: {}",
            session.authorize_url(&request_token)
        );
        if let Some(standin) = &demo {
            let approval = standin
                .approve(request_token.token.as_str())
                .map_err(|e| e.to_string())?;
            println!("   (demo: approved as the user would; the stand-in shows a verifier)");
            exchange(&session, &request_token, approval.verifier, interrupted)?
        } else {
            println!("   Then paste the verifier Discogs shows and press Enter:");
            let verifier = read_line(interrupted, options.timeout)?;
            exchange(&session, &request_token, verifier, interrupted)?
        }
    } else {
        let listener =
            CallbackListener::bind().map_err(|e| format!("cannot listen for the callback: {e}"))?;
        let callback_url = listener.url().map_err(|e| e.to_string())?;
        let request_token = session
            .request_token(&Callback::url(&callback_url).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let authorize_url = session.authorize_url(&request_token);
        println!("2. Authorizing");
        println!("Open this URL to authorize: {authorize_url}");
        println!("   Waiting for the redirect to {callback_url} (Ctrl-C to cancel)");
        let mut browser = demo.is_some().then(|| {
            println!("   (demo: approving in the stand-in's authorize page as the user would)");
            demo::Browser::spawn(authorize_url, demo::Button::Authorize)
        });
        // Only the redirect for this request token ends the wait: another request, forged
        // or stray, is turned away and the wait goes on.
        let is_ours = |target: &str| {
            !matches!(
                request_token.authorize_from_callback(target),
                Err(CallbackError::TokenMismatch
                    | CallbackError::Malformed(_)
                    | CallbackError::MissingParameter {
                        name: "oauth_token"
                    })
            )
        };
        // Once the redirect is in, the demo browser has done its part: what becomes of the
        // page it is still reading does not matter.
        let redirect = listener.wait(options.timeout, interrupted, is_ours, || {
            browser.as_mut().and_then(demo::Browser::failure)
        })?;
        stop_if_interrupted(interrupted)?;
        let authorized = request_token
            .authorize_from_callback(&redirect)
            .map_err(|e| e.to_string())?;
        println!("3. Exchanging the verifier for an access token");
        session
            .access_token(&authorized)
            .map_err(|e| e.to_string())?
    };

    stop_if_interrupted(interrupted)?;
    show_identity(&session, &access_token)?;
    stop_if_interrupted(interrupted)?;
    if let Some(path) = &options.save {
        storage::save(Path::new(path), &consumer_key, &access_token)?;
        if demo.is_some() {
            println!(
                "Saved the access token to {path} (readable by you only); it is the demo \
                 stand-in's, so it only works while this run's stand-in does."
            );
        } else {
            println!(
                "Saved the access token to {path} (readable by you only); reuse it with --check \
                 {path} and the same consumer key and secret."
            );
        }
    }
    Ok(())
}

/// Ends the run after a Ctrl-C, at a point between requests.
fn stop_if_interrupted(interrupted: &AtomicBool) -> Result<(), String> {
    if interrupted.load(Ordering::SeqCst) {
        Err("interrupted (Ctrl-C)".to_owned())
    } else {
        Ok(())
    }
}

fn exchange(
    session: &Session<UreqTransport>,
    request_token: &RequestToken,
    verifier: String,
    interrupted: &AtomicBool,
) -> Result<AccessToken, String> {
    stop_if_interrupted(interrupted)?;
    let verifier = Verifier::new(verifier.trim()).map_err(|e| e.to_string())?;
    println!("3. Exchanging the verifier for an access token");
    session
        .access_token(&request_token.with_verifier(verifier))
        .map_err(|e| e.to_string())
}

fn show_identity(
    session: &Session<UreqTransport>,
    access_token: &AccessToken,
) -> Result<(), String> {
    println!("4. Fetching the identity");
    let identity = session.identity(access_token).map_err(|e| e.to_string())?;
    println!(
        "Authenticated as {} (id {})",
        identity.username, identity.id
    );
    Ok(())
}

/// One line from standard input, giving up on Ctrl-C or after `timeout`.
fn read_line(interrupted: &AtomicBool, timeout: Duration) -> Result<String, String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line).map(|_| line);
        let _ = sender.send(read);
    });
    // `--timeout` is at most a day (see `args`), so this cannot overflow.
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match receiver.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(line)) if line.trim().is_empty() => {
                return Err("no verifier was entered".to_owned());
            }
            Ok(Ok(line)) => return Ok(line),
            Ok(Err(error)) => return Err(format!("cannot read the verifier: {error}")),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("standard input closed".to_owned());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if interrupted.load(Ordering::SeqCst) {
            return Err("interrupted (Ctrl-C) while waiting for the verifier".to_owned());
        }
        if std::time::Instant::now() >= deadline {
            return Err(format!(
                "timed out after {} s waiting for the verifier",
                timeout.as_secs()
            ));
        }
    }
}
