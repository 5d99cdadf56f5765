//! The compose box under the messages: what Enter sends and where (its title), the
//! soft-wrapped draft growing to a few lines, the characters left near the limit, and
//! the terminal's cursor at the caret.

use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::compose::{grouped, Target, COUNT_FROM, LIMIT, PLACEHOLDER};
use crate::app::{App, Focus};
use crate::clean::Clean;
use crate::keymap::{Command, Mode};
use crate::markup;
use crate::theme;
use crate::ui::textbox;

/// Text lines the box grows to as one types.
pub const MAX_LINES: u16 = 8;

/// Whether the box in `space` is being typed in.
fn typing(app: &App, space: &str) -> bool {
    app.focus == Focus::Compose && app.compose.space.as_deref() == Some(space)
}

/// The box's height (borders included) in a message pane whose inside is `inner`: one
/// text line, growing with the wrapped draft while typing to `MAX_LINES`, or a third of
/// the pane on a small terminal.
pub fn height(app: &App, space: &str, inner: Rect) -> u16 {
    if !typing(app, space) || app.posting_refused(space).is_some() {
        return 3;
    }
    let t = &app.compose.textarea;
    let wrapped = textbox::height(t.lines(), inner.width.saturating_sub(2), t.cursor());
    let most = MAX_LINES.min(inner.height / 3).max(1);
    u16::try_from(wrapped).unwrap_or(u16::MAX).clamp(1, most) + 2
}

/// "Reply to Bob Li: Has anyone tried…": whom a reply in `thread` answers and how the
/// thread starts.
/// It fits in `width` columns: the start is cut (with `…`) only when it must be.
fn reply_title(app: &App, space: &str, thread: &str, width: usize) -> String {
    let root = app
        .store
        .timeline(space)
        .and_then(|t| crate::app::compose::thread_root(t.items(), thread));
    let who = root
        .and_then(|r| r.sender())
        .map(|u| app.member_label(u).into_string())
        .or_else(|| {
            // Whom the box was last told it answers, only for this thread.
            let same = matches!(&app.compose.target, Target::Reply { thread: t } if t == thread);
            app.compose
                .reply_to
                .as_deref()
                .filter(|_| same)
                .map(|s| Clean::line(s).into_string())
        });
    // The thread's first message is not held (not loaded, or not readable): no reply of
    // it is quoted in its place.
    let Some(who) = who else {
        return " Reply in thread ".to_string();
    };
    let who = markup::truncate(&who, (width / 2).max(8));
    let room = width.saturating_sub(markup::width(&format!(" Reply to {who}:  ")));
    let start = root
        .and_then(|r| r.text())
        .filter(|_| room >= 8)
        .map(|t| markup::plain_preview(t, app, room))
        .filter(|p| !p.as_str().trim().is_empty());
    match start {
        Some(s) => format!(" Reply to {who}: {s} "),
        None => format!(" Reply to {who} "),
    }
}

/// What the idle box offers: the message pane's writing keys that work now (in a thread
/// the compose key replies too), or, from another pane, how to get to them.
fn idle_hint(app: &App, target: &Target) -> String {
    let key = |c| app.keymap.label(Mode::Messages, c);
    let ok = |c| app.unavailable(c).is_none() && !key(c).is_empty();
    let in_thread = matches!(target, Target::Reply { .. });
    let write = if in_thread { "reply" } else { "new message" };
    if app.focus != Focus::Messages {
        if !ok(Command::Compose) {
            return String::new();
        }
        let to = app.keymap.label(Mode::Global, Command::FocusMessages);
        let what = if in_thread { "reply" } else { "write" };
        return format!("{to} then {} to {what}", key(Command::Compose));
    }
    let mut parts = Vec::new();
    if in_thread {
        let keys: Vec<String> = [Command::Compose, Command::Reply]
            .into_iter()
            .filter(|c| ok(*c))
            .map(key)
            .collect();
        if !keys.is_empty() {
            parts.push(format!("{} reply", keys.join("/")));
        }
    } else {
        if ok(Command::Compose) {
            parts.push(format!("{} {write}", key(Command::Compose)));
        }
        if ok(Command::Reply) {
            parts.push(format!("{} reply", key(Command::Reply)));
        }
    }
    if ok(Command::Edit) {
        parts.push(format!("{} edit", key(Command::Edit)));
    }
    parts.join(" · ")
}

pub fn draw(app: &App, f: &mut Frame, area: Rect, space: &str) {
    if let Some(why) = app.posting_refused(space) {
        // No box to type in: say why, and what the user can do instead.
        let mut why = Clean::line(&why).into_string();
        if let Some(first) = why.get(..1) {
            why = first.to_uppercase() + &why[1..];
        }
        let reply = app.keymap.label(Mode::Messages, Command::Reply);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme::border(false));
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!("{why}. {reply} replies in a thread."),
                theme::dim(),
            )))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block),
            area,
        );
        return;
    }
    let c = &app.compose;
    let typing = typing(app, space);
    let in_thread = app.views.get(space).and_then(|v| v.thread.clone());
    // Typing: where Enter sends. Idle: what typing would start here, with its draft.
    let target = if typing {
        c.target.clone()
    } else {
        match in_thread {
            Some(thread) => Target::Reply { thread },
            None => Target::New,
        }
    };
    let mut title = match &target {
        Target::New => {
            let label = app
                .space(space)
                .map(|s| app.space_label(s))
                .unwrap_or_default();
            format!(" New message in {label} ")
        }
        // Room for it between the corners, with a dash of border after.
        Target::Reply { thread } => reply_title(
            app,
            space,
            thread,
            usize::from(area.width).saturating_sub(3),
        ),
        Target::Edit { .. } => " Edit message ".to_string(),
    };
    let error = c.error.as_ref().filter(|_| typing);
    if let Some(err) = error {
        title = format!(
            "{title}— not saved: {} ",
            markup::truncate(&Clean::line(err), 60)
        );
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(typing))
        .title(Span::styled(
            title,
            if error.is_some() {
                theme::error_bold()
            } else {
                theme::title(typing)
            },
        ));
    if let Some(chips) = crate::ui::files::chips_line(app, space) {
        // The files sent with the message, on the box's lower edge, left.
        block = block.title_bottom(Line::from(Span::styled(
            format!(" {} ", markup::truncate(&Clean::line(&chips), 60)),
            theme::warn(),
        )));
    }
    if !typing {
        let hint = match c.draft(space, &target) {
            Some(d) => Line::from(vec![
                Span::styled("Draft: ".to_string(), theme::warn()),
                Span::styled(Clean::line(&d.join(" ")), theme::dim()),
            ]),
            None => Line::from(Span::styled(idle_hint(app, &target), theme::dim())),
        };
        f.render_widget(Paragraph::new(hint).block(block), area);
        return;
    }
    let n = c.chars();
    if n > LIMIT {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" {} over the {} limit ", grouped(n - LIMIT), grouped(LIMIT)),
                theme::error_bold(),
            ))
            .alignment(Alignment::Right),
        );
    } else if LIMIT - n <= COUNT_FROM {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" {} left ", grouped(LIMIT - n)),
                theme::warn(),
            ))
            .alignment(Alignment::Right),
        );
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    let t = &c.textarea;
    let caret = textbox::draw(
        f,
        inner,
        t.lines(),
        t.cursor(),
        &c.scroll,
        Style::default(),
        Some((PLACEHOLDER, theme::dim())),
    );
    if let Some(p) = caret.filter(|_| app.dialog.is_none() && app.help.is_none()) {
        f.set_cursor_position(p);
        if app.focus == Focus::Compose {
            crate::ui::mention_popup::draw(app, f, area, p);
        }
    }
}
