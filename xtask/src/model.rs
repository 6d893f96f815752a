//! The intermediate model every emitter reads: the catalogue's operations with their names in
//! every casing, their kind (call, upload, download), the parameters a caller gives (with limits
//! in words) and the declared result. Emitters hold type maps and syntax only.

use heck::{ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use imcloud_catalogue::{
    self as cat, CallbackKind, ClientOption, Cloud, Field, Operation, Param, ParamType,
};

pub struct Model {
    pub clouds: Vec<CloudModel>,
    pub options: Vec<OptionModel>,
}

pub struct CloudModel {
    pub cloud: Cloud,
    /// `rongcloud`, `easemob`.
    pub key: &'static str,
    /// The client type: `RongCloud`, `Easemob`.
    pub client: &'static str,
    pub ops: Vec<OpModel>,
    /// The declared server-callback kinds, each a typed event class in every language.
    pub events: Vec<EventModel>,
}

/// One declared server-callback kind.
pub struct EventModel {
    /// `message_route`
    pub name: &'static str,
    /// `MessageRoute`
    pub pascal: String,
    /// `messageRoute`
    pub camel: String,
    pub fields: Vec<FieldModel>,
    pub doc: String,
}

impl EventModel {
    fn build(kind: &'static CallbackKind) -> EventModel {
        EventModel {
            name: &kind.name,
            pascal: kind.name.to_pascal_case(),
            camel: kind.name.to_lower_camel_case(),
            fields: kind.fields.iter().map(FieldModel::build).collect(),
            doc: kind.doc.clone(),
        }
    }

    /// The event class's name, e.g. `RongCloudMessageRouteEvent`.
    pub fn class(&self, cloud: &CloudModel) -> String {
        format!("{}{}Event", cloud.client, self.pascal)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Call,
    /// Sends a file (one `file` parameter), returns a JSON result.
    Upload,
    /// The answer is a file's bytes, written to a sink.
    Download,
}

pub struct OpModel {
    pub op: &'static Operation,
    /// `user.register`
    pub name: &'static str,
    /// `user_register`
    pub snake: String,
    /// `userRegister`
    pub camel: String,
    /// `UserRegister`
    pub pascal: String,
    pub kind: OpKind,
    /// The parameters a caller gives, file excluded, in declaration order.
    pub params: Vec<ParamModel>,
    /// The file parameter of an upload.
    pub file: Option<ParamModel>,
    pub result: ResultModel,
    /// `POST /user/getToken.json`
    pub http: String,
    /// A paged list: every language adds a `…_pages` iterator over its pages.
    pub paged: Option<PagedModel>,
}

pub struct PagedModel {
    /// The result field that holds a page's items (`None`: the result is the list).
    pub items: Option<FieldModel>,
    /// The parameter that carries the cursor or page number (the iterator sets it).
    pub param: String,
}

pub struct ParamModel {
    pub p: &'static Param,
    pub snake: String,
    pub camel: String,
    /// Required and without a default: the caller must give it.
    pub required: bool,
    /// The declared limits in words (empty when none).
    pub limits: String,
    /// The parameter's doc and its limits, one sentence each.
    pub doc: String,
}

pub struct ResultModel {
    /// A list of items (`array` shape) rather than one object.
    pub list: bool,
    pub fields: Vec<FieldModel>,
    pub doc: String,
}

pub struct FieldModel {
    pub f: &'static Field,
    pub snake: String,
    pub camel: String,
    pub ty: ParamType,
    pub secret: bool,
    pub doc: String,
}

pub struct OptionModel {
    pub o: &'static ClientOption,
    pub snake: String,
    pub camel: String,
    /// The doc with the default, e.g. `Time to connect to one host (default 5).`
    pub doc: String,
}

impl Model {
    pub fn build() -> Model {
        let clouds = cat::CLOUDS
            .iter()
            .map(|&cloud| {
                let api = cat::api(cloud);
                CloudModel {
                    cloud,
                    key: cloud.as_str(),
                    client: match cloud {
                        Cloud::Rongcloud => "RongCloud",
                        Cloud::Easemob => "Easemob",
                    },
                    ops: api.operations.iter().map(OpModel::build).collect(),
                    events: api.callbacks.iter().map(EventModel::build).collect(),
                }
            })
            .collect();
        let options = cat::client_options()
            .iter()
            .map(|o| OptionModel {
                o,
                snake: o.name.to_snake_case(),
                camel: o.name.to_lower_camel_case(),
                doc: o.doc_with_default(),
            })
            .collect();
        Model { clouds, options }
    }
}

impl OpModel {
    fn build(op: &'static Operation) -> OpModel {
        let flat = op.name.replace('.', "_");
        let kind = if op.download {
            OpKind::Download
        } else if op.file_param().is_some() {
            OpKind::Upload
        } else {
            OpKind::Call
        };
        OpModel {
            op,
            name: &op.name,
            snake: flat.to_snake_case(),
            camel: flat.to_lower_camel_case(),
            pascal: flat.to_pascal_case(),
            kind,
            params: op
                .params
                .iter()
                .filter(|p| p.ty != ParamType::File)
                .map(ParamModel::build)
                .collect(),
            file: op.file_param().map(ParamModel::build),
            result: ResultModel {
                list: op.response.shape == "array",
                fields: op.response.fields.iter().map(FieldModel::build).collect(),
                doc: op.response.doc.clone(),
            },
            http: format!("{} {}", op.method, op.path),
            paged: op.paged.as_ref().map(|pg| PagedModel {
                items: pg.items.as_ref().map(|name| {
                    let f = op
                        .response
                        .fields
                        .iter()
                        .find(|f| &f.name == name)
                        .expect("checked by the catalogue loader");
                    FieldModel::build(f)
                }),
                param: pg.param.clone(),
            }),
        }
    }
}

fn sentence(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.ends_with('.') {
                s.to_string()
            } else {
                format!("{s}.")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl ParamModel {
    fn build(p: &'static Param) -> ParamModel {
        let limits = p.limits_text();
        let limit_sentence = if limits.is_empty() {
            String::new()
        } else {
            format!("Limits: {limits}")
        };
        ParamModel {
            p,
            snake: p.name.to_snake_case(),
            camel: p.name.to_lower_camel_case(),
            required: Operation::is_required(p),
            doc: sentence(&[&p.doc, &limit_sentence]),
            limits,
        }
    }
}

impl FieldModel {
    fn build(f: &'static Field) -> FieldModel {
        FieldModel {
            f,
            snake: f.name.to_snake_case(),
            camel: f.name.to_lower_camel_case(),
            ty: f.ty,
            secret: f.secret,
            doc: f.doc.clone(),
        }
    }
}

impl PagedModel {
    /// Where a page's items are and what the iterator sets, in words; `field` spells a result
    /// field's name the way the language does (`contacts`, `.contacts`).
    pub fn about(&self, field: impl Fn(&FieldModel) -> String) -> String {
        let items = match &self.items {
            Some(f) => format!("each page's items are in its `{}`", field(f)),
            None => "each page is a list of items".to_string(),
        };
        format!(
            "{items}; the iterator sets `{}` for each next page",
            self.param
        )
    }
}

impl OpModel {
    /// The summary and the HTTP call, for a doc comment.
    pub fn doc_head(&self) -> String {
        format!(
            "{}\n\n`{}` — catalogue operation `{}`.",
            self.op.summary, self.http, self.name
        )
    }
}
