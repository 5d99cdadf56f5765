//! Files, links and the clipboard, with no terminal and no network: where a download
//! goes and under what name, which links a message has and which may be opened, the
//! OSC 52 sequence that copies to the terminal's clipboard, path completion for attaching
//! a file, and sizes in words.

use std::path::{Path, PathBuf};

use base64::Engine;

/// The name a file from the server is saved under: its last path component only, with
/// no control or invisible formatting characters, never `.`/`..` or hidden, at most 200
/// bytes (keeping the extension). Empty becomes `attachment`.
pub fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = last
        .chars()
        .filter(|c| crate::clean::shown(*c) == crate::clean::Shown::Keep)
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    s = s.trim().trim_start_matches('.').trim().to_string();
    if s.is_empty() {
        return "attachment".into();
    }
    const MAX: usize = 200;
    if s.len() > MAX {
        let (stem, ext) = split_ext(&s);
        let ext: String = ext.chars().take(16).collect();
        let mut stem = stem.to_string();
        while stem.len() + ext.len() > MAX {
            stem.pop();
        }
        s = format!("{stem}{ext}");
    }
    s
}

/// `name.ext` as (`name`, `.ext`); a name without a dot (or only a leading one) has no
/// extension.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    }
}

/// `dir/name`, or, when `exists` says that is taken, `dir/name (1).ext`, `(2)`, …
pub fn unique_path(dir: &Path, name: &str, exists: impl Fn(&Path) -> bool) -> PathBuf {
    let first = dir.join(name);
    if !exists(&first) {
        return first;
    }
    let (stem, ext) = split_ext(name);
    (1..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !exists(p))
        .unwrap_or(first)
}

/// Where downloads go: `$GCHAT_DOWNLOAD_DIR`, then `download_dir` from config.toml, then
/// `$XDG_DOWNLOAD_DIR`, then `~/Downloads` (the current directory without a home).
pub fn download_dir(configured: Option<&Path>) -> PathBuf {
    if let Some(d) = std::env::var_os("GCHAT_DOWNLOAD_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = configured {
        return expand_home(&d.to_string_lossy());
    }
    if let Some(d) = std::env::var_os("XDG_DOWNLOAD_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    home().map_or_else(|| PathBuf::from("."), |h| h.join("Downloads"))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `~/x` as the home directory's `x`.
pub fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix('~'), home()) {
        (Some(rest), Some(h)) if rest.is_empty() || rest.starts_with('/') => {
            h.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(s),
    }
}

/// Whether gchat runs over SSH: a browser started here would open on the wrong machine.
pub fn over_ssh() -> bool {
    ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// The bytes that ask the terminal to put `text` on the clipboard (OSC 52, `c`: the
/// clipboard selection), ended with BEL. Inside tmux this needs `set-clipboard on`.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// `url` when it may be opened: an absolute http or https address with a host and no
/// control characters or spaces, as the URL parser writes it.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let u = url::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return None;
    }
    Some(u.to_string())
}

/// The http(s) addresses written in `text`, in order, each once; a trailing `.`, `,`,
/// `)` and the like is punctuation, not address. Chat's `<url|label>` form counts.
pub fn links_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = find_scheme(rest) {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '|' | '"' | '`'))
            .unwrap_or(tail.len());
        let mut cand = &tail[..end];
        while let Some(c) = cand.chars().last() {
            let unbalanced_paren =
                c == ')' && cand.matches('(').count() < cand.matches(')').count();
            if matches!(
                c,
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ']' | '*' | '_' | '~'
            ) || unbalanced_paren
            {
                cand = &cand[..cand.len() - c.len_utf8()];
            } else {
                break;
            }
        }
        if let Some(u) = safe_url(cand) {
            if !out.contains(&u) {
                out.push(u);
            }
        }
        rest = &tail[end.max(1)..];
    }
    out
}

fn find_scheme(s: &str) -> Option<usize> {
    let a = s.find("https://");
    let b = s.find("http://");
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A size as people say it: `512 B`, `48 KB`, `3.2 MB`, `1.5 GB` (1 KB = 1024 bytes).
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// A progress bar of `width` cells for `done` of `total` (empty when the total is not
/// known).
pub fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        ((done.min(total) as u128 * width as u128) / total as u128) as usize
    };
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The most directory entries completion reads: a huge directory is not listed whole on
/// the render thread.
pub const COMPLETION_SCAN: usize = 2000;

/// Completing a typed path: the entries of its directory whose names start with its last
/// part (hidden ones only when that part starts with a dot), sorted, directories with a
/// trailing `/`; and the input extended by what all of them share.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completion {
    pub input: String,
    pub candidates: Vec<String>,
    /// The folder holds more than [`COMPLETION_SCAN`] entries: not all were read, so
    /// nothing is completed or listed (what was read could complete the wrong file).
    pub too_big: bool,
}

pub fn complete_path(input: &str) -> Completion {
    let (dir_part, prefix) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part)
    };
    let mut candidates: Vec<String> = Vec::new();
    // Hidden files only when a `.` is typed, or when nothing was typed and the folder
    // holds nothing else.
    let mut hidden: Vec<String> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for (n, e) in rd.enumerate() {
            if n >= COMPLETION_SCAN {
                return Completion {
                    input: input.to_string(),
                    candidates: Vec::new(),
                    too_big: true,
                };
            }
            let Ok(e) = e else {
                continue;
            };
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            if !name.starts_with(prefix) {
                continue;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir())
                || (e.file_type().is_ok_and(|t| t.is_symlink()) && e.path().is_dir());
            let shown = if is_dir { format!("{name}/") } else { name };
            if shown.starts_with('.') && !prefix.starts_with('.') {
                hidden.push(shown);
            } else {
                candidates.push(shown);
            }
        }
    }
    if candidates.is_empty() && prefix.is_empty() {
        candidates = hidden;
    }
    candidates.sort();
    let common = common_prefix(&candidates);
    let input = if common.len() > prefix.len() {
        format!("{dir_part}{common}")
    } else {
        input.to_string()
    };
    Completion {
        input,
        candidates,
        too_big: false,
    }
}

fn common_prefix(v: &[String]) -> String {
    let Some(first) = v.first() else {
        return String::new();
    };
    let mut end = first.len();
    for s in &v[1..] {
        end = first
            .char_indices()
            .zip(s.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(s.len()), |((i, _), _)| i.min(end));
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_server_cannot_leave_the_directory_or_hide() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("/abs/path.png"), "path.png");
        assert_eq!(safe_file_name("..\\..\\win.ini"), "win.ini");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\x1b]52;c;x\x07b.txt"), "a]52;c;xb.txt");
        assert_eq!(safe_file_name("evil\u{202e}gnp.exe"), "evilgnp.exe");
        assert_eq!(safe_file_name(""), "attachment");
        let long = format!("{}.png", "x".repeat(500));
        let s = safe_file_name(&long);
        assert!(s.len() <= 200 && s.ends_with(".png"), "{s}");
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let taken = ["/d/a.png", "/d/a (1).png"];
        let p = unique_path(Path::new("/d"), "a.png", |p| {
            taken.contains(&p.to_str().unwrap())
        });
        assert_eq!(p, Path::new("/d/a (2).png"));
        assert_eq!(
            unique_path(Path::new("/d"), "README", |p| p == Path::new("/d/README")),
            Path::new("/d/README (1)")
        );
    }

    #[test]
    fn osc52_is_base64_between_the_escapes() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn only_web_links_are_opened() {
        assert_eq!(
            links_in("see https://example.com/a_b. and (http://x.org/p) <https://d.co|doc>"),
            vec!["https://example.com/a_b", "http://x.org/p", "https://d.co/"]
        );
        assert!(links_in("javascript:alert(1) file:///etc/passwd").is_empty());
        assert_eq!(safe_url("https://ok.com/\x1b[2J"), None);
        assert_eq!(safe_url("ftp://x"), None);
        assert_eq!(
            links_in("https://a.com https://a.com"),
            vec!["https://a.com/"]
        );
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(48 * 1024), "48 KB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(u64::MAX), "16777216 TB");
        assert_eq!(bar(1, 2, 4), "██░░");
        assert_eq!(bar(5, 0, 2), "░░");
        assert_eq!(bar(9, 2, 2), "██");
    }

    #[test]
    fn completion_extends_to_what_the_matches_share() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("report-2025.pdf"), b"x").unwrap();
        std::fs::write(d.path().join("report-2026.pdf"), b"x").unwrap();
        std::fs::create_dir(d.path().join("reports")).unwrap();
        std::fs::write(d.path().join(".hidden"), b"x").unwrap();
        let base = format!("{}/", d.path().display());
        let c = complete_path(&format!("{base}rep"));
        assert_eq!(c.input, format!("{base}report"));
        assert_eq!(
            c.candidates,
            vec!["report-2025.pdf", "report-2026.pdf", "reports/"]
        );
        let c = complete_path(&format!("{base}reports"));
        assert_eq!(c.candidates, vec!["reports/"]);
        assert_eq!(c.input, format!("{base}reports/"));
        assert!(complete_path(&base)
            .candidates
            .iter()
            .all(|c| !c.starts_with('.')));
        assert_eq!(complete_path("/no/such/dir/x").candidates.len(), 0);
    }
}
