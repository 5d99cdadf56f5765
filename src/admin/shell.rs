//! Shell completions and the manual page, generated from the command-line definitions.
//!
//! Both are made in memory and then written whole, so a reader that stops early
//! (`| head`) ends the output quietly instead of failing half-way through a generator.

use super::args::Shell;

/// Completions for `shell` for the command `cmd`.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> Vec<u8> {
    let name = cmd.get_name().to_string();
    let mut out = Vec::new();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, cmd, name, &mut out);
    out
}

/// The manual page (roff) for `cmd`.
pub fn man(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    Ok(out)
}
