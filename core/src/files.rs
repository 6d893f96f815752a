//! Where uploads come from and downloads go: paths, memory, or async streams. Files are streamed,
//! never read whole into memory (except a `Bytes` source, which already is).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::{Error, Result};

type SharedReader = Arc<Mutex<Option<Box<dyn AsyncRead + Send + Unpin>>>>;

/// Makes a fresh reader of the same content for each attempt (e.g. a seekable stream rewound).
pub type ReaderFactory =
    Arc<dyn Fn() -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>> + Send + Sync>;

/// What to upload.
#[derive(Clone)]
pub enum FileSource {
    /// A file on disk; re-opened for each attempt, so the upload can be retried.
    Path(PathBuf),
    /// Bytes in memory, with the file name to send.
    Bytes { name: String, data: Bytes },
    /// A stream, read once: an upload from it is never re-sent. Give `size` if known, so the size
    /// limit is checked before sending.
    Reader {
        name: String,
        size: Option<u64>,
        reader: SharedReader,
    },
    /// A stream that can be started again from the beginning: re-made for each attempt, so the
    /// upload fails over like a path does.
    Reopen {
        name: String,
        size: Option<u64>,
        open: ReaderFactory,
    },
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            FileSource::Bytes { name, data } => f
                .debug_struct("Bytes")
                .field("name", name)
                .field("len", &data.len())
                .finish(),
            FileSource::Reader { name, size, .. } => f
                .debug_struct("Reader")
                .field("name", name)
                .field("size", size)
                .finish(),
            FileSource::Reopen { name, size, .. } => f
                .debug_struct("Reopen")
                .field("name", name)
                .field("size", size)
                .finish(),
        }
    }
}

impl FileSource {
    pub fn path(p: impl Into<PathBuf>) -> Self {
        FileSource::Path(p.into())
    }

    pub fn bytes(name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        FileSource::Bytes {
            name: name.into(),
            data: data.into(),
        }
    }

    pub fn reader(
        name: impl Into<String>,
        size: Option<u64>,
        reader: impl AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        FileSource::Reader {
            name: name.into(),
            size,
            reader: Arc::new(Mutex::new(Some(Box::new(reader)))),
        }
    }

    /// A stream that `open` makes anew for each attempt.
    pub fn reopen(
        name: impl Into<String>,
        size: Option<u64>,
        open: impl Fn() -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>> + Send + Sync + 'static,
    ) -> Self {
        FileSource::Reopen {
            name: name.into(),
            size,
            open: Arc::new(open),
        }
    }

    /// The file name sent in the multipart part.
    pub fn name(&self) -> String {
        match self {
            FileSource::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".to_string()),
            FileSource::Bytes { name, .. }
            | FileSource::Reader { name, .. }
            | FileSource::Reopen { name, .. } => name.clone(),
        }
    }

    /// The size, if it can be known before sending.
    pub async fn size(&self) -> Result<Option<u64>> {
        match self {
            FileSource::Path(p) => {
                let m = tokio::fs::metadata(p)
                    .await
                    .map_err(|e| Error::io(format!("cannot read {}: {e}", p.display())))?;
                if !m.is_file() {
                    return Err(Error::io(format!("{} is not a file", p.display())));
                }
                Ok(Some(m.len()))
            }
            FileSource::Bytes { data, .. } => Ok(Some(data.len() as u64)),
            FileSource::Reader { size, .. } | FileSource::Reopen { size, .. } => Ok(*size),
        }
    }

    /// Whether the source can be sent again.
    pub fn replayable(&self) -> bool {
        !matches!(self, FileSource::Reader { .. })
    }

    /// The reader for one attempt: the one-shot reader (None once taken), or a fresh one.
    pub(crate) fn take_reader(&self) -> Option<std::io::Result<Box<dyn AsyncRead + Send + Unpin>>> {
        match self {
            FileSource::Reader { reader, .. } => reader
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .map(Ok),
            FileSource::Reopen { open, .. } => Some(open()),
            _ => None,
        }
    }
}

/// Where a download goes.
pub enum FileSink {
    /// Written to `<path>.part` and renamed into place when complete: no half file on failure.
    Path(PathBuf),
    /// Streamed into a writer.
    Writer(Box<dyn AsyncWrite + Send + Unpin>),
}

impl std::fmt::Debug for FileSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSink::Path(p) => f.debug_tuple("Path").field(p).finish(),
            FileSink::Writer(_) => f.write_str("Writer(..)"),
        }
    }
}

impl FileSink {
    pub fn path(p: impl Into<PathBuf>) -> Self {
        FileSink::Path(p.into())
    }

    pub fn writer(w: impl AsyncWrite + Send + Unpin + 'static) -> Self {
        FileSink::Writer(Box::new(w))
    }
}
