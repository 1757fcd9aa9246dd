//! Tokens and cost: accumulated over rounds and attempts (escalated ones were paid for too),
//! per currency; the budget check that stops a question before it is sent.

use analyst_llm::testkit::{FakeAnthropic, FakeOpenAi, Step};
use analyst_llm::{Capability, CostTier, Price, Usage, estimate_cost, run, within_budget};
use serde_json::json;

use crate::{KEY, at, providers, request, sales_tools};

#[test]
fn tokens_and_cost_add_up_over_rounds_and_attempts() {
    let cheap = FakeOpenAi::start(KEY);
    cheap.script([
        Step::tool_call("top_products", json!({"brand": "Stride"})).usage(1200, 300),
        Step::text("I cannot determine that.").usage(800, 100),
    ]);
    let standard = FakeAnthropic::start(KEY);
    standard.script([Step::text("Stride Runner 2 sold 1,250 units.").usage(3000, 500)]);
    let mut thb = cheap.config("cheap", CostTier::Cheap);
    thb.price = Price {
        input_per_1k: 0.5,
        output_per_1k: 1.0,
        currency: "THB".into(),
    };
    let providers = providers(vec![thb, standard.config("standard", CostTier::Standard)]);
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("best Stride products"),
        &mut sales_tools,
    )
    .expect("an answer");

    assert_eq!(
        outcome.attempts[0].usage,
        Usage {
            input: 2000,
            output: 400
        }
    );
    assert_eq!(
        outcome.usage(),
        Usage {
            input: 5000,
            output: 900
        }
    );
    // Cheap: 2k × 0.5 + 0.4k × 1.0 = 1.4 THB. Standard: 3k × 1 + 0.5k × 2 = 4 USD.
    let cost = outcome.cost();
    assert!((cost["THB"] - 1.4).abs() < 1e-9, "{cost:?}");
    assert!((cost["USD"] - 4.0).abs() < 1e-9, "{cost:?}");
}

#[test]
fn a_question_over_the_daily_budget_is_stopped_before_it_is_sent() {
    let price = Price {
        input_per_1k: 10.0,
        output_per_1k: 30.0,
        currency: "THB".into(),
    };
    let estimate = estimate_cost(&price, &request("revenue by brand"));
    // 512 output tokens alone cost 15.36 THB.
    assert!(estimate > 15.36, "{estimate}");
    assert!(within_budget(0.0, estimate, Some(100.0)));
    assert!(!within_budget(90.0, estimate, Some(100.0)));
    assert!(within_budget(90.0, estimate, None));
}
