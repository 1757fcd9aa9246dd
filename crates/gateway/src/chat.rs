//! A chat turn: a question in a conversation, answered and remembered.

use analyst_core::Answer;
use analyst_nlu::Vocabulary;
use analyst_store::{Connection, transaction};

use crate::conversations::{self, ConversationError};
use crate::{AskContext, ask_in_conversation};

/// Seed 000's limit on a question's length.
pub const MAX_MESSAGE_CHARS: usize = 8_000;

/// The workspace a conversation uses when the client names none.
pub const DEFAULT_WORKSPACE: &str = "sales";

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("the message is empty: ask a question, e.g. \"top 5 brands by revenue last month\"")]
    EmptyMessage,
    #[error("the message has {0} characters; the limit is {MAX_MESSAGE_CHARS}")]
    TooLong(usize),
    #[error("unknown workspace '{0}'; known workspaces: {DEFAULT_WORKSPACE}")]
    UnknownWorkspace(String),
    #[error(transparent)]
    Conversation(#[from] ConversationError),
}

/// One question from a signed-in user.
#[derive(Debug, Clone)]
pub struct ChatTurn<'a> {
    pub user_id: i64,
    pub message: &'a str,
    pub conversation_id: Option<&'a str>,
    pub workspace: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct ChatReply {
    pub answer: Answer,
    pub conversation_id: String,
    pub message_id: String,
}

/// Answers a question and stores it with its answer in the user's conversation (a new one when
/// none is given); in a conversation, a follow-up ("and by store?") builds on the last query.
/// A conversation of another user is refused before anything runs.
pub fn chat(
    connection: &dyn Connection,
    vocabulary: &Vocabulary,
    turn: &ChatTurn<'_>,
    context: &AskContext,
) -> Result<ChatReply, ChatError> {
    let message = turn.message.trim();
    if message.is_empty() {
        return Err(ChatError::EmptyMessage);
    }
    let length = message.chars().count();
    if length > MAX_MESSAGE_CHARS {
        return Err(ChatError::TooLong(length));
    }
    let workspace = turn.workspace.unwrap_or(DEFAULT_WORKSPACE);
    if workspace != DEFAULT_WORKSPACE {
        return Err(ChatError::UnknownWorkspace(workspace.to_string()));
    }
    let previous = match turn.conversation_id {
        Some(id) => {
            conversations::get(connection, turn.user_id, id)?;
            conversations::last_query(connection, id)?
        }
        None => None,
    };
    let mut answer =
        ask_in_conversation(connection, vocabulary, message, context, previous.as_ref());
    answer.meta.workspace = Some(workspace.to_string());
    let (conversation_id, message_id) = transaction(connection, || {
        let conversation_id = match turn.conversation_id {
            Some(id) => id.to_string(),
            None => conversations::create(connection, turn.user_id, workspace, message)
                .map_err(store_error)?,
        };
        let message_id = conversations::append(connection, &conversation_id, message, &answer)
            .map_err(store_error)?;
        Ok((conversation_id, message_id))
    })
    .map_err(ConversationError::Store)?;
    Ok(ChatReply {
        answer,
        conversation_id,
        message_id,
    })
}

/// Inside the transaction every failure is a store failure (ownership was checked before).
fn store_error(error: ConversationError) -> analyst_store::StoreError {
    match error {
        ConversationError::Store(error) => error,
        other => analyst_store::StoreError::Query(other.to_string()),
    }
}
