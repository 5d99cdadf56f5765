//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "gchat", version, about = "A terminal client for Google Chat")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Which sign-in to use: several accounts can be signed in at once.
    #[arg(long, global = true, default_value = "default", value_name = "NAME")]
    pub profile: String,
    /// Open the TUI on this Chat API endpoint (an emulator, say) instead of Google.
    #[arg(long, global = true, value_name = "URL", requires = "token")]
    pub endpoint: Option<String>,
    /// The bearer token for --endpoint (the emulator takes user:ID or app).
    #[arg(
        long,
        global = true,
        value_name = "TOKEN",
        env = "GCHAT_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Open the built-in demo workspace, even when signed in.
    #[arg(long, conflicts_with = "endpoint")]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the local Chat API emulator.
    Emulator(EmulatorArgs),
    /// Sign in to Google, see who is signed in, or sign out.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// List, create, change and delete spaces.
    Spaces(crate::admin::args::SpacesArgs),
    /// List, add and remove members, and change their roles (in bulk from a file).
    Members(crate::admin::args::MembersArgs),
    /// List, post (to many spaces at once), edit and delete messages.
    Messages(crate::admin::args::MessagesArgs),
    /// Look up people's names and emails.
    People(crate::admin::args::PeopleArgs),
    /// Search messages across your spaces (or some of them).
    Search(crate::admin::args::SearchArgs),
    /// List and create sections of your space list, and move spaces between them.
    Sections(crate::admin::args::SectionsArgs),
    /// Print shell completions for bash, zsh or fish.
    Completions {
        #[arg(value_enum)]
        shell: crate::admin::args::Shell,
    },
    /// Print the manual page (roff), e.g. `gchat man > gchat.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign in with your Google account (or as the Chat app, with --service-account).
    Login(LoginArgs),
    /// Who is signed in, how, with which scopes and until when.
    Status,
    /// Sign out: revoke the refresh token and delete the cached tokens.
    Logout,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The OAuth client for a desktop app, from the Google Cloud console
    /// (default: client_secrets.json in the config directory).
    #[arg(long, value_name = "FILE", conflicts_with = "service_account")]
    pub client_secrets: Option<PathBuf>,
    /// Act as the Chat app, with this service account key (scope chat.bot).
    #[arg(long, value_name = "KEY.json")]
    pub service_account: Option<PathBuf>,
    /// Scopes for the service account, comma-separated (default chat.bot; an administrator
    /// can approve chat.app.memberships, chat.app.spaces, chat.app.delete).
    #[arg(long, value_delimiter = ',', requires = "service_account")]
    pub scopes: Vec<String>,
    /// Use this Chat API endpoint instead of Google's (an emulator).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Print the sign-in address instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// The loopback port the browser returns to (default: any free one). Over SSH, forward
    /// it: ssh -L PORT:127.0.0.1:PORT.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Load state from FILE and save every change back to it.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Start from the demo workspace (when FILE does not exist yet).
    #[arg(long)]
    pub demo: bool,
    /// The longest message text accepted, in characters.
    #[arg(long, default_value_t = 4096)]
    pub text_limit: usize,
    /// The largest attachment accepted, in bytes (Google's limit is 200 MB).
    #[arg(long, default_value_t = 200 * 1024 * 1024)]
    pub media_limit: u64,
    /// Enforce per-space quotas (60 writes and 900 reads a minute), answering 429.
    #[arg(long)]
    pub quotas: bool,
    /// Answer the last-manager refusal with INVALID_ARGUMENT instead of FAILED_PRECONDITION.
    #[arg(long)]
    pub last_manager_invalid_argument: bool,
    /// The person (user id) who consents on the emulator's OAuth sign-in screen.
    #[arg(long, value_name = "ID", default_value = "1001")]
    pub oauth_user: String,
    /// How long access tokens from the emulator's OAuth server live, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_lifetime: u64,
}
