//! The prelude of checking a file: read it (never a FIFO, socket or device), within the size
//! limit. The text's encoding is the front end's business (`super::front_end`).

use super::{FileReport, Input};
use std::path::PathBuf;

/// A file read, or a text given.
pub(super) struct Source {
    /// The name findings are reported under.
    pub display: String,
    /// The path settings and suppressions match (the display name for a text).
    pub path: PathBuf,
    /// Named by the user (reported as having no policy when it has none).
    pub explicit: bool,
    /// The text was read from `path` (not standard input or a test's text).
    pub on_disk: bool,
    /// Given as text (`Input::Text`): UTF-8 already, never sniffed for another encoding.
    pub is_text: bool,
    pub bytes: Vec<u8>,
}

/// What reading an input gave.
pub(super) enum Read {
    /// The bytes, within the size limit.
    Bytes(Source),
    /// Larger than the limit (`len` bytes; at least `len` when not `exact`: standard input,
    /// read no further than the limit): not read, or not kept.
    TooLarge { display: String, path: PathBuf, len: u64, exact: bool },
    /// Could not be read: an error report.
    Failed(FileReport),
}

/// Read an input, within `max_file_size` bytes: a file's size is checked before it is read,
/// and no more than the limit and one byte is ever read (a file growing meanwhile, a stream).
pub(super) fn read(input: Input<'_>, max_file_size: u64) -> Read {
    let source = match input {
        Input::File { path, explicit, walked } => {
            let display = crate::source::path_text(path);
            // A file the walk found is opened first (see `open_walked`); one it could not
            // open, and any other, is looked at first, as the checks below expect.
            let (file, metadata) = match walked.then(|| open_walked(path)) {
                Some(Ok((file, metadata))) => (Some(file), metadata),
                _ => match std::fs::metadata(path) {
                    Ok(metadata) => (None, metadata),
                    Err(e) => return Read::Failed(io_failure(&display, &e)),
                },
            };
            let size = match metadata {
                m if m.len() > max_file_size => {
                    return Read::TooLarge { display, path: path.to_path_buf(), len: m.len(), exact: true };
                }
                m if !m.is_file() => {
                    // A FIFO, socket or device would block or never end; never read one.
                    let e = std::io::Error::other("not a regular file; not read");
                    return Read::Failed(io_failure(&display, &e));
                }
                m => m.len(),
            };
            let read = match file {
                Some(file) => read_at_most(file, max_file_size, size).or_else(|e| match e.kind() {
                    // A regular file refusing a non-blocking read (a FUSE file system may):
                    // read it again, opened as usual.
                    std::io::ErrorKind::WouldBlock => {
                        std::fs::File::open(path).and_then(|file| read_at_most(file, max_file_size, size))
                    }
                    _ => Err(e),
                }),
                None => std::fs::File::open(path).and_then(|file| read_at_most(file, max_file_size, size)),
            };
            match read {
                Ok(bytes) => {
                    Source { display, path: path.to_path_buf(), explicit, on_disk: true, is_text: false, bytes }
                }
                Err(e) => return Read::Failed(io_failure(&display, &e)),
            }
        }
        Input::Text { name, text } => Source {
            display: name.to_string(),
            path: PathBuf::from(name),
            explicit: true,
            on_disk: false,
            is_text: true,
            bytes: text.into_bytes(),
        },
        Input::Bytes { name, bytes } => {
            let display = name.to_string();
            if bytes.len() as u64 > max_file_size {
                return Read::TooLarge { display, path: PathBuf::from(name), len: bytes.len() as u64, exact: false };
            }
            Source { display, path: PathBuf::from(name), explicit: true, on_disk: false, is_text: false, bytes }
        }
    };
    // The file may have grown since its size was read; a text has no size before.
    if source.bytes.len() as u64 > max_file_size {
        let len = source.bytes.len() as u64;
        return Read::TooLarge { display: source.display, path: source.path, len, exact: true };
    }
    Read::Bytes(source)
}

/// The first `limit + 1` bytes of a file at most, into a buffer sized for the `size` its
/// metadata gave (so a file is read in one `read` and its end seen in a second, where an
/// unsized buffer grows from 32 bytes through a read per doubling; a file grown since still
/// reads whole, within the limit).
fn read_at_most(file: std::fs::File, limit: u64, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(limit).saturating_add(1)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file the walk found (a regular file by its directory entry), opened, and its metadata
/// read from the open file: one lookup of its path, not two, per file of a bulk run. It is
/// opened without blocking, should a FIFO have taken its place since (a regular file reads
/// alike). Anything else is looked at before it is opened, and opened only if it is a regular
/// file (opening a device may act), as is a walked file that could not be opened (so an
/// unreadable file over the size limit is still reported as over it).
fn open_walked(path: &std::path::Path) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    Ok((file, metadata))
}

fn io_failure(display: &str, e: &std::io::Error) -> FileReport {
    FileReport { path: display.to_string(), errors: vec![format!("{display}: {e}")], ..Default::default() }
}
