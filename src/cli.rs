//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "gchat", version, about = "A terminal client for Google Chat")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the TUI on this Chat API endpoint (an emulator, say) instead of Google.
    #[arg(long, value_name = "URL", requires = "token")]
    pub endpoint: Option<String>,
    /// The bearer token for --endpoint (the emulator takes user:ID or app).
    #[arg(
        long,
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
    /// Enforce per-space quotas (60 writes and 900 reads a minute), answering 429.
    #[arg(long)]
    pub quotas: bool,
    /// Answer the last-manager refusal with INVALID_ARGUMENT instead of FAILED_PRECONDITION.
    #[arg(long)]
    pub last_manager_invalid_argument: bool,
}
