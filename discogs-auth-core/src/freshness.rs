//! Time and randomness, as inputs: the nonce and timestamp every OAuth signature carries.
//!
//! Nothing in this crate reads the clock or the OS random source unless the caller asks for it
//! ([`Freshness::generate`], [`SystemClock`], [`OsNonceSource`]), so every signature can be
//! reproduced in a test by passing fixed values.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest nonce accepted. Discogs refuses longer nonces (a 128-character nonce made signed
/// calls fail with a 403 in another client).
pub const MAX_NONCE_LEN: usize = 64;

/// The largest plausible timestamp in seconds (the year 9999). Anything larger is almost
/// certainly milliseconds, which Discogs rejects.
const MAX_TIMESTAMP_SECS: u64 = 253_402_300_799;

/// A nonce or timestamp was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FreshnessError {
    /// The nonce was empty.
    EmptyNonce,
    /// The nonce was longer than [`MAX_NONCE_LEN`] characters.
    NonceTooLong {
        /// Its length in characters (for a nonce this crate sends, unreserved ASCII, also its
        /// length in bytes).
        len: usize,
    },
    /// The nonce holds a character outside `A-Z a-z 0-9 - . _ ~`.
    NonceCharacter,
    /// The timestamp is too large to be seconds since the Unix epoch (milliseconds?).
    TimestampNotSeconds {
        /// The value given.
        value: u64,
    },
    /// The time is before the Unix epoch.
    BeforeEpoch,
}

impl fmt::Display for FreshnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyNonce => f.write_str("oauth_nonce must not be empty"),
            Self::NonceTooLong { len } => write!(
                f,
                "oauth_nonce is {len} characters long; Discogs accepts at most {MAX_NONCE_LEN}"
            ),
            Self::NonceCharacter => f.write_str("oauth_nonce may only contain A-Z a-z 0-9 - . _ ~"),
            Self::TimestampNotSeconds { value } => {
                write!(
                    f,
                    "oauth_timestamp {value} is not in seconds (milliseconds?)"
                )
            }
            Self::BeforeEpoch => f.write_str("the time is before the Unix epoch"),
        }
    }
}

impl std::error::Error for FreshnessError {}

/// A random source failed: the OS's, or a [`NonceSource`] of the caller's own.
#[derive(Debug, Clone)]
pub struct RandomSourceError(RandomSource);

#[derive(Debug, Clone)]
enum RandomSource {
    Os(getrandom::Error),
    Other(Arc<dyn std::error::Error + Send + Sync>),
}

impl RandomSourceError {
    /// The failure of a [`NonceSource`] of the caller's own (a hardware module, a test double),
    /// with its cause.
    ///
    /// ```
    /// use discogs_auth_core::{Nonce, NonceSource, RandomSourceError};
    /// let offline = || -> Result<Nonce, RandomSourceError> {
    ///     Err(RandomSourceError::new("the hardware module is offline"))
    /// };
    /// let error = offline.next_nonce().unwrap_err();
    /// assert_eq!(error.to_string(), "the random source failed: the hardware module is offline");
    /// ```
    pub fn new(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(RandomSource::Other(Arc::from(cause.into())))
    }

    /// What failed: the OS random source's own error, or the cause given to
    /// [`RandomSourceError::new`], which downcasts to its type.
    ///
    /// ```
    /// use discogs_auth_core::RandomSourceError;
    /// #[derive(Debug)]
    /// struct Offline;
    /// impl std::fmt::Display for Offline {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("the hardware module is offline")
    ///     }
    /// }
    /// impl std::error::Error for Offline {}
    ///
    /// let error = RandomSourceError::new(Offline);
    /// assert!(error.cause().downcast_ref::<Offline>().is_some());
    /// ```
    pub fn cause(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        match &self.0 {
            RandomSource::Os(error) => error,
            RandomSource::Other(error) => error.as_ref(),
        }
    }

    fn os(error: getrandom::Error) -> Self {
        Self(RandomSource::Os(error))
    }
}

impl fmt::Display for RandomSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            RandomSource::Os(error) => write!(f, "the OS random source failed: {error}"),
            RandomSource::Other(error) => write!(f, "the random source failed: {error}"),
        }
    }
}

impl std::error::Error for RandomSourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            RandomSource::Os(_) => None,
            // Its message is already in this one's, as with the crate's other wrappers.
            RandomSource::Other(error) => error.source(),
        }
    }
}

/// A whole number of seconds since the Unix epoch (`oauth_timestamp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u64", into = "u64"))]
pub struct Timestamp(u64);

impl Timestamp {
    /// A timestamp from seconds since the Unix epoch. Values too large to be seconds (such as
    /// milliseconds) are refused.
    ///
    /// ```
    /// use discogs_auth_core::{FreshnessError, Timestamp};
    /// assert_eq!(Timestamp::from_unix_seconds(137131202).unwrap().to_string(), "137131202");
    /// assert_eq!(
    ///     Timestamp::from_unix_seconds(1_700_000_000_000),
    ///     Err(FreshnessError::TimestampNotSeconds { value: 1_700_000_000_000 })
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`FreshnessError::TimestampNotSeconds`] for a value past the year 9999, most likely
    /// milliseconds.
    pub fn from_unix_seconds(seconds: u64) -> Result<Self, FreshnessError> {
        if seconds > MAX_TIMESTAMP_SECS {
            return Err(FreshnessError::TimestampNotSeconds { value: seconds });
        }
        Ok(Self(seconds))
    }

    /// The whole seconds of a [`SystemTime`] (fractions are dropped).
    ///
    /// # Errors
    ///
    /// [`FreshnessError::BeforeEpoch`] for a time before 1970; past the year 9999, as
    /// [`Timestamp::from_unix_seconds`].
    pub fn from_system_time(time: SystemTime) -> Result<Self, FreshnessError> {
        let since_epoch = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| FreshnessError::BeforeEpoch)?;
        Self::from_unix_seconds(since_epoch.as_secs())
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        SystemClock.now()
    }

    /// Seconds since the Unix epoch.
    pub fn as_unix_seconds(self) -> u64 {
        self.0
    }

    /// This timestamp as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0)
    }

    /// `self + seconds`, capped at the largest valid timestamp.
    #[must_use = "returns the later timestamp; `self` is not changed"]
    pub fn saturating_add(self, seconds: u64) -> Self {
        Self(self.0.saturating_add(seconds).min(MAX_TIMESTAMP_SECS))
    }

    /// `self - other` in seconds, negative when `other` is later.
    pub fn seconds_since(self, other: Timestamp) -> i64 {
        // Both are at most MAX_TIMESTAMP_SECS, which fits in i64.
        self.0 as i64 - other.0 as i64
    }

    /// How many seconds apart the two are, either way: what a provider holds against its
    /// window.
    ///
    /// ```
    /// use discogs_auth_core::{CLOCK_SKEW_TOLERANCE_SECS, Timestamp};
    /// let now = Timestamp::from_unix_seconds(1_700_000_000)?;
    /// let signed_at = Timestamp::from_unix_seconds(1_700_000_400)?;
    /// assert_eq!(signed_at.abs_diff(now), 400);
    /// assert_eq!(now.abs_diff(signed_at), 400);
    /// assert!(signed_at.abs_diff(now) > CLOCK_SKEW_TOLERANCE_SECS);
    /// # Ok::<(), discogs_auth_core::FreshnessError>(())
    /// ```
    pub fn abs_diff(self, other: Timestamp) -> u64 {
        self.0.abs_diff(other.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl TryFrom<u64> for Timestamp {
    type Error = FreshnessError;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::from_unix_seconds(value)
    }
}

impl From<Timestamp> for u64 {
    fn from(value: Timestamp) -> u64 {
        value.0
    }
}

/// A nonce (`oauth_nonce`): 1 to 64 characters from `A-Z a-z 0-9 - . _ ~`.
///
/// Held inline (at most [`MAX_NONCE_LEN`] bytes), so a nonce costs no heap allocation: one is
/// made for every signed request.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nonce {
    /// The characters in `bytes[..len]`; every byte past `len` is zero, so the derived
    /// equality and hash are those of the text.
    bytes: [u8; MAX_NONCE_LEN],
    len: u8,
}

impl Nonce {
    /// Validates a nonce given by the caller.
    ///
    /// ```
    /// use discogs_auth_core::{FreshnessError, Nonce};
    /// assert_eq!(Nonce::new("chapoH").unwrap().as_str(), "chapoH");
    /// assert_eq!(Nonce::new("x".repeat(65)), Err(FreshnessError::NonceTooLong { len: 65 }));
    /// ```
    ///
    /// # Errors
    ///
    /// [`FreshnessError::EmptyNonce`] for an empty `value`; [`FreshnessError::NonceCharacter`]
    /// for a character outside `A-Z a-z 0-9 - . _ ~`; [`FreshnessError::NonceTooLong`] past
    /// [`MAX_NONCE_LEN`] characters. Checked in that order.
    pub fn new(value: impl AsRef<str>) -> Result<Self, FreshnessError> {
        let value = value.as_ref().as_bytes();
        if value.is_empty() {
            return Err(FreshnessError::EmptyNonce);
        }
        // The characters first: once they are all ASCII, bytes and characters are one count.
        if !crate::encoding::is_all_unreserved(value) {
            return Err(FreshnessError::NonceCharacter);
        }
        if value.len() > MAX_NONCE_LEN {
            return Err(FreshnessError::NonceTooLong { len: value.len() });
        }
        Ok(Self::from_unreserved(value))
    }

    /// `value`, already checked: 1 to [`MAX_NONCE_LEN`] unreserved ASCII bytes.
    fn from_unreserved(value: &[u8]) -> Self {
        let mut bytes = [0; MAX_NONCE_LEN];
        bytes[..value.len()].copy_from_slice(value);
        Self {
            bytes,
            // At most MAX_NONCE_LEN (64), so it fits.
            len: value.len() as u8,
        }
    }

    /// 32 hexadecimal characters from 16 bytes of the OS CSPRNG.
    ///
    /// The bytes are drawn from a per-thread batch of OS random bytes, each byte handed out
    /// once and erased, so that the system call is paid once per 64 nonces rather than for
    /// every nonce (see `BENCHMARKS.md` for why this is as sound as a call per nonce).
    ///
    /// # Errors
    ///
    /// [`RandomSourceError`] when the OS random source fails.
    pub fn generate() -> Result<Self, RandomSourceError> {
        let mut random = [0u8; NONCE_RANDOM_BYTES];
        take_random(&mut random)?;
        Ok(Self::from_unreserved(&hex(&random)))
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        // Only unreserved ASCII is ever stored, so this never falls back.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Nonce").field(&self.as_str()).finish()
    }
}

/// Random bytes behind each generated nonce (128 bits).
const NONCE_RANDOM_BYTES: usize = 16;

/// OS random bytes fetched per system call: 64 nonces' worth.
///
/// One `getrandom` call costs about as much as generating and formatting a whole signed request
/// (≈ 250 ns, nearly all of it the system call, whatever the size up to a few hundred bytes), so
/// asking the OS for one batch and handing out slices of it divides that cost by 64. 1 KiB per
/// thread that signs requests is the whole memory cost.
const RANDOM_BATCH: usize = 64 * NONCE_RANDOM_BYTES;

/// A batch of bytes from the OS CSPRNG, handed out front to back, each byte once.
struct RandomBatch {
    bytes: [u8; RANDOM_BATCH],
    /// How many bytes from the front have been handed out (and erased).
    used: usize,
}

thread_local! {
    // Starts exhausted: the first request fills it. Per thread, so no lock is taken and no two
    // threads can ever be handed the same bytes.
    static RANDOM: RefCell<RandomBatch> = const {
        RefCell::new(RandomBatch { bytes: [0; RANDOM_BATCH], used: RANDOM_BATCH })
    };
}

/// Fills `out` with bytes from the OS CSPRNG, taken from this thread's batch.
///
/// Why this is as sound as calling `getrandom` for every nonce:
/// - every byte still comes from the OS CSPRNG (`getrandom::fill`), unmodified;
/// - every byte is handed out at most once: the batch is consumed front to back, and a taken
///   slice is zeroed at once, so it exists nowhere but in the caller's buffer;
/// - a batch belongs to one thread (`thread_local!`), so concurrent callers never share one;
/// - when the OS source fails, nothing is handed out and the error is returned, as before.
///
/// Nonces are public values whose only job is to be unique, not secret; the one case that could
/// repeat bytes is a process that `fork`s (without `exec`) after this thread used part of a
/// batch: parent and child then hold the same remaining bytes. Their nonces would collide, and
/// the provider would refuse the later request as a replay: a failed request, never a forged
/// or leaked one. (Spawning a child process with `std::process::Command` execs, and is safe.)
pub(crate) fn take_random(out: &mut [u8]) -> Result<(), RandomSourceError> {
    if out.len() > RANDOM_BATCH {
        // Larger than a batch: straight from the OS.
        return getrandom::fill(out).map_err(RandomSourceError::os);
    }
    RANDOM.with_borrow_mut(|batch| {
        if RANDOM_BATCH - batch.used < out.len() {
            getrandom::fill(&mut batch.bytes).map_err(RandomSourceError::os)?;
            batch.used = 0;
        }
        let taken = &mut batch.bytes[batch.used..batch.used + out.len()];
        out.copy_from_slice(taken);
        taken.fill(0);
        batch.used += out.len();
        Ok(())
    })
}

/// `bytes` as lowercase hexadecimal, two digits per byte.
fn hex(bytes: &[u8; NONCE_RANDOM_BYTES]) -> [u8; 2 * NONCE_RANDOM_BYTES] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 2 * NONCE_RANDOM_BYTES];
    for (pair, &byte) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    digits
}

/// A source of the current time. Implemented by [`SystemClock`], [`OffsetClock`], and any
/// `Fn() -> Timestamp` closure (a manual clock in tests).
pub trait Clock {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        // A clock before 1970 or past 9999 is broken beyond what a timestamp can say; pin it to
        // the nearest valid value rather than fail every request.
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => Timestamp(elapsed.as_secs().min(MAX_TIMESTAMP_SECS)),
            Err(_) => Timestamp(0),
        }
    }
}

/// Another clock shifted by a fixed number of seconds: the fix for a machine whose clock is off
/// (Discogs refuses request tokens whose timestamp is too far from its own time).
#[derive(Debug, Clone, Copy, Default)]
pub struct OffsetClock<C = SystemClock> {
    /// The underlying clock.
    pub inner: C,
    /// Seconds added to it (negative to go back).
    pub offset_seconds: i64,
}

impl OffsetClock {
    /// The system clock shifted by `offset_seconds`: `OffsetClock::new(-skew_seconds)` corrects
    /// the skew a [`ReplyError::ClockSkew`](crate::ReplyError::ClockSkew) reports.
    ///
    /// ```
    /// use discogs_auth_core::{Clock, OffsetClock, SystemClock};
    /// let behind = OffsetClock::new(-600);
    /// let difference = SystemClock.now().seconds_since(behind.now());
    /// assert!((600..=601).contains(&difference));
    /// ```
    pub fn new(offset_seconds: i64) -> Self {
        Self::with_clock(SystemClock, offset_seconds)
    }
}

impl<C> OffsetClock<C> {
    /// `inner` shifted by `offset_seconds` (negative to go back).
    pub fn with_clock(inner: C, offset_seconds: i64) -> Self {
        Self {
            inner,
            offset_seconds,
        }
    }
}

impl<C: Clock> Clock for OffsetClock<C> {
    fn now(&self) -> Timestamp {
        let base = self.inner.now().0;
        let shifted = base.saturating_add_signed(self.offset_seconds);
        Timestamp(shifted.min(MAX_TIMESTAMP_SECS))
    }
}

impl<F: Fn() -> Timestamp> Clock for F {
    fn now(&self) -> Timestamp {
        self()
    }
}

/// A source of nonces. Implemented by [`OsNonceSource`] and any
/// `Fn() -> Result<Nonce, RandomSourceError>` closure.
pub trait NonceSource {
    /// A nonce never handed out before.
    ///
    /// # Errors
    ///
    /// [`RandomSourceError`] when no nonce can be made ([`RandomSourceError::new`] for a source of
    /// your own): a [`Session`](crate::Session) then sends nothing.
    fn next_nonce(&self) -> Result<Nonce, RandomSourceError>;
}

/// Nonces from the OS CSPRNG ([`Nonce::generate`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsNonceSource;

impl NonceSource for OsNonceSource {
    fn next_nonce(&self) -> Result<Nonce, RandomSourceError> {
        Nonce::generate()
    }
}

impl<F: Fn() -> Result<Nonce, RandomSourceError>> NonceSource for F {
    fn next_nonce(&self) -> Result<Nonce, RandomSourceError> {
        self()
    }
}

/// The nonce and timestamp of one signed request. Every signing call takes one, so a test can
/// pin both and get byte-exact headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    /// `oauth_nonce`.
    pub nonce: Nonce,
    /// `oauth_timestamp`.
    pub timestamp: Timestamp,
}

impl Freshness {
    /// Fixed values, for tests and replays.
    ///
    /// ```
    /// use discogs_auth_core::Freshness;
    /// let fixed = Freshness::new("chapoH", 137131202).unwrap();
    /// assert_eq!(fixed.timestamp.as_unix_seconds(), 137131202);
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Nonce::new`] for `nonce`, then as [`Timestamp::from_unix_seconds`] for
    /// `unix_seconds`.
    pub fn new(nonce: impl AsRef<str>, unix_seconds: u64) -> Result<Self, FreshnessError> {
        Ok(Self {
            nonce: Nonce::new(nonce)?,
            timestamp: Timestamp::from_unix_seconds(unix_seconds)?,
        })
    }

    /// A fresh nonce from the OS CSPRNG and the system clock's time.
    ///
    /// # Errors
    ///
    /// As [`Nonce::generate`].
    pub fn generate() -> Result<Self, RandomSourceError> {
        Self::from_sources(&OsNonceSource, &SystemClock)
    }

    /// A nonce and a time from the given sources.
    ///
    /// # Errors
    ///
    /// What `nonces` returns ([`NonceSource::next_nonce`]), unchanged.
    pub fn from_sources(
        nonces: &(impl NonceSource + ?Sized),
        clock: &(impl Clock + ?Sized),
    ) -> Result<Self, RandomSourceError> {
        Ok(Self {
            nonce: nonces.next_nonce()?,
            timestamp: clock.now(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_convert_to_system_time_and_back() {
        let timestamp = Timestamp::from_unix_seconds(137_131_200).unwrap();
        assert_eq!(
            timestamp.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(137_131_200)
        );
        assert_eq!(
            Timestamp::from_system_time(timestamp.to_system_time()),
            Ok(timestamp)
        );
    }

    /// The distance either way, up to the widest two timestamps can be apart.
    #[test]
    fn timestamps_are_apart_by_the_same_seconds_either_way() {
        let at = |seconds| Timestamp::from_unix_seconds(seconds).unwrap();
        assert_eq!(at(1_700_000_400).abs_diff(at(1_700_000_000)), 400);
        assert_eq!(at(1_700_000_000).abs_diff(at(1_700_000_400)), 400);
        assert_eq!(at(7).abs_diff(at(7)), 0);
        assert_eq!(at(0).abs_diff(at(MAX_TIMESTAMP_SECS)), MAX_TIMESTAMP_SECS);
        assert_eq!(
            at(1_700_000_000).seconds_since(at(1_700_000_400)),
            -400,
            "the signed difference is the same distance"
        );
    }

    #[test]
    fn random_source_errors_say_what_failed() {
        let error = RandomSourceError::os(getrandom::Error::UNSUPPORTED);
        assert_eq!(
            error.to_string(),
            format!(
                "the OS random source failed: {}",
                getrandom::Error::UNSUPPORTED
            )
        );
        assert!(error.to_string().len() > "the OS random source failed: ".len());
        assert_eq!(
            error.cause().downcast_ref::<getrandom::Error>(),
            Some(&getrandom::Error::UNSUPPORTED)
        );
    }

    /// A caller's failure reads as the crate's wrappers do: its message in this one's, its
    /// cause as the source.
    #[test]
    fn a_caller_s_random_source_error_keeps_its_cause() {
        let error = RandomSourceError::new(crate::oauth::test_support::CallerError {
            message: "the hardware module is offline",
            cause: std::io::Error::other("no reply on the bus"),
        });
        assert_eq!(
            error.to_string(),
            "the random source failed: the hardware module is offline"
        );
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("no reply on the bus"));
        let cause = error
            .cause()
            .downcast_ref::<crate::oauth::test_support::CallerError>();
        assert_eq!(
            cause.map(|cause| cause.message),
            Some("the hardware module is offline")
        );
    }

    /// Inline nonces compare, hash and print as their text, whatever their length.
    #[test]
    fn nonces_are_their_text() {
        let short = Nonce::new("ab").unwrap();
        let long = Nonce::new("a".repeat(MAX_NONCE_LEN)).unwrap();
        assert_eq!(short.as_str(), "ab");
        assert_eq!(long.as_str(), "a".repeat(64));
        assert_ne!(short, Nonce::new("abc").unwrap());
        assert_eq!(short, Nonce::new(String::from("ab")).unwrap());
        assert_eq!(format!("{short:?}"), "Nonce(\"ab\")");
    }

    #[test]
    fn generated_nonces_are_32_hex_characters_and_differ() {
        let first = Nonce::generate().unwrap();
        let second = Nonce::generate().unwrap();
        assert_eq!(first.as_str().len(), 32);
        assert!(first.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    /// Batched random bytes: never the same bytes twice, across refills and threads.
    #[test]
    fn random_bytes_are_handed_out_once() {
        let mut seen = std::collections::HashSet::new();
        // Three batches' worth, so the batch is refilled at least twice.
        for _ in 0..3 * RANDOM_BATCH / NONCE_RANDOM_BYTES {
            let mut bytes = [0u8; NONCE_RANDOM_BYTES];
            take_random(&mut bytes).unwrap();
            assert!(seen.insert(bytes), "a 16-byte draw repeated");
        }
        let other_thread = std::thread::spawn(|| {
            (0..RANDOM_BATCH / NONCE_RANDOM_BYTES)
                .map(|_| {
                    let mut bytes = [0u8; NONCE_RANDOM_BYTES];
                    take_random(&mut bytes).unwrap();
                    bytes
                })
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        for bytes in other_thread {
            assert!(seen.insert(bytes), "two threads drew the same bytes");
        }
        // Odd sizes, and a request larger than a batch.
        let mut odd = [0u8; 7];
        take_random(&mut odd).unwrap();
        let mut large = vec![0u8; RANDOM_BATCH + 1];
        take_random(&mut large).unwrap();
        assert!(large.iter().any(|&byte| byte != 0));
    }

    #[test]
    fn nonce_limits() {
        assert!(Nonce::new("a".repeat(64)).is_ok());
        assert_eq!(
            Nonce::new("a".repeat(128)),
            Err(FreshnessError::NonceTooLong { len: 128 })
        );
        assert_eq!(Nonce::new(""), Err(FreshnessError::EmptyNonce));
        assert_eq!(Nonce::new("a b"), Err(FreshnessError::NonceCharacter));
        assert_eq!(Nonce::new("a\r\nb"), Err(FreshnessError::NonceCharacter));
    }

    /// Pitfall: a millisecond timestamp made other clients' signed calls fail with a 403.
    #[test]
    fn millisecond_timestamps_are_refused() {
        let millis = 1_732_000_000_123;
        assert_eq!(
            Timestamp::from_unix_seconds(millis),
            Err(FreshnessError::TimestampNotSeconds { value: millis })
        );
        let now = Timestamp::now().as_unix_seconds();
        assert!((1_700_000_000..10_000_000_000).contains(&now), "{now}");
    }

    #[test]
    fn system_time_conversion_drops_fractions() {
        let time = UNIX_EPOCH + Duration::from_millis(137_131_202_999);
        assert_eq!(
            Timestamp::from_system_time(time).unwrap().as_unix_seconds(),
            137_131_202
        );
    }

    #[test]
    fn offset_clock_shifts_both_ways() {
        let fixed = || Timestamp::from_unix_seconds(1_000).unwrap();
        let ahead = OffsetClock::with_clock(fixed, 300);
        let behind = OffsetClock::with_clock(fixed, -2_000);
        assert_eq!(ahead.now().as_unix_seconds(), 1_300);
        assert_eq!(behind.now().as_unix_seconds(), 0);
    }

    #[test]
    fn freshness_from_injected_sources() {
        let nonces = || Ok(Nonce::new("fixed").expect("a valid nonce"));
        let clock = || Timestamp::from_unix_seconds(42).unwrap();
        let freshness = Freshness::from_sources(&nonces, &clock).unwrap();
        assert_eq!(freshness, Freshness::new("fixed", 42).unwrap());
    }
}
