//! Lists the catalogue's files (`<cloud>/_cloud.json` and one file per resource family) so that a
//! new family is a new file and nothing else. No parsing happens here; `src/lib.rs` reads them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for cloud in ["rongcloud", "easemob"] {
        let dir = root.join(cloud);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("catalogue directory")
            .map(|e| e.expect("catalogue entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let _ = writeln!(
            out,
            "pub(crate) const {}: &[(&str, &str)] = &[",
            cloud.to_uppercase()
        );
        for f in files {
            let stem = f.file_stem().unwrap().to_str().expect("UTF-8 file name");
            println!("cargo:rerun-if-changed={}", f.display());
            let _ = writeln!(
                out,
                "    ({stem:?}, include_str!({:?})),",
                f.display().to_string()
            );
        }
        let _ = writeln!(out, "];");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("files.rs");
    std::fs::write(dest, out).expect("write files.rs");
}
