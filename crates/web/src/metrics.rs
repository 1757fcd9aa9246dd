//! Prometheus metrics: requests by route and status, latency, answers by route.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct AnswerLabels {
    /// How the question was answered (`deterministic`, later `llm`).
    pub route: String,
    /// `answer` or `error` (not understood, unknown value…).
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    /// `hit` or `miss`.
    result: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    answers: Family<AnswerLabels, Counter>,
    cache: Family<CacheLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        let answers = Family::<AnswerLabels, Counter>::default();
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "analyst_http_requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        registry.register(
            "analyst_http_request_duration_seconds",
            "Time to answer HTTP requests, by route",
            latency.clone(),
        );
        registry.register(
            "analyst_answers",
            "Answers given, by route (deterministic, llm) and outcome (answer, error)",
            answers.clone(),
        );
        registry.register(
            "analyst_answer_cache_lookups",
            "Lookups in the answer cache, by result (hit, miss)",
            cache.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            answers,
            cache,
        }
    }

    pub fn answered(&self, route: &str, ok: bool) {
        self.answers
            .get_or_create(&AnswerLabels {
                route: route.into(),
                outcome: if ok { "answer" } else { "error" }.into(),
            })
            .inc();
    }

    /// The Prometheus text exposition format, with the answer cache's `(hits, misses)`.
    pub fn render(&self, cache_lookups: (u64, u64)) -> String {
        for (result, total) in [("hit", cache_lookups.0), ("miss", cache_lookups.1)] {
            let counter = self.cache.get_or_create(&CacheLabels {
                result: result.into(),
            });
            counter.inc_by(total.saturating_sub(counter.get()));
        }
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

/// Counts and times every request, labelled with its route pattern (not the raw path, so ids
/// do not explode the label set).
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method,
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}
