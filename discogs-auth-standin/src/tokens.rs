//! Issued tokens: pending request tokens (with their approval) and access tokens.

use std::collections::{HashMap, VecDeque};

use discogs_auth_core::encoding::percent_encode;
use discogs_auth_core::{
    Callback, Nonce, REQUEST_TOKEN_LIFETIME_SECS, RandomSourceError, Timestamp, TokenSecret,
};

use crate::{Approval, StandInError};

/// Pending request tokens kept at most; the oldest go first. Bounds what a test (or a loop
/// gone wrong) can make the stand-in hold.
pub(crate) const MAX_PENDING_REQUEST_TOKENS: usize = 10_000;

/// Access tokens kept at most; the oldest are revoked first.
pub(crate) const MAX_ACCESS_TOKENS: usize = 10_000;

/// 128 random bits as 32 hex characters: tokens, secrets and verifiers.
pub(crate) fn random_value() -> Result<String, RandomSourceError> {
    Nonce::generate().map(|nonce| nonce.as_str().to_owned())
}

/// A request token between its issue and its exchange.
pub(crate) struct PendingRequestToken {
    pub(crate) secret: TokenSecret,
    pub(crate) callback: Callback,
    pub(crate) issued_at: Timestamp,
    pub(crate) consumer_key: String,
    /// Set when the user approves; compared in constant time at the exchange.
    pub(crate) verifier: Option<String>,
}

impl PendingRequestToken {
    pub(crate) fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.issued_at.saturating_add(REQUEST_TOKEN_LIFETIME_SECS)
    }
}

/// An access token: which consumer it was issued to (it always acts for the demo user).
pub(crate) struct AccessGrant {
    pub(crate) secret: TokenSecret,
    pub(crate) consumer_key: String,
}

/// A bounded map that forgets its oldest entries first.
pub(crate) struct BoundedMap<V> {
    /// Each value with the sequence number of its insertion.
    entries: HashMap<String, (u64, V)>,
    /// Insertion order; entries removed since linger here until evicted or compacted, and are
    /// recognised by their stale sequence number.
    order: VecDeque<(u64, String)>,
    next_sequence: u64,
    capacity: usize,
}

impl<V> BoundedMap<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            order: VecDeque::new(),
            next_sequence: 0,
            capacity,
        }
    }

    pub(crate) fn insert(&mut self, key: String, value: V) {
        while self.entries.len() >= self.capacity {
            let Some((sequence, oldest)) = self.order.pop_front() else {
                break;
            };
            if self
                .entries
                .get(&oldest)
                .is_some_and(|(s, _)| *s == sequence)
            {
                self.entries.remove(&oldest);
            }
        }
        if self.order.len() >= self.capacity.saturating_mul(2) {
            let entries = &self.entries;
            self.order
                .retain(|(sequence, key)| entries.get(key).is_some_and(|(s, _)| s == sequence));
        }
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.order.push_back((sequence, key.clone()));
        self.entries.insert(key, (sequence, value));
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(_, value)| value)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        self.entries.remove(key).map(|(_, value)| value)
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        self.entries.retain(|_, (_, value)| keep(value));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The user's click on Authorize: attaches a single-use verifier to the request token.
///
/// Approving an approved token again (a double click, a second tab) answers the first
/// approval again, verifier and redirect alike: a fresh verifier would make the redirect the
/// browser may already be following fail with "Invalid verifier.". A click can only approve a
/// token that is still pending and unexpired: a denied or exchanged token is forgotten, so
/// approving it after is refused as unknown, and denying after approving forgets the token
/// and its verifier (the user changed their mind before the application exchanged it).
pub(crate) fn approve(
    pending: &mut BoundedMap<PendingRequestToken>,
    request_token: &str,
    now: Timestamp,
) -> Result<Approval, StandInError> {
    let entry = live_entry(pending, request_token, now)?;
    let verifier = match &entry.verifier {
        Some(verifier) => verifier.clone(),
        None => {
            let verifier = random_value().map_err(StandInError::RandomSource)?;
            entry.verifier = Some(verifier.clone());
            verifier
        }
    };
    let redirect_url = match &entry.callback {
        Callback::OutOfBand => None,
        Callback::Url(url) => Some(with_query(
            url.as_str(),
            &[
                ("oauth_token", request_token),
                ("oauth_verifier", &verifier),
            ],
        )),
    };
    Ok(Approval {
        verifier,
        redirect_url,
    })
}

/// The user's click on Deny: forgets the request token; the redirect (if any) says `denied`.
pub(crate) fn deny(
    pending: &mut BoundedMap<PendingRequestToken>,
    request_token: &str,
    now: Timestamp,
) -> Result<Option<String>, StandInError> {
    live_entry(pending, request_token, now)?;
    let entry = pending
        .remove(request_token)
        .ok_or(StandInError::UnknownRequestToken)?;
    Ok(match entry.callback {
        Callback::OutOfBand => None,
        Callback::Url(url) => Some(with_query(url.as_str(), &[("denied", request_token)])),
    })
}

/// The pending token, if it is known and still valid at `now`. An expired token stays (until
/// evicted) so that the access-token step can still say "expired" rather than "unknown".
pub(crate) fn live_entry<'a>(
    pending: &'a mut BoundedMap<PendingRequestToken>,
    request_token: &str,
    now: Timestamp,
) -> Result<&'a mut PendingRequestToken, StandInError> {
    let entry = pending
        .get_mut(request_token)
        .ok_or(StandInError::UnknownRequestToken)?;
    if entry.is_expired(now) {
        return Err(StandInError::Expired);
    }
    Ok(entry)
}

/// `url` with `pairs` appended to its query (the callback may already have one).
fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    let separator = match url.split_once('?') {
        None => Some('?'),
        Some((_, "")) => None,
        Some((_, query)) if query.ends_with('&') => None,
        Some(_) => Some('&'),
    };
    if let Some(separator) = separator {
        out.push(separator);
    }
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(callback: Callback, issued_at: u64) -> PendingRequestToken {
        PendingRequestToken {
            secret: TokenSecret::new("s").unwrap(),
            callback,
            issued_at: Timestamp::from_unix_seconds(issued_at).unwrap(),
            consumer_key: "app".into(),
            verifier: None,
        }
    }

    fn at(seconds: u64) -> Timestamp {
        Timestamp::from_unix_seconds(seconds).unwrap()
    }

    #[test]
    fn callback_query_is_appended_with_the_right_separator() {
        let pairs = [("oauth_token", "T"), ("oauth_verifier", "V")];
        assert_eq!(
            with_query("http://app/cb", &pairs),
            "http://app/cb?oauth_token=T&oauth_verifier=V"
        );
        assert_eq!(
            with_query("http://app/cb?state=1", &pairs),
            "http://app/cb?state=1&oauth_token=T&oauth_verifier=V"
        );
        assert_eq!(
            with_query("http://app/cb?", &[("denied", "T")]),
            "http://app/cb?denied=T"
        );
        assert_eq!(
            with_query("http://app/cb?a=1&", &[("denied", "a b")]),
            "http://app/cb?a=1&denied=a%20b"
        );
    }

    #[test]
    fn approve_then_deny_and_expiry() {
        let mut map = BoundedMap::new(10);
        map.insert(
            "T".into(),
            pending(Callback::url("http://app/cb").unwrap(), 1_000),
        );
        let approval = approve(&mut map, "T", at(1_100)).unwrap();
        assert_eq!(approval.verifier.len(), 32);
        assert_eq!(
            approval.redirect_url.as_deref(),
            Some(
                format!(
                    "http://app/cb?oauth_token=T&oauth_verifier={}",
                    approval.verifier
                )
                .as_str()
            )
        );
        assert_eq!(
            deny(&mut map, "T", at(1_100)),
            Ok(Some("http://app/cb?denied=T".into()))
        );
        assert_eq!(
            deny(&mut map, "T", at(1_100)),
            Err(StandInError::UnknownRequestToken)
        );

        map.insert("O".into(), pending(Callback::OutOfBand, 1_000));
        assert_eq!(
            approve(&mut map, "O", at(1_000 + 900)),
            Err(StandInError::Expired)
        );
        assert_eq!(
            deny(&mut map, "O", at(1_000 + 900)),
            Err(StandInError::Expired)
        );
        assert!(approve(&mut map, "O", at(1_000 + 899)).is_ok());
    }

    /// A double click on Authorize: the second answers what the first did, so the first
    /// redirect's verifier stays valid. Denying then still forgets the token.
    #[test]
    fn approving_twice_answers_the_first_approval_again() {
        let mut map = BoundedMap::new(10);
        map.insert(
            "T".into(),
            pending(Callback::url("http://app/cb").unwrap(), 1_000),
        );
        let first = approve(&mut map, "T", at(1_100)).unwrap();
        let again = approve(&mut map, "T", at(1_200)).unwrap();
        assert_eq!(again, first);
        assert_eq!(
            map.get("T").and_then(|entry| entry.verifier.as_deref()),
            Some(first.verifier.as_str())
        );
        assert_eq!(
            deny(&mut map, "T", at(1_200)),
            Ok(Some("http://app/cb?denied=T".into()))
        );
        assert_eq!(
            approve(&mut map, "T", at(1_200)),
            Err(StandInError::UnknownRequestToken)
        );

        map.insert("O".into(), pending(Callback::OutOfBand, 1_000));
        let first = approve(&mut map, "O", at(1_100)).unwrap();
        assert_eq!(first.redirect_url, None);
        assert_eq!(approve(&mut map, "O", at(1_100)), Ok(first));
        // An approval does not outlive the token.
        assert_eq!(
            approve(&mut map, "O", at(1_000 + 900)),
            Err(StandInError::Expired)
        );
    }

    #[test]
    fn bounded_map_evicts_the_oldest() {
        let mut map = BoundedMap::new(2);
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("c".into(), 3);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("a"), None);
        assert_eq!(map.get("c"), Some(&3));
        for round in 0..100 {
            map.remove("c");
            map.insert("c".into(), round);
        }
        assert!(map.order.len() <= 4);
        assert_eq!(map.get("b"), Some(&2));
    }

    /// A key inserted again counts from its new insertion: the oldest is the one inserted
    /// longest ago, whatever stale records of other keys the order still holds.
    #[test]
    fn a_key_inserted_again_is_evicted_by_its_new_age() {
        let mut map = BoundedMap::new(3);
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("a".into(), 3);
        map.insert("c".into(), 4);
        map.insert("d".into(), 5);
        assert_eq!(map.get("a"), Some(&3));
        assert_eq!(map.get("b"), None);
        assert_eq!(map.len(), 3);
    }

    /// Compacting the order keeps the live keys' records, so eviction still takes the oldest
    /// live key after removals.
    #[test]
    fn compaction_keeps_the_order_of_live_keys() {
        let mut map = BoundedMap::new(2);
        for gone in ["k1", "k2", "k3"] {
            map.insert(gone.into(), 0);
            map.remove(gone);
        }
        map.insert("k4".into(), 4);
        // Four records for one live key: the next insert compacts them.
        assert_eq!(map.order.len(), 4);
        map.insert("k5".into(), 5);
        assert_eq!(map.order.len(), 2);
        map.insert("k6".into(), 6);
        assert_eq!(map.get("k4"), None);
        assert_eq!(map.get("k5"), Some(&5));
        assert_eq!(map.get("k6"), Some(&6));
    }

    #[test]
    fn retain_keeps_only_what_is_asked_for() {
        let mut map = BoundedMap::new(10);
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            map.insert(key.into(), value);
        }
        map.retain(|value| value % 2 == 1);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("b"), None);
        assert_eq!(map.get("c"), Some(&3));
    }
}
