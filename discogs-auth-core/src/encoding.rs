//! Percent-encoding (RFC 5849 §3.6) and `application/x-www-form-urlencoded` parsing.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~` (RFC 5849 §3.6).
pub const OAUTH_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whether `byte` is left as it is by [`percent_encode`].
const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// [`is_unreserved`] as a table: the encoders below run once per byte of every header and
/// base string, and a lookup is cheaper than the comparisons.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_unreserved(byte as u8);
        byte += 1;
    }
    table
};

/// Uppercase hexadecimal digits (RFC 5849 §3.6 wants uppercase).
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The length of the run of unreserved bytes `bytes` starts with.
///
/// Headers and base strings are mostly unreserved text, so this is where encoding spends its
/// time.
fn unreserved_run(bytes: &[u8]) -> usize {
    accepted_run(bytes, |byte| (UNRESERVED[usize::from(byte)], 0)).0
}

/// The length of the run of bytes that `class` accepts at the start of `bytes`, and the marks
/// `class` gives those bytes, OR-ed together.
///
/// Eight lookups are combined without a branch between them, and the byte-by-byte search only
/// runs inside the word where the run ends: every byte of every header, base string and
/// parsed parameter name passes through here.
pub(crate) fn accepted_run(bytes: &[u8], class: impl Fn(u8) -> (bool, u8)) -> (usize, u8) {
    let mut run = 0;
    let mut marks = 0;
    for word in bytes.chunks_exact(8) {
        let (all, any) = word.iter().fold((true, 0), |(all, any), &byte| {
            let (accepted, mark) = class(byte);
            (all & accepted, any | mark)
        });
        if !all {
            break;
        }
        marks |= any;
        run += 8;
    }
    for &byte in &bytes[run..] {
        let (accepted, mark) = class(byte);
        if !accepted {
            break;
        }
        marks |= mark;
        run += 1;
    }
    (run, marks)
}

/// Printable ASCII, `0x20..=0x7E`: what credentials, URLs and tokens are made of.
const PRINTABLE_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0x20;
    while byte < 0x7f {
        table[byte] = true;
        byte += 1;
    }
    table
};

/// Whether `value` holds a control character (as [`char::is_control`]: C0, DEL or C1). Every
/// credential and URL is checked when it is made, and tokens come with each reply: a run of
/// printable ASCII is told eight bytes a step, and only what follows it is read char by char.
pub(crate) fn has_control(value: &str) -> bool {
    let (printable, _) = accepted_run(value.as_bytes(), |byte| {
        (PRINTABLE_ASCII[usize::from(byte)], 0)
    });
    // The run is ASCII, so it ends on a char boundary.
    value[printable..].chars().any(char::is_control)
}

/// How many bytes of `value` percent-encoding escapes: `enc(value)` is `2 * n` bytes longer.
/// Lets a header be sized exactly before it is written.
pub(crate) fn reserved_count(value: &[u8]) -> usize {
    value
        .iter()
        .map(|&byte| usize::from(!UNRESERVED[usize::from(byte)]))
        .sum()
}

/// The length of `enc(value)`.
pub(crate) fn encoded_len(value: &[u8]) -> usize {
    value.len() + 2 * reserved_count(value)
}

/// Text about to be percent-encoded, and whether it is known to be all unreserved, so that
/// encoding it is a copy. Credentials find that out once, when they are made, so that a header
/// or a signature need not scan them again.
#[derive(Clone, Copy)]
pub(crate) struct KnownText<'a> {
    pub text: &'a str,
    pub unreserved: bool,
}

impl<'a> KnownText<'a> {
    /// Text not known to be unreserved: it is encoded as it is written.
    pub(crate) fn to_encode(text: &'a str) -> Self {
        Self {
            text,
            unreserved: false,
        }
    }

    /// Text that is all unreserved, by its type (a nonce, a timestamp's digits, a signature
    /// method's name): encoding it, however often, is a copy.
    pub(crate) fn unreserved(text: &'a str) -> Self {
        debug_assert!(is_all_unreserved(text.as_bytes()), "{text:?} is unreserved");
        Self {
            text,
            unreserved: true,
        }
    }

    /// The length of `enc(text)`.
    pub(crate) fn encoded_len(self) -> usize {
        if self.unreserved {
            self.text.len()
        } else {
            encoded_len(self.text.as_bytes())
        }
    }

    /// Appends `enc(text)` to `out`.
    pub(crate) fn push_encoded(self, out: &mut Vec<u8>) {
        if self.unreserved {
            out.extend_from_slice(self.text.as_bytes());
        } else {
            push_encoded(out, self.text.as_bytes());
        }
    }

    /// At least the length of `enc(enc(text))`, without counting the escapes.
    pub(crate) fn encoded_twice_len_at_most(self) -> usize {
        if self.unreserved {
            self.text.len()
        } else {
            ENCODED_TWICE_AT_MOST * self.text.len()
        }
    }

    /// Appends `enc(enc(text))` to `out`.
    pub(crate) fn push_encoded_twice(self, out: &mut Vec<u8>) {
        if self.unreserved {
            out.extend_from_slice(self.text.as_bytes());
        } else {
            push_encoded_twice(out, self.text.as_bytes());
        }
    }
}

/// How many bytes percent-encoding makes of one byte at most: `%XX`.
pub(crate) const ENCODED_AT_MOST: usize = 3;

/// How many bytes encoding twice makes of one byte at most: `%25XX`.
pub(crate) const ENCODED_TWICE_AT_MOST: usize = 5;

/// Appends the percent-encoding of `value` (as [`percent_encode`]) to `out`: runs of unreserved
/// bytes are copied whole, every other byte becomes `%XX`.
pub(crate) fn push_encoded(out: &mut Vec<u8>, value: &[u8]) {
    push_escaped(out, value, |byte| {
        let [high, low] = hex_digits(byte);
        [b'%', high, low]
    });
}

/// Appends `enc(enc(value))` to `out` in one pass: the form a parameter takes inside a signature
/// base string, or a PLAINTEXT signature inside the header. Encoding an encoded value again
/// only turns each `%` into `%25`, so every byte that is not unreserved becomes `%25XX`.
pub(crate) fn push_encoded_twice(out: &mut Vec<u8>, value: &[u8]) {
    push_escaped(out, value, escaped_twice);
}

/// `byte`, not unreserved, encoded twice: `%25XX`.
fn escaped_twice(byte: u8) -> [u8; 5] {
    let [high, low] = hex_digits(byte);
    [b'%', b'2', b'5', high, low]
}

/// The two uppercase hexadecimal digits of `byte`.
fn hex_digits(byte: u8) -> [u8; 2] {
    [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]]
}

/// Appends `value` with runs of unreserved bytes copied whole and every other byte written as
/// `escape` makes it. The escape is an array, so that its length is known where it is copied:
/// callbacks and signatures escape every few bytes.
fn push_escaped<const LEN: usize>(
    out: &mut Vec<u8>,
    value: &[u8],
    escape: impl Fn(u8) -> [u8; LEN],
) {
    let mut rest = value;
    loop {
        let run = unreserved_run(rest);
        out.extend_from_slice(&rest[..run]);
        let Some((&byte, tail)) = rest[run..].split_first() else {
            return;
        };
        out.extend_from_slice(&escape(byte));
        rest = tail;
    }
}

/// The bits in which two slices of the same length differ, OR-ed together, eight bytes a step.
pub(crate) fn bytes_difference(a: &[u8], b: &[u8]) -> u64 {
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let mut difference = 0;
    for (x, y) in a_words.by_ref().zip(b_words.by_ref()) {
        difference |= word(x) ^ word(y);
    }
    for (x, y) in a_words.remainder().iter().zip(b_words.remainder()) {
        difference |= u64::from(x ^ y);
    }
    difference
}

/// Eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// Whether every byte of `bytes` is unreserved (left as it is by percent-encoding).
pub(crate) fn is_all_unreserved(bytes: &[u8]) -> bool {
    unreserved_run(bytes) == bytes.len()
}

/// Appends `value` encoded as `application/x-www-form-urlencoded` (the WHATWG URL standard's
/// serializer): `A-Z a-z 0-9 * - . _` as they are, a space as `+`, every other byte `%XX`. This
/// is how Discogs Auth credentials go into a query (not the OAuth encoding above).
pub(crate) fn push_form_encoded(out: &mut String, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                let [high, low] = hex_digits(byte);
                out.extend(['%', char::from(high), char::from(low)]);
            }
        }
    }
}

/// Compares `enc(a)` with `enc(b)` byte by byte (the order of the signature base string,
/// RFC 5849 §3.4.1.3.2) without encoding either.
///
/// A shared prefix encodes identically, so only the first differing bytes matter. Two
/// unreserved bytes, or two `%XX` escapes (uppercase hex keeps byte order), compare as the bytes
/// do; an escape starts with `%`, which sorts before every unreserved byte.
pub(crate) fn cmp_encoded(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(common), b.get(common)) {
        (Some(&x), Some(&y)) => match (UNRESERVED[usize::from(x)], UNRESERVED[usize::from(y)]) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => x.cmp(&y),
        },
        // One is a prefix of the other (or they are equal).
        _ => a.len().cmp(&b.len()),
    }
}

/// Percent-encodes `value` as RFC 5849 §3.6 requires: UTF-8, uppercase hex, only
/// `A-Z a-z 0-9 - . _ ~` left as they are (a space is `%20`, never `+`).
///
/// ```
/// use discogs_auth_core::encoding::percent_encode;
/// assert_eq!(percent_encode("a b&c=d~é"), "a%20b%26c%3Dd~%C3%A9");
/// ```
pub fn percent_encode(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, OAUTH_ENCODE_SET).into()
}

/// A percent-encoded value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` not followed by two hexadecimal digits.
    BadPercentEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadPercentEscape => {
                f.write_str("a '%' is not followed by two hexadecimal digits")
            }
            Self::NotUtf8 => f.write_str("the decoded value is not UTF-8"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Strictly decodes a percent-encoded value (`+` stays `+`): every `%` must start a valid escape
/// and the result must be UTF-8.
///
/// ```
/// use discogs_auth_core::encoding::{percent_decode, DecodeError};
/// assert_eq!(percent_decode("kd94hf93k423kf44%26").unwrap(), "kd94hf93k423kf44&");
/// assert_eq!(percent_decode("100%"), Err(DecodeError::BadPercentEscape));
/// ```
///
/// # Errors
///
/// [`DecodeError::BadPercentEscape`] for a `%` not followed by two hexadecimal digits (checked
/// before UTF-8), [`DecodeError::NotUtf8`] when the decoded bytes are not UTF-8.
pub fn percent_decode(value: &str) -> Result<Cow<'_, str>, DecodeError> {
    // Most values have no `%` at all.
    let bytes = value.as_bytes();
    let Some(mut escape) = find_byte(bytes, b'%') else {
        // Nothing to decode: the input is already the (UTF-8) answer.
        return Ok(Cow::Borrowed(value));
    };
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    loop {
        decoded.extend_from_slice(&bytes[copied..escape]);
        let digits = bytes.get(escape + 1..escape + 3).unwrap_or_default();
        let (high, low) = match digits {
            [high, low] => hex_value(*high).zip(hex_value(*low)),
            _ => None,
        }
        .ok_or(DecodeError::BadPercentEscape)?;
        decoded.push(high << 4 | low);
        copied = escape + 3;
        match find_byte(&bytes[copied..], b'%') {
            Some(next) => escape = copied + next,
            None => break,
        }
    }
    decoded.extend_from_slice(&bytes[copied..]);
    // Every escape is checked before UTF-8, so a bad escape is reported first, as before.
    String::from_utf8(decoded)
        .map(Cow::Owned)
        .map_err(|_| DecodeError::NotUtf8)
}

/// `text` as a number if it is only ASCII digits (no sign or spaces, unlike `str::parse`) and
/// fits: how timestamps and rate-limit counts are read.
pub(crate) fn decimal_digits(text: &str) -> Option<u64> {
    let digits = text.as_bytes();
    if digits.is_empty() {
        return None;
    }
    let digit = |byte: u8| Some(u64::from(byte.wrapping_sub(b'0'))).filter(|digit| *digit < 10);
    // Nineteen digits always fit in a `u64`: only longer numbers need checked arithmetic.
    let (head, tail) = digits.split_at(digits.len().min(19));
    let head = head
        .iter()
        .try_fold(0, |number: u64, &byte| Some(number * 10 + digit(byte)?))?;
    tail.iter().try_fold(head, |number, &byte| {
        number.checked_mul(10)?.checked_add(digit(byte)?)
    })
}

/// Appends what [`percent_decode`] makes of `value` to `out`, with the same errors, and
/// without a buffer of its own while the escapes stand for ASCII (as in every OAuth header
/// Discogs or this crate writes): only a value with an escaped non-ASCII byte is decoded apart.
/// On an error `out` is left as it was.
pub(crate) fn push_decoded(out: &mut String, value: &str) -> Result<(), DecodeError> {
    let start = out.len();
    let bytes = value.as_bytes();
    let mut copied = 0;
    while let Some(offset) = find_byte(&bytes[copied..], b'%') {
        let escape = copied + offset;
        let decoded = match bytes.get(escape + 1..escape + 3) {
            Some(&[high, low]) => hex_value(high).zip(hex_value(low)),
            _ => None,
        }
        .map(|(high, low)| high << 4 | low);
        let Some(byte) = decoded.filter(u8::is_ascii) else {
            out.truncate(start);
            return percent_decode(value).map(|decoded| out.push_str(&decoded));
        };
        // `escape` is a `%` and `copied` follows an escape (or is 0): both are boundaries.
        out.push_str(&value[copied..escape]);
        out.push(char::from(byte));
        copied = escape + 3;
    }
    out.push_str(&value[copied..]);
    Ok(())
}

/// Where `needle` first occurs in `bytes`.
///
/// Header values are short (10 to 50 bytes) and there are many of them per request, so the
/// search runs eight bytes per step in a `u64` (the classic "has zero byte" test on
/// `word ^ needle`) with no call and no alignment prologue, which beats `memchr` at this size.
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    let pattern = ONES * u64::from(needle);
    find_in_words(
        bytes,
        |word| zero_bytes(word ^ pattern),
        |byte| byte == needle,
    )
}

/// Where `first` or `second` first occurs in `bytes`, as [`find_byte`] does for one: a quoted
/// header value is searched for its closing quote and for a `%` in one pass.
pub(crate) fn find_either(bytes: &[u8], first: u8, second: u8) -> Option<usize> {
    let (first_pattern, second_pattern) = (ONES * u64::from(first), ONES * u64::from(second));
    find_in_words(
        bytes,
        |word| zero_bytes(word ^ first_pattern) | zero_bytes(word ^ second_pattern),
        |byte| byte == first || byte == second,
    )
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// A mask whose lowest set high bit marks the first zero byte of `word` (higher bits may be
/// false positives caused by the borrow, but never the lowest one, so the lowest of several
/// masks OR-ed together still marks the first match of any).
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// The first byte of `bytes` that `matches_in` marks in its little-endian word (as
/// [`zero_bytes`] does): eight bytes a step, the last few in a word that overlaps the one
/// before (its lowest mark is a match, and the bytes it shares held none); below eight bytes,
/// the first that `is_match` accepts.
fn find_in_words(
    bytes: &[u8],
    matches_in: impl Fn(u64) -> u64,
    is_match: impl Fn(u8) -> bool,
) -> Option<usize> {
    // At most 7, from a 64-bit count divided by 8: the cast is exact.
    let first_marked = |matches: u64| (matches.trailing_zeros() / 8) as usize;
    if bytes.len() < 8 {
        return bytes.iter().position(|&byte| is_match(byte));
    }
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut words {
        let matches = matches_in(word(chunk));
        if matches != 0 {
            return Some(offset + first_marked(matches));
        }
        offset += 8;
    }
    if words.remainder().is_empty() {
        return None;
    }
    let last = bytes.len() - 8;
    let matches = matches_in(word(&bytes[last..]));
    (matches != 0).then(|| last + first_marked(matches))
}

/// The value of an ASCII hexadecimal digit.
pub(crate) fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Appends one decoded name or value of form data to `out`: `+` is a space, `%XX` escapes are
/// decoded, and a `%` that starts no valid escape stays as it is, as every form parser does.
/// (Hex digits are never `+`, so decoding `+` in the same pass gives what replacing it first
/// would.) UTF-8 is checked by the caller.
// Out of line: `decode_form_component` calls it only for a component holding an escape or a
// `+`, and inlined there it made the common case, a plain token, slower to reach.
#[inline(never)]
pub(crate) fn push_form_decoded(out: &mut Vec<u8>, raw: &[u8]) {
    let mut rest = raw;
    // Runs without `%` or `+` (most of any query) are copied whole.
    while let Some(at) = find_either(rest, b'%', b'+') {
        out.extend_from_slice(&rest[..at]);
        let (byte, taken) = decode_form_unit(&rest[at..]);
        out.push(byte);
        rest = &rest[at + taken..];
    }
    out.extend_from_slice(rest);
}

/// The byte that form data starting with `unit` decodes its first unit to, and how many bytes
/// that unit is (`(0, 0)` for no data): `%XX` is an escape, `+` a space, and any other byte, a
/// `%` that starts no valid escape included, itself.
fn decode_form_unit(unit: &[u8]) -> (u8, usize) {
    match *unit {
        [b'%', high, low, ..] => match hex_value(high).zip(hex_value(low)) {
            Some((high, low)) => (high << 4 | low, 3),
            None => (b'%', 1),
        },
        [b'+', ..] => (b' ', 1),
        [byte, ..] => (byte, 1),
        [] => (0, 0),
    }
}

/// Appends `enc(enc(decoded))` to `out`, where `decoded` is `raw` decoded as form data (as
/// [`push_form_decoded`] decodes it): the form a query or body parameter takes inside a
/// signature base string. One pass, without writing `decoded` anywhere: an unreserved byte is
/// copied, whether it came as itself or as an escape, and every other decoded byte becomes
/// `%25XX`.
///
/// `decoded` must be UTF-8, as [`decode_form_component`] requires: when it is not, `out` is
/// left part-written and the caller discards it.
pub(crate) fn push_form_encoded_twice(out: &mut Vec<u8>, raw: &[u8]) -> Result<(), FormError> {
    let mut rest = raw;
    let mut partial = PartialChar::default();
    loop {
        let run = unreserved_run(rest);
        if run > 0 {
            partial.end()?;
            out.extend_from_slice(&rest[..run]);
        }
        if run == rest.len() {
            return partial.end();
        }
        let (decoded, taken) = decode_form_unit(&rest[run..]);
        rest = &rest[run + taken..];
        if decoded.is_ascii() {
            partial.end()?;
        } else {
            partial.push(decoded)?;
        }
        if UNRESERVED[usize::from(decoded)] {
            out.push(decoded);
        } else {
            out.extend_from_slice(&escaped_twice(decoded));
        }
    }
}

/// The bytes of a character met while decoding, until they make a whole one: decoded text is
/// UTF-8 exactly when each character is, and no ASCII byte and no end comes in the middle of
/// one. Each is checked by `str::from_utf8` as it completes.
#[derive(Default)]
struct PartialChar {
    bytes: [u8; 4],
    len: usize,
}

impl PartialChar {
    /// Adds a byte of 0x80 or more to the character.
    fn push(&mut self, byte: u8) -> Result<(), FormError> {
        // Four bytes are always a whole character or an invalid one, so a fifth never comes.
        let slot = self.bytes.get_mut(self.len).ok_or(FormError::NotUtf8)?;
        *slot = byte;
        self.len += 1;
        match std::str::from_utf8(&self.bytes[..self.len]) {
            Ok(_) => {
                self.len = 0;
                Ok(())
            }
            // Only cut short so far: a valid start of a character.
            Err(error) if error.error_len().is_none() => Ok(()),
            Err(_) => Err(FormError::NotUtf8),
        }
    }

    /// Checks that no character is left unfinished.
    fn end(&self) -> Result<(), FormError> {
        if self.len == 0 {
            Ok(())
        } else {
            Err(FormError::NotUtf8)
        }
    }
}

/// Decodes one name or value of form data ([`push_form_decoded`]), borrowing it when there is
/// nothing to decode; the result must be UTF-8.
pub(crate) fn decode_form_component(raw: &[u8]) -> Result<Cow<'_, str>, FormError> {
    if find_either(raw, b'%', b'+').is_none() {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|_| FormError::NotUtf8);
    }
    let mut decoded = Vec::with_capacity(raw.len());
    push_form_decoded(&mut decoded, raw);
    String::from_utf8(decoded)
        .map(Cow::Owned)
        .map_err(|_| FormError::NotUtf8)
}

/// The raw `(name, value)` pairs of form data, in order: split on `&`, empty segments skipped, a
/// pair without `=` has an empty value. Nothing is decoded.
pub(crate) fn raw_form_pairs(input: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    // `find_byte` rather than `split`: tokens make long segments, searched eight bytes a step.
    let mut rest = Some(input);
    std::iter::from_fn(move || {
        loop {
            let unsplit = rest?;
            let pair = match find_byte(unsplit, b'&') {
                Some(ampersand) => {
                    rest = Some(&unsplit[ampersand + 1..]);
                    &unsplit[..ampersand]
                }
                None => {
                    rest = None;
                    unsplit
                }
            };
            if !pair.is_empty() {
                return Some(match find_byte(pair, b'=') {
                    Some(equals) => (&pair[..equals], &pair[equals + 1..]),
                    None => (pair, &[][..]),
                });
            }
        }
    })
}

/// What form data holds under one name: its first value, and whether there are more.
#[derive(Debug, Default)]
pub(crate) struct FormField<'a> {
    first: Option<Cow<'a, str>>,
    repeated: bool,
}

impl<'a> FormField<'a> {
    /// Whether the form has no value under this name.
    pub(crate) fn is_absent(&self) -> bool {
        self.first.is_none()
    }

    /// The single value (as [`FormPairs::unique`]): `None` when absent, an error when repeated.
    pub(crate) fn unique(self, name: &str) -> Result<Option<Cow<'a, str>>, FormError> {
        if self.repeated {
            return Err(FormError::Duplicate {
                name: name.to_owned(),
            });
        }
        Ok(self.first)
    }
}

/// The fields `names` of form data, as [`FormPairs::parse`] then [`FormPairs::unique`] would
/// read them, with nothing else kept or required: a value asked for must decode to UTF-8 (or
/// `NotUtf8`), and borrows from `input` when there is nothing to decode; the other pairs may
/// hold anything. A callback URL carries the application's own parameters beside Discogs'
/// (`?next=%E9`, Latin-1), and they must not make the login fail. The reply and callback
/// parsers run on this.
pub(crate) fn form_fields<'a, const N: usize>(
    input: &'a [u8],
    names: [&str; N],
) -> Result<[FormField<'a>; N], FormError> {
    let mut fields: [FormField<'a>; N] = std::array::from_fn(|_| FormField::default());
    for (raw_name, raw_value) in raw_form_pairs(input) {
        // A name that is not UTF-8 is none of `names`.
        let Ok(name) = decode_form_component(raw_name) else {
            continue;
        };
        if let Some(index) = names.iter().position(|wanted| *wanted == name) {
            let value = decode_form_component(raw_value)?;
            let field = &mut fields[index];
            if field.first.is_some() {
                field.repeated = true;
            } else {
                field.first = Some(value);
            }
        }
    }
    Ok(fields)
}

/// Parameters whose values are secret or derived from a secret wherever they are carried:
/// OAuth's (a PLAINTEXT signature is the consumer secret itself) and Discogs Auth's query
/// credentials. `Debug` shows `[redacted]` for them.
pub(crate) const REDACTED_PARAMETERS: [&str; 5] = [
    "oauth_signature",
    "oauth_verifier",
    "oauth_token_secret",
    "token",
    "secret",
];

/// A URI for `Debug`, as it displays but with the values of secret query parameters
/// ([`REDACTED_PARAMETERS`], names decoded) shown as `[redacted]`.
pub(crate) struct RedactedUri<'a>(pub(crate) &'a http::Uri);

impl fmt::Debug for RedactedUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.to_string();
        let Some((before, query)) = shown.split_once('?') else {
            return f.write_str(&shown);
        };
        write!(f, "{before}?")?;
        for (index, pair) in query.split('&').enumerate() {
            if index > 0 {
                f.write_str("&")?;
            }
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            let secret = decode_form_component(name.as_bytes())
                .is_ok_and(|name| REDACTED_PARAMETERS.contains(&name.as_ref()));
            if secret {
                write!(f, "{name}=[redacted]")?;
            } else {
                f.write_str(pair)?;
            }
        }
        Ok(())
    }
}

/// Decoded `application/x-www-form-urlencoded` pairs (a reply body, a query string, a callback),
/// in their original order. `Debug` redacts the values of secret parameters
/// (`oauth_token_secret`, `oauth_verifier`, `oauth_signature`, Discogs Auth's `token` and
/// `secret`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FormPairs(Vec<(String, String)>);

impl fmt::Debug for FormPairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pairs = f.debug_list();
        for (name, value) in &self.0 {
            let shown = if REDACTED_PARAMETERS.contains(&name.as_str()) {
                "[redacted]"
            } else {
                value.as_str()
            };
            pairs.entry(&(name, shown));
        }
        pairs.finish()
    }
}

/// A form or query string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// A parameter appears more than once where only one is allowed.
    Duplicate {
        /// The parameter's name.
        name: String,
    },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("the form data is not UTF-8"),
            Self::Duplicate { name } => write!(f, "parameter `{name}` appears more than once"),
        }
    }
}

impl std::error::Error for FormError {}

impl FormPairs {
    /// Parses form data (`+` is a space, escapes decoded). Invalid UTF-8 is refused rather than
    /// replaced, so nothing is silently changed.
    ///
    /// ```
    /// use discogs_auth_core::encoding::FormPairs;
    /// let pairs = FormPairs::parse(b"oauth_token=abc123&oauth_token_secret=xyz789").unwrap();
    /// assert_eq!(pairs.unique("oauth_token").unwrap(), Some("abc123"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`FormError::NotUtf8`] when a name or value does not decode to UTF-8. A `%` that starts no
    /// valid escape is kept as it is, not refused.
    pub fn parse(input: &[u8]) -> Result<Self, FormError> {
        let pairs = raw_form_pairs(input)
            .map(|(name, value)| {
                Ok((
                    decode_form_component(name)?.into_owned(),
                    decode_form_component(value)?.into_owned(),
                ))
            })
            .collect::<Result<_, FormError>>()?;
        Ok(Self(pairs))
    }

    /// The single value of `name`: `None` when absent, an error when repeated.
    ///
    /// # Errors
    ///
    /// [`FormError::Duplicate`] when `name` appears more than once.
    pub fn unique(&self, name: &str) -> Result<Option<&str>, FormError> {
        let mut values = self.0.iter().filter(|(key, _)| key == name);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(FormError::Duplicate {
                name: name.to_owned(),
            });
        }
        Ok(first)
    }

    /// All pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_takes_only_digits_that_fit() {
        assert_eq!(decimal_digits("137131202"), Some(137_131_202));
        assert_eq!(decimal_digits("0"), Some(0));
        assert_eq!(decimal_digits("007"), Some(7));
        assert_eq!(decimal_digits("18446744073709551615"), Some(u64::MAX));
        assert_eq!(
            decimal_digits("9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(decimal_digits("00000000000000000000000042"), Some(42));
        for refused in [
            "1844674407370955161x",
            "123456789012345678x",
            "",
            "+1",
            "-1",
            "1 ",
            "1.0",
            "1e3",
            "١",
            "/",
            ":",
            "18446744073709551616",
            "99999999999999999999",
        ] {
            assert_eq!(decimal_digits(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn is_all_unreserved_takes_only_the_unreserved_set() {
        assert!(is_all_unreserved(b"AZaz09-._~"));
        assert!(!is_all_unreserved(b"abcdefgh ijk"));
    }

    #[test]
    fn form_components_are_encoded_twice_in_one_pass() {
        let encoded = |raw: &[u8]| {
            let mut out = b"k=".to_vec();
            push_form_encoded_twice(&mut out, raw).map(|()| String::from_utf8(out).unwrap())
        };
        let ok = |expected: &str| Ok(format!("k={expected}"));
        assert_eq!(
            encoded(b"Bj%C3%B6rk+Homogenic"),
            ok("Bj%25C3%25B6rk%2520Homogenic")
        );
        // An escaped unreserved byte is itself; other escapes come out in uppercase.
        assert_eq!(encoded(b"%41%7e%2a%2B"), ok("A~%252A%252B"));
        // A `%` that starts no escape is a `%`.
        assert_eq!(encoded(b"%zz%4"), ok("%2525zz%25254"));
        // Raw UTF-8, as a form body may hold it.
        assert_eq!(encoded("é".as_bytes()), ok("%25C3%25A9"));
        assert_eq!(
            encoded(b"%F0%9F%98%80%F0%9F%98%80"),
            ok("%25F0%259F%2598%2580%25F0%259F%2598%2580")
        );
        assert_eq!(encoded(b""), ok(""));
        // Not UTF-8: cut short at the end, cut by an ASCII byte, a continuation byte first, a
        // surrogate, an overlong form, a byte that never occurs.
        for raw in [
            &b"%C3"[..],
            b"%C3a%A9",
            b"%C3+%A9",
            b"%A9",
            b"%ED%A0%80",
            b"%C0%80",
            b"%FF",
            b"a\xff",
        ] {
            assert_eq!(encoded(raw), Err(FormError::NotUtf8), "{raw:?}");
        }
    }

    #[test]
    fn push_decoded_appends_or_leaves_out_as_it_was() {
        let pushed = |value| {
            let mut out = String::from("k=");
            push_decoded(&mut out, value).map(|()| out)
        };
        assert_eq!(pushed("cs%26ts").as_deref(), Ok("k=cs&ts"));
        assert_eq!(pushed("a%2Fb%C3%A9c").as_deref(), Ok("k=a/béc"));
        assert_eq!(pushed("plain").as_deref(), Ok("k=plain"));
        assert_eq!(pushed("%26%2"), Err(DecodeError::BadPercentEscape));
        assert_eq!(pushed("%26%FF"), Err(DecodeError::NotUtf8));
        assert_eq!(pushed("%C3%A9%zz"), Err(DecodeError::BadPercentEscape));
    }

    /// Every length up to three words, every place for the first match (or none), and the
    /// bytes that make the word test mark a byte falsely (a match's neighbour one above the
    /// needle, which the borrow reaches) before and after it: the same answer as a byte-by-byte
    /// search, in whole words, in the overlapping last word and below eight bytes.
    #[test]
    fn find_byte_is_the_bytewise_search() {
        let needle = b':';
        for len in 0..=24 {
            for first in (0..len).map(Some).chain([None]) {
                for filler in [b'a', needle + 1, needle ^ 0x80] {
                    let mut bytes = vec![filler; len];
                    if let Some(first) = first {
                        bytes[first] = needle;
                        for later in (first + 1..len).step_by(3) {
                            bytes[later] = needle;
                        }
                    }
                    assert_eq!(find_byte(&bytes, needle), first, "{bytes:?}");
                    let expected = bytes.iter().position(|&b| b == needle || b == b'%');
                    assert_eq!(find_either(&bytes, needle, b'%'), expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn find_either_stops_at_whichever_comes_first() {
        assert_eq!(find_either(b"abc%de\"", b'"', b'%'), Some(3));
        assert_eq!(find_either(b"abcdefghij\"%", b'"', b'%'), Some(10));
        assert_eq!(find_either(b"abcdefgh%", b'"', b'%'), Some(8));
        assert_eq!(find_either(b"abcdefghijklmnop", b'"', b'%'), None);
        assert_eq!(find_either(b"", b'"', b'%'), None);
    }

    #[test]
    fn encode_set_over_all_bytes() {
        for byte in 0u8..=255 {
            let encoded: String =
                percent_encoding::percent_encode(&[byte], OAUTH_ENCODE_SET).collect();
            if is_unreserved(byte) {
                assert_eq!(encoded, char::from(byte).to_string());
            } else {
                assert_eq!(encoded, format!("%{byte:02X}"));
            }
        }
        assert_eq!(
            (0u8..=255).filter(|&b| is_unreserved(b)).count(),
            26 + 26 + 10 + 4
        );
    }

    #[test]
    fn rfc5849_encoding_examples() {
        // RFC 5849 §3.4.1.3.2 example values.
        assert_eq!(percent_encode("Ho Ho Ho!"), "Ho%20Ho%20Ho%21");
        assert_eq!(percent_encode("a2=r b"), "a2%3Dr%20b");
        assert_eq!(percent_encode("="), "%3D");
        assert_eq!(percent_encode("☃"), "%E2%98%83");
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(percent_decode("a%20b+c").unwrap(), "a b+c");
        assert_eq!(percent_decode("%zz"), Err(DecodeError::BadPercentEscape));
        assert_eq!(percent_decode("%2"), Err(DecodeError::BadPercentEscape));
        assert_eq!(percent_decode("%FF"), Err(DecodeError::NotUtf8));
        assert_eq!(percent_decode("%E2%98%83").unwrap(), "☃");
    }

    #[test]
    fn form_parsing() {
        let pairs = FormPairs::parse(b"a=1&b=x+y%21&a=2&flag").unwrap();
        assert_eq!(
            pairs.iter().collect::<Vec<_>>(),
            [("a", "1"), ("b", "x y!"), ("a", "2"), ("flag", "")]
        );
        assert_eq!(pairs.unique("b").unwrap(), Some("x y!"));
        assert_eq!(pairs.unique("missing").unwrap(), None);
        assert_eq!(
            pairs.unique("a"),
            Err(FormError::Duplicate { name: "a".into() })
        );
        assert_eq!(FormPairs::parse(b"a=\xff"), Err(FormError::NotUtf8));
        assert_eq!(FormPairs::parse(b"a=%ff"), Err(FormError::NotUtf8));
        assert_eq!(
            FormPairs::parse("a=\u{FFFD}".as_bytes())
                .unwrap()
                .unique("a")
                .unwrap(),
            Some("\u{FFFD}")
        );
        // An encoded U+FFFD is valid UTF-8 like any other character.
        assert_eq!(
            FormPairs::parse(b"a=%EF%BF%BD")
                .unwrap()
                .unique("a")
                .unwrap(),
            Some("\u{FFFD}")
        );
        // A stray `%` stays as it is; empty segments are skipped.
        assert_eq!(
            FormPairs::parse(b"&q=100%&&r=%2").unwrap().into_vec(),
            [
                ("q".to_owned(), "100%".to_owned()),
                ("r".to_owned(), "%2".to_owned())
            ]
        );
    }

    /// A reply body, a callback or a query read into pairs can be logged with `{:?}`: the
    /// secrets in it are not shown, the rest is.
    #[test]
    fn form_pairs_debug_redacts_secrets() {
        let reply = FormPairs::parse(
            b"oauth_token=public-tok&oauth_token_secret=hunter2&oauth_verifier=v3r1f13r\
              &oauth_signature=kd94hf93k423kf44%26&token=personal-tok&key=public-key\
              &secret=key-secret&q=nirvana",
        )
        .unwrap();
        assert_eq!(
            format!("{reply:?}"),
            concat!(
                r#"[("oauth_token", "public-tok"), ("oauth_token_secret", "[redacted]"), "#,
                r#"("oauth_verifier", "[redacted]"), ("oauth_signature", "[redacted]"), "#,
                r#"("token", "[redacted]"), ("key", "public-key"), ("secret", "[redacted]"), "#,
                r#"("q", "nirvana")]"#
            )
        );
    }

    /// The one-pass helpers agree with the plain definitions they replace on the hot paths.
    mod fast_paths {
        use super::*;
        use proptest::prelude::*;

        /// Strings over the bytes that matter: unreserved, reserved ASCII, `%`, `+`, non-ASCII.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9._~ %+&=!*'()/:é☃|\\-]{0,24}",
                proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
            ]
        }

        /// The decoding `FormPairs` did before: `+` to space, then lenient percent-decoding.
        fn reference_form_decode(raw: &[u8]) -> Vec<u8> {
            let spaced: Vec<u8> = raw
                .iter()
                .map(|&byte| if byte == b'+' { b' ' } else { byte })
                .collect();
            percent_encoding::percent_decode(&spaced).collect()
        }

        /// `push_form_encoded` over every byte, as `form_urlencoded::byte_serialize` encodes.
        #[test]
        fn form_encoding_over_all_bytes() {
            for byte in 0u8..=127 {
                let mut out = String::new();
                push_form_encoded(&mut out, char::from(byte).encode_utf8(&mut [0; 4]));
                let expected = match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                        char::from(byte).to_string()
                    }
                    b' ' => "+".to_owned(),
                    _ => format!("%{byte:02X}"),
                };
                assert_eq!(out, expected);
            }
            let mut out = String::new();
            push_form_encoded(&mut out, "a b&c=é~");
            assert_eq!(out, "a+b%26c%3D%C3%A9%7E");
        }

        #[test]
        fn encoders_over_all_bytes() {
            for byte in 0u8..=255 {
                let mut once = Vec::new();
                push_encoded(&mut once, &[byte]);
                let expected: String =
                    percent_encoding::percent_encode(&[byte], OAUTH_ENCODE_SET).collect();
                assert_eq!(once, expected.as_bytes());
                let mut twice = Vec::new();
                push_encoded_twice(&mut twice, &[byte]);
                assert_eq!(twice, percent_encode(&expected).as_bytes());
            }
        }

        proptest! {
            #[test]
            fn push_encoded_is_percent_encode(value in text()) {
                let mut once = Vec::new();
                push_encoded(&mut once, value.as_bytes());
                prop_assert_eq!(String::from_utf8(once).unwrap(), percent_encode(&value));
                let mut twice = Vec::new();
                push_encoded_twice(&mut twice, value.as_bytes());
                let expected = percent_encode(&percent_encode(&value)).into_owned();
                prop_assert_eq!(String::from_utf8(twice).unwrap(), expected);
            }

            #[test]
            fn cmp_encoded_is_the_order_of_the_encodings(a in text(), b in text()) {
                let expected = percent_encode(&a).cmp(&percent_encode(&b));
                prop_assert_eq!(cmp_encoded(a.as_bytes(), b.as_bytes()), expected);
            }

            /// On digits alone, `str::parse` is the definition (it also takes a `+`).
            #[test]
            fn decimal_digits_is_parse_on_digits(digits in "[0-9]{1,24}", other in "[^0-9]?") {
                prop_assert_eq!(decimal_digits(&digits), digits.parse::<u64>().ok());
                let mixed = format!("{digits}{other}");
                prop_assert_eq!(decimal_digits(&mixed), mixed.parse::<u64>().ok().filter(|_| other.is_empty()));
            }

            #[test]
            fn has_control_is_any_is_control(value in text(), control in "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]?") {
                let value = format!("{value}{control}{value}");
                prop_assert_eq!(has_control(&value), value.chars().any(char::is_control));
            }

            /// Splitting on `&` and at the first `=`, skipping empty segments.
            #[test]
            fn raw_form_pairs_is_split(
                input in proptest::collection::vec(
                    prop_oneof![Just(b'&'), Just(b'='), Just(b'a'), Just(b'%'), any::<u8>()],
                    0..40,
                ),
            ) {
                let reference: Vec<(&[u8], &[u8])> = input
                    .split(|&byte| byte == b'&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| match pair.iter().position(|&byte| byte == b'=') {
                        Some(equals) => (&pair[..equals], &pair[equals + 1..]),
                        None => (pair, &[][..]),
                    })
                    .collect();
                prop_assert_eq!(raw_form_pairs(&input).collect::<Vec<_>>(), reference);
            }

            #[test]
            fn find_byte_is_position(bytes in proptest::collection::vec(any::<u8>(), 0..40), needle: u8) {
                prop_assert_eq!(
                    find_byte(&bytes, needle),
                    bytes.iter().position(|&byte| byte == needle)
                );
            }

            #[test]
            fn find_either_is_position(
                // Bytes that differ from the needles by one bit, or sit next to them, are where
                // a word-at-a-time test would go wrong.
                bytes in proptest::collection::vec(
                    proptest::sample::select(vec![b'"', b'%', b'#', b'$', b'&', 0x00, 0x80, 0xa2, 0xff, b'a']),
                    0..40,
                ),
            ) {
                prop_assert_eq!(
                    find_either(&bytes, b'"', b'%'),
                    bytes.iter().position(|&byte| byte == b'"' || byte == b'%')
                );
                for needle in [b'%', 0x00] {
                    prop_assert_eq!(find_byte(&bytes, needle), bytes.iter().position(|&byte| byte == needle));
                }
            }

            #[test]
            fn push_decoded_appends_what_percent_decode_returns(
                value in "([a-z+é]|%[0-9A-Fa-f]{2}|%[0-9a-z]?|%FF|%C3%A9|%26){0,8}",
            ) {
                let mut out = String::from("kept");
                let result = push_decoded(&mut out, &value);
                match percent_decode(&value) {
                    Ok(decoded) => {
                        prop_assert_eq!(result, Ok(()));
                        prop_assert_eq!(out, format!("kept{decoded}"));
                    }
                    Err(error) => {
                        prop_assert_eq!(result, Err(error));
                        prop_assert_eq!(out, "kept");
                    }
                }
            }

            #[test]
            fn strict_decoding_is_unchanged(value in "([a-z+é]|%[0-9A-Fa-f]{2}|%[0-9a-z]?|%FF){0,8}") {
                // The definition `percent_decode` had before its one-pass rewrite.
                let reference = {
                    let bytes = value.as_bytes();
                    let mut index = 0;
                    let mut valid = true;
                    while let Some(offset) = bytes[index..].iter().position(|&b| b == b'%') {
                        let escape = index + offset;
                        if !bytes
                            .get(escape + 1..escape + 3)
                            .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
                        {
                            valid = false;
                            break;
                        }
                        index = escape + 3;
                    }
                    if valid {
                        percent_encoding::percent_decode_str(&value)
                            .decode_utf8()
                            .map(Cow::into_owned)
                            .map_err(|_| DecodeError::NotUtf8)
                    } else {
                        Err(DecodeError::BadPercentEscape)
                    }
                };
                prop_assert_eq!(percent_decode(&value).map(Cow::into_owned), reference);
            }

            #[test]
            fn form_decoding_is_unchanged(raw in proptest::collection::vec(any::<u8>(), 0..24)) {
                let mut decoded = Vec::new();
                push_form_decoded(&mut decoded, &raw);
                prop_assert_eq!(&decoded, &reference_form_decode(&raw));
                let expected = String::from_utf8(reference_form_decode(&raw)).map_err(|_| FormError::NotUtf8);
                prop_assert_eq!(decode_form_component(&raw).map(Cow::into_owned), expected);
            }

            /// Decoding and encoding twice in one pass is decoding, checking UTF-8, and
            /// encoding twice.
            #[test]
            fn form_encoding_twice_is_decoding_then_encoding_twice(
                pieces in proptest::collection::vec(
                    proptest::sample::select(vec![
                        "a", "~", "+", "%", "%4", "%41", "%2a", "%20", "é", "\u{10348}",
                        "%C3", "%A9", "%E2", "%82", "%AC", "%F0", "%9F", "%98", "%80", "%ED",
                        "%A0", "%C0", "%F4", "%90", "%FF",
                    ]),
                    0..10,
                ),
                bytes in proptest::collection::vec(any::<u8>(), 0..8),
            ) {
                let mut raw = pieces.concat().into_bytes();
                raw.extend_from_slice(&bytes[..bytes.len() / 2]);
                for raw in [raw, bytes] {
                    let mut out = b"k".to_vec();
                    let written = push_form_encoded_twice(&mut out, &raw);
                    match String::from_utf8(reference_form_decode(&raw)) {
                        Ok(decoded) => {
                            prop_assert_eq!(written, Ok(()));
                            let twice = percent_encode(&percent_encode(&decoded)).into_owned();
                            prop_assert_eq!(out, format!("k{twice}").into_bytes());
                        }
                        Err(_) => prop_assert_eq!(written, Err(FormError::NotUtf8)),
                    }
                }
            }

            /// `form_fields` against a reference that splits and decodes the whole input, and
            /// against `FormPairs` wherever that can read it all.
            #[test]
            fn form_fields_read_as_form_pairs(
                input in "([a-d%+=&é]|%[0-9A-Fa-f]{2}|%FF){0,16}",
            ) {
                let names = ["a", "b", "c"];
                let mut expected: [Vec<String>; 3] = Default::default();
                let mut unreadable = false;
                for pair in input.as_bytes().split(|&byte| byte == b'&') {
                    if pair.is_empty() {
                        continue;
                    }
                    let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
                        Some(equals) => (&pair[..equals], &pair[equals + 1..]),
                        None => (pair, &[][..]),
                    };
                    let Ok(name) = String::from_utf8(reference_form_decode(name)) else {
                        continue;
                    };
                    if let Some(index) = names.iter().position(|wanted| *wanted == name) {
                        match String::from_utf8(reference_form_decode(value)) {
                            Ok(value) => expected[index].push(value),
                            Err(_) => unreadable = true,
                        }
                    }
                    if unreadable {
                        break;
                    }
                }
                let fields = form_fields(input.as_bytes(), names);
                if unreadable {
                    prop_assert_eq!(fields.map(|_| ()), Err(FormError::NotUtf8));
                } else {
                    let fields = fields.expect("every value asked for is UTF-8");
                    let pairs = FormPairs::parse(input.as_bytes()).ok();
                    for ((field, name), values) in fields.into_iter().zip(names).zip(expected) {
                        let read = field.unique(name).map(|value| value.map(Cow::into_owned));
                        match values.as_slice() {
                            [] => prop_assert_eq!(&read, &Ok(None)),
                            [value] => prop_assert_eq!(&read, &Ok(Some(value.clone()))),
                            _ => prop_assert_eq!(
                                &read,
                                &Err(FormError::Duplicate { name: name.to_owned() })
                            ),
                        }
                        if let Some(pairs) = &pairs {
                            prop_assert_eq!(
                                read,
                                pairs.unique(name).map(|value| value.map(str::to_owned))
                            );
                        }
                    }
                }
            }
        }
    }
}
