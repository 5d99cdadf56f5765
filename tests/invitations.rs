//! Invitations to the signed-in user, as far as the Chat API lets a client see them.
//!
//! What the discovery document allows: `spaces.list` lists "spaces the caller is a
//! member of", and an invited person has not joined (`Membership.state` INVITED: "invited
//! to join the space, but hasn't joined it"), so no call lists one's own invitations.
//! `Membership.state` is output only and `members.patch` changes only `role`, so there is
//! no call to accept one. Only a space's members see the invitation (`members.list` with
//! `showInvited`). gchat therefore says where invitations are answered: Chat on the web.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::{ListMembers, MembershipName, UserRef};

const DESIGN_REVIEW: &str = "AAAADesignR";

#[tokio::test]
async fn an_invited_user_does_not_see_the_space_its_members_see_the_invitation() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let dr = space(DESIGN_REVIEW);
    // Alice: not listed, not readable, her membership not readable.
    let spaces = alice.list_all_spaces(None).await.unwrap();
    assert!(
        spaces
            .iter()
            .all(|s| s.name.as_deref() != Some("spaces/AAAADesignR")),
        "{spaces:?}"
    );
    assert_eq!(alice.get_space(&dr).await.unwrap_err().code(), Some(404));
    let mine = MembershipName::new(&dr, UserRef::Id(ALICE.into()));
    assert_eq!(alice.get_member(&mine).await.unwrap_err().code(), Some(404));
    // Dmitri, who invited her, sees the invitation when he asks for invitations.
    let dmitri = user(&emu, DMITRI);
    let plain = dmitri
        .list_all_members(&dr, &ListMembers::default())
        .await
        .unwrap();
    assert!(!plain
        .iter()
        .any(|m| m.name.as_deref() == Some("spaces/AAAADesignR/members/1001")));
    let all = dmitri
        .list_all_members(
            &dr,
            &ListMembers {
                show_invited: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let invited = all
        .iter()
        .find(|m| m.name.as_deref() == Some("spaces/AAAADesignR/members/1001"))
        .expect("Alice's invitation");
    assert_eq!(invited.state, Some(MembershipState::Invited));
}

#[test]
fn help_says_where_invitations_are_answered() {
    let a = common::fixture::app();
    let all = common::fixture::help_text(&a);
    assert!(
        all.contains("Invitations: the Chat API can neither list nor accept them"),
        "{all}"
    );
    assert!(all.contains("https://chat.google.com"), "{all}");
}
