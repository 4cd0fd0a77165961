//! Discogs' moving-window rate limit, counted by source IP as Discogs counts it: authenticated
//! requests in one window (60 a minute), unauthenticated ones in another (25).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use discogs_auth_core::RateLimit;

/// The window, in seconds of the stand-in's clock.
const WINDOW_SECS: u64 = 60;

/// Above this many tracked subjects, idle ones are dropped eagerly (at most once per second of
/// the clock, so that many active subjects do not make every request scan them all).
const PURGE_ABOVE_SUBJECTS: usize = 1_000;

/// The window a request is counted in: its source address, and whether it was authenticated.
/// Credentials do not get windows of their own: a client that spreads its calls over several
/// tokens from one address is still counted once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Subject {
    pub(crate) address: IpAddr,
    pub(crate) authenticated: bool,
}

/// The requests counted in the last minute, per subject.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: HashMap<Subject, VecDeque<u64>>,
    /// When the last eager purge ran.
    purged_at: Option<u64>,
}

impl RateLimiter {
    /// Counts one request at `now` against `subject`: `Ok` with the figures after counting it,
    /// or `Err` with the figures of the full window when the limit is reached (the refused
    /// request is not counted).
    pub(crate) fn hit(
        &mut self,
        subject: Subject,
        limit: u32,
        now: u64,
    ) -> Result<RateLimit, RateLimit> {
        if self.windows.len() > PURGE_ABOVE_SUBJECTS && self.purged_at != Some(now) {
            self.purged_at = Some(now);
            self.windows.retain(|_, window| {
                expire(window, now);
                !window.is_empty()
            });
        }
        let window = self.windows.entry(subject).or_default();
        expire(window, now);
        let used = u32::try_from(window.len()).unwrap_or(u32::MAX);
        if used >= limit {
            return Err(RateLimit {
                limit,
                used,
                remaining: 0,
            });
        }
        window.push_back(now);
        Ok(RateLimit {
            limit,
            used: used + 1,
            remaining: limit - used - 1,
        })
    }
}

fn expire(window: &mut VecDeque<u64>, now: u64) {
    while window
        .front()
        .is_some_and(|&at| at.saturating_add(WINDOW_SECS) <= now)
    {
        window.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(limit: u32, used: u32, remaining: u32) -> RateLimit {
        RateLimit {
            limit,
            used,
            remaining,
        }
    }

    /// The window of `address` (`127.0.0.n`) for authenticated requests.
    fn authenticated(n: u8) -> Subject {
        Subject {
            address: IpAddr::from([127, 0, 0, n]),
            authenticated: true,
        }
    }

    /// One of as many authenticated subjects as a test needs, each its own IPv6 address.
    fn numbered(index: usize) -> Subject {
        Subject {
            address: IpAddr::from(std::net::Ipv6Addr::from(index as u128)),
            authenticated: true,
        }
    }

    #[test]
    fn counts_up_to_the_limit_then_refuses_without_counting() {
        let mut limiter = RateLimiter::default();
        let subject = authenticated(1);
        assert_eq!(limiter.hit(subject, 2, 100), Ok(figures(2, 1, 1)));
        assert_eq!(limiter.hit(subject, 2, 110), Ok(figures(2, 2, 0)));
        assert_eq!(limiter.hit(subject, 2, 120), Err(figures(2, 2, 0)));
        assert_eq!(limiter.hit(subject, 2, 120), Err(figures(2, 2, 0)));
        // The window moves: the request at 100 leaves at 160.
        assert_eq!(limiter.hit(subject, 2, 160), Ok(figures(2, 2, 0)));
        assert_eq!(limiter.hit(subject, 2, 171), Ok(figures(2, 2, 0)));
    }

    /// Addresses are counted apart, and so are one address's authenticated and anonymous
    /// requests.
    #[test]
    fn subjects_are_counted_apart() {
        let mut limiter = RateLimiter::default();
        let anonymous = Subject {
            authenticated: false,
            ..authenticated(1)
        };
        assert_eq!(limiter.hit(authenticated(1), 1, 0), Ok(figures(1, 1, 0)));
        assert_eq!(limiter.hit(authenticated(1), 1, 0), Err(figures(1, 1, 0)));
        assert_eq!(limiter.hit(authenticated(2), 1, 0), Ok(figures(1, 1, 0)));
        assert_eq!(limiter.hit(anonymous, 1, 0), Ok(figures(1, 1, 0)));
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let mut limiter = RateLimiter::default();
        assert_eq!(limiter.hit(authenticated(1), 0, 0), Err(figures(0, 0, 0)));
    }

    #[test]
    fn idle_subjects_are_dropped_once_there_are_many() {
        let mut limiter = RateLimiter::default();
        for index in 0..=PURGE_ABOVE_SUBJECTS {
            assert!(limiter.hit(numbered(index), 60, 0).is_ok());
        }
        assert_eq!(limiter.windows.len(), PURGE_ABOVE_SUBJECTS + 1);
        // Still within the window: nothing is idle, nothing dropped.
        assert!(limiter.hit(numbered(usize::MAX - 1), 60, 30).is_ok());
        assert_eq!(limiter.windows.len(), PURGE_ABOVE_SUBJECTS + 2);
        // A minute later every earlier window is empty and goes.
        assert!(limiter.hit(numbered(usize::MAX), 60, 91).is_ok());
        assert_eq!(limiter.windows.len(), 1);
    }

    /// Up to the threshold, idle windows stay: the scan is skipped, as it would drop too little
    /// to pay for itself.
    #[test]
    fn idle_subjects_stay_up_to_the_threshold() {
        let mut limiter = RateLimiter::default();
        for index in 0..PURGE_ABOVE_SUBJECTS {
            assert!(limiter.hit(numbered(index), 60, 0).is_ok());
        }
        // Every window is idle a minute later, yet there are not more than the threshold.
        assert!(limiter.hit(numbered(usize::MAX), 60, 61).is_ok());
        assert_eq!(limiter.windows.len(), PURGE_ABOVE_SUBJECTS + 1);
    }
}
