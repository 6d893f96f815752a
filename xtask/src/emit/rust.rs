//! The Rust surface (`core/src/generated.rs`): a parameter struct and a typed result per
//! operation, and a method per operation on the clients.

use std::fmt::Write as _;

use imcloud_catalogue::ParamType;

use super::comment;
use crate::Output;
use crate::model::{CloudModel, Model, OpKind, OpModel};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while",
];

fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

fn param_type(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "String",
        ParamType::Int => "i64",
        ParamType::Bool => "bool",
        ParamType::StringList => "Vec<String>",
        ParamType::ObjectList => "Vec<serde_json::Value>",
        ParamType::StringMap => "std::collections::BTreeMap<String, String>",
        ParamType::Json | ParamType::JsonString | ParamType::File => "serde_json::Value",
    }
}

fn field_type(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "String",
        ParamType::Int => "i64",
        ParamType::Bool => "bool",
        ParamType::StringList => "Vec<String>",
        ParamType::ObjectList => "Vec<serde_json::Map<String, serde_json::Value>>",
        _ => "serde_json::Value",
    }
}

fn doc(text: &str) -> String {
    comment("/// ", &text.replace('<', "&lt;").replace('>', "&gt;"))
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The result type an operation's method returns, inside `Typed<…>`.
fn result_type(key: &str, op: &OpModel) -> String {
    if op.result.list {
        format!("Vec<{key}::{}Item>", op.pascal)
    } else {
        format!("{key}::{}Result", op.pascal)
    }
}

fn params_struct(op: &OpModel) -> String {
    let mut s = String::new();
    s += &doc(&format!("Parameters of `{}`: {}", op.name, op.op.summary));
    s += "#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]\n";
    let _ = writeln!(s, "pub struct {} {{", op.pascal);
    for p in &op.params {
        s += &indent(&doc(&p.doc), "    ");
        let t = param_type(p.p.ty);
        let name = ident(&p.snake);
        if p.required {
            let _ = writeln!(s, "    pub {name}: {t},");
        } else {
            s += "    #[serde(skip_serializing_if = \"Option::is_none\")]\n";
            let _ = writeln!(s, "    pub {name}: Option<{t}>,");
        }
    }
    s += "}\n";
    s
}

fn result_struct(op: &OpModel) -> String {
    let mut s = String::new();
    let (name, what) = if op.result.list {
        (
            format!("{}Item", op.pascal),
            format!("One item of the result of `{}`.", op.name),
        )
    } else {
        (
            format!("{}Result", op.pascal),
            format!("The result of `{}`.", op.name),
        )
    };
    let body = if op.result.doc.is_empty() {
        what
    } else {
        format!("{what} {}", op.result.doc)
    };
    s += &doc(&format!(
        "{body}\n\nThe declared fields, normalised by type (absent or unreadable: `None`); the whole answer is in `Typed::response`."
    ));
    s += "#[derive(Clone, Default, PartialEq, serde::Deserialize)]\n";
    let _ = writeln!(s, "pub struct {name} {{");
    for f in &op.result.fields {
        if !f.doc.is_empty() {
            s += &indent(&doc(&f.doc), "    ");
        }
        let _ = writeln!(
            s,
            "    pub {}: Option<{}>,",
            ident(&f.snake),
            field_type(f.ty)
        );
    }
    s += "}\n\n";
    let _ = writeln!(s, "impl std::fmt::Debug for {name} {{");
    s += "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n";
    let _ = writeln!(s, "        f.debug_struct({name:?})");
    for f in &op.result.fields {
        let id = ident(&f.snake);
        if f.secret {
            let _ = writeln!(
                s,
                "            .field({:?}, &self.{id}.as_ref().map(|_| \"***\"))",
                f.snake
            );
        } else {
            let _ = writeln!(s, "            .field({:?}, &self.{id})", f.snake);
        }
    }
    s += "            .finish()\n    }\n}\n";
    s
}

fn method(cloud: &CloudModel, op: &OpModel) -> String {
    let mut s = String::new();
    s += &doc(&op.doc_head());
    let args = "serde_json::to_value(&params).map_err(|e| crate::Error::invalid_argument(\"params\", e.to_string()))?";
    let (key, name, pascal) = (cloud.key, op.name, &op.pascal);
    let result = result_type(key, op);
    match op.kind {
        OpKind::Upload => {
            let _ = writeln!(
                s,
                "pub async fn {}(&self, params: {key}::{pascal}, file: crate::FileSource) -> crate::Result<crate::Typed<{result}>> {{",
                op.snake
            );
            let _ = writeln!(
                s,
                "    crate::Typed::from_response(self.upload({name:?}, {args}, file).await?)"
            );
        }
        OpKind::Download => {
            let _ = writeln!(
                s,
                "pub async fn {}(&self, params: {key}::{pascal}, sink: crate::FileSink) -> crate::Result<crate::Download> {{",
                op.snake
            );
            let _ = writeln!(s, "    self.download({name:?}, {args}, sink).await");
        }
        OpKind::Call => {
            let _ = writeln!(
                s,
                "pub async fn {}(&self, params: {key}::{pascal}) -> crate::Result<crate::Typed<{result}>> {{",
                op.snake
            );
            let _ = writeln!(
                s,
                "    crate::Typed::from_response(self.call({name:?}, {args}).await?)"
            );
        }
    }
    s += "}\n";
    if let Some(paged) = &op.paged {
        s += "\n";
        s += &doc(&format!(
            "The pages of `{name}`, one call each, starting from `params`: `while let Some(page) = pages.next().await`; {}.",
            paged.about(|f| f.snake.clone())
        ));
        let _ = writeln!(
            s,
            "pub fn {}_pages(&self, params: {key}::{pascal}) -> crate::Result<crate::TypedPages<{result}>> {{",
            op.snake
        );
        let _ = writeln!(
            s,
            "    Ok(crate::TypedPages::new(self.pages({name:?}, {args})?))"
        );
        s += "}\n";
    }
    s
}

pub fn emit(model: &Model) -> Vec<Output> {
    let mut out = String::from(
        "// Generated by `cargo xtask gen` from catalogue/. Do not edit.\n\n#![allow(clippy::all)]\n",
    );
    for cloud in &model.clouds {
        let mut types = String::new();
        let mut methods = String::new();
        for op in &cloud.ops {
            types += "\n";
            types += &params_struct(op);
            if op.kind != OpKind::Download {
                types += "\n";
                types += &result_struct(op);
            }
            methods += "\n";
            methods += &method(cloud, op);
        }
        let _ = write!(
            out,
            "\n/// Typed parameters and results of every {} operation.\npub mod {} {{\n{}}}\n\n/// Every {} operation, typed.\nimpl crate::{} {{\n{}}}\n",
            cloud.client,
            cloud.key,
            indent(types.trim_start_matches('\n'), "    "),
            cloud.client,
            cloud.client,
            indent(methods.trim_start_matches('\n'), "    "),
        );
    }
    vec![Output {
        path: "core/src/generated.rs",
        text: rustfmt(&out),
    }]
}

/// The text as `rustfmt` formats it, so the committed file passes `cargo fmt --check`.
fn rustfmt(text: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt (rustup component add rustfmt)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .expect("feed rustfmt");
    let out = child.wait_with_output().expect("rustfmt");
    assert!(out.status.success(), "rustfmt failed on the generated Rust");
    String::from_utf8(out.stdout).expect("UTF-8")
}
