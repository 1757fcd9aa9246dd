//! Sliding-window rate limits kept in memory: sign-in failures per account and per address,
//! questions per user. (One process holds the embedded store, so memory is the right place.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct Limiter {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Limiter {
        Limiter {
            max: max.max(1),
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `key` already used up the window; `wait` is when the oldest hit expires.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut hits = self.lock();
        let Some(times) = hits.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.max as usize {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }

    pub fn hit(&self, key: &str) {
        let now = Instant::now();
        let mut hits = self.lock();
        // Forget idle keys now and then, so memory stays bounded.
        if hits.len() > 10_000 {
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        hits.entry(key.to_string()).or_default().push_back(now);
    }

    /// Checks, and counts the hit when allowed.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.check(key)?;
        self.hit(key);
        Ok(())
    }

    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.hits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_held_back_after_its_quota_and_others_are_not() {
        let limiter = Limiter::new(2, Duration::from_secs(60));
        assert!(limiter.take("anna").is_ok());
        assert!(limiter.take("anna").is_ok());
        let wait = limiter.take("anna").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(limiter.take("ben").is_ok());
        limiter.clear("anna");
        assert!(limiter.check("anna").is_ok());
    }

    #[test]
    fn hits_expire_with_the_window() {
        let limiter = Limiter::new(1, Duration::from_millis(1));
        limiter.hit("x");
        std::thread::sleep(Duration::from_millis(5));
        assert!(limiter.check("x").is_ok());
    }
}
