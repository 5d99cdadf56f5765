//! Text boxes drawn from a `TextArea`'s lines and caret: soft-wrapped by display width
//! (a wide character never split across the edge), scrolled to keep the caret in view,
//! with the terminal's own cursor at the caret so input methods open their candidate
//! window where the text goes.

use std::cell::Cell;

pub use crate::softwrap::{caret_at, height, wrap, Piece};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draws `lines` wrapped in `area`, scrolled from `scroll` just enough to show the caret,
/// and answers where the caret is on screen. `placeholder` is shown when empty.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    lines: &[String],
    caret: (usize, usize),
    scroll: &Cell<usize>,
    style: Style,
    placeholder: Option<(&str, Style)>,
) -> Option<Position> {
    if area.width == 0 || area.height == 0 {
        return None;
    }
    let empty = lines.iter().all(String::is_empty);
    let pieces = wrap(lines, area.width, Some(caret));
    let (at, x) = caret_at(lines, &pieces, caret);
    let h = usize::from(area.height);
    let mut top = scroll.get().min(pieces.len().saturating_sub(h));
    if at < top {
        top = at;
    } else if at >= top + h {
        top = at + 1 - h;
    }
    scroll.set(top);
    if empty {
        if let Some((text, style)) = placeholder {
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(text, style)))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                area,
            );
        }
    } else {
        let shown: Vec<Line> = pieces
            .iter()
            .skip(top)
            .take(h)
            .map(|p| Line::from(Span::styled(&lines[p.row][p.start..p.end], style)))
            .collect();
        f.render_widget(Paragraph::new(shown), area);
    }
    let y = at.checked_sub(top)?;
    Some(Position {
        x: area.x + x.min(area.width.saturating_sub(1)),
        y: area.y + u16::try_from(y).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn texts(lines: &[&str], w: u16) -> Vec<String> {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        wrap(&lines, w, None)
            .iter()
            .map(|p| lines[p.row][p.start..p.end].to_string())
            .collect()
    }

    #[test]
    fn words_wrap_whole_and_long_ones_are_cut() {
        assert_eq!(texts(&["hello big world"], 10), ["hello big ", "world"]);
        assert_eq!(texts(&["abcdefghijkl"], 5), ["abcde", "fghij", "kl"]);
        assert_eq!(texts(&["", "x"], 5), ["", "x"]);
    }

    #[test]
    fn a_wide_character_is_never_split_across_the_edge() {
        // Three columns: 你 takes 0-1, 好 would need 2-3.
        assert_eq!(texts(&["你好世界"], 3), ["你", "好", "世", "界"]);
        assert_eq!(texts(&["a你好"], 4), ["a你", "好"]);
        for p in texts(&["a你好世界bc你"], 5) {
            assert!(p.width() <= 5, "{p}");
        }
    }

    #[test]
    fn hostile_text_keeps_the_caret_where_ratatui_draws() {
        use ratatui::backend::TestBackend;
        use ratatui::Terminal;
        let lines = vec!["a\u{1b}[2Jb\u{202e}c\u{7}d".to_string()];
        let n = lines[0].chars().count();
        let mut t = Terminal::new(TestBackend::new(20, 3)).unwrap();
        let mut at = None;
        t.draw(|f| {
            at = draw(
                f,
                Rect::new(0, 0, 20, 3),
                &lines,
                (0, n),
                &Cell::new(0),
                Style::default(),
                None,
            );
        })
        .unwrap();
        // The caret is just after the last drawn character, `d`.
        let buf = t.backend().buffer();
        let d = (0..20).find(|&x| buf[(x, 0)].symbol() == "d").unwrap();
        assert_eq!(at, Some(Position { x: d + 1, y: 0 }));
    }

    #[test]
    fn the_caret_maps_to_its_cell() {
        let lines = vec!["hello big world".to_string()];
        let p = wrap(&lines, 10, Some((0, 15)));
        assert_eq!(caret_at(&lines, &p, (0, 0)), (0, 0));
        assert_eq!(caret_at(&lines, &p, (0, 10)), (1, 0));
        assert_eq!(caret_at(&lines, &p, (0, 15)), (1, 5));
        let cjk = vec!["你好".to_string(), "ab".to_string()];
        let p = wrap(&cjk, 10, Some((0, 2)));
        assert_eq!(caret_at(&cjk, &p, (0, 2)), (0, 4));
        assert_eq!(caret_at(&cjk, &p, (1, 1)), (1, 1));
        // A full line: the caret at its end gets a cell on the next line.
        let full = vec!["abcde".to_string()];
        let p = wrap(&full, 5, Some((0, 5)));
        assert_eq!(p.len(), 2);
        assert_eq!(caret_at(&full, &p, (0, 5)), (1, 0));
    }
}
