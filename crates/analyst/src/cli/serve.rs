//! `analyst serve`: the web server. Opens the store (creating the demo business when empty),
//! creates the first administrator with a one-time password, prints the URL, and stops
//! gracefully on Ctrl-C or SIGTERM (requests in flight finish).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use analyst_accounts::{add_user, one_time_password, user_count};
use analyst_actions::ActionSettings;
use analyst_export::job::ExportSettings;
use analyst_jobs::{WorkerSettings, Workers};
use analyst_store::{Connection, Pool};
use analyst_web::{AppState, WebSettings};
use anyhow::Context;
use clap::Args;
use serde_json::json;

use super::config::{ImportConfigOptions, LlmConfigOptions, ServerConfig, ServerOptions};
use super::{Settings, open_with_data};

/// Connections kept for concurrent requests.
const POOL_SIZE: usize = 8;

/// Written beside the store while the server runs, so other commands can point to it.
const SERVER_FILE: &str = "server.json";

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    server: ServerOptions,
    #[command(flatten)]
    import: ImportConfigOptions,
    #[command(flatten)]
    llm: LlmConfigOptions,
}

pub fn run(settings: &Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = ServerConfig::resolve(&args.server, &settings.file, settings.subcommand_matches());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let (exchange_rate, _) = args
        .llm
        .resolve(&settings.file, settings.subcommand_matches())?;
    let connection = open_with_data(settings)?;
    create_first_admin(connection.as_ref())?;
    let pool = Pool::new(connection, POOL_SIZE);
    let exports = ExportSettings {
        keep_for: chrono::Duration::hours(config.export_keep_hours.0.into()),
        max_running_per_user: config.max_exports_per_user.0 as usize,
        today: settings.fixed_today,
        ..ExportSettings::new(settings.exports_dir())
    };
    let uploads = args
        .import
        .resolve(&settings.file, settings.subcommand_matches())
        .settings(&settings.files_dir());
    let state = AppState::new(
        pool.clone(),
        WebSettings {
            today: settings.fixed_today,
            chat_per_minute: config.chat_per_minute.0,
            max_concurrent_queries: config.max_concurrent_queries.0 as usize,
            session_hours: config.session_hours.0,
            token_days: config.token_days.0,
            secure_cookies: config.secure_cookies.0,
            exports: exports.clone(),
            actions: ActionSettings {
                expire_after: chrono::Duration::days(config.proposal_days.0.into()),
                second_approver_for_high: config.second_approver.0,
                today: settings.fixed_today,
                ..ActionSettings::default()
            },
            uploads: uploads.clone(),
            exchange_rate,
            ..WebSettings::default()
        },
    )?;
    let mut kinds = analyst_jobs::kinds::builtin();
    kinds.extend(analyst_export::job::kinds(&exports));
    kinds.extend(analyst_actions::execution::kinds(
        &state.auditor(),
        Some(std::sync::Arc::new(analyst_odoo_sync::OdooWriteBack)),
    ));
    kinds.extend(analyst_uploads::job::kinds(&uploads));
    kinds.push(std::sync::Arc::new(analyst_odoo_sync::job::OdooSync));
    let workers = Workers::start(
        &pool,
        kinds,
        WorkerSettings {
            workers: config.workers.0 as usize,
            // Only this process can hold the embedded store.
            requeue_at_start: true,
            report_every: args.server.job_report_ms.map_or(
                WorkerSettings::default().report_every,
                Duration::from_millis,
            ),
            ..WorkerSettings::default()
        },
        "serve",
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let (bind, port) = (config.bind.0.as_str(), config.port.0);
        let listener = tokio::net::TcpListener::bind((bind, port))
            .await
            .with_context(|| {
                format!("cannot listen on {bind}:{port} (is another server using it? try --port)")
            })?;
        let address = listener.local_addr()?;
        let url = format!("http://{address}/");
        let record = settings.data_dir().map(|dir| dir.join(SERVER_FILE));
        if let Some(path) = &record {
            let text = json!({"url": url, "pid": std::process::id()}).to_string();
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        println!("AI Analyst is ready at {url}");
        let served = analyst_web::serve(listener, state, shutdown_signal()).await;
        if let Some(path) = &record {
            let _ = std::fs::remove_file(path);
        }
        served.context("serving")?;
        // Running jobs finish their current step; queued ones wait for the next start.
        workers.stop();
        println!("Stopped.");
        Ok(ExitCode::SUCCESS)
    })
}

/// On the first start the store has no user: `admin` gets a one-time password, printed once
/// (never logged), to be changed at the first sign-in.
fn create_first_admin(connection: &dyn Connection) -> anyhow::Result<()> {
    if user_count(connection)? > 0 {
        return Ok(());
    }
    let password = one_time_password();
    add_user(connection, "admin", &password, true, true)?;
    println!("First start: sign in as `admin` with the one-time password {password}");
    println!(
        "(you will choose your own password at the first sign-in; `analyst user passwd admin` resets it)"
    );
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// "pid 1234 at http://127.0.0.1:8080/" when a server records itself beside the store.
pub fn running_server(data_dir: Option<&Path>) -> Option<String> {
    let path: PathBuf = data_dir?.join(SERVER_FILE);
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(format!(
        "pid {} at {}",
        record.get("pid")?.as_u64()?,
        record.get("url")?.as_str()?
    ))
}
