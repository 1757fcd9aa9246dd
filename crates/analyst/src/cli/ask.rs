//! `analyst ask`: a question in, an answer out (text or the JSON answer contract).

use std::process::ExitCode;

use analyst_gateway::{AskContext, ask, load_vocabulary};
use anyhow::bail;
use clap::Args;

use super::{Settings, open_with_data, render};

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Print the answer contract as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// The question, e.g. "revenue by store this year".
    #[arg(required = true, num_args = 1..)]
    question: Vec<String>,
}

pub fn run(settings: &Settings, args: AskArgs) -> anyhow::Result<ExitCode> {
    let question = args.question.join(" ");
    if question.trim().is_empty() {
        bail!("the question is empty; try: analyst ask \"top 5 brands by revenue last month\"");
    }
    let connection = open_with_data(settings)?;
    let vocabulary = load_vocabulary(connection.as_ref())?;
    let context = AskContext::on(settings.today);
    let answer = ask(connection.as_ref(), &vocabulary, &question, &context);
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
