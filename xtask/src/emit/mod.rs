//! One emitter per language. Each returns the files it owns.

mod kotlin;
mod node;
mod python;
mod readme;
mod rust;
mod scenarios;
mod swift;

use crate::Output;
use crate::model::Model;

/// Every generated file.
pub fn all(model: &Model, root: &std::path::Path) -> Vec<Output> {
    let mut out = Vec::new();
    out.extend(rust::emit(model));
    out.extend(readme::emit(model, root));
    out.extend(scenarios::emit(model, root));
    out.extend(node::emit(model));
    out.extend(python::emit(model));
    out.extend(kotlin::emit(model));
    out.extend(swift::emit(model));
    out
}

/// `text` as comment lines with `prefix` (e.g. `    /// `), one per line of text; blank lines
/// keep the prefix without trailing space.
pub fn comment(prefix: &str, text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str(prefix.trim_end());
        } else {
            out.push_str(prefix);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
