use std::process::ExitCode;

use clap::Parser;
use gchat::api::Client;
use gchat::app::{App, Identity, Settings};
use gchat::cli::{Cli, Command};
use gchat::emulator;

/// Who a development token stands for, when it says.
fn identity_from_token(token: &str) -> Identity {
    let who = token.split(';').next().unwrap_or("");
    if let Some(id) = who.strip_prefix("user:") {
        Identity {
            user: Some(format!("users/{id}")),
            ..Default::default()
        }
    } else if who == "app" || who.starts_with("app:") {
        Identity {
            is_app: true,
            ..Default::default()
        }
    } else {
        Identity::default()
    }
}

async fn tui(cli: Cli) -> anyhow::Result<()> {
    let (config, keymap, warnings) = gchat::config::load();
    let mut settings = Settings {
        poll: config.poll(),
        background_poll: config.background_poll(),
        ..Default::default()
    };
    // Keeps the in-process emulator alive while the TUI runs.
    let mut _demo: Option<emulator::Emulator> = None;
    let (client, me) = match (cli.endpoint, cli.token) {
        (Some(endpoint), Some(token)) => {
            settings.source = endpoint.clone();
            let me = identity_from_token(&token);
            (Client::with_static_token(&endpoint, &token)?, me)
        }
        _ => {
            // No account: the demo workspace, served in-process.
            let emu = emulator::Emulator::start(emulator::Options {
                demo: true,
                ..Default::default()
            })
            .await?;
            let token = format!("user:{}", emulator::demo::DEMO_USER);
            let client = Client::with_static_token(&emu.url(), &token)?;
            settings.demo = true;
            settings.source = "demo workspace".into();
            _demo = Some(emu);
            (client, identity_from_token(&token))
        }
    };
    let mut app = App::new(me, settings, keymap);
    app.show_members = config.show_members;
    if !warnings.is_empty() {
        app.error(warnings.join("; "));
        app.status.warnings = warnings;
    }
    gchat::runtime::run(client, app).await
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = gchat::logging::init();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gchat: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Some(Command::Emulator(a)) => {
                let opts = emulator::Options {
                    port: a.port,
                    data: a.data,
                    demo: a.demo,
                    config: emulator::Config {
                        text_limit: a.text_limit,
                        quotas: a.quotas,
                        last_manager: if a.last_manager_invalid_argument {
                            emulator::LastManagerStatus::InvalidArgument
                        } else {
                            emulator::LastManagerStatus::FailedPrecondition
                        },
                    },
                };
                emulator::run_cli(opts).await
            }
            None => tui(cli).await,
        }
    });
    // Background tasks (requests in flight) must not keep gchat alive.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            gchat::terminal::restore();
            eprintln!("gchat: {e:#}");
            ExitCode::FAILURE
        }
    }
}
