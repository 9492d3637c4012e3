//! Sign-in throttling. After a few failed attempts a key (an account, or a network address) must wait
//! before it may try again, twice as long after each further failure, up to a ceiling. A success clears
//! the key; failures older than an hour are forgotten.

use std::collections::HashMap;

/// Seconds to wait after the first failure beyond the free ones.
pub const BASE_WAIT_SECS: u64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECS: u64 = 15 * 60;
/// A key's failures are forgotten this long after its last one.
pub const FORGET_SECS: u64 = 60 * 60;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: u64,
    blocked_until: u64,
}

/// Failure counts per key; time is passed in (seconds), so the rule is testable without a clock.
#[derive(Debug)]
pub struct Throttle {
    free: u32,
    entries: HashMap<String, Entry>,
}

impl Throttle {
    /// `free`: failures allowed before the first wait.
    pub fn new(free: u32) -> Self {
        Throttle {
            free,
            entries: HashMap::new(),
        }
    }

    /// Seconds `key` must still wait at time `now`, if any.
    pub fn wait(&self, key: &str, now: u64) -> Option<u64> {
        let e = self.entries.get(key)?;
        (e.blocked_until > now).then(|| e.blocked_until - now)
    }

    /// Records a failure of `key` at `now`.
    pub fn fail(&mut self, key: &str, now: u64) {
        // Bounded memory: an attacker cycling through keys only fills the map with what expires.
        if self.entries.len() > 10_000 {
            self.entries.retain(|_, e| e.last + FORGET_SECS > now);
        }
        let fresh = Entry {
            failures: 0,
            last: now,
            blocked_until: 0,
        };
        let e = self.entries.entry(key.to_string()).or_insert(fresh);
        if e.last + FORGET_SECS <= now {
            *e = fresh;
        }
        e.failures += 1;
        e.last = now;
        if e.failures >= self.free {
            let doublings = (e.failures - self.free).min(16);
            e.blocked_until = now + (BASE_WAIT_SECS << doublings).min(MAX_WAIT_SECS);
        }
    }

    /// Forgets `key`'s failures (after a successful sign-in).
    pub fn succeed(&mut self, key: &str) {
        self.entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_failures() {
        let mut t = Throttle::new(3);
        let k = "acct:a@b.cn";
        // (time of failure, wait right after it)
        let steps = [
            (0, None),
            (1, None),
            (2, Some(30)),
            (40, Some(60)),
            (200, Some(120)),
            (400, Some(240)),
        ];
        for (now, wait) in steps {
            assert_eq!(t.wait(k, now), None, "free to try at {now}");
            t.fail(k, now);
            assert_eq!(t.wait(k, now), wait, "after the failure at {now}");
        }
        assert_eq!(t.wait(k, 400 + 239), Some(1));
        assert_eq!(t.wait(k, 400 + 240), None);
        assert_eq!(t.wait("acct:other", 401), None, "keys are separate");
    }

    #[test]
    fn the_wait_has_a_ceiling() {
        let mut t = Throttle::new(1);
        for i in 0..40 {
            t.fail("k", i * 1000);
        }
        assert_eq!(t.wait("k", 39_000), Some(MAX_WAIT_SECS));
    }

    #[test]
    fn success_and_time_forget_failures() {
        let mut t = Throttle::new(2);
        t.fail("k", 0);
        t.fail("k", 1);
        assert!(t.wait("k", 1).is_some());
        t.succeed("k");
        assert_eq!(t.wait("k", 2), None);

        t.fail("k", 10);
        t.fail("k", 10 + FORGET_SECS);
        assert_eq!(
            t.wait("k", 10 + FORGET_SECS),
            None,
            "the old failure was forgotten"
        );
    }

    #[test]
    fn memory_stays_bounded_by_forgetting_expired_keys() {
        let mut t = Throttle::new(3);
        for i in 0..9_999 {
            t.fail(&format!("address:{i}"), 2);
        }
        t.fail("address:recent", 100);
        let expired = FORGET_SECS + 2;
        // At the bound itself (10,000 keys) nothing is swept, even what has expired.
        t.fail("address:b", expired);
        assert_eq!(t.entries.len(), 10_001);
        // Past it, every key whose last failure is FORGET_SECS or more ago goes; the others stay.
        t.fail("address:c", expired);
        let mut left: Vec<&String> = t.entries.keys().collect();
        left.sort();
        assert_eq!(left, ["address:b", "address:c", "address:recent"]);
    }
}
