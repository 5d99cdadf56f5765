//! Every colour and text style in one place (below both the app and the ui, which share it).

use ratatui::style::{Color, Modifier, Style};

pub fn base() -> Style {
    Style::default()
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default().fg(Color::DarkGray)
    }
}

pub fn title(focused: bool) -> Style {
    let s = Style::default().add_modifier(Modifier::BOLD);
    if focused {
        s.fg(Color::Cyan)
    } else {
        s
    }
}

pub fn selected() -> Style {
    Style::default().bg(Color::Rgb(40, 48, 64))
}

pub fn selected_unfocused() -> Style {
    Style::default().bg(Color::Rgb(30, 30, 36))
}

pub fn time() -> Style {
    dim()
}

pub fn edited() -> Style {
    dim().add_modifier(Modifier::ITALIC)
}

pub fn me() -> Style {
    Style::default()
        .fg(Color::Green)
        .add_modifier(Modifier::BOLD)
}

pub fn bot() -> Style {
    Style::default()
        .fg(Color::Magenta)
        .add_modifier(Modifier::BOLD)
}

/// A stable colour per person, so names are easy to tell apart.
pub fn sender(key: &str) -> Style {
    const PALETTE: [Color; 6] = [
        Color::LightBlue,
        Color::LightYellow,
        Color::LightCyan,
        Color::LightRed,
        Color::Rgb(255, 170, 90),
        Color::Rgb(170, 150, 255),
    ];
    let h = key
        .bytes()
        .fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    Style::default()
        .fg(PALETTE[h as usize % PALETTE.len()])
        .add_modifier(Modifier::BOLD)
}

pub fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn italic() -> Style {
    Style::default().add_modifier(Modifier::ITALIC)
}

pub fn strike() -> Style {
    Style::default().add_modifier(Modifier::CROSSED_OUT)
}

pub fn code() -> Style {
    Style::default()
        .fg(Color::LightYellow)
        .bg(Color::Rgb(36, 36, 36))
}

pub fn code_block() -> Style {
    Style::default()
        .fg(Color::Rgb(220, 220, 170))
        .bg(Color::Rgb(30, 30, 30))
}

pub fn link() -> Style {
    Style::default()
        .fg(Color::LightBlue)
        .add_modifier(Modifier::UNDERLINED)
}

pub fn url() -> Style {
    dim().add_modifier(Modifier::UNDERLINED)
}

pub fn mention() -> Style {
    Style::default()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD)
}

pub fn mention_me() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::LightYellow)
        .add_modifier(Modifier::BOLD)
}

pub fn quote() -> Style {
    dim().add_modifier(Modifier::ITALIC)
}

pub fn card_border() -> Style {
    Style::default().fg(Color::Magenta)
}

pub fn card_title() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn card_label() -> Style {
    dim()
}

pub fn button() -> Style {
    Style::default()
        .fg(Color::LightMagenta)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub fn pending() -> Style {
    dim().add_modifier(Modifier::ITALIC)
}

pub fn error() -> Style {
    Style::default().fg(Color::LightRed)
}

pub fn error_bold() -> Style {
    error().add_modifier(Modifier::BOLD)
}

pub fn ok() -> Style {
    Style::default().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::default().fg(Color::Yellow)
}

pub fn key() -> Style {
    Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn mode() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn demo_badge() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn status_bar() -> Style {
    Style::default().bg(Color::Rgb(24, 24, 28))
}

pub fn unread() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn separator() -> Style {
    dim()
}

pub fn manager() -> Style {
    Style::default().fg(Color::Yellow)
}

pub fn invited() -> Style {
    dim().add_modifier(Modifier::ITALIC)
}
