//! What each pane and dialog does with its commands. The keys are read in `input`,
//! which routes each command to the pane that has the focus.

mod compose;
mod dialogs;
mod members;
mod message_starts;
mod messages;
mod mouse;
mod spaces;
