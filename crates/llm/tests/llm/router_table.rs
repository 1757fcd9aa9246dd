//! The router's table: questions (English and Thai) → route and tier, with the signals that
//! explain it.

use analyst_llm::{SignalKind, route};

#[test]
fn questions_route_to_the_expected_tier() {
    // (question, earlier messages, parser confident, expected route)
    let table: [(&str, usize, bool, &str); 13] = [
        ("revenue by brand last month", 0, true, "deterministic"),
        (
            "Why did revenue drop compared to September, then explain it?",
            0,
            true,
            "deterministic",
        ),
        ("revenue by brand in our Thailand stores", 0, false, "cheap"),
        ("compare Stride vs Nova last month", 0, false, "cheap"),
        (
            "why did revenue fall compared to September?",
            0,
            false,
            "standard",
        ),
        (
            "show revenue by store and also the top products",
            5,
            false,
            "standard",
        ),
        ("revenue by store? margin by brand?", 0, false, "cheap"),
        (
            "revenue by store? margin by brand? versus last year",
            0,
            false,
            "standard",
        ),
        (
            "why did margin drop in October, then tell me which brands caused it",
            0,
            false,
            "premium",
        ),
        ("explain the return rate step by step", 0, false, "premium"),
        ("ทำไมยอดขายลดลงเมื่อเทียบกับเดือนที่แล้ว", 0, false, "standard"),
        (
            "ทำไมยอดขายลดลง จากนั้นแนะนำสินค้าที่ควรสั่งเพิ่ม",
            0,
            false,
            "premium",
        ),
        ("ยอดขายตามแบรนด์เดือนที่แล้ว", 0, false, "cheap"),
    ];
    for (question, depth, confident, expected) in table {
        let route = route(question, depth, confident);
        assert_eq!(route.label(), expected, "{question}: {:?}", route);
        assert!(!route.reasons.is_empty());
    }
}

#[test]
fn a_long_question_in_a_deep_conversation_is_standard() {
    let question = "Looking at all of our stores in Bangkok and the north, across every channel we \
        sell through, I would like to see the revenue and the units for each brand over the last \
        three months, grouped by month please";
    let route = route(question, 6, false);
    let kinds: Vec<SignalKind> = route.signals.iter().map(|signal| signal.kind).collect();
    assert_eq!(
        kinds,
        [SignalKind::LongQuestion, SignalKind::DeepConversation]
    );
    assert_eq!(route.label(), "standard");
    let explained = serde_json::to_value(&route).expect("route as meta.route");
    assert_eq!(explained["signals"][1]["evidence"], "6 earlier messages");
}
