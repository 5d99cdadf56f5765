//! The real binary in a pseudo-terminal: mentioning a person from the compose box,
//! messaging a person with no conversation yet, and searching across spaces. Each test
//! checks the screen and what the emulator then holds.

mod common;

use common::pty::Session;

fn has(r: &gchat::emulator::store::SpaceRec, id: &str) -> bool {
    r.members.iter().any(|m| m.user_id == id)
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_a_person_with_no_dm_creates_and_opens_it() {
    let mut s = Session::start().await;
    s.wait_for("the members listed", |t| t.contains("Dmitri Volkov"))
        .await;
    let dms = |st: &gchat::emulator::Store| {
        st.spaces
            .values()
            .filter(|r| {
                r.kind() == gchat::api::model::SpaceType::DirectMessage
                    && has(r, "1001")
                    && has(r, "1006")
            })
            .count()
    };
    assert_eq!(
        s.emu.service().with_store(|st| dms(st)),
        0,
        "no DM with Dmitri yet"
    );
    s.send("N").await;
    s.wait_for("the dialog", |t| t.contains("Message a person"))
        .await;
    s.send("Dmitri").await;
    s.wait_for("Dmitri suggested", |t| t.contains("› Dmitri Volkov"))
        .await;
    s.enter().await;
    s.wait_state("a DM with Dmitri", |st| dms(st) == 1).await;
    s.wait_for("the DM open, ready to write", |t| {
        t.lines()
            .next()
            .is_some_and(|l| l.contains("Dmitri Volkov"))
            && !t.contains("Message a person")
    })
    .await;
    s.send("hello Dmitri").await;
    s.enter().await;
    s.wait_state("the first message in the DM", |st| {
        st.spaces.values().any(|r| {
            r.kind() == gchat::api::model::SpaceType::DirectMessage
                && has(r, "1006")
                && r.messages
                    .iter()
                    .any(|m| m.msg.text.as_deref() == Some("hello Dmitri"))
        })
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_across_spaces_opens_the_reply_in_its_thread() {
    let mut s = Session::start().await;
    s.wait_for("Team Rust open", |t| {
        t.lines().next().is_some_and(|l| l.contains("Team Rust"))
    })
    .await;
    s.send("\x06").await; // Ctrl-f
    s.wait_for("the search prompt", |t| t.contains("Search messages"))
        .await;
    s.send("性能测试").await;
    s.enter().await;
    s.wait_for("the result from 工程部", |t| {
        t.contains("› 工程部") && t.contains("性能测试的结果")
    })
    .await;
    s.enter().await;
    s.wait_for("工程部 open on the thread, the reply selected", |t| {
        t.lines()
            .next()
            .is_some_and(|l| l.contains("Thread in #工程部"))
            && !t.contains("Search messages")
            && t.lines()
                .any(|l| l.contains('▌') && l.contains("性能测试的结果"))
    })
    .await;
    s.quit().await;
}
