//! Telling the uploader how their batch ended: an e-mail written to the outbox folder as an
//! `.eml` file (sent by SMTP once the reports issue configures a server).

use std::path::PathBuf;

use analyst_store::{Connection, Value};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{FileTransport, Message, Transport};

use crate::{Batch, BatchState, UploadError, UploadSettings};

/// Writes the e-mail about `batch` for its uploader, when they have an address and the batch
/// has ended; returns the message's file.
pub fn send(
    connection: &dyn Connection,
    settings: &UploadSettings,
    batch: &Batch,
) -> Result<Option<PathBuf>, UploadError> {
    if !batch.state.is_final() {
        return Ok(None);
    }
    let Some(user_id) = batch.user_id else {
        return Ok(None);
    };
    let address = connection
        .query(
            "SELECT email FROM app.users WHERE id = $1 AND active",
            &[user_id.into()],
        )?
        .scalar()
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(address) = address.filter(|address| !address.trim().is_empty()) else {
        return Ok(None);
    };
    let invalid = |what: &str, error: &dyn std::fmt::Display| {
        UploadError::Invalid(format!("{what} is not an e-mail address: {error}"))
    };
    let to: Mailbox = address.parse().map_err(|error| invalid(&address, &error))?;
    let from: Mailbox = settings
        .mail_from
        .parse()
        .map_err(|error| invalid(&settings.mail_from, &error))?;
    let (subject, body) = message(batch);
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|error| UploadError::Invalid(error.to_string()))?;
    std::fs::create_dir_all(&settings.outbox)?;
    let id = FileTransport::new(&settings.outbox)
        .send(&email)
        .map_err(|error| UploadError::Io(std::io::Error::other(error)))?;
    Ok(Some(settings.outbox.join(format!("{id}.eml"))))
}

/// The subject and text of the e-mail about a batch.
fn message(batch: &Batch) -> (String, String) {
    let name = &batch.file_name;
    let subject = match batch.state {
        BatchState::Loaded => format!(
            "{name}: {} rows loaded, {} with errors",
            batch.rows_loaded, batch.rows_failed
        ),
        BatchState::Checked => format!("{name}: checked, nothing written"),
        BatchState::NeedsMapping => format!("{name}: its columns need mapping"),
        BatchState::Rejected => format!("{name}: rejected, {} rows with errors", batch.rows_failed),
        BatchState::Duplicate => format!("{name}: already loaded"),
        BatchState::Failed | BatchState::Queued | BatchState::Running => {
            format!("{name}: could not be loaded")
        }
    };
    let mut body = format!(
        "Batch {} ({name}) is {}.\n\nRows read: {}\nRows loaded: {}\nRows with errors: {}\n",
        batch.id,
        batch.state.name().replace('_', " "),
        batch.rows_read,
        batch.rows_loaded,
        batch.rows_failed
    );
    if let Some(message) = &batch.message {
        body.push_str(&format!("\n{message}\n"));
    }
    if batch.rows_failed > 0 {
        body.push_str(&format!(
            "\nThe error report: /api/v1/uploads/{}/errors?format=xlsx\n",
            batch.id
        ));
    }
    (subject, body)
}
