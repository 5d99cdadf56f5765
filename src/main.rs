use std::process::ExitCode;

use clap::Parser;
use gchat::api::Client;
use gchat::app::{App, Identity, Settings};
use gchat::auth;
use gchat::cli::{AuthCommand, Cli, Command};
use gchat::emulator;

async fn auth_command(profile: &str, cmd: AuthCommand) -> anyhow::Result<()> {
    match cmd {
        AuthCommand::Login(a) => {
            let opts = auth::LoginOptions {
                profile: profile.to_string(),
                client_secrets: a.client_secrets,
                service_account: a.service_account,
                scopes: a.scopes,
                endpoint: a.endpoint,
                no_browser: a.no_browser,
                port: a.port,
            };
            let account = auth::login(&opts, None).await?;
            let who = account
                .identity
                .email
                .clone()
                .or(account.identity.name.clone())
                .unwrap_or_else(|| "your account".into());
            println!(
                "Signed in as {who}. Run `gchat{}` to open your spaces.",
                auth::profile_flag(profile)
            );
        }
        AuthCommand::Status => println!("{}", auth::status(profile)?),
        AuthCommand::Logout => println!("{}", auth::logout(profile).await?),
    }
    Ok(())
}

/// Who a development token stands for, when it says.
fn identity_from_token(token: &str) -> Identity {
    let (who, scopes) = match token.split_once(";scopes=") {
        Some((w, s)) => (
            w,
            Some(s.split(',').map(|x| auth::short(x).to_string()).collect()),
        ),
        None => (token, None),
    };
    if let Some(id) = who.strip_prefix("user:") {
        Identity {
            user: Some(format!("users/{id}")),
            scopes,
            ..Default::default()
        }
    } else if who == "app" || who.starts_with("app:") {
        Identity {
            is_app: true,
            scopes: scopes.or_else(|| Some(vec!["chat.bot".into()])),
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
        keymap_file: Some(gchat::config::config_dir().join("keymap.toml")),
        ..Default::default()
    };
    // Keeps the in-process emulator alive while the TUI runs.
    let mut _demo: Option<emulator::Emulator> = None;
    auth::profile::check_name(&cli.profile)?;
    let account = if cli.demo || cli.endpoint.is_some() {
        None
    } else {
        auth::profile::load(&cli.profile)?
    };
    settings.profile = cli.profile.clone();
    // Drafts and read marks are kept per account.
    let session_key = match (&cli.endpoint, &cli.token, &account) {
        (Some(e), Some(t), _) => {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (e, t.split(';').next()).hash(&mut h);
            format!("endpoint-{:016x}", h.finish())
        }
        (_, _, Some(_)) => format!("profile-{}", cli.profile),
        _ => "demo".to_string(),
    };
    let (client, me) = match (cli.endpoint, cli.token, account) {
        (Some(endpoint), Some(token), _) => {
            settings.source = endpoint.clone();
            let me = identity_from_token(&token);
            (Client::with_static_token(&endpoint, &token)?, me)
        }
        (_, _, Some(account)) => {
            let client = auth::client(&cli.profile, &account).await?;
            let is_app = account.kind == auth::profile::AccountKind::ServiceAccount;
            settings.source = account
                .identity
                .email
                .clone()
                .unwrap_or_else(|| "Google".into());
            let me = Identity {
                user: account.identity.user.clone(),
                name: account.identity.name.clone().filter(|_| !is_app),
                is_app,
                scopes: Some(
                    account
                        .scopes
                        .iter()
                        .map(|s| auth::short(s).to_string())
                        .collect(),
                ),
            };
            (client, me)
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
    let demo = settings.demo;
    let mut app = App::new(me, settings, keymap);
    if demo {
        app.note("Demo workspace: you are Alice Chen. Press ? for keys; `gchat auth login` uses your own account.");
    }
    app.show_members = config.show_members;
    if !warnings.is_empty() {
        app.error(warnings.join("; "));
    }
    gchat::session::restore(&mut app, gchat::session::load(&session_key));
    let mut app = gchat::runtime::run(client, app).await?;
    gchat::session::save(&session_key, &mut app, session_key != "demo");
    Ok(())
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
                        oauth_user: a.oauth_user,
                        token_lifetime: std::time::Duration::from_secs(a.token_lifetime),
                    },
                };
                emulator::run_cli(opts).await
            }
            Some(Command::Auth(cmd)) => auth_command(&cli.profile, cmd).await,
            None => tui(cli).await,
        }
    });
    // Background tasks (requests in flight) must not keep gchat alive.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            gchat::terminal::restore();
            // The error may quote a server; its words must not drive the terminal.
            eprintln!("gchat: {}", gchat::clean::Clean::text(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
