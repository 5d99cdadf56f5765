//! Shell completions and the manual page, generated from the command-line definitions.

use std::io::Write;

use super::args::Shell;

/// Writes completions for `shell` for the command `cmd` to `out`.
pub fn completions(shell: Shell, cmd: &mut clap::Command, out: &mut dyn Write) {
    let name = cmd.get_name().to_string();
    match shell {
        Shell::Bash => clap_complete::generate(clap_complete::Shell::Bash, cmd, name, out),
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, cmd, name, out),
        Shell::Fish => clap_complete::generate(clap_complete::Shell::Fish, cmd, name, out),
    }
}

/// Writes the manual page (roff) for `cmd` to `out`.
pub fn man(cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(cmd).render(out)
}
