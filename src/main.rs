use std::process::ExitCode;

use clap::Parser;
use gchat::api::Client;
use gchat::app::{App, Identity, Settings};
use gchat::auth;
use gchat::cli::{AuthCommand, Cli, Command};
use gchat::emulator;

/// Exit code of `gchat auth status` when the profile is not signed in.
const NOT_SIGNED_IN: u8 = 3;

async fn auth_command(profile: &str, cmd: AuthCommand) -> anyhow::Result<ExitCode> {
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
                timeout: None,
            };
            let account = auth::login(&opts, None).await?;
            // The server's words: shown, never obeyed.
            let who = account
                .identity
                .email
                .as_deref()
                .or(account.identity.name.as_deref())
                .map_or_else(
                    || "your account".into(),
                    |w| gchat::clean::Clean::line(w).into_string(),
                );
            say(&format!(
                "Signed in as {who}. Run `gchat{}` to open your spaces.",
                auth::profile_flag(profile)
            ));
            let missing = auth::missing_scopes(&account);
            if !missing.is_empty() {
                say(&format!(
                    "Not granted: {}. gchat works without them but cannot do those things; to allow them, run `gchat auth login{}` again and tick them on the consent screen.",
                    auth::describe_missing(&missing),
                    auth::profile_flag(profile)
                ));
            }
        }
        AuthCommand::Status => {
            let signed_in = auth::is_signed_in(profile)?;
            say(&auth::status(profile)?);
            if !signed_in {
                return Ok(ExitCode::from(NOT_SIGNED_IN));
            }
        }
        AuthCommand::Logout => say(&auth::logout(profile).await?),
    }
    Ok(ExitCode::SUCCESS)
}

/// Who a development token stands for, when it says.
fn identity_from_token(token: &str) -> Identity {
    use gchat::api::dev_token::{self, DevHolder};
    let Some(t) = dev_token::parse(token) else {
        return Identity::default();
    };
    match t.holder {
        DevHolder::User(id) => Identity {
            user: Some(format!("users/{id}")),
            scopes: t.scopes,
            ..Default::default()
        },
        DevHolder::PrimaryApp | DevHolder::App(_) => Identity {
            is_app: true,
            scopes: t.scopes.or_else(|| Some(vec!["chat.bot".into()])),
            ..Default::default()
        },
    }
}

async fn tui(cli: Cli) -> anyhow::Result<()> {
    let (config, keymap, warnings) = gchat::config::load();
    let mut settings = Settings {
        poll: config.poll(),
        background_poll: config.background_poll(),
        keymap_file: Some(gchat::config::config_dir().join("keymap.toml")),
        notify: config.notify.resolve(&|k| std::env::var(k).ok()),
        download_dir: config.download_dir.clone(),
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
            settings.source = gchat::ui::status::server_label(Some(&endpoint));
            let me = identity_from_token(&token);
            (Client::with_static_token(&endpoint, &token)?, me)
        }
        (_, _, Some(account)) => {
            let client = auth::client(&cli.profile, &account).await?;
            settings.source = gchat::ui::status::server_label(account.endpoint.as_deref());
            (client, Identity::signed_in(&account))
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
            settings.demo_endpoint = Some(emu.url());
            tracing::info!(url = %emu.url(), "the demo workspace's emulator is listening");
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
    app.config_problems(warnings);
    let (kept, damaged) = gchat::session::load(&session_key);
    gchat::session::restore(&mut app, kept);
    if let Some(notice) = damaged {
        app.error(notice);
    }
    let keep_read = session_key != "demo";
    let mut saver = gchat::session::Saver::start(gchat::session::path(&session_key), keep_read);
    // On an error the saver, dropped, still writes what it was last handed.
    let app = gchat::runtime::run(client, app, &mut saver).await?;
    // The terminal is restored by now: a last failure is told where it will be read.
    if let Err(e) = saver.finish(&app) {
        eprintln!("gchat: {e}.");
    }
    Ok(())
}

/// Writes `b` to stdout: success when written or when the reader went away (`| head`).
fn stdout_or_fail(b: &[u8]) -> ExitCode {
    match gchat::admin::print_stdout(b) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("gchat: {f}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a line of `gchat auth` output; a closed pipe is not an error.
fn say(line: &str) {
    let _ = gchat::admin::print_stdout(format!("{line}\n").as_bytes());
}

/// The administrator verbs, completions and the manual page: they set their own exit codes.
fn admin_command(cli: Cli, rt: &tokio::runtime::Runtime) -> Result<ExitCode, Box<Cli>> {
    use clap::CommandFactory;
    use gchat::admin::{Conn, Verb};
    let verb = match cli.command {
        Some(Command::Spaces(a)) => Verb::Spaces(a),
        Some(Command::Members(a)) => Verb::Members(a),
        Some(Command::Messages(a)) => Verb::Messages(a),
        Some(Command::People(a)) => Verb::People(a),
        Some(Command::Search(a)) => Verb::Search(a),
        Some(Command::Sections(a)) => Verb::Sections(a),
        Some(Command::Completions { shell }) => {
            let text = gchat::admin::completions(shell, &mut Cli::command());
            return Ok(stdout_or_fail(&text));
        }
        Some(Command::Man) => {
            return Ok(match gchat::admin::man(Cli::command()) {
                Ok(page) => stdout_or_fail(&page),
                Err(e) => {
                    eprintln!("gchat: could not make the manual page: {e}.");
                    ExitCode::FAILURE
                }
            });
        }
        _ => return Err(Box::new(cli)),
    };
    let conn = Conn {
        profile: cli.profile,
        endpoint: cli.endpoint,
        token: cli.token,
    };
    Ok(rt.block_on(gchat::admin::run(verb, conn)))
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
    let cli = match admin_command(cli, &rt) {
        Ok(code) => {
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            return code;
        }
        Err(cli) => *cli,
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
                        media_limit: a.media_limit,
                        quotas: a.quotas,
                        last_manager: if a.last_manager_invalid_argument {
                            emulator::LastManagerStatus::InvalidArgument
                        } else {
                            emulator::LastManagerStatus::FailedPrecondition
                        },
                        oauth_user: a.oauth_user,
                        token_lifetime: std::time::Duration::from_secs(a.token_lifetime),
                        ..Default::default()
                    },
                };
                emulator::run_cli(opts).await.map(|()| ExitCode::SUCCESS)
            }
            Some(Command::Auth(cmd)) => auth_command(&cli.profile, cmd).await,
            Some(_) => anyhow::bail!("this command is handled before the runtime starts"),
            None => tui(cli).await.map(|()| ExitCode::SUCCESS),
        }
    });
    // Background tasks (requests in flight) must not keep gchat alive.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(e) => {
            gchat::terminal::restore();
            // The error may quote a server; its words must not drive the terminal.
            eprintln!("gchat: {}", gchat::clean::Clean::text(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
