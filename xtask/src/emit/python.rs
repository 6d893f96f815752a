//! The Python surface (`bindings-python/python/imcloud/_generated.py`): a result class per
//! operation (typed read-only properties over the fields core normalised), the sync and asyncio
//! operations classes with a keyword-only method per operation, and the `ClientOptions` TypedDict.

use std::fmt::Write as _;

use imcloud_catalogue::{OptionType, ParamType};

use crate::Output;
use crate::model::{CloudModel, FieldModel, Model, OpKind, OpModel, ParamModel};

const PATH: &str = "bindings-python/python/imcloud/_generated.py";

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A Python identifier for a catalogue name: a keyword gets a trailing `_` (`from` → `from_`).
fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// A Python string literal.
fn lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A docstring (`"""…"""`) indented by `by`, for text of one or more lines.
fn docstring(text: &str, by: &str) -> String {
    let mut text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    if text.ends_with('"') {
        text.pop();
        text.push_str("\\\"");
    }
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        return format!("{by}\"\"\"{first}\"\"\"\n");
    }
    let mut s = format!("{by}\"\"\"{first}\n");
    for l in rest {
        if l.is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "{by}{l}");
        }
    }
    let _ = writeln!(s, "{by}\"\"\"");
    s
}

/// The type a caller gives for a parameter.
fn param_type(p: &ParamModel) -> String {
    match p.p.ty {
        ParamType::String => match &p.p.enum_values {
            Some(values) if !values.is_empty() => format!(
                "Literal[{}]",
                values.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
            ),
            _ => "str".into(),
        },
        ParamType::Int => "int".into(),
        ParamType::Bool => "bool".into(),
        ParamType::StringList => "Sequence[str]".into(),
        ParamType::Json => "Any".into(),
        ParamType::JsonString => "Union[Mapping[str, Any], str]".into(),
        ParamType::ObjectList => "Sequence[Mapping[str, Any]]".into(),
        ParamType::StringMap => "Mapping[str, str]".into(),
        ParamType::File => "FileInput".into(),
    }
}

/// The type in words, for the docstrings.
fn type_words(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "a str",
        ParamType::Int => "an int",
        ParamType::Bool => "a bool",
        ParamType::StringList => "a list of str",
        ParamType::Json => "any JSON value (usually a dict)",
        ParamType::JsonString => "a dict, or a str holding JSON",
        ParamType::ObjectList => "a list of dicts",
        ParamType::StringMap => "a dict of str to str",
        ParamType::File => "a path, bytes, or a binary file object; streamed",
    }
}

/// The type of a result field as core normalised it (JSON as Python values); `None` when the
/// declared type has no narrower Python type than `Any`.
fn field_type(ty: ParamType) -> Option<&'static str> {
    Some(match ty {
        ParamType::String => "Optional[str]",
        ParamType::Int => "Optional[int]",
        ParamType::Bool => "Optional[bool]",
        ParamType::StringList => "Optional[List[str]]",
        ParamType::ObjectList => "Optional[List[Dict[str, Any]]]",
        _ => return None,
    })
}

fn option_type(ty: OptionType) -> &'static str {
    match ty {
        OptionType::Seconds => "float",
        OptionType::Int => "int",
        OptionType::Bool => "bool",
        OptionType::String => "str",
    }
}

/// The result class of an operation (`DownloadResult` for a download).
fn result_name(cloud: &CloudModel, op: &OpModel) -> String {
    if op.kind == OpKind::Download {
        "DownloadResult".into()
    } else {
        format!("{}{}Result", cloud.client, op.pascal)
    }
}

/// A list result gets an item class; an `array` result without declared fields stays a plain
/// result (its `data` is the list).
fn is_list(op: &OpModel) -> bool {
    op.result.list && !op.result.fields.is_empty()
}

/// A read-only property per declared field, reading what core normalised.
fn properties(fields: &[FieldModel]) -> String {
    let mut s = String::new();
    for f in fields {
        let key = lit(&f.f.name);
        s += "\n    @property\n";
        let read = match field_type(f.ty) {
            Some(t) => {
                let _ = writeln!(s, "    def {}(self) -> {t}:", ident(&f.snake));
                format!("return cast({}, self._fields.get({key}))", lit(t))
            }
            None => {
                let _ = writeln!(s, "    def {}(self) -> Any:", ident(&f.snake));
                format!("return self._fields.get({key})")
            }
        };
        if !f.doc.is_empty() {
            s += &docstring(&f.doc, "        ");
        }
        let _ = writeln!(s, "        {read}");
    }
    s
}

fn result_classes(cloud: &CloudModel, op: &OpModel) -> String {
    let name = result_name(cloud, op);
    let what = |base: String| {
        if op.result.doc.is_empty() {
            base
        } else {
            format!("{base} {}", op.result.doc)
        }
    };
    let mut s = String::new();
    if is_list(op) {
        let item = format!("{}{}Item", cloud.client, op.pascal);
        let _ = writeln!(s, "class {item}(Item):");
        s += &docstring(
            &format!("One item of the result of ``{}``.", op.name),
            "    ",
        );
        s += &properties(&op.result.fields);
        let _ = writeln!(s, "\n\nclass {name}(ListResult[{item}]):");
        s += &docstring(
            &what(format!(
                "The result of ``{}``: a list of :class:`{item}`.",
                op.name
            )),
            "    ",
        );
        let _ = writeln!(s, "\n    _item = {item}");
    } else {
        let _ = writeln!(s, "class {name}(Result):");
        s += &docstring(&what(format!("The result of ``{}``.", op.name)), "    ");
        s += &properties(&op.result.fields);
    }
    s
}

/// A typed event class per declared callback kind (an `Item`: typed properties, `raw`, and the
/// `kind` it was recognised as), and the map from kind to class the client's `parse_callback` uses.
fn event_classes(cloud: &CloudModel) -> String {
    let mut s = String::new();
    for e in &cloud.events {
        let cls = e.class(cloud);
        let _ = writeln!(s, "\n\nclass {cls}(Item):");
        s += &docstring(
            &format!(
                "{} callback ``{}``: {} (from ``{}.parse_callback``)",
                cloud.client, e.name, e.doc, cloud.client
            ),
            "    ",
        );
        let _ = writeln!(s, "\n    kind: Literal[{}] = {}", lit(e.name), lit(e.name));
        s += &properties(&e.fields);
    }
    let union = if cloud.events.is_empty() {
        "Item".to_string()
    } else {
        format!(
            "Union[{}]",
            cloud
                .events
                .iter()
                .map(|e| e.class(cloud))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let _ = writeln!(s, "\n\n{}Event = {union}", cloud.client);
    let _ = writeln!(
        s,
        "\n{}_EVENTS: Dict[str, Type[Item]] = {{",
        cloud.key.to_uppercase()
    );
    for e in &cloud.events {
        let _ = writeln!(s, "    {}: {},", lit(e.name), e.class(cloud));
    }
    s += "}\n";
    s
}

fn method(cloud: &CloudModel, op: &OpModel, is_async: bool) -> String {
    let mut sig = vec!["self".to_string(), "*".to_string()];
    let mut args_doc: Vec<String> = Vec::new();
    if let Some(file) = &op.file {
        sig.push(format!("{}: FileInput", ident(&file.snake)));
        sig.push("filename: Optional[str] = None".into());
        args_doc.push(format!(
            "{}: ({}; required) {}",
            ident(&file.snake),
            type_words(ParamType::File),
            file.doc
        ));
        args_doc.push(
            "filename: (a str) The name sent for bytes or a file object (a path sends its own name)."
                .into(),
        );
    }
    if op.kind == OpKind::Download {
        sig.push("dest: FileDest".into());
        args_doc.push(
            "dest: (a path, or a binary file object; streamed; required) Where the file goes."
                .into(),
        );
    }
    for p in op.params.iter().filter(|p| p.required) {
        sig.push(format!("{}: {}", ident(&p.snake), param_type(p)));
    }
    for p in op.params.iter().filter(|p| !p.required) {
        sig.push(format!(
            "{}: Optional[{}] = None",
            ident(&p.snake),
            param_type(p)
        ));
    }
    for p in &op.params {
        let req = if p.required { "; required" } else { "" };
        let text = format!("({}{req}) {}", type_words(p.p.ty), p.doc);
        args_doc.push(format!("{}: {}", ident(&p.snake), text.trim_end()));
    }
    // a bare `*` needs at least one keyword after it
    if sig.len() == 2 {
        sig.pop();
    }
    // params first, then file and destination, as a caller reads the signature's names
    let extra = usize::from(op.file.is_some()) * 2 + usize::from(op.kind == OpKind::Download);
    args_doc.rotate_left(extra);

    let mut doc = format!(
        "{}\n\n``{}`` — catalogue operation ``{}``.",
        op.op.summary, op.http, op.name
    );
    if !args_doc.is_empty() {
        doc += "\n\nArgs:";
        for a in &args_doc {
            let _ = write!(doc, "\n    {a}");
        }
    }
    doc += "\n";

    let result = result_name(cloud, op);
    let args = format!(
        "{{{}}}",
        op.params
            .iter()
            .map(|p| format!("{}: {}", lit(&p.p.name), ident(&p.snake)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let aw = if is_async { "await " } else { "" };
    let name = lit(op.name);
    let body = match op.kind {
        OpKind::Upload => {
            let file = ident(&op.file.as_ref().expect("an upload has a file").snake);
            format!("return {aw}self._upload({name}, {args}, {file}, filename, {result})")
        }
        OpKind::Download => format!("return {aw}self._download({name}, {args}, dest)"),
        OpKind::Call => format!("return {aw}self._call({name}, {args}, {result})"),
    };

    let mut s = String::new();
    let def = if is_async { "async def" } else { "def" };
    let _ = writeln!(s, "    {def} {}(", op.snake);
    for a in &sig {
        let _ = writeln!(s, "        {a},");
    }
    let _ = writeln!(s, "    ) -> {result}:");
    s += &docstring(&doc, "        ");
    let _ = writeln!(s, "        {body}");
    if let Some(paged) = &op.paged {
        // the same parameters; one call per page, the next page's arguments from core
        let iter = if is_async {
            "AsyncIterator"
        } else {
            "Iterator"
        };
        let _ = writeln!(s, "\n    def {}_pages(", op.snake);
        for a in &sig {
            let _ = writeln!(s, "        {a},");
        }
        let _ = writeln!(s, "    ) -> {iter}[{result}]:");
        let how = if is_async {
            "async for page in"
        } else {
            "for page in"
        };
        s += &docstring(
            &format!(
                "Every page of ``{}``, one call each, from the page these arguments ask for to the last: ``{how} client.{}_pages(...)``; {}. Same arguments as :meth:`{}`.\n",
                op.name,
                op.snake,
                paged.about(|f| ident(&f.snake)).replace('`', "``"),
                op.snake
            ),
            "        ",
        );
        let _ = writeln!(s, "        return self._pages({name}, {args}, {result})");
    }
    s
}

fn operations_class(cloud: &CloudModel, is_async: bool) -> String {
    let (prefix, base, kind) = if is_async {
        ("Async", "_AsyncClient", "asyncio")
    } else {
        ("", "_SyncClient", "blocking")
    };
    let mut s = String::new();
    let _ = writeln!(s, "class {prefix}{}Operations({base}):", cloud.client);
    s += &docstring(
        &format!("Every {} operation of the catalogue ({kind}).", cloud.key),
        "    ",
    );
    s += "\n    _results = {\n";
    for op in cloud.ops.iter().filter(|op| op.kind != OpKind::Download) {
        let _ = writeln!(s, "        {}: {},", lit(op.name), result_name(cloud, op));
    }
    s += "    }\n";
    for op in &cloud.ops {
        s += "\n";
        s += &method(cloud, op, is_async);
    }
    s
}

fn client_options(model: &Model) -> String {
    let mut s = String::from("class ClientOptions(TypedDict, total=False):\n");
    s += &docstring(
        "Settings every client takes as keyword arguments. Durations are seconds.",
        "    ",
    );
    s += "\n";
    for o in &model.options {
        let _ = writeln!(s, "    {}: {}", ident(&o.snake), option_type(o.o.ty));
        s += &docstring(&o.doc, "    ");
    }
    s
}

pub fn emit(model: &Model) -> Vec<Output> {
    let mut out = String::from(
        "\"\"\"Generated by `cargo xtask gen` from catalogue/. Do not edit.\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from typing import Any, AsyncIterator, Dict, Iterator, List, Literal, Mapping, Optional, Sequence, Type, TypedDict, Union, cast\n\n\
         from ._base import DownloadResult, FileDest, FileInput, Item, ListResult, Result, _AsyncClient, _SyncClient\n",
    );
    out += "\n\n";
    out += &client_options(model);
    for cloud in &model.clouds {
        for op in cloud.ops.iter().filter(|op| op.kind != OpKind::Download) {
            out += "\n\n";
            out += &result_classes(cloud, op);
        }
        out += &event_classes(cloud);
        for is_async in [false, true] {
            out += "\n\n";
            out += &operations_class(cloud, is_async);
        }
    }
    // what `from ._generated import *` gives: the callback events (`imcloud.events`)
    out += "\n\n__all__ = [\n";
    for cloud in &model.clouds {
        for name in [
            format!("{}Event", cloud.client),
            format!("{}_EVENTS", cloud.key.to_uppercase()),
        ]
        .into_iter()
        .chain(cloud.events.iter().map(|e| e.class(cloud)))
        {
            let _ = writeln!(out, "    {},", lit(&name));
        }
    }
    out += "]\n";
    vec![Output {
        path: PATH,
        text: out,
    }]
}
