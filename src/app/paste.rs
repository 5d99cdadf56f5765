//! Pasted text, as it is inserted: terminals send a paste's line breaks as CR (tmux,
//! most terminals) or CRLF; the boxes hold LF. Other control characters would reach the
//! screen as commands to the terminal, so they are dropped; tabs stay (the compose box
//! makes them spaces to the tab stop, as a sent message shows them).

/// `s` with every line break as LF and no control characters but tab and LF.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` with each tab as spaces to the next tab stop, as a sent message shows it (so the
/// box shows what will be seen): the first line starts at column `col`.
pub fn expand_tabs(s: &str, col: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if !s.contains('\t') {
        return s.to_string();
    }
    let tab = crate::clean::TAB;
    let mut out = String::with_capacity(s.len());
    let mut col = col;
    for c in s.chars() {
        match c {
            '\t' => {
                let n = tab - col % tab;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += c.width().unwrap_or(0);
            }
        }
    }
    out
}

/// For a one-line field: line breaks become spaces, trailing ones go.
pub fn one_line(s: &str) -> String {
    normalize(s).trim_end_matches('\n').replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_become_spaces_to_the_tab_stop() {
        assert_eq!(expand_tabs("\tx", 0), "    x");
        assert_eq!(expand_tabs("ab\tx\ncdefg\ty", 0), "ab  x\ncdefg   y");
        assert_eq!(expand_tabs("\tx", 1), "   x");
        assert_eq!(expand_tabs("王\tx", 0), "王  x");
    }

    #[test]
    fn every_line_break_becomes_lf() {
        assert_eq!(normalize("alpha\rbeta\rgamma"), "alpha\nbeta\ngamma");
        assert_eq!(normalize("a\r\nb\nc\r"), "a\nb\nc\n");
        assert_eq!(normalize("a\r\r\nb"), "a\n\nb");
    }

    #[test]
    fn control_characters_never_reach_the_box() {
        assert_eq!(normalize("a\x1b[2Jb\x07\tc\u{9b}d\x7f"), "a[2Jb\tcd");
    }

    #[test]
    fn one_line_fields_get_spaces() {
        assert_eq!(one_line("Paste\r\nSpace\rName\r"), "Paste Space Name");
        assert_eq!(one_line("x\n\ny"), "x  y");
    }
}
