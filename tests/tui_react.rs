//! Reactions, quotes and pins in the real binary against the demo emulator: keys in a
//! pseudo-terminal, then what the screen shows and what the emulator holds.

mod common;

use common::pty::Session;

/// The newest live message of Team Rust (the one selected when the space opens).
fn newest(st: &gchat::emulator::Store) -> &gchat::emulator::store::MsgRec {
    st.spaces["AAAATeamRst"]
        .messages
        .iter()
        .filter(|m| !m.deleted() && !m.msg.thread_reply)
        .max_by_key(|m| m.msg.create_time)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn react_to_a_demo_message_then_take_it_back() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    s.send("2").await;
    s.send("G").await;
    s.send("+").await;
    s.wait_for("the picker", |t| {
        t.contains(" React ") && t.contains("Find:")
    })
    .await;
    s.send("thumbs up").await;
    s.wait_for("the filtered picker", |t| t.contains("thumbs up"))
        .await;
    s.enter().await;
    s.wait_state("Alice's 👍 stored", |st| {
        st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.reactions
                .iter()
                .any(|r| r.user == "1001" && r.emoji.unicode.as_deref() == Some("👍"))
        })
    })
    .await;
    s.wait_for("the reaction line", |t| t.contains("👍 1"))
        .await;
    // Again: the picker offers it first, as given; Enter takes it back.
    s.send("+").await;
    s.wait_for("the picker, with Alice's reaction", |t| {
        t.contains("✓ yours")
    })
    .await;
    s.enter().await;
    s.wait_state("the 👍 gone", |st| {
        !st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.reactions
                .iter()
                .any(|r| r.user == "1001" && r.emoji.unicode.as_deref() == Some("👍"))
        })
    })
    .await;
    s.wait_for("no reaction line", |t| !t.contains("👍 1"))
        .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_a_demo_message_and_list_the_pins() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    s.send("2").await;
    s.send("G").await;
    let target = s.emu.service().with_store(|st| newest(st).id.clone());
    assert!(s.emu.service().with_store(|st| newest(st).pin.is_none()));
    s.send("p").await;
    s.wait_state("the newest message pinned", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.id == target && m.pin.as_ref().is_some_and(|p| p.by == "1001"))
    })
    .await;
    s.wait_for("the pin mark", |t| t.contains("Pinned. 📌"))
        .await;
    s.send("P").await;
    s.wait_for("the pinned list: the demo's two and the new one", |t| {
        t.contains("Pinned messages") && t.matches("📌 ").count() >= 3
    })
    .await;
    s.esc().await;
    s.send("p").await;
    s.wait_state("unpinned", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.id == target && m.pin.is_none())
    })
    .await;
    s.quit().await;
}
