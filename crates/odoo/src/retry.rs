//! Retries with exponential backoff for transient failures (5xx, timeouts, connection
//! errors) of calls that change nothing; credentials, rights and faults are answers, never
//! retried, and a create or write is never repeated behind its caller's back.

use std::time::Duration;

use crate::error::OdooError;

/// Longest wait between two attempts, however many retries are configured.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How often and how patiently to retry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    pub retries: u32,
    pub backoff: Duration,
}

impl RetryPolicy {
    /// Runs `attempt` until it succeeds, fails for good, or the retries are used up.
    pub(crate) fn run<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, OdooError>,
    ) -> Result<T, OdooError> {
        let mut wait = self.backoff;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match attempt() {
                Ok(value) => return Ok(value),
                Err(error) if !error.is_transient() => return Err(error),
                Err(error) if attempts > self.retries => {
                    return Err(if attempts == 1 {
                        error
                    } else {
                        OdooError::RetriesExhausted {
                            attempts,
                            last: Box::new(error),
                        }
                    });
                }
                Err(error) => {
                    tracing::warn!(%error, attempts, ?wait, "transient Odoo error, retrying");
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_error() -> OdooError {
        OdooError::Server {
            status: 503,
            code: "503".to_owned(),
            message: "busy".to_owned(),
        }
    }

    #[test]
    fn retries_transient_errors_then_succeeds() {
        let policy = RetryPolicy {
            retries: 3,
            backoff: Duration::from_millis(1),
        };
        let mut calls = 0;
        let result = policy.run(|| {
            calls += 1;
            if calls < 3 {
                Err(server_error())
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.expect("third attempt succeeds"), 3);
    }

    #[test]
    fn gives_up_after_the_limit_and_says_so() {
        let policy = RetryPolicy {
            retries: 2,
            backoff: Duration::from_millis(1),
        };
        let mut calls = 0;
        let error = policy
            .run::<()>(|| {
                calls += 1;
                Err(server_error())
            })
            .expect_err("always failing");
        assert_eq!(calls, 3);
        assert!(matches!(
            error,
            OdooError::RetriesExhausted { attempts: 3, .. }
        ));
        assert!(
            error.to_string().contains("gave up after 3 attempts"),
            "{error}"
        );
    }

    #[test]
    fn never_retries_an_answer() {
        let policy = RetryPolicy {
            retries: 5,
            backoff: Duration::from_millis(1),
        };
        let mut calls = 0;
        let error = policy
            .run::<()>(|| {
                calls += 1;
                Err(OdooError::BadCredentials {
                    login: "a".into(),
                    database: "b".into(),
                })
            })
            .expect_err("refused");
        assert_eq!(calls, 1);
        assert!(matches!(error, OdooError::BadCredentials { .. }));
    }
}
