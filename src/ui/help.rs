//! The `?` overlay, generated from the keymap that dispatches the keys.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::clean::Clean;
use crate::keymap::{Command, Mode};
use crate::markup;
use crate::theme;
use crate::ui::place::centered;

/// Where invitations to spaces are answered (the Chat API has no call for it).
pub const CHAT_WEB: &str = "https://chat.google.com/";

/// Columns for a command's keys, before its description.
const KEYS_W: usize = 18;

/// Every binding, mode by mode.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let mut v = Vec::new();
    // What was wrong in the user's files comes first, each problem whole.
    if !app.settings.problems.is_empty() {
        v.push(Line::from(Span::styled(
            format!(
                "Problems in the config and keymap files ({})",
                app.settings.problems.len()
            ),
            theme::error_bold(),
        )));
        for p in &app.settings.problems {
            v.push(Line::from(Span::styled(
                format!("• {}", Clean::line(p).as_str()),
                theme::error(),
            )));
        }
        v.push(Line::default());
    }
    for mode in Mode::ALL {
        let b = app.keymap.bindings(mode);
        if b.is_empty() {
            continue;
        }
        if !v.is_empty() {
            v.push(Line::default());
        }
        v.push(Line::from(Span::styled(
            mode_title(app, mode),
            theme::title(true),
        )));
        for (cmd, keys) in b {
            let k = keys
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let what = description(app, mode, cmd);
            match app.unavailable(cmd) {
                None => v.push(Line::from(vec![
                    Span::styled(markup::pad(&k, KEYS_W), theme::key()),
                    Span::raw(what),
                ])),
                // What the sign-in cannot do is listed, greyed, with the reason.
                Some(why) => v.push(Line::from(vec![
                    Span::styled(markup::pad(&k, KEYS_W), theme::dim()),
                    Span::styled(format!("{what} (unavailable: {why})"), theme::dim()),
                ])),
            }
        }
    }
    v.push(Line::default());
    let file = app.settings.keymap_file.as_ref().map_or_else(
        || "keymap.toml in gchat's config directory".to_string(),
        |p| Clean::line(&p.display().to_string()).into_string(),
    );
    for text in [
        "Members: ★ manager · ✉ invited · ⚙ Chat app".to_string(),
        "Spaces: # space · & group chat · @ direct message · a number: unread".to_string(),
        format!(
            "~ muted · ▾ a section ({} folds it) · @2 in the status bar: unread mentions",
            fold_keys(app)
        ),
        "Mouse: click a space to open it, anything else to select it; wheel scrolls.".to_string(),
        "Typing edits as a shell does: Ctrl-a/Ctrl-e line start/end, Alt-b/Alt-f".to_string(),
        "word back/forward, Ctrl-u/Ctrl-k delete to line start/end, Ctrl-w/Alt-d".to_string(),
        "delete a word back/forward (the filter: Ctrl-u clears, Ctrl-w a word).".to_string(),
        "These, typed characters, Backspace and the caret's arrows are the text".to_string(),
        "box's own keys, not the keymap's.".to_string(),
        "Mentions: @ and a name in the message box lists the space's people (and".to_string(),
        "@all where allowed): the mention list's keys above pick and insert one.".to_string(),
        "Search: words, \"a phrase\", sender.name = \"users/me\", has_link()...".to_string(),
        "Invitations: the Chat API can neither list nor accept them;".to_string(),
        format!("answer them in Chat on the web, {CHAT_WEB}"),
        format!("Change any key in {file}"),
        app.live_summary().to_string(),
        other_spaces(app),
    ] {
        v.push(Line::from(Span::styled(text, theme::dim())));
    }
    if let Some(url) = &app.settings.demo_endpoint {
        for text in [
            format!(
                "Demo: the workspace is served at {}; act in it as",
                Clean::line(url)
            ),
            format!(
                "someone else, e.g. Bob: curl -H 'Authorization: Bearer user:1002' {}/v1/spaces",
                Clean::line(url)
            ),
        ] {
            v.push(Line::from(Span::styled(text, theme::dim())));
        }
    }
    if let Some(why) = app.reads_local_why() {
        v.push(Line::from(Span::styled(
            format!("Read marks: {}", Clean::line(&why)),
            theme::dim(),
        )));
    }
    v
}

/// The keys of `c` in `mode` as shown to people, or "unbound" when it has none.
fn keys_of(app: &App, mode: Mode, c: Command) -> String {
    let k = app.keymap.label(mode, c);
    if k.is_empty() {
        "unbound".to_string()
    } else {
        k
    }
}

/// The keys that fold a section when its header is selected in the spaces list.
fn fold_keys(app: &App) -> String {
    let mut keys: Vec<String> = Vec::new();
    for c in [Command::ToggleSection, Command::Open] {
        if let Some(k) = app.keymap.keys(Mode::Spaces, c).first() {
            keys.push(k.to_string());
        }
    }
    if keys.is_empty() {
        "no key".to_string()
    } else {
        keys.join("/")
    }
}

/// A mode's heading; the pickers' says which keys open each.
fn mode_title(app: &App, mode: Mode) -> String {
    if mode != Mode::Picker {
        return mode.title().to_string();
    }
    let m = |c| keys_of(app, Mode::Messages, c);
    format!(
        "Picking a link ({}), file ({}), section ({}) or pinned message ({})",
        m(Command::OpenLink),
        m(Command::SaveAttachment),
        keys_of(app, Mode::Spaces, Command::MoveToSection),
        m(Command::Pins)
    )
}

/// What `cmd` does in `mode`, as help says it: where the keymap's words do not say which
/// lists a key works in, the keys that open those lists are named.
fn description(app: &App, mode: Mode, cmd: Command) -> String {
    match (mode, cmd) {
        (Mode::Picker, Command::PickNumber) => format!(
            "Pick a link ({}) or file ({}) by its number: the first key picks the first, and so on; sections and pinned messages are picked with {}",
            keys_of(app, Mode::Messages, Command::OpenLink),
            keys_of(app, Mode::Messages, Command::SaveAttachment),
            keys_of(app, Mode::Dialog, Command::Submit),
        ),
        (Mode::Spaces, Command::Open) => {
            "Open the selected space; on a section's header, fold or unfold the section"
                .to_string()
        }
        _ => cmd.description_in(mode).to_string(),
    }
}

/// How often the spaces other than the open one are checked for new messages (slower
/// while the server asks for fewer requests).
fn other_spaces(app: &App) -> String {
    let every = app.others_checked_every().0.as_secs();
    let every = match every {
        60 => "about once a minute".to_string(),
        s if s < 120 => format!("about every {s} seconds"),
        s => format!("about every {} minutes", s / 60),
    };
    let now = keys_of(app, Mode::Global, Command::Refresh);
    format!("Other spaces are checked for new messages {every}, so their unread counts can lag that long; {now} checks now.")
}

/// The first key of a messages-pane command: the help scrolls as that pane does.
fn first_key(app: &App, c: Command) -> String {
    app.keymap
        .keys(Mode::Messages, c)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default()
}

pub fn draw(app: &App, f: &mut Frame, area: Rect, scroll: u16) {
    let r = centered(area, 78, area.height.saturating_sub(2));
    // Long descriptions wrap under themselves, after the keys' column.
    let paras: Vec<markup::Para> = lines(app)
        .into_iter()
        .map(|l| {
            let keyed = l.spans.len() == 2;
            let mut p = markup::Para::from(l);
            if keyed {
                p.hang = KEYS_W;
            }
            p
        })
        .collect();
    let all = markup::wrap(&paras, usize::from(r.width.saturating_sub(2)));
    crate::ui::clear(f, r);
    let page = r.height.saturating_sub(2);
    let max = u16::try_from(all.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(page);
    let mut s = app.screen.get();
    s.help_page = page;
    s.help_max = max;
    app.screen.set(s);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            format!(
                " Keys · {}/{} scroll · {} close ",
                first_key(app, Command::Down),
                first_key(app, Command::Up),
                crate::ui::place::dialog_key(app, Command::Cancel)
            ),
            theme::title(true),
        ));
    f.render_widget(
        Paragraph::new(all)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}
