//! Everything the stand-in remembers, behind one lock shared by the server and the handle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use discogs_auth_core::{
    Callback, Consumer, ConsumerSecret, PersonalToken, REQUEST_TOKEN_LIFETIME_SECS, Timestamp,
    TokenSecret,
};

use crate::StandInConfig;
use crate::clock::StandInClock;
use crate::nonces::NonceCache;
use crate::rate_limit::RateLimiter;
use crate::reply::Refusal;
use crate::tokens::{
    AccessGrant, BoundedMap, MAX_ACCESS_TOKENS, MAX_PENDING_REQUEST_TOKENS, PendingRequestToken,
    random_value,
};

/// The state shared by every request handler and the [`StandIn`](crate::StandIn) handle. The
/// lock is never held across an `.await`.
pub(crate) type Shared = Arc<Mutex<State>>;

/// Locks the state, or any of the stand-in's other mutexes. A panic while one was held (a
/// bug, in a test) poisons it; the data is still consistent enough for a test fixture, so
/// carry on rather than fail every later test.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Expired request tokens are kept this long after expiry, so that a late exchange is told
/// "expired" rather than "unknown"; then they are dropped to make room.
const EXPIRED_TOKEN_GRACE_SECS: u64 = 60 * 60;

/// An application registered with the stand-in.
pub(crate) struct RegisteredConsumer {
    pub(crate) secret: ConsumerSecret,
    pub(crate) name: &'static str,
}

/// A freshly issued token and its secret.
pub(crate) struct IssuedToken {
    pub(crate) token: String,
    pub(crate) secret: String,
}

pub(crate) struct State {
    pub(crate) config: StandInConfig,
    /// `http://127.0.0.1:PORT`, for the URLs the stand-in hands out.
    pub(crate) base_url: String,
    pub(crate) clock: StandInClock,
    pub(crate) consumers: HashMap<String, RegisteredConsumer>,
    pub(crate) personal_token: PersonalToken,
    pub(crate) pending: BoundedMap<PendingRequestToken>,
    pub(crate) access_tokens: BoundedMap<AccessGrant>,
    pub(crate) nonces: NonceCache,
    pub(crate) limiter: RateLimiter,
}

impl State {
    pub(crate) fn new(
        config: StandInConfig,
        clock: StandInClock,
        base_url: String,
        consumer: Consumer,
        consumer_name: &'static str,
        personal_token: PersonalToken,
    ) -> Self {
        let mut consumers = HashMap::new();
        consumers.insert(
            consumer.key.as_str().to_owned(),
            RegisteredConsumer {
                secret: consumer.secret,
                name: consumer_name,
            },
        );
        Self {
            config,
            base_url,
            clock,
            consumers,
            personal_token,
            pending: BoundedMap::new(MAX_PENDING_REQUEST_TOKENS),
            access_tokens: BoundedMap::new(MAX_ACCESS_TOKENS),
            nonces: NonceCache::default(),
            limiter: RateLimiter::default(),
        }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Issues a request token for `consumer_key`, remembered until exchanged, denied, evicted,
    /// or long expired.
    pub(crate) fn issue_request_token(
        &mut self,
        consumer_key: &str,
        callback: Callback,
    ) -> Result<IssuedToken, Refusal> {
        let now = self.now();
        let kept_for = i64::try_from(REQUEST_TOKEN_LIFETIME_SECS + EXPIRED_TOKEN_GRACE_SECS)
            .unwrap_or(i64::MAX);
        self.pending
            .retain(|entry| now.seconds_since(entry.issued_at) < kept_for);
        let issued = issue()?;
        self.pending.insert(
            issued.token.clone(),
            PendingRequestToken {
                secret: token_secret(&issued.secret)?,
                callback,
                issued_at: now,
                consumer_key: consumer_key.to_owned(),
                verifier: None,
            },
        );
        Ok(issued)
    }

    /// Issues an access token for `consumer_key`, acting for the demo user.
    pub(crate) fn issue_access_token(
        &mut self,
        consumer_key: &str,
    ) -> Result<IssuedToken, Refusal> {
        let issued = issue()?;
        self.access_tokens.insert(
            issued.token.clone(),
            AccessGrant {
                secret: token_secret(&issued.secret)?,
                consumer_key: consumer_key.to_owned(),
            },
        );
        Ok(issued)
    }
}

fn issue() -> Result<IssuedToken, Refusal> {
    let random = || random_value().map_err(|_| Refusal::internal());
    Ok(IssuedToken {
        token: random()?,
        secret: random()?,
    })
}

fn token_secret(secret: &str) -> Result<TokenSecret, Refusal> {
    TokenSecret::new(secret).map_err(|_| Refusal::internal())
}
