//! Private files replaced atomically: the new content goes to a temporary file beside the
//! target (mode 0600), is flushed to disk, then renamed over the target, and the
//! directory is flushed so the rename itself lasts. A reader, or a run after `kill -9` or
//! a power cut, sees the old file or the new one, never a part of either.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Temporary files are named `.NAME.` + random + `.tmp`, so leftovers can be recognised.
const TMP_SUFFIX: &str = ".tmp";

/// Creates `d` (and its parents) readable by its owner only.
pub fn private_dir(d: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(d)?;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(d)
    }
}

fn tmp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Replaces `path` with `bytes`, atomically, mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_private_with(path, |f| f.write_all(bytes))
}

/// As [`write_private`], with `fill` writing the content. If anything fails (the disk is
/// full, `fill` fails), `path` keeps its old content and the temporary file is removed.
pub fn write_private_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    private_dir(parent)?;
    // tempfile creates the file with mode 0600 and removes it when dropped unpersisted.
    let mut tmp = tempfile::Builder::new()
        .prefix(&tmp_prefix(path))
        .suffix(TMP_SUFFIX)
        .tempfile_in(parent)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is in the directory: flush it too (not possible everywhere; the file
    // is already in place, so a failure here is not the write's).
    #[cfg(unix)]
    if let Ok(d) = File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes temporary files a killed writer of `path` left behind (older than `age`, so a
/// write in progress in another process is not disturbed).
pub fn remove_leftovers(path: &Path, age: Duration) {
    let Some(parent) = path.parent() else { return };
    let prefix = tmp_prefix(path);
    let Ok(dir) = std::fs::read_dir(parent) else {
        return;
    };
    let now = SystemTime::now();
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) || !name.ends_with(TMP_SUFFIX) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= age);
        if old {
            if let Err(err) = std::fs::remove_file(e.path()) {
                tracing::debug!(error = %err, "could not remove a leftover temporary file");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_privately_and_replaces_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/s.json");
        write_private(&path, b"first").unwrap();
        write_private(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(path.parent().unwrap()), ["s.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_debris() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        write_private(&path, b"{\"kept\": true}").unwrap();
        // Half the new content, then the disk is full.
        let r = write_private_with(&path, |f| {
            f.write_all(b"{\"half")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"))
        });
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"kept\": true}");
        assert_eq!(names(dir.path()), ["s.json"], "no temporary file left");
    }

    #[test]
    fn an_unusable_directory_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        // A directory that cannot exist: its parent is a file (true even for root).
        let e = write_private(&file.join("sessions/s.json"), b"data").unwrap_err();
        assert!(!e.to_string().is_empty());
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        write_private(&path, b"data").unwrap();
        let debris = dir.path().join(".s.json.abc123.tmp");
        std::fs::write(&debris, b"half").unwrap();
        let other = dir.path().join(".other.json.abc123.tmp");
        std::fs::write(&other, b"not ours").unwrap();
        remove_leftovers(&path, Duration::from_secs(3600));
        assert!(
            debris.exists(),
            "too new: it may be another process's write"
        );
        remove_leftovers(&path, Duration::ZERO);
        assert!(!debris.exists());
        assert!(other.exists(), "another file's are left alone");
        assert_eq!(std::fs::read(&path).unwrap(), b"data");
    }
}
