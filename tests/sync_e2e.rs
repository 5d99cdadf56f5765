//! The built `gchat` in a pseudo-terminal: the user's sends and another person's posts,
//! interleaved in every order, each end up on screen exactly once. Waits poll for a
//! condition up to a generous deadline; nothing asserts on elapsed time.

mod common;

use common::pty::Session;
use gchat::api::model::Message;
use gchat::api::CreateMessage;

/// Every order of two sends by Alice (here) and two posts by Bob (through the API),
/// each person's own in sequence.
fn orders() -> Vec<[char; 4]> {
    let mut out = Vec::new();
    for mask in 0u8..16 {
        if mask.count_ones() == 2 {
            let mut o = ['b'; 4];
            for (i, c) in o.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *c = 'a';
                }
            }
            out.push(o);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_and_others_posts_in_every_order_each_show_once() {
    let mut s = Session::start().await;
    let bob = common::user(&s.emu, common::BOB);
    let team = common::space(common::TEAM_RUST);
    s.send("i").await;
    let orders = orders();
    assert_eq!(orders.len(), 6);
    for (round, order) in orders.iter().enumerate() {
        let (mut a, mut b) = (0, 0);
        let mut texts = Vec::new();
        for who in order {
            if *who == 'a' {
                a += 1;
                let t = format!("r{round}alice{a}x");
                s.send(&t).await;
                s.send("\r").await;
                // Stored (the answer may still be on its way), before the next step.
                let want = t.clone();
                s.wait_state(&format!("{want} stored"), |st| {
                    st.spaces[common::TEAM_RUST]
                        .messages
                        .iter()
                        .any(|m| m.msg.text.as_deref() == Some(want.as_str()))
                })
                .await;
                texts.push(t);
            } else {
                b += 1;
                let t = format!("r{round}bob{b}x");
                bob.create_message(&team, &Message::text(t.clone()), &CreateMessage::default())
                    .await
                    .unwrap();
                texts.push(t);
            }
        }
        // Everyone's messages arrive (Bob's by polling), each exactly once.
        let all = texts.clone();
        s.wait_for(
            &format!("round {round} {order:?}: {all:?} once each"),
            move |scr| all.iter().all(|t| scr.matches(t.as_str()).count() == 1),
        )
        .await;
    }
    s.quit().await;
}
