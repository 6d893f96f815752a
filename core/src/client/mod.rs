//! The public clients. Both are cheap to clone (an `Arc`), safe to share between threads and
//! tasks, and independent of each other: any number with different credentials may live in one process.

mod download;
mod easemob;
mod rongcloud;
mod token;

pub use easemob::Easemob;
pub use rongcloud::RongCloud;

use serde_json::{Map, Value};

use crate::catalogue::{Api, Operation};
use crate::engine::{Answer, Reply};
use crate::error::{Error, Result};
use crate::files::FileSource;
use crate::response::Response;
use crate::validate::{check_file_size, validate};
use crate::wire::prepare;

fn args_object(args: Value) -> Result<Map<String, Value>> {
    match args {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Error::invalid_argument(
            "args",
            format!("must be an object of parameters, got {other}"),
        )),
    }
}

/// Validate and prepare a call; nothing is sent when this fails.
pub(crate) async fn checked(
    api: &'static Api,
    name: &str,
    args: Value,
    file: Option<&FileSource>,
    credential: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(&'static Operation, crate::wire::Prepared)> {
    let op = api.require(name)?;
    let args = args_object(args).map_err(|e| e.with_operation(name))?;
    validate(op, &args)?;
    match (op.file_param(), file) {
        (Some(p), None) => {
            return Err(
                Error::invalid_argument(&p.name, "is required: use upload() with a file")
                    .with_operation(name),
            );
        }
        (None, Some(_)) => {
            return Err(
                Error::invalid_argument("file", format!("{name} takes no file"))
                    .with_operation(name),
            );
        }
        (Some(_), Some(f)) => {
            if let Some(size) = f.size().await.map_err(|e| e.with_operation(name))? {
                check_file_size(op, size)?;
            }
        }
        (None, None) => {}
    }
    let prep = prepare(op, &args, credential).map_err(|e| e.with_operation(name))?;
    Ok((op, prep))
}

pub(crate) fn json_reply(op: &Operation, reply: Reply) -> Result<Response> {
    match reply.answer {
        Answer::Json { status, body } => Ok(Response::new(
            op,
            reply.request_id,
            reply.host,
            status,
            body,
        )),
        Answer::Stream { .. } => Err(Error::invalid_argument(
            "operation",
            format!("{} is a download: use download()", op.name),
        )),
    }
}
