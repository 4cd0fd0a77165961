//! Command-line options, read by hand to keep the example's dependencies few.

use std::fmt;
use std::time::Duration;

use discogs_auth_ureq::{DISCOGS_API_BASE, DISCOGS_AUTHORIZE_URL, SignatureMethod};

pub const USAGE: &str = "\
Usage: login [OPTIONS]

Without a consumer key, runs the whole OAuth flow against a local Discogs stand-in (a demo).

Options:
  --consumer-key KEY        Discogs consumer key (or DISCOGS_CONSUMER_KEY)
  --consumer-secret SECRET  Discogs consumer secret (or DISCOGS_CONSUMER_SECRET)
  --api-base URL            API base [default: https://api.discogs.com]
  --authorize-url URL       authorize page [default: https://www.discogs.com/oauth/authorize]
  --user-agent UA           User-Agent sent with every request
  --signature METHOD        plaintext or hmac-sha1 [default: plaintext]
  --oob                     no callback listener: paste the verifier Discogs shows
  --timeout SECONDS         how long to wait for the callback, 1 to 86400 [default: 300]
  --save PATH               write the access token to PATH (JSON, mode 0600)
  --check PATH              load the access token from PATH and only fetch the identity
  -h, --help                this text";

/// The longest wait `--timeout` accepts: a day.
const MAX_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// What the user asked for.
pub struct Options {
    /// `None`: the local demo. The secret is `[redacted]` in `Debug`.
    pub consumer: Option<(String, String)>,
    pub api_base: String,
    pub authorize_url: String,
    pub user_agent: String,
    pub signature: SignatureMethod,
    pub oob: bool,
    pub timeout: Duration,
    pub save: Option<String>,
    pub check: Option<String>,
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so that a new field cannot be left out of this by accident.
        let Self {
            consumer,
            api_base,
            authorize_url,
            user_agent,
            signature,
            oob,
            timeout,
            save,
            check,
        } = self;
        let consumer = consumer.as_ref().map(|(key, _)| (key, "[redacted]"));
        f.debug_struct("Options")
            .field("consumer", &consumer)
            .field("api_base", api_base)
            .field("authorize_url", authorize_url)
            .field("user_agent", user_agent)
            .field("signature", signature)
            .field("oob", oob)
            .field("timeout", timeout)
            .field("save", save)
            .field("check", check)
            .finish()
    }
}

/// Parses `args` (without the program name); `Ok(None)` for `--help`.
pub fn parse(
    mut args: impl Iterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Options>, String> {
    let mut key = env("DISCOGS_CONSUMER_KEY").filter(|value| !value.is_empty());
    let mut secret = env("DISCOGS_CONSUMER_SECRET").filter(|value| !value.is_empty());
    // Which provider option was given, if any: the demo would silently ignore it.
    let mut provider_option = None;
    let mut options = Options {
        consumer: None,
        api_base: DISCOGS_API_BASE.to_owned(),
        authorize_url: DISCOGS_AUTHORIZE_URL.to_owned(),
        user_agent: concat!(
            "discogs-auth-login-example/",
            env!("CARGO_PKG_VERSION"),
            " +https://github.com/discogs-auth/discogs-auth"
        )
        .to_owned(),
        signature: SignatureMethod::Plaintext,
        oob: false,
        timeout: Duration::from_secs(300),
        save: None,
        check: None,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--consumer-key" => key = Some(value()?),
            "--consumer-secret" => secret = Some(value()?),
            "--api-base" => {
                options.api_base = value()?;
                provider_option.get_or_insert("--api-base");
            }
            "--authorize-url" => {
                options.authorize_url = value()?;
                provider_option.get_or_insert("--authorize-url");
            }
            "--user-agent" => options.user_agent = value()?,
            "--signature" => {
                options.signature = value()?
                    .parse()
                    .map_err(|error| format!("--signature: {error}"))?;
            }
            "--oob" => options.oob = true,
            "--timeout" => {
                let seconds = value()?;
                let seconds: u64 = seconds
                    .parse()
                    .ok()
                    .filter(|seconds| (1..=MAX_TIMEOUT_SECS).contains(seconds))
                    .ok_or_else(|| {
                        format!("--timeout takes 1 to {MAX_TIMEOUT_SECS} seconds, not {seconds:?}")
                    })?;
                options.timeout = Duration::from_secs(seconds);
            }
            "--save" => options.save = Some(value()?),
            "--check" => options.check = Some(value()?),
            // Only the name: `--consumer-secret=…` would otherwise print the secret.
            other if other.starts_with('-') => {
                let name = other.split_once('=').map_or(other, |(name, _)| name);
                return Err(format!("unknown option {name:?} (see --help)"));
            }
            // Not echoed: a value typed in the wrong place may be the consumer secret.
            _ => {
                return Err(
                    "unexpected argument (values must follow their option; see --help)".to_owned(),
                );
            }
        }
    }
    options.consumer = match (key, secret) {
        (Some(key), Some(secret)) => Some((key, secret)),
        (None, None) => {
            if let Some(name) = provider_option {
                return Err(format!(
                    "{name} is given but no consumer key and secret are; give both \
                     (--consumer-key and --consumer-secret, or DISCOGS_CONSUMER_KEY and \
                     DISCOGS_CONSUMER_SECRET) to use that provider, or leave out {name} for the \
                     local demo"
                ));
            }
            None
        }
        (Some(_), None) => return Err("a consumer key needs its consumer secret".to_owned()),
        (None, Some(_)) => return Err("a consumer secret needs its consumer key".to_owned()),
    };
    Ok(Some(options))
}
