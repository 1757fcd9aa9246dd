//! `analyst ask`: a question in, an answer out (text or the JSON answer contract). It goes
//! through the gateway as a chat question does: the deterministic analyst answers what it
//! understands, and with providers in the store (`analyst providers add`) the rest goes to the
//! model route, its calls recorded in `app.llm_call` with no user (the operator) and audited,
//! under the daily AI cost limits (the global row's, and the workspace's with `--workspace`).

use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use analyst_accounts::{AuditEntry, record_entry};
use analyst_gateway::providers::{self, ProviderError};
use analyst_gateway::{Access, AskContext, LlmContext, ask, load_vocabulary, load_workspaces};
use analyst_llm::ExchangeRate;
use analyst_store::Connection;
use anyhow::bail;
use clap::Args;

use super::config::LlmConfigOptions;
use super::{Settings, open_with_data, render};

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Print the answer contract as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Ask in this workspace (sales, buying, …): only its tools answer, and its daily AI cost
    /// limit applies [default: every tool, no workspace].
    #[arg(long)]
    workspace: Option<String>,
    #[command(flatten)]
    llm: LlmConfigOptions,
    /// The question, e.g. "revenue by store this year".
    #[arg(required = true, num_args = 1..)]
    question: Vec<String>,
}

pub fn run(settings: &Settings, args: AskArgs) -> anyhow::Result<ExitCode> {
    let question = args.question.join(" ");
    if question.trim().is_empty() {
        bail!("the question is empty; try: analyst ask \"top 5 brands by revenue last month\"");
    }
    let (exchange_rate, _) = args
        .llm
        .resolve(&settings.file, settings.subcommand_matches())?;
    let connection = open_with_data(settings)?;
    let connection = connection.as_ref();
    let vocabulary = load_vocabulary(connection)?;
    let audited: Arc<Mutex<Vec<AuditEntry>>> = Arc::default();
    let context = AskContext {
        access: operator_access(connection, args.workspace.as_deref())?,
        llm: model_route(connection, exchange_rate, &audited)?,
        ..AskContext::on(settings.today)
    };
    let mut answer = ask(connection, &vocabulary, &question, &context);
    if args.workspace.is_some() {
        answer.meta.workspace = args.workspace.clone();
    }
    // The provider calls are audited once the answer is done (an append is a transaction of
    // its own).
    let entries = std::mem::take(&mut *audited.lock().unwrap_or_else(PoisonError::into_inner));
    for entry in &entries {
        record_entry(connection, entry)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", render::answer_text(&answer));
    }
    Ok(if answer.error.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every tool and row, within `workspace`'s tools when one is named.
fn operator_access(connection: &dyn Connection, workspace: Option<&str>) -> anyhow::Result<Access> {
    let Some(code) = workspace else {
        return Ok(Access::operator());
    };
    let workspaces = load_workspaces(connection)?;
    if !workspaces.iter().any(|known| known.code == code) {
        let known: Vec<&str> = workspaces.iter().map(|w| w.code.as_str()).collect();
        bail!(
            "unknown workspace '{code}'; the workspaces are {}",
            known.join(", ")
        );
    }
    Ok(Access::operator().in_workspaces(&workspaces, Some(code)))
}

/// The providers of the store for the questions the parser does not understand, asked as the
/// operator; `None` without providers (the deterministic analyst answers alone, as it does
/// when the records cannot be used, which is said on stderr).
fn model_route(
    connection: &dyn Connection,
    exchange_rate: ExchangeRate,
    audited: &Arc<Mutex<Vec<AuditEntry>>>,
) -> anyhow::Result<Option<LlmContext>> {
    let providers = match providers::load(connection) {
        Ok(providers) => providers,
        Err(ProviderError::Invalid(reason)) => {
            eprintln!(
                "The LLM provider records cannot be used ({reason}); answering without them (`analyst providers list`)."
            );
            None
        }
        Err(ProviderError::Store(error)) => return Err(error.into()),
    };
    let audited = audited.clone();
    Ok(providers.map(|providers| LlmContext {
        providers: Arc::new(providers),
        asker: None,
        auditor: Some(Arc::new(move |entry: AuditEntry| {
            audited
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(entry);
        })),
        exchange_rate,
    }))
}
