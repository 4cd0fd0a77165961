//! Replays the fuzz corpus in the ordinary test run.
//!
//! Every file in `fuzz/corpus/<target>/` goes through the same function the `cargo fuzz`
//! target calls (`fuzz/src/targets.rs`, included here by path), so the seeds and every input
//! once added to the corpus (such as a minimized crash) stay checked without `cargo fuzz`.

#[path = "../../fuzz/src/targets.rs"]
mod targets;

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The corpus files of a target, sorted; hidden entries (such as libFuzzer's `.cache`) and
/// directories skipped.
fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read the corpus {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| !name.starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// Bytes as a Rust byte-string literal, to paste into a regression test.
fn escaped(data: &[u8]) -> String {
    data.iter()
        .flat_map(|&byte| std::ascii::escape_default(byte))
        .map(char::from)
        .collect()
}

#[test]
fn every_corpus_file_replays_without_panicking() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for &(name, target) in targets::TARGETS {
        let files = corpus_files(name);
        assert!(
            !files.is_empty(),
            "the corpus of `{name}` is empty: the replay would pass vacuously"
        );
        for file in files {
            let data = fs::read(&file)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
            if panic::catch_unwind(|| target(&data)).is_err() {
                failures.push(format!(
                    "{name}: {} (b\"{}\")",
                    file.display(),
                    escaped(&data)
                ));
            }
            replayed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {replayed} corpus files panicked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The targets replayed here are exactly the `cargo fuzz` binaries, and each binary calls its
/// own function.
#[test]
fn every_fuzz_binary_is_replayed() {
    let dir = fuzz_dir().join("fuzz_targets");
    let mut binaries: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    binaries.sort();
    let mut names: Vec<String> = targets::TARGETS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    names.sort();
    assert_eq!(binaries, names);
    for name in &names {
        let source = fs::read_to_string(dir.join(format!("{name}.rs"))).expect("a target source");
        assert!(
            source.contains(&format!("targets::{name}(data)")),
            "fuzz_targets/{name}.rs does not call targets::{name}"
        );
    }
}
