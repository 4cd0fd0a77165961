//! The `login` example, run as a person would: demo mode, the loopback callback with this test
//! acting as the browser, `--oob` with the verifier on standard input, the denied path,
//! `--save` then `--check`, and the one-line errors.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use discogs_auth_standin::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, StandIn};
use discogs_auth_ureq::encoding::FormPairs;
use discogs_auth_ureq::{Callback, OAuthClient, Session, UreqTransport, UserAgent};

const AUTHORIZE_PREFIX: &str = "Open this URL to authorize: ";
const WAIT: Duration = Duration::from_secs(30);

/// A running `login`, its output read line by line on a thread so that waits can time out.
struct Login {
    child: Child,
    lines: Receiver<String>,
}

impl Login {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(
            discogs_auth_standin::example_binary("discogs-auth-ureq", "login")
                .expect("the example is built"),
        )
        .args(args)
        .env_remove("DISCOGS_CONSUMER_KEY")
        .env_remove("DISCOGS_CONSUMER_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
        let lines = read_lines(child.stdout.take().expect("piped stdout"));
        Self { child, lines }
    }

    /// Like a provider login against `standin`, with its demo consumer.
    fn against(standin: &StandIn, extra: &[&str]) -> Self {
        let base = standin.base_url();
        let authorize = format!("{base}/oauth/authorize");
        let mut args = vec![
            "--consumer-key",
            DEMO_CONSUMER_KEY,
            "--consumer-secret",
            DEMO_CONSUMER_SECRET,
            "--api-base",
            &base,
            "--authorize-url",
            &authorize,
        ];
        args.extend_from_slice(extra);
        Self::start(&args)
    }

    /// Reads lines until one starts with `prefix`; returns the rest of that line.
    fn line_after(&self, prefix: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line starting with {prefix:?}"));
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.to_owned();
            }
        }
    }

    /// Waits for the exit; returns the status, the rest of stdout and all of stderr.
    fn finish(mut self) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child is waitable") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!("the example did not finish in {WAIT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout: Vec<String> = self.lines.try_iter().collect();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr).expect("stderr is readable");
        }
        (status, stdout.join("\n"), stderr)
    }
}

fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn token_in(authorize_url: &str) -> String {
    let query = authorize_url.split_once('?').expect("a query").1;
    FormPairs::parse(query.as_bytes())
        .expect("a valid query")
        .unique("oauth_token")
        .expect("one token")
        .expect("a token")
        .to_owned()
}

/// The example's callback listener, waiting on a browser in this process.
#[path = "../examples/login/callback.rs"]
mod callback;

/// The example's option parser, for what only shows inside the process.
#[path = "../examples/login/args.rs"]
mod args;

/// The example's own stand-in for a browser: opens the authorize page, clicks a button, and
/// follows the redirect to the example's callback listener.
#[path = "../examples/login/demo.rs"]
mod demo;

fn click(authorize_url: &str, button: demo::Button) -> String {
    demo::click_in_browser(authorize_url, button).expect("the browser gets through")
}

/// Waits for `login` to succeed with the identity line; returns its stdout and stderr.
fn assert_authenticated(login: Login) -> (String, String) {
    let (status, stdout, stderr) = login.finish();
    assert!(status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|line| line == "Authenticated as demo-user (id 1)"),
        "{stdout}"
    );
    (stdout, stderr)
}

fn scratch_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("discogs-auth-login-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn demo_mode_runs_the_whole_flow() {
    let login = Login::start(&[]);
    let authorize_url = login.line_after(AUTHORIZE_PREFIX);
    assert!(
        authorize_url.starts_with("http://127.0.0.1:"),
        "{authorize_url}"
    );
    let (_, stderr) = assert_authenticated(login);
    assert_eq!(stderr, "");
}

#[test]
fn loopback_callback_with_the_test_as_browser() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let login = Login::against(&standin, &["--signature", "hmac-sha1"]);
    let authorize_url = login.line_after(AUTHORIZE_PREFIX);
    let page = click(&authorize_url, demo::Button::Authorize);
    assert!(page.contains("you can close this tab"), "{page}");
    assert_authenticated(login);
}

#[test]
fn oob_reads_the_verifier_from_stdin() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let mut login = Login::against(&standin, &["--oob"]);
    let token = token_in(&login.line_after(AUTHORIZE_PREFIX));
    let approval = standin.approve(&token).expect("the user approves");
    assert_eq!(approval.redirect_url, None);
    let stdin = login.child.stdin.as_mut().expect("piped stdin");
    writeln!(stdin, "{}", approval.verifier).expect("the verifier is written");
    assert_authenticated(login);
}

#[test]
fn denied_ends_with_one_line_and_a_failure_code() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let login = Login::against(&standin, &[]);
    click(&login.line_after(AUTHORIZE_PREFIX), demo::Button::Deny);
    let (status, _, stderr) = login.finish();
    assert_eq!(status.code(), Some(1));
    assert_eq!(stderr, "error: the user denied access\n");
}

#[test]
fn save_then_check() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let path = scratch_path("token.json");
    let path_text = path.to_str().expect("a UTF-8 path");
    let mut login = Login::against(&standin, &["--oob", "--save", path_text]);
    let token = token_in(&login.line_after(AUTHORIZE_PREFIX));
    let verifier = standin.approve(&token).expect("approved").verifier;
    let stdin = login.child.stdin.as_mut().expect("piped stdin");
    writeln!(stdin, "{verifier}").expect("the verifier is written");
    let (stdout, stderr) = assert_authenticated(login);

    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the file exists"))
            .expect("JSON");
    let secret = saved["oauth_token_secret"].as_str().expect("a secret");
    assert_eq!(saved["consumer_key"], DEMO_CONSUMER_KEY);
    assert!(!secret.is_empty());
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "a secret was printed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let check = Login::against(&standin, &["--check", path_text]);
    let (stdout, _) = assert_authenticated(check);
    assert!(
        !stdout.contains("Open this URL"),
        "--check must not start a new flow"
    );
}

/// Only the redirect for this login's request token ends the wait: a request without a query,
/// one with another token, or to another path is turned away (404), and the real redirect
/// still completes the login.
#[test]
fn stray_and_forged_callbacks_do_not_end_the_wait() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let login = Login::against(&standin, &[]);
    let authorize_url = login.line_after(AUTHORIZE_PREFIX);
    let callback = login.line_after("   Waiting for the redirect to ");
    let callback = callback
        .strip_suffix(" (Ctrl-C to cancel)")
        .expect("the wait line");
    let stray = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build(),
    );
    for url in [
        callback.to_owned(),
        format!("{callback}?oauth_token=forged&oauth_verifier=x"),
        format!("{callback}?denied=forged"),
        format!("{callback}s?oauth_token={}", token_in(&authorize_url)),
    ] {
        let reply = stray.get(&url).call().expect("the listener answers");
        assert_eq!(reply.status(), 404, "{url}");
    }
    let page = click(&authorize_url, demo::Button::Authorize);
    assert!(page.contains("you can close this tab"), "{page}");
    assert_authenticated(login);
}

/// When the demo's browser fails, no redirect can come: the wait ends at once with the browser's
/// error instead of the timeout's.
#[test]
fn a_failed_demo_browser_ends_the_wait_with_its_error() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let listener = callback::CallbackListener::bind().expect("a loopback port");
    let session = Session::new(
        OAuthClient::new(
            standin.consumer(),
            UserAgent::new("login-test/1.0").expect("valid"),
        )
        .with_endpoints(standin.endpoints()),
        UreqTransport::new(),
    );
    let callback_url = listener.url().expect("an address");
    let request_token = session
        .request_token(&Callback::url(&callback_url).expect("a callback URL"))
        .expect("a request token");
    // Denied in another tab first, so the browser finds the authorize page refusing the token.
    standin.deny(request_token.token.as_str()).expect("denied");
    let mut browser = demo::Browser::spawn(
        session.authorize_url(&request_token),
        demo::Button::Authorize,
    );
    let started = Instant::now();
    let waited = listener.wait(
        WAIT,
        &AtomicBool::new(false),
        |_| true,
        || browser.failure(),
    );
    assert_eq!(
        waited,
        Err("the authorize page answered 400 Bad Request".to_owned())
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// A path the token could not be saved to is refused before the user is asked anything.
#[test]
fn an_unusable_save_path_is_refused_before_the_flow() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let path = scratch_path("missing-directory").join("token.json");
    let path_text = path.to_str().expect("a UTF-8 path");
    let (status, stdout, stderr) = Login::against(&standin, &["--save", path_text]).finish();
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        stderr,
        format!("error: cannot save to {path_text}: its directory does not exist\n")
    );
    assert!(!stdout.contains("Open this URL"), "{stdout}");
}

#[test]
fn a_wrong_secret_ends_with_one_clear_line() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let base = standin.base_url();
    let login = Login::start(&[
        "--consumer-key",
        DEMO_CONSUMER_KEY,
        "--consumer-secret",
        "wrong-secret",
        "--api-base",
        &base,
        "--authorize-url",
        &format!("{base}/oauth/authorize"),
    ]);
    let (status, _, stderr) = login.finish();
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        stderr,
        "error: unauthorized (HTTP 401: Invalid signature.)\n"
    );
}

#[test]
fn waiting_for_the_callback_times_out() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let login = Login::against(&standin, &["--timeout", "1"]);
    let (status, _, stderr) = login.finish();
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        stderr,
        "error: timed out after 1 s waiting for the callback\n"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_wait_with_one_line() {
    let standin = StandIn::spawn().expect("the stand-in starts");
    let path = scratch_path("interrupted.json");
    let login = Login::against(&standin, &["--save", path.to_str().expect("UTF-8")]);
    login.line_after(AUTHORIZE_PREFIX);
    let interrupted = Command::new("kill")
        .args(["-INT", &login.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let (status, _, stderr) = login.finish();
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        stderr,
        "error: interrupted (Ctrl-C) while waiting for the callback\n"
    );
    assert!(!path.exists(), "nothing may be written after Ctrl-C");
}

/// A provider option without a consumer key is refused: the demo would ignore it and log in to
/// its own stand-in instead of the provider the user named.
#[test]
fn a_provider_option_without_a_consumer_key_is_refused() {
    for (name, value) in [
        ("--api-base", "http://127.0.0.1:9"),
        ("--authorize-url", "http://127.0.0.1:9/oauth/authorize"),
    ] {
        let (status, stdout, stderr) = Login::start(&[name, value]).finish();
        assert_eq!(status.code(), Some(2), "{name}: {stdout}");
        assert_eq!(
            stderr,
            format!(
                "error: {name} is given but no consumer key and secret are; give both \
                 (--consumer-key and --consumer-secret, or DISCOGS_CONSUMER_KEY and \
                 DISCOGS_CONSUMER_SECRET) to use that provider, or leave out {name} for the local \
                 demo\n"
            )
        );
        assert_eq!(stdout, "", "no demo starts");
    }
}

#[test]
fn bad_options_are_refused() {
    let (status, _, stderr) = Login::start(&["--signature", "rsa-sha1"]).finish();
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: --signature: unknown signature method \"rsa-sha1\": expected PLAINTEXT or \
         HMAC-SHA1\n"
    );
    let (status, _, stderr) = Login::start(&["--consumer-key", "k"]).finish();
    assert_eq!(status.code(), Some(2));
    assert_eq!(stderr, "error: a consumer key needs its consumer secret\n");
    for seconds in ["0", "86401", "18446744073709551615"] {
        let (status, _, stderr) = Login::start(&["--timeout", seconds]).finish();
        assert_eq!(status.code(), Some(2));
        assert_eq!(
            stderr,
            format!("error: --timeout takes 1 to 86400 seconds, not \"{seconds}\"\n")
        );
    }
    // An option given as `--name=value` is named without its value: it may be a secret.
    let (status, _, stderr) = Login::start(&["--consumer-secret=hunter2"]).finish();
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: unknown option \"--consumer-secret\" (see --help)\n"
    );
    // A value out of place is not echoed at all: it may be the secret, its option forgotten.
    let (status, _, stderr) = Login::start(&["--consumer-key", "k", "hunter2"]).finish();
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: unexpected argument (values must follow their option; see --help)\n"
    );
}

#[test]
fn help_prints_the_usage() {
    let output = Command::new(
        discogs_auth_standin::example_binary("discogs-auth-ureq", "login")
            .expect("the example is built"),
    )
    .arg("--help")
    .output()
    .expect("the example runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{}\n", args::USAGE)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// The options' `Debug` (for a log or a panic message) shows the key but not the secret.
#[test]
fn options_debug_redacts_the_consumer_secret() {
    let options = args::parse(
        ["--consumer-key", "key", "--consumer-secret", "hunter2"]
            .map(String::from)
            .into_iter(),
        |_| None,
    )
    .expect("valid options")
    .expect("not --help");
    assert_eq!(
        format!("{options:?}"),
        format!(
            "Options {{ consumer: Some((\"key\", \"[redacted]\")), \
             api_base: \"https://api.discogs.com\", \
             authorize_url: \"https://www.discogs.com/oauth/authorize\", \
             user_agent: \"discogs-auth-login-example/{} \
             +https://github.com/discogs-auth/discogs-auth\", signature: Plaintext, oob: false, \
             timeout: 300s, save: None, check: None }}",
            env!("CARGO_PKG_VERSION")
        )
    );
}
