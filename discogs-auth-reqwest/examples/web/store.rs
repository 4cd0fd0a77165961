//! Server-side state: the pending logins (request tokens waiting for their callback) and the
//! signed-in sessions, each in a map that is bounded in size and forgets entries after a
//! lifetime.
//!
//! Both maps take the current time as an argument, so tests drive the clock; the app passes
//! `Instant::now()`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use discogs_auth_reqwest::{AccessToken, Identity, Nonce, RandomSourceError, RequestToken};

use crate::pages::Problem;

/// The map is full of live entries; nothing was inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFull;

/// A map from string keys to values that live for `lifetime` after insertion, holding at most
/// `capacity` entries.
#[derive(Debug)]
pub struct ExpiringMap<V> {
    entries: HashMap<String, (Instant, V)>,
    capacity: usize,
    lifetime: Duration,
}

impl<V> ExpiringMap<V> {
    /// An empty map.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        Self {
            entries: HashMap::new(),
            capacity,
            lifetime,
        }
    }

    fn is_live(&self, created_at: Instant, now: Instant) -> bool {
        now.saturating_duration_since(created_at) < self.lifetime
    }

    /// Forgets every expired entry.
    pub fn purge_expired(&mut self, now: Instant) {
        let lifetime = self.lifetime;
        self.entries
            .retain(|_, (created_at, _)| now.saturating_duration_since(*created_at) < lifetime);
    }

    /// Whether an insert of a new key would succeed now (expired entries are purged first).
    pub fn has_room(&mut self, now: Instant) -> bool {
        if self.entries.len() >= self.capacity {
            self.purge_expired(now);
        }
        self.entries.len() < self.capacity
    }

    /// Inserts `value` under `key` (replacing an entry with the same key). When the map is full
    /// the expired entries go first; if it is still full, nothing is inserted.
    pub fn insert(&mut self, key: String, value: V, now: Instant) -> Result<(), StoreFull> {
        if !self.entries.contains_key(&key) && !self.has_room(now) {
            return Err(StoreFull);
        }
        self.entries.insert(key, (now, value));
        Ok(())
    }

    /// Like [`ExpiringMap::insert`], but when the map is still full after the purge, the oldest
    /// entry makes room.
    pub fn insert_evicting_oldest(&mut self, key: String, value: V, now: Instant) {
        if !self.entries.contains_key(&key) && !self.has_room(now) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (created_at, _))| *created_at)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        if self.capacity > 0 {
            self.entries.insert(key, (now, value));
        }
    }

    /// The live value under `key`; an expired one is forgotten and not returned.
    pub fn get(&mut self, key: &str, now: Instant) -> Option<&V> {
        self.get_mut(key, now).map(|value| &*value)
    }

    /// The live value under `key`, to change; an expired one is forgotten and not returned.
    pub fn get_mut(&mut self, key: &str, now: Instant) -> Option<&mut V> {
        let created_at = self.entries.get(key)?.0;
        if !self.is_live(created_at, now) {
            self.entries.remove(key);
            return None;
        }
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    /// Removes the entry under `key`, live or not.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.entries.remove(key).map(|(_, value)| value)
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        self.entries.retain(|_, (_, value)| keep(value));
    }
}

/// The random id a browser holds in its `session` cookie: 32 lowercase hex characters from the
/// OS CSPRNG (128 bits). It names server-side state and carries nothing itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// A fresh id.
    pub fn generate() -> Result<Self, RandomSourceError> {
        Ok(Self(Nonce::generate()?.as_str().to_owned()))
    }

    /// An id read from a cookie: anything but 32 lowercase hex characters is ignored.
    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == 32
            && value
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)))
        .then(|| Self(value.to_owned()))
    }

    /// The cookie value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A login between the redirect to the authorize page and the callback.
#[derive(Debug)]
pub struct PendingLogin {
    /// The request token, secret included: it never leaves the server.
    pub request_token: RequestToken,
    /// The browser session that started the flow; only it may finish it.
    pub started_by: SessionId,
    /// Set when the callback first arrives: how finishing the login ended, once it has. Every
    /// request that brings the callback while it is being finished (a double click on
    /// Authorize sends two) waits for it and gets the same answer.
    pub finishing: Option<Arc<watch::Sender<Option<Finished>>>>,
}

/// How a login's callback ended.
#[derive(Debug, Clone)]
pub enum Finished {
    /// Signed in, as this new session.
    SignedIn(SessionId),
    /// The user said no on the authorize page.
    Declined,
    /// The login failed.
    Problem(Problem),
}

/// Pending logins, keyed by the request token's `oauth_token`.
pub type PendingLogins = ExpiringMap<PendingLogin>;

/// A signed-in browser session.
#[derive(Debug)]
pub struct SignedIn {
    /// The access token, kept to call the API for this user (and never shown).
    pub access_token: AccessToken,
    /// Who the user is, fetched once at sign-in.
    pub identity: Identity,
}

/// Signed-in sessions, keyed by session id.
pub type Sessions = ExpiringMap<SignedIn>;
