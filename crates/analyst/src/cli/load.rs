//! `analyst bench --http`: concurrent users asking questions of the real server.
//!
//! The server runs in this process on a free loopback port, over the store the benchmark just
//! built; each simulated user holds its own bearer token and asks the benchmark's questions in
//! turn over real HTTP, so the figures include sign-in checks, JSON, the store pool and the
//! conversation writes. Client and server share the machine's cores: the figures are a floor.

use std::time::Instant;

use analyst_accounts::{RightsChange, add_user_with_rights, check_rights, issue_api_token};
use analyst_store::{Connection, Pool};
use analyst_web::{AppState, WebSettings};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde_json::json;

use super::bench::percentile;
use super::render;

/// What one load run asks for.
pub struct LoadPlan<'a> {
    pub users: usize,
    pub requests_per_user: usize,
    pub questions: &'a [&'a str],
    pub today: NaiveDate,
}

/// Serves `connection` on loopback and measures `plan`'s users asking at once.
pub fn run(connection: Box<dyn Connection + Send>, plan: &LoadPlan<'_>) -> anyhow::Result<()> {
    // Executives: every tool, every row; the rights are still read and checked per request.
    let executive: RightsChange = check_rights(
        connection.as_ref(),
        &["executive".to_string()].into(),
        &Default::default(),
    )?;
    // The benchmark measures capacity, not budgets: no global limit on its throwaway store.
    analyst_gateway::budgets::put_budget(
        connection.as_ref(),
        &analyst_gateway::budgets::Budget {
            scope: "global".into(),
            key: String::new(),
            limits: analyst_gateway::budgets::Limits::default(),
            llm_cost: None,
        },
    )
    .map_err(anyhow::Error::msg)?;
    let mut tokens = Vec::with_capacity(plan.users);
    for index in 0..plan.users {
        let user = add_user_with_rights(
            connection.as_ref(),
            &format!("bench{index}"),
            "bench-password-1234",
            false,
            &executive,
        )?;
        tokens.push(issue_api_token(
            connection.as_ref(),
            user.id,
            chrono::Duration::hours(1),
        )?);
    }
    let state = AppState::new(
        Pool::new(connection, plan.users.max(8)),
        WebSettings {
            today: Some(plan.today),
            // The benchmark measures capacity, not the per-user question quota.
            chat_per_minute: u32::MAX,
            ..WebSettings::default()
        },
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(measure(state, tokens, plan))
}

async fn measure(state: AppState, tokens: Vec<String>, plan: &LoadPlan<'_>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/ai_analyst/chat", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(analyst_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(plan.users)
        .build()?;
    // One round first so that every connection and cache is warm, as in a running server.
    for question in plan.questions {
        ask(&client, &url, &tokens[0], question).await?;
    }
    let started = Instant::now();
    let mut users = tokio::task::JoinSet::new();
    for (index, token) in tokens.into_iter().enumerate() {
        let (client, url) = (client.clone(), url.clone());
        let questions: Vec<String> = plan.questions.iter().map(|q| q.to_string()).collect();
        let requests = plan.requests_per_user;
        users.spawn(async move {
            let mut timings = Vec::with_capacity(requests);
            for turn in 0..requests {
                let question = &questions[(index + turn) % questions.len()];
                let asked = Instant::now();
                ask(&client, &url, &token, question).await?;
                timings.push(asked.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(timings)
        });
    }
    let mut timings = Vec::new();
    while let Some(user) = users.join_next().await {
        timings.extend(user.context("a simulated user stopped")??);
    }
    let wall = started.elapsed();
    let _ = stop.send(());
    server.await??;
    timings.sort_by(f64::total_cmp);
    let mut grid = render::new_grid(
        [
            "users",
            "requests",
            "requests/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
        ]
        .map(String::from),
    );
    grid.add_row([
        plan.users.to_string(),
        timings.len().to_string(),
        format!("{:.0}", timings.len() as f64 / wall.as_secs_f64()),
        format!("{:.1}", percentile(&timings, 0.50)),
        format!("{:.1}", percentile(&timings, 0.95)),
        format!("{:.1}", percentile(&timings, 0.99)),
        format!("{:.1}", timings.last().copied().unwrap_or_default()),
    ]);
    println!("{grid}");
    Ok(())
}

/// Asks one question; an error answer or a non-200 status stops the benchmark.
async fn ask(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    question: &str,
) -> anyhow::Result<()> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "message": question }))
        .send()
        .await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    if !status.is_success() || !body["error"].is_null() {
        bail!("\"{question}\" answered {status}: {}", body["error"]);
    }
    Ok(())
}
