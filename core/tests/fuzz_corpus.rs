//! The fuzzing campaign's committed corpus (`fuzz/corpus/<target>/`) replayed on stable through
//! the same invariant checks the cargo-fuzz targets run (`imcloud::fuzzing`), so every input the
//! campaign kept is a regression test in `cargo test`. `fuzz/regressions/<target>/` holds the
//! inputs of the defects the campaign found (all fixed now): they are checked strictly below. A
//! defect found later and not yet fixed goes into `imcloud::fuzzing::KNOWN_OPEN` meanwhile.

use std::path::{Path, PathBuf};

use imcloud::fuzzing::{TARGETS, check};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .map(|e| e.expect("corpus entry").path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn replay(kind: &str, strict: bool) -> usize {
    let mut n = 0;
    for target in TARGETS {
        for f in inputs(kind, target) {
            let data = std::fs::read(&f).expect("read corpus file");
            let ok = std::panic::catch_unwind(|| check(target, &data, strict));
            assert!(ok.is_ok(), "{target}: {} fails its invariants", f.display());
            n += 1;
        }
    }
    n
}

#[test]
fn committed_corpus_holds_every_invariant() {
    let n = replay("corpus", false);
    // Every target has a committed corpus; an empty replay would test nothing.
    for t in TARGETS {
        assert!(!inputs("corpus", t).is_empty(), "fuzz/corpus/{t} is empty");
    }
    assert!(n > 0);
}

#[test]
fn open_defects_are_fixed() {
    let mut failing = Vec::new();
    for target in TARGETS {
        for f in inputs("regressions", target) {
            let data = std::fs::read(&f).expect("read regression file");
            if std::panic::catch_unwind(|| check(target, &data, true)).is_err() {
                failing.push(format!(
                    "{target}/{}",
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(failing.is_empty(), "still failing: {failing:#?}");
}

/// The checks themselves, on a few thousand pseudo-random inputs: a cheap stand-in for the
/// fuzzer on machines without nightly (deterministic seed, so a failure reproduces).
#[test]
fn random_inputs_hold_every_invariant() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for target in TARGETS {
        for _ in 0..3000 {
            let len = (next() % 200) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let r = std::panic::catch_unwind(|| check(target, &data, false));
            assert!(r.is_ok(), "{target}: input {data:?} fails its invariants");
        }
    }
}
