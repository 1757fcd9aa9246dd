//! Local servers that speak each provider's real wire protocol, for this crate's tests and the
//! gateway's (feature `testkit`). Each runs axum on `127.0.0.1:0` in a tokio runtime on its own
//! thread, so blocking code can call it; it answers a script of [`Step`]s, checks every request
//! the way the real API does (a wrong payload gets the provider's 400, a wrong key its 401) and
//! logs what it received.
//!
//! ```ignore
//! let fake = FakeOpenAi::start("sk-test");
//! fake.script([Step::tool_call("sales_by_dimension", json!({"measures": ["revenue"]})),
//!              Step::text("Revenue was ฿1,234.")]);
//! let providers = Providers::new(vec![fake.config("openai", CostTier::Cheap)])?;
//! ```

mod anthropic_api;
mod openai_api;
mod script;
mod server;

pub use anthropic_api::FakeAnthropic;
pub use openai_api::FakeOpenAi;
pub use script::{ReceivedRequest, Step};
