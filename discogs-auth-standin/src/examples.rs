//! Finding the workspace's example programs from their end-to-end tests.

use std::io;
use std::path::PathBuf;
use std::process::Command;

/// The binary of example `example` of `package`, in the target directory of the test that calls
/// this (`target/<profile>/examples/`); built with `cargo build --example` first when missing,
/// as it is when only that test target was selected.
pub fn example_binary(package: &str, example: &str) -> io::Result<PathBuf> {
    let mut profile_dir = std::env::current_exe()?;
    profile_dir.pop();
    if profile_dir.ends_with("deps") {
        profile_dir.pop();
    }
    let binary = profile_dir
        .join("examples")
        .join(format!("{example}{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "-p", package, "--example", example]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        if !build.status()?.success() {
            return Err(io::Error::other(format!(
                "cargo build -p {package} --example {example} failed"
            )));
        }
    }
    Ok(binary)
}
