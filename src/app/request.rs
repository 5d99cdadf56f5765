//! Every request the app makes, by kind: the one place that says which are quiet.
//!
//! An [`Effect`] and the [`Outcome`] that answers it both name their [`Request`], so
//! whether a request shows a spinner (counts as busy) is said once, here, for both: the
//! count goes up when the effect leaves and down when its answer comes back.
//!
//! A family of requests is declared once with `requests!` (in `declare`): each entry is
//! the request's name, its answer's name, its typed fields, what its answer holds, whether
//! it is quiet, and the API call that performs it. From that come the family's effect enum, its
//! outcome enum (each answer carries its request's fields back, with the result), its
//! kind enum with `quiet()`, and `run`, which performs a request against the client (the
//! runtime only spawns it). The declaration sits in the feature's own module, below
//! [`Effect`] which carries it; what its answers do needs the `App`, so it is in the
//! feature's answers file, one arm per answer (the compiler asks for each).

use super::effect::{Effect, Outcome};

/// The kind of a request, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Request {
    /// Who the user is, the spaces, and people.
    Directory(super::directory::DirectoryKind),
    /// Messages: read, sent, changed, searched.
    Messages(super::messages::MessagesKind),
    /// Reactions, quotes and pins (declared with their answers).
    Reactions(super::react::ReactKind),
    Members(super::member_requests::MemberKind),
    Space(super::space_requests::SpaceKind),
    User(super::user_requests::UserKind),
    Download,
    Upload,
    CancelTransfer,
    Copy,
    Open,
    ExternalEditor,
}

impl Request {
    /// Background work that shows no spinner (a transfer shows its own progress). The
    /// only list of them.
    pub const fn quiet(self) -> bool {
        use Request::*;
        match self {
            Download | Upload | CancelTransfer | Copy | Open | ExternalEditor => true,
            Directory(k) => k.quiet(),
            Messages(k) => k.quiet(),
            Reactions(k) => k.quiet(),
            Members(k) => k.quiet(),
            Space(k) => k.quiet(),
            User(k) => k.quiet(),
        }
    }
}

impl Effect {
    /// Which request this is.
    pub fn request(&self) -> Request {
        use Request as R;
        match self {
            Effect::Directory(d) => R::Directory(d.kind()),
            Effect::Messages(m) => R::Messages(m.kind()),
            Effect::React(r) => R::Reactions(r.kind()),
            Effect::Members(m) => R::Members(m.kind()),
            Effect::Space(s) => R::Space(s.kind()),
            Effect::User(u) => R::User(u.kind()),
            Effect::Download { .. } => R::Download,
            Effect::Upload { .. } => R::Upload,
            Effect::CancelTransfer { .. } => R::CancelTransfer,
            Effect::Copy { .. } => R::Copy,
            Effect::Open { .. } => R::Open,
            Effect::ExternalEditor { .. } => R::ExternalEditor,
        }
    }

    /// Background work that shows no spinner: see [`Request::quiet`].
    pub fn quiet(&self) -> bool {
        self.request().quiet()
    }
}

impl Outcome {
    /// Which request this answers. Where two requests share an answer, its fields
    /// tell them apart; those that do not (a send and its fetch after a 409, a
    /// transfer's progress) are alike in being quiet or not.
    pub fn request(&self) -> Request {
        use Request as R;
        match self {
            Outcome::Directory(d) => R::Directory(d.kind()),
            Outcome::Messages(m) => R::Messages(m.kind()),
            Outcome::React(r) => R::Reactions(r.kind()),
            Outcome::Members(m) => R::Members(m.kind()),
            Outcome::Space(s) => R::Space(s.kind()),
            Outcome::User(u) => R::User(u.kind()),
            Outcome::Progress { .. } | Outcome::Downloaded { .. } => R::Download,
            Outcome::Uploaded { .. } => R::Upload,
            Outcome::EditorDone { .. } => R::ExternalEditor,
            Outcome::OpenFailed { .. } => R::Open,
        }
    }

    /// The answer to a quiet request: see [`Request::quiet`].
    pub fn quiet(&self) -> bool {
        self.request().quiet()
    }
}

#[cfg(test)]
mod tests {
    // The test family is only declared and looked at, never run.
    #![allow(dead_code)]

    use super::super::declare::requests;
    use super::super::react::{ReactEffect, ReactKind, ReactOutcome};
    use super::Request;
    use crate::api::{ApiError, SpaceName};

    requests! {
        /// Two requests, to check what a declaration makes.
        pub enum TestEffect => TestOutcome, TestKind;
        Look => Looked { space: SpaceName } -> u32, quiet: true,
            |c| Ok(7);
        Act => Acted { space: SpaceName, n: u32 } -> (), quiet: false,
            |c| if *n == 0 { Err(ApiError::InvalidArgument("none".into())) } else { Ok(()) };
        Both => Halves { n: u32 } => (Result<u32, ApiError>, u32), quiet: true,
            |c| (Ok(*n), 2);
    }

    fn space() -> SpaceName {
        SpaceName::parse("spaces/AAAA").expect("a valid space name")
    }

    #[test]
    fn a_declared_request_takes_its_kind_and_quiet_flag_from_its_declaration() {
        assert_eq!(
            TestKind::ALL,
            &[TestKind::Look, TestKind::Act, TestKind::Both]
        );
        assert!(TestKind::Look.quiet() && !TestKind::Act.quiet());
        let look = TestEffect::Look { space: space() };
        let act = TestEffect::Act {
            space: space(),
            n: 1,
        };
        assert_eq!((look.kind(), look.quiet()), (TestKind::Look, true));
        assert_eq!((act.kind(), act.quiet()), (TestKind::Act, false));
        let looked = TestOutcome::Looked {
            space: space(),
            result: Ok(7),
        };
        let acted = TestOutcome::Acted {
            space: space(),
            n: 1,
            result: Ok(()),
        };
        assert_eq!((looked.kind(), looked.quiet()), (TestKind::Look, true));
        assert_eq!((acted.kind(), acted.quiet()), (TestKind::Act, false));
        // `=>`: the answer holds the call's value as it is, each part with its own error.
        let halves = TestOutcome::Halves {
            n: 1,
            result: (Err(ApiError::InvalidArgument("one half".into())), 2),
        };
        assert_eq!((halves.kind(), halves.quiet()), (TestKind::Both, true));
        let TestOutcome::Halves { result, .. } = halves else {
            unreachable!("made as halves")
        };
        assert!(result.0.is_err() && result.1 == 2);
    }

    #[test]
    fn the_reaction_family_is_quiet_only_where_it_says() {
        let quiet: Vec<ReactKind> = ReactKind::ALL
            .iter()
            .copied()
            .filter(|k| k.quiet())
            .collect();
        assert_eq!(
            quiet,
            vec![
                ReactKind::ListMine,
                ReactKind::ListCustomEmoji,
                ReactKind::ListPins
            ]
        );
        for k in ReactKind::ALL {
            assert_eq!(Request::Reactions(*k).quiet(), k.quiet(), "{k:?}");
        }
        let e = ReactEffect::ListPins { space: space() };
        let o = ReactOutcome::Pins {
            space: space(),
            result: Ok(Vec::new()),
        };
        assert_eq!(e.kind(), o.kind());
    }
}
