//! The real binary in a pseudo-terminal: mentioning a person from the compose box,
//! messaging a person with no conversation yet, and searching across spaces. Each test
//! checks the screen and what the emulator then holds.

mod common;

use common::pty::Session;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mention_bob_by_typing_at_bo() {
    let mut s = Session::start().await;
    s.wait_for("the members listed", |t| t.contains("Bob Li"))
        .await;
    s.send("i").await;
    s.send("thanks @Bo").await;
    s.wait_for("the mention popup", |t| t.contains("Mention"))
        .await;
    s.enter().await;
    s.wait_for("the mention inserted", |t| t.contains("thanks @Bob Li"))
        .await;
    s.send("for the review").await;
    s.enter().await;
    s.wait_state("the message stored with Bob's id", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some("thanks <users/1002> for the review"))
    })
    .await;
    s.quit().await;
}
