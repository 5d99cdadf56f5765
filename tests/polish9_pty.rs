//! The real binary in a terminal: while the API client waits out a server's request to
//! slow down (a 429 with a short `Retry-After`, retried inside the client), the screen
//! says so and when it tries again, and the spaces pane shows polling slowed.

mod common;

use common::pty::Session;
use gchat::emulator::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_retry_after_waited_out_by_the_client_is_shown() {
    let mut s = Session::start().await;
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 429,
        count: 1,
        retry_after: Some(20),
    });
    s.send("i").await;
    s.send("Slow and steady").await;
    s.enter().await;
    s.wait_for("the wait on the status line", |t| {
        t.contains("the server asked to slow down") && t.contains("Spaces · ")
    })
    .await;
    // The client still sends it again once the wait is over.
    s.wait_state("the message stored after the wait", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| !m.deleted() && m.msg.text.as_deref() == Some("Slow and steady"))
    })
    .await;
    s.quit().await;
}
