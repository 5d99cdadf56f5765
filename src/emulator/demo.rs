//! The demo workspace (`assets/demo-workspace.json`), with times relative to now so it
//! always looks current.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::annotate::{argument_text, mentions};
use super::auth::Principal;
use super::store::{random_id, AppRec, MemberRec, MsgRec, PersonRec, SpaceRec, Store, ThreadRec};
use super::views::default_permissions;
use crate::api::model::*;

/// Who the default run signs in as: Alice Chen.
pub const DEMO_USER: &str = "1001";

const DEMO_JSON: &str = include_str!("../../assets/demo-workspace.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoFile {
    domain: String,
    customer: String,
    apps: Vec<AppRec>,
    people: Vec<DemoPerson>,
    #[serde(default)]
    custom_emojis: Vec<DemoCustomEmoji>,
    spaces: Vec<DemoSpace>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoCustomEmoji {
    id: String,
    uid: String,
    emoji_name: String,
    creator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoReaction {
    from: String,
    /// A Unicode emoji, or a custom emoji's `:name:`.
    emoji: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoAttachment {
    name: String,
    content_type: String,
    /// A Google Drive file (shown as a link) rather than uploaded content.
    #[serde(default)]
    drive_file_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoPerson {
    id: String,
    display_name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    email: String,
    #[serde(default = "yes")]
    auto_accept: bool,
    #[serde(default)]
    external: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoSpace {
    id: String,
    space_type: SpaceType,
    display_name: Option<String>,
    description: Option<String>,
    guidelines: Option<String>,
    #[serde(default)]
    external_user_allowed: bool,
    #[serde(default)]
    announcement: bool,
    #[serde(default)]
    single_user_bot_dm: bool,
    created_minutes_ago: i64,
    creator: String,
    members: Vec<DemoMember>,
    #[serde(default)]
    messages: Vec<DemoMessage>,
    generate: Option<Generate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoMember {
    user: String,
    #[serde(default)]
    bot: bool,
    role: Option<MembershipRole>,
    state: Option<MembershipState>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoMessage {
    /// Names this thread for replies in the file.
    key: Option<String>,
    reply_to: Option<String>,
    from: String,
    minutes_ago: i64,
    text: Option<String>,
    #[serde(default)]
    cards_v2: Vec<CardWithId>,
    edited_minutes_after: Option<i64>,
    #[serde(default)]
    reactions: Vec<DemoReaction>,
    #[serde(default)]
    attachments: Vec<DemoAttachment>,
    #[serde(default)]
    pinned: bool,
    /// The key of a message this one quotes.
    quotes: Option<String>,
}

/// Many messages, for a space that pages.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Generate {
    count: usize,
    first_minutes_ago: i64,
    every_minutes: i64,
    from: Vec<String>,
    /// What apps post.
    texts: Vec<String>,
    /// What people post.
    human_texts: Vec<String>,
}

/// The demo workspace as of `now`.
pub fn workspace(now: DateTime<Utc>) -> anyhow::Result<Store> {
    let file: DemoFile = serde_json::from_str(DEMO_JSON)?;
    let mut store = Store::empty();
    store.directory.domain = file.domain;
    store.directory.complete = true;
    store.directory.customer = file.customer;
    store.directory.apps = file.apps.into_iter().map(|a| (a.id.clone(), a)).collect();
    store.directory.primary_app = store
        .directory
        .apps
        .keys()
        .next()
        .cloned()
        .unwrap_or_default();
    for p in file.people {
        store.directory.add_person(PersonRec {
            id: p.id,
            display_name: Some(p.display_name),
            given_name: p.given_name,
            family_name: p.family_name,
            email: Some(p.email),
            auto_accept: p.auto_accept,
            external: p.external,
        });
    }
    for c in file.custom_emojis {
        store.directory.custom_emojis.insert(
            c.id.clone(),
            super::store::CustomEmojiRec {
                id: c.id,
                uid: c.uid,
                emoji_name: c.emoji_name,
                creator: format!("users/{}", c.creator),
            },
        );
    }
    // The API reports microseconds.
    let now = chrono::DurationRound::duration_trunc(now, Duration::microseconds(1)).unwrap_or(now);
    for s in file.spaces {
        let rec = build_space(&store, s, now)?;
        store.spaces.insert(rec.id().to_string(), rec);
    }
    super::sync::demo(&mut store, DEMO_USER);
    Ok(store)
}

fn build_space(store: &Store, s: DemoSpace, now: DateTime<Utc>) -> anyhow::Result<SpaceRec> {
    let created = now - Duration::minutes(s.created_minutes_ago);
    let named = s.space_type == SpaceType::Space;
    let details = (s.description.is_some() || s.guidelines.is_some()).then(|| SpaceDetails {
        description: s.description.clone(),
        guidelines: s.guidelines.clone(),
    });
    let space = Space {
        name: Some(format!("spaces/{}", s.id)),
        space_type: Some(s.space_type.clone()),
        display_name: s.display_name.clone(),
        space_details: details,
        external_user_allowed: s.external_user_allowed,
        single_user_bot_dm: s.single_user_bot_dm,
        space_threading_state: Some(if named {
            SpaceThreadingState::ThreadedMessages
        } else {
            SpaceThreadingState::GroupedMessages
        }),
        space_history_state: Some(HistoryState::HistoryOn),
        create_time: Some(created),
        access_settings: named.then(|| serde_json::json!({"accessState": "PRIVATE"})),
        permission_settings: named.then(|| default_permissions(s.announcement)),
        ..Default::default()
    };
    let mut rec = SpaceRec::new(space, format!("users/{}", s.creator));
    for (i, m) in s.members.iter().enumerate() {
        rec.members.push(MemberRec {
            user_id: m.user.clone(),
            bot: m.bot,
            role: m.role.clone().unwrap_or(MembershipRole::Member),
            state: m.state.clone().unwrap_or(MembershipState::Joined),
            create_time: created + Duration::seconds(i as i64),
        });
    }

    let mut msgs: Vec<DemoMessage> = s.messages;
    if let Some(g) = &s.generate {
        for n in 0..g.count {
            let from = g.from[n % g.from.len().max(1)].clone();
            let pool = if store.directory.is_app(&from) {
                &g.texts
            } else {
                &g.human_texts
            };
            let template = &pool[(n * 7 + n / 3) % pool.len().max(1)];
            let text = template
                .replace("{n}", &(4000 + n).to_string())
                .replace("{m}", &(8 + (n * 13) % 11).to_string());
            msgs.push(DemoMessage {
                key: None,
                reply_to: None,
                from,
                minutes_ago: g.first_minutes_ago - g.every_minutes * n as i64,
                text: Some(text),
                cards_v2: Vec::new(),
                edited_minutes_after: None,
                reactions: Vec::new(),
                attachments: Vec::new(),
                pinned: false,
                quotes: None,
            });
        }
    }
    // Oldest first: createTime strictly increases through the space.
    msgs.sort_by_key(|m| std::cmp::Reverse(m.minutes_ago));
    let mut thread_of: HashMap<String, String> = HashMap::new();
    let mut message_of: HashMap<String, usize> = HashMap::new();
    for m in msgs {
        let bot = store.directory.is_app(&m.from);
        let who = if bot {
            Principal::app(&m.from)
        } else {
            Principal::user(&m.from)
        };
        let at = rec.next_time(now - Duration::minutes(m.minutes_ago));
        let id = random_id(11);
        let (thread_id, reply) = match &m.reply_to {
            Some(k) => (
                thread_of
                    .get(k)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("demo reply to unknown thread {k:?}"))?,
                true,
            ),
            None => (id.clone(), false),
        };
        let full_id = format!("{thread_id}.{id}");
        if !reply {
            rec.threads.insert(
                thread_id.clone(),
                ThreadRec {
                    root: full_id.clone(),
                    key: None,
                },
            );
            if let Some(k) = &m.key {
                thread_of.insert(k.clone(), thread_id.clone());
                message_of.insert(k.clone(), rec.messages.len());
            }
        }
        let text = m.text.filter(|t| !t.is_empty());
        let msg = Message {
            name: Some(format!("spaces/{}/messages/{full_id}", s.id)),
            sender: Some(User {
                name: Some(format!("users/{}", m.from)),
                user_type: Some(if bot { UserType::Bot } else { UserType::Human }),
                ..Default::default()
            }),
            create_time: Some(at),
            last_update_time: m.edited_minutes_after.map(|e| at + Duration::minutes(e)),
            annotations: text
                .as_deref()
                .map(|t| mentions(&store.directory, t, &who))
                .unwrap_or_default(),
            argument_text: text.as_deref().map(|t| argument_text(&store.directory, t)),
            formatted_text: text.clone(),
            text,
            cards_v2: m.cards_v2,
            thread: Some(Thread {
                name: Some(format!("spaces/{}/threads/{thread_id}", s.id)),
                thread_key: None,
            }),
            thread_reply: reply,
            ..Default::default()
        };
        let mut msg = msg;
        if let Some(t) = &msg.text {
            msg.annotations.extend(super::format::rich_links(t));
        }
        let extras = Extras {
            reactions: m.reactions,
            attachments: m.attachments,
            pinned: m.pinned,
            quoted: match &m.quotes {
                Some(k) => Some(
                    *message_of
                        .get(k)
                        .ok_or_else(|| anyhow::anyhow!("demo quote of unknown message {k:?}"))?,
                ),
                None => None,
            },
        };
        rec.push_message(MsgRec {
            id: full_id,
            thread_id,
            sender: m.from,
            sender_bot: bot,
            msg,
            reactions: Vec::new(),
            pin: None,
        });
        decorate(store, &mut rec, extras, at)?;
    }
    Ok(rec)
}

/// What the demo adds to a message beyond its text.
struct Extras {
    reactions: Vec<DemoReaction>,
    attachments: Vec<DemoAttachment>,
    pinned: bool,
    /// The index of the message it quotes.
    quoted: Option<usize>,
}

/// Adds reactions, attachments, a pin and a quote to the space's newest message.
fn decorate(store: &Store, rec: &mut SpaceRec, x: Extras, at: DateTime<Utc>) -> anyhow::Result<()> {
    let i = rec.messages.len() - 1;
    let name = rec.messages[i].msg.name.clone().unwrap_or_default();
    let sender = format!("users/{}", rec.messages[i].sender);
    let msg_id = rec.messages[i].id.clone();
    for (n, r) in x.reactions.into_iter().enumerate() {
        let emoji = if r.emoji.starts_with(':') {
            let c = store
                .directory
                .custom_emojis
                .values()
                .find(|c| c.emoji_name == r.emoji)
                .ok_or_else(|| anyhow::anyhow!("demo reaction with unknown emoji {}", r.emoji))?;
            Emoji {
                unicode: None,
                custom_emoji: Some(CustomEmoji {
                    name: Some(format!("customEmojis/{}", c.id)),
                    uid: Some(c.uid.clone()),
                    emoji_name: Some(c.emoji_name.clone()),
                    ..Default::default()
                }),
            }
        } else {
            Emoji::unicode(r.emoji)
        };
        rec.messages[i].reactions.push(super::store::ReactionRec {
            id: random_id(11),
            bot: store.directory.is_app(&r.from),
            user: r.from,
            emoji,
            create_time: at + Duration::seconds(30 + n as i64),
        });
    }
    let mut uploads = Vec::new();
    let mut drive = Vec::new();
    for a in x.attachments {
        if let Some(id) = a.drive_file_id {
            let att = crate::api::model::Attachment {
                name: Some(format!("{name}/attachments/{}", random_id(16))),
                content_name: Some(a.name),
                content_type: Some(a.content_type),
                drive_data_ref: Some(crate::api::model::DriveDataRef {
                    drive_file_id: Some(id),
                }),
                source: Some(crate::api::model::AttachmentSource::DriveFile),
                ..Default::default()
            };
            drive.extend(serde_json::to_value(att).ok());
            continue;
        }
        let id = super::demo_media::id_for(&a.content_type, rec.uploads.len());
        let size = super::demo_media::blob(&id).map_or(0, |b| b.len() as u64);
        let up = super::store::UploadRec {
            id: id.clone(),
            token: random_id(40),
            uploader: sender.clone(),
            content_name: a.name,
            content_type: a.content_type,
            size,
            create_time: at,
            messages: Vec::new(),
        };
        rec.uploads.insert(id, up.clone());
        uploads.push(up);
    }
    if !uploads.is_empty() {
        rec.messages[i].msg.attachment = super::conversation::attach(rec, &name, &msg_id, &uploads);
    }
    rec.messages[i].msg.attachment.extend(drive);
    if x.pinned {
        rec.messages[i].pin = Some(super::store::PinRec {
            by: rec.messages[i].sender.clone(),
            create_time: at + Duration::minutes(1),
        });
    }
    if let Some(q) = x.quoted {
        let quoted = &rec.messages[q];
        let meta = QuotedMessageMetadata {
            name: quoted.msg.name.clone(),
            last_update_time: quoted.msg.last_update_time.or(quoted.msg.create_time),
            quote_type: Some("REPLY".into()),
            quoted_message_snapshot: Some(serde_json::json!({
                "sender": format!("users/{}", quoted.sender),
                "text": quoted.msg.text.clone().unwrap_or_default(),
            })),
        };
        rec.messages[i].msg.quoted_message_metadata = serde_json::to_value(meta).ok();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_workspace_loads() {
        let s = workspace(Utc::now()).unwrap();
        assert!(s.directory.people.len() >= 8);
        assert!(s.spaces.len() >= 6);
        let fire = &s.spaces["AAAAFirehos"];
        assert!(fire.messages.len() > 1000);
        for sp in s.spaces.values() {
            for w in sp.messages.windows(2) {
                assert!(w[0].create_time() < w[1].create_time());
            }
        }
        let team = &s.spaces["AAAATeamRst"];
        assert!(team.messages.iter().any(|m| !m.msg.cards_v2.is_empty()));
        assert!(team.messages.iter().any(|m| !m.msg.annotations.is_empty()));
    }
}
