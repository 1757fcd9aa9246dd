//! `analyst eval FILE`: runs a question set (the JSON-lines format of `eval/README.md`)
//! through the analyst on the store's data, judges each answer's `meta.query`, and prints the
//! failures and the score; also how long understanding a question takes (the parse time).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use analyst_core::eval::{EvalCase, judge, parse_cases};
use analyst_gateway::{AskContext, ask, load_vocabulary};
use analyst_nlu::Vocabulary;
use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use super::{Settings, open_with_data};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The question set, one JSON case a line (e.g. eval/questions.jsonl).
    file: PathBuf,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Fail (exit code 1) when fewer cases pass.
    #[arg(long)]
    min_passed: Option<usize>,
    /// How many times each question is parsed to time the understanding.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    repeat: u32,
}

/// One case's result.
#[derive(Debug, Serialize)]
struct CaseResult {
    id: String,
    question: String,
    passed: bool,
    failures: Vec<String>,
    confidence: f64,
    /// Median time to understand the question, in milliseconds.
    parse_ms: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    passed: usize,
    total: usize,
    score: f64,
    parse_ms_median: f64,
    parse_ms_p95: f64,
    cases: Vec<CaseResult>,
}

pub fn run(settings: &Settings, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading the question set {}", args.file.display()))?;
    let cases = parse_cases(&text).map_err(|error| {
        anyhow::anyhow!("{}: {error} (see eval/README.md)", args.file.display())
    })?;
    if cases.is_empty() {
        bail!("{} holds no cases", args.file.display());
    }
    let connection = open_with_data(settings)?;
    let vocabulary = load_vocabulary(connection.as_ref())?;
    let mut results = Vec::with_capacity(cases.len());
    for case in &cases {
        let answer = ask(
            connection.as_ref(),
            &vocabulary,
            &case.question,
            &AskContext::on(case.today),
        );
        let verdict = judge(&case.expect, answer.meta.query.as_ref());
        results.push(CaseResult {
            id: case.id.clone(),
            question: case.question.clone(),
            passed: verdict.is_ok(),
            failures: verdict
                .err()
                .unwrap_or_default()
                .into_iter()
                .chain(
                    answer
                        .meta
                        .query
                        .is_none()
                        .then(|| format!("answer: {}", answer.answer)),
                )
                .collect(),
            confidence: answer.meta.confidence,
            parse_ms: parse_time(case, &vocabulary, args.repeat),
        });
    }
    let report = report(results);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    let enough = args.min_passed.is_none_or(|min| report.passed >= min);
    Ok(if enough {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Median time, in milliseconds, to understand the case's question.
fn parse_time(case: &EvalCase, vocabulary: &Vocabulary, repeat: u32) -> f64 {
    let mut timings: Vec<f64> = (0..repeat)
        .map(|_| {
            let started = Instant::now();
            let understanding = analyst_nlu::understand(&case.question, case.today, vocabulary);
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            drop(understanding);
            elapsed
        })
        .collect();
    timings.sort_by(f64::total_cmp);
    percentile(&timings, 0.5)
}

fn report(cases: Vec<CaseResult>) -> Report {
    let passed = cases.iter().filter(|case| case.passed).count();
    let total = cases.len();
    let mut timings: Vec<f64> = cases.iter().map(|case| case.parse_ms).collect();
    timings.sort_by(f64::total_cmp);
    Report {
        passed,
        total,
        score: passed as f64 / total.max(1) as f64,
        parse_ms_median: percentile(&timings, 0.5),
        parse_ms_p95: percentile(&timings, 0.95),
        cases,
    }
}

fn print_report(report: &Report) {
    for case in report.cases.iter().filter(|case| !case.passed) {
        println!("FAIL {} \"{}\"", case.id, case.question);
        for failure in &case.failures {
            println!("     {failure}");
        }
    }
    println!(
        "score: {}/{} ({:.0}%); understanding takes {:.3} ms (median), {:.3} ms (p95)",
        report.passed,
        report.total,
        report.score * 100.0,
        report.parse_ms_median,
        report.parse_ms_p95
    );
}

fn percentile(sorted: &[f64], quantile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * quantile).round() as usize;
    sorted
        .get(index.min(sorted.len() - 1))
        .copied()
        .unwrap_or(0.0)
}
