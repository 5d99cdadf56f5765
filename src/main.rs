use clap::Parser;
use gchat::cli::{Cli, Command};
use gchat::emulator;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gchat: could not start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
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
            None => Err(anyhow::anyhow!("the TUI is not built yet")),
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gchat: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
