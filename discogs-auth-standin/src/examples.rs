//! Finding the workspace's example programs from their end-to-end tests.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::SystemTime;

/// The examples this process has made sure of, so that concurrent tests build each at most
/// once, one after the other, instead of queueing several cargo runs on the build lock.
static CHECKED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// The binary of example `example` of `package`, in the target directory of the test that calls
/// this (`<target>/<profile>/examples/`).
///
/// Cargo builds examples with `cargo test` but not with `cargo test --test NAME`, so the binary
/// may be missing, or older than the sources a developer just edited; it is then built with
/// `cargo build -p package --example example` and the test's profile, so that no test runs a
/// stale example.
///
/// # Errors
///
/// The [`io::Error`] of finding the test's own binary, of running `cargo build`, or one saying
/// that the build failed.
pub fn example_binary(package: &str, example: &str) -> io::Result<PathBuf> {
    let mut profile_dir = std::env::current_exe()?;
    profile_dir.pop();
    if profile_dir.ends_with("deps") {
        profile_dir.pop();
    }
    let binary = profile_dir
        .join("examples")
        .join(format!("{example}{}", std::env::consts::EXE_SUFFIX));
    let mut checked = crate::state::lock(&CHECKED);
    let key = (package.to_owned(), example.to_owned());
    if !checked.contains(&key) {
        if is_out_of_date(&binary, package) {
            build(package, example, &profile_dir)?;
        }
        checked.push(key);
    }
    Ok(binary)
}

/// Whether `binary` is missing or older than a source it is built from: its package's, the
/// core's, the stand-in's, or the workspace's manifest and lock file.
fn is_out_of_date(binary: &Path, package: &str) -> bool {
    let Ok(built) = binary.metadata().and_then(|metadata| metadata.modified()) else {
        return true;
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."));
    let sources = [package, "discogs-auth-core", "discogs-auth-standin"]
        .into_iter()
        .flat_map(|crate_dir| {
            let dir = workspace.join(crate_dir);
            [
                dir.join("Cargo.toml"),
                dir.join("src"),
                dir.join("examples"),
            ]
        })
        .chain([workspace.join("Cargo.toml"), workspace.join("Cargo.lock")]);
    sources
        .filter_map(|path| newest_modification(&path))
        .any(|modified| modified > built)
}

/// The latest modification time of `path` or, for a directory, of anything in it.
fn newest_modification(path: &Path) -> Option<SystemTime> {
    let metadata = path.metadata().ok()?;
    if !metadata.is_dir() {
        return metadata.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|entry| newest_modification(&entry.ok()?.path()))
        .max()
}

/// Builds the example into `profile_dir`'s `examples/` with that directory's profile.
fn build(package: &str, example: &str, profile_dir: &Path) -> io::Result<()> {
    let (Some(target_dir), Some(profile)) = (
        profile_dir.parent(),
        profile_dir.file_name().and_then(|name| name.to_str()),
    ) else {
        return Err(io::Error::other(format!(
            "cannot tell the target directory and profile from {}",
            profile_dir.display()
        )));
    };
    // `dev` is the one profile whose directory has another name.
    let profile = if profile == "debug" { "dev" } else { profile };
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--quiet", "-p", package, "--example", example])
        .args(["--profile", profile, "--target-dir"])
        .arg(target_dir);
    // Cargo sets these for the test it runs; inherited, they would make the nested build look
    // different from the outer one to build scripts that read them, and rebuild their crates.
    for (name, _) in std::env::vars_os() {
        let is_test_run_variable = name.to_str().is_some_and(|name| {
            name.starts_with("CARGO_PKG_")
                || name.starts_with("CARGO_BIN_EXE_")
                || matches!(
                    name,
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_BIN_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "CARGO_RUSTC_CURRENT_DIR"
                        | "OUT_DIR"
                )
        });
        if is_test_run_variable {
            command.env_remove(name);
        }
    }
    if command.status()?.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "cargo build -p {package} --example {example} --profile {profile} failed"
        )))
    }
}
