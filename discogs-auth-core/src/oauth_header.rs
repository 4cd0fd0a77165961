//! The `Authorization: OAuth …` header (RFC 5849 §3.5.1): built by clients, parsed by providers.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use crate::encoding::{
    DecodeError, REDACTED_PARAMETERS, accepted_run, decode_form_component, find_byte, find_either,
    percent_decode, push_decoded, push_encoded,
};
use crate::scheme::{AuthorizationScheme, is_whitespace};

/// Up to this many parameters, duplicates are found by scanning those already read (fastest
/// for the handful a real header has); past it, a set keeps a hostile header with thousands
/// of parameters linear in its size.
const LINEAR_DUPLICATE_SCAN: usize = 16;

/// The decoded parameters of an `Authorization: OAuth` header, in header order.
///
/// Two are equal when their realms and their lists of pairs are, however the headers spelled
/// them.
#[derive(Clone, Default)]
pub struct OAuthParameters {
    realm: Option<String>,
    /// A parsed header as it came, followed by the names and values that had to be decoded
    /// (or, when built, every name and value back to back): one allocation for a whole header,
    /// and the names and values without an escape, nearly all, are not copied one by one.
    text: String,
    /// Where each parameter's name and value are in `text`, in header order.
    pairs: Vec<(Span, Span)>,
    /// For each [`Protocol`] parameter, one more than its index in `pairs` (0: absent): a
    /// provider reads these by name for every request, and a duplicate among them is found
    /// without comparing names.
    slots: [usize; Protocol::COUNT],
}

/// Where a name or a value is in [`OAuthParameters`]' text: always around whole `&str`s.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: usize,
    end: usize,
}

impl PartialEq for OAuthParameters {
    fn eq(&self, other: &Self) -> bool {
        self.realm == other.realm && self.iter().eq(other.iter())
    }
}

impl Eq for OAuthParameters {}

/// The first protocol parameter named in the query or the form body, names decoded.
pub(crate) fn protocol_parameter_in(
    query: Option<&str>,
    form_body: Option<&[u8]>,
) -> Option<Protocol> {
    [query.map(str::as_bytes), form_body]
        .into_iter()
        .flatten()
        .find_map(protocol_parameter_among)
}

/// The first protocol parameter named in form data. Only a name that starts with `o` or an
/// escape can decode to one, so the others are passed over without being split or decoded:
/// this runs on every request a provider reads and every request a client signs.
fn protocol_parameter_among(form: &[u8]) -> Option<Protocol> {
    let mut rest = form;
    loop {
        let end = find_byte(rest, b'&').unwrap_or(rest.len());
        let pair = &rest[..end];
        if let Some(b'o' | b'%') = pair.first() {
            let name = find_byte(pair, b'=').map_or(pair, |equals| &pair[..equals]);
            let protocol = if find_byte(name, b'%').is_none() {
                // `+` decodes to a space, which no protocol name holds.
                Protocol::from_name(name)
            } else {
                decode_form_component(name)
                    .ok()
                    .and_then(|name| Protocol::from_name(name.as_bytes()))
            };
            if protocol.is_some() {
                return protocol;
            }
        }
        rest = rest.get(end + 1..)?;
    }
}

/// The protocol parameters (RFC 5849 §2 and §3.1) that are read by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    ConsumerKey,
    Token,
    SignatureMethod,
    Signature,
    Timestamp,
    Nonce,
    Version,
    Callback,
    Verifier,
}

impl Protocol {
    const COUNT: usize = 9;

    /// The parameter's name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::ConsumerKey => "oauth_consumer_key",
            Self::Token => "oauth_token",
            Self::SignatureMethod => "oauth_signature_method",
            Self::Signature => "oauth_signature",
            Self::Timestamp => "oauth_timestamp",
            Self::Nonce => "oauth_nonce",
            Self::Version => "oauth_version",
            Self::Callback => "oauth_callback",
            Self::Verifier => "oauth_verifier",
        }
    }

    /// The parameter `name` names, if it is one of these.
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        Self::named_at_start(name).filter(|protocol| protocol.name().len() == name.len())
    }

    /// The parameter whose name `bytes` starts with, the longer where two would (every name
    /// in a header goes through here).
    fn named_at_start(bytes: &[u8]) -> Option<Self> {
        let starts_with = |protocol: Self| {
            bytes
                .starts_with(protocol.name().as_bytes())
                .then_some(protocol)
        };
        // The letter after `oauth_` leaves one or two names to compare with, each a constant.
        match bytes.get(6)? {
            b'c' => starts_with(Self::ConsumerKey).or_else(|| starts_with(Self::Callback)),
            b's' => starts_with(Self::SignatureMethod).or_else(|| starts_with(Self::Signature)),
            b't' => starts_with(Self::Token).or_else(|| starts_with(Self::Timestamp)),
            b'n' => starts_with(Self::Nonce),
            b'v' => starts_with(Self::Version).or_else(|| starts_with(Self::Verifier)),
            _ => None,
        }
    }
}

/// An `Authorization: OAuth` header could not be parsed.
///
/// Parameter names in the error come from the header; values never do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthHeaderError {
    /// The header does not start with the `OAuth` scheme.
    NotOAuthScheme,
    /// The header has the scheme but no parameters.
    NoParameters,
    /// The header holds a byte that is not visible ASCII (nor a space or tab), which an OAuth
    /// header never needs: its values are percent-encoded.
    NotAscii {
        /// Byte offset in the header value.
        at: usize,
    },
    /// A parameter name was expected at byte `at`.
    ExpectedName {
        /// Byte offset in the header value.
        at: usize,
    },
    /// A name was not followed by `=`.
    ExpectedEquals {
        /// Byte offset in the header value.
        at: usize,
    },
    /// A quoted value has no closing quote.
    UnterminatedQuote {
        /// Byte offset of the opening quote.
        at: usize,
    },
    /// Two parameters are not separated by a comma or whitespace.
    ExpectedSeparator {
        /// Byte offset in the header value.
        at: usize,
    },
    /// A parameter appears twice (RFC 5849 §3.5.1 forbids it).
    Duplicate {
        /// The decoded parameter name.
        name: String,
    },
    /// A name or value is not valid percent-encoding.
    Decode {
        /// The parameter name as it appears in the header (truncated).
        name: String,
        /// What was wrong, which the message ends with.
        reason: DecodeError,
    },
}

impl fmt::Display for OAuthHeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOAuthScheme => {
                f.write_str("the Authorization header does not use the OAuth scheme")
            }
            Self::NoParameters => f.write_str("the OAuth Authorization header has no parameters"),
            Self::NotAscii { at } => write!(
                f,
                "the Authorization header has a byte that is not visible ASCII at byte {at}"
            ),
            Self::ExpectedName { at } => write!(f, "expected a parameter name at byte {at}"),
            Self::ExpectedEquals { at } => {
                write!(f, "expected '=' after a parameter name at byte {at}")
            }
            Self::UnterminatedQuote { at } => {
                write!(f, "a quoted value starting at byte {at} is not closed")
            }
            Self::ExpectedSeparator { at } => {
                write!(f, "expected ',' between parameters at byte {at}")
            }
            Self::Duplicate { name } => write!(f, "parameter `{name}` appears more than once"),
            Self::Decode { name, reason } => {
                write!(
                    f,
                    "parameter `{name}` is not validly percent-encoded: {reason}"
                )
            }
        }
    }
}

/// No variant has a source: a decoding error's reason is in the message already, and an error
/// reporter that printed the source too would say it twice.
impl std::error::Error for OAuthHeaderError {}

impl OAuthParameters {
    /// Collects parameters to build a header from. Names must be distinct; `realm` is optional
    /// and never signed.
    pub fn new<N, V>(realm: Option<String>, parameters: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: Into<String>,
        V: Into<String>,
    {
        let mut built = Self {
            realm,
            ..Self::default()
        };
        for (name, value) in parameters {
            built.push(&name.into(), &value.into());
        }
        built
    }

    /// Appends a parameter (decoded). Of two parameters with the same name, [`Self::get`]
    /// finds the first.
    fn push(&mut self, name: &str, value: &str) {
        let (name_span, value_span) = (self.append(name), self.append(value));
        self.record(name_span, value_span, Protocol::from_name(name.as_bytes()));
    }

    /// Appends `piece` to `text`.
    fn append(&mut self, piece: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(piece);
        Span {
            start,
            end: self.text.len(),
        }
    }

    /// Adds a pair whose name and value are in `text`; a protocol parameter keeps the slot of
    /// its first pair.
    fn record(&mut self, name: Span, value: Span, protocol: Option<Protocol>) {
        self.pairs.push((name, value));
        if let Some(protocol) = protocol {
            let slot = &mut self.slots[protocol as usize];
            if *slot == 0 {
                *slot = self.pairs.len();
            }
        }
    }

    /// The text `span` is around (never empty-handed in practice: spans are recorded around
    /// whole `&str`s).
    fn at(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    /// The value of `name`, decoded.
    pub fn get(&self, name: &str) -> Option<&str> {
        match Protocol::from_name(name.as_bytes()) {
            Some(protocol) => self.protocol(protocol),
            None => Some(self.at(self.value_span(name)?)),
        }
    }

    /// Whether a protocol parameter is present.
    pub(crate) fn has(&self, protocol: Protocol) -> bool {
        self.slots[protocol as usize] != 0
    }

    /// The value of a protocol parameter, decoded, found without a search.
    pub(crate) fn protocol(&self, protocol: Protocol) -> Option<&str> {
        let index = self.slots[protocol as usize].checked_sub(1)?;
        let &(_, value) = self.pairs.get(index)?;
        Some(self.at(value))
    }

    /// Where the value of `name` is in `text`. Names are compared as bytes: only the value
    /// found needs its bounds checked as text.
    fn value_span(&self, name: &str) -> Option<Span> {
        let (text, name) = (self.text.as_bytes(), name.as_bytes());
        self.pairs
            .iter()
            .find(|(name_span, _)| text.get(name_span.start..name_span.end) == Some(name))
            .map(|&(_, value)| value)
    }

    /// How many parameters there are besides `realm`.
    pub(crate) fn count(&self) -> usize {
        self.pairs.len()
    }

    /// The `realm`, if one was given: unquoted, and with its `%` escapes decoded where they
    /// make text (see [`Self::parse`]).
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// All parameters but `realm`, decoded, in header order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|&(name, value)| (self.at(name), self.at(value)))
    }

    /// The header value: `OAuth realm="…", name="value", …` with every name and value
    /// percent-encoded (RFC 5849 §3.6) and pairs separated by `", "`.
    ///
    /// ```
    /// use discogs_auth_core::OAuthParameters;
    /// let params = OAuthParameters::new(None, [("oauth_signature", "kd94hf93k423kf44&")]);
    /// assert_eq!(params.to_header_value(), r#"OAuth oauth_signature="kd94hf93k423kf44%26""#);
    /// ```
    pub fn to_header_value(&self) -> String {
        let realm = self.realm.as_deref().map(|realm| ("realm", realm));
        let all = || realm.into_iter().chain(self.iter());
        let mut out = Vec::with_capacity(
            "OAuth ".len()
                + all()
                    .map(|(name, value)| 3 * (name.len() + value.len()) + r#"="", "#.len())
                    .sum::<usize>(),
        );
        out.extend_from_slice(b"OAuth ");
        for (index, (name, value)) in all().enumerate() {
            if index > 0 {
                out.extend_from_slice(b", ");
            }
            push_encoded(&mut out, name.as_bytes());
            out.extend_from_slice(b"=\"");
            push_encoded(&mut out, value.as_bytes());
            out.push(b'"');
        }
        // Percent-encoding leaves only ASCII, so this never falls back.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Parses an `Authorization: OAuth` header value (RFC 5849 §3.5.1).
    ///
    /// Lenient where senders differ harmlessly: the scheme's case, whitespace around `,` and
    /// `=`, unquoted values, and whitespace alone between parameters (the Discogs docs' own
    /// example misses a comma). Strict where it matters: duplicated parameters and bad
    /// percent-encoding are errors. The `realm`, which is not signed, is read as RFC 2617 and
    /// other clients write it, a quoted-string (`realm="100% \"Rare\" Photos"`), as well as
    /// percent-encoded, as this crate writes it.
    ///
    /// ```
    /// use discogs_auth_core::OAuthParameters;
    /// let params = OAuthParameters::parse(
    ///     r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature="kd94hf93k423kf44%26""#,
    /// ).unwrap();
    /// assert_eq!(params.realm(), Some("Photos"));
    /// assert_eq!(params.get("oauth_signature"), Some("kd94hf93k423kf44&"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`OAuthHeaderError::NotOAuthScheme`] without the `OAuth` scheme,
    /// [`OAuthHeaderError::NoParameters`] with nothing after it, [`OAuthHeaderError::Duplicate`]
    /// for a parameter given twice, [`OAuthHeaderError::Decode`] for a parameter's name or value
    /// that is not valid percent-encoding of UTF-8; where the syntax breaks,
    /// [`ExpectedName`](OAuthHeaderError::ExpectedName),
    /// [`ExpectedEquals`](OAuthHeaderError::ExpectedEquals),
    /// [`ExpectedSeparator`](OAuthHeaderError::ExpectedSeparator) or
    /// [`UnterminatedQuote`](OAuthHeaderError::UnterminatedQuote), with the byte offset.
    pub fn parse(header: &str) -> Result<Self, OAuthHeaderError> {
        let bytes = header.as_bytes();
        let after_scheme = AuthorizationScheme::OAuth
            .strip_from(header)
            .ok_or(OAuthHeaderError::NotOAuthScheme)?;
        let mut at = header.len() - after_scheme.len();

        // What is decoded is never longer than the header it comes from, so `text` never
        // grows; eight parameters cover every OAuth request.
        let mut many_names: Option<HashSet<String>> = None;
        let mut parsed = Self {
            realm: None,
            text: String::with_capacity(2 * header.len()),
            pairs: Vec::with_capacity(8),
            slots: [0; Protocol::COUNT],
        };
        parsed.text.push_str(header);
        let mut first = true;
        loop {
            let separated;
            (at, separated) = skip_separators(bytes, at);
            if at >= bytes.len() {
                break;
            }
            if !(first || separated) {
                return Err(OAuthHeaderError::ExpectedSeparator { at });
            }
            first = false;

            let name_start = at;
            // Names are decoded only when they hold an escape (almost never), noticed here
            // rather than searched for again.
            let (name_len, name_escaped, plain_protocol) = match plain_protocol_name(&bytes[at..]) {
                Some((protocol, len)) => (len, false, Some(protocol)),
                None => {
                    let (len, escaped) = token_run(&bytes[at..]);
                    (len, escaped, None)
                }
            };
            at += name_len;
            if at == name_start {
                return Err(OAuthHeaderError::ExpectedName { at });
            }
            let name_end = at;
            // `name="`, as every client writes it, is taken in one comparison.
            if bytes.get(at..at + 2) == Some(b"=\"") {
                at += 1;
            } else {
                at = skip_whitespace(bytes, at);
                if bytes.get(at) != Some(&b'=') {
                    return Err(OAuthHeaderError::ExpectedEquals { at });
                }
                at = skip_whitespace(bytes, at + 1);
            }

            let raw_name = Span {
                start: name_start,
                end: name_end,
            };
            // Cut out of the header only when needed: a protocol name is known already, and a
            // value without escapes is not copied.
            let in_header = |span: Span| &header[span.start..span.end];

            let decode_error = |reason| OAuthHeaderError::Decode {
                name: in_header(raw_name).chars().take(64).collect(),
                reason,
            };
            let duplicate = |name: &str| OAuthHeaderError::Duplicate {
                name: name.chars().take(64).collect(),
            };
            let name: Cow<'_, str> = match plain_protocol {
                Some(protocol) => Cow::Borrowed(protocol.name()),
                None if name_escaped => {
                    percent_decode(in_header(raw_name)).map_err(decode_error)?
                }
                None => Cow::Borrowed(in_header(raw_name)),
            };
            // A protocol parameter's name is never `realm`, whose name has any case (RFC 5849
            // §3.5.1 takes it from RFC 2617, where directive names are case-insensitive).
            if plain_protocol.is_none() && name.eq_ignore_ascii_case("realm") {
                let realm;
                (realm, at) = realm_at(header, at)?;
                if parsed.realm.is_some() {
                    return Err(duplicate(&name));
                }
                parsed.realm = Some(realm);
                continue;
            }
            let value = value_at(bytes, at)?;
            at = value.next;
            // The header is already in `text`: only what is decoded is added to it. The pair
            // counts once it is recorded, so the search for a duplicate below sees only the
            // pairs before it.
            let name_span = if name_escaped {
                parsed.append(&name)
            } else {
                raw_name
            };
            let value_span = if value.may_hold_escape {
                let start = parsed.text.len();
                push_decoded(&mut parsed.text, in_header(value.span)).map_err(decode_error)?;
                Span {
                    start,
                    end: parsed.text.len(),
                }
            } else {
                value.span
            };
            // Only names that are not protocol parameters' are compared with one another.
            let protocol = plain_protocol.or_else(|| Protocol::from_name(name.as_bytes()));
            let is_duplicate = if let Some(protocol) = protocol {
                parsed.slots[protocol as usize] != 0
            } else if parsed.pairs.len() < LINEAR_DUPLICATE_SCAN {
                parsed.value_span(&name).is_some()
            } else {
                let names = many_names.get_or_insert_with(|| {
                    parsed.iter().map(|(name, _)| name.to_owned()).collect()
                });
                !names.insert(name.clone().into_owned())
            };
            if is_duplicate {
                return Err(duplicate(&name));
            }
            parsed.record(name_span, value_span, protocol);
        }
        if parsed.pairs.is_empty() && parsed.realm.is_none() {
            return Err(OAuthHeaderError::NoParameters);
        }
        Ok(parsed)
    }
}

impl fmt::Debug for OAuthParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        if let Some(realm) = &self.realm {
            map.entry(&"realm", realm);
        }
        for (name, value) in self.iter() {
            if REDACTED_PARAMETERS.contains(&name) {
                map.entry(&name, &"[redacted]");
            } else {
                map.entry(&name, &value);
            }
        }
        map.finish()
    }
}

/// A parameter's value as found in the header.
struct ValueAt {
    /// Where it is, without its quotes.
    span: Span,
    /// Whether it has to go through the decoder: it holds a `%`, or it is unquoted (rare, and
    /// not searched for a `%` on the way).
    may_hold_escape: bool,
    /// Where reading goes on, after the closing quote if there is one.
    next: usize,
}

/// The value that starts at `at`, after the `=` and any whitespace: quoted, up to the closing
/// quote, or unquoted, up to a comma, whitespace or the end.
fn value_at(bytes: &[u8], at: usize) -> Result<ValueAt, OAuthHeaderError> {
    if bytes.get(at) != Some(&b'"') {
        let rest = bytes.get(at..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&byte| byte == b',' || is_whitespace(byte))
            .unwrap_or(rest.len());
        return Ok(ValueAt {
            span: Span {
                start: at,
                end: at + len,
            },
            may_hold_escape: true,
            next: at + len,
        });
    }
    let unterminated = || OAuthHeaderError::UnterminatedQuote { at };
    let inside = &bytes[at + 1..];
    // The closing quote and any `%` before it, in one pass.
    let stop = find_either(inside, b'"', b'%').ok_or_else(unterminated)?;
    let escaped = inside[stop] == b'%';
    let close = if escaped {
        stop + find_byte(&inside[stop..], b'"').ok_or_else(unterminated)?
    } else {
        stop
    };
    let span = Span {
        start: at + 1,
        end: at + 1 + close,
    };
    Ok(ValueAt {
        span,
        may_hold_escape: escaped,
        next: span.end + 1,
    })
}

/// The realm at byte `at` and where it ends. RFC 5849 §3.5.1 leaves `realm` to RFC 2617, where
/// it is a quoted-string, not percent-encoded: a `\` takes the character after it as it is
/// (`"a \"q\" r"`), and a `%` is text (`"100% Photos"`). This crate writes it percent-encoded,
/// though ([`OAuthParameters::to_header_value`]), as did its earlier versions: so `%` escapes
/// are decoded where they make text, and a realm whose escapes would not is taken as written.
/// The realm is not signed, and a client's realm the provider reads slightly otherwise loses
/// nothing; one it cannot read would lose the request.
fn realm_at(header: &str, at: usize) -> Result<(String, usize), OAuthHeaderError> {
    let bytes = header.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        let value = value_at(bytes, at)?;
        let written = &header[value.span.start..value.span.end];
        return Ok((decoded_realm(written.to_owned()), value.next));
    }
    let mut unquoted = String::new();
    let mut characters = header[at + 1..].char_indices();
    while let Some((offset, character)) = characters.next() {
        match character {
            '"' => return Ok((decoded_realm(unquoted), at + 1 + offset + 1)),
            '\\' => match characters.next() {
                Some((_, quoted)) => unquoted.push(quoted),
                None => break,
            },
            _ => unquoted.push(character),
        }
    }
    Err(OAuthHeaderError::UnterminatedQuote { at })
}

/// A realm with its `%` escapes decoded where they make text ([`realm_at`]).
fn decoded_realm(written: String) -> String {
    match percent_encoding::percent_decode_str(&written).decode_utf8() {
        Ok(Cow::Owned(decoded)) => decoded,
        Ok(Cow::Borrowed(_)) | Err(_) => written,
    }
}

/// Skips the commas and whitespace between two parameters: where the next one starts, and
/// whether anything separated it from what came before.
fn skip_separators(bytes: &[u8], start: usize) -> (usize, bool) {
    // The `, ` every client writes, followed by a name, is taken in one comparison.
    if bytes.get(start..start + 2) == Some(b", ")
        && bytes
            .get(start + 2)
            .is_some_and(|&byte| byte != b',' && !is_whitespace(byte))
    {
        return (start + 2, true);
    }
    let mut at = skip_whitespace(bytes, start);
    let mut comma = false;
    while bytes.get(at) == Some(&b',') {
        comma = true;
        at = skip_whitespace(bytes, at + 1);
    }
    (at, comma || at > start)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_whitespace(b)) {
        at += 1;
    }
    at
}

/// The protocol parameter whose name `bytes` starts with, spelled without escapes and not
/// followed by another name byte, and the name's length: what [`token_run`] would find there,
/// recognised by comparing with one or two names instead of classifying each byte (nearly
/// every name in a header is one of these).
fn plain_protocol_name(bytes: &[u8]) -> Option<(Protocol, usize)> {
    let protocol = Protocol::named_at_start(bytes)?;
    let len = protocol.name().len();
    let ends_there = bytes
        .get(len)
        .is_none_or(|&byte| NAME_BYTES[usize::from(byte)] == 0);
    ends_there.then_some((protocol, len))
}

/// The length of the run of name bytes (RFC 7230 `tchar`, which includes `%`) that `bytes`
/// starts with, and whether it holds a `%`.
fn token_run(bytes: &[u8]) -> (usize, bool) {
    let (run, classes) = accepted_run(bytes, |byte| {
        let class = NAME_BYTES[usize::from(byte)];
        (class & TOKEN != 0, class)
    });
    (run, classes & ESCAPE != 0)
}

/// A name byte's class in [`NAME_BYTES`]: a `tchar`.
const TOKEN: u8 = 1;
/// A name byte's class in [`NAME_BYTES`]: the `%` of an escape (also a `tchar`).
const ESCAPE: u8 = 2;

/// Every byte's class as a name byte, built once at compile time.
const NAME_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        if (byte as u8).is_ascii_alphanumeric() {
            table[byte] = TOKEN;
        }
        byte += 1;
    }
    let symbols = b"!#$%&'*+-.^_`|~";
    let mut index = 0;
    while index < symbols.len() {
        table[symbols[index] as usize] = TOKEN;
        index += 1;
    }
    table[b'%' as usize] = TOKEN | ESCAPE;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_commas_quotes_and_encoding() {
        let params = OAuthParameters::new(
            Some("Photos".into()),
            [
                ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                ("oauth_callback", "http://printer.example.com/ready"),
            ],
        );
        assert_eq!(
            params.to_header_value(),
            "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_callback=\"http%3A%2F%2Fprinter.example.com%2Fready\""
        );
    }

    /// The Discogs docs' step-4 example, with its missing comma after `oauth_token` and its
    /// multi-line layout.
    #[test]
    fn parses_the_discogs_docs_access_token_example() {
        let header = "OAuth oauth_consumer_key=\"your_consumer_key\",\n        \
            oauth_nonce=\"random_string_or_timestamp\",\n        \
            oauth_token=\"oauth_token_received_from_step_2\"\n        \
            oauth_signature=\"your_consumer_secret&\",\n        \
            oauth_signature_method=\"PLAINTEXT\",\n        \
            oauth_timestamp=\"current_timestamp\",\n        \
            oauth_verifier=\"users_verifier\"";
        let params = OAuthParameters::parse(header).unwrap();
        assert_eq!(
            params.iter().collect::<Vec<_>>(),
            [
                ("oauth_consumer_key", "your_consumer_key"),
                ("oauth_nonce", "random_string_or_timestamp"),
                ("oauth_token", "oauth_token_received_from_step_2"),
                ("oauth_signature", "your_consumer_secret&"),
                ("oauth_signature_method", "PLAINTEXT"),
                ("oauth_timestamp", "current_timestamp"),
                ("oauth_verifier", "users_verifier"),
            ]
        );
    }

    #[test]
    fn whitespace_case_and_quoting_variations() {
        for header in [
            "OAuth a=\"1\",b=\"2\"",
            "oauth   a = \"1\" ,  b=2",
            "OAUTH\ta=1,,b=\"2\"",
            "  OAuth a=\"1\", b=\"2\",",
            "OAuth a=\"1\", , b=\"2\"",
            "OAuth a=\"1\",  b=\"2\"",
            "OAuth a=\"1\", \tb=\"2\"",
            "OAuth a= \"1\", b =\"2\", ",
            "OAuth a=\"1\" b=\"2\"",
        ] {
            let params = OAuthParameters::parse(header).unwrap();
            assert_eq!(
                params.iter().collect::<Vec<_>>(),
                [("a", "1"), ("b", "2")],
                "{header}"
            );
        }
    }

    /// A realm as RFC 2617 writes it (a quoted-string: `\` before a character, `%` as text),
    /// as this crate writes it (percent-encoded), and unquoted.
    #[test]
    fn realms_are_read_as_every_writer_writes_them() {
        for (header, realm) in [
            (r#"OAuth realm="100% Photos", a="1""#, "100% Photos"),
            (r#"OAuth realm="a \"q\" r", a="1""#, r#"a "q" r"#),
            (r#"OAuth realm="back\\slash\x", a="1""#, r"back\slashx"),
            (r#"OAuth realm="My%20Photos%25", a="1""#, "My Photos%"),
            (r#"OAuth realm="%FF%41", a="1""#, "%FF%41"),
            (r#"OAuth realm=100%, a="1""#, "100%"),
            (r#"OAuth realm="", a="1""#, ""),
        ] {
            let params = OAuthParameters::parse(header).unwrap();
            assert_eq!(params.realm(), Some(realm), "{header}");
            assert_eq!(params.iter().collect::<Vec<_>>(), [("a", "1")], "{header}");
            let built = params.to_header_value();
            assert_eq!(OAuthParameters::parse(&built), Ok(params), "{built}");
        }
        // An escaped quote does not close the realm.
        for header in [r#"OAuth realm="a\""#, r#"OAuth realm="a\"#] {
            assert_eq!(
                OAuthParameters::parse(header),
                Err(OAuthHeaderError::UnterminatedQuote { at: 12 })
            );
        }
    }

    /// `realm` in any case is the realm: never a parameter, so never signed, and once only.
    #[test]
    fn realm_is_named_in_any_case() {
        for header in [
            "OAuth Realm=\"Photos\", a=\"1\"",
            "OAuth REALM=\"Photos\", a=\"1\"",
            "OAuth re%61lm=\"Photos\", a=\"1\"",
        ] {
            let params = OAuthParameters::parse(header).unwrap();
            assert_eq!(params.realm(), Some("Photos"), "{header}");
            assert_eq!(params.iter().collect::<Vec<_>>(), [("a", "1")], "{header}");
        }
        assert_eq!(
            OAuthParameters::parse("OAuth realm=\"a\", Realm=\"b\""),
            Err(OAuthHeaderError::Duplicate {
                name: "Realm".into()
            })
        );
    }

    /// Equal means the same realm and the same pairs in the same order, however each header
    /// spelled them; `realm` is not counted as a parameter.
    #[test]
    fn equality_is_realm_and_pairs_in_order() {
        let built = |realm: Option<&str>, pairs: &[(&str, &str)]| {
            OAuthParameters::new(realm.map(str::to_owned), pairs.iter().copied())
        };
        let parsed = OAuthParameters::parse("OAuth realm=\"R\", a=\"1\", b=%32").unwrap();
        assert_eq!(parsed.count(), 2);
        assert_eq!(parsed, built(Some("R"), &[("a", "1"), ("b", "2")]));
        assert_ne!(parsed, built(Some("R"), &[("a", "1"), ("b", "3")]));
        assert_ne!(parsed, built(Some("R"), &[("b", "2"), ("a", "1")]));
        assert_ne!(parsed, built(Some("R"), &[("a", "1")]));
        assert_ne!(parsed, built(None, &[("a", "1"), ("b", "2")]));
        assert_ne!(parsed, built(Some("S"), &[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn malformed_headers_get_exact_errors() {
        use OAuthHeaderError::*;
        let cases: [(&str, OAuthHeaderError); 10] = [
            ("Basic abc", NotOAuthScheme),
            ("OAuthx a=1", NotOAuthScheme),
            ("", NotOAuthScheme),
            ("OAuth", NoParameters),
            ("OAuth   ", NoParameters),
            ("OAuth a=\"1", UnterminatedQuote { at: 8 }),
            ("OAuth a", ExpectedEquals { at: 7 }),
            ("OAuth =1", ExpectedName { at: 6 }),
            ("OAuth a=\"1\"b=\"2\"", ExpectedSeparator { at: 11 }),
            ("OAuth a=\"1\", a=\"2\"", Duplicate { name: "a".into() }),
        ];
        for (header, expected) in cases {
            assert_eq!(OAuthParameters::parse(header), Err(expected), "{header}");
        }
        assert_eq!(
            OAuthParameters::parse("OAuth realm=\"x\", realm=\"y\""),
            Err(Duplicate {
                name: "realm".into()
            })
        );
        assert_eq!(
            OAuthParameters::parse("OAuth a=\"%G0\""),
            Err(Decode {
                name: "a".into(),
                reason: DecodeError::BadPercentEscape
            })
        );
        // Past the linear scan, a duplicate is still found, however far apart.
        let many: String = (0..100).map(|i| format!("p{i}=\"v\", ")).collect();
        assert_eq!(
            OAuthParameters::parse(&format!("OAuth {many}p3=\"again\"")),
            Err(Duplicate { name: "p3".into() })
        );
        assert_eq!(
            OAuthParameters::parse(&format!("OAuth {many}p100=\"new\""))
                .unwrap()
                .iter()
                .count(),
            101
        );
        // Duplicates are found after decoding: `%61` is `a`.
        assert_eq!(
            OAuthParameters::parse("OAuth a=\"1\", %61=\"2\""),
            Err(Duplicate { name: "a".into() })
        );
    }

    #[test]
    fn protocol_names_are_recognised_only_when_plain_and_whole() {
        use Protocol::*;
        for (header, expected) in [
            (&b"oauth_token=\"t\""[..], (Token, 11)),
            (
                b"oauth_signature_method=\"PLAINTEXT\"",
                (SignatureMethod, 22),
            ),
            (b"oauth_signature=\"a=b\"", (Signature, 15)),
            (b"oauth_consumer_key=k", (ConsumerKey, 18)),
            (b"oauth_callback=c", (Callback, 14)),
            (b"oauth_timestamp=1", (Timestamp, 15)),
            (b"oauth_nonce=n", (Nonce, 11)),
            (b"oauth_version=1.0", (Version, 13)),
            (b"oauth_verifier=v", (Verifier, 14)),
        ] {
            assert_eq!(plain_protocol_name(header), Some(expected), "{header:?}");
        }
        // Whatever follows the name, as long as it cannot continue it: the caller reads on.
        for header in [
            &b"oauth_token"[..],
            b"oauth_token \t= t",
            b"oauth_token\"=t",
            b"oauth_token,",
        ] {
            assert_eq!(plain_protocol_name(header), Some((Token, 11)), "{header:?}");
        }
        // Left to the byte-by-byte scan: escapes, longer or shorter names, other parameters.
        for header in [
            &b"oauth%5Ftoken=t"[..],
            b"oauth_tokens=t",
            b"oauth_token%41=t",
            b"oauth_toke=t",
            b"oauth_signature_methods=m",
            b"oauth_signatur\xD0\xB5=s",
            b"OAUTH_TOKEN=t",
            b"realm=r",
            b"oauth_",
            b" oauth_token=t",
        ] {
            assert_eq!(plain_protocol_name(header), None, "{header:?}");
        }
    }

    #[test]
    fn protocol_parameters_are_read_by_slot_and_refused_twice() {
        let parsed = OAuthParameters::parse(
            "OAuth a=1, oauth_token=\"t\", oauth%5Fnonce=\"n\", oauth_signature=\"s%26\"",
        )
        .unwrap();
        assert_eq!(parsed.protocol(Protocol::Token), Some("t"));
        assert_eq!(parsed.protocol(Protocol::Nonce), Some("n"));
        assert_eq!(parsed.protocol(Protocol::Signature), Some("s&"));
        assert_eq!(parsed.get("oauth_signature"), Some("s&"));
        assert_eq!(parsed.protocol(Protocol::Verifier), None);
        assert_eq!(parsed.get("a"), Some("1"));
        for header in [
            "OAuth oauth_token=\"t\", oauth_token=\"u\"",
            "OAuth oauth_token=\"t\", oauth%5Ftoken=\"u\"",
            "OAuth oauth%5Ftoken=\"t\", oauth_token =u",
        ] {
            assert_eq!(
                OAuthParameters::parse(header),
                Err(OAuthHeaderError::Duplicate {
                    name: "oauth_token".into()
                }),
                "{header}"
            );
        }
        // Built with a name twice, the first is the one read, as a search would find it.
        let built = OAuthParameters::new(None, [("oauth_token", "first"), ("oauth_token", "2")]);
        assert_eq!(built.get("oauth_token"), Some("first"));
        // Every name has its slot.
        for protocol in [
            Protocol::ConsumerKey,
            Protocol::Token,
            Protocol::SignatureMethod,
            Protocol::Signature,
            Protocol::Timestamp,
            Protocol::Nonce,
            Protocol::Version,
            Protocol::Callback,
            Protocol::Verifier,
        ] {
            let header = format!("OAuth x=1, {}=\"v\"", protocol.name());
            let parsed = OAuthParameters::parse(&header).unwrap();
            assert_eq!(parsed.protocol(protocol), Some("v"), "{header}");
            assert_eq!(
                Protocol::from_name(protocol.name().as_bytes()),
                Some(protocol)
            );
        }
    }

    #[test]
    fn debug_hides_signature_and_verifier() {
        let params = OAuthParameters::new(
            None,
            [
                ("oauth_consumer_key", "public"),
                ("oauth_signature", "consumer-secret&"),
                ("oauth_verifier", "verifier-secret"),
            ],
        );
        let shown = format!("{params:?}");
        assert!(shown.contains("public"));
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn token_run_ends_at_the_first_byte_outside_tchar() {
        assert_eq!(token_run(b"oauth_signature_method=\"x\""), (22, false));
        assert_eq!(token_run(b"a%20b ="), (5, true));
        assert_eq!(token_run(b"abcdefgh"), (8, false));
        assert_eq!(token_run(b"abcdefghi%"), (10, true));
        assert_eq!(token_run(b"=x%"), (0, false));
        assert_eq!(token_run(b""), (0, false));
        // Not tchar: separators, controls and non-ASCII.
        for stop in [
            b'"', b'(', b',', b'/', b':', b';', b'=', b'@', b'[', b'{', b' ', 0x7f, 0x80,
        ] {
            assert_eq!(token_run(&[b'a', b'%', stop, b'b']), (2, true), "{stop:#x}");
        }
    }

    proptest::proptest! {
        /// Names recognised as protocol parameters and names scanned and decoded byte by
        /// byte give the same parameters and the same errors: every name is written once
        /// plainly and once with its first letter escaped, which only the scan reads.
        #[test]
        fn protocol_names_parse_as_their_escaped_spelling(
            names in proptest::collection::vec(
                proptest::sample::select(vec![
                    "oauth_consumer_key", "oauth_token", "oauth_signature_method",
                    "oauth_signature", "oauth_timestamp", "oauth_nonce", "oauth_version",
                    "oauth_callback", "oauth_verifier", "oauth_tokens", "oauth_", "other",
                    "oauth_signature_methods", "oauth_signaturex", "oauth_nonc", "oauth_c",
                ]),
                1..8,
            ),
            values in proptest::collection::vec("[a-z=%&\" ]{0,6}", 8),
            spacing in proptest::collection::vec(proptest::sample::select(vec!["", " ", "\t"]), 8),
        ) {
            let header = |escape_first: bool| {
                let pairs: Vec<String> = names
                    .iter()
                    .zip(&values)
                    .zip(&spacing)
                    .map(|((name, value), space)| {
                        let name = if escape_first {
                            format!("%{:02X}{}", name.as_bytes()[0], &name[1..])
                        } else {
                            (*name).to_owned()
                        };
                        format!("{name}{space}=\"{}\"", value.replace('"', "%22"))
                    })
                    .collect();
                format!("OAuth {}", pairs.join(", "))
            };
            let (plain, escaped) = (header(false), header(true));
            let (plain, escaped) = (OAuthParameters::parse(&plain), OAuthParameters::parse(&escaped));
            match (&plain, &escaped) {
                (Ok(plain), Ok(escaped)) => {
                    proptest::prop_assert_eq!(plain, escaped);
                    for name in &names {
                        proptest::prop_assert_eq!(
                            plain.get(name),
                            plain.iter().find(|(n, _)| n == name).map(|(_, v)| v)
                        );
                    }
                }
                (Err(plain), Err(escaped)) => {
                    // Offsets differ by the escapes' length; the kind of error does not.
                    proptest::prop_assert_eq!(
                        std::mem::discriminant(plain),
                        std::mem::discriminant(escaped)
                    );
                }
                _ => proptest::prop_assert!(false, "{:?} against {:?}", plain, escaped),
            }
        }

        /// However the parameters are separated and their `=` spaced, they parse as the
        /// canonical `name="value", ` layout does (which the parser takes in one comparison).
        #[test]
        fn separators_and_spacing_do_not_change_the_parameters(
            pairs in proptest::collection::vec(("[a-z_]{1,8}", "[a-z0-9%]{0,6}"), 1..6),
            separators in proptest::collection::vec(
                proptest::sample::select(vec![", ", ",", " ,", ",  ", ", ,", "\t,\t", " "]),
                6,
            ),
            equals in proptest::collection::vec(
                proptest::sample::select(vec!["=", " =", "= ", " = "]),
                6,
            ),
        ) {
            let written = |canonical: bool| {
                let mut header = String::from("OAuth ");
                for (index, (name, value)) in pairs.iter().enumerate() {
                    if index > 0 {
                        header.push_str(if canonical { ", " } else { separators[index] });
                    }
                    header.push_str(name);
                    header.push_str(if canonical { "=" } else { equals[index] });
                    header.push_str(&format!("\"{value}\""));
                }
                header
            };
            let canonical = OAuthParameters::parse(&written(true));
            let spaced = OAuthParameters::parse(&written(false));
            match (&canonical, &spaced) {
                (Ok(canonical), Ok(spaced)) => proptest::prop_assert_eq!(canonical, spaced),
                (Err(canonical), Err(spaced)) => proptest::prop_assert_eq!(
                    std::mem::discriminant(canonical),
                    std::mem::discriminant(spaced)
                ),
                _ => proptest::prop_assert!(false, "{:?} against {:?}", canonical, spaced),
            }
        }

        #[test]
        fn token_run_is_the_bytewise_scan(bytes in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'Z', b'0', b'%', b'_', b'~', b'=', b'"', b' ', b',', 0xff]),
            0..40,
        )) {
            let run = bytes
                .iter()
                .position(|&byte| !(byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)))
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(token_run(&bytes), (run, bytes[..run].contains(&b'%')));
        }
    }
}
