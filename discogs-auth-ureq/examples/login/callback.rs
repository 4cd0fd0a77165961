//! The loopback listener that receives Discogs' redirect after the user authorizes.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest request head read from the browser.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
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

    /// Waits for `GET /callback?…` and returns its path and query; the browser gets a short
    /// "close this tab" page. Other requests (a favicon) get 404 and the wait goes on.
    pub fn wait(&self, timeout: Duration, interrupted: &AtomicBool) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if interrupted.load(Ordering::SeqCst) {
                return Err("interrupted (Ctrl-C) while waiting for the callback".to_owned());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "timed out after {} s waiting for the callback",
                    timeout.as_secs()
                ));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(target) = answer(stream) {
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

/// Reads one request; answers it; returns the target if it is the callback.
fn answer(mut stream: TcpStream) -> Option<String> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (request_line.next(), request_line.next());
    let callback = match (method, target) {
        (Some("GET"), Some(target)) if target.starts_with("/callback") => Some(target.to_owned()),
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
