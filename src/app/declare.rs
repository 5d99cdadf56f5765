//! The `requests!` macro, which declares a family of requests once (see `request`). It
//! names nothing of the app, so any feature module may use it.

/// Declares a family of requests in one place:
///
/// ```text
/// requests! {
///     /// What the family is.
///     pub enum FamilyEffect => FamilyOutcome, FamilyKind;
///     /// What the request does.
///     Name => Answer { field: Type, … } -> AnswerType, quiet: false,
///         |client| client.some_call(field).await;
/// }
/// ```
///
/// In the call, `client` is the `&Client` and each field is a reference to the request's
/// field; it evaluates (it may use `?` and `.await`) to `Result<AnswerType, ApiError>`.
///
/// An answer written `=> AnswerType` instead of `-> AnswerType` holds the call's value
/// as it is, not in a `Result`: for a request whose parts succeed or fail apart, each
/// carrying its own error.
macro_rules! requests {
    (
        $(#[$em:meta])*
        pub enum $Effect:ident => $Outcome:ident, $Kind:ident;
        $(
            $(#[$vm:meta])*
            $Name:ident => $Answer:ident {
                $( $(#[$fm:meta])* $field:ident : $fty:ty ),* $(,)?
            } $arrow:tt $Result:ty, quiet: $quiet:literal,
            |$client:ident| $call:expr;
        )*
    ) => {
        $(#[$em])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $Effect {
            $( $(#[$vm])* $Name { $( $(#[$fm])* $field: $fty, )* }, )*
        }

        /// The answers, one per request: its fields, and what came of it.
        // Each is made once and moved (boxed) to the loop, whatever its size.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone)]
        pub enum $Outcome {
            $(
                $Answer {
                    $( $field: $fty, )*
                    result: $crate::app::declare::answer!($arrow $Result),
                },
            )*
        }

        /// The kinds of request of the family, without their data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Kind {
            $( $Name, )*
        }

        impl $Kind {
            /// Every kind, in the order declared.
            pub const ALL: &'static [$Kind] = &[$( $Kind::$Name, )*];

            /// Background work that shows no spinner, as declared.
            pub const fn quiet(self) -> bool {
                match self {
                    $( $Kind::$Name => $quiet, )*
                }
            }
        }

        impl $Effect {
            pub fn kind(&self) -> $Kind {
                match self {
                    $( $Effect::$Name { .. } => $Kind::$Name, )*
                }
            }

            pub fn quiet(&self) -> bool {
                self.kind().quiet()
            }

            /// Performs the request; its answer carries the request's fields back.
            pub async fn run(self, client: &$crate::api::Client) -> $Outcome {
                match self {
                    $(
                        $Effect::$Name { $( $field, )* } => {
                            let result: $crate::app::declare::answer!($arrow $Result) = {
                                #[allow(unused_variables)]
                                let $client = client;
                                $(
                                    #[allow(unused_variables)]
                                    let $field = &$field;
                                )*
                                async { $call }.await
                            };
                            $Outcome::$Answer { $( $field, )* result }
                        }
                    )*
                }
            }
        }

        impl $Outcome {
            /// Which request this answers.
            pub fn kind(&self) -> $Kind {
                match self {
                    $( $Outcome::$Answer { .. } => $Kind::$Name, )*
                }
            }

            pub fn quiet(&self) -> bool {
                self.kind().quiet()
            }
        }
    };
}

/// What an answer of `requests!` holds: `-> T` a `Result<T, ApiError>`, `=> T` a `T`.
macro_rules! answer {
    (-> $Result:ty) => {
        ::std::result::Result<$Result, $crate::api::ApiError>
    };
    (=> $Result:ty) => {
        $Result
    };
}

pub(crate) use answer;
pub(crate) use requests;
