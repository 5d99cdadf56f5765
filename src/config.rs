//! Configuration: `$XDG_CONFIG_HOME/gchat/config.toml` on every OS (or the directory in
//! `$GCHAT_CONFIG_DIR`), with `assets/config.example.toml` as the documented example.
//! A bad file is reported and the defaults used; gchat still starts.

use std::path::PathBuf;
use std::time::Duration;

use etcetera::BaseStrategy;
use serde::Deserialize;

fn strategy() -> Option<etcetera::base_strategy::Xdg> {
    etcetera::base_strategy::Xdg::new().ok()
}

pub fn config_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("GCHAT_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    strategy()
        .map(|s| s.config_dir().join("gchat"))
        .unwrap_or_else(|| PathBuf::from(".gchat"))
}

pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("GCHAT_DATA_DIR") {
        return PathBuf::from(d);
    }
    strategy()
        .map(|s| s.data_dir().join("gchat"))
        .unwrap_or_else(|| PathBuf::from(".gchat"))
}

pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("GCHAT_STATE_DIR") {
        return PathBuf::from(d);
    }
    strategy()
        .and_then(|s| s.state_dir())
        .map(|d| d.join("gchat"))
        .unwrap_or_else(|| data_dir().join("state"))
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seconds between checks of the open space for new messages.
    pub poll_seconds: u64,
    /// Seconds between checks of the other spaces for unread messages.
    pub background_poll_seconds: u64,
    /// Show the members pane at start.
    pub show_members: bool,
    /// How a DM, a mention or a reply in your thread is announced: one mode, or a table
    /// with one per kind (`dm`, `mention`, `thread_reply`).
    pub notify: crate::notify::Config,
    /// Where saved attachments go (default: `$XDG_DOWNLOAD_DIR` or `~/Downloads`).
    pub download_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            poll_seconds: 5,
            background_poll_seconds: 60,
            show_members: true,
            notify: crate::notify::Config::default(),
            download_dir: None,
        }
    }
}

impl Config {
    pub fn poll(&self) -> Duration {
        Duration::from_secs(self.poll_seconds.clamp(1, 3600))
    }
    pub fn background_poll(&self) -> Duration {
        Duration::from_secs(self.background_poll_seconds.clamp(5, 3600))
    }
}

/// The config and the user's keymap, with a warning for each problem found.
pub fn load() -> (Config, crate::keymap::Keymap, Vec<String>) {
    let dir = config_dir();
    let mut warnings = Vec::new();
    let config = match std::fs::read_to_string(dir.join("config.toml")) {
        Ok(text) => match toml::from_str::<Config>(&text) {
            Ok(c) => c,
            Err(e) => {
                warnings.push(format!(
                    "{}: {}",
                    dir.join("config.toml").display(),
                    e.message()
                ));
                Config::default()
            }
        },
        Err(_) => Config::default(),
    };
    let keymap = match std::fs::read_to_string(dir.join("keymap.toml")) {
        Ok(text) => {
            let (k, w) = crate::keymap::Keymap::with_user(&text);
            warnings.extend(w);
            k
        }
        Err(_) => crate::keymap::Keymap::defaults(),
    };
    (config, keymap, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses() {
        let c: Config = toml::from_str(include_str!("../assets/config.example.toml")).unwrap();
        assert_eq!(c, Config::default());
    }
}
