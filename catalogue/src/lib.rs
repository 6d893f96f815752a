//! The imcloud endpoint catalogue: every operation of both clouds declared once, as data.
//!
//! The declarations live in `catalogue/<cloud>/<family>.json` (one file per resource family, plus
//! `_cloud.json` with the cloud's own description). The core's requests and validation, the
//! emulator's routing, the code generator (`cargo xtask gen`) and through it every language's typed
//! surface are derived from them. This crate holds only the data, its types and the pure functions
//! every consumer needs the same way: result normalisation, redaction, and limits in words.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod files {
    include!(concat!(env!("OUT_DIR"), "/files.rs"));
}
mod normalise;
mod samples;
pub use normalise::{normalise, normalise_fields, redact};
pub use samples::{sample_args, sample_value};

/// The value at a declared location: a dotted path (`data.entities.0`), `$` for the root.
pub fn get_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path == "$" {
        return Some(root);
    }
    let mut cur = root;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Which cloud an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    Rongcloud,
    Easemob,
}

/// One cloud's operations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Api {
    pub cloud: Cloud,
    pub doc: String,
    /// The resource families, in file-name order; each operation names its own.
    #[serde(default)]
    pub families: Vec<Family>,
    pub operations: Vec<Operation>,
    /// The server callbacks this cloud sends (`<cloud>/_callbacks.json`), in recognition order.
    #[serde(default)]
    pub callbacks: Vec<CallbackKind>,
    /// What the callbacks file says about this cloud's callbacks.
    #[serde(default)]
    pub callbacks_doc: String,
}

/// How a server callback's body arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// `application/x-www-form-urlencoded` fields: one event.
    Form,
    /// One JSON object: one event.
    Json,
    /// A JSON array: one event per item.
    JsonArray,
}

/// How a callback kind is recognised in a body (or an array item): every condition holds. Keys
/// are wire paths, as fields' are (`payload.type` is `type` inside `payload`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CallbackMatch {
    /// Wire paths that are present (and not null).
    #[serde(default)]
    pub present: Vec<String>,
    /// Wire paths that are absent.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Wire paths whose value (as text) is one of the listed values.
    #[serde(default)]
    pub equals: BTreeMap<String, Vec<String>>,
}

/// One kind of server callback (declared in `<cloud>/_callbacks.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallbackKind {
    /// snake_case, e.g. `message_route`; the typed event classes are named after it.
    pub name: String,
    #[serde(default)]
    pub doc: String,
    pub arrives: Arrival,
    /// How a body (or an array item) of this kind is told apart; kinds are tried in order.
    #[serde(rename = "when")]
    pub matches: CallbackMatch,
    /// The documented fields of one event, the same `Field` results use.
    pub fields: Vec<Field>,
    /// A documented example body: for `form`, an object of field → text; for `json`, the object;
    /// for `json_array`, the array. Every declared field is in it (checked by tests), so every
    /// language's tests parse it and check each typed field.
    pub example: Value,
}

impl CallbackMatch {
    /// Whether a JSON object (a form body read as an object of strings) is of this kind.
    pub fn matches(&self, object: &Value) -> bool {
        if !object.is_object() {
            return false;
        }
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.present
            .iter()
            .all(|k| get_path(object, k).is_some_and(|v| !v.is_null()))
            && self.absent.iter().all(|k| get_path(object, k).is_none())
            && self.equals.iter().all(|(k, values)| {
                get_path(object, k).is_some_and(|v| values.iter().any(|want| *want == text(v)))
            })
    }
}

impl Arrival {
    /// Whether a body of this kind is JSON. JSON kinds are recognised alike whether the body is one
    /// object or an array of them (RongCloud's pages call a body "a JSON object" and show an array);
    /// `json` / `json_array` say how the documented example looks.
    pub fn is_json(self) -> bool {
        self != Arrival::Form
    }
}

#[derive(Deserialize)]
struct CallbacksFile {
    #[serde(default)]
    doc: String,
    callbacks: Vec<CallbackKind>,
}

/// Why a callbacks declaration cannot be used, if it cannot.
fn callbacks_problem(kinds: &[CallbackKind]) -> Option<String> {
    for (i, k) in kinds.iter().enumerate() {
        if kinds[..i].iter().any(|o| o.name == k.name) {
            return Some(format!("callback '{}' is declared twice", k.name));
        }
        let m = &k.matches;
        if m.present.is_empty() && m.equals.is_empty() {
            return Some(format!(
                "callback '{}': `when` needs `present` or `equals` keys",
                k.name
            ));
        }
        let items: Vec<&Value> = match (&k.arrives, &k.example) {
            (Arrival::JsonArray, Value::Array(items)) if !items.is_empty() => {
                items.iter().collect()
            }
            (Arrival::JsonArray, _) => {
                return Some(format!("callback '{}': example is not a list", k.name));
            }
            (Arrival::Form, Value::Object(o)) if o.values().all(Value::is_string) => {
                vec![&k.example]
            }
            (Arrival::Form, _) => {
                return Some(format!(
                    "callback '{}': a form example is an object of strings",
                    k.name
                ));
            }
            (Arrival::Json, Value::Object(_)) => vec![&k.example],
            (Arrival::Json, _) => {
                return Some(format!("callback '{}': example is not an object", k.name));
            }
        };
        for item in items {
            if let Some(f) = k.fields.iter().find(|f| get_path(item, &f.wire).is_none()) {
                return Some(format!(
                    "callback '{}': example has no '{}' (every declared field is in it)",
                    k.name, f.wire
                ));
            }
            // the example is recognised as this kind, not an earlier one
            let first = kinds
                .iter()
                .filter(|o| o.arrives.is_json() == k.arrives.is_json())
                .find(|o| o.matches.matches(item));
            if first.map(|o| o.name.as_str()) != Some(k.name.as_str()) {
                return Some(format!(
                    "callback '{}': its example is recognised as {:?}",
                    k.name,
                    first.map(|o| &o.name)
                ));
            }
        }
    }
    None
}

/// How a request's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// `application/x-www-form-urlencoded` body.
    Form,
    /// `application/json` body.
    Json,
    /// `multipart/form-data` body with one file part.
    Multipart,
    /// Parameters in the query string, no body.
    Query,
    /// No body and no query (path parameters only).
    None,
}

/// Whether the call carries the cloud's authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    #[default]
    Default,
    None,
}

/// A parameter's type, as the caller gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    String,
    Int,
    Bool,
    StringList,
    /// Any JSON value (an object, usually).
    Json,
    /// A JSON value sent as a JSON *string* (RongCloud's `content`): give an object, or a string holding JSON.
    JsonString,
    ObjectList,
    StringMap,
    File,
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Body,
    Header,
    File,
}

/// A list limit that depends on another parameter's value (e.g. recipients per target type).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaxItemsBy {
    pub param: String,
    pub values: BTreeMap<String, u64>,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// The name callers use in every language (snake_case).
    pub name: String,
    /// The name on the wire; dotted for nested JSON (`body.msg`), `$` for the whole JSON body.
    pub wire: String,
    #[serde(rename = "type")]
    pub ty: ParamType,
    #[serde(rename = "in", default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub doc: String,
    /// Length limits in characters (Unicode scalar values), for strings and for each list item.
    #[serde(default)]
    pub min_len: Option<u64>,
    #[serde(default)]
    pub max_len: Option<u64>,
    /// Length limit in UTF-8 bytes: of a string (and of each list item); of a JSON-valued
    /// parameter (`json`, `json_string`, `string_map`), of its JSON text as sent.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub min_items: Option<u64>,
    #[serde(default)]
    pub max_items: Option<u64>,
    #[serde(default)]
    pub max_items_by: Option<MaxItemsBy>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// Largest file, in bytes.
    #[serde(default)]
    pub max_size: Option<u64>,
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<String>>,
    /// Wire format of a bool: `"01"` sends 1/0; any other text is sent when true and omitted when false.
    /// Of a `string_list` in a form, query or JSON body: `"comma"` sends one comma-joined string
    /// (`userIds=a,b`) instead of the name repeated (form, query) or a JSON array.
    /// Of a `string_list` or `object_list` in a form or query: `"json"` sends one field holding
    /// the list as JSON text (`extraKey=["k1","k2"]`).
    /// Of a `string_map` in a form or query: `"bracket"` sends one field per entry, named
    /// `wire[key]` (`chatroom[r1]=Lobby&chatroom[r2]=Games`).
    #[serde(default)]
    pub format: Option<String>,
    /// A named character class: `user_id` (Easemob user names), `rongcloud_user_id` or `custom_event`.
    #[serde(default)]
    pub pattern: Option<String>,
    /// For `object_list`: the fields of each item.
    #[serde(default)]
    pub item_fields: Vec<Param>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub default: Option<Value>,
}

/// What a successful answer looks like.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponseShape {
    /// Where the result sits in the body: `data`, `entities`, `entities.0`; absent: the whole body.
    #[serde(default)]
    pub root: Option<String>,
    /// `object`, `array`, or `bytes` (a download).
    pub shape: String,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub doc: String,
}

/// A documented field of a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub wire: String,
    #[serde(rename = "type")]
    pub ty: ParamType,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub secret: bool,
}

/// One endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operation {
    pub name: String,
    /// The resource family (the catalogue file it is declared in, e.g. `user`), filled when loading.
    #[serde(default)]
    pub family: String,
    pub summary: String,
    pub method: String,
    /// Path template; `{wire}` marks a path parameter. Easemob paths are relative to `/{org}/{app}`.
    pub path: String,
    pub encoding: Encoding,
    /// Safe to send twice: retried on another host even when the first attempt may have been processed.
    pub idempotent: bool,
    #[serde(default)]
    pub auth: Auth,
    /// The answer is the file's bytes, streamed to a sink.
    #[serde(default)]
    pub download: bool,
    #[serde(default)]
    pub params: Vec<Param>,
    /// The JSON body is a one-element list holding the object the parameters build
    /// (Easemob's single-user registration sends `[{"username": …}]`).
    #[serde(default)]
    pub body_in_list: bool,
    /// Fixed body fields (e.g. a message's `type`).
    #[serde(rename = "const", default)]
    pub constants: Map<String, Value>,
    /// Body fields the client fills from its credentials (wire name → credential name).
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    pub response: ResponseShape,
    /// A list read page by page; every language gets an iterator over the items of all pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paged: Option<Paged>,
}

/// How a paged list asks for its next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageStyle {
    /// Each answer carries a cursor for the next page (`next`); the last page has none.
    Cursor,
    /// Pages are numbered from 1 (or the number the caller starts at); a page shorter than the
    /// page size (`size`) or empty is the last.
    Page,
}

/// A paged list operation (`"paged"` in the catalogue).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paged {
    pub style: PageStyle,
    /// The parameter (caller name) that carries the cursor or the page number.
    pub param: String,
    /// Cursor style: where the next page's cursor is in the answer's body (a dotted wire path
    /// from the top of the body, e.g. `cursor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The page-size parameter (caller name), if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The result field (caller name) that holds a page's items; absent: the result is the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
}

/// A resource family: the operations of one catalogue file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Family {
    /// The file's name without `.json`; every operation's name starts with it.
    #[serde(rename = "family")]
    pub name: String,
    #[serde(default)]
    pub doc: String,
}

#[derive(Deserialize)]
struct FamilyFile {
    #[serde(flatten)]
    family: Family,
    operations: Vec<Operation>,
}

#[derive(Deserialize)]
struct CloudFile {
    cloud: Cloud,
    doc: String,
}

/// An operation name that is not in the catalogue.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown operation '{name}'; known: {known}")]
pub struct UnknownOperation {
    pub name: String,
    known: String,
}

/// A catalogue file that does not follow the rules (checked by this crate's tests, so a bad edit
/// fails `cargo test` before anything else uses it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("catalogue/{cloud}/{file}.json: {problem}")]
pub struct CatalogueError {
    pub cloud: &'static str,
    pub file: String,
    pub problem: String,
}

/// Reads one cloud's files into an [`Api`].
pub fn load(cloud: &'static str, files: &[(&str, &str)]) -> Result<Api, CatalogueError> {
    let err = |file: &str, problem: String| CatalogueError {
        cloud,
        file: file.to_string(),
        problem,
    };
    let mut head: Option<CloudFile> = None;
    let mut families = Vec::new();
    let mut operations: Vec<Operation> = Vec::new();
    let mut callbacks = CallbacksFile {
        doc: String::new(),
        callbacks: Vec::new(),
    };
    for (stem, text) in files {
        if *stem == "_cloud" {
            head = Some(serde_json::from_str(text).map_err(|e| err(stem, e.to_string()))?);
            continue;
        }
        if *stem == "_callbacks" {
            callbacks = serde_json::from_str(text).map_err(|e| err(stem, e.to_string()))?;
            if let Some(problem) = callbacks_problem(&callbacks.callbacks) {
                return Err(err(stem, problem));
            }
            continue;
        }
        let file: FamilyFile = serde_json::from_str(text).map_err(|e| err(stem, e.to_string()))?;
        if file.family.name != *stem {
            return Err(err(
                stem,
                format!(
                    "declares family '{}'; the file name is the family",
                    file.family.name
                ),
            ));
        }
        for mut op in file.operations {
            let prefix_ok = op.name == *stem || op.name.starts_with(&format!("{stem}."));
            if !prefix_ok {
                return Err(err(
                    stem,
                    format!("operation '{}' does not start with '{stem}.'", op.name),
                ));
            }
            if operations.iter().any(|o| o.name == op.name) {
                return Err(err(
                    stem,
                    format!("operation '{}' is declared twice", op.name),
                ));
            }
            for p in &op.params {
                if let Some(problem) = p.format_problem() {
                    return Err(err(
                        stem,
                        format!("operation '{}' parameter '{}': {problem}", op.name, p.name),
                    ));
                }
            }
            if let Some(problem) = op.paged.as_ref().and_then(|pg| pg.problem(&op)) {
                return Err(err(
                    stem,
                    format!("operation '{}' paged: {problem}", op.name),
                ));
            }
            op.family = stem.to_string();
            operations.push(op);
        }
        families.push(file.family);
    }
    let head = head.ok_or_else(|| err("_cloud", "missing".into()))?;
    Ok(Api {
        cloud: head.cloud,
        doc: head.doc,
        families,
        operations,
        callbacks: callbacks.callbacks,
        callbacks_doc: callbacks.doc,
    })
}

static RONGCLOUD: OnceLock<Api> = OnceLock::new();
static EASEMOB: OnceLock<Api> = OnceLock::new();
static RONGCLOUD_JSON: OnceLock<String> = OnceLock::new();
static EASEMOB_JSON: OnceLock<String> = OnceLock::new();

/// The RongCloud catalogue.
pub fn rongcloud() -> &'static Api {
    RONGCLOUD.get_or_init(|| {
        load("rongcloud", files::RONGCLOUD).unwrap_or_else(|e| panic!("{e} (checked by tests)"))
    })
}

/// The Easemob / Agora Chat catalogue.
pub fn easemob() -> &'static Api {
    EASEMOB.get_or_init(|| {
        load("easemob", files::EASEMOB).unwrap_or_else(|e| panic!("{e} (checked by tests)"))
    })
}

/// A cloud's catalogue.
pub fn api(cloud: Cloud) -> &'static Api {
    match cloud {
        Cloud::Rongcloud => rongcloud(),
        Cloud::Easemob => easemob(),
    }
}

/// Every cloud, in a fixed order.
pub const CLOUDS: [Cloud; 2] = [Cloud::Rongcloud, Cloud::Easemob];

/// A cloud's whole catalogue as one JSON document (what `imcloud.catalogue()` returns in the bindings).
pub fn catalogue_json(cloud: Cloud) -> &'static str {
    let cell = match cloud {
        Cloud::Rongcloud => &RONGCLOUD_JSON,
        Cloud::Easemob => &EASEMOB_JSON,
    };
    cell.get_or_init(|| serde_json::to_string(api(cloud)).expect("the catalogue serialises"))
}

impl Cloud {
    /// `rongcloud` or `easemob`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Rongcloud => "rongcloud",
            Cloud::Easemob => "easemob",
        }
    }
}

impl Api {
    /// A declared callback kind by name.
    pub fn callback(&self, name: &str) -> Option<&CallbackKind> {
        self.callbacks.iter().find(|k| k.name == name)
    }

    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// The operation, or an error naming the known ones.
    pub fn require(&self, name: &str) -> Result<&Operation, UnknownOperation> {
        self.operation(name).ok_or_else(|| UnknownOperation {
            name: name.to_string(),
            known: self
                .operations
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

impl Operation {
    /// Where this parameter travels.
    pub fn location_of(&self, p: &Param) -> Location {
        if let Some(l) = p.location {
            return l;
        }
        if p.ty == ParamType::File {
            return Location::File;
        }
        if self.path.contains(&format!("{{{}}}", p.wire)) {
            return Location::Path;
        }
        match self.encoding {
            Encoding::Form | Encoding::Json | Encoding::Multipart => Location::Body,
            Encoding::Query | Encoding::None => Location::Query,
        }
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The file parameter of an upload, if this is one.
    pub fn file_param(&self) -> Option<&Param> {
        self.params.iter().find(|p| p.ty == ParamType::File)
    }

    /// A parameter the caller must give (required and without a default).
    pub fn is_required(p: &Param) -> bool {
        p.required && p.default.as_ref().is_none_or(Value::is_null)
    }

    /// The wire names of the result fields declared secret (redacted in every printed form).
    pub fn secret_fields(&self) -> Vec<&str> {
        self.response
            .fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.wire.as_str())
            .collect()
    }
}

impl Paged {
    /// Why this declaration does not fit its operation, if it does not.
    fn problem(&self, op: &Operation) -> Option<String> {
        let has = |name: &str| op.params.iter().any(|p| p.name == name);
        if !has(&self.param) {
            return Some(format!("no parameter '{}'", self.param));
        }
        if let Some(size) = &self.size
            && !has(size)
        {
            return Some(format!("no parameter '{size}' (size)"));
        }
        match (&self.style, &self.next) {
            (PageStyle::Cursor, None) => return Some("a cursor list needs 'next'".into()),
            (PageStyle::Page, Some(_)) => return Some("a numbered list has no 'next'".into()),
            _ => {}
        }
        match &self.items {
            Some(items) => {
                let field = op.response.fields.iter().find(|f| &f.name == items);
                match field {
                    None => Some(format!("no result field '{items}' (items)")),
                    Some(f) if !matches!(f.ty, ParamType::ObjectList | ParamType::StringList) => {
                        Some(format!("result field '{items}' is not a list"))
                    }
                    Some(_) => None,
                }
            }
            None if op.response.shape != "array" => {
                Some("the result is not a list; name the field that holds the items".into())
            }
            None => None,
        }
    }
}

impl Param {
    /// A list sent as one comma-joined string (`"format": "comma"`).
    pub fn comma_joined(&self) -> bool {
        self.ty == ParamType::StringList && self.format.as_deref() == Some("comma")
    }

    /// A list sent as one field of JSON text (`"format": "json"`).
    pub fn json_text_list(&self) -> bool {
        matches!(self.ty, ParamType::StringList | ParamType::ObjectList)
            && self.format.as_deref() == Some("json")
    }

    /// A map sent as one `wire[key]=value` field per entry (`"format": "bracket"`).
    pub fn bracket_map(&self) -> bool {
        self.ty == ParamType::StringMap && self.format.as_deref() == Some("bracket")
    }

    /// Why this parameter's `format` cannot be used, if it cannot.
    fn format_problem(&self) -> Option<String> {
        match (self.ty, self.format.as_deref()) {
            (_, None)
            | (ParamType::Bool, Some(_))
            | (ParamType::StringList, Some("comma" | "json"))
            | (ParamType::ObjectList, Some("json"))
            | (ParamType::StringMap, Some("bracket")) => None,
            (ParamType::StringList, Some(f)) => Some(format!(
                "format '{f}' is not known for a list (only 'comma' or 'json')"
            )),
            (ty, Some(f)) => Some(format!("format '{f}' is not known for {ty:?}")),
        }
    }

    /// The declared limits in words, e.g. `at most 64 characters; 1..1000`; empty when none.
    /// Every language's documentation uses this one wording.
    pub fn limits_text(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        let each = if self.ty == ParamType::StringList {
            " each"
        } else {
            ""
        };
        match (self.min_len, self.max_len) {
            (_, Some(max)) => out.push(format!("at most {max} characters{each}")),
            (Some(min), None) if min > 1 => out.push(format!("at least {min} characters{each}")),
            (Some(1), None) => out.push(format!("not empty{each}")),
            _ => {}
        }
        if let Some(b) = self.max_bytes {
            out.push(format!("at most {b} bytes{each}"));
        }
        if self.min.is_some() || self.max.is_some() {
            let show = |v: Option<i64>| v.map_or("…".to_string(), |v| v.to_string());
            out.push(format!("{}..{}", show(self.min), show(self.max)));
        }
        match (self.min_items, self.max_items) {
            (Some(min), Some(max)) => out.push(format!("{min} to {max} items")),
            (None, Some(max)) => out.push(format!("at most {max} items")),
            (Some(min), None) if min > 0 => out.push(format!("at least {min} items")),
            _ => {}
        }
        if let Some(by) = &self.max_items_by {
            let each: Vec<String> = by
                .values
                .iter()
                .map(|(k, n)| format!("{n} for {k}"))
                .collect();
            out.push(format!("at most {} (by {})", each.join(", "), by.param));
        }
        if let Some(size) = self.max_size {
            out.push(if size % (1024 * 1024) == 0 {
                format!("at most {} MB", size / (1024 * 1024))
            } else {
                format!("at most {size} bytes")
            });
        }
        if let Some(values) = &self.enum_values {
            out.push(format!("one of {}", values.join(", ")));
        }
        out.join("; ")
    }
}

#[cfg(test)]
mod tests;

/// The type of a client option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionType {
    /// A duration, given as a number of seconds.
    Seconds,
    Int,
    Bool,
    String,
}

/// A setting every client takes (declared once in `catalogue/options.json`; the core applies them
/// and every language's options type is generated from them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientOption {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: OptionType,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub min: Option<f64>,
    /// The least value itself is not allowed (a zero timeout would fail every call).
    #[serde(default)]
    pub min_exclusive: bool,
    #[serde(default)]
    pub max: Option<f64>,
    /// The value may hold a credential (a proxy URL with a password): every language's options
    /// type leaves it out of its text form (`toString`, `description`, `repr`).
    #[serde(default)]
    pub secret: bool,
    pub doc: String,
}

#[derive(Deserialize)]
struct OptionsFile {
    options: Vec<ClientOption>,
}

static OPTIONS: OnceLock<Vec<ClientOption>> = OnceLock::new();

/// Every client option, in declaration order.
pub fn client_options() -> &'static [ClientOption] {
    OPTIONS.get_or_init(|| {
        serde_json::from_str::<OptionsFile>(include_str!("../options.json"))
            .expect("catalogue/options.json is valid (checked by tests)")
            .options
    })
}

impl ClientOption {
    /// The documentation with the default, e.g. `Time to connect to one host (default 5).`
    pub fn doc_with_default(&self) -> String {
        let doc = self.doc.trim_end_matches('.');
        match &self.default {
            Some(Value::Bool(b)) => format!("{doc} (default {b})."),
            Some(v) => format!("{doc} (default {v})."),
            None => format!("{doc}."),
        }
    }
}
