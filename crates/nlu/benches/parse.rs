//! How long understanding a question takes (goal: under 1 ms median), on the question set and
//! on paraphrases, with the demo business's vocabulary. `cargo bench -p analyst-nlu`.

#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use analyst_core::eval::parse_cases;

const QUESTIONS: &str = include_str!("../../../eval/questions.jsonl");
const REPEAT: usize = 200;

fn main() {
    let vocabulary = common::demo_vocabulary();
    let cases = parse_cases(QUESTIONS).unwrap();
    let mut medians = Vec::new();
    for case in &cases {
        let mut timings: Vec<f64> = (0..REPEAT)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(analyst_nlu::understand(
                    &case.question,
                    case.today,
                    &vocabulary,
                ));
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        timings.sort_by(f64::total_cmp);
        let median = timings[timings.len() / 2];
        println!("{:>8.3} ms  {} {}", median, case.id, case.question);
        medians.push(median);
    }
    medians.sort_by(f64::total_cmp);
    println!(
        "parse time over {} questions: median {:.3} ms, p95 {:.3} ms, max {:.3} ms",
        medians.len(),
        medians[medians.len() / 2],
        medians[(medians.len() * 95 / 100).min(medians.len() - 1)],
        medians[medians.len() - 1]
    );
}
