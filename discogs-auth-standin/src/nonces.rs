//! Replay protection: the nonces each consumer has used within the timestamp window.

use std::collections::{BTreeSet, HashSet};

/// How far a request's timestamp may be from the stand-in's clock, either way: as far as a
/// client's clock may be off before it blames its clock for a refusal.
pub(crate) const TIMESTAMP_WINDOW_SECS: u64 = discogs_auth_core::CLOCK_SKEW_TOLERANCE_SECS;

/// A hard cap on remembered nonces. The window already bounds them by the request rate; the
/// cap keeps a flood of signed requests from growing memory without limit. A full store
/// refuses new requests rather than forget a nonce that could still be replayed.
const MAX_NONCES: usize = 100_000;

/// A verified request's nonce, remembered only once the request is let through: a request the
/// rate limit refuses has not used its nonce, so the client may send it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NonceUse {
    pub(crate) consumer_key: String,
    pub(crate) nonce: String,
    /// The request's `oauth_timestamp`: the nonce is kept until that leaves the window.
    pub(crate) timestamp: u64,
}

/// The store holds its cap of nonces and every one is still inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

/// `(consumer key, nonce)` pairs seen, with the timestamp they were signed with.
#[derive(Debug)]
pub(crate) struct NonceCache {
    seen: HashSet<(String, String)>,
    /// The same entries ordered by timestamp, so purging the old ones is cheap.
    by_time: BTreeSet<(u64, String, String)>,
    capacity: usize,
}

impl Default for NonceCache {
    fn default() -> Self {
        Self::with_capacity(MAX_NONCES)
    }
}

impl NonceCache {
    /// A store that holds at most `capacity` nonces (tests use a small one).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            by_time: BTreeSet::new(),
            capacity,
        }
    }

    pub(crate) fn contains(&self, consumer_key: &str, nonce: &str) -> bool {
        self.seen
            .contains(&(consumer_key.to_owned(), nonce.to_owned()))
    }

    /// Remembers a nonce, first forgetting every nonce whose timestamp has left the window at
    /// `now`: a request carrying such a timestamp is refused anyway. Only those may go; when
    /// the rest fill the store, the new nonce is refused ([`Full`]) and nothing is forgotten.
    pub(crate) fn insert(&mut self, used: &NonceUse, now: u64) -> Result<(), Full> {
        self.purge(now);
        let key = (used.consumer_key.clone(), used.nonce.clone());
        if self.seen.contains(&key) {
            return Ok(());
        }
        if self.seen.len() >= self.capacity {
            return Err(Full);
        }
        self.seen.insert(key);
        self.by_time.insert((
            used.timestamp,
            used.consumer_key.clone(),
            used.nonce.clone(),
        ));
        Ok(())
    }

    pub(crate) fn purge(&mut self, now: u64) {
        let oldest_valid = now.saturating_sub(TIMESTAMP_WINDOW_SECS);
        while let Some(entry) = self.by_time.first() {
            if entry.0 >= oldest_valid {
                break;
            }
            if let Some((_, consumer, nonce)) = self.by_time.pop_first() {
                self.seen.remove(&(consumer, nonce));
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(consumer_key: &str, nonce: &str, timestamp: u64) -> NonceUse {
        NonceUse {
            consumer_key: consumer_key.into(),
            nonce: nonce.into(),
            timestamp,
        }
    }

    #[test]
    fn a_nonce_is_per_consumer() {
        let mut cache = NonceCache::default();
        assert_eq!(cache.insert(&used("app", "n1", 1_000), 1_000), Ok(()));
        assert!(cache.contains("app", "n1"));
        assert!(!cache.contains("other-app", "n1"));
        assert!(!cache.contains("app", "n2"));
    }

    #[test]
    fn nonces_leave_with_their_window() {
        let mut cache = NonceCache::default();
        assert_eq!(cache.insert(&used("app", "old", 1_000), 1_000), Ok(()));
        assert_eq!(cache.insert(&used("app", "newer", 1_200), 1_200), Ok(()));
        cache.purge(1_000 + TIMESTAMP_WINDOW_SECS);
        assert_eq!(cache.len(), 2);
        cache.purge(1_001 + TIMESTAMP_WINDOW_SECS);
        assert!(!cache.contains("app", "old"));
        assert!(cache.contains("app", "newer"));
        cache.purge(10_000);
        assert_eq!(cache.len(), 0);
    }

    /// A full store of nonces still inside the window refuses a new one and forgets none;
    /// once the oldest leave the window, they make room.
    #[test]
    fn a_full_store_refuses_instead_of_forgetting_a_live_nonce() {
        let mut cache = NonceCache::default();
        for index in 0..MAX_NONCES {
            let timestamp = 1_000 + u64::from(index == MAX_NONCES - 1);
            assert_eq!(
                cache.insert(&used("app", &index.to_string(), timestamp), 1_000),
                Ok(())
            );
        }
        assert_eq!(
            cache.insert(&used("app", "one-too-many", 1_000), 1_000),
            Err(Full)
        );
        // The last second of the oldest nonces' window: they still count.
        assert_eq!(
            cache.insert(&used("app", "one-too-many", 1_300), 1_300),
            Err(Full)
        );
        assert!(cache.contains("app", "0"));
        assert!(!cache.contains("app", "one-too-many"));
        assert_eq!(cache.len(), MAX_NONCES);

        // A second later every nonce signed at 1 000 has left the window; the one signed at
        // 1 001 stays.
        assert_eq!(
            cache.insert(&used("app", "one-too-many", 1_301), 1_301),
            Ok(())
        );
        assert_eq!(cache.len(), 2);
        assert!(!cache.contains("app", "0"));
        assert!(cache.contains("app", &(MAX_NONCES - 1).to_string()));
        assert!(cache.contains("app", "one-too-many"));
    }

    #[test]
    fn remembering_a_remembered_nonce_again_is_not_refused_when_full() {
        let mut cache = NonceCache::with_capacity(1);
        assert_eq!(cache.insert(&used("app", "n1", 1_000), 1_000), Ok(()));
        assert_eq!(cache.insert(&used("app", "n1", 1_000), 1_000), Ok(()));
        assert_eq!(cache.insert(&used("app", "n2", 1_000), 1_000), Err(Full));
        assert_eq!(cache.len(), 1);
    }
}
