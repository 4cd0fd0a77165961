//! The saved access token: JSON, written whole or not at all, readable by the owner only.

use std::fs;
use std::io::Write;
use std::path::Path;

use discogs_auth_ureq::AccessToken;

/// Writes the token to `path` through a temporary file in the same directory, renamed into
/// place, so that an interruption never leaves a half-written file.
pub fn save(path: &Path, consumer_key: &str, token: &AccessToken) -> Result<(), String> {
    let json = serde_json::json!({
        "consumer_key": consumer_key,
        "oauth_token": token.token.as_str(),
        "oauth_token_secret": token.secret.expose_secret(),
    });
    let file_name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file path", path.display()))?;
    let temporary = path.with_file_name(format!(".{}.tmp", file_name.to_string_lossy()));
    // A leftover from an interrupted run would make the exclusive create below fail.
    let _ = fs::remove_file(&temporary);
    let written = write_private(&temporary, json.to_string().as_bytes())
        .and_then(|()| fs::rename(&temporary, path));
    written.map_err(|error| {
        let _ = fs::remove_file(&temporary);
        format!(
            "could not save the access token to {}: {error}",
            path.display()
        )
    })
}

/// Refuses, before anything is asked of the user, a path the token could not be saved to: one
/// whose directory does not exist, or that names a directory.
pub fn check_writable(path: &Path) -> Result<(), String> {
    let refused = |why: &str| Err(format!("cannot save to {}: {why}", path.display()));
    if path.file_name().is_none() || path.is_dir() {
        return refused("it is a directory");
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !directory.is_dir() {
        return refused("its directory does not exist");
    }
    Ok(())
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Reads a token saved by [`save`]: the consumer key it was issued to, and the token.
pub fn load(path: &Path) -> Result<(String, AccessToken), String> {
    let unreadable = |why: String| {
        format!(
            "could not read the access token from {}: {why}",
            path.display()
        )
    };
    let text = fs::read_to_string(path).map_err(|error| unreadable(error.to_string()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| unreadable("not JSON".to_owned()))?;
    let field = |name: &str| {
        json[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| unreadable(format!("no `{name}`")))
    };
    let token = AccessToken::new(field("oauth_token")?, field("oauth_token_secret")?)
        .map_err(|error| unreadable(error.to_string()))?;
    Ok((field("consumer_key")?, token))
}
