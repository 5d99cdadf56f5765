//! `gchat messages ...`

use std::io::IsTerminal;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::args::MessagesCmd;
use super::bulk::{patiently, Outcome, Report};
use super::exit::{sentence, Exit, Failure};
use super::output::{self, excerpt, local_time, Format, Table};
use super::targets::{self, SPACE_COLUMNS};
use super::{digest, pages, space_label, would, Ctx};
use crate::api::client::created_after;
use crate::api::model::{CardWithId, Message, MessageReplyOption, Thread, User};
use crate::api::{
    ClientMessageId, CreateMessage, ListMessages, MessageName, SpaceName, ThreadName,
};

pub async fn run(ctx: &mut Ctx, cmd: MessagesCmd) -> Result<Exit, Failure> {
    match cmd {
        MessagesCmd::List {
            space,
            since,
            thread,
            limit,
        } => list(ctx, &space, since.as_deref(), thread.as_deref(), limit).await,
        MessagesCmd::Get { name } => {
            let name = parse_name(&name)?;
            let m = ctx
                .client
                .get_message(&name)
                .await
                .map_err(|e| Failure::api(&name.to_string(), &e))?;
            show(ctx, &m).await
        }
        MessagesCmd::Send {
            space,
            text,
            from,
            thread,
            thread_key,
            id,
            card,
            attach,
        } => {
            // With --from, the one positional is the text.
            let (spaces, text) = match (&from.from, space, text) {
                (Some(_), Some(t), None) => (Vec::new(), Some(t)),
                (Some(_), Some(_), Some(_)) => {
                    return Err(Failure::usage(
                        "with --from FILE, give only the text (the spaces come from the file).",
                    ))
                }
                (_, s, t) => (s.into_iter().collect::<Vec<_>>(), t),
            };
            let targets = targets::collect(&spaces, from.from.as_deref(), SPACE_COLUMNS)?;
            if targets.is_empty() {
                return Err(Failure::usage(
                    "no space to post in: give SPACE or --from FILE.",
                ));
            }
            if !attach.is_empty() && (targets.len() != 1 || from.from.is_some()) {
                return Err(Failure::usage(
                    "--attach sends to one space only (not with --from).",
                ));
            }
            let text = read_text(
                text,
                card.is_some() || !attach.is_empty(),
                from.from.as_deref() == Some(Path::new("-")),
            )?;
            let cards = match &card {
                Some(path) => read_cards(path)?,
                None => Vec::new(),
            };
            let opts = SendOpts {
                text,
                cards,
                thread,
                thread_key,
                id,
                attach,
            };
            send(ctx, targets, &opts).await
        }
        MessagesCmd::Edit { name, text } => {
            let name = parse_name(&name)?;
            let text = read_text(Some(text), false, false)?.unwrap_or_default();
            if ctx.dry_run {
                return would(ctx, &format!("replace the text of {name}"));
            }
            let m = ctx
                .client
                .patch_message(&name, &Message::text(text), "text", false)
                .await
                .map_err(|e| Failure::api(&name.to_string(), &e))?;
            show(ctx, &m).await
        }
        MessagesCmd::React { name, emoji } => {
            super::conversation::react(ctx, &parse_name(&name)?, &emoji).await
        }
        MessagesCmd::Unreact { name, emoji } => {
            super::conversation::unreact(ctx, &parse_name(&name)?, &emoji).await
        }
        MessagesCmd::Pin { name } => super::conversation::pin(ctx, &parse_name(&name)?).await,
        MessagesCmd::Unpin { name } => super::conversation::unpin(ctx, &parse_name(&name)?).await,
        MessagesCmd::Pins { space } => super::conversation::pins(ctx, &space).await,
        MessagesCmd::Download { name, to } => {
            super::conversation::download(ctx, &parse_name(&name)?, to.as_deref()).await
        }
        MessagesCmd::Delete { name, force } => {
            let name = parse_name(&name)?;
            let with = if force {
                " and its thread's replies"
            } else {
                ""
            };
            if ctx.dry_run {
                return would(ctx, &format!("delete {name}{with}"));
            }
            ctx.confirm(&format!("delete the message {name}{with}"))?;
            ctx.client
                .delete_message(&name, force)
                .await
                .map_err(|e| Failure::api(&name.to_string(), &e))?;
            match ctx.format {
                Format::Table => output::print(&format!("deleted {name}\n"))?,
                f => output::json(
                    &serde_json::json!({ "name": name.to_string(), "deleted": true }),
                    f == Format::Json,
                )?,
            }
            Ok(Exit::Ok)
        }
    }
}

fn parse_name(s: &str) -> Result<MessageName, Failure> {
    MessageName::parse(s.trim()).map_err(|e| Failure::usage(sentence(&e.to_string())))
}

/// The text: as given, or read from stdin for `-` (or when absent and stdin is piped).
fn read_text(
    text: Option<String>,
    has_card: bool,
    stdin_taken: bool,
) -> Result<Option<String>, Failure> {
    let from_stdin = match text.as_deref() {
        Some("-") => true,
        Some(_) => false,
        None => !has_card && !stdin_taken && !std::io::stdin().is_terminal(),
    };
    if stdin_taken && from_stdin {
        return Err(Failure::usage(
            "stdin cannot hold both the spaces (--from -) and the text.",
        ));
    }
    let text = if from_stdin {
        let t = targets::read(Path::new("-"))?;
        Some(t.trim_end_matches('\n').to_string())
    } else {
        text
    };
    match text {
        Some(t) if t.trim().is_empty() && !has_card => Err(Failure::usage(
            "the message is empty; give TEXT, `-` for stdin, or --card.",
        )),
        None if !has_card => Err(Failure::usage(
            "no text: give TEXT, `-` for stdin, or --card.",
        )),
        t => Ok(t),
    }
}

/// A card file: one card, a `{cardId, card}`, a list of them, or `{"cardsV2": [...]}`.
fn read_cards(path: &Path) -> Result<Vec<CardWithId>, Failure> {
    let text = targets::read(path)?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{} is not JSON: {e}.", path.display())))?;
    let list = match v {
        Value::Object(mut o) if o.contains_key("cardsV2") => {
            o.remove("cardsV2").unwrap_or_default()
        }
        Value::Array(a) => Value::Array(a),
        other => Value::Array(vec![other]),
    };
    let Value::Array(items) = list else {
        return Err(Failure::usage(format!(
            "{}: cardsV2 must be a list.",
            path.display()
        )));
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(o) if o.contains_key("card") => {
                serde_json::from_value(Value::Object(o)).unwrap_or_default()
            }
            card => CardWithId {
                card_id: Some(format!("card-{}", i + 1)),
                card: Some(card),
                ..Default::default()
            },
        })
        .collect())
}

struct SendOpts {
    text: Option<String>,
    cards: Vec<CardWithId>,
    thread: Option<String>,
    thread_key: Option<String>,
    id: Option<String>,
    attach: Vec<std::path::PathBuf>,
}

/// The client message id for one target: the given id (one target), the given prefix and
/// a hash of the space (many), or a hash of what is sent and where (none given).
fn client_id(opts: &SendOpts, space: &SpaceName, many: bool) -> Result<ClientMessageId, Failure> {
    let bad = |e: crate::api::NameError| Failure::usage(sentence(&e.to_string()));
    match &opts.id {
        Some(id) if !many => ClientMessageId::parse(id).map_err(bad),
        Some(prefix) => {
            ClientMessageId::parse(prefix).map_err(bad)?;
            let tag = &digest(&[space.as_ref()])[..10];
            let keep = 63 - tag.len() - 1;
            let p: String = prefix.chars().take(keep).collect();
            ClientMessageId::parse(&format!("{}-{tag}", p.trim_end_matches('-'))).map_err(bad)
        }
        None => {
            let cards = serde_json::to_string(&opts.cards).unwrap_or_default();
            let d = digest(&[
                "messages.create",
                space.as_ref(),
                opts.text.as_deref().unwrap_or(""),
                opts.thread.as_deref().unwrap_or(""),
                opts.thread_key.as_deref().unwrap_or(""),
                &cards,
            ]);
            ClientMessageId::parse(&format!("client-gchat-{}", &d[..40])).map_err(bad)
        }
    }
}

async fn send(ctx: &mut Ctx, targets: Vec<String>, opts: &SendOpts) -> Result<Exit, Failure> {
    let many = targets.len() > 1;
    let mut report = Report::new(ctx.format, "spaces");
    for t in &targets {
        let space = match ctx.space(t).await {
            Ok(s) => s,
            Err(f) => {
                let what = if f.exit == Exit::NotFound {
                    "not found"
                } else {
                    "failed"
                };
                report.add(Outcome::failed(t, what, f.exit, f.message))?;
                continue;
            }
        };
        let sname = match SpaceName::parse(space.name.as_deref().unwrap_or("")) {
            Ok(n) => n,
            Err(e) => {
                report.add(Outcome::failed(
                    t,
                    "failed",
                    Exit::Other,
                    sentence(&e.to_string()),
                ))?;
                continue;
            }
        };
        let id = client_id(opts, &sname, many)?;
        let thread = match &opts.thread {
            Some(th) if th.contains("/threads/") => Some(
                ThreadName::parse(th)
                    .map_err(|e| Failure::usage(sentence(&e.to_string())))?
                    .to_string(),
            ),
            Some(th) => Some(format!("{sname}/threads/{th}")),
            None => None,
        };
        let mut body = Message {
            text: opts.text.clone(),
            cards_v2: opts.cards.clone(),
            thread: (thread.is_some() || opts.thread_key.is_some()).then(|| Thread {
                name: thread.clone(),
                thread_key: opts.thread_key.clone(),
            }),
            ..Default::default()
        };
        if !ctx.dry_run {
            for path in &opts.attach {
                let data = super::conversation::upload(ctx, &sname, path).await?;
                body.add_attachment(&data);
            }
        }
        let p = CreateMessage {
            message_id: Some(id.clone()),
            reply_option: body
                .thread
                .is_some()
                .then_some(MessageReplyOption::FallbackToNewThread),
            ..Default::default()
        };
        let mut o = if ctx.dry_run {
            Outcome::ok(t, &format!("would post as {id}"))
        } else {
            match patiently(|| ctx.client.create_message(&sname, &body, &p)).await {
                Ok(m) => {
                    let mut o = Outcome::ok(t, "sent");
                    o.message = Some(m);
                    o
                }
                // The same id was used before: this was sent already (a re-run).
                Err(e) if e.code() == Some(409) => {
                    let mut o = Outcome::ok(t, "already sent");
                    match ctx
                        .client
                        .get_message(&MessageName::from_client_id(&sname, &id))
                        .await
                    {
                        Ok(m) => o.message = Some(m),
                        Err(_) => o.detail = Some(format!("a message with the id {id} exists")),
                    }
                    o
                }
                Err(e) => Outcome::from_error(t, &e),
            }
        };
        // NAME tells what SPACE (as typed) did not: the resource name for a space given
        // by its display name, the display name for one given by its resource name.
        let label = space_label(&space);
        o.display = Some(if label.trim() == t.trim() {
            sname.to_string()
        } else {
            label
        });
        report.add(o)?;
    }
    report.finish(&["SPACE", "NAME", "OUTCOME", "RESOURCE"])
}

/// `--since`: RFC 3339, a date, or an age such as 30m, 2h, 7d.
fn parse_since(s: &str) -> Result<chrono::DateTime<chrono::Utc>, Failure> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        {
            return Ok(t.with_timezone(&chrono::Utc));
        }
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().unwrap_or(-1);
    let secs = match unit {
        "s" => Some(1),
        "m" => Some(60),
        "h" => Some(3600),
        "d" => Some(86400),
        "w" => Some(7 * 86400),
        _ => None,
    };
    match (n, secs) {
        (n, Some(k)) if n >= 0 && n < 100 * 365 * 86400 / k => {
            Ok(chrono::Utc::now() - chrono::Duration::seconds(n * k))
        }
        _ => Err(Failure::usage(format!(
            "--since {:?}: give RFC 3339 (2026-11-20T09:00:00Z), a date (2026-11-20) or an age (30m, 2h, 7d).",
            output::clean(s)
        ))),
    }
}

async fn list(
    ctx: &mut Ctx,
    space: &str,
    since: Option<&str>,
    thread: Option<&str>,
    limit: Option<usize>,
) -> Result<Exit, Failure> {
    let mut filters = Vec::new();
    if let Some(s) = since {
        filters.push(created_after(&parse_since(s)?));
    }
    let s = ctx.space(space).await?;
    let name = SpaceName::parse(s.name.as_deref().unwrap_or(""))
        .map_err(|e| Failure::other(sentence(&e.to_string())))?;
    if let Some(th) = thread {
        let full = if th.contains("/threads/") {
            th.to_string()
        } else {
            format!("{name}/threads/{th}")
        };
        let tn = ThreadName::parse(&full).map_err(|e| Failure::usage(sentence(&e.to_string())))?;
        filters.push(format!("thread.name = {tn}"));
    }
    let filter = (!filters.is_empty()).then(|| filters.join(" AND "));
    let client = &ctx.client;
    let what = format!("messages of {name}");
    let stream = ctx.format == Format::Jsonl;
    let fetch = |page_size, page_token| {
        let p = ListMessages {
            page_size: Some(page_size),
            page_token,
            filter: filter.clone(),
            ..Default::default()
        };
        let (name, what) = (&name, &what);
        async move {
            let page = client
                .list_messages_full(name, &p)
                .await
                .map_err(|e| Failure::api(what, &e))?;
            Ok((page.messages, page.next_page_token))
        }
    };
    let all: Vec<Message> = pages::all_with("messages", limit, fetch, |page| {
        if stream {
            for m in page {
                output::json(m, false)?;
            }
        }
        Ok(())
    })
    .await?;
    match ctx.format {
        Format::Jsonl => {}
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                messages: &'a [Message],
            }
            output::json(&Doc { messages: &all }, true)?;
        }
        Format::Table => {
            ctx.learn_people(all.iter().filter_map(|m| m.sender.as_ref()))
                .await;
            let mentioned: Vec<User> = all
                .iter()
                .filter_map(|m| m.text.as_deref())
                .flat_map(mentions)
                .map(|name| User {
                    name: Some(name),
                    ..Default::default()
                })
                .collect();
            ctx.learn_people(mentioned.iter()).await;
            let mut t = Table::new(&["TIME", "FROM", "TEXT", "MESSAGE"]);
            for m in &all {
                let reply = if m.thread_reply { "↳ " } else { "" };
                let text = m
                    .text
                    .as_deref()
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .or_else(|| (!m.cards_v2.is_empty()).then(|| "[card]".to_string()))
                    .unwrap_or_default();
                t.row(vec![
                    local_time(m.create_time.as_ref()),
                    m.sender
                        .as_ref()
                        .map(|u| ctx.user_label(u))
                        .unwrap_or_default(),
                    format!("{reply}{}", excerpt(&with_names(ctx, &text), 60)),
                    m.name.clone().unwrap_or_default(),
                ]);
            }
            output::print(&t.render())?;
        }
    }
    Ok(Exit::Ok)
}

/// The `users/ID` of each `<users/ID>` mention in `text`.
fn mentions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<users/") {
        let after = &rest[i + 1..];
        match after.find('>') {
            Some(j) => {
                out.push(after[..j].to_string());
                rest = &after[j..];
            }
            None => break,
        }
    }
    out
}

/// `text` with each `<users/ID>` mention as `@Name`, as the TUI shows it.
fn with_names(ctx: &Ctx, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("<users/") {
        let after = &rest[i + 1..];
        let Some(j) = after.find('>') else { break };
        out.push_str(&rest[..i]);
        let user = User {
            name: Some(after[..j].to_string()),
            ..Default::default()
        };
        out.push('@');
        out.push_str(&ctx.user_label(&user));
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

async fn show(ctx: &mut Ctx, m: &Message) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => {
            ctx.learn_people(m.sender.iter()).await;
            let mut t = Table::new(&["FIELD", "VALUE"]);
            let rows = [
                ("Message", m.name.clone().unwrap_or_default()),
                (
                    "From",
                    m.sender
                        .as_ref()
                        .map(|u| ctx.user_label(u))
                        .unwrap_or_default(),
                ),
                ("Sent", local_time(m.create_time.as_ref())),
                ("Edited", local_time(m.last_update_time.as_ref())),
                ("Thread", m.thread_name().unwrap_or_default().to_string()),
                (
                    "Client id",
                    m.client_assigned_message_id.clone().unwrap_or_default(),
                ),
                (
                    "Web",
                    crate::api::web::message_url(None, m).unwrap_or_default(),
                ),
                (
                    "Cards",
                    if m.cards_v2.is_empty() {
                        String::new()
                    } else {
                        m.cards_v2.len().to_string()
                    },
                ),
            ];
            for (k, v) in rows {
                if !v.is_empty() {
                    t.row(vec![k.into(), v]);
                }
            }
            let mut out = t.render();
            if let Some(text) = m.text.as_deref().filter(|t| !t.is_empty()) {
                out.push('\n');
                for line in text.lines() {
                    out.push_str(output::clean(line).trim_end());
                    out.push('\n');
                }
            }
            output::print(&out)?;
        }
        f => output::json(m, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(id: Option<&str>) -> SendOpts {
        SendOpts {
            text: Some("hello".into()),
            cards: Vec::new(),
            thread: None,
            thread_key: None,
            id: id.map(String::from),
            attach: Vec::new(),
        }
    }

    #[test]
    fn client_ids_are_stable_valid_and_per_space() {
        let a = SpaceName::parse("spaces/AAAA").unwrap();
        let b = SpaceName::parse("spaces/BBBB").unwrap();
        let o = opts(None);
        let ia = client_id(&o, &a, false).unwrap();
        assert_eq!(
            ia,
            client_id(&o, &a, false).unwrap(),
            "same command, same id"
        );
        assert_ne!(ia, client_id(&o, &b, false).unwrap());
        assert_ne!(
            ia,
            client_id(&opts(None).with_text("other"), &a, false).unwrap()
        );

        let long = format!("client-{}", "x".repeat(56));
        let o = opts(Some(&long));
        assert_eq!(client_id(&o, &a, false).unwrap().as_str(), long);
        let pa = client_id(&o, &a, true).unwrap();
        let pb = client_id(&o, &b, true).unwrap();
        assert!(pa.as_str().len() <= 63 && pa.as_str().starts_with("client-xxx"));
        assert_ne!(pa, pb);
        assert!(client_id(&opts(Some("Bad Id")), &a, false).is_err());
    }

    impl SendOpts {
        fn with_text(mut self, t: &str) -> Self {
            self.text = Some(t.into());
            self
        }
    }

    #[test]
    fn since_forms() {
        assert!(parse_since("2026-11-20T09:00:00Z").is_ok());
        assert!(parse_since("2026-11-20").is_ok());
        let two_h = parse_since("2h").unwrap();
        let age = chrono::Utc::now() - two_h;
        assert!(age >= chrono::Duration::hours(2) && age < chrono::Duration::hours(3));
        for bad in ["", "yesterday", "-3d", "99999999999999d"] {
            assert_eq!(parse_since(bad).unwrap_err().exit, Exit::Usage, "{bad}");
        }
    }
}
