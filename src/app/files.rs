//! Attachments, links and the clipboard in the TUI: saving a message's attachment with
//! progress (then offering to open it), attaching a local file to the message being
//! written, opening a message's links, copying its text or web address (OSC 52), and
//! writing the message in `$EDITOR`.

use crate::api::SpaceName;

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use super::compose::Target;
pub use super::dialog::Choice;
use super::dialog::{Dialog, Field, Kind};
use super::links::saveable;
pub use super::links::{labelled_links, links_of};
use super::{App, Effect, Focus};
use crate::api::model::{Attachment, AttachmentDataRef, Message};
use crate::clean::Clean;
use crate::files;
use crate::keymap::{Command, Mode};

/// A download or upload under way.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub id: u64,
    /// A download's media resource name (to remember its size).
    pub media: Option<String>,
    pub upload: bool,
    /// The file's name, as shown.
    pub name: Clean,
    pub done: u64,
    pub total: u64,
}

/// A file uploaded for the message being written in `space`, sent with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chip {
    pub space: SpaceName,
    pub name: Clean,
    pub size: u64,
    pub data: AttachmentDataRef,
}

impl Chip {
    /// The attachment as the local copy of the message shows it until the server's
    /// copy comes.
    pub fn as_attachment(&self) -> Option<serde_json::Value> {
        serde_json::to_value(Attachment {
            content_name: Some(self.name.to_string()),
            attachment_data_ref: Some(self.data.clone()),
            source: Some(crate::api::model::AttachmentSource::UploadedContent),
            ..Default::default()
        })
        .ok()
    }
}

/// A message's uploaded attachments as a create sends them: the data reference only
/// (the rest is output only).
pub fn wire_attachments(m: &Message) -> Vec<serde_json::Value> {
    m.attachments()
        .into_iter()
        .filter_map(|a| a.attachment_data_ref)
        .filter_map(|d| {
            serde_json::to_value(Attachment {
                attachment_data_ref: Some(d),
                ..Default::default()
            })
            .ok()
        })
        .collect()
}

#[derive(Debug, Default)]
pub struct Files {
    next: u64,
    pub transfer: Option<Transfer>,
    pub chips: Vec<Chip>,
    /// A file just saved: the next `o` opens it.
    pub offer_open: Option<PathBuf>,
    /// The directory completions of the attach prompt (what the last Tab found).
    pub candidates: Vec<String>,
    /// Sizes of attachments saved or uploaded here, by media resource name.
    pub sizes: std::collections::HashMap<String, u64>,
}

impl Files {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// The files attached to the message being written in `space`.
    pub fn chips_for<'a>(&'a self, space: Option<&'a str>) -> impl Iterator<Item = &'a Chip> {
        self.chips
            .iter()
            .filter(move |c| Some(c.space.as_str()) == space)
    }
}

/// What an attachment line says: `📎 name  type  size` for an uploaded file (the API
/// gives no size: it shows once saved or sent from here), `Drive: name` for a Drive
/// file. Server text, cleaned.
pub fn attachment_label(a: &Attachment, sizes: &std::collections::HashMap<String, u64>) -> String {
    let name = a
        .content_name
        .as_deref()
        .map(Clean::line)
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| "attachment".to_string(), Clean::into_string);
    if a.drive_data_ref.is_some() {
        return format!("Drive: {name}");
    }
    let mut out = match a.content_type.as_deref().map(Clean::line) {
        Some(t) if !t.trim().is_empty() => format!("📎 {name}  {t}"),
        _ => format!("📎 {name}"),
    };
    let media = a
        .attachment_data_ref
        .as_ref()
        .and_then(|d| d.resource_name.as_deref());
    if let Some(n) = media.and_then(|m| sizes.get(m)) {
        out.push_str(&format!("  {}", files::human_size(*n)));
    }
    out
}

/// Said when the editor's text is back in the box; it goes once the draft changes.
/// How the note after a download starts; while it shows, the offer to open the file holds.
pub(super) const SAVED_NOTE: &str = "Saved to ";
pub(super) const EDITOR_NOTE: &str = "The text from the editor is in the box; Enter sends it.";

impl App {
    fn selected_message(&self) -> Option<Message> {
        let it = self.selected_item()?;
        if it.is_local() {
            return None;
        }
        Some(it.to_message())
    }

    /// `s`: saves the selected message's attachment, asking which when it has several.
    pub(super) fn save_attachment(&mut self, fx: &mut Vec<Effect>) {
        let Some(m) = self.selected_message() else {
            self.error("Select a message with an attachment to save it.");
            return;
        };
        let items = saveable(&m);
        match items.len() {
            0 if links_of(&m).iter().any(|l| l.contains("drive.google.com")) => {
                self.error("This message's files are in Google Drive: open them with the link key.")
            }
            0 => self.error("The selected message has no attachment to save."),
            1 => {
                let (media, name) = items.into_iter().next().unwrap_or_default();
                self.start_download(media, name, fx);
            }
            _ => {
                let choices = items
                    .into_iter()
                    .map(|(media, name)| Choice::Save { media, name })
                    .collect();
                let labels = Vec::new();
                self.dialog = Some(Dialog::new(Kind::Pick { choices, labels }, Vec::new()));
            }
        }
    }

    fn start_download(&mut self, media: String, name: String, fx: &mut Vec<Effect>) {
        if let Some(t) = &self.files.transfer {
            let stop = self.keymap.label(Mode::Files, Command::CancelTransfer);
            self.error(format!(
                "{} is still {}; {stop} stops it.",
                t.name,
                if t.upload { "uploading" } else { "downloading" }
            ));
            return;
        }
        let id = self.files.next_id();
        self.files.transfer = Some(Transfer {
            id,
            media: Some(media.clone()),
            upload: false,
            name: Clean::line(&name),
            done: 0,
            total: 0,
        });
        self.files.offer_open = None;
        let dir = files::download_dir(self.settings.download_dir.as_deref());
        fx.push(Effect::Download {
            id,
            media,
            name,
            dir,
        });
    }

    /// `O`: opens the selected message's only link, or asks which.
    pub(super) fn open_link(&mut self, fx: &mut Vec<Effect>) {
        let Some(m) = self.selected_item().map(|i| i.to_message()) else {
            self.error("Select a message with a link to open it.");
            return;
        };
        let links = labelled_links(&m);
        match links.len() {
            0 => self.error("No web link in this message."),
            1 => {
                let url = links.into_iter().next().unwrap_or_default().0;
                self.open_url(url, fx);
            }
            _ => {
                let (urls, labels): (Vec<String>, Vec<String>) = links.into_iter().unzip();
                let choices = urls.into_iter().map(Choice::Link).collect();
                self.dialog = Some(Dialog::new(Kind::Pick { choices, labels }, Vec::new()));
            }
        }
    }

    fn open_url(&mut self, url: String, fx: &mut Vec<Effect>) {
        if files::over_ssh() {
            // A browser started here would open on the remote machine.
            self.show_address(
                url,
                "Over SSH: open this address in a browser on your own computer.".into(),
            );
            return;
        }
        self.note(format!("Opening {url}"));
        fx.push(Effect::Open { target: url });
    }

    /// Shows `url` whole in a small dialog, where `y` copies it (a status line would cut
    /// it). A dialog already open is left alone: the note then ends with the address.
    pub(super) fn show_address(&mut self, url: String, why: String) {
        if self.dialog.is_some() {
            self.note(format!("{why} {url}"));
            return;
        }
        self.dialog = Some(Dialog::new(Kind::Address { url, why }, Vec::new()));
    }

    /// `y` / `Y`: copies the selected message's text, or its web address.
    pub(super) fn copy(&mut self, address: bool, fx: &mut Vec<Effect>) {
        let Some(it) = self.selected_item() else {
            self.error("Select a message to copy it.");
            return;
        };
        let m = it.to_message();
        let (text, what) = if address {
            if it.is_local() {
                self.error("The message has no web address until it is sent.");
                return;
            }
            let space = self.current.as_deref().and_then(|s| self.space(s));
            match crate::api::web::message_url(space, &m) {
                Some(u) => (u, "web address"),
                None => {
                    self.error("The message has no web address.");
                    return;
                }
            }
        } else {
            match m.text.filter(|t| !t.is_empty()) {
                Some(t) => (t, "text"),
                None => {
                    self.error("The selected message has no text to copy.");
                    return;
                }
            }
        };
        fx.push(Effect::Copy { text });
        self.note(format!(
            "Copied the message's {what} (through the terminal: OSC 52)."
        ));
    }

    /// A picker's choice.
    pub(super) fn picked(&mut self, c: Choice, fx: &mut Vec<Effect>) {
        self.dialog = None;
        match c {
            Choice::Link(u) => self.open_url(u, fx),
            Choice::Save { media, name } => self.start_download(media, name, fx),
        }
    }

    /// Keys in a picker: the picker table's up and down move and its numbers pick; the
    /// dialog's submit takes the one picked.
    pub(super) fn pick_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let number = self.keymap.pick_index(Mode::Picker, &k);
        let cmd = self
            .keymap
            .lookup(Mode::Picker, &k)
            .or_else(|| self.keymap.lookup(Mode::Dialog, &k));
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let Kind::Pick { choices, .. } = &d.kind else {
            return;
        };
        let n = choices.len();
        if let Some(i) = number {
            if let Some(c) = choices.get(i).cloned() {
                self.picked(c, fx);
            }
            return;
        }
        match cmd {
            Some(Command::Up) if n > 0 => d.pick = (d.pick + n - 1) % n,
            Some(Command::Down) if n > 0 => d.pick = (d.pick + 1) % n,
            Some(Command::Submit) => {
                if let Some(c) = choices.get(d.pick).cloned() {
                    self.picked(c, fx);
                }
            }
            _ => {}
        }
    }

    /// The transfer's cancel key while one runs (and nothing else takes it): stops it.
    pub(super) fn cancel_transfer(&mut self, fx: &mut Vec<Effect>) -> bool {
        let Some(t) = self.files.transfer.take() else {
            return false;
        };
        fx.push(Effect::CancelTransfer { id: t.id });
        self.note(format!(
            "Stopped {} {}.",
            if t.upload { "uploading" } else { "downloading" },
            t.name
        ));
        true
    }

    /// The key after "Saved to …": the offer's key opens the file; any other key goes on
    /// as usual. The offer holds only while its note is on screen: once the note has
    /// gone (expired, or another took its place) the key is the pane's own again.
    pub(super) fn take_offer(&mut self, cmd: Option<Command>, fx: &mut Vec<Effect>) -> bool {
        let Some(path) = self.files.offer_open.take() else {
            return false;
        };
        let shown = self
            .status
            .note
            .as_ref()
            .is_some_and(|n| !n.error && n.text.starts_with(SAVED_NOTE));
        if shown && cmd == Some(Command::OpenOffer) {
            self.note(format!("Opening {}", path.display()));
            fx.push(Effect::Open {
                target: path.to_string_lossy().into_owned(),
            });
            return true;
        }
        false
    }

    /// Compose `Ctrl-o`: the path prompt.
    pub(super) fn attach_prompt(&mut self) {
        let Some(space) = self.compose.space.as_deref().and_then(Self::space_name) else {
            return;
        };
        if let Some(why) = self.unavailable(crate::keymap::Command::Attach) {
            self.error(format!("Attaching a file: unavailable, {why}."));
            return;
        }
        if matches!(self.compose.target, Target::Edit { .. }) {
            self.error("Files can't be added to a message being edited; send them in a new one.");
            return;
        }
        self.files.candidates.clear();
        self.dialog = Some(Dialog::new(
            Kind::AttachFile { space },
            vec![Field::new("File", "", false)],
        ));
    }

    /// Tab in the path prompt: completes the path as far as the matches agree, and
    /// lists them.
    pub(super) fn complete_attach_path(&mut self) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let c = files::complete_path(&d.field(0));
        if c.too_big {
            d.error = Some(format!(
                "This folder has too many entries to complete in (more than {}); type the whole name.",
                files::COMPLETION_SCAN
            ));
        } else if c.candidates.is_empty() {
            d.error = Some("No file or folder starts so.".into());
        } else {
            d.error = None;
        }
        if let Some(f) = d.fields.get_mut(0) {
            *f = Field::new("File", &c.input, false);
        }
        self.files.candidates = c.candidates;
    }

    /// Ctrl-x on an empty path: takes the last attached file off the message.
    pub(super) fn remove_last_chip(&mut self, space: &str) -> bool {
        let Some(i) = self.files.chips.iter().rposition(|c| c.space == space) else {
            return false;
        };
        let c = self.files.chips.remove(i);
        self.note(format!("{} is no longer attached.", c.name));
        true
    }

    /// Enter in the path prompt: checks the file, then uploads it.
    pub(super) fn submit_attach(&mut self, space: SpaceName, fx: &mut Vec<Effect>) {
        let tab = self
            .keymap
            .keys(Mode::Dialog, Command::NextField)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let typed = d.field(0);
        if typed.trim().is_empty() {
            d.error = Some(format!("Type the path of a file ({tab} completes)."));
            return;
        }
        let path = files::expand_home(typed.trim());
        // One metadata call: cheap, and the answer decides what the prompt says.
        let size = match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                d.error = Some(format!(
                    "That is a folder; choose a file in it ({tab} lists them)."
                ));
                return;
            }
            Ok(m) => m.len(),
            Err(e) => {
                d.error = Some(format!("Can't read {}: {e}", Clean::line(&typed)));
                return;
            }
        };
        let max = crate::api::MAX_ATTACHMENT_BYTES;
        if size > max {
            d.error = Some(format!(
                "{} is {}; Google Chat takes files of at most 200 MB.",
                Clean::line(&typed),
                files::human_size(size)
            ));
            return;
        }
        if let Some(t) = &self.files.transfer {
            let stop = self.keymap.label(Mode::Files, Command::CancelTransfer);
            d.error = Some(format!(
                "{} is still being transferred; wait, or {stop} stops it.",
                t.name
            ));
            return;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = self.files.next_id();
        self.files.transfer = Some(Transfer {
            id,
            media: None,
            upload: true,
            name: Clean::line(&name),
            done: 0,
            total: size,
        });
        self.dialog = None;
        self.focus = Focus::Compose;
        fx.push(Effect::Upload { id, space, path });
    }

    /// Compose `Ctrl-g`: the draft goes to `$VISUAL`/`$EDITOR`.
    pub(super) fn external_editor(&mut self, fx: &mut Vec<Effect>) {
        fx.push(Effect::ExternalEditor {
            text: self.compose.text(),
        });
    }

    /// The files attached for `space`, taken for a send: they go with the message.
    pub(super) fn take_chips(&mut self, space: &str) -> Vec<Chip> {
        let (take, keep) = std::mem::take(&mut self.files.chips)
            .into_iter()
            .partition(|c| c.space == space);
        self.files.chips = keep;
        take
    }
}
