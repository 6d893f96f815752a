//! The endpoint catalogue: every operation of both clouds declared once, as data
//! (`core/catalogue/*.json`). The client's requests, the validation before sending, the emulator's
//! routing and parsing, and the bindings' typed surfaces are all derived from these declarations.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

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
    pub operations: Vec<Operation>,
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
}

static RONGCLOUD: OnceLock<Api> = OnceLock::new();
static EASEMOB: OnceLock<Api> = OnceLock::new();

/// The RongCloud catalogue.
pub fn rongcloud() -> &'static Api {
    RONGCLOUD.get_or_init(|| {
        serde_json::from_str(include_str!("../catalogue/rongcloud.json"))
            .expect("catalogue/rongcloud.json is valid (checked by tests)")
    })
}

/// The Easemob / Agora Chat catalogue.
pub fn easemob() -> &'static Api {
    EASEMOB.get_or_init(|| {
        serde_json::from_str(include_str!("../catalogue/easemob.json"))
            .expect("catalogue/easemob.json is valid (checked by tests)")
    })
}

/// A cloud's catalogue.
pub fn api(cloud: Cloud) -> &'static Api {
    match cloud {
        Cloud::Rongcloud => rongcloud(),
        Cloud::Easemob => easemob(),
    }
}

/// The raw catalogue text, for code generators in other languages.
pub fn catalogue_json(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Rongcloud => include_str!("../catalogue/rongcloud.json"),
        Cloud::Easemob => include_str!("../catalogue/easemob.json"),
    }
}

impl Api {
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// The operation, or an `InvalidArgument` error naming the known ones.
    pub fn require(&self, name: &str) -> Result<&Operation> {
        self.operation(name).ok_or_else(|| {
            let known: Vec<&str> = self.operations.iter().map(|o| o.name.as_str()).collect();
            Error::invalid_argument(
                "operation",
                format!("unknown operation '{name}'; known: {}", known.join(", ")),
            )
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
}
