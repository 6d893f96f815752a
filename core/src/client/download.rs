//! Downloads: the streamed answer written to its sink (a file, through a `.part` file renamed
//! when complete, or a writer) or collected in memory.

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::catalogue::Operation;
use crate::engine::{Answer, Reply};
use crate::error::{Error, ErrorKind, Result};
use crate::files::FileSink;
use crate::response::Download;

/// Where a download goes.
pub(super) enum Target {
    Sink(FileSink),
    /// Into memory, returned with the [`Download`].
    Memory,
}

/// Stream the answer of a download to `target`; the bytes come back when it is memory.
pub(super) async fn stream_to(
    op: &Operation,
    reply: Reply,
    target: Target,
) -> Result<(Download, Option<Vec<u8>>)> {
    let Answer::Stream { status, response } = reply.answer else {
        return Err(
            Error::new(ErrorKind::Decode, "expected a file, got a JSON answer")
                .with_operation(&op.name),
        );
    };
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let fail = |kind: ErrorKind, msg: String| {
        Error::new(kind, msg)
            .with_operation(&op.name)
            .with_request_id(&reply.request_id)
            .with_host(&reply.host)
    };
    let broke_off = |written: u64, e: reqwest::Error| {
        fail(
            ErrorKind::Network,
            format!("download broke off after {written} bytes: {e}"),
        )
        .with_source(e.without_url())
    };
    let mut stream = response.bytes_stream();
    let mut written = 0u64;
    let mut memory = None;
    match target {
        Target::Memory => {
            let mut buf = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| broke_off(written, e))?;
                buf.extend_from_slice(&chunk);
                written += chunk.len() as u64;
            }
            memory = Some(buf);
        }
        Target::Sink(FileSink::Path(path)) => {
            let part = path.with_extension(match path.extension() {
                Some(e) => format!("{}.part", e.to_string_lossy()),
                None => "part".to_string(),
            });
            let mut f = tokio::fs::File::create(&part).await.map_err(|e| {
                fail(
                    ErrorKind::Io,
                    format!("cannot create {}: {e}", part.display()),
                )
                .with_source(e)
            })?;
            let result: Result<()> = async {
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| broke_off(written, e))?;
                    f.write_all(&chunk).await.map_err(|e| {
                        fail(
                            ErrorKind::Io,
                            format!("cannot write {}: {e}", part.display()),
                        )
                        .with_source(e)
                    })?;
                    written += chunk.len() as u64;
                }
                f.flush()
                    .await
                    .map_err(|e| fail(ErrorKind::Io, e.to_string()).with_source(e))?;
                drop(f);
                tokio::fs::rename(&part, &path).await.map_err(|e| {
                    fail(
                        ErrorKind::Io,
                        format!("cannot move the download to {}: {e}", path.display()),
                    )
                    .with_source(e)
                })
            }
            .await;
            if result.is_err() {
                let _ = tokio::fs::remove_file(&part).await;
            }
            result?;
        }
        Target::Sink(FileSink::Writer(mut w)) => {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| broke_off(written, e))?;
                w.write_all(&chunk).await.map_err(|e| {
                    fail(ErrorKind::Io, format!("cannot write the download: {e}")).with_source(e)
                })?;
                written += chunk.len() as u64;
            }
            w.flush()
                .await
                .map_err(|e| fail(ErrorKind::Io, e.to_string()).with_source(e))?;
        }
    }
    let download = Download {
        operation: op.name.clone(),
        request_id: reply.request_id,
        host: reply.host,
        http_status: status,
        bytes: written,
        content_type,
    };
    Ok((download, memory))
}
