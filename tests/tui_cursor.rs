//! The terminal's own cursor in the real binary: shown, and at the caret, so an input
//! method's candidate window opens where the text goes (CJK text included).

mod common;

use common::pty::Session;

/// The cell where `needle` starts, lowest row first, from the terminal's cells.
fn find(s: &Session, needle: &str) -> Option<(u16, u16)> {
    let p = s.parser.lock().unwrap();
    let screen = p.screen();
    let (rows, cols) = screen.size();
    let want: Vec<String> = needle.chars().map(String::from).collect();
    for y in (0..rows).rev() {
        for x in 0..cols {
            let mut cx = x;
            let mut ok = true;
            for w in &want {
                let Some(c) = screen.cell(y, cx) else {
                    ok = false;
                    break;
                };
                if c.contents() != *w {
                    ok = false;
                    break;
                }
                cx += if c.is_wide() { 2 } else { 1 };
            }
            if ok {
                return Some((y, x));
            }
        }
    }
    None
}

/// Waits (up to the harness's deadline) until the cursor is `want`: (row, col), hidden.
async fn wait_cursor(s: &Session, what: &str, want: ((u16, u16), bool)) {
    let start = std::time::Instant::now();
    while cursor(s) != want {
        assert!(
            start.elapsed() < common::pty::DEADLINE,
            "timed out waiting for {what}: the cursor is {:?}, not {want:?}; the screen:\n{}",
            cursor(s),
            s.screen()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn cursor(s: &Session) -> ((u16, u16), bool) {
    let p = s.parser.lock().unwrap();
    (p.screen().cursor_position(), p.screen().hide_cursor())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_cursor_is_at_the_caret_after_cjk_text() {
    let mut s = Session::start().await;
    // Browsing: nothing is typed, the cursor is hidden.
    s.wait_for("the first frame", |t| t.contains("NORMAL"))
        .await;
    assert!(cursor(&s).1, "hidden while browsing");
    s.send("i").await;
    s.send("你好，世界 ok").await;
    s.wait_for("the text in the box", |t| t.contains("你好，世界 ok"))
        .await;
    let (row, col) = find(&s, "你好，世界 ok").expect("on screen");
    // Five wide characters, a space and two letters: 13 columns.
    let want = (row, col + 13);
    wait_cursor(&s, "the cursor at the caret", (want, false)).await;
    // Back to the start of the line: the cursor follows.
    s.send("\x01").await; // Ctrl-a
    wait_cursor(&s, "the cursor at the line's start", ((row, col), false)).await;
    // Leaving the box hides it again.
    s.esc().await;
    s.wait_for("browsing again", |t| t.contains("NORMAL")).await;
    let start = std::time::Instant::now();
    while !cursor(&s).1 {
        assert!(
            start.elapsed() < common::pty::DEADLINE,
            "the cursor stays shown"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    s.quit().await;
}
