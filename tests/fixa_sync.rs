//! Sync faults: a future-dated message must not make the read mark be sent forever;
//! space events naming another space's message, or carrying an unreadable one, are
//! left out and counted without stopping live updates.

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use gchat::app::{Action, Effect, Outcome};

use common::fixture::*;
use common::steps::*;
use gchat::app::user_requests::{UserEffect, UserOutcome};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    common::fixture::at(21, h, m)
}

#[test]
fn a_future_dated_message_sends_the_read_mark_once_not_forever() {
    let mut app = app();
    let mut fx = Vec::new();
    app.open_space(&sn(ENG), &mut fx);
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadState {
            space: sn(ENG),
            result: Ok(Some(at(10, 0))),
        }),
    );
    let future = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    latest(
        &mut app,
        ENG,
        vec![
            msg(ENG, "E1", "E1", wang(), at(11, 0), "hello"),
            msg(ENG, "E2", "E2", wang(), future, "from the future"),
        ],
    );
    let mut sent = 0;
    for i in 1..=40u64 {
        let fx = app.update(Action::Tick(Instant::now() + Duration::from_secs(3 * i)));
        for e in fx {
            if let Effect::User(UserEffect::SetReadState { space, time }) = e {
                assert_eq!(space, ENG);
                sent += 1;
                // The server coerces a time past its latest message to that message's
                // (here the last one it took in, at 11:00): it holds less than asked.
                done(
                    &mut app,
                    Outcome::User(UserOutcome::ReadStateSet {
                        space: sn(ENG),
                        time,
                        result: Ok(Some(at(11, 0))),
                    }),
                );
            }
        }
    }
    assert_eq!(sent, 1, "the mark is sent once, not on every tick");
}
