//! Running what the app asks of files and the terminal: downloads and uploads with
//! progress (each on its own task, stoppable, never leaving a partial file), opening a
//! link or a saved file, and handing the terminal to `$EDITOR`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::api::{Client, MediaName, SpaceName};
use crate::app::Outcome;
use crate::files;

/// How often progress is reported at most: each report is a frame.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Reports progress to the loop, at most every [`PROGRESS_EVERY`] (and always at the end).
fn reporter(id: u64, tx: mpsc::UnboundedSender<Outcome>) -> impl FnMut(u64, u64) + Send {
    let mut last: Option<Instant> = None;
    move |done, total| {
        let now = Instant::now();
        if done < total && last.is_some_and(|l| now.duration_since(l) < PROGRESS_EVERY) {
            return;
        }
        last = Some(now);
        let _ = tx.send(Outcome::Progress { id, done, total });
    }
}

/// Claims a name in `dir` no file has: `name`, else `name (1)`, … The empty file made
/// here keeps the name until the download replaces it.
async fn reserve(dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    for _ in 0..1000 {
        let p = files::unique_path(dir, name, |p| p.symlink_metadata().is_ok());
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .await
        {
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name for the file"))
}

/// Removes what a stopped or failed download into `dest` left: the reserved name while
/// it is still empty (its temporary file, randomly named, is deleted when the download
/// is dropped).
pub fn clean_up(dest: &Path) {
    if std::fs::metadata(dest).is_ok_and(|m| m.len() == 0) {
        let _ = std::fs::remove_file(dest);
    }
}

/// A download's answer. `dest` learns where it writes, for clean-up if it is stopped.
pub async fn download(
    client: &Client,
    id: u64,
    media: &str,
    name: &str,
    dir: &Path,
    dest: Arc<Mutex<Option<PathBuf>>>,
    tx: mpsc::UnboundedSender<Outcome>,
) -> Outcome {
    let result = async {
        let media = MediaName::parse(media).map_err(|e| e.to_string())?;
        let name = files::safe_file_name(name);
        let path = reserve(dir, &name)
            .await
            .map_err(|e| format!("could not write in {}: {e}", dir.display()))?;
        if let Ok(mut d) = dest.lock() {
            *d = Some(path.clone());
        }
        let mut progress = reporter(id, tx);
        match client
            .download_attachment(&media, &path, &mut progress)
            .await
        {
            Ok(n) => Ok((path, n)),
            Err(e) => {
                clean_up(&path);
                Err(e.to_string())
            }
        }
    }
    .await;
    Outcome::Downloaded { id, result }
}

pub async fn upload(
    client: &Client,
    id: u64,
    space: SpaceName,
    path: &Path,
    tx: mpsc::UnboundedSender<Outcome>,
) -> Outcome {
    let result = async {
        let sn = &space;
        let size = tokio::fs::metadata(path)
            .await
            .map_err(|e| format!("could not read {}: {e}", path.display()))?
            .len();
        let mut progress = reporter(id, tx);
        client
            .upload_attachment(sn, path, None, &mut progress)
            .await
            .map(|d| (d, size))
            .map_err(|e| e.to_string())
    }
    .await;
    Outcome::Uploaded { id, space, result }
}

/// Opens a web address in the browser, or a saved file with the desktop's handler.
pub fn open(target: &str) -> Result<(), String> {
    if files::safe_url(target).is_some() {
        return webbrowser::open(target).map_err(|e| e.to_string());
    }
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("{program}: {e}"))
}

/// The editor to run: `$VISUAL`, then `$EDITOR`, then `vi`.
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Runs the editor on a temporary file holding `text`, with the terminal as the shell
/// left it (the caller gives it back and takes it again). The new text, or `None` when
/// the editor failed (the draft stays as it was).
pub fn edit(text: &str) -> Result<Option<String>, String> {
    let file = tempfile::Builder::new()
        .prefix("gchat-message-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("could not make a temporary file: {e}"))?;
    std::fs::write(file.path(), text)
        .map_err(|e| format!("could not write a temporary file: {e}"))?;
    let editor = editor();
    // Through the shell, so `EDITOR="code --wait"` works as it does for git.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| format!("could not start {editor}: {e}"))?;
    if status.code() == Some(127) {
        return Err(format!(
            "the editor {editor} was not found (set $VISUAL or $EDITOR)"
        ));
    }
    if !status.success() {
        return Ok(None);
    }
    std::fs::read_to_string(file.path())
        .map(Some)
        .map_err(|e| format!("could not read the edited text: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_up_removes_an_empty_reserved_name_only() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("a.png");
        std::fs::write(&dest, b"").unwrap();
        clean_up(&dest);
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
        // A finished file (the rename won the race with a stop) stays.
        std::fs::write(&dest, b"whole").unwrap();
        clean_up(&dest);
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole");
    }

    #[tokio::test]
    async fn names_are_reserved_without_overwriting() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("r.txt"), b"mine").unwrap();
        let p = reserve(d.path(), "r.txt").await.unwrap();
        assert_eq!(p, d.path().join("r (1).txt"));
        assert_eq!(std::fs::read(d.path().join("r.txt")).unwrap(), b"mine");
        let nested = d.path().join("new/dir");
        assert_eq!(
            reserve(&nested, "x").await.unwrap(),
            nested.join("x"),
            "a missing download folder is made"
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn an_unwritable_folder_is_an_error_not_a_panic() {
        let r = reserve(Path::new("/proc/gchat-cannot-write-here"), "x").await;
        assert!(r.is_err());
    }
}
