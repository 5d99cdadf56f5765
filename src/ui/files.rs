//! What the attach prompt, the link and attachment picker, the transfer progress and the
//! compose box's attached files look like.

use ratatui::text::{Line, Span};

use crate::app::files::{Choice, Transfer};
use crate::app::App;
use crate::clean::Clean;
use crate::files::{bar, human_size};
use crate::keymap::{Command, Mode};
use crate::theme;

/// The most completions the prompt lists (the rest are counted).
const SHOWN_CANDIDATES: usize = 8;

pub fn attach_text(app: &App, space: &str) -> Vec<Line<'static>> {
    let mut v = Vec::new();
    let chips: Vec<_> = app.files.chips_for(Some(space)).collect();
    if !chips.is_empty() {
        let list = chips
            .iter()
            .map(|c| format!("{} ({})", c.name, human_size(c.size)))
            .collect::<Vec<_>>()
            .join(", ");
        v.push(Line::from(format!("Attached: {list}")));
    }
    let discard = app.keymap.label(Mode::Dialog, Command::Discard);
    v.push(Line::from(Span::styled(
        format!(
            "{} completes the path; at most 200 MB.{}",
            crate::ui::place::dialog_key(app, Command::NextField),
            if chips.is_empty() {
                String::new()
            } else {
                format!(" {discard} on an empty path takes the last file off.")
            }
        ),
        theme::dim(),
    )));
    let c = &app.files.candidates;
    if !c.is_empty() {
        for name in c.iter().take(SHOWN_CANDIDATES) {
            v.push(Line::from(Span::styled(
                format!("  {}", Clean::line(name)),
                theme::dim(),
            )));
        }
        if c.len() > SHOWN_CANDIDATES {
            v.push(Line::from(Span::styled(
                format!("  … and {} more", c.len() - SHOWN_CANDIDATES),
                theme::dim(),
            )));
        }
    }
    v
}

pub fn pick_text(
    app: &App,
    choices: &[Choice],
    labels: &[String],
    pick: usize,
    cols: usize,
) -> Vec<Line<'static>> {
    let digits = (0..9).all(|i| crate::ui::place::pick_key(app, i) == Some((i + 1).to_string()));
    let how = format!(
        "({} or {} and {})",
        if digits { "a digit" } else { "its key" },
        crate::ui::place::move_keys(app, Mode::Picker),
        crate::ui::place::dialog_key(app, Command::Submit),
    );
    let mut v = vec![Line::from(
        if choices.iter().all(|c| matches!(c, Choice::Link(_))) {
            format!("Which link? {how}")
        } else {
            format!("Which file? {how}")
        },
    )];
    for (i, c) in choices.iter().enumerate() {
        let label = labels.get(i).map(|l| Clean::line(l).into_string());
        let label = label.filter(|l| !l.trim().is_empty());
        let text = match c {
            Choice::Link(u) => {
                let short = Clean::line(short_address(u)).into_string();
                match label {
                    Some(l) => format!("{l}  {short}"),
                    None => short,
                }
            }
            Choice::Save { name, .. } => Clean::line(name).into_string(),
        };
        let mark = if i == pick { "›" } else { " " };
        let style = if i == pick {
            theme::key()
        } else {
            ratatui::style::Style::default()
        };
        // One line per choice: cut with an ellipsis, never wrapped.
        let key = crate::ui::place::pick_key(app, i).unwrap_or_default();
        let line = crate::markup::truncate(&format!("{mark} {key} {text}"), cols);
        v.push(Line::from(Span::styled(line, style)));
    }
    v
}

/// An address without its scheme (`host/path…`): what tells links apart.
fn short_address(u: &str) -> &str {
    u.split_once("://").map_or(u, |(_, rest)| rest)
}

/// `⇣ report.pdf ███░░░ 48 KB / 96 KB` for the status bar.
pub fn progress(t: &Transfer) -> String {
    let arrow = if t.upload { "⇡" } else { "⇣" };
    let amount = if t.total > 0 {
        format!(
            "{} / {} {}%",
            human_size(t.done),
            human_size(t.total),
            t.done.min(t.total) * 100 / t.total
        )
    } else {
        human_size(t.done)
    };
    format!(
        "{arrow} {} {} {amount} ",
        crate::markup::truncate(&t.name, 24),
        bar(t.done, t.total, 10)
    )
}

/// The files attached to the message being written, for the compose box's edge.
pub fn chips_line(app: &App, space: &str) -> Option<String> {
    let chips: Vec<_> = app.files.chips_for(Some(space)).collect();
    if chips.is_empty() {
        return None;
    }
    Some(
        chips
            .iter()
            .map(|c| format!("📎 {} {}", c.name, human_size(c.size)))
            .collect::<Vec<_>>()
            .join("  "),
    )
}
