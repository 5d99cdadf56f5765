//! One description per request: every request names its kind, its answer names the
//! same kind, and whether it is quiet (no spinner) is said once, by the kind.
//!
//! Each effect here is run against the emulator, as the app runs it; whatever came back
//! (an answer or an error) must be the answer to that request, and so be as quiet as it.

mod common;

use gchat::api::UserRef;
use gchat::app::member_requests::{MemberEffect, MemberKind};
use gchat::app::react::{ReactEffect, ReactKind};
use gchat::app::space_requests::{SpaceEffect, SpaceKind};
use gchat::app::user_requests::{UserEffect, UserKind, UserOutcome};
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
        Effect::Space(SpaceEffect::LoadSpace {
            space: space.clone(),
        }),
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
            space: space.clone(),
            kind: LoadKind::Latest,
        }),
        Effect::Messages(gchat::app::MessagesEffect::PollMessages {
            space: space.clone(),
            after: now,
        }),
        Effect::Members(MemberEffect::LoadMembers {
            space: space.clone(),
            show_invited: true,
        }),
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
        Effect::User(UserEffect::CountUnread {
            space: space.clone(),
            after: None,
        }),
        Effect::Messages(gchat::app::MessagesEffect::CheckSent {
            space: space.clone(),
            local: "local/client-never".into(),
            client_id: common::fixture::cid("client-never"),
        }),
        Effect::Messages(gchat::app::MessagesEffect::FetchSent {
            space: space.clone(),
            local: "local/client-never".into(),
            client_id: common::fixture::cid("client-never"),
        }),
        Effect::Messages(gchat::app::MessagesEffect::Edit {
            space: space.clone(),
            message: msg(message),
            text: "edited".into(),
            previous: "before".into(),
        }),
        Effect::Members(MemberEffect::SetRole {
            space: space.clone(),
            membership: gchat::api::MembershipName::parse(membership).expect("a valid membership"),
            manager: false,
        }),
        Effect::Members(MemberEffect::AddMember {
            space: space.clone(),
            user: UserRef::Id(common::BOB.into()),
        }),
        Effect::User(UserEffect::ReadUnread {
            space: space.clone(),
            after: None,
        }),
        Effect::User(UserEffect::GetReadState {
            space: space.clone(),
        }),
        Effect::User(UserEffect::SetReadState {
            space: space.clone(),
            time: now,
        }),
        Effect::User(UserEffect::GetThreadReadState {
            space: space.clone(),
            thread: gchat::api::ThreadName::parse(&format!("{space}/threads/none"))
                .expect("a valid thread name"),
        }),
        Effect::User(UserEffect::GetMute {
            space: space.clone(),
        }),
        Effect::User(UserEffect::SetMute {
            space: space.clone(),
            muted: false,
        }),
        Effect::User(UserEffect::LoadSections {}),
        Effect::Space(SpaceEffect::FindDirectMessage {
            user: UserRef::Id(common::BOB.into()),
        }),
        Effect::Space(SpaceEffect::StartConversation {
            request_id: "requests-conversation".into(),
            people: vec![UserRef::Id(common::PRIYA.into())],
        }),
        Effect::Space(SpaceEffect::CreateSpace {
            request_id: "requests-space".into(),
            name: "Requests Test".into(),
            description: "made by a test".into(),
            guidelines: String::new(),
        }),
        Effect::Space(SpaceEffect::UpdateSpace {
            space: space.clone(),
            name: "Team Rust".into(),
            description: "the same".into(),
            guidelines: String::new(),
            mask: "space_details".into(),
        }),
        Effect::User(UserEffect::MoveToSection {
            space: space.clone(),
            from: "users/me/sections/none".into(),
            to: "users/me/sections/default-direct-messages".into(),
        }),
        Effect::Space(SpaceEffect::DeleteSpace {
            space: gchat::api::SpaceName::parse("spaces/NoSuchSpace").expect("a valid space name"),
        }),
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
        Effect::Members(MemberEffect::RemoveMember {
            space,
            membership: gchat::api::MembershipName::parse("spaces/AAAATeamRst/members/999999")
                .expect("a valid membership"),
        }),
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
            client_id: common::fixture::cid("client-requests-1"),
            text: "to act on".into(),
            thread: None,
            attachment: Vec::new(),
        }),
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
        let o = gchat::runtime::execute(&alice, e.clone()).await;
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
        let o = gchat::runtime::execute(&alice, e).await;
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
    let set = Outcome::User(UserOutcome::MuteSet {
        space: team(),
        muted: true,
        result: Ok(true),
    });
    let look = Outcome::User(UserOutcome::Muted {
        space: team(),
        result: Ok(true),
    });
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

/// Every kind of every declared family, as the app's `Request`.
fn declared() -> Vec<Request> {
    let react = ReactKind::ALL.iter().map(|k| Request::Reactions(*k));
    let members = MemberKind::ALL.iter().map(|k| Request::Members(*k));
    let space = SpaceKind::ALL.iter().map(|k| Request::Space(*k));
    let user = UserKind::ALL.iter().map(|k| Request::User(*k));
    react.chain(members).chain(space).chain(user).collect()
}

#[test]
fn every_declared_family_is_quiet_only_where_it_says_and_the_app_agrees() {
    for r in declared() {
        let own = match r {
            Request::Reactions(k) => k.quiet(),
            Request::Members(k) => k.quiet(),
            Request::Space(k) => k.quiet(),
            Request::User(k) => k.quiet(),
            _ => unreachable!("only declared families are listed"),
        };
        assert_eq!(r.quiet(), own, "{r:?}");
    }
    let quiet: Vec<Request> = declared().into_iter().filter(|r| r.quiet()).collect();
    assert_eq!(
        quiet,
        vec![
            Request::Reactions(ReactKind::ListMine),
            Request::Reactions(ReactKind::ListCustomEmoji),
            Request::Reactions(ReactKind::ListPins),
            // Looking a space up for its permissions is background work.
            Request::Space(SpaceKind::LoadSpace),
            // Counting and the read state are kept in the background; setting a mute
            // or moving a space between sections is the user's own act.
            Request::User(UserKind::CountUnread),
            Request::User(UserKind::ReadUnread),
            Request::User(UserKind::GetReadState),
            Request::User(UserKind::SetReadState),
            Request::User(UserKind::GetThreadReadState),
            Request::User(UserKind::GetMute),
            Request::User(UserKind::LoadSections),
        ]
    );
}

#[test]
fn every_kind_of_the_member_space_and_user_families_is_run_against_the_emulator() {
    let message = format!("spaces/{}/messages/none", common::TEAM_RUST);
    let membership = format!("spaces/{}/members/999999", common::TEAM_RUST);
    let tried: Vec<Request> = effects(&message, &membership)
        .iter()
        .map(Effect::request)
        .collect();
    for r in declared() {
        if matches!(r, Request::Reactions(_)) {
            continue;
        }
        assert!(tried.contains(&r), "{r:?} is not among the requests run");
    }
}
