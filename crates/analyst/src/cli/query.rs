//! `analyst query`: run a semantic query given as JSON (the IR `meta.query` shows).

use std::process::ExitCode;

use analyst_core::SemanticQuery;
use analyst_gateway::{AskContext, answer_query};
use anyhow::Context;
use clap::Args;

use super::{Settings, open_with_data, render};

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Print the answer contract as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// The semantic query, e.g. '{"tool":"sales_by_dimension","measures":["revenue"],"dimensions":["brand"]}'.
    query: String,
}

pub fn run(settings: &Settings, args: QueryArgs) -> anyhow::Result<ExitCode> {
    let query: SemanticQuery =
        serde_json::from_str(&args.query).context("the semantic query is not valid")?;
    query.validate()?;
    let connection = open_with_data(settings)?;
    let context = AskContext::on(settings.today);
    let answer = answer_query(connection.as_ref(), query, &context);
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
