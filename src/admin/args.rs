//! The administrator verbs' command-line definitions (`gchat spaces|members|messages|people`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Printed under every administrator verb's `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes: 0 success · 1 other error · 2 usage error (or a refused confirmation) · \
3 not signed in or the sign-in was refused · 4 permission denied · 5 not found · \
6 some items of a bulk run failed (the others were done).";

/// Output and safety options shared by every administrator verb.
#[derive(Debug, Clone, Args, Default)]
pub struct Common {
    /// Print one JSON document, with the API's own field names.
    #[arg(long, global = true, conflicts_with = "jsonl")]
    pub json: bool,
    /// Print one JSON object per line, as results arrive.
    #[arg(long, global = true)]
    pub jsonl: bool,
    /// Do not ask before destructive changes (required when stdin is not a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Show what would be done, and change nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct SpacesArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub cmd: SpacesCmd,
}

#[derive(Debug, Subcommand)]
pub enum SpacesCmd {
    /// Every space you (or the app) are in.
    List {
        /// A spaces.list filter, e.g. 'spaceType = "SPACE"'.
        #[arg(long)]
        filter: Option<String>,
        /// Stop after N spaces.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// One space: by resource name, id or display name.
    Get { space: String },
    /// Create a named space.
    Create {
        /// The display name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        guidelines: Option<String>,
        /// Let people from outside the organization join.
        #[arg(long)]
        external: bool,
        /// The request id that makes a re-run return the same space (default: derived
        /// from the name, description and guidelines).
        #[arg(long, value_name = "ID")]
        request_id: Option<String>,
    },
    /// Rename a space or change its description or guidelines.
    Update {
        space: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        guidelines: Option<String>,
    },
    /// Delete a space, its messages and memberships.
    Delete { space: String },
    /// The direct message with a person (users/ID, an id or an email).
    FindDm { user: String },
    /// Create a space, group chat or DM with its members in one call (spaces.setup).
    Setup {
        /// People to add: users/ID, ids or emails, comma-separated or repeated.
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        members: Vec<String>,
        /// A display name makes a named space; without, a group chat (or a DM with one person).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long, value_name = "ID")]
        request_id: Option<String>,
    },
    /// What you have read in a space (as all your Chat clients see it), and how much is
    /// unread; --mark-read marks it all read.
    ReadState {
        space: String,
        /// Mark every message read, up to the latest.
        #[arg(long)]
        mark_read: bool,
    },
    /// Mute a space: no notifications from it, and no results from it in search.
    Mute { space: String },
    /// Unmute a space.
    Unmute { space: String },
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct SearchArgs {
    #[command(flatten)]
    pub common: Common,
    /// Words, "quoted phrases" and filters such as sender.name = "users/ID", has_link(),
    /// is_unread() (Google Chat's search syntax).
    pub query: String,
    /// Search only this space (resource name, id or display name); repeat for several.
    #[arg(long, value_name = "SPACE")]
    pub space: Vec<String>,
    /// Stop after N results.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct SectionsArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub cmd: SectionsCmd,
}

#[derive(Debug, Subcommand)]
pub enum SectionsCmd {
    /// Your sections of the space list, in order, with how many spaces each holds.
    List,
    /// Create a custom section.
    Create { name: String },
    /// Move a space to a section (by display name or id; a default section to move it back).
    Move {
        space: String,
        #[arg(long, value_name = "SECTION")]
        to: String,
    },
    /// Delete a custom section (its spaces go back to the default sections).
    Delete { section: String },
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct MembersArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub cmd: MembersCmd,
}

/// Where more targets come from, besides the command line.
#[derive(Debug, Clone, Args, Default)]
pub struct FromFile {
    /// Read targets from FILE (`-` for stdin): one per line, or CSV with a header row
    /// (the column named email, user, member, who, name or space; else the first).
    #[arg(long = "from", value_name = "FILE")]
    pub from: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    Manager,
    Member,
}

#[derive(Debug, Subcommand)]
pub enum MembersCmd {
    /// A space's members.
    List {
        space: String,
        /// Include people invited who have not joined.
        #[arg(long)]
        invited: bool,
        /// A members.list filter, e.g. 'role = "ROLE_MANAGER"'.
        #[arg(long)]
        filter: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Add people (users/ID, ids, emails) or the Chat app (`app`) to a space.
    Add {
        space: String,
        who: Vec<String>,
        #[command(flatten)]
        from: FromFile,
        /// The role to give them.
        #[arg(long, value_enum)]
        role: Option<Role>,
    },
    /// Remove people or the app from a space.
    Remove {
        space: String,
        who: Vec<String>,
        #[command(flatten)]
        from: FromFile,
    },
    /// Make members managers, or plain members again: `role SPACE WHO... manager|member`.
    Role {
        space: String,
        /// The people, then the role (manager or member).
        #[arg(required = true, num_args = 2.., value_name = "WHO... ROLE")]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct MessagesArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub cmd: MessagesCmd,
}

#[derive(Debug, Subcommand)]
pub enum MessagesCmd {
    /// A space's messages, oldest first.
    List {
        space: String,
        /// Only messages after this: RFC 3339, a date (2026-11-20), or an age (30m, 2h, 7d).
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only this thread (spaces/S/threads/T, or T).
        #[arg(long)]
        thread: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// One message by its resource name.
    Get { name: String },
    /// Post a message: `send SPACE TEXT` (TEXT `-` or absent reads stdin), or
    /// `send --from FILE TEXT` to post it in many spaces.
    Send {
        /// The space (with --from, the text).
        space: Option<String>,
        text: Option<String>,
        #[command(flatten)]
        from: FromFile,
        /// Reply in this thread (spaces/S/threads/T, or T).
        #[arg(long, conflicts_with = "thread_key")]
        thread: Option<String>,
        /// Reply in (or start) the thread with this key.
        #[arg(long)]
        thread_key: Option<String>,
        /// The client message id (client-...). With several spaces, a prefix each space's
        /// id is derived from. Default: derived from the text, thread and space, so a
        /// re-run never posts twice.
        #[arg(long, value_name = "client-...")]
        id: Option<String>,
        /// A card (cardsV2 JSON: one card or a list) to send; apps only.
        #[arg(long, value_name = "FILE")]
        card: Option<PathBuf>,
        /// Attach this file (up to 200 MB); one space only. Repeat for several files.
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Replace a message's text.
    Edit { name: String, text: String },
    /// React to a message with an emoji (a Unicode emoji, or a custom one as :name:).
    React { name: String, emoji: String },
    /// Take back your reaction with this emoji.
    Unreact { name: String, emoji: String },
    /// Pin a message in its space.
    Pin { name: String },
    /// Unpin a message.
    Unpin { name: String },
    /// The pinned messages of a space.
    Pins { space: String },
    /// Download a message's attachments into a directory (default: the current one).
    Download {
        name: String,
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Delete a message (--force: with its thread's replies).
    Delete {
        name: String,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct PeopleArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub cmd: PeopleCmd,
}

#[derive(Debug, Subcommand)]
pub enum PeopleCmd {
    /// Names and emails of people by id (users/ID or ID) or by email address (searched
    /// in your organization's directory).
    Get {
        #[arg(required = true, value_name = "ID|EMAIL")]
        who: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}
