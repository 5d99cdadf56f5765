//! The requests about a space's members (`spaces.members.*`), declared once with their
//! calls; what their answers do is in `member_answers`.

use crate::api::model::{Membership, MembershipRole};
use crate::api::{Client, ListMembers, MembershipName, SpaceName, UserRef};

use super::declare::requests;

requests! {
    /// Listing, adding and removing a space's members, and setting their role.
    pub enum MemberEffect => MemberOutcome, MemberKind;
    /// Every member of `space` (with those invited who have not joined yet when
    /// `show_invited`: a Chat app may not ask for them).
    LoadMembers => Members { space: SpaceName, show_invited: bool } -> Vec<Membership>,
        quiet: false,
        |client| {
            let p = ListMembers {
                show_invited: *show_invited,
                ..Default::default()
            };
            client.list_all_members(space, &p).await
        };
    /// Adds `user` (a person, or the Chat app) to `space`.
    AddMember => MemberAdded { space: SpaceName, user: UserRef } -> Membership,
        quiet: false,
        |client| client.create_member(space, &Client::membership_for(user)).await;
    /// Removes a member (the user's own membership: leaves the space).
    RemoveMember => MemberRemoved { space: SpaceName, membership: MembershipName } -> Membership,
        quiet: false,
        |client| client.delete_member(membership).await;
    /// Makes a member a space manager, or a plain member again.
    SetRole => RoleSet { space: SpaceName, membership: MembershipName, manager: bool }
        -> Membership,
        quiet: false,
        |client| client.set_member_role(membership, role(*manager)).await;
}

fn role(manager: bool) -> MembershipRole {
    if manager {
        MembershipRole::Manager
    } else {
        MembershipRole::Member
    }
}
