//! Conversations and their messages (each question with the answer it got), owned by one user.

use std::collections::{BTreeSet, HashMap};

use analyst_core::{Answer, SemanticQuery};
use analyst_store::{Connection, StoreError, Value};
use chrono::{NaiveDateTime, Utc};
use rand::RngCore;

/// Longest conversation title kept (the first question, shortened).
const TITLE_CHARS: usize = 80;

#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    #[error("no conversation {0}")]
    NotFound(String),
    #[error("conversation {0} belongs to another user")]
    Forbidden(String),
    #[error("a stored answer could not be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A conversation as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub title: String,
    pub workspace: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub message_count: u64,
}

/// One question and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: String,
    pub question: String,
    pub answer: Answer,
    pub created_at: NaiveDateTime,
}

pub(crate) fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn title_of(question: &str) -> String {
    let words = question.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= TITLE_CHARS {
        return words;
    }
    let mut title: String = words.chars().take(TITLE_CHARS - 1).collect();
    title.push('…');
    title
}

/// A question and its answer to store: in a new conversation (titled after the question) or
/// appended to an existing one. Ids are chosen up front, so the write can happen later.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: String,
    pub message_id: String,
    /// `Some((user_id, workspace))` when the message starts the conversation.
    pub starts: Option<(i64, String)>,
    pub question: String,
    /// The answer contract as JSON text.
    pub answer: String,
    pub at: NaiveDateTime,
}

impl NewMessage {
    /// The message `question` → `answer`, in `conversation_id` or in a new conversation.
    pub fn new(
        conversation_id: Option<&str>,
        user_id: i64,
        workspace: &str,
        question: &str,
        answer: &Answer,
    ) -> Result<NewMessage, ConversationError> {
        Ok(NewMessage {
            conversation_id: conversation_id.map_or_else(new_id, str::to_string),
            message_id: new_id(),
            starts: conversation_id
                .is_none()
                .then(|| (user_id, workspace.to_string())),
            question: question.to_string(),
            answer: serde_json::to_string(answer)
                .map_err(|error| ConversationError::Corrupt(error.to_string()))?,
            at: now(),
        })
    }

    /// Writes messages (and the conversations they start) in a few multi-row statements;
    /// call inside a transaction. Messages of one conversation keep their order.
    pub fn save_all(
        connection: &dyn Connection,
        messages: &[NewMessage],
    ) -> Result<(), StoreError> {
        for chunk in messages.chunks(SAVE_CHUNK) {
            save_chunk(connection, chunk)?;
        }
        Ok(())
    }
}

/// Messages per multi-row INSERT.
const SAVE_CHUNK: usize = 400;

/// `($n, $n+1, …)` for the next `width` parameters.
fn row_of(first: usize, width: usize) -> String {
    let placeholders: Vec<String> = (first + 1..=first + width)
        .map(|n| format!("${n}"))
        .collect();
    format!("({})", placeholders.join(", "))
}

fn save_chunk(connection: &dyn Connection, messages: &[NewMessage]) -> Result<(), StoreError> {
    let (mut params, mut rows): (Vec<Value>, Vec<String>) = (Vec::new(), Vec::new());
    for message in messages {
        if let Some((user_id, workspace)) = &message.starts {
            rows.push(row_of(params.len(), 6));
            params.extend([
                message.conversation_id.as_str().into(),
                (*user_id).into(),
                title_of(&message.question).into(),
                workspace.as_str().into(),
                message.at.into(),
                message.at.into(),
            ]);
        }
    }
    if !rows.is_empty() {
        connection.execute(
            &format!(
                "INSERT INTO app.conversation (id, user_id, title, workspace, created_at, updated_at)
                 VALUES {}",
                rows.join(", ")
            ),
            &params,
        )?;
    }
    // Positions follow the last stored message of each continued conversation.
    let continued: BTreeSet<&str> = messages
        .iter()
        .filter(|message| message.starts.is_none())
        .map(|message| message.conversation_id.as_str())
        .collect();
    let mut last: HashMap<String, i64> = HashMap::new();
    if !continued.is_empty() {
        let ids: Vec<Value> = continued.iter().map(|id| Value::from(*id)).collect();
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        for row in connection
            .query(
                &format!(
                    "SELECT conversation_id, max(position) FROM app.message
                     WHERE conversation_id IN ({}) GROUP BY conversation_id",
                    placeholders.join(", ")
                ),
                &ids,
            )?
            .rows
        {
            if let (Some(id), Some(position)) = (
                row.first().and_then(Value::as_str),
                row.get(1).and_then(Value::as_i64),
            ) {
                last.insert(id.to_string(), position);
            }
        }
    }
    let (mut params, mut rows): (Vec<Value>, Vec<String>) = (Vec::new(), Vec::new());
    for message in messages {
        let position = last.entry(message.conversation_id.clone()).or_insert(0);
        *position += 1;
        rows.push(row_of(params.len(), 6));
        params.extend([
            message.message_id.as_str().into(),
            message.conversation_id.as_str().into(),
            (*position).into(),
            message.question.as_str().into(),
            message.answer.as_str().into(),
            message.at.into(),
        ]);
    }
    connection.execute(
        &format!(
            "INSERT INTO app.message (id, conversation_id, position, question, answer, created_at) VALUES {}",
            rows.join(", ")
        ),
        &params,
    )?;
    if let Some(at) = messages.iter().map(|message| message.at).max()
        && !continued.is_empty()
    {
        let mut params: Vec<Value> = vec![at.into()];
        params.extend(continued.iter().map(|id| Value::from(*id)));
        let placeholders: Vec<String> = (2..=params.len()).map(|n| format!("${n}")).collect();
        connection.execute(
            &format!(
                "UPDATE app.conversation SET updated_at = $1 WHERE id IN ({})",
                placeholders.join(", ")
            ),
            &params,
        )?;
    }
    Ok(())
}

/// The conversation, if `user_id` owns it.
pub fn get(
    connection: &dyn Connection,
    user_id: i64,
    id: &str,
) -> Result<Conversation, ConversationError> {
    let rows = connection.query(
        "SELECT c.id, c.title, c.workspace, c.created_at, c.updated_at, c.user_id,
                (SELECT count(*) FROM app.message m WHERE m.conversation_id = c.id)
         FROM app.conversation c WHERE c.id = $1",
        &[id.into()],
    )?;
    let row = rows
        .rows
        .first()
        .ok_or_else(|| ConversationError::NotFound(id.to_string()))?;
    if row.get(5).and_then(Value::as_i64) != Some(user_id) {
        return Err(ConversationError::Forbidden(id.to_string()));
    }
    from_row(row).ok_or_else(|| ConversationError::Corrupt(id.to_string()))
}

fn from_row(row: &[Value]) -> Option<Conversation> {
    Some(Conversation {
        id: row.first()?.as_str()?.to_string(),
        title: row.get(1)?.as_str()?.to_string(),
        workspace: row.get(2)?.as_str()?.to_string(),
        created_at: row.get(3)?.as_timestamp()?,
        updated_at: row.get(4)?.as_timestamp()?,
        message_count: row.get(6)?.as_i64()?.max(0) as u64,
    })
}

/// The user's conversations, most recently active first.
pub fn list(
    connection: &dyn Connection,
    user_id: i64,
) -> Result<Vec<Conversation>, ConversationError> {
    let rows = connection.query(
        "SELECT c.id, c.title, c.workspace, c.created_at, c.updated_at, c.user_id,
                (SELECT count(*) FROM app.message m WHERE m.conversation_id = c.id)
         FROM app.conversation c WHERE c.user_id = $1
         ORDER BY c.updated_at DESC, c.id",
        &[user_id.into()],
    )?;
    Ok(rows.rows.iter().filter_map(|row| from_row(row)).collect())
}

/// The messages of a conversation the user owns, oldest first.
pub fn messages(
    connection: &dyn Connection,
    user_id: i64,
    id: &str,
) -> Result<Vec<Message>, ConversationError> {
    get(connection, user_id, id)?;
    let rows = connection.query(
        "SELECT id, question, answer, created_at FROM app.message
         WHERE conversation_id = $1 ORDER BY position",
        &[id.into()],
    )?;
    rows.rows
        .iter()
        .map(|row| {
            let text = |index: usize| row.get(index).and_then(Value::as_str).unwrap_or_default();
            let answer: Answer = serde_json::from_str(text(2))
                .map_err(|error| ConversationError::Corrupt(error.to_string()))?;
            Ok(Message {
                id: text(0).to_string(),
                question: text(1).to_string(),
                answer,
                created_at: row.get(3).and_then(Value::as_timestamp).unwrap_or_default(),
            })
        })
        .collect()
}

/// How many recent messages are searched for the query a follow-up builds on.
const FOLLOW_UP_LOOKBACK: i64 = 5;

/// The query of the latest answered message of a conversation (`meta.query`), which a
/// follow-up ("and by store?") changes. Ownership is checked by the caller.
pub fn last_query(
    connection: &dyn Connection,
    conversation_id: &str,
) -> Result<Option<SemanticQuery>, ConversationError> {
    let rows = connection.query(
        "SELECT answer FROM app.message WHERE conversation_id = $1
         ORDER BY position DESC LIMIT $2",
        &[conversation_id.into(), FOLLOW_UP_LOOKBACK.into()],
    )?;
    Ok(rows.rows.iter().find_map(|row| {
        let text = row.first().and_then(Value::as_str)?;
        let answer: Answer = serde_json::from_str(text).ok()?;
        answer
            .error
            .is_none()
            .then_some(answer.meta.query)
            .flatten()
    }))
}

/// The query behind one answer (`meta.query`) of a conversation `user_id` owns; `None` when
/// the message is not theirs or its answer had no query.
pub fn message_query(
    connection: &dyn Connection,
    user_id: i64,
    message_id: &str,
) -> Result<Option<SemanticQuery>, ConversationError> {
    let rows = connection.query(
        "SELECT m.answer FROM app.message m JOIN app.conversation c ON c.id = m.conversation_id
         WHERE m.id = $1 AND c.user_id = $2",
        &[message_id.into(), user_id.into()],
    )?;
    Ok(rows
        .scalar()
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str::<Answer>(text).ok())
        .and_then(|answer| answer.meta.query))
}

/// Deletes a conversation the user owns, with its messages.
pub fn delete(
    connection: &dyn Connection,
    user_id: i64,
    id: &str,
) -> Result<(), ConversationError> {
    get(connection, user_id, id)?;
    connection.execute(
        "DELETE FROM app.message WHERE conversation_id = $1",
        &[id.into()],
    )?;
    connection.execute("DELETE FROM app.conversation WHERE id = $1", &[id.into()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_question_shortened() {
        assert_eq!(title_of("  top 5   brands "), "top 5 brands");
        let long = "ยอดขาย ".repeat(40);
        let title = title_of(&long);
        assert_eq!(title.chars().count(), TITLE_CHARS);
        assert!(title.ends_with('…'));
        assert_eq!(new_id().len(), 32);
    }
}
