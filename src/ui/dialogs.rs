//! Dialogs, drawn over the panes.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::api::model::SpaceType;
use crate::app::dialog::{Dialog, Kind};
use crate::app::timeline::MessageId;
use crate::app::App;
use crate::clean::Clean;
use crate::keymap::Command;
use crate::markup::Para;
use crate::theme;
use crate::ui::place::{centered, dialog_key};

fn text_lines(app: &App, d: &Dialog, cols: usize) -> Vec<Para> {
    let mut v: Vec<Line<'static>> = Vec::new();
    match &d.kind {
        Kind::AddMember { space } => {
            let label = app
                .space(space)
                .map(|s| app.space_label(s))
                .unwrap_or_default();
            v.push(Line::from(format!("Add to {label}:")));
            v.push(Line::from(Span::styled(
                "a name, a user id (users/123 or 123), an email address, or app for the Chat app"
                    .to_string(),
                theme::dim(),
            )));
            v.extend(who_is_it(app, d));
        }
        Kind::RemoveMember { label, space, .. } => {
            let sl = app
                .space(space)
                .map(|s| app.space_label(s))
                .unwrap_or_default();
            v.push(Line::from(vec![
                Span::raw("Remove "),
                Span::styled(label.clone(), theme::bold()),
                Span::raw(format!(" from {sl}?")),
            ]));
        }
        Kind::DeleteMessage {
            replies,
            preview,
            message,
            ..
        } => {
            if MessageId::is_local(message) {
                v.push(Line::from("Discard this unsent message?"));
            } else if *replies > 0 {
                v.push(Line::from(Span::styled(
                    format!(
                        "This message has {replies} repl{}. Delete it and all its replies?",
                        if *replies == 1 { "y" } else { "ies" }
                    ),
                    theme::warn(),
                )));
            } else {
                v.push(Line::from("Delete this message for everyone?"));
            }
            v.push(Line::from(Span::styled(
                format!("“{preview}”"),
                theme::dim(),
            )));
        }
        Kind::DeleteSpace { display_name, .. } => {
            v.push(Line::from(Span::styled(
                format!(
                    "Deleting {display_name} removes all its messages and members, for everyone."
                ),
                theme::warn(),
            )));
            v.push(Line::from("This cannot be undone."));
        }
        Kind::SpaceInfo { space } => return space_info(app, space),
        Kind::LeaveSpace { label, .. } => {
            v.push(Line::from(vec![
                Span::raw("Leave "),
                Span::styled(label.clone(), theme::bold()),
                Span::raw("?"),
            ]));
            v.push(Line::from(Span::styled(
                if app.me.is_app {
                    "The Chat app will no longer be a member; a person can add it back."
                } else {
                    "You can come back only if someone adds you again."
                }
                .to_string(),
                theme::dim(),
            )));
        }
        Kind::QuitUnsaved { why } => {
            v.push(Line::from(Span::styled(
                format!(
                    "Drafts and unsent messages could not be saved ({}).",
                    Clean::line(why)
                ),
                theme::warn(),
            )));
            v.push(Line::from(Span::styled(
                "Quitting now loses them; cancel to keep gchat open while it tries again."
                    .to_string(),
                theme::dim(),
            )));
        }
        Kind::Quit { waiting, .. } => {
            let n = app.in_flight();
            let (messages, is, it_is) = if n == 1 {
                ("message".to_string(), "is", "it is")
            } else {
                ("messages".to_string(), "are", "they are")
            };
            if n == 0 {
                v.push(Line::from("Every message has been sent."));
            } else if *waiting {
                v.push(Line::from(Span::styled(
                    format!("Waiting for {n} {messages} to be sent; gchat quits when {it_is}."),
                    theme::warn(),
                )));
            } else {
                v.push(Line::from(Span::styled(
                    format!("{n} {messages} {is} still sending."),
                    theme::warn(),
                )));
                v.push(Line::from(Span::styled(
                    "Wait: quit once sent. Keep: quit now; they come back next start, ready to retry."
                        .to_string(),
                    theme::dim(),
                )));
            }
        }
        Kind::DiscardDraft { chars } => {
            v.push(Line::from(format!(
                "Discard this draft of {chars} characters?"
            )));
            v.push(Line::from(Span::styled(
                format!(
                    "{} in the box brings it back.",
                    app.keymap
                        .label(crate::keymap::Mode::Compose, Command::Undo)
                ),
                theme::dim(),
            )));
        }
        Kind::MoveToSection { choices, .. } => {
            v.push(Line::from("Move the space to:"));
            for (i, (_, label)) in choices.iter().enumerate() {
                let picked = i == d.pick;
                v.push(Line::from(Span::styled(
                    format!("{} {}", if picked { "▸" } else { " " }, Clean::line(label)),
                    if picked {
                        theme::selected()
                    } else {
                        theme::base()
                    },
                )));
            }
        }
        Kind::AttachFile { space } => v.extend(crate::ui::files::attach_text(app, space)),
        Kind::Pick { choices, labels } => v.extend(crate::ui::files::pick_text(
            app, choices, labels, d.pick, cols,
        )),
        Kind::Address { url, why } => {
            v.push(Line::from(Clean::line(why).into_string()));
            v.push(Line::from(""));
            v.push(Line::from(Span::styled(
                Clean::line(url).into_string(),
                theme::link(),
            )));
        }
        Kind::CreateSpace { .. } | Kind::EditSpace { .. } | Kind::Search { .. } => {}
        Kind::MessagePerson { .. } => v.extend(crate::ui::people::message_person(app, d)),
    }
    v.into_iter().map(Para::from).collect()
}

/// Label and value rows; a long value wraps under itself, not under the label.
fn space_info(app: &App, space: &str) -> Vec<Para> {
    let mut v: Vec<Para> = Vec::new();
    let Some(s) = app.space(space) else {
        v.push(Line::from("This space is no longer listed.").into());
        return v;
    };
    let kind = match s.kind() {
        SpaceType::Space => "Named space",
        SpaceType::GroupChat => "Group chat",
        SpaceType::DirectMessage => "Direct message",
        _ => "Space",
    };
    const LABEL: usize = 12;
    let row = |k: &str, val: Clean| Para {
        spans: vec![
            Span::styled(format!("{k:<LABEL$}"), theme::dim()),
            Span::raw(val),
        ],
        hang: LABEL,
        code: false,
    };
    v.push(row("Name", app.space_label(s)));
    v.push(row("Kind", Clean::line(kind)));
    if let Some(d) = &s.space_details {
        if let Some(x) = d.description.as_deref().filter(|x| !x.is_empty()) {
            v.push(row("Description", Clean::line(x)));
        }
        if let Some(x) = d.guidelines.as_deref().filter(|x| !x.is_empty()) {
            v.push(row("Guidelines", Clean::line(x)));
        }
    }
    if let Some(m) = app.store.members(space).filter(|m| m.loaded) {
        v.push(row("Members", Clean::line(&m.summary())));
    }
    if let Some(t) = s.create_time {
        let day = app.settings.local(t).format("%-d %b %Y").to_string();
        v.push(row("Created", Clean::line(&day)));
    }
    v.push(row("Resource", Clean::line(space)));
    // The server's own address when it gave a web one, else one made from the id.
    if let Some(url) = crate::api::web::space_url(s) {
        v.push(Line::from("").into());
        v.push(Line::from(Span::styled("Open in a browser:".to_string(), theme::dim())).into());
        v.push(Line::from(Span::styled(Clean::line(&url).into_string(), theme::link())).into());
    }
    v
}

/// The dialog's title; moving a space names the space.
fn dialog_title(app: &App, d: &Dialog) -> String {
    if let Kind::MoveToSection { space, .. } = &d.kind {
        if let Some(s) = app.space(space) {
            return format!("Move {} to", app.space_label(s));
        }
    }
    d.title().to_string()
}

pub fn draw(app: &App, f: &mut Frame, area: Rect, d: &Dialog) {
    if matches!(d.kind, Kind::Search { .. }) {
        return crate::ui::people::search(app, f, area, d);
    }
    let w = if matches!(d.kind, Kind::SpaceInfo { .. }) {
        76
    } else {
        64
    };
    let w = w.min(area.width);
    // Wrapped here, so the box is as tall as its text.
    let text: Vec<Line<'static>> = crate::markup::wrap(
        &text_lines(app, d, w.saturating_sub(2) as usize),
        w.saturating_sub(2) as usize,
    );
    let field_h: u16 = d
        .fields
        .iter()
        .map(|fl| if fl.multiline { 5 } else { 3 })
        .sum();
    let err_lines: Vec<Line<'static>> = d
        .error
        .iter()
        .flat_map(|e| {
            let para = Para::from(Line::from(Span::styled(Clean::line(e), theme::error())));
            crate::markup::wrap(&[para], w.saturating_sub(2) as usize)
        })
        .collect();
    let err_h = err_lines.len() as u16;
    let h = text.len() as u16 + field_h + err_h + 4;
    let w = if matches!(d.kind, Kind::SpaceInfo { .. }) {
        76
    } else {
        64
    };
    let r = centered(area, w, h.max(7));
    crate::ui::clear(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(" {} ", dialog_title(app, d)),
            theme::title(true),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);

    let mut constraints = vec![Constraint::Length(text.len() as u16)];
    for fl in &d.fields {
        constraints.push(Constraint::Length(if fl.multiline { 5 } else { 3 }));
    }
    constraints.push(Constraint::Length(err_h));
    constraints.push(Constraint::Min(1));
    let parts = Layout::vertical(constraints).split(inner);
    f.render_widget(Paragraph::new(text), parts[0]);
    for (i, fl) in d.fields.iter().enumerate() {
        let focused = i == d.focus;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme::border(focused))
            .title(Span::styled(
                format!(" {} ", fl.label),
                theme::title(focused),
            ));
        let inner = block.inner(parts[1 + i]);
        f.render_widget(block, parts[1 + i]);
        let caret = crate::ui::textbox::draw(
            f,
            inner,
            fl.input.lines(),
            fl.input.cursor(),
            &fl.scroll,
            Style::default(),
            None,
        );
        if let Some(p) = caret.filter(|_| focused && app.help.is_none()) {
            f.set_cursor_position(p);
        }
    }
    if !err_lines.is_empty() {
        f.render_widget(Paragraph::new(err_lines), parts[1 + d.fields.len()]);
    }
    let footer = if d.busy {
        Line::from(Span::styled("Working…", theme::warn()))
    } else if matches!(d.kind, Kind::SpaceInfo { .. }) {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" close"),
        ])
    } else if matches!(d.kind, Kind::Address { .. }) {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::Yes), theme::key()),
            Span::raw(" copy   "),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" close"),
        ])
    } else if matches!(d.kind, Kind::QuitUnsaved { .. }) {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::KeepSends), theme::key()),
            Span::raw(" quit anyway   "),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" cancel"),
        ])
    } else if matches!(d.kind, Kind::Quit { waiting: true, .. }) {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::KeepSends), theme::key()),
            Span::raw(" quit now, keep them for next start   "),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" don't quit"),
        ])
    } else if matches!(d.kind, Kind::Quit { .. }) {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::WaitSends), theme::key()),
            Span::raw(" wait   "),
            Span::styled(dialog_key(app, Command::KeepSends), theme::key()),
            Span::raw(" keep for next start   "),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" cancel"),
        ])
    } else if d.is_confirm() {
        Line::from(vec![
            Span::styled(dialog_key(app, Command::Yes), theme::key()),
            Span::raw("/"),
            Span::styled(dialog_key(app, Command::Submit), theme::key()),
            Span::raw(" yes   "),
            Span::styled(dialog_key(app, Command::No), theme::key()),
            Span::raw("/"),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" no"),
        ])
    } else {
        let mut v = vec![
            Span::styled(dialog_key(app, Command::Submit), theme::key()),
            Span::raw(" ok   "),
            Span::styled(dialog_key(app, Command::Cancel), theme::key()),
            Span::raw(" cancel"),
        ];
        if d.fields.len() > 1 {
            v.push(Span::raw("   "));
            v.push(Span::styled(
                dialog_key(app, Command::NextField),
                theme::key(),
            ));
            v.push(Span::raw(" next field"));
        }
        if d.fields.get(d.focus).is_some_and(|f| f.multiline) {
            v.push(Span::raw("   "));
            v.push(Span::styled(
                dialog_key(app, Command::Newline),
                theme::key(),
            ));
            v.push(Span::raw(" new line"));
        }
        Line::from(v)
    };
    let last = parts[parts.len() - 1];
    let footer_area = Rect {
        y: last.y + last.height.saturating_sub(1),
        height: 1,
        ..last
    };
    f.render_widget(Paragraph::new(footer), footer_area);
}

/// What the add-member input stands for: the people a name matches (the picked one
/// marked), who an id or email is, or that no one is known by it.
fn who_is_it(app: &App, d: &Dialog) -> Vec<Line<'static>> {
    use crate::api::UserRef;
    let q = d.field(0).trim().to_string();
    let mut v = Vec::new();
    if q.is_empty() {
        return v;
    }
    match UserRef::parse_loose(&q) {
        Ok(UserRef::App) => v.push(Line::from(Span::styled(
            "The Chat app.".to_string(),
            theme::dim(),
        ))),
        Ok(UserRef::Id(id)) => {
            let user = format!("users/{id}");
            v.push(match app.people.name(&user) {
                Some(n) => Line::from(vec![
                    Span::raw("That is "),
                    Span::styled(n.into_string(), theme::bold()),
                    Span::raw("."),
                ]),
                None if app.people.is_unknown(&user) => Line::from(Span::styled(
                    format!("No one with id {id} is in your directory."),
                    theme::warn(),
                )),
                None => Line::from(Span::styled("Looking them up…".to_string(), theme::dim())),
            });
        }
        Ok(UserRef::Email(_)) | Err(_) => {
            let searched = d.searched.as_deref() == Some(q.as_str());
            let email = UserRef::parse_loose(&q).is_ok();
            if searched && d.found.is_empty() {
                v.push(Line::from(Span::styled(
                    if email {
                        "Not in your directory: they will be invited by address.".to_string()
                    } else {
                        format!("No one in your directory matches \"{}\".", Clean::line(&q))
                    },
                    theme::warn(),
                )));
            } else if !searched && app.searching_people() {
                v.push(Line::from(Span::styled(
                    "Searching…".to_string(),
                    theme::dim(),
                )));
            }
            for (i, f) in d.found.iter().take(6).enumerate() {
                let picked = i == d.pick && !email;
                let mut spans = vec![
                    Span::raw(if picked { "› " } else { "  " }),
                    Span::styled(
                        f.name.clone().into_string(),
                        if picked {
                            theme::bold()
                        } else {
                            Style::default()
                        },
                    ),
                ];
                if let Some(e) = &f.email {
                    spans.push(Span::styled(format!("  {e}"), theme::dim()));
                }
                v.push(Line::from(spans));
            }
        }
    }
    v
}
