//! Settings from the environment: which provider, and which port.

use std::fmt;

use discogs_auth_reqwest::{DISCOGS_API_BASE, DISCOGS_AUTHORIZE_URL};

/// The port when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 8080;

/// Who plays Discogs.
#[derive(PartialEq, Eq)]
pub enum Provider {
    /// A stand-in started in this process, with its demo application and user.
    Demo,
    /// Discogs, or any Discogs-compatible provider.
    Remote {
        /// `DISCOGS_CONSUMER_KEY`.
        consumer_key: String,
        /// `DISCOGS_CONSUMER_SECRET`: `Debug` shows `[redacted]`.
        consumer_secret: String,
        /// `DISCOGS_API_BASE`, or Discogs'.
        api_base: String,
        /// `DISCOGS_AUTHORIZE_URL`, or Discogs'.
        authorize_url: String,
    },
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Demo => f.write_str("Demo"),
            Self::Remote {
                consumer_key,
                api_base,
                authorize_url,
                ..
            } => f
                .debug_struct("Remote")
                .field("consumer_key", consumer_key)
                .field("consumer_secret", &"[redacted]")
                .field("api_base", api_base)
                .field("authorize_url", authorize_url)
                .finish(),
        }
    }
}

/// What the app runs with.
#[derive(Debug, PartialEq, Eq)]
pub struct Config {
    /// Who plays Discogs.
    pub provider: Provider,
    /// The port on `127.0.0.1` (`0`: any free port).
    pub port: u16,
}

/// Reads the settings through `env` (`std::env::var` in the app, a map in tests). Empty
/// values count as unset.
pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    let var = |name: &str| env(name).filter(|value| !value.is_empty());
    let port = match var("PORT") {
        None => DEFAULT_PORT,
        Some(port) => port
            .parse()
            .map_err(|_| format!("PORT must be a port number (0 to 65535), not {port:?}"))?,
    };
    let api_base = var("DISCOGS_API_BASE");
    let authorize_url = var("DISCOGS_AUTHORIZE_URL");
    let provider = match (var("DISCOGS_CONSUMER_KEY"), var("DISCOGS_CONSUMER_SECRET")) {
        (Some(consumer_key), Some(consumer_secret)) => Provider::Remote {
            consumer_key,
            consumer_secret,
            api_base: api_base.unwrap_or_else(|| DISCOGS_API_BASE.to_owned()),
            authorize_url: authorize_url.unwrap_or_else(|| DISCOGS_AUTHORIZE_URL.to_owned()),
        },
        (None, None) => {
            if let Some(name) = api_base
                .map(|_| "DISCOGS_API_BASE")
                .or(authorize_url.map(|_| "DISCOGS_AUTHORIZE_URL"))
            {
                return Err(format!(
                    "{name} is set but DISCOGS_CONSUMER_KEY and DISCOGS_CONSUMER_SECRET are not; \
                     set both to use that provider, or unset {name} for the local demo"
                ));
            }
            Provider::Demo
        }
        (Some(_), None) => {
            return Err("DISCOGS_CONSUMER_KEY is set but DISCOGS_CONSUMER_SECRET is not".into());
        }
        (None, Some(_)) => {
            return Err("DISCOGS_CONSUMER_SECRET is set but DISCOGS_CONSUMER_KEY is not".into());
        }
    };
    Ok(Config { provider, port })
}
