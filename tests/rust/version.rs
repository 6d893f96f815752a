//! One version for everything we ship: the crates (`[workspace.package] version`), the Python
//! wheel, the npm package (and its lockfile), and the Maven artifact; and CHANGELOG.md has a
//! section for it. A release bumps them together; this test names any file that was forgotten.

use std::path::Path;

/// Reads a file of the repository by its path from the root.
type Read<'a> = &'a dyn Fn(&str) -> String;

fn read_repo(rel: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// The lines of a TOML table `[name]`, up to the next table header.
fn toml_table<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
    let header = format!("[{name}]");
    text.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .collect()
}

/// The string value of `key = "…"` among `lines`.
fn toml_string(lines: &[&str], key: &str) -> Option<String> {
    lines.iter().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The `version = "…"` inside an inline table line such as `imcloud = { path = "core", version = "0.1.0" }`.
fn inline_version(line: &str) -> Option<String> {
    let rest = &line[line.find("version")? + "version".len()..];
    let rest = rest
        .trim_start()
        .strip_prefix('=')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Every place a version is declared, as (file, what, version found).
fn declared(read: Read) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    let ws = read("Cargo.toml");
    // the workspace's own path dependencies carry the version too (for publishing)
    for line in toml_table(&ws, "workspace.dependencies") {
        if line.contains("path =") {
            let name = line.split('=').next().unwrap_or("").trim().to_string();
            out.push((
                "Cargo.toml".into(),
                format!("[workspace.dependencies] {name}"),
                inline_version(line),
            ));
        }
    }
    // every member crate inherits the workspace version (or states the same one)
    let members = toml_string(&toml_table(&ws, "workspace"), "members").expect("workspace members");
    for member in members
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
    {
        let file = format!("{member}/Cargo.toml");
        let package = read(&file);
        let lines = toml_table(&package, "package");
        let inherits = lines
            .iter()
            .any(|l| l.replace(' ', "") == "version.workspace=true");
        let version = if inherits {
            workspace_version(&ws)
        } else {
            toml_string(&lines, "version")
        };
        out.push((file, "[package] version".into(), version));
    }
    // the wheel: maturin takes the version from bindings-python/Cargo.toml (checked above) when
    // pyproject.toml declares it dynamic; otherwise [project] version must be the same
    let py = read("bindings-python/pyproject.toml");
    let project = toml_table(&py, "project");
    let dynamic = toml_string(&project, "dynamic").unwrap_or_default();
    if !dynamic.contains("\"version\"") {
        out.push((
            "bindings-python/pyproject.toml".into(),
            "[project] version".into(),
            toml_string(&project, "version"),
        ));
    }
    // the npm package and its lockfile
    let pkg: serde_json::Value =
        serde_json::from_str(&read("bindings-node/package.json")).expect("package.json is JSON");
    out.push((
        "bindings-node/package.json".into(),
        "version".into(),
        pkg["version"].as_str().map(str::to_string),
    ));
    let lock: serde_json::Value = serde_json::from_str(&read("bindings-node/package-lock.json"))
        .expect("package-lock.json is JSON");
    for (what, v) in [
        ("version", &lock["version"]),
        ("packages[\"\"].version", &lock["packages"][""]["version"]),
    ] {
        out.push((
            "bindings-node/package-lock.json".into(),
            what.into(),
            v.as_str().map(str::to_string),
        ));
    }
    // the Maven artifact: the project's own <version>, before any dependency's
    let pom = read("bindings-uniffi/kotlin/pom.xml");
    let head_end = ["<parent>", "<properties>", "<dependencies>", "<build>"]
        .iter()
        .filter_map(|t| pom.find(t))
        .min()
        .unwrap_or(pom.len());
    let head = &pom[..head_end];
    let version = head.find("<version>").and_then(|i| {
        let rest = &head[i + "<version>".len()..];
        Some(rest[..rest.find("</version>")?].trim().to_string())
    });
    out.push((
        "bindings-uniffi/kotlin/pom.xml".into(),
        "<project><version>".into(),
        version,
    ));
    out
}

fn workspace_version(ws: &str) -> Option<String> {
    toml_string(&toml_table(ws, "workspace.package"), "version")
}

/// Whether CHANGELOG.md has a `## <version>` (or `## [<version>]`) section.
fn changelog_has(changelog: &str, version: &str) -> bool {
    changelog.lines().any(|l| {
        let Some(h) = l.strip_prefix("## ") else {
            return false;
        };
        let h = h.trim().trim_start_matches('[');
        h.strip_prefix(version)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([']', ' ']))
    })
}

/// The mismatches, each naming the file: empty when everything carries the workspace version.
fn mismatches(read: Read) -> Vec<String> {
    let want = workspace_version(&read("Cargo.toml")).expect("[workspace.package] version");
    let mut bad: Vec<String> = declared(read)
        .into_iter()
        .filter(|(_, _, v)| v.as_deref() != Some(want.as_str()))
        .map(|(file, what, v)| {
            format!(
                "{file}: {what} is {}, the workspace's is {want}",
                v.as_deref().unwrap_or("missing")
            )
        })
        .collect();
    if !changelog_has(&read("CHANGELOG.md"), &want) {
        bad.push(format!("CHANGELOG.md: no `## {want}` section"));
    }
    bad
}

#[test]
fn crate_wheel_npm_package_and_maven_artifact_carry_one_version() {
    let found = declared(&read_repo);
    // the check covers every shipped artifact
    for file in [
        "core/Cargo.toml",
        "bindings-python/Cargo.toml",
        "bindings-node/package.json",
        "bindings-uniffi/kotlin/pom.xml",
    ] {
        assert!(
            found.iter().any(|(f, _, _)| f == file),
            "{file} is not checked"
        );
    }
    let bad = mismatches(&read_repo);
    assert!(bad.is_empty(), "versions differ:\n{}", bad.join("\n"));
}

#[test]
fn a_forgotten_file_is_named() {
    let want = workspace_version(&read_repo("Cargo.toml")).unwrap();
    let other = format!("{want}-next");
    for file in [
        "bindings-uniffi/kotlin/pom.xml",
        "bindings-node/package.json",
        "bindings-node/package-lock.json",
        "core/Cargo.toml",
        "CHANGELOG.md",
    ] {
        let patched = |rel: &str| {
            let text = read_repo(rel);
            if rel != file {
                return text;
            }
            match rel {
                "core/Cargo.toml" => text.replace(
                    "version.workspace = true",
                    &format!("version = \"{other}\""),
                ),
                "CHANGELOG.md" => text.replace(&format!("## {want}"), &format!("## {other}")),
                _ => text.replacen(&want, &other, 1),
            }
        };
        let bad = mismatches(&patched);
        assert!(
            bad.iter().any(|m| m.starts_with(&format!("{file}:"))),
            "a different version in {file} went unnoticed: {bad:?}"
        );
    }
}

#[test]
fn changelog_sections_are_recognised() {
    assert!(changelog_has("# C\n\n## 1.2.0\n", "1.2.0"));
    assert!(changelog_has("## [1.2.0] - 2025-01-01\n", "1.2.0"));
    assert!(!changelog_has("## 1.2.0\n", "1.2"));
    assert!(!changelog_has("## Unreleased\n", "1.2.0"));
}
