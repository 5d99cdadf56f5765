//! Soft wrapping of typed text by display width, as text boxes draw it (a wide
//! character never split across the edge), and moving the caret by screen row over it.
//! Plain text and positions only: the app moves carets with it, the UI draws with it.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The cells a grapheme takes, measured as ratatui measures it when drawing a span.
fn cells(g: &str) -> usize {
    g.width()
}

/// The cells `s` takes.
fn cells_of(s: &str) -> usize {
    s.graphemes(true).map(cells).sum()
}

/// One screen line of a wrapped text: line `row`, bytes `start..end` of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub row: usize,
    pub start: usize,
    pub end: usize,
}

/// `lines` wrapped to `width` cells: at the last space that fits, else at the last
/// character that fits. An empty line is one piece. When `caret` (row, char column)
/// ends a line that fills the width exactly, an empty piece follows so the caret has a
/// cell.
pub fn wrap(lines: &[String], width: u16, caret: Option<(usize, usize)>) -> Vec<Piece> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for (row, line) in lines.iter().enumerate() {
        let first = out.len();
        let mut start = 0;
        let mut used = 0;
        // Where the last break after a space is, and the width from there.
        let mut soft: Option<usize> = None;
        for (i, g) in line.grapheme_indices(true) {
            let w = cells(g);
            if used + w > width && i > start {
                let cut = soft.filter(|&s| s > start).unwrap_or(i);
                out.push(Piece {
                    row,
                    start,
                    end: cut,
                });
                start = cut;
                used = cells_of(&line[start..i]);
                soft = None;
            }
            used += w;
            if g.chars().all(char::is_whitespace) {
                soft = Some(i + g.len());
            }
        }
        out.push(Piece {
            row,
            start,
            end: line.len(),
        });
        let full = cells_of(&line[start..]) >= width && out.len() > first;
        if full && caret.is_some_and(|(r, c)| r == row && c == line.chars().count()) {
            out.push(Piece {
                row,
                start: line.len(),
                end: line.len(),
            });
        }
    }
    out
}

/// Which piece and cell column the caret (row, char column) is at.
pub fn caret_at(lines: &[String], pieces: &[Piece], caret: (usize, usize)) -> (usize, u16) {
    let (r, c) = caret;
    let Some(line) = lines.get(r) else {
        return (pieces.len().saturating_sub(1), 0);
    };
    let byte = line.char_indices().nth(c).map_or(line.len(), |(i, _)| i);
    // A caret at a break belongs to the piece it starts.
    let found = pieces
        .iter()
        .enumerate()
        .rev()
        .find(|(_, p)| p.row == r && p.start <= byte);
    let Some((i, p)) = found else {
        return (0, 0);
    };
    // Inside a grapheme (a combining mark): at its start.
    let upto = line[p.start..]
        .grapheme_indices(true)
        .take_while(|(j, g)| p.start + j + g.len() <= byte)
        .map(|(_, g)| cells(g))
        .sum::<usize>();
    (i, u16::try_from(upto).unwrap_or(u16::MAX))
}

/// How many screen lines `lines` take at `width`.
pub fn height(lines: &[String], width: u16, caret: (usize, usize)) -> usize {
    wrap(lines, width, Some(caret)).len()
}

/// Where the caret (row, char column) goes one screen row up (`down` false) or down in
/// `lines` wrapped to `width`, keeping its display column (or the row's end when that is
/// shorter); none on the first (or last) screen row.
pub fn vertical(
    lines: &[String],
    width: u16,
    caret: (usize, usize),
    down: bool,
) -> Option<(usize, usize)> {
    let pieces = wrap(lines, width, Some(caret));
    let (at, x) = caret_at(lines, &pieces, caret);
    let to = if down {
        at.checked_add(1).filter(|&i| i < pieces.len())?
    } else {
        at.checked_sub(1)?
    };
    let p = pieces[to];
    let line = lines.get(p.row)?;
    // A piece that another of the same line follows: its end is the next one's start,
    // where the caret would show on the next row; stop before its last character.
    let continued = pieces.get(to + 1).is_some_and(|n| n.row == p.row);
    let mut byte = p.start;
    let mut used = 0usize;
    let graphemes: Vec<(usize, &str)> = line[p.start..p.end].grapheme_indices(true).collect();
    for (k, (j, g)) in graphemes.iter().enumerate() {
        let w = cells(g);
        if used + w > usize::from(x) || (continued && k + 1 == graphemes.len()) {
            break;
        }
        used += w;
        byte = p.start + j + g.len();
    }
    Some((p.row, line[..byte].chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lines: &[&str], w: u16, caret: (usize, usize), down: bool) -> Option<(usize, usize)> {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        vertical(&lines, w, caret, down)
    }

    #[test]
    fn up_and_down_move_by_screen_row_keeping_the_column() {
        // "hello big " / "world": column 3 of "world" is column 3 of "hello".
        assert_eq!(v(&["hello big world"], 10, (0, 13), false), Some((0, 3)));
        assert_eq!(v(&["hello big world"], 10, (0, 3), true), Some((0, 13)));
        // Past the shorter row's end: its end.
        assert_eq!(v(&["hello big world"], 10, (0, 8), true), Some((0, 15)));
        // A cut word: not past the cut, which is the next row's start.
        assert_eq!(v(&["abcdefghij"], 5, (0, 9), false), Some((0, 4)));
        // Across lines, by display width: 你 is two columns.
        assert_eq!(v(&["你好", "abcd"], 10, (1, 2), false), Some((0, 1)));
        assert_eq!(v(&["abcd", "你好"], 10, (0, 3), true), Some((1, 1)));
        // First and last rows: none (the caller does what it always did).
        assert_eq!(v(&["hello big world"], 10, (0, 3), false), None);
        assert_eq!(v(&["hello big world"], 10, (0, 12), true), None);
    }
}
