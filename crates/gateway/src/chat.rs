//! A chat turn: a question in a conversation, answered and remembered.

use analyst_core::Answer;
use analyst_nlu::Vocabulary;
use analyst_store::Connection;

use crate::conversations::{self, ConversationError, NewMessage};
use crate::{Access, AskContext, ask_in_conversation};

/// Seed 000's limit on a question's length.
pub const MAX_MESSAGE_CHARS: usize = 8_000;

/// The workspace a conversation uses when the client names none (and the operator's).
pub const DEFAULT_WORKSPACE: &str = "sales";

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("the message is empty: ask a question, e.g. \"top 5 brands by revenue last month\"")]
    EmptyMessage,
    #[error("the message has {0} characters; the limit is {MAX_MESSAGE_CHARS}")]
    TooLong(usize),
    #[error(
        "the workspace '{0}' is not open to you; POST /ai_analyst/workspace/context lists yours"
    )]
    UnknownWorkspace(String),
    #[error("no workspace is open to you: ask an administrator to add you to a group")]
    NoWorkspace,
    #[error(
        "this conversation is in the {0} workspace; switching workspace starts a new conversation"
    )]
    OtherWorkspace(String),
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

/// Answers a question and hands `save` the message that stores it with its answer in the
/// user's conversation (a new one when none is given; the caller writes it with
/// [`NewMessage::save_all`], now or in the background). In a conversation, a follow-up ("and by store?") builds on the last query,
/// so earlier writes must be done before. A conversation of another user is refused before
/// anything runs.
pub fn chat(
    connection: &dyn Connection,
    vocabulary: &Vocabulary,
    turn: &ChatTurn<'_>,
    context: &AskContext,
    save: &dyn Fn(NewMessage),
) -> Result<ChatReply, ChatError> {
    let message = turn.message.trim();
    if message.is_empty() {
        return Err(ChatError::EmptyMessage);
    }
    let length = message.chars().count();
    if length > MAX_MESSAGE_CHARS {
        return Err(ChatError::TooLong(length));
    }
    let (workspace, previous) = match turn.conversation_id {
        Some(id) => {
            let conversation = conversations::get(connection, turn.user_id, id)?;
            if turn
                .workspace
                .is_some_and(|requested| requested != conversation.workspace)
            {
                return Err(ChatError::OtherWorkspace(conversation.workspace));
            }
            (
                conversation.workspace,
                conversations::last_query(connection, id)?,
            )
        }
        None => (default_workspace(turn.workspace, context)?, None),
    };
    if context.access.workspaces.is_some() && context.access.workspace_named(&workspace).is_none() {
        return Err(ChatError::UnknownWorkspace(workspace));
    }
    let context = AskContext {
        access: Access {
            workspace: Some(workspace.clone()),
            ..context.access.clone()
        },
        ..context.clone()
    };
    let mut answer =
        ask_in_conversation(connection, vocabulary, message, &context, previous.as_ref());
    answer.meta.workspace = Some(workspace.clone());
    let record = NewMessage::new(
        turn.conversation_id,
        turn.user_id,
        &workspace,
        message,
        &answer,
    )?;
    let reply = ChatReply {
        answer,
        conversation_id: record.conversation_id.clone(),
        message_id: record.message_id.clone(),
    };
    save(record);
    Ok(reply)
}

/// The workspace a new conversation starts in: the one asked for, else `sales` when the user
/// may enter it, else their first.
fn default_workspace(requested: Option<&str>, context: &AskContext) -> Result<String, ChatError> {
    if let Some(requested) = requested {
        return Ok(requested.to_string());
    }
    let Some(workspaces) = context.access.workspaces.as_deref() else {
        return Ok(DEFAULT_WORKSPACE.to_string());
    };
    workspaces
        .iter()
        .find(|workspace| workspace.code == DEFAULT_WORKSPACE)
        .or(workspaces.first())
        .map(|workspace| workspace.code.clone())
        .ok_or(ChatError::NoWorkspace)
}
