//! `cargo xtask gen` writes every generated file from the catalogue; `cargo xtask gen --check`
//! fails (naming the files) when a committed file is not what the catalogue gives.
//!
//! One intermediate model ([`model`]) is built from the catalogue; one emitter per language
//! ([`emit`]) turns it into text. Type maps live in the emitters; names, limits in words and the
//! documentation text come from the model, so every language says the same thing.

mod emit;
mod model;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A generated file: its path relative to the repository root, and its text.
pub struct Output {
    pub path: &'static str,
    pub text: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository root")
        .to_path_buf()
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask gen [--check]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => {}
        _ => return usage(),
    }
    let check = match &args[1..] {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return usage(),
    };
    let model = model::Model::build();
    let root = root();
    let mut stale = Vec::new();
    for out in emit::all(&model, &root) {
        let path = root.join(out.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(out.text.as_str()) {
            continue;
        }
        if check {
            stale.push(out.path);
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("create the output directory");
            }
            std::fs::write(&path, &out.text).unwrap_or_else(|e| panic!("write {}: {e}", out.path));
            println!("wrote {}", out.path);
        }
    }
    if !stale.is_empty() {
        for p in &stale {
            eprintln!("{p} is not what the catalogue gives");
        }
        eprintln!("run `cargo xtask gen` and commit the result");
        return ExitCode::FAILURE;
    }
    if check {
        println!("generated files are up to date");
    }
    ExitCode::SUCCESS
}
