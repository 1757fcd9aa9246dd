//! The client's errors, and how Odoo's fault shapes (JSON-RPC `error.data.name`, XML-RPC
//! `faultCode`, JSON-2 HTTP statuses) map onto them.

use std::time::Duration;

/// What went wrong talking to Odoo. Messages never contain the API key or password.
#[derive(Debug, thiserror::Error)]
pub enum OdooError {
    /// The login, password or API key was refused.
    #[error(
        "Odoo refused the credentials of user '{login}' on database '{database}': check the login and the API key"
    )]
    BadCredentials { login: String, database: String },
    /// The user is authenticated but lacks the right for this operation.
    #[error(
        "the Odoo user may not {operation} records of {model}: grant the access right in Odoo or use another user ({message})"
    )]
    AccessDenied {
        model: String,
        operation: String,
        message: String,
    },
    /// The model does not exist on this server: its module is not installed.
    #[error("model {model} does not exist on this Odoo (its module is not installed)")]
    MissingModel { model: String },
    /// No reply within the configured timeout.
    #[error("Odoo at {url} did not answer within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    /// The server answered with an error: an HTTP status other than 200, or an Odoo fault.
    #[error("Odoo server error (HTTP {status}, {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The reply could not be understood.
    #[error("malformed reply from Odoo: {0}")]
    Protocol(String),
    /// The server could not be reached.
    #[error("cannot reach Odoo at {url}: {message}")]
    Connection { url: String, message: String },
    /// A transient error repeated until the retry limit.
    #[error("{last} (gave up after {attempts} attempts)")]
    RetriesExhausted {
        attempts: u32,
        #[source]
        last: Box<OdooError>,
    },
}

impl OdooError {
    /// Whether another attempt may succeed: 5xx replies, timeouts and connection errors.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Server { status, .. } => *status >= 500,
            Self::Timeout { .. } | Self::Connection { .. } => true,
            _ => false,
        }
    }

    /// The same error with every occurrence of `secret` replaced by `***` (a server or proxy
    /// may quote the request, which carries the password for JSON-RPC and XML-RPC).
    pub(crate) fn redact(self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let clean = |text: String| text.replace(secret, "***");
        match self {
            Self::BadCredentials { login, database } => Self::BadCredentials {
                login: clean(login),
                database: clean(database),
            },
            Self::AccessDenied {
                model,
                operation,
                message,
            } => Self::AccessDenied {
                model,
                operation,
                message: clean(message),
            },
            Self::MissingModel { model } => Self::MissingModel { model },
            Self::Timeout { url, timeout } => Self::Timeout {
                url: clean(url),
                timeout,
            },
            Self::Server {
                status,
                code,
                message,
            } => Self::Server {
                status,
                code: clean(code),
                message: clean(message),
            },
            Self::Protocol(message) => Self::Protocol(clean(message)),
            Self::Connection { url, message } => Self::Connection {
                url: clean(url),
                message: clean(message),
            },
            Self::RetriesExhausted { attempts, last } => Self::RetriesExhausted {
                attempts,
                last: Box::new(last.redact(secret)),
            },
        }
    }
}

/// An Odoo fault as the server named it, before it is mapped onto [`OdooError`].
#[derive(Debug)]
pub(crate) enum Fault {
    /// JSON-RPC: the exception's class (`data.name`) and message.
    Named { name: String, message: String },
    /// XML-RPC: `faultCode` and `faultString`.
    Coded { code: i64, message: String },
}

/// Who was calling what, to name the model and operation in the mapped error.
pub(crate) struct CallSite<'a> {
    pub model: &'a str,
    pub method: &'a str,
    pub login: &'a str,
    pub database: &'a str,
}

/// Methods that change nothing, so that repeating one after a lost reply is harmless.
const READ_METHODS: &[&str] = &[
    "version",
    "login",
    "authenticate",
    "search_read",
    "search",
    "search_count",
    "read",
    "fields_get",
    "context_get",
    "read_group",
    "name_search",
];

impl CallSite<'_> {
    /// Whether a transient failure may be retried: only for methods that change nothing. A
    /// `create` whose reply was lost may have committed; the caller decides (the write-back
    /// looks its reference up before creating again).
    pub(crate) fn may_retry(&self) -> bool {
        READ_METHODS.contains(&self.method)
    }
}

impl Fault {
    /// Maps the fault onto a typed error. Odoo's XML-RPC codes: 1 application error, 2 user
    /// error or warning, 3 access denied (credentials), 4 access error (rights).
    pub(crate) fn into_error(self, site: &CallSite<'_>) -> OdooError {
        let (kind, message) = match self {
            Self::Named { name, message } => (
                match name.as_str() {
                    "odoo.exceptions.AccessDenied" => FaultKind::BadCredentials,
                    "odoo.exceptions.AccessError" => FaultKind::AccessError,
                    "odoo.exceptions.UserError" => FaultKind::UserError,
                    _ => FaultKind::Other(name),
                },
                message,
            ),
            Self::Coded { code, message } => (
                match code {
                    3 => FaultKind::BadCredentials,
                    4 => FaultKind::AccessError,
                    2 => FaultKind::UserError,
                    other => FaultKind::Other(format!("fault {other}")),
                },
                message,
            ),
        };
        match kind {
            FaultKind::BadCredentials => OdooError::BadCredentials {
                login: site.login.to_owned(),
                database: site.database.to_owned(),
            },
            FaultKind::AccessError => OdooError::AccessDenied {
                model: site.model.to_owned(),
                operation: operation_of(site.method).to_owned(),
                message: first_line(&message),
            },
            FaultKind::UserError => match missing_model(&message) {
                Some(model) => OdooError::MissingModel { model },
                None => OdooError::Server {
                    status: 200,
                    code: "odoo.exceptions.UserError".to_owned(),
                    message,
                },
            },
            FaultKind::Other(code) => OdooError::Server {
                status: 200,
                code,
                message: exception_text(&message),
            },
        }
    }
}

enum FaultKind {
    BadCredentials,
    AccessError,
    UserError,
    Other(String),
}

/// The access right a method needs, in Odoo's words (read, write, create, unlink).
pub(crate) fn operation_of(method: &str) -> &str {
    match method {
        "create" => "create",
        "write" => "write",
        "unlink" => "unlink",
        _ => "read",
    }
}

/// The model named by Odoo's "Object x.y doesn't exist" message.
fn missing_model(message: &str) -> Option<String> {
    let rest = message.trim().strip_prefix("Object ")?;
    let model = rest.strip_suffix(" doesn't exist")?;
    Some(model.to_owned())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// A message as is, but of a traceback (XML-RPC's faultString for code 1) only its last
/// line, the exception.
fn exception_text(text: &str) -> String {
    if !text.starts_with("Traceback") {
        return text.trim().to_owned();
    }
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}
