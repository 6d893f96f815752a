//! Uploads as multipart bodies: the file part streamed from its source, with read failures and
//! size overruns reported as our own failure rather than a broken connection.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use crate::catalogue::Operation;
use crate::error::{Error, Result};
use crate::files::FileSource;

/// What went wrong on our side during an attempt: the upload source failed to read, or it
/// turned out larger than the limit. Set from inside the body stream, read after the attempt.
#[derive(Clone, Default)]
pub(crate) struct LocalFailure {
    too_big: Arc<AtomicBool>,
    read_error: Arc<Mutex<Option<String>>>,
}

impl LocalFailure {
    fn read_failed(&self, e: &std::io::Error) {
        let mut g = self.read_error.lock().unwrap_or_else(|e| e.into_inner());
        g.get_or_insert_with(|| e.to_string());
    }

    /// The local error this attempt ended with, if any.
    pub(super) fn take(&self, op: &Operation) -> Option<Error> {
        if self.too_big.load(Ordering::SeqCst) {
            let max = op.file_param().and_then(|p| p.max_size).unwrap_or(0);
            let name = op
                .file_param()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| "file".into());
            return Some(Error::invalid_argument(
                name,
                format!("stream is larger than the limit of {max} bytes"),
            ));
        }
        let msg = self
            .read_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        Some(Error::io(format!(
            "cannot read the upload: {msg}; nothing was stored by the server"
        )))
    }
}

/// An upload source as a body stream that reports its read errors and its size overrun to
/// `local` (where the attempt finds them), rather than as a broken connection.
fn watched<R>(r: R, limit: Option<u64>, local: LocalFailure) -> reqwest::Body
where
    R: tokio::io::AsyncRead + Send + 'static,
{
    let mut seen = 0u64;
    let limit = limit.unwrap_or(u64::MAX);
    let stream = tokio_util::io::ReaderStream::new(r).map(move |chunk| {
        let chunk = chunk.inspect_err(|e| local.read_failed(e))?;
        seen += chunk.len() as u64;
        if seen > limit {
            local.too_big.store(true, Ordering::SeqCst);
            return Err(std::io::Error::other("upload exceeds the size limit"));
        }
        Ok(chunk)
    });
    reqwest::Body::wrap_stream(stream)
}

/// A file name for a multipart header, encoded as the HTML form-data rule does: CR, LF and `"`
/// become `%0D`, `%0A` and `%22`, so a name can never end the header or start another.
fn multipart_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '"' => out.push_str("%22"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

pub(super) async fn multipart(
    field: &str,
    file: &FileSource,
    max: Option<u64>,
    local: LocalFailure,
) -> Result<reqwest::multipart::Form> {
    let name = file.name();
    let part = match file {
        FileSource::Path(p) => {
            let f = tokio::fs::File::open(p).await.map_err(|e| {
                Error::io(format!("cannot open {}: {e}", p.display())).with_source(e)
            })?;
            let len = f
                .metadata()
                .await
                .map_err(|e| Error::io(format!("cannot read {}: {e}", p.display())).with_source(e))?
                .len();
            reqwest::multipart::Part::stream_with_length(watched(f, None, local), len)
        }
        FileSource::Bytes { data, .. } => reqwest::multipart::Part::stream_with_length(
            reqwest::Body::from(data.clone()),
            data.len() as u64,
        ),
        FileSource::Reader { .. } | FileSource::Reopen { .. } => {
            let r = file
                .take_reader()
                .ok_or_else(|| {
                    Error::io("the upload stream was already consumed by an earlier attempt")
                })?
                .map_err(|e| {
                    Error::io(format!("cannot read the upload stream: {e}")).with_source(e)
                })?;
            reqwest::multipart::Part::stream(watched(r, max, local))
        }
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let part = part
        .file_name(multipart_file_name(&name))
        .mime_str(mime.as_ref())
        .map_err(|e| Error::config(format!("bad content type: {e}")))?;
    Ok(reqwest::multipart::Form::new().part(field.to_string(), part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_file_names_are_encoded_as_html_forms_do() {
        assert_eq!(multipart_file_name("a\r\nb\"c.png"), "a%0D%0Ab%22c.png");
        assert_eq!(multipart_file_name("über plan.pdf"), "über plan.pdf");
        assert_eq!(multipart_file_name("t\u{0}ab"), "t%00ab");
    }
}
