//! The loopback listener that receives Discogs' redirect after the user authorizes.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest request head read from the browser.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Longest time one connection may take to send its request head: a client that trickles
/// bytes cannot hold the wait past its deadline by more than this.
const MAX_REQUEST_TIME: Duration = Duration::from_secs(5);
const POLL_INTERVAL: Duration = Duration::from_millis(25);

const CLOSE_TAB_PAGE: &str = "<!DOCTYPE html><html><head><title>discogs-auth</title></head>\
    <body><p>Done: you can close this tab and go back to the terminal.</p></body></html>";

/// A listener on `127.0.0.1:<free port>`.
pub struct CallbackListener {
    listener: TcpListener,
}

impl CallbackListener {
    pub fn bind() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        // Non-blocking so that the wait can notice Ctrl-C and its deadline.
        listener.set_nonblocking(true)?;
        Ok(Self { listener })
    }

    /// The URL to pass as `oauth_callback`.
    pub fn url(&self) -> io::Result<String> {
        Ok(format!("http://{}/callback", self.listener.local_addr()?))
    }

    /// Waits for `GET /callback?…` that `is_ours` accepts (the redirect for this login's
    /// request token) and returns its path and query; the browser gets a short "close this
    /// tab" page. Other requests (a favicon, a stray or forged callback) get 404 and the wait
    /// goes on, so that nothing but Discogs' redirect can end it. `no_redirect` is asked as
    /// often as Ctrl-C is checked: a reason it gives (the demo's browser failed) ends the wait
    /// with that reason, which would otherwise go unseen until the timeout.
    pub fn wait(
        &self,
        timeout: Duration,
        interrupted: &AtomicBool,
        is_ours: impl Fn(&str) -> bool,
        mut no_redirect: impl FnMut() -> Option<String>,
    ) -> Result<String, String> {
        // `--timeout` is at most a day (see `args`), so this cannot overflow.
        let deadline = Instant::now() + timeout;
        loop {
            if interrupted.load(Ordering::SeqCst) {
                return Err("interrupted (Ctrl-C) while waiting for the callback".to_owned());
            }
            if let Some(reason) = no_redirect() {
                return Err(reason);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "timed out after {} s waiting for the callback",
                    timeout.as_secs()
                ));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(target) = answer(stream, &is_ours) {
                        return Ok(target);
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(POLL_INTERVAL)
                }
                Err(error) => return Err(format!("the callback listener failed: {error}")),
            }
        }
    }
}

/// Reads one request; answers it; returns the target if it is the callback `is_ours`
/// accepts.
fn answer(mut stream: TcpStream, is_ours: impl Fn(&str) -> bool) -> Option<String> {
    stream.set_nonblocking(false).ok()?;
    let give_up = Instant::now() + MAX_REQUEST_TIME;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        let left = give_up.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (request_line.next(), request_line.next());
    let callback = match (method, target) {
        (Some("GET"), Some(target)) if is_callback_path(target) && is_ours(target) => {
            Some(target.to_owned())
        }
        _ => None,
    };
    let (status, body) = match callback {
        Some(_) => ("200 OK", CLOSE_TAB_PAGE),
        None => ("404 Not Found", "Not found"),
    };
    // The browser's view of this reply is cosmetic; a failed write changes nothing.
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    callback
}

/// Whether `target` is `/callback`, with or without a query: not `/callbacks`.
fn is_callback_path(target: &str) -> bool {
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    path == "/callback"
}
