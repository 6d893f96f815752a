//! The Rust surface (`core/src/generated.rs`): a parameter struct and a typed result per
//! operation, a method per operation on the clients, and a typed event struct per declared
//! server-callback kind with one enum per cloud (`<cloud>::events`).

use std::fmt::Write as _;

use imcloud_catalogue::ParamType;

use super::comment;
use crate::Output;
use crate::model::{CloudModel, EventModel, Model, OpKind, OpModel};

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

/// One declared callback kind's typed event struct, and its conversion from the parsed event.
fn event_struct(cloud: &CloudModel, e: &EventModel) -> String {
    let name = format!("{}Event", e.pascal);
    let mut s = String::new();
    s += &doc(&format!(
        "{} callback `{}`: {}\n\nThe declared fields, normalised by type (absent or unreadable: `None`); the body as it came is in [`crate::Event::raw`]. From a parsed event: `{name}::try_from(&event)`, or match on [`{}`].",
        cloud.client,
        e.name,
        e.doc,
        enum_name(cloud)
    ));
    s += "#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]\n";
    let _ = writeln!(s, "pub struct {name} {{");
    for f in &e.fields {
        if !f.doc.is_empty() {
            s += &indent(&doc(&f.doc), "    ");
        }
        if f.snake != f.f.name {
            let _ = writeln!(s, "    #[serde(rename = {:?})]", f.f.name);
        }
        let _ = writeln!(
            s,
            "    pub {}: Option<{}>,",
            ident(&f.snake),
            field_type(f.ty)
        );
    }
    s += "}\n\n";
    let _ = writeln!(s, "impl {name} {{");
    s += &indent(
        &doc("The declared kind, as [`crate::Event::kind`] names it."),
        "    ",
    );
    let _ = writeln!(s, "    pub const KIND: &'static str = {:?};", e.name);
    s += "}\n\n";
    let _ = writeln!(s, "impl TryFrom<&crate::Event> for {name} {{");
    s += "    type Error = crate::Error;\n";
    s += "    fn try_from(event: &crate::Event) -> crate::Result<Self> {\n";
    s += "        crate::callbacks::typed_fields(event, Self::KIND)\n    }\n}\n";
    s
}

fn enum_name(cloud: &CloudModel) -> String {
    format!("{}Event", cloud.client)
}

/// The cloud's event structs, the enum with one variant per kind, and its conversion.
fn events_module(cloud: &CloudModel) -> String {
    let en = enum_name(cloud);
    let mut s = String::new();
    for e in &cloud.events {
        s += &event_struct(cloud, e);
        s += "\n";
    }
    s += &doc(&format!(
        "Every {} callback event, typed: one variant per declared kind (`{}::try_from(&event)`, or [`crate::{}::parse_callback_typed`]). Serialises as `{{\"kind\": …, \"fields\": {{…}}}}`. New kinds are added as the catalogue declares them.",
        cloud.client, en, cloud.client
    ));
    s += "#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n#[serde(tag = \"kind\", content = \"fields\")]\n#[non_exhaustive]\n";
    let _ = writeln!(s, "pub enum {en} {{");
    for e in &cloud.events {
        s += &indent(&doc(&format!("`{}`", e.name)), "    ");
        let _ = writeln!(s, "    #[serde(rename = {:?})]", e.name);
        let _ = writeln!(s, "    {}({}Event),", e.pascal, e.pascal);
    }
    s += "}\n\n";
    let _ = writeln!(s, "impl {en} {{");
    s += &indent(
        &doc("The declared kind of this event, e.g. `\"message_route\"`."),
        "    ",
    );
    s += "    pub fn kind(&self) -> &'static str {\n        match self {\n";
    for e in &cloud.events {
        let _ = writeln!(
            s,
            "            Self::{}(_) => {}Event::KIND,",
            e.pascal, e.pascal
        );
    }
    s += "        }\n    }\n}\n\n";
    let _ = writeln!(s, "impl TryFrom<&crate::Event> for {en} {{");
    s += "    type Error = crate::Error;\n";
    s += "    fn try_from(event: &crate::Event) -> crate::Result<Self> {\n        match event.kind.as_str() {\n";
    for e in &cloud.events {
        let _ = writeln!(
            s,
            "            {}Event::KIND => Ok(Self::{}(event.try_into()?)),",
            e.pascal, e.pascal
        );
    }
    let _ = writeln!(
        s,
        "            _ => Err(crate::callbacks::unknown_kind(crate::Cloud::{}, event)),",
        match cloud.cloud {
            imcloud_catalogue::Cloud::Rongcloud => "Rongcloud",
            imcloud_catalogue::Cloud::Easemob => "Easemob",
        }
    );
    s += "        }\n    }\n}\n";
    s
}

/// `parse_callback_typed` on the client.
fn typed_parse_method(cloud: &CloudModel) -> String {
    let mut s = String::new();
    s += &doc(&format!(
        "[`parse_callback`](Self::parse_callback), each event typed as [`{key}::events::{en}`]: `match` on it for the kind's struct. Verify the signature first.",
        key = cloud.key,
        en = enum_name(cloud)
    ));
    let _ = writeln!(
        s,
        "pub fn parse_callback_typed(&self, body: &[u8], content_type: Option<&str>) -> crate::Result<Vec<{}::events::{}>> {{",
        cloud.key,
        enum_name(cloud)
    );
    s +=
        "    self.parse_callback(body, content_type)?.iter().map(TryFrom::try_from).collect()\n}\n";
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
        if !cloud.events.is_empty() {
            types += &format!(
                "\n/// Typed server-callback events of {}: a struct per declared kind and [`{}`].\npub mod events {{\n{}}}\n",
                cloud.client,
                format_args!("events::{}", enum_name(cloud)),
                indent(&events_module(cloud), "    ")
            );
            methods += "\n";
            methods += &typed_parse_method(cloud);
        }
        let _ = write!(
            out,
            "\n/// Typed parameters and results of every {} operation, and its typed callback events.\npub mod {} {{\n{}}}\n\n/// Every {} operation, typed.\nimpl crate::{} {{\n{}}}\n",
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
