//! Key bindings as data: the defaults in `assets/keymap.toml`, a user's file merged over
//! them. The same table dispatches keys, fills the help overlay and the status-bar hints,
//! so they cannot drift apart.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULTS: &str = include_str!("../assets/keymap.toml");

/// Where keys are read: a pane, the compose box, a dialog, or the spaces filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Global,
    Spaces,
    Messages,
    Members,
    Compose,
    Dialog,
    Filter,
    Picker,
    List,
    Mention,
    Files,
}

impl Mode {
    pub const ALL: [Mode; 11] = [
        Mode::Global,
        Mode::Spaces,
        Mode::Messages,
        Mode::Members,
        Mode::Compose,
        Mode::Dialog,
        Mode::Filter,
        Mode::Picker,
        Mode::List,
        Mode::Mention,
        Mode::Files,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Spaces => "spaces",
            Mode::Messages => "messages",
            Mode::Members => "members",
            Mode::Compose => "compose",
            Mode::Dialog => "dialog",
            Mode::Filter => "filter",
            Mode::Picker => "picker",
            Mode::List => "list",
            Mode::Mention => "mention",
            Mode::Files => "files",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Spaces => "Spaces",
            Mode::Messages => "Messages",
            Mode::Members => "Members",
            Mode::Compose => "Writing a message",
            Mode::Dialog => "Dialogs",
            Mode::Filter => "Filtering spaces",
            Mode::Picker => "Picking a link, file, section or pinned message",
            Mode::List => "Lists under a field (search results, people found, emoji)",
            Mode::Mention => "The mention list (@ and a name in a message)",
            Mode::Files => "While a file saves or uploads, and just after",
        }
    }

    /// Modes where keys are typed text unless bound.
    pub fn is_typing(self) -> bool {
        matches!(self, Mode::Compose | Mode::Dialog | Mode::Filter)
    }

    /// Tables read before another's, for a list or a file transfer showing: they answer
    /// only their own keys, and any other key goes on to the dialog, the compose box or
    /// the pane under them.
    pub fn is_layer(self) -> bool {
        matches!(
            self,
            Mode::Picker | Mode::List | Mode::Mention | Mode::Files
        )
    }

    fn from_name(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == s)
    }
}

macro_rules! commands {
    ($($variant:ident = $name:literal, $desc:literal, $hint:expr;)*) => {
        /// Everything a key can ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($variant,)* }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant,)*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)* }
            }

            /// What it does, for the help overlay.
            pub fn description(self) -> &'static str {
                match self { $(Command::$variant => $desc,)* }
            }

            /// A short label for the status bar, for the commands worth a hint.
            pub fn hint(self) -> Option<&'static str> {
                match self { $(Command::$variant => $hint,)* }
            }

            pub fn from_name(s: &str) -> Option<Command> {
                match s { $($name => Some(Command::$variant),)* _ => None }
            }
        }
    };
}

impl Command {
    /// What the command does in `mode`, where that says more than its description.
    pub fn description_in(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (Command::Top, Mode::Messages) => {
                "Go to the oldest message, loading older ones to the beginning"
            }
            (Command::Bottom, Mode::Messages) => "Go to the newest message",
            (Command::Back, Mode::Messages) => {
                "Close the thread view; else stop loading older messages, or go back to the spaces"
            }
            (Command::Submit, Mode::Filter) => "Open the selected space",
            (Command::Cancel, Mode::Filter | Mode::Spaces) => "Clear the filter",
            (Command::Cancel, Mode::Dialog) => "Close without doing anything",
            (Command::Discard, Mode::Dialog) => "Clear the field (undo brings it back)",
            (Command::Up, Mode::Picker | Mode::List | Mode::Mention) => "Move up the list",
            (Command::Down, Mode::Picker | Mode::List | Mode::Mention) => "Move down the list",
            (Command::PageUp, Mode::List) => "Move up the list a page",
            (Command::PageDown, Mode::List) => "Move down the list a page",
            (Command::Submit, Mode::Mention) => "Put the picked mention in the message",
            (Command::Cancel, Mode::Mention) => "Close the list (what you typed stays)",
            _ => self.description(),
        }
    }
}

commands! {
    Quit = "quit", "Quit gchat", Some("quit");
    Help = "help", "Show this help", Some("help");
    FocusNext = "focus_next", "Focus the next pane", None;
    FocusPrev = "focus_prev", "Focus the previous pane", None;
    FocusSpaces = "focus_spaces", "Focus the spaces pane", None;
    FocusMessages = "focus_messages", "Focus the messages pane", None;
    FocusMembers = "focus_members", "Focus the members pane", None;
    ToggleMembers = "toggle_members", "Show or hide the members pane", None;
    Zoom = "zoom", "Zoom the focused pane (again to restore)", None;
    Refresh = "refresh", "Reload spaces, messages and members", None;
    Suspend = "suspend", "Suspend gchat to the shell (fg brings it back)", None;
    Up = "up", "Move up", None;
    Down = "down", "Move down", None;
    PageUp = "page_up", "Scroll up a page", None;
    PageDown = "page_down", "Scroll down a page", None;
    Top = "top", "Go to the top", None;
    Bottom = "bottom", "Go to the bottom", None;
    Open = "open", "Open the selected space", Some("open");
    Filter = "filter", "Filter spaces by name as you type", Some("filter");
    Compose = "compose", "Write a new message (new thread)", Some("new");
    Reply = "reply", "Reply in the selected message's thread", Some("reply");
    Edit = "edit", "Edit your selected message (or a failed one)", Some("edit");
    Delete = "delete", "Delete the selected message", Some("delete");
    OpenThread = "open_thread", "Open the selected thread on its own", Some("thread");
    Back = "back", "Close the thread view", None;
    ExpandThread = "expand_thread", "Show or collapse a long thread's replies", None;
    Retry = "retry", "Send a failed message again", Some("retry");
    FullTime = "full_time", "Show the selected message's full date and time", None;
    React = "react", "React to the selected message (emoji picker; again to take it back)", None;
    Quote = "quote", "Quote the selected message in a new message", None;
    Pin = "pin", "Pin or unpin the selected message", None;
    Pins = "pins", "List the space's pinned messages (Enter jumps to one)", None;
    AddMember = "add_member", "Add a person, or the Chat app (type app)", Some("add member");
    RemoveMember = "remove_member", "Remove the selected member", Some("remove");
    ToggleManager = "toggle_manager", "Make the selected member a manager, or not", Some("manager");
    CreateSpace = "create_space", "Create a named space", Some("new space");
    EditSpace = "edit_space", "Edit the space's name and details", None;
    DeleteSpace = "delete_space", "Delete the space (typed confirmation)", None;
    LeaveSpace = "leave_space", "Leave the space (the Chat app: remove itself)", None;
    SpaceInfo = "space_info", "Show the space's details and web address", Some("info");
    Send = "send", "Send (or save the edit)", Some("send");
    Submit = "submit", "Confirm", Some("ok");
    NextField = "next_field", "Next field", Some("next field");
    PrevField = "prev_field", "Previous field", None;
    Newline = "newline", "Insert a new line", Some("newline");
    Cancel = "cancel", "Close, keeping the draft", Some("close");
    Yes = "yes", "Answer yes to the question asked", None;
    No = "no", "Answer no to the question asked", None;
    Close = "close", "Close a dialog that only shows something", None;
    Undo = "undo", "Undo the last change", None;
    Redo = "redo", "Redo what was undone", None;
    Discard = "discard", "Discard the whole draft (asks first when it is long; undo brings it back)", Some("discard");
    WaitSends = "wait_sends", "Quitting: wait for messages still sending, then quit", Some("wait");
    NextUnread = "next_unread", "Open the next space with unread messages (mentions first)", None;
    FirstUnread = "first_unread", "Go to the first message that was unread", None;
    MarkRead = "mark_read", "Mark the space read (in your other Chat clients too)", None;
    MarkAllRead = "mark_all_read", "Mark every space read", None;
    Mute = "mute", "Mute or unmute the space (no notifications from it)", None;
    MoveToSection = "move_to_section", "Move the space to another section", None;
    ToggleSection = "toggle_section", "Fold or unfold the section (on its header)", None;
    MessagePerson = "message_person", "Message a person (or several: a group chat), by name or email", None;
    Search = "search", "Search messages in every space (Tab: this space only)", None;
    KeepSends = "keep_sends", "Quitting: quit now, keep unsent messages for next start", Some("keep for next start");
    SaveAttachment = "save_attachment", "Save the selected message's attachment to the download folder", None;
    OpenLink = "open_link", "Open a link in the selected message in the browser (over SSH: show it)", None;
    CopyText = "copy_text", "Copy the selected message's text to the clipboard (OSC 52)", None;
    CopyLink = "copy_link", "Copy the selected message's web address to the clipboard (OSC 52)", None;
    Attach = "attach", "Attach a file to the message (a path, Tab completes)", None;
    ExternalEditor = "external_editor", "Write the message in $VISUAL or $EDITOR", None;
    PickNumber = "pick_number", "Pick a link or file by its number: the first key picks the first, and so on", None;
    OpenOffer = "open_offer", "Open the file just saved (the next key after \"Saved to …\")", None;
    CancelTransfer = "cancel_transfer", "Stop the download or upload (a partial file is removed)", None;
}

/// One key with its modifiers, as written in keymap files (`Ctrl-j`, `Alt-Enter`, `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    code: ChordCode,
    ctrl: bool,
    alt: bool,
    shift: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ChordCode {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Insert", KeyCode::Insert),
];

impl Chord {
    /// The chord a key press is, ignoring Shift on characters (they carry it already).
    pub fn from_event(ev: &KeyEvent) -> Option<Chord> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let shift = ev.modifiers.contains(KeyModifiers::SHIFT);
        let (code, shift) = match ev.code {
            KeyCode::Char(' ') => (ChordCode::Named("Space"), shift),
            KeyCode::Char(c) => {
                // Terminals report Ctrl-letters in either case.
                let c = if ctrl { c.to_ascii_lowercase() } else { c };
                (ChordCode::Char(c), false)
            }
            KeyCode::F(n) => (ChordCode::F(n), shift),
            KeyCode::BackTab => (ChordCode::Named("BackTab"), false),
            other => {
                let name = NAMED.iter().find(|(_, k)| *k == other)?.0;
                (ChordCode::Named(name), shift)
            }
        };
        Some(Chord {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

impl FromStr for Chord {
    type Err = String;

    fn from_str(s: &str) -> Result<Chord, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest
                .strip_prefix("Ctrl-")
                .or_else(|| rest.strip_prefix("C-"))
            {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest
                .strip_prefix("Alt-")
                .or_else(|| rest.strip_prefix("M-"))
            {
                alt = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Shift-") {
                shift = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if ctrl {
                    ChordCode::Char(c.to_ascii_lowercase())
                } else if shift {
                    shift = false;
                    ChordCode::Char(c.to_ascii_uppercase())
                } else {
                    ChordCode::Char(c)
                }
            }
            _ if rest == "Space" => ChordCode::Named("Space"),
            _ if rest.starts_with('F')
                && rest[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
            {
                ChordCode::F(rest[1..].parse().unwrap_or(1))
            }
            _ => match NAMED.iter().find(|(n, _)| *n == rest) {
                Some((n, _)) => ChordCode::Named(n),
                None => return Err(format!("unknown key {s:?}")),
            },
        };
        // Shift-Tab is how people name it; terminals send it as BackTab.
        let code = if code == ChordCode::Named("Tab") && shift {
            ChordCode::Named("BackTab")
        } else {
            code
        };
        if code == ChordCode::Named("BackTab") {
            shift = false;
        }
        Ok(Chord {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        match self.code {
            // A key file can name any character; it is shown, never sent to the terminal.
            ChordCode::Char(c) => write!(
                f,
                "{}",
                crate::clean::Clean::line(c.encode_utf8(&mut [0; 4]))
            ),
            ChordCode::F(n) => write!(f, "F{n}"),
            ChordCode::Named("BackTab") => f.write_str("Shift-Tab"),
            ChordCode::Named(n) => f.write_str(n),
        }
    }
}

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<(Mode, Chord), Command>,
    by_command: BTreeMap<(Mode, Command), Vec<Chord>>,
}

type Table = BTreeMap<String, BTreeMap<String, Vec<String>>>;

impl Keymap {
    /// The built-in bindings.
    pub fn defaults() -> Keymap {
        let (k, warnings) = Keymap::empty().layered(DEFAULTS);
        debug_assert!(warnings.is_empty(), "{warnings:?}");
        k
    }

    fn empty() -> Keymap {
        Keymap {
            by_key: HashMap::new(),
            by_command: BTreeMap::new(),
        }
    }

    /// The defaults with `user_toml` on top. Bad entries are skipped and described.
    pub fn with_user(user_toml: &str) -> (Keymap, Vec<String>) {
        let (mut keymap, mut warnings) = Keymap::defaults().layered(user_toml);
        keymap.keep_ways_out(&mut warnings);
        keymap.warn_shadowed(&mut warnings);
        (keymap, warnings)
    }

    /// A pane key that takes a global command's key (`q` to react in the message pane)
    /// hides that command there: said, naming the pane, the key and both commands. The
    /// defaults' own overlaps are meant and not said.
    fn warn_shadowed(&self, warnings: &mut Vec<String>) {
        let defaults = Keymap::defaults();
        let globals = self
            .by_command
            .iter()
            .filter(|((m, _), _)| *m == Mode::Global);
        for ((_, global), chords) in globals {
            for c in chords {
                for pane in [Mode::Spaces, Mode::Messages, Mode::Members] {
                    let Some(&taker) = self.by_key.get(&(pane, *c)) else {
                        continue;
                    };
                    let by_default = defaults.by_key.get(&(pane, *c)) == Some(&taker)
                        && defaults.by_key.get(&(Mode::Global, *c)) == Some(global);
                    if taker == *global || by_default {
                        continue;
                    }
                    warnings.push(format!(
                        "keymap: {p}.{t}: {c} is also global.{g}'s key; in the {p} pane {c} does {t}, not {g}",
                        p = pane.name(),
                        t = taker.name(),
                        g = global.name(),
                    ));
                }
            }
        }
    }

    /// `toml_text`'s bindings on top of these: each command it names gets the keys it
    /// gives in place of its old ones in that mode.
    fn layered(mut self, toml_text: &str) -> (Keymap, Vec<String>) {
        let mut warnings = Vec::new();
        let table: Table = match toml::from_str(toml_text) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("keymap: {}", e.message()));
                return (self, warnings);
            }
        };
        for (mode_name, cmds) in table {
            let Some(mode) = Mode::from_name(&mode_name) else {
                warnings.push(format!("keymap: unknown mode [{mode_name}]"));
                continue;
            };
            for (cmd_name, keys) in cmds {
                let Some(cmd) = Command::from_name(&cmd_name) else {
                    warnings.push(format!("keymap: unknown command {mode_name}.{cmd_name}"));
                    continue;
                };
                let mut chords = Vec::new();
                for k in &keys {
                    match k.parse::<Chord>() {
                        Ok(c) => chords.push(c),
                        Err(e) => warnings.push(format!("keymap: {mode_name}.{cmd_name}: {e}")),
                    }
                }
                // The new keys replace the command's old ones in this mode.
                if let Some(old) = self.by_command.remove(&(mode, cmd)) {
                    for c in old {
                        if self.by_key.get(&(mode, c)) == Some(&cmd) {
                            self.by_key.remove(&(mode, c));
                        }
                    }
                }
                for c in &chords {
                    if let Some(prev) = self.by_key.insert((mode, *c), cmd) {
                        if prev != cmd {
                            if let Some(list) = self.by_command.get_mut(&(mode, prev)) {
                                list.retain(|x| x != c);
                            }
                            warnings.push(format!(
                                "keymap: {mode_name}.{cmd_name}: {c} no longer does {}",
                                prev.name()
                            ));
                        }
                    }
                }
                self.by_command.insert((mode, cmd), chords);
            }
        }
        (self, warnings)
    }

    /// The layers read before `cmd`'s keys in `mode` that could trap someone: a key they
    /// take does not reach it while they show. Only a dialog's cancel is at stake: the
    /// lists show in dialogs (the search, the pickers) that nothing else leaves. The
    /// mention list is not one: its own way out closes it, and then the compose box's
    /// keys reach the box again.
    fn layers_over(mode: Mode, cmd: Command) -> &'static [Mode] {
        match (mode, cmd) {
            (Mode::Dialog, Command::Cancel) => &[Mode::Picker, Mode::List],
            _ => &[],
        }
    }

    /// Whether `cmd` has a key in `mode` that reaches it: a global command needs, in
    /// each pane, a key that pane does not take for something else; a dialog's or the
    /// compose box's, a key no list over it takes.
    fn reachable(&self, mode: Mode, cmd: Command) -> bool {
        let keys = self.keys(mode, cmd);
        if mode != Mode::Global {
            let layers = Keymap::layers_over(mode, cmd);
            return keys
                .iter()
                .any(|c| layers.iter().all(|l| !self.by_key.contains_key(&(*l, *c))));
        }
        [Mode::Spaces, Mode::Messages, Mode::Members]
            .into_iter()
            .all(|pane| keys.iter().any(|c| !self.by_key.contains_key(&(pane, *c))))
    }

    /// Takes `chord` in `mode` away from whatever command had it.
    fn unbind(&mut self, mode: Mode, chord: Chord) {
        if let Some(prev) = self.by_key.remove(&(mode, chord)) {
            if let Some(list) = self.by_command.get_mut(&(mode, prev)) {
                list.retain(|x| *x != chord);
            }
        }
    }

    /// The commands a user must always have a key for (to quit, to leave the compose box
    /// or a dialog, to answer a question): one that a user file left without any key
    /// (misspelled keys, an empty list, its keys taken by other commands) gets its
    /// default keys back, with a warning, so no keymap file can trap anyone.
    fn keep_ways_out(&mut self, warnings: &mut Vec<String>) {
        const WAYS_OUT: [(Mode, Command); 9] = [
            (Mode::Global, Command::Quit),
            (Mode::Mention, Command::Cancel),
            (Mode::Files, Command::CancelTransfer),
            (Mode::Compose, Command::Cancel),
            (Mode::Dialog, Command::Cancel),
            (Mode::Dialog, Command::Submit),
            (Mode::Dialog, Command::Yes),
            (Mode::Dialog, Command::No),
            (Mode::Filter, Command::Cancel),
        ];
        let defaults = Keymap::defaults();
        for (mode, cmd) in WAYS_OUT {
            if self.reachable(mode, cmd) {
                continue;
            }
            let keys = defaults.keys(mode, cmd).to_vec();
            if keys.is_empty() {
                continue;
            }
            for c in &keys {
                for layer in Keymap::layers_over(mode, cmd) {
                    self.unbind(*layer, *c);
                }
                self.unbind(mode, *c);
                self.by_key.insert((mode, *c), cmd);
            }
            let shown: Vec<String> = keys.iter().map(|c| c.to_string()).collect();
            warnings.push(format!(
                "keymap: {}.{} has no usable key; keeping {}",
                mode.name(),
                cmd.name(),
                shown.join(", ")
            ));
            self.by_command.insert((mode, cmd), keys);
        }
    }

    /// The command for a key press in `mode`. Panes fall back to the global table;
    /// typing modes only answer their own keys (Ctrl-c there cancels, as Esc does) and
    /// the Ctrl chord for suspending, unless they bind that chord themselves (Ctrl-z
    /// undoes while writing a message or in a dialog).
    pub fn lookup(&self, mode: Mode, ev: &KeyEvent) -> Option<Command> {
        let chord = Chord::from_event(ev)?;
        if let Some(c) = self.by_key.get(&(mode, chord)) {
            return Some(*c);
        }
        if mode.is_layer() {
            return None;
        }
        if mode.is_typing() {
            let global = self.by_key.get(&(Mode::Global, chord)).copied();
            return global.filter(|c| chord.ctrl && matches!(c, Command::Suspend));
        }
        self.by_key.get(&(Mode::Global, chord)).copied()
    }

    pub fn keys(&self, mode: Mode, cmd: Command) -> &[Chord] {
        self.by_command
            .get(&(mode, cmd))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Which choice a key picks in `mode`'s list: the position of the key among the
    /// `pick_number` keys (the first key picks the first choice).
    pub fn pick_index(&self, mode: Mode, ev: &KeyEvent) -> Option<usize> {
        let chord = Chord::from_event(ev)?;
        if self.by_key.get(&(mode, chord)) != Some(&Command::PickNumber) {
            return None;
        }
        self.keys(mode, Command::PickNumber)
            .iter()
            .position(|c| *c == chord)
    }

    /// The keys of `cmd` as shown to people: `r` or `Enter/t`.
    pub fn label(&self, mode: Mode, cmd: Command) -> String {
        let keys = self.keys(mode, cmd);
        let keys = if keys.is_empty() {
            self.keys(Mode::Global, cmd)
        } else {
            keys
        };
        keys.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every binding of `mode`, in command order: for the help overlay.
    pub fn bindings(&self, mode: Mode) -> Vec<(Command, Vec<Chord>)> {
        Command::ALL
            .iter()
            .filter_map(|c| {
                let keys = self.keys(mode, *c);
                (!keys.is_empty()).then(|| (*c, keys.to_vec()))
            })
            .collect()
    }

    /// The first key and short label of each hinted command in `mode`.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        self.hints_with(mode)
            .into_iter()
            .map(|(_, k, l)| (k, l))
            .collect()
    }

    /// As `hints`, with the command each hint is for.
    pub fn hints_with(&self, mode: Mode) -> Vec<(Command, String, &'static str)> {
        self.bindings(mode)
            .into_iter()
            .filter_map(|(c, keys)| Some((c, keys.first()?.to_string(), c.hint()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn the_defaults_parse_cleanly() {
        let (_, warnings) = Keymap::empty().layered(DEFAULTS);
        assert!(warnings.is_empty(), "{warnings:?}");
        let k = Keymap::defaults();
        assert_eq!(
            k.lookup(Mode::Messages, &key(KeyCode::Char('r'), KeyModifiers::NONE)),
            Some(Command::Reply)
        );
        assert_eq!(
            k.lookup(Mode::Messages, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Command::Quit)
        );
        assert_eq!(
            k.lookup(Mode::Compose, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        // Ctrl-c while typing cancels the typing, not gchat.
        for mode in [Mode::Compose, Mode::Dialog, Mode::Filter] {
            assert_eq!(
                k.lookup(mode, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                Some(Command::Cancel),
                "{mode:?}"
            );
        }
        assert_eq!(
            k.lookup(
                Mode::Messages,
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Command::Quit)
        );
        assert_eq!(
            k.lookup(Mode::Compose, &key(KeyCode::Enter, KeyModifiers::ALT)),
            Some(Command::Newline)
        );
        // Ctrl-z suspends from anywhere but where text has an undo: there it undoes.
        // (Lists and file keys are layers over those: they answer their own keys only.)
        for mode in Mode::ALL.into_iter().filter(|m| !m.is_layer()) {
            let want = if matches!(mode, Mode::Compose | Mode::Dialog) {
                Command::Undo
            } else {
                Command::Suspend
            };
            assert_eq!(
                k.lookup(mode, &key(KeyCode::Char('z'), KeyModifiers::CONTROL)),
                Some(want),
                "{mode:?}"
            );
        }
        // Moving undo elsewhere gives Ctrl-z its suspending back while typing.
        let (k2, w) = Keymap::with_user("[compose]\nundo = [\"Ctrl-_\"]\n");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            k2.lookup(
                Mode::Compose,
                &key(KeyCode::Char('z'), KeyModifiers::CONTROL)
            ),
            Some(Command::Suspend)
        );
        assert_eq!(
            k.lookup(Mode::Dialog, &key(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            k.lookup(
                Mode::Compose,
                &key(KeyCode::Char('j'), KeyModifiers::CONTROL)
            ),
            Some(Command::Newline)
        );
        assert_eq!(
            k.lookup(Mode::Compose, &key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Command::Send)
        );
        // Shift is part of the character.
        assert_eq!(
            k.lookup(
                Mode::Messages,
                &key(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Command::Bottom)
        );
        assert_eq!(
            k.lookup(Mode::Global, &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Command::FocusPrev)
        );
    }

    #[test]
    fn user_bindings_replace_and_bad_ones_are_reported() {
        let (k, w) = Keymap::with_user(
            "[messages]\nreply = [\"Ctrl-r\", \"Hyper-x\"]\nfly = [\"f\"]\n[nowhere]\nquit = [\"x\"]\n",
        );
        // Three bad entries, and Ctrl-r taken from the global refresh in the message pane.
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(
            w.iter()
                .any(|x| x.contains("messages.reply: Ctrl-r is also global.refresh")),
            "{w:?}"
        );
        assert_eq!(
            k.lookup(
                Mode::Messages,
                &key(KeyCode::Char('r'), KeyModifiers::CONTROL)
            ),
            Some(Command::Reply)
        );
        assert_eq!(
            k.lookup(Mode::Messages, &key(KeyCode::Char('r'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(k.label(Mode::Messages, Command::Reply), "Ctrl-r");
        let (_, w) = Keymap::with_user("not toml = = =");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn chords_print_as_they_parse() {
        for s in [
            "Ctrl-j",
            "Alt-Enter",
            "G",
            "?",
            "PageUp",
            "F1",
            "Space",
            "Shift-Tab",
        ] {
            assert_eq!(s.parse::<Chord>().unwrap().to_string(), s);
        }
        // The terminal's name for it still reads, and prints as people say it.
        assert_eq!(
            "BackTab".parse::<Chord>().unwrap(),
            "Shift-Tab".parse::<Chord>().unwrap()
        );
        assert!("Hyper-x".parse::<Chord>().is_err());
    }

    #[test]
    fn every_hinted_pane_has_hints() {
        let k = Keymap::defaults();
        for m in [Mode::Spaces, Mode::Messages, Mode::Members, Mode::Compose] {
            assert!(!k.hints(m).is_empty(), "{m:?}");
        }
    }
}
