//! The status bar: mode, the keys that apply here, and how syncing goes.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::clean::Clean;
use crate::keymap::Mode;
use crate::markup;
use crate::theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let mode = app.mode();
    let badge = match mode {
        Mode::Compose | Mode::Filter => " INSERT ",
        Mode::Dialog => " DIALOG ",
        _ => " NORMAL ",
    };
    let mut left = vec![Span::styled(badge.to_string(), theme::mode())];
    if app.settings.demo {
        left.push(Span::styled(" DEMO ".to_string(), theme::demo_badge()));
    } else if !app.settings.source.is_empty() && area.width >= crate::ui::small::TWO_PANES {
        // Who is signed in, and where: several accounts and servers look alike otherwise.
        // It gives way to a note that needs the room (narrower than two panes, to the
        // keys that switch panes).
        let chip = format!(
            " {} · {} ",
            who(app),
            markup::truncate(&app.settings.source, 40)
        );
        let note_w = app
            .status
            .note
            .as_ref()
            .map_or(0, |n| markup::width(&n.text));
        if note_w == 0 || note_w + markup::width(&chip) + 40 <= area.width as usize {
            left.push(Span::styled(chip, theme::demo_badge()));
        }
    }
    left.push(Span::raw(" "));

    // Right side: requests in flight, then sync state.
    let mut right: Vec<Span> = Vec::new();
    if let Some(t) = &app.files.transfer {
        right.push(Span::styled(crate::ui::files::progress(t), theme::warn()));
    }
    // Given up first when the help key would not fit.
    let spinner_at = right.len();
    if app.status.busy > 0 {
        right.push(Span::styled(
            format!("{} working ", SPINNER[app.status.spinner % SPINNER.len()]),
            theme::warn(),
        ));
    }
    if let Some(why) = &app.status.not_saving {
        right.push(Span::styled(
            format!("⚠ not saved: {} ", markup::truncate(&Clean::line(why), 30)),
            theme::error(),
        ));
    }
    let mentions = app.store.mention_total();
    if mentions > 0 {
        right.push(Span::styled(format!("@{mentions} "), theme::unread()));
    }
    // The sync clock (only a clock: a warning stays) gives way to a note and the help key.
    let mut clock_at = None;
    match (&app.status.offline, app.status.synced_at) {
        // Polling waits: nothing is synced until it is over.
        _ if app.polling_held_for().is_some() => {
            let secs = app.polling_held_for().unwrap_or_default().as_secs().max(1);
            right.push(Span::styled(
                if area.width < crate::ui::small::TWO_PANES {
                    format!("◌ wait {secs}s ")
                } else {
                    format!("◌ waiting {secs}s: the server asked to slow down ")
                },
                theme::error(),
            ))
        }
        (Some(why), _) => right.push(Span::styled(
            format!("○ offline: {} ", markup::truncate(&Clean::line(why), 40)),
            theme::error(),
        )),
        (None, Some(t)) => {
            clock_at = Some(right.len());
            right.push(Span::styled(
                format!(
                    "● {}{} ",
                    // Narrow: the time says it; the room goes to the keys.
                    if area.width < crate::ui::small::TWO_PANES {
                        ""
                    } else {
                        "synced "
                    },
                    app.settings.local(t).format("%H:%M")
                ),
                theme::ok(),
            ))
        }
        _ => right.push(Span::styled("○ connecting ".to_string(), theme::dim())),
    }
    // The way to help stays on screen at every width: what it needs is kept first, and
    // the other hints, the account chip and the spinner give way to it.
    let help = (!mode.is_typing() && mode != Mode::Dialog)
        .then(|| {
            app.keymap
                .hints(Mode::Global)
                .into_iter()
                .find(|(_, l)| *l == "help")
        })
        .flatten();
    let help_w = help
        .as_ref()
        .map_or(0, |(k, l)| markup::width(k) + 1 + markup::width(l));
    // One pane at a time (a narrow terminal): how to reach the others is kept too.
    let single = !mode.is_typing()
        && !app.zoom
        && crate::ui::small::arrangement(app, area.width) == crate::ui::small::Arrangement::Single;
    let next_pane = app
        .keymap
        .label(Mode::Global, crate::keymap::Command::FocusNext);
    // (A note shows in place of the hints.)
    let kept_w = help_w
        + if single && app.status.note.is_none() {
            markup::width(&next_pane) + markup::width("next pane") + 3
        } else {
            0
        };
    let width_of = |v: &[Span]| -> usize { v.iter().map(|s| markup::width(&s.content)).sum() };
    let fits = |left: &[Span], right: &[Span]| {
        width_of(left) + width_of(right) + 1 + kept_w <= area.width as usize
    };
    if !fits(&left, &right) && left.len() > 2 {
        left.remove(1);
    }
    if !fits(&left, &right) && app.status.busy > 0 && spinner_at < right.len() {
        right.remove(spinner_at);
    }
    // A note beside the help key: the account chip or DEMO, the spinner and the sync
    // clock make room for it first; what still does not fit is cut, saying so.
    let note_w = app
        .status
        .note
        .as_ref()
        .map_or(0, |n| markup::width(Clean::line(&n.text).as_str()));
    if help_w > 0 && note_w > 0 {
        let whole = |left: &[Span], right: &[Span]| {
            width_of(left) + width_of(right) + 1 + help_w + 2 + note_w <= area.width as usize
        };
        if !whole(&left, &right) && left.len() > 2 {
            left.remove(1);
        }
        if !whole(&left, &right) && app.status.busy > 0 && spinner_at < right.len() {
            right.remove(spinner_at);
            clock_at = clock_at.map(|c| c - 1);
        }
        if let Some(c) = clock_at.filter(|_| !whole(&left, &right)) {
            right.remove(c);
        }
    }
    let right_w = width_of(&right);
    let left_w = width_of(&left);
    let room = (area.width as usize).saturating_sub(right_w + left_w + 1);
    // What the note or the other hints may use.
    let others = match help_w {
        0 => room,
        w => room.saturating_sub(w + 2),
    };

    let mut middle: Vec<Span> = Vec::new();
    if let Some(note) = &app.status.note {
        let style = if note.error {
            theme::error_bold()
        } else {
            theme::ok()
        };
        // The help key stays: a note too long to share the line is cut (an ellipsis
        // says so); it goes after a while as before.
        let text = Clean::line(&note.text);
        if help.is_some() {
            if others > 0 {
                middle.push(Span::styled(markup::truncate(&text, others), style));
                middle.push(Span::raw("  "));
            }
        } else {
            middle.push(Span::styled(markup::truncate(&text, room), style));
        }
    } else if mode != Mode::Dialog {
        // A dialog lists its own keys beside its fields.
        let mut used = 0;
        let in_thread =
            mode == Mode::Messages && app.current_view().is_some_and(|v| v.thread.is_some());
        let mut hints: Vec<(String, &str)> = app
            .keymap
            .hints_with(mode)
            .into_iter()
            .filter(|(c, _, _)| app.unavailable(*c).is_none() && app.hint_applies(mode, *c))
            // In a thread the compose key replies: one hint says so.
            .filter(|(c, _, _)| !(in_thread && *c == crate::keymap::Command::Reply))
            .map(|(c, k, l)| match c {
                crate::keymap::Command::Compose if in_thread => (k, "reply"),
                _ => (k, l),
            })
            .collect();
        // One pane at a time (a narrow terminal): first, how to reach the others.
        if single {
            hints.insert(0, (next_pane, "next pane"));
        }
        for (key, label) in hints {
            let w = markup::width(&key) + markup::width(label) + 3;
            if used + w > others + 2 {
                break;
            }
            middle.push(Span::styled(key, theme::key()));
            middle.push(Span::raw(format!(" {label}  ")));
            used += w;
        }
    }
    if let Some((key, label)) = help {
        middle.push(Span::styled(key, theme::key()));
        middle.push(Span::raw(format!(" {label}")));
    }
    let middle_w: usize = middle.iter().map(|s| markup::width(&s.content)).sum();
    let mut spans = left;
    spans.extend(middle);
    spans.push(Span::raw(" ".repeat(room.saturating_sub(middle_w) + 1)));
    spans.extend(right);
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme::status_bar()),
        area,
    );
}

/// The signed-in person (or app) as the status bar names them.
fn who(app: &App) -> String {
    // Signed in with a bare token, the name comes from the People API or a member list.
    let user = app.me.user.as_deref();
    let listed = || {
        app.store
            .member_lists()
            .flat_map(|m| m.iter())
            .find_map(|x| {
                let u = x.member.as_ref()?;
                (u.name.as_deref() == user).then(|| u.display_name.clone())?
            })
    };
    let name = app
        .me
        .name
        .clone()
        .or_else(|| user.and_then(|u| app.people.name(u)).map(String::from))
        .or_else(listed)
        .or_else(|| app.me.user.clone());
    match name {
        Some(n) => markup::truncate(&n, 24),
        None if app.me.is_app => "Chat app".into(),
        None => "signing in…".into(),
    }
}

/// What to call the server at `endpoint`: Google, or its address.
pub fn server_label(endpoint: Option<&str>) -> String {
    let Some(e) = endpoint else {
        return "Google".into();
    };
    match reqwest::Url::parse(e) {
        Ok(u) => match (u.host_str(), u.port_or_known_default()) {
            (Some(h), _) if h == "googleapis.com" || h.ends_with(".googleapis.com") => {
                "Google".into()
            }
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => e.to_string(),
        },
        Err(_) => e.to_string(),
    }
}
