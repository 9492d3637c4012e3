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

    /// Takes back one failure of `key` that turned out not to be one (an attempt counted before its
    /// password was checked, which was right); the wait it started, if any, goes with it.
    pub fn refund(&mut self, key: &str) {
        if let Some(e) = self.entries.get_mut(key) {
            e.failures = e.failures.saturating_sub(1);
            if e.failures < self.free {
                e.blocked_until = 0;
            }
        }
    }
}

/// The sign-in policy. Every attempt is counted before its password is checked (checked and counted
/// under one lock), so a crowd of concurrent guesses gets no more checks than the limits allow:
/// - one account from one address: 5 failures free, then waits of 30 s doubling to 15 minutes;
/// - one address, over all accounts: 20 free (an office behind one NAT), then the same waits;
/// - one account, over all addresses: 50 free, then the same waits. One address stops long before
///   that, so guesses from one address never keep the account's owner out elsewhere; only guesses
///   spread over many addresses slow the account down, and never for longer than 15 minutes at a
///   time.
///
/// A success clears its account's counts and takes back its own attempt from its address.
#[derive(Debug)]
pub struct SignInLimiter {
    pairs: Throttle,
    addresses: Throttle,
    accounts: Throttle,
}

impl Default for SignInLimiter {
    fn default() -> Self {
        SignInLimiter {
            pairs: Throttle::new(5),
            addresses: Throttle::new(20),
            accounts: Throttle::new(50),
        }
    }
}

impl SignInLimiter {
    fn pair(account: &str, address: &str) -> String {
        format!("{account}\u{0}{address}")
    }

    /// Seconds the attempt must still wait (the longest of its three), if any.
    pub fn wait(&self, account: &str, address: &str, now: u64) -> Option<u64> {
        [
            self.pairs.wait(&Self::pair(account, address), now),
            self.addresses.wait(address, now),
            self.accounts.wait(account, now),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// Starts an attempt: `Err(seconds)` while a wait runs; otherwise the attempt is counted as a
    /// failure until [`SignInLimiter::succeed`] says otherwise.
    pub fn begin(&mut self, account: &str, address: &str, now: u64) -> Result<(), u64> {
        if let Some(wait) = self.wait(account, address, now) {
            return Err(wait);
        }
        self.pairs.fail(&Self::pair(account, address), now);
        self.addresses.fail(address, now);
        self.accounts.fail(account, now);
        Ok(())
    }

    /// The attempt begun for `account` from `address` was never checked (the server was too busy):
    /// it counts for nothing.
    pub fn cancel(&mut self, account: &str, address: &str) {
        self.pairs.refund(&Self::pair(account, address));
        self.addresses.refund(address);
        self.accounts.refund(account);
    }

    /// The attempt begun for `account` from `address` had the right password.
    pub fn succeed(&mut self, account: &str, address: &str) {
        self.pairs.succeed(&Self::pair(account, address));
        self.accounts.succeed(account);
        self.addresses.refund(address);
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
    fn guesses_from_one_address_do_not_keep_the_owner_out_elsewhere() {
        let mut l = SignInLimiter::default();
        let (acct, attacker, owner) = ("account:a@b.cn", "address:1", "address:2");
        // The attacker keeps guessing for an hour: after five, every try meets a wait.
        let mut counted = 0;
        for now in 0..3600 {
            if l.begin(acct, attacker, now).is_ok() {
                counted += 1;
            }
        }
        assert!(counted < 20, "{counted} guesses counted");
        assert!(l.wait(acct, attacker, 3600).is_some());
        // The owner, elsewhere, is not kept waiting, and signs in.
        assert_eq!(l.begin(acct, owner, 3600), Ok(()));
        l.succeed(acct, owner);
        assert_eq!(l.wait(acct, owner, 3601), None);
    }

    #[test]
    fn every_attempt_is_counted_before_its_password_is_checked() {
        let mut l = SignInLimiter::default();
        // Five attempts begun at once (none has finished): the sixth already waits.
        for _ in 0..5 {
            assert_eq!(l.begin("account:x", "address:1", 0), Ok(()));
        }
        assert_eq!(l.begin("account:x", "address:1", 0), Err(30));
        // A right password clears the account and gives back its own attempt of the address.
        l.succeed("account:x", "address:1");
        assert_eq!(l.begin("account:x", "address:1", 1), Ok(()));
        assert_eq!(l.addresses.entries["address:1"].failures, 5);
        // An attempt never checked (the server too busy) counts for nothing anywhere.
        l.cancel("account:x", "address:1");
        assert_eq!(l.addresses.entries["address:1"].failures, 4);
        assert_eq!(l.accounts.entries["account:x"].failures, 0);
        assert_eq!(
            l.pairs.entries[&SignInLimiter::pair("account:x", "address:1")].failures,
            0
        );
    }

    #[test]
    fn guesses_over_many_addresses_slow_the_account_down_for_a_while() {
        let mut l = SignInLimiter::default();
        for i in 0..50 {
            assert_eq!(l.begin("account:x", &format!("address:{i}"), 0), Ok(()));
        }
        assert_eq!(l.begin("account:x", "address:owner", 0), Err(30));
        assert_eq!(l.begin("account:x", "address:owner", 30), Ok(()));
        assert_eq!(
            l.wait("account:y", "address:owner", 0),
            None,
            "others unaffected"
        );
    }

    #[test]
    fn a_refund_takes_back_one_failure_and_the_wait_it_started() {
        let mut t = Throttle::new(2);
        t.fail("k", 0);
        t.fail("k", 0);
        assert_eq!(t.wait("k", 0), Some(30));
        t.refund("k");
        assert_eq!(t.wait("k", 0), None);
        assert_eq!(t.entries["k"].failures, 1);
        t.refund("nobody");
        assert!(!t.entries.contains_key("nobody"));
        t.refund("k");
        t.refund("k");
        assert_eq!(t.entries["k"].failures, 0);
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
