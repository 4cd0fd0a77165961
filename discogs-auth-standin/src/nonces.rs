//! Replay protection: the nonces each consumer has used within the timestamp window.

use std::collections::{BTreeSet, HashSet};

/// How far a request's timestamp may be from the stand-in's clock, either way.
pub(crate) const TIMESTAMP_WINDOW_SECS: u64 = 300;

/// A hard cap on remembered nonces. The window already bounds them by the request rate; the
/// cap keeps a flood of signed requests from growing memory without limit.
const MAX_NONCES: usize = 100_000;

/// `(consumer key, nonce)` pairs seen, with the timestamp they were signed with.
#[derive(Debug, Default)]
pub(crate) struct NonceCache {
    seen: HashSet<(String, String)>,
    /// The same entries ordered by timestamp, so purging the old ones is cheap.
    by_time: BTreeSet<(u64, String, String)>,
}

impl NonceCache {
    pub(crate) fn contains(&self, consumer_key: &str, nonce: &str) -> bool {
        self.seen
            .contains(&(consumer_key.to_owned(), nonce.to_owned()))
    }

    /// Remembers a nonce signed at `timestamp`, first forgetting every nonce whose timestamp
    /// has left the window at `now`: a request carrying such a timestamp is refused anyway.
    pub(crate) fn insert(&mut self, consumer_key: &str, nonce: &str, timestamp: u64, now: u64) {
        self.purge(now);
        while self.seen.len() >= MAX_NONCES {
            let Some(oldest) = self.by_time.pop_first() else {
                break;
            };
            self.seen.remove(&(oldest.1, oldest.2));
        }
        let key = (consumer_key.to_owned(), nonce.to_owned());
        if self.seen.insert(key) {
            self.by_time
                .insert((timestamp, consumer_key.to_owned(), nonce.to_owned()));
        }
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

    #[test]
    fn a_nonce_is_per_consumer() {
        let mut cache = NonceCache::default();
        cache.insert("app", "n1", 1_000, 1_000);
        assert!(cache.contains("app", "n1"));
        assert!(!cache.contains("other-app", "n1"));
        assert!(!cache.contains("app", "n2"));
    }

    #[test]
    fn nonces_leave_with_their_window() {
        let mut cache = NonceCache::default();
        cache.insert("app", "old", 1_000, 1_000);
        cache.insert("app", "newer", 1_200, 1_200);
        cache.purge(1_000 + TIMESTAMP_WINDOW_SECS);
        assert_eq!(cache.len(), 2);
        cache.purge(1_001 + TIMESTAMP_WINDOW_SECS);
        assert!(!cache.contains("app", "old"));
        assert!(cache.contains("app", "newer"));
        cache.purge(10_000);
        assert_eq!(cache.len(), 0);
    }
}
