//! What an audit entry records: one closed list of event types, each with one stable name.

use std::fmt;
use std::str::FromStr;

/// The kinds of audit entries. The names ([`AuditEvent::name`]) are what the store keeps and
/// what `analyst audit list --event` and `GET /api/v1/audit?event=` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditEvent {
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    TokenIssued,
    PasswordChanged,
    UserAdded,
    ConversationDeleted,
    DictionaryChanged,
    /// A question as asked.
    Query,
    /// The answer given to a question (route taken, row count, latency).
    Response,
    /// A tool run with its parameters, SQL, row count and duration.
    ToolCall,
    /// A call to a language-model provider.
    ProviderCall,
    Error,
    RateLimit,
    /// A request refused for lack of rights (a route, a tool, a workspace, a record rule).
    AccessDenied,
    /// A question that tried to override the analyst's instructions.
    InjectionAttempt,
    /// A question handed to a larger model.
    ModelEscalation,
    /// A proposed action approved or rejected, and carried out.
    ActionExecuted,
    BudgetExceeded,
    Export,
    /// A sales file received (uploaded or mapped).
    Upload,
    /// Users, groups, rules, workspaces, budgets or settings changed; also audit pruning.
    AdminChange,
}

impl AuditEvent {
    /// Every event type, in the order of [`AuditEvent::name`]'s listing.
    pub const ALL: [AuditEvent; 23] = [
        AuditEvent::LoginSucceeded,
        AuditEvent::LoginFailed,
        AuditEvent::LoginThrottled,
        AuditEvent::Logout,
        AuditEvent::TokenIssued,
        AuditEvent::PasswordChanged,
        AuditEvent::UserAdded,
        AuditEvent::ConversationDeleted,
        AuditEvent::DictionaryChanged,
        AuditEvent::Query,
        AuditEvent::Response,
        AuditEvent::ToolCall,
        AuditEvent::ProviderCall,
        AuditEvent::Error,
        AuditEvent::RateLimit,
        AuditEvent::AccessDenied,
        AuditEvent::InjectionAttempt,
        AuditEvent::ModelEscalation,
        AuditEvent::ActionExecuted,
        AuditEvent::BudgetExceeded,
        AuditEvent::Export,
        AuditEvent::Upload,
        AuditEvent::AdminChange,
    ];

    /// The stable name kept in the store; the only mapping between events and text.
    pub fn name(self) -> &'static str {
        match self {
            AuditEvent::LoginSucceeded => "login_succeeded",
            AuditEvent::LoginFailed => "login_failed",
            AuditEvent::LoginThrottled => "login_throttled",
            AuditEvent::Logout => "logout",
            AuditEvent::TokenIssued => "token_issued",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::UserAdded => "user_added",
            AuditEvent::ConversationDeleted => "conversation_deleted",
            AuditEvent::DictionaryChanged => "dictionary_changed",
            AuditEvent::Query => "query",
            AuditEvent::Response => "response",
            AuditEvent::ToolCall => "tool_call",
            AuditEvent::ProviderCall => "provider_call",
            AuditEvent::Error => "error",
            AuditEvent::RateLimit => "rate_limit",
            AuditEvent::AccessDenied => "access_denied",
            AuditEvent::InjectionAttempt => "injection_attempt",
            AuditEvent::ModelEscalation => "model_escalation",
            AuditEvent::ActionExecuted => "action_executed",
            AuditEvent::BudgetExceeded => "budget_exceeded",
            AuditEvent::Export => "export",
            AuditEvent::Upload => "upload",
            AuditEvent::AdminChange => "admin_change",
        }
    }
}

impl fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuditEvent {
    /// A message naming the event types there are.
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_lowercase();
        AuditEvent::ALL
            .into_iter()
            .find(|event| event.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = AuditEvent::ALL.iter().map(|event| event.name()).collect();
                format!(
                    "unknown audit event '{text}': use one of {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_distinct_name_that_parses_back() {
        let mut names: Vec<&str> = AuditEvent::ALL.iter().map(|event| event.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditEvent::ALL.len());
        for event in AuditEvent::ALL {
            assert_eq!(event.name().parse::<AuditEvent>(), Ok(event));
        }
        assert_eq!(
            " Tool_Call ".parse::<AuditEvent>(),
            Ok(AuditEvent::ToolCall)
        );
        let error = "login".parse::<AuditEvent>().unwrap_err();
        assert!(error.contains("unknown audit event 'login'"), "{error}");
        assert!(error.contains("login_succeeded"), "{error}");
    }
}
