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

/// A file name from the server made safe: its last component, no control characters,
/// never `.` or `..`.
fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    match cleaned.as_str() {
        "" | "." | ".." => "attachment".to_string(),
        _ => cleaned,
    }
}

/// `dir/name`, or `dir/name (2)` and so on when that exists: nothing is overwritten.
fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
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
        let path = free_path(dir, &file);
        if ctx.dry_run {
            saved.push((path, 0));
            continue;
        }
        let mut progress = output::Progress::new("downloading (KiB)");
        let n = ctx
            .client
            .download_attachment(&media, &path, &mut |got, _| {
                progress.update((got / 1024) as usize)
            })
            .await
            .map_err(|e| Failure::api(&format!("attachment {file}"), &e))?;
        saved.push((path, n));
    }
    if ctx.format != Format::Table {
        let v: Vec<_> = saved
            .iter()
            .map(|(p, n)| serde_json::json!({ "path": p.display().to_string(), "bytes": n }))
            .collect();
        return output::json(&v, ctx.format == Format::Json).map(|_| Exit::Ok);
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
    Ok(Exit::Ok)
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
        assert_eq!(free_path(dir.path(), "r.pdf"), dir.path().join("r (2).pdf"));
        assert_eq!(free_path(dir.path(), "new.pdf"), dir.path().join("new.pdf"));
    }
}
