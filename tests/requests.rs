//! One description per request: every request names its kind, its answer names the
//! same kind, and whether it is quiet (no spinner) is said once, by the kind.
//!
//! Each effect here is run against the emulator, as the app runs it; whatever came back
//! (an answer or an error) must be the answer to that request, and so be as quiet as it.

mod common;

use gchat::api::UserRef;
use gchat::app::react::ReactEffect;
use gchat::app::{Action, Effect, LoadKind, Outcome, Request};

fn team() -> gchat::api::SpaceName {
    gchat::api::SpaceName::parse(common::TEAM_RUST).expect("a valid space name")
}

fn msg(name: &str) -> gchat::api::MessageName {
    gchat::api::MessageName::parse(name).expect("a valid message name")
}

fn effects(message: &str, membership: &str) -> Vec<Effect> {
    let space = team();
    let now = chrono::Utc::now();
    vec![
        Effect::Directory(gchat::app::DirectoryEffect::WhoAmI {}),
        Effect::Directory(gchat::app::DirectoryEffect::LoadSpaces {}),
        Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {}),
        Effect::LoadSpace {
            space: space.clone(),
        },
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
            space: space.clone(),
            kind: LoadKind::Latest,
        }),
        Effect::Messages(gchat::app::MessagesEffect::PollMessages {
            space: space.clone(),
            after: now,
        }),
        Effect::LoadMembers {
            space: space.clone(),
        },
        Effect::Messages(gchat::app::MessagesEffect::LoadEvents {
            space: space.clone(),
            since: now - chrono::TimeDelta::hours(1),
        }),
        Effect::Messages(gchat::app::MessagesEffect::LoadMessage {
            space: space.clone(),
            message: msg(message),
        }),
        Effect::Directory(gchat::app::DirectoryEffect::LookupPeople {
            users: vec![UserRef::Id(common::BOB.into())],
        }),
        Effect::Directory(gchat::app::DirectoryEffect::SearchPeople { query: "bo".into() }),
        Effect::CountUnread {
            space: space.clone(),
            after: None,
        },
        Effect::Messages(gchat::app::MessagesEffect::CheckSent {
            space: space.clone(),
            local: "local/client-never".into(),
            client_id: "client-never".into(),
        }),
        Effect::Messages(gchat::app::MessagesEffect::FetchSent {
            space: space.clone(),
            local: "local/client-never".into(),
            client_id: "client-never".into(),
        }),
        Effect::Messages(gchat::app::MessagesEffect::Edit {
            space: space.clone(),
            message: msg(message),
            text: "edited".into(),
            previous: "before".into(),
        }),
        Effect::SetRole {
            space: space.clone(),
            membership: gchat::api::MembershipName::parse(membership).expect("a valid membership"),
            manager: false,
        },
        Effect::AddMember {
            space: space.clone(),
            user: UserRef::Id(common::BOB.into()),
        },
        Effect::ReadUnread {
            space: space.clone(),
            after: None,
        },
        Effect::GetReadState {
            space: space.clone(),
        },
        Effect::SetReadState {
            space: space.clone(),
            time: now,
        },
        Effect::GetThreadReadState {
            space: space.clone(),
            thread: gchat::api::ThreadName::parse(&format!("{space}/threads/none"))
                .expect("a valid thread name"),
        },
        Effect::GetMute {
            space: space.clone(),
        },
        Effect::SetMute {
            space: space.clone(),
            muted: false,
        },
        Effect::LoadSections,
        Effect::FindDirectMessage {
            user: UserRef::Id(common::BOB.into()),
        },
        Effect::Messages(gchat::app::MessagesEffect::SearchMessages {
            filter: "hello".into(),
            page_token: None,
        }),
        Effect::React(ReactEffect::ListPins {
            space: space.clone(),
        }),
        Effect::React(ReactEffect::ListCustomEmoji {}),
        Effect::React(ReactEffect::ListMine {
            space: space.clone(),
            message: msg(message),
            user: UserRef::Id(common::ALICE.into()),
        }),
        Effect::React(ReactEffect::Pin {
            space: space.clone(),
            message: msg(message),
        }),
        Effect::Messages(gchat::app::MessagesEffect::Delete {
            space: space.clone(),
            message: msg(message),
            force: false,
        }),
        Effect::RemoveMember {
            space,
            membership: gchat::api::MembershipName::parse("spaces/AAAATeamRst/members/999999")
                .expect("a valid membership"),
        },
    ]
}

#[tokio::test]
async fn every_answer_is_the_answer_to_its_request_and_as_quiet() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let sent = gchat::runtime::execute(
        &alice,
        Effect::Messages(gchat::app::MessagesEffect::Send {
            space: team(),
            local: "local/client-requests-1".into(),
            client_id: "client-requests-1".into(),
            text: "to act on".into(),
            thread: None,
            attachment: Vec::new(),
        }),
        false,
    )
    .await;
    assert_eq!(
        sent.request(),
        Request::Messages(gchat::app::MessagesKind::Send)
    );
    let Outcome::Messages(gchat::app::MessagesOutcome::Sent {
        result: Ok(m),
        local,
        ..
    }) = sent
    else {
        panic!("the send failed: {sent:?}")
    };
    assert_eq!(local, "local/client-requests-1");
    let message = m.name.expect("a sent message has a name");
    let membership = format!("spaces/{}/members/{}", common::TEAM_RUST, common::BOB);
    for e in effects(&message, &membership) {
        let asked = e.request();
        let o = gchat::runtime::execute(&alice, e.clone(), false).await;
        assert_eq!(o.request(), asked, "{e:?} was answered by {o:?}");
        assert_eq!(o.quiet(), e.quiet(), "{e:?}");
        assert_eq!(e.quiet(), asked.quiet(), "{e:?}");
    }
}

/// The busy count goes up for each request that is not quiet and down for its answer:
/// after every answer is back, nothing is shown as waiting.
#[tokio::test]
async fn the_spinner_counts_each_loud_request_once_and_stops_when_all_are_answered() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let mut app = common::fixture::app();
    app.status.busy = 0;
    let message = format!("spaces/{}/messages/none", common::TEAM_RUST);
    let membership = format!("spaces/{}/members/999999", common::TEAM_RUST);
    let fx = effects(&message, &membership);
    let loud = fx.iter().filter(|e| !e.quiet()).count();
    assert!(loud > 0 && loud < fx.len(), "both kinds are tried");
    app.status.busy = loud;
    let mut asked_next = 0;
    for e in fx {
        let o = gchat::runtime::execute(&alice, e, false).await;
        // What the answers ask for next is not run: it stays counted.
        let next = app.update(Action::Done(Box::new(o)));
        asked_next += next.iter().filter(|e| !e.quiet()).count();
    }
    assert_eq!(app.status.busy, asked_next);
}

#[test]
fn quiet_is_a_property_of_the_kind_alone() {
    // A poll and a page of the same space differ only by their kind of load.
    let poll = Effect::Messages(gchat::app::MessagesEffect::PollMessages {
        space: team(),
        after: chrono::Utc::now(),
    });
    let page = Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
        space: team(),
        kind: LoadKind::Latest,
    });
    assert_eq!(
        poll.request(),
        Request::Messages(gchat::app::MessagesKind::PollMessages)
    );
    assert_eq!(
        page.request(),
        Request::Messages(gchat::app::MessagesKind::LoadMessages)
    );
    assert!(poll.quiet() && !page.quiet());
    // Setting a mute is the user's own act; looking it up is not.
    let set = Outcome::Muted {
        space: team(),
        asked: Some(true),
        result: Ok(true),
    };
    let look = Outcome::Muted {
        space: team(),
        asked: None,
        result: Ok(true),
    };
    assert!(!set.quiet() && look.quiet());
}

/// Which requests of each declared family are quiet: a flag set wrong in a declaration
/// fails here.
#[test]
fn the_declared_families_are_quiet_exactly_where_they_should_be() {
    use gchat::app::DirectoryKind as D;
    let quiet: Vec<D> = D::ALL.iter().copied().filter(|k| k.quiet()).collect();
    assert_eq!(
        quiet,
        vec![D::WhoAmI, D::PollSpaces, D::LookupPeople, D::SearchPeople]
    );
    for k in D::ALL {
        assert_eq!(Request::Directory(*k).quiet(), k.quiet(), "{k:?}");
    }
    use gchat::app::MessagesKind as M;
    let quiet: Vec<M> = M::ALL.iter().copied().filter(|k| k.quiet()).collect();
    assert_eq!(
        quiet,
        vec![M::PollMessages, M::LoadEvents, M::LoadMessage, M::CheckSent]
    );
    for k in M::ALL {
        assert_eq!(Request::Messages(*k).quiet(), k.quiet(), "{k:?}");
    }
}
