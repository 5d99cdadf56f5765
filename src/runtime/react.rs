//! Runs the reaction, quote and pin requests.

use crate::api::model::{Message, MessageReplyOption, Thread};
use crate::api::{
    client, ApiError, Client, ClientMessageId, CreateMessage, MessageName, MessagePinName,
    ReactionName,
};
use crate::app::react::{ReactEffect, ReactOutcome};
use crate::app::Outcome;

fn message(name: &str) -> Result<MessageName, ApiError> {
    Ok(MessageName::parse(name)?)
}

pub async fn execute(client: &Client, effect: ReactEffect) -> Outcome {
    let o = match effect {
        ReactEffect::React {
            space,
            message: m,
            emoji,
        } => {
            let result = async {
                client
                    .create_reaction(&message(&m)?, &emoji.to_emoji())
                    .await
                    .map(|r| r.name)
            }
            .await;
            ReactOutcome::Reacted {
                space,
                message: m,
                emoji,
                result,
            }
        }
        ReactEffect::Unreact {
            space,
            message: m,
            emoji,
            reaction,
            user,
        } => {
            let result = async {
                let name = match reaction {
                    Some(r) => r,
                    // Not known here yet: the server's list of the user's own says.
                    None => {
                        let me = user.ok_or_else(|| {
                            ApiError::InvalidArgument(
                                "who is signed in is not known yet; try again in a moment".into(),
                            )
                        })?;
                        let filter = format!(
                            "{} AND user.name = \"{}\"",
                            client::emoji_filter(&emoji.to_emoji()).unwrap_or_default(),
                            me.replace('"', "")
                        );
                        let found = client
                            .list_all_reactions(&message(&m)?, Some(&filter))
                            .await?;
                        match found.into_iter().find_map(|r| r.name) {
                            Some(n) => n,
                            // Nothing to take back: it is gone already.
                            None => return Ok(()),
                        }
                    }
                };
                client.delete_reaction(&ReactionName::parse(&name)?).await
            }
            .await;
            ReactOutcome::Unreacted {
                space,
                message: m,
                emoji,
                result,
            }
        }
        ReactEffect::ListMine {
            space,
            message: m,
            user,
        } => {
            let result = async {
                let filter = format!("user.name = \"{}\"", user.replace('"', ""));
                client
                    .list_all_reactions(&message(&m)?, Some(&filter))
                    .await
            }
            .await;
            ReactOutcome::Mine {
                space,
                message: m,
                result,
            }
        }
        ReactEffect::ListCustomEmoji => {
            ReactOutcome::CustomEmoji(client.list_all_custom_emojis().await)
        }
        ReactEffect::ListPins { space } => {
            let result = async { client.list_all_message_pins(&space).await }.await;
            ReactOutcome::Pins { space, result }
        }
        ReactEffect::Pin { space, message: m } => {
            let result = async { client.pin_message(&message(&m)?).await }.await;
            ReactOutcome::Pinned {
                space,
                message: m,
                result,
            }
        }
        ReactEffect::Unpin {
            space,
            message: m,
            pin,
        } => {
            let result = async { client.unpin_message(&MessagePinName::parse(&pin)?).await }.await;
            ReactOutcome::Unpinned {
                space,
                message: m,
                pin,
                result,
            }
        }
        ReactEffect::SendQuoting {
            space,
            local,
            client_id,
            text,
            thread,
            quote,
            attachment,
        } => {
            let result = async {
                let id = ClientMessageId::parse(&client_id)?;
                let mut body = Message {
                    text: Some(text).filter(|t| !t.is_empty() || attachment.is_empty()),
                    attachment,
                    thread: thread.clone().map(|t| Thread {
                        name: Some(t),
                        thread_key: None,
                    }),
                    ..Default::default()
                };
                // Only the name and the time go: the server fills the snapshot in.
                body.set_quoted(&crate::api::model::QuotedMessageMetadata {
                    name: quote.name.clone(),
                    last_update_time: quote.last_update_time,
                    ..Default::default()
                });
                let p = CreateMessage {
                    message_id: Some(id),
                    reply_option: thread
                        .as_ref()
                        .map(|_| MessageReplyOption::FallbackToNewThread),
                    ..Default::default()
                };
                client.create_message(&space, &body, &p).await
            }
            .await;
            return Outcome::Sent {
                space,
                local,
                client_id,
                result,
            };
        }
    };
    Outcome::React(o)
}
