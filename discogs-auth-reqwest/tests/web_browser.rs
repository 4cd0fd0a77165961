//! The `web` example in a real browser: headless Chromium, driven over WebDriver
//! (`chromedriver` + fantoccini), logs in through the stand-in's authorize page — and declines.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing). When
//! either is missing or the browser cannot start, the test fails and says why: it is never
//! skipped. Set `WEB_TEST_SCREENSHOTS=<dir>` to keep screenshots of the authorize page and of
//! the signed-in page.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// How long any one wait (a process starting, an element appearing) may take.
const WAIT: Duration = Duration::from_secs(30);
/// How long one whole browser scenario may take.
const SCENARIO: Duration = Duration::from_secs(120);
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "apt-get install chromium chromium-driver";

/// One Chromium at a time: the machines running this are small.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A child process, killed (with every process in its group) when dropped, on every path.
struct Killed {
    child: Child,
    what: &'static str,
}

impl Drop for Killed {
    fn drop(&mut self) {
        // Each child leads its own process group (`process_group(0)`), so this also ends the
        // Chromium processes chromedriver started, by that group's id.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        if self.child.wait().is_err() {
            eprintln!("could not reap {}", self.what);
        }
    }
}

fn spawn(command: &mut Command, what: &'static str) -> Killed {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {what}: {error}"));
    Killed { child, what }
}

/// A scratch directory, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "discogs-auth-web-browser-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a scratch directory");
        Self(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// `chromedriver` from `PATH`, else `/usr/bin/chromedriver`; a failure that says what to
/// install otherwise.
fn chromedriver_path() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("chromedriver"))
            .find(|candidate| candidate.is_file())
    });
    let path = on_path.unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    assert!(
        path.is_file(),
        "chromium-driver is not installed (no chromedriver on PATH or in /usr/bin): {INSTALL_HINT}"
    );
    path
}

fn chromium_path() -> &'static str {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "chromium is not installed (no {CHROMIUM}): {INSTALL_HINT}"
    );
    CHROMIUM
}

/// The last lines of a log file, for failure messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// A running chromedriver on a loopback port.
struct Chromedriver {
    _process: Killed,
    url: String,
    log: PathBuf,
}

impl Chromedriver {
    fn start(scratch: &Path) -> Self {
        let binary = chromedriver_path();
        chromium_path();
        let port = free_port();
        let log = scratch.join("chromedriver.log");
        let output = std::fs::File::create(&log).expect("a log file");
        let mut process = spawn(
            Command::new(&binary)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(output.try_clone().expect("a log file handle"))
                .stderr(output),
            "chromedriver",
        );
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!(
                    "chromedriver ({}) exited with {status} before listening:\n{}",
                    binary.display(),
                    tail(&log)
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within {WAIT:?}:\n{}",
                tail(&log)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// A headless Chromium session with a fresh profile in `profile`.
    async fn browser(&self, profile: &Path) -> Client {
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium_path(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1000,760",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "Chromium did not start through chromedriver: {error}\n\
                     (is Debian's chromium installed and runnable? {INSTALL_HINT})\n{}",
                    tail(&self.log)
                )
            })
    }
}

/// The example app on a free port, in demo mode (no `DISCOGS_*` variables).
struct WebApp {
    _process: Killed,
    url: String,
}

impl WebApp {
    fn start() -> Self {
        let mut process = spawn(
            Command::new(
                discogs_auth_standin::example_binary("discogs-auth-reqwest", "web")
                    .expect("the example is built"),
            )
            .env("PORT", free_port().to_string())
            .env_remove("DISCOGS_CONSUMER_KEY")
            .env_remove("DISCOGS_CONSUMER_SECRET")
            .env_remove("DISCOGS_API_BASE")
            .env_remove("DISCOGS_AUTHORIZE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
            "the web example",
        );
        let stdout = process.child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => match line.strip_prefix("Listening on ") {
                    Some(url) => break url.to_owned(),
                    None => seen.push(line),
                },
                Err(_) => panic!(
                    "the web example printed no \"Listening on\" line within {WAIT:?}; it printed:\n{}",
                    seen.join("\n")
                ),
            }
        };
        assert!(
            seen.iter().any(|line| line.contains("local demo")),
            "the example should say it runs a local demo: {seen:?}"
        );
        Self {
            _process: process,
            url,
        }
    }
}

/// Unwraps a WebDriver step, or fails naming the step.
fn step<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> T {
    result.unwrap_or_else(|error| panic!("{what}: {error}"))
}

async fn wait_for(
    browser: &Client,
    id: &'static str,
    after: &str,
) -> fantoccini::elements::Element {
    match browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id(id))
        .await
    {
        Ok(element) => element,
        Err(error) => {
            let url = browser
                .current_url()
                .await
                .map_or_else(|e| format!("(unknown: {e})"), |url| url.to_string());
            let source = browser.source().await.unwrap_or_default();
            panic!("no #{id} {after} ({error}); the browser is at {url}:\n{source}")
        }
    }
}

async fn screenshot(browser: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("WEB_TEST_SCREENSHOTS") {
        let png = step(browser.screenshot().await, "taking a screenshot");
        let path = Path::new(&dir).join(format!("web-{name}.png"));
        step(std::fs::write(&path, png), "saving a screenshot");
        eprintln!("screenshot: {}", path.display());
    }
}

/// Runs `scenario` against a fresh app and a fresh headless Chromium, then closes both.
async fn in_browser<F, Fut>(name: &str, scenario: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = Client>,
{
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let scratch = ScratchDir::new(name);
    let profile = scratch.0.join("profile");
    let driver = Chromedriver::start(&scratch.0);
    let app = WebApp::start();
    let browser = driver.browser(&profile).await;
    let browser = tokio::time::timeout(SCENARIO, scenario(browser, app.url.clone()))
        .await
        .unwrap_or_else(|_| panic!("the {name} scenario took longer than {SCENARIO:?}"));
    step(browser.close().await, "closing the browser");
}

#[tokio::test]
async fn log_in_with_the_authorize_button_then_log_out() {
    let started = Instant::now();
    in_browser("login", |browser, app| async move {
        step(browser.goto(&format!("{app}/")).await, "opening the app");
        let login = wait_for(&browser, "login", "on the home page").await;
        assert_eq!(
            step(login.text().await, "reading #login"),
            "Log in with Discogs"
        );
        step(login.click().await, "clicking #login");

        let authorize = wait_for(&browser, "authorize", "on the stand-in's authorize page").await;
        let url = step(browser.current_url().await, "reading the URL");
        assert_eq!(url.path(), "/oauth/authorize");
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            query.len(),
            1,
            "only the request token is in the URL: {url}"
        );
        assert_eq!(query[0].0, "oauth_token");
        screenshot(&browser, "authorize").await;
        step(authorize.click().await, "clicking #authorize");

        let username = wait_for(&browser, "username", "after authorizing").await;
        assert_eq!(
            step(username.text().await, "reading #username"),
            "demo-user"
        );
        let url = step(browser.current_url().await, "reading the URL");
        assert_eq!(
            url.as_str(),
            format!("{app}/me"),
            "the verifier left the address bar"
        );
        let cookies = step(browser.get_all_cookies().await, "reading the cookies");
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        assert_eq!(cookies[0].name(), "session");
        assert_eq!(cookies[0].value().len(), 32);
        assert_eq!(cookies[0].http_only(), Some(true), "{:?}", cookies[0]);
        assert_eq!(format!("{:?}", cookies[0].same_site()), "Some(Lax)");
        screenshot(&browser, "signed-in").await;

        let logout = wait_for(&browser, "logout", "on the identity page").await;
        step(logout.click().await, "clicking #logout");
        wait_for(&browser, "login", "after logging out").await;
        let cookies = step(browser.get_all_cookies().await, "reading the cookies");
        assert!(
            cookies.is_empty(),
            "the session cookie is gone: {cookies:?}"
        );
        browser
    })
    .await;
    eprintln!("login scenario: {:?}", started.elapsed());
}

#[tokio::test]
async fn declining_on_the_authorize_page_shows_the_declined_page() {
    let started = Instant::now();
    in_browser("deny", |browser, app| async move {
        step(browser.goto(&format!("{app}/")).await, "opening the app");
        let login = wait_for(&browser, "login", "on the home page").await;
        step(login.click().await, "clicking #login");
        let deny = wait_for(&browser, "deny", "on the stand-in's authorize page").await;
        step(deny.click().await, "clicking #deny");

        let declined = wait_for(&browser, "declined", "after denying").await;
        assert!(step(declined.is_displayed().await, "checking #declined"));
        assert!(
            step(declined.text().await, "reading #declined").contains("You declined"),
            "the page says the user declined"
        );
        // Not signed in.
        step(browser.goto(&format!("{app}/me")).await, "opening /me");
        wait_for(&browser, "login", "on /me without a session").await;
        browser
    })
    .await;
    eprintln!("deny scenario: {:?}", started.elapsed());
}
