//! `gchat messages react|unreact|pin|unpin|pins|download` and `send --attach`.

use std::path::{Path, PathBuf};

use super::exit::{Exit, Failure};
use super::output::{self, clean, excerpt, Format, Table};
use super::would;
use super::Ctx;
use crate::api::model::{AttachmentDataRef, Emoji};
use crate::api::{emoji_filter, MediaName, MessageName, MessagePinName, ReactionName, SpaceName};

fn done(ctx: &Ctx, line: &str, json: serde_json::Value) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => output::print(&format!("{line}\n"))?,
        f => output::json(&json, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

/// A Unicode emoji as given, or a custom emoji `:name:` looked up by its name.
async fn emoji(ctx: &Ctx, arg: &str) -> Result<Emoji, Failure> {
    let arg = arg.trim();
    if arg.len() > 2 && arg.starts_with(':') && arg.ends_with(':') {
        let all = ctx
            .client
            .list_all_custom_emojis()
            .await
            .map_err(|e| Failure::api("custom emoji", &e))?;
        return all
            .into_iter()
            .find(|c| c.emoji_name.as_deref() == Some(arg))
            .and_then(|c| c.uid)
            .map(Emoji::custom_uid)
            .ok_or_else(|| Failure::not_found(format!("There is no custom emoji {arg}.")));
    }
    if arg.is_empty() {
        return Err(Failure::usage("give an emoji, e.g. 👍 or :custom-name:."));
    }
    Ok(Emoji::unicode(arg))
}

pub async fn react(ctx: &mut Ctx, name: &MessageName, arg: &str) -> Result<Exit, Failure> {
    let e = emoji(ctx, arg).await?;
    if ctx.dry_run {
        return would(ctx, &format!("react to {name} with {}", clean(arg)));
    }
    let r = ctx
        .client
        .create_reaction(name, &e)
        .await
        .map_err(|e| Failure::api(&format!("message {name}"), &e))?;
    let rname = r.name.clone().unwrap_or_default();
    done(
        ctx,
        &format!("reacted {} ({})", clean(arg), clean(&rname)),
        serde_json::to_value(&r).unwrap_or_default(),
    )
}

/// Deletes the caller's reaction with the emoji: among the reactions with it, the one
/// the server lets the caller delete (one per person and emoji; others' are refused).
pub async fn unreact(ctx: &mut Ctx, name: &MessageName, arg: &str) -> Result<Exit, Failure> {
    let e = emoji(ctx, arg).await?;
    let filter = emoji_filter(&e);
    let reactions = ctx
        .client
        .list_all_reactions(name, filter.as_deref())
        .await
        .map_err(|e| Failure::api(&format!("message {name}"), &e))?;
    if ctx.dry_run {
        return would(ctx, &format!("remove your {} from {name}", clean(arg)));
    }
    for r in reactions {
        let Some(rname) = r.name.as_deref().and_then(|n| ReactionName::parse(n).ok()) else {
            continue;
        };
        match ctx.client.delete_reaction(&rname).await {
            Ok(()) => {
                return done(
                    ctx,
                    &format!("removed {} ({rname})", clean(arg)),
                    serde_json::json!({ "name": rname.to_string(), "deleted": true }),
                )
            }
            Err(e) if e.code() == Some(403) => continue,
            Err(e) => return Err(Failure::api(&format!("reaction {rname}"), &e)),
        }
    }
    Err(Failure::not_found(format!(
        "You have not reacted to {name} with {}.",
        clean(arg)
    )))
}

pub async fn pin(ctx: &mut Ctx, name: &MessageName) -> Result<Exit, Failure> {
    if ctx.dry_run {
        return would(ctx, &format!("pin {name}"));
    }
    let p = ctx
        .client
        .pin_message(name)
        .await
        .map_err(|e| Failure::api(&format!("message {name}"), &e))?;
    done(
        ctx,
        &format!("pinned {name}"),
        serde_json::to_value(&p).unwrap_or_default(),
    )
}

pub async fn unpin(ctx: &mut Ctx, name: &MessageName) -> Result<Exit, Failure> {
    let pin = MessagePinName::for_message(name);
    if ctx.dry_run {
        return would(ctx, &format!("unpin {name}"));
    }
    ctx.client
        .unpin_message(&pin)
        .await
        .map_err(|e| Failure::api(&format!("pin {pin}"), &e))?;
    done(
        ctx,
        &format!("unpinned {name}"),
        serde_json::json!({ "name": pin.to_string(), "deleted": true }),
    )
}

pub async fn pins(ctx: &mut Ctx, space: &str) -> Result<Exit, Failure> {
    let s = ctx.space(space).await?;
    let sname = SpaceName::parse(s.name.as_deref().unwrap_or(""))
        .map_err(|e| Failure::other(e.to_string()))?;
    let pins = ctx
        .client
        .list_all_message_pins(&sname)
        .await
        .map_err(|e| Failure::api(&format!("space {sname}"), &e))?;
    if ctx.format != Format::Table {
        return output::json(&pins, ctx.format == Format::Json).map(|_| Exit::Ok);
    }
    let mut t = Table::new(&["MESSAGE", "TEXT"]);
    for p in &pins {
        let m = p.message.as_deref().unwrap_or("");
        let text = match MessageName::parse(m) {
            Ok(n) => ctx
                .client
                .get_message(&n)
                .await
                .ok()
                .and_then(|m| m.text)
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        t.row(vec![clean(m), excerpt(&text, 60)]);
    }
    output::print(&t.render())?;
    Ok(Exit::Ok)
}

/// Uploads `path` to `space` for `send --attach`; over 200 MB is refused before sending.
pub async fn upload(
    ctx: &Ctx,
    space: &SpaceName,
    path: &Path,
) -> Result<AttachmentDataRef, Failure> {
    let mut progress = output::Progress::new("uploading (KiB)");
    ctx.client
        .upload_attachment(space, path, None, &mut |sent, _| {
            progress.update((sent / 1024) as usize)
        })
        .await
        .map_err(|e| match e {
            crate::api::ApiError::InvalidArgument(m) => Failure::usage(super::exit::sentence(&m)),
            e => Failure::api(&format!("the upload of {}", path.display()), &e),
        })
}

/// The longest a saved name may be, in bytes: Linux allows 255, and room is left for
/// a ` (NN)` to tell it from a file already there and for the temporary
/// `.NAME.XXXXXX.part` of a download in progress.
const MAX_NAME_BYTES: usize = 255 - 16 - 8;

/// Characters that change how a name is shown without being seen: bidirectional
/// controls, zero-width and other invisible format characters.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A file name from the server made safe: its last component, no control, bidi or
/// invisible characters, never `.` or `..`, never starting with `-` (it would read as
/// an option), and short enough in bytes for any file system, keeping its extension.
fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !invisible(*c))
        .collect::<String>()
        .trim()
        .to_string();
    let mut cleaned = match cleaned.as_str() {
        "" | "." | ".." => return "attachment".to_string(),
        _ if cleaned.starts_with('-') => format!("_{cleaned}"),
        _ => cleaned,
    };
    if cleaned.len() > MAX_NAME_BYTES {
        let ext = match cleaned.rsplit_once('.') {
            Some((stem, e)) if !stem.is_empty() && e.len() <= 16 => format!(".{e}"),
            _ => String::new(),
        };
        let stem = &cleaned[..cleaned.len() - ext.len()];
        cleaned = format!("{}{ext}", cut_bytes(stem, MAX_NAME_BYTES - ext.len()));
    }
    cleaned
}

/// `dir/name`, or `dir/name (2)` and so on when that exists or is `taken` (by an
/// earlier attachment of the same run): nothing is overwritten.
fn free_path(dir: &Path, name: &str, taken: &std::collections::HashSet<PathBuf>) -> PathBuf {
    let free = |p: &PathBuf| !p.exists() && !taken.contains(p);
    let first = dir.join(name);
    if free(&first) {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(free)
        .unwrap_or(first)
}

pub async fn download(
    ctx: &mut Ctx,
    name: &MessageName,
    to: Option<&Path>,
) -> Result<Exit, Failure> {
    let m = ctx
        .client
        .get_message(name)
        .await
        .map_err(|e| Failure::api(&format!("message {name}"), &e))?;
    let atts = m.attachments();
    if atts.is_empty() {
        return Err(Failure::not_found(format!("{name} has no attachments.")));
    }
    let dir = to.unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a directory.",
            dir.display()
        )));
    }
    let mut saved = Vec::new();
    let mut failed = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for a in atts {
        let Some(media) = a
            .attachment_data_ref
            .as_ref()
            .and_then(|d| d.resource_name.as_deref())
            .and_then(|r| MediaName::parse(r).ok())
        else {
            continue; // A Drive file: nothing to download through the Chat API.
        };
        let file = safe_file_name(a.content_name.as_deref().unwrap_or("attachment"));
        let path = free_path(dir, &file, &taken);
        taken.insert(path.clone());
        if ctx.dry_run {
            saved.push((path, 0));
            continue;
        }
        let mut progress = output::Progress::new("downloading (KiB)");
        let got = ctx
            .client
            .download_attachment(&media, &path, &mut |got, _| {
                progress.update((got / 1024) as usize)
            })
            .await;
        // One attachment that fails does not stop the others.
        match got {
            Ok(n) => saved.push((path, n)),
            Err(e) => failed.push(Failure::api(&format!("attachment {file}"), &e)),
        }
    }
    for f in &failed {
        say_errln!("gchat: {}", clean(&f.message));
    }
    if ctx.format != Format::Table {
        let v: Vec<_> = saved
            .iter()
            .map(|(p, n)| serde_json::json!({ "path": p.display().to_string(), "bytes": n }))
            .collect();
        output::json(&v, ctx.format == Format::Json)?;
        return Ok(download_exit(&failed, saved.len()));
    }
    let verb = if ctx.dry_run { "would save" } else { "saved" };
    let mut out = String::new();
    for (p, n) in &saved {
        out.push_str(&format!(
            "{verb} {} ({n} bytes)\n",
            clean(&p.display().to_string())
        ));
    }
    output::print(&out)?;
    Ok(download_exit(&failed, saved.len()))
}

fn download_exit(failed: &[Failure], saved: usize) -> Exit {
    match failed {
        [] => Exit::Ok,
        [one] if saved == 0 => one.exit,
        _ => Exit::Partial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_file_names_cannot_leave_the_directory() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name("a\u{1b}[31mb.txt"), "a[31mb.txt");
        assert_eq!(safe_file_name("C:\\x\\y.pdf"), "y.pdf");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.pdf"), b"x").unwrap();
        let none = Default::default();
        assert_eq!(
            free_path(dir.path(), "r.pdf", &none),
            dir.path().join("r (2).pdf")
        );
        assert_eq!(
            free_path(dir.path(), "new.pdf", &none),
            dir.path().join("new.pdf")
        );
        // A name already given in the same run (a dry run writes nothing) is taken.
        let taken = [dir.path().join("new.pdf")].into_iter().collect();
        assert_eq!(
            free_path(dir.path(), "new.pdf", &taken),
            dir.path().join("new (2).pdf")
        );
    }

    #[test]
    fn saved_names_are_plain_short_and_not_options() {
        assert_eq!(safe_file_name("-rf"), "_-rf");
        assert_eq!(safe_file_name("in\u{202E}fdp.exe"), "infdp.exe");
        assert_eq!(safe_file_name("a\u{200B}b\u{FEFF}\u{2066}.txt"), "ab.txt");
        // 254 two-byte characters: 508 bytes, over Linux's 255.
        let long = format!("{}.pdf", "é".repeat(254));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= MAX_NAME_BYTES, "{}", safe.len());
        assert!(safe.ends_with("é.pdf"));
        let part = format!(".{safe} (99).XXXXXX.part");
        assert!(part.len() <= 255);
        // Without an extension, or with one too long to keep.
        assert!(safe_file_name(&"x".repeat(400)).len() <= MAX_NAME_BYTES);
        assert!(safe_file_name(&format!("a.{}", "e".repeat(300))).len() <= MAX_NAME_BYTES);
    }
}
