//! The signature base string (RFC 5849 §3.4.1), written in one pass for signing and verifying.

use std::cmp::Ordering;
use std::mem;
use std::ops::Range;

use http::{Method, Uri};

use crate::encoding::{
    ENCODED_AT_MOST, ENCODED_TWICE_AT_MOST, FormError, KnownText, cmp_encoded, push_encoded,
    push_encoded_twice, push_form_encoded_twice, raw_form_pairs,
};
use crate::oauth_header::Protocol;
use crate::signature::{BaseUri, SigningError};
#[cfg(test)]
use crate::signature::{base_string_uri, collect_signed_parameters, signature_base_string};

/// What a signature covers, for methods that need the base string.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) struct SignatureBase<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub protocol_parameters: &'a [(&'a str, &'a str)],
    pub form_body: Option<&'a [u8]>,
    /// The same protocol parameters already written out, when a signer prepared them: used
    /// whenever no query or body parameter sorts among them; with them, the start of the base
    /// string URI for the signer's API origin, used whenever the request has that origin.
    pub written_protocol: Option<WrittenProtocol<'a>>,
}

/// The protocol parameters every request of one signer carries, written once as the base
/// string holds them (each `name%3Dvalue` doubly encoded, joined by `%26`, in order) around an
/// empty nonce and timestamp. Signing copies it around those two values instead of encoding
/// and sorting the consumer key, the method and the token again on every request.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Clone)]
pub(crate) struct ProtocolTemplate {
    bytes: Box<[u8]>,
    /// Where the nonce and the timestamp go (the nonce's name sorts first).
    nonce_at: usize,
    timestamp_at: usize,
    /// The first and the last name written: a parameter whose name sorts outside these two
    /// sorts wholly before or after the template, whatever the values.
    first_name: &'static str,
    last_name: &'static str,
    /// The base string's URI up to the path, encoded, for requests to the signer's API origin
    /// (boxed, so that a prepared key stays small).
    origin: Option<Box<KnownOrigin>>,
}

/// A scheme and authority exactly as a request URI spells them, and the start of the base
/// string URI they make (`scheme://host[:port]`, normalized and encoded): a signer's requests
/// mostly go to one API origin, whose host and port need not be parsed again for each.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Clone)]
struct KnownOrigin {
    scheme: Box<str>,
    authority: Box<str>,
    encoded: Box<[u8]>,
}

#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
impl ProtocolTemplate {
    /// The template of a signer's `protocol` parameters. Their `oauth_nonce` and
    /// `oauth_timestamp`, whatever is given for them, are the slots every request fills in
    /// (and are always there); an `oauth_signature` is left out, as the base string leaves it
    /// out.
    pub(crate) fn new(protocol: &[(&'static str, &str)]) -> Self {
        // A few parameters, once per signer: each is put in its place as it comes, which is
        // far less code than a sort of their own.
        let mut parameters = Vec::with_capacity(protocol.len() + 2);
        for &(name, value) in protocol {
            if !matches!(name, "oauth_signature" | "oauth_nonce" | "oauth_timestamp") {
                insert_in_order(&mut parameters, (name, Some(value)));
            }
        }
        insert_in_order(&mut parameters, ("oauth_nonce", None));
        insert_in_order(&mut parameters, ("oauth_timestamp", None));
        let mut bytes = Vec::new();
        let (mut nonce_at, mut timestamp_at) = (0, 0);
        for (index, &(name, value)) in parameters.iter().enumerate() {
            if index > 0 {
                bytes.extend_from_slice(b"%26");
            }
            push_encoded_twice(&mut bytes, name.as_bytes());
            bytes.extend_from_slice(b"%3D");
            match (name, value) {
                (_, Some(value)) => push_encoded_twice(&mut bytes, value.as_bytes()),
                ("oauth_nonce", None) => nonce_at = bytes.len(),
                (_, None) => timestamp_at = bytes.len(),
            }
        }
        // Both slots are in the list, so it has a first and a last name.
        let (first_name, last_name) = first_and_last_names(&parameters);
        Self {
            bytes: bytes.into_boxed_slice(),
            nonce_at,
            timestamp_at,
            first_name,
            last_name,
            origin: None,
        }
    }

    /// The template, also holding `api_origin`'s base string URI up to the path (none when it
    /// is not a URI a base string can be made of).
    pub(crate) fn with_origin(self, api_origin: Option<&Uri>) -> Self {
        let origin = api_origin.and_then(|uri| {
            let (scheme, authority) = (uri.scheme_str()?, uri.authority()?.as_str());
            let mut encoded = Vec::new();
            BaseUri::of(uri)
                .ok()?
                .write_origin(|piece| push_encoded(&mut encoded, piece.as_bytes()));
            Some(Box::new(KnownOrigin {
                scheme: scheme.into(),
                authority: authority.into(),
                encoded: encoded.into_boxed_slice(),
            }))
        });
        Self { origin, ..self }
    }

    /// The template with this request's nonce and timestamp, ready to be written.
    pub(crate) fn fill<'a>(&'a self, nonce: &'a str, timestamp: &'a str) -> WrittenProtocol<'a> {
        WrittenProtocol {
            first_name: self.first_name,
            last_name: self.last_name,
            parameters: Parameters::Filled {
                template: self,
                nonce,
                timestamp,
            },
        }
    }
}

/// The base string's order of two parameters (RFC 5849 §3.4.1.3.2): by encoded name, then by
/// encoded value.
fn parameter_order((name_a, value_a): (&str, &str), (name_b, value_b): (&str, &str)) -> Ordering {
    cmp_encoded(name_a.as_bytes(), name_b.as_bytes())
        .then_with(|| cmp_encoded(value_a.as_bytes(), value_b.as_bytes()))
}

/// Puts `parameter` into `parameters`, sorted by [`parameter_order`] (a slot's missing value
/// as an empty one), after those it sorts with.
fn insert_in_order<'a>(
    parameters: &mut Vec<(&'static str, Option<&'a str>)>,
    parameter: (&'static str, Option<&'a str>),
) {
    let (name, value) = (parameter.0, parameter.1.unwrap_or_default());
    let at = parameters.partition_point(|&(other, other_value)| {
        parameter_order((other, other_value.unwrap_or_default()), (name, value)).is_le()
    });
    parameters.insert(at, parameter);
}

/// The names of the first and the last of sorted `parameters` (empty when there are none).
fn first_and_last_names<T>(parameters: &[(&'static str, T)]) -> (&'static str, &'static str) {
    let name = |parameter: Option<&(&'static str, T)>| parameter.map_or("", |(name, _)| *name);
    (name(parameters.first()), name(parameters.last()))
}

/// Protocol parameters that go into the base string as one block, written in order without
/// being sorted among the request's own parameters, whenever none of those sorts among them.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Clone, Copy)]
pub(crate) struct WrittenProtocol<'a> {
    /// The first and the last name written: a parameter whose name sorts outside these two
    /// sorts wholly before or after the block, whatever the values.
    first_name: &'static str,
    last_name: &'static str,
    parameters: Parameters<'a>,
}

/// What a [`WrittenProtocol`] writes.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Clone, Copy)]
enum Parameters<'a> {
    /// A signer's [`ProtocolTemplate`] with one request's nonce and timestamp.
    Filled {
        template: &'a ProtocolTemplate,
        /// Both are unreserved text (`Nonce` admits nothing else, a timestamp is digits),
        /// which encodes to itself however often: they are copied as they are.
        nonce: &'a str,
        timestamp: &'a str,
    },
    /// One request's parameters, already in the base string's order, each value encoded as
    /// it is written (copied when it is known to be unreserved).
    Sorted(&'a [(&'static str, KnownText<'a>)]),
}

#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
impl<'a> WrittenProtocol<'a> {
    /// One request's `parameters`, already in the base string's order (by encoded name, then
    /// value) and with unreserved names (the protocol's own): nothing is sorted, and each
    /// value is encoded as it is written.
    pub(crate) fn sorted(parameters: &'a [(&'static str, KnownText<'a>)]) -> Self {
        let (first_name, last_name) = first_and_last_names(parameters);
        Self {
            first_name,
            last_name,
            parameters: Parameters::Sorted(parameters),
        }
    }

    /// Whether a parameter whose name is written `name` (encoded twice, as [`EncodedPairs`]
    /// holds it) sorts wholly before or after the written parameters. Their names are
    /// unreserved, so they are their own encodings, and the bytes compare as the encodings do.
    fn sorts_outside(&self, name: &[u8]) -> bool {
        name < self.first_name.as_bytes() || self.sorts_after(name)
    }

    /// Whether a parameter whose name is written `name` sorts wholly after the written
    /// parameters.
    fn sorts_after(&self, name: &[u8]) -> bool {
        name > self.last_name.as_bytes()
    }

    /// At least as long as what [`Self::write`] writes.
    fn len_at_most(&self) -> usize {
        match self.parameters {
            Parameters::Filled {
                template,
                nonce,
                timestamp,
            } => template.bytes.len() + nonce.len() + timestamp.len(),
            Parameters::Sorted(parameters) => parameters
                .iter()
                .map(|(name, value)| {
                    "%26".len() + name.len() + "%3D".len() + value.encoded_twice_len_at_most()
                })
                .sum(),
        }
    }

    /// The encoded start of `uri`'s base string URI, when `uri` has the signer's API origin
    /// (the same scheme and authority, byte for byte, so the same normalized origin).
    fn origin_of(&self, uri: &Uri) -> Option<&'a [u8]> {
        let Parameters::Filled { template, .. } = self.parameters else {
            return None;
        };
        let origin = template.origin.as_ref()?;
        let same = uri.scheme_str() == Some(&*origin.scheme)
            && uri.authority().map(|authority| authority.as_str()) == Some(&*origin.authority);
        same.then_some(&*origin.encoded)
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self.parameters {
            Parameters::Filled {
                template,
                nonce,
                timestamp,
            } => {
                let ProtocolTemplate {
                    bytes,
                    nonce_at,
                    timestamp_at,
                    ..
                } = template;
                out.extend_from_slice(&bytes[..*nonce_at]);
                out.extend_from_slice(nonce.as_bytes());
                out.extend_from_slice(&bytes[*nonce_at..*timestamp_at]);
                out.extend_from_slice(timestamp.as_bytes());
                out.extend_from_slice(&bytes[*timestamp_at..]);
            }
            Parameters::Sorted(parameters) => {
                debug_assert!(
                    parameters.is_sorted_by(|&(name_a, value_a), &(name_b, value_b)| {
                        parameter_order((name_a, value_a.text), (name_b, value_b.text)).is_le()
                    }),
                    "the parameters come in the base string's order"
                );
                let mut separator: &[u8] = b"";
                for (name, value) in parameters {
                    out.extend_from_slice(mem::replace(&mut separator, b"%26"));
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b"%3D");
                    value.push_encoded_twice(out);
                }
            }
        }
    }

    /// Whether nothing is written (a block of no parameters is left out).
    fn is_empty(&self) -> bool {
        matches!(self.parameters, Parameters::Sorted([]))
    }
}

/// The signature base string of a request about to be signed or verified (the reference
/// definition, as [`collect_signed_parameters`]).
#[cfg(test)]
pub(crate) fn base_string_for(base: &SignatureBase<'_>) -> Result<String, SigningError> {
    let uri = base_string_uri(base.uri)?;
    let parameters = collect_signed_parameters(
        base.uri,
        base.protocol_parameters.iter().copied(),
        base.form_body,
    )?;
    Ok(signature_base_string(base.method, &uri, &parameters))
}

/// Parameters written as the base string holds them, `enc(enc(name))%3Denc(enc(value))`, into
/// one buffer, each pair the ranges of its name and value in it: one allocation for all of
/// them instead of two strings per pair, and one piece to copy for each.
///
/// Sorting the names and values as written sorts them by encoded name, then value (RFC 5849
/// §3.4.1.3.2): encoding an encoded text again keeps its order. Up to the first byte where two
/// encoded texts differ, both grow alike; there, at most one is the `%` that grows into `%25`,
/// and it still meets the other's byte, which it sorted before and still does.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
#[derive(Default)]
struct EncodedPairs {
    text: Vec<u8>,
    pairs: Vec<EncodedPair>,
}

/// Where one pair of [`EncodedPairs`] is in its text.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
struct EncodedPair {
    /// The name's first eight bytes, big-endian, zero-padded: integers that order as the names
    /// do, so that most comparisons while sorting are one (no name holds a zero byte, so a
    /// name that ends within them sorts before every longer one with the same start, as it
    /// should).
    order_key: u64,
    name: Range<usize>,
    value: Range<usize>,
}

impl EncodedPair {
    /// The whole pair: its name, `%3D` and its value.
    fn written(&self) -> Range<usize> {
        self.name.start..self.value.end
    }
}

#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
impl EncodedPairs {
    fn with_capacity(bytes: usize, pairs: usize) -> Self {
        Self {
            text: Vec::with_capacity(bytes),
            pairs: Vec::with_capacity(pairs),
        }
    }

    /// Adds the pairs of form data `input`, decoded as
    /// [`FormPairs::parse`](crate::encoding::FormPairs::parse) does; an error when a name or
    /// value is not UTF-8 (the pair `FormPairs::parse` would stop at). A pair named
    /// `oauth_signature` is checked like the others but left out, as RFC 5849 §3.4.1.3.1
    /// leaves it out of every source.
    fn push_form(&mut self, input: &[u8]) -> Result<(), FormError> {
        for (name, value) in raw_form_pairs(input) {
            let name_start = self.text.len();
            push_form_encoded_twice(&mut self.text, name)?;
            let name_end = self.text.len();
            self.text.extend_from_slice(b"%3D");
            push_form_encoded_twice(&mut self.text, value)?;
            // Encoded, the name is still `oauth_signature` (every byte of it is unreserved),
            // and no other name is written that way.
            if self.text[name_start..name_end] == *SIGNATURE.as_bytes() {
                self.text.truncate(name_start);
            } else {
                self.record(name_start..name_end);
            }
        }
        Ok(())
    }

    /// Adds the protocol parameters but `oauth_signature`, which the base string leaves out.
    fn push_protocol(&mut self, protocol: &[(&str, &str)]) {
        let (bytes, pairs) = Self::room_for(protocol);
        self.text.reserve(bytes);
        self.pairs.reserve(pairs);
        for (name, value) in signed_protocol(protocol) {
            let name_start = self.text.len();
            push_encoded_twice(&mut self.text, name.as_bytes());
            let name_end = self.text.len();
            self.text.extend_from_slice(b"%3D");
            push_encoded_twice(&mut self.text, value.as_bytes());
            self.record(name_start..name_end);
        }
    }

    /// The bytes and pairs [`Self::push_protocol`] adds at most.
    fn room_for(protocol: &[(&str, &str)]) -> (usize, usize) {
        signed_protocol(protocol).fold((0, 0), |(bytes, pairs), (name, value)| {
            (
                bytes + ENCODED_TWICE_AT_MOST * (name.len() + value.len()) + "%3D".len(),
                pairs + 1,
            )
        })
    }

    /// Records the pair whose name is at `name`, followed by `%3D` and its value up to the
    /// end of the text.
    fn record(&mut self, name: Range<usize>) {
        let mut first = [0; 8];
        let len = name.len().min(first.len());
        first[..len].copy_from_slice(&self.text[name.start..name.start + len]);
        self.pairs.push(EncodedPair {
            order_key: u64::from_be_bytes(first),
            value: name.end + "%3D".len()..self.text.len(),
            name,
        });
    }

    /// The names, as written.
    fn names(&self) -> impl Iterator<Item = &[u8]> {
        self.pairs.iter().map(|pair| &self.text[pair.name.clone()])
    }

    /// The pairs, each as written: `name%3Dvalue`.
    fn written(&self) -> impl Iterator<Item = &[u8]> {
        self.pairs.iter().map(|pair| &self.text[pair.written()])
    }

    /// Puts the pairs in the base string's order.
    fn sort(&mut self) {
        let text = &self.text;
        self.pairs.sort_unstable_by(|a, b| {
            a.order_key.cmp(&b.order_key).then_with(|| {
                text[a.name.clone()]
                    .cmp(&text[b.name.clone()])
                    .then_with(|| text[a.value.clone()].cmp(&text[b.value.clone()]))
            })
        });
    }
}

/// The one parameter no base string holds, wherever it is (RFC 5849 §3.4.1.3.1).
const SIGNATURE: &str = Protocol::Signature.name();

/// The protocol parameters a base string holds: all but `oauth_signature`.
fn signed_protocol<'a>(
    protocol: &'a [(&'a str, &'a str)],
) -> impl Iterator<Item = &'a (&'a str, &'a str)> {
    protocol.iter().filter(|(name, _)| *name != SIGNATURE)
}

/// Appends the signature base string (RFC 5849 §3.4.1) of `base` to `out`, as
/// [`signature_base_string`] would build it from [`collect_signed_parameters`], but with the
/// query and body decoded and encoded twice in one pass each, into one buffer
/// ([`EncodedPairs`]), sorted as written and copied pair by pair. When `base` carries its
/// protocol parameters written out and no query or body parameter's name sorts among theirs,
/// they are copied in whole where they sort, and only the request's own parameters are sorted.
///
/// `extra_capacity` more bytes are reserved for what the caller appends next.
#[cfg_attr(not(feature = "hmac-sha1"), allow(dead_code))]
pub(crate) fn write_base_string(
    out: &mut Vec<u8>,
    base: &SignatureBase<'_>,
    extra_capacity: usize,
) -> Result<(), SigningError> {
    let known_origin = base
        .written_protocol
        .and_then(|written| written.origin_of(base.uri));
    let base_uri = match known_origin {
        Some(origin) => UriPieces::Known {
            origin,
            path: BaseUri::path_of(base.uri),
        },
        None => UriPieces::Parts(BaseUri::of(base.uri)?),
    };
    let query = base.uri.query().unwrap_or_default().as_bytes();
    let body = base.form_body.unwrap_or_default();
    let count_pairs = |input: &[u8]| input.iter().filter(|&&byte| byte == b'&').count() + 1;
    // The protocol parameters are sorted among the request's own unless they come written
    // out (and even then, when a request parameter sorts among them: rare enough to grow the
    // buffers for).
    let (protocol_bytes, protocol_pairs) = match base.written_protocol {
        Some(_) => (0, 0),
        None => EncodedPairs::room_for(base.protocol_parameters),
    };
    let request_pairs = if query.is_empty() && body.is_empty() {
        0
    } else {
        count_pairs(query) + count_pairs(body)
    };
    // Every raw byte becomes at most five (a `+` is `%2520`, an escape `%XX` three bytes),
    // and every pair gets a `%3D`, even one written without `=`.
    let mut parameters = EncodedPairs::with_capacity(
        ENCODED_TWICE_AT_MOST * (query.len() + body.len())
            + "%3D".len() * request_pairs
            + protocol_bytes,
        request_pairs + protocol_pairs,
    );
    let sized = (parameters.text.capacity(), parameters.pairs.capacity());
    parameters
        .push_form(query)
        .map_err(SigningError::MalformedQuery)?;
    parameters
        .push_form(body)
        .map_err(SigningError::MalformedFormBody)?;
    debug_assert_eq!(
        sized,
        (parameters.text.capacity(), parameters.pairs.capacity()),
        "encoding never outgrows the buffers sized for it"
    );

    let written_protocol = base.written_protocol.filter(|written| {
        !written.is_empty() && parameters.names().all(|name| written.sorts_outside(name))
    });
    if written_protocol.is_none() {
        parameters.push_protocol(base.protocol_parameters);
    }
    parameters.sort();

    let method = base.method.as_str();
    let upper;
    let method = if method.bytes().any(|byte| byte.is_ascii_lowercase()) {
        upper = method.to_ascii_uppercase();
        upper.as_str()
    } else {
        method
    };
    // Every parameter sorts before or after the written protocol parameters, so they go
    // where the first of those after them starts.
    let split = written_protocol.map_or(parameters.pairs.len(), |written| {
        parameters
            .names()
            .position(|name| written.sorts_after(name))
            .unwrap_or(parameters.pairs.len())
    });
    let items = parameters.pairs.len() + usize::from(written_protocol.is_some());

    // The method and URI at most encoded (an escaped byte takes three bytes), so that the
    // buffer is allocated once without a pass to count their escapes; the parameters exactly.
    let mut len = ENCODED_AT_MOST * method.len() + 2 + 3 * items.saturating_sub(1);
    len += base_uri.encoded_len_at_most();
    len += parameters.text.len();
    len += written_protocol.map_or(0, |written| written.len_at_most());
    out.reserve(len + extra_capacity);
    let start = out.len();
    push_encoded(out, method.as_bytes());
    out.push(b'&');
    base_uri.push_encoded(out);
    out.push(b'&');
    let mut separator: &[u8] = b"";
    let mut pairs = parameters.written();
    for pair in pairs.by_ref().take(split) {
        out.extend_from_slice(mem::replace(&mut separator, b"%26"));
        out.extend_from_slice(pair);
    }
    if let Some(written) = written_protocol {
        out.extend_from_slice(mem::replace(&mut separator, b"%26"));
        written.write(out);
    }
    for pair in pairs {
        out.extend_from_slice(mem::replace(&mut separator, b"%26"));
        out.extend_from_slice(pair);
    }
    debug_assert!(
        out.len() - start <= len,
        "the base string fits what was reserved"
    );
    Ok(())
}

/// The base string URI of a request, as parts still to be encoded or, for a signer's API
/// origin, with its start already encoded.
enum UriPieces<'a> {
    Parts(BaseUri<'a>),
    Known { origin: &'a [u8], path: &'a str },
}

impl UriPieces<'_> {
    fn encoded_len_at_most(&self) -> usize {
        match self {
            Self::Parts(uri) => ENCODED_AT_MOST * uri.len_at_most(),
            Self::Known { origin, path } => origin.len() + ENCODED_AT_MOST * path.len(),
        }
    }

    fn push_encoded(&self, out: &mut Vec<u8>) {
        match self {
            Self::Parts(uri) => uri.write(|piece| push_encoded(out, piece.as_bytes())),
            Self::Known { origin, path } => {
                out.extend_from_slice(origin);
                push_encoded(out, path.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1's example request, with its exact base string.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn rfc5849_section_3_4_1_base_string() {
        let uri: Uri = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
            .parse()
            .unwrap();
        let protocol = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "ignored"),
        ];
        let base = SignatureBase {
            method: &Method::POST,
            uri: &uri,
            protocol_parameters: &protocol,
            form_body: Some(b"c2&a3=2+q"),
            written_protocol: None,
        };
        assert_eq!(
            base_string_for(&base).unwrap(),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
        let mut one_pass = Vec::new();
        write_base_string(&mut one_pass, &base, 0).unwrap();
        assert_eq!(one_pass, base_string_for(&base).unwrap().as_bytes());

        // The whole list, as a signer passes it: the nonce and timestamp given become slots.
        let template = ProtocolTemplate::new(&protocol);
        assert_eq!(
            &*template.bytes,
            b"oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D%26oauth_signature_method\
              %3DHMAC-SHA1%26oauth_timestamp%3D%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
        assert_eq!(
            (template.first_name, template.last_name),
            ("oauth_consumer_key", "oauth_token")
        );
        let mut templated = Vec::new();
        let templated_base = SignatureBase {
            written_protocol: Some(template.fill("7d8f3e4a", "137131201")),
            ..base
        };
        write_base_string(&mut templated, &templated_base, 0).unwrap();
        assert_eq!(templated, one_pass);
    }

    /// The buffer is reserved once, whatever the request: here every byte that can be
    /// escaped is, and the port is written, so the base string is as long as the reservation
    /// allows for the URI's bytes.
    #[test]
    fn the_reservation_holds_every_escape() {
        let uri: Uri = "http://h:65535/%20%2F?%21=%22".parse().unwrap();
        let protocol = [("oauth_consumer_key", "!*'()")];
        let base = SignatureBase {
            method: &Method::POST,
            uri: &uri,
            protocol_parameters: &protocol,
            form_body: Some(b"%23=%24"),
            written_protocol: None,
        };
        let mut out = Vec::new();
        write_base_string(&mut out, &base, 7).unwrap();
        let reserved = out.capacity();
        assert_eq!(out, base_string_for(&base).unwrap().as_bytes());
        assert_eq!(
            out,
            b"POST&http%3A%2F%2Fh%3A65535%2F%2520%252F&%2521%3D%2522%26%2523%3D%2524%26\
              oauth_consumer_key%3D%2521%252A%2527%2528%2529"
        );
        out.extend_from_slice(b"key&key");
        assert_eq!(out.capacity(), reserved, "the key's room was reserved too");
        // The reservation is no more than that: the bound for the method and the URI's pieces
        // (three bytes for each of their bytes), the parameters exactly (they are encoded
        // before the buffer is reserved), with their separators, and the key.
        let uri_pieces = "http://h:65535/%20%2F".len();
        let parameters =
            "%2521%3D%2522%26%2523%3D%2524%26oauth_consumer_key%3D%2521%252A%2527%2528%2529";
        assert_eq!(reserved, 3 * 4 + 2 + 3 * uri_pieces + parameters.len() + 7);
    }

    /// The pairs' buffer is sized for the most a query and a body can become: every byte a
    /// space written `+` (five bytes, `%2520`), and a `%3D` for every pair, even one without
    /// `=` (debug builds assert that it never grows).
    #[test]
    fn the_pairs_buffer_holds_the_longest_encoding() {
        let uri: Uri = "https://example.com/?+&+".parse().unwrap();
        let base = SignatureBase {
            method: &Method::POST,
            uri: &uri,
            protocol_parameters: &[],
            form_body: Some(b"+"),
            written_protocol: None,
        };
        let mut out = Vec::new();
        write_base_string(&mut out, &base, 0).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST&https%3A%2F%2Fexample.com%2F&%2520%3D%26%2520%3D%26%2520%3D"
        );
        assert_eq!(
            base_string_for(&base).unwrap(),
            "POST&https%3A%2F%2Fexample.com%2F&%2520%3D%26%2520%3D%26%2520%3D"
        );
    }

    /// Protocol parameters sorted with the request's own reserve five bytes for each byte of
    /// their names and values, and the `%3D` between them; `oauth_signature` is left out.
    #[test]
    fn listed_protocol_parameters_reserve_their_bound() {
        let protocol = [
            ("oauth_signature", "sig"),
            ("oauth_consumer_key", "k&"),
            ("oauth_nonce", "n"),
        ];
        assert_eq!(
            EncodedPairs::room_for(&protocol),
            (5 * (18 + 2) + 3 + 5 * (11 + 1) + 3, 2)
        );
        let mut pairs = EncodedPairs::default();
        pairs.push_protocol(&protocol);
        assert_eq!(pairs.text.capacity(), 5 * (18 + 2) + 3 + 5 * (11 + 1) + 3);
        assert_eq!(
            pairs.written().collect::<Vec<_>>(),
            [&b"oauth_consumer_key%3Dk%2526"[..], b"oauth_nonce%3Dn"]
        );
        assert_eq!(EncodedPairs::room_for(&protocol[..1]), (0, 0));
    }

    /// A written block of protocol parameters reserves what it can write at most: the
    /// template's bytes and the nonce and timestamp, or each sorted parameter's separator,
    /// name, `%3D` and five bytes for each byte of its value. A block of no parameters is
    /// left out.
    #[test]
    fn written_protocol_reserves_its_bound() {
        let uri: Uri = "https://example.com/p?a=%21".parse().unwrap();
        let sorted = [("oauth_consumer_key", "!*'()"), ("oauth_nonce", "n")];
        let origin: Uri = "https://example.com".parse().unwrap();
        let template = ProtocolTemplate::new(&sorted[..1]).with_origin(Some(&origin));
        let base = SignatureBase {
            method: &Method::GET,
            uri: &uri,
            protocol_parameters: &sorted,
            form_body: None,
            written_protocol: None,
        };
        let reference = base_string_for(&base).unwrap();
        let reserved = |written| {
            let mut out = Vec::new();
            let base = SignatureBase {
                written_protocol: written,
                ..base
            };
            write_base_string(&mut out, &base, 0).unwrap();
            (String::from_utf8(out.clone()).unwrap(), out.capacity())
        };
        // `GET&`, the URI's pieces, `&`, `a%3D%2521` and one separator.
        let around = 3 * 3 + 2 + 3 * "https://example.com/p".len() + "a%3D%2521".len() + 3;
        let to_encode = sorted.map(|(name, value)| (name, KnownText::to_encode(value)));
        let sorted_len = (3 + 18 + 3 + 5 * 5) + (3 + 11 + 3 + 5);
        assert_eq!(
            reserved(Some(WrittenProtocol::sorted(&to_encode))),
            (reference.clone(), around + sorted_len)
        );
        // A value known to be unreserved is copied, and reserves its own length.
        let known = [to_encode[0], ("oauth_nonce", KnownText::unreserved("n"))];
        assert_eq!(
            reserved(Some(WrittenProtocol::sorted(&known))),
            (reference.clone(), around + sorted_len - 4)
        );
        // The template's origin is written as it is, only the path is encoded.
        let filled = template.fill("n", "1");
        let (written, capacity) = reserved(Some(filled));
        let known_origin = "https%3A%2F%2Fexample.com".len() + 3 * "/p".len();
        let around = around - 3 * "https://example.com/p".len() + known_origin;
        assert_eq!(capacity, around + template.bytes.len() + 2);
        assert!(written.starts_with("GET&https%3A%2F%2Fexample.com%2Fp&a%3D%2521%26oauth_"));
        let (written, _) = reserved(Some(WrittenProtocol::sorted(&[])));
        assert_eq!(written, reference);
    }

    /// The written protocol parameters stand in for the list exactly when no query or body
    /// parameter sorts among them: a template that disagrees with the list shows which was
    /// used.
    #[test]
    fn written_protocol_is_used_when_nothing_sorts_among_it() {
        let template = ProtocolTemplate::new(&[("oauth_consumer_key", "k"), ("oauth_token", "t")]);
        let base_string = |query: &str| {
            let uri: Uri = format!("https://example.com/{query}").parse().unwrap();
            let mut out = Vec::new();
            write_base_string(
                &mut out,
                &SignatureBase {
                    method: &Method::GET,
                    uri: &uri,
                    protocol_parameters: &[("oauth_nonce", "listed")],
                    form_body: None,
                    written_protocol: Some(template.fill("n", "1")),
                },
                0,
            )
            .unwrap();
            String::from_utf8(out).unwrap()
        };
        let written =
            "oauth_consumer_key%3Dk%26oauth_nonce%3Dn%26oauth_timestamp%3D1%26oauth_token%3Dt";
        let listed = "oauth_nonce%3Dlisted";
        let cases = [
            ("", written.to_owned()),
            ("?a=1&z=2", format!("a%3D1%26{written}%26z%3D2")),
            ("?oauth_a=1", format!("oauth_a%3D1%26{written}")),
            ("?oauth_tokens=1", format!("{written}%26oauth_tokens%3D1")),
            ("?oauth_z=1&a=2", format!("a%3D2%26{written}%26oauth_z%3D1")),
            (
                "?oauth_consumer_key=1",
                format!("oauth_consumer_key%3D1%26{listed}"),
            ),
            ("?oauth_token=1", format!("{listed}%26oauth_token%3D1")),
            ("?a=2&oauth_m=1", format!("a%3D2%26oauth_m%3D1%26{listed}")),
        ];
        for (query, parameters) in cases {
            assert_eq!(
                base_string(query),
                format!("GET&https%3A%2F%2Fexample.com%2F&{parameters}"),
                "{query}"
            );
        }
    }

    /// A component whose escapes split a character is refused even when the decoded query and
    /// body, taken together, are UTF-8: the pair it belongs to says which error.
    #[test]
    fn split_characters_are_not_utf8_wherever_they_fall() {
        use crate::encoding::FormError::NotUtf8;
        let cases: [(&str, &[u8], Result<(), SigningError>); 5] = [
            ("?%C3%A9=%C3%A9", b"", Ok(())),
            ("?%C3=%A9", b"", Err(SigningError::MalformedQuery(NotUtf8))),
            (
                "?a=%C3&%A9=b",
                b"",
                Err(SigningError::MalformedQuery(NotUtf8)),
            ),
            (
                "?a=%C3",
                b"%A9=b",
                Err(SigningError::MalformedQuery(NotUtf8)),
            ),
            (
                "?a=b",
                b"%C3=%A9",
                Err(SigningError::MalformedFormBody(NotUtf8)),
            ),
        ];
        for (query, body, expected) in cases {
            let uri: Uri = format!("https://example.com/{query}").parse().unwrap();
            let base = SignatureBase {
                method: &Method::POST,
                uri: &uri,
                protocol_parameters: &[],
                form_body: Some(body),
                written_protocol: None,
            };
            let written = write_base_string(&mut Vec::new(), &base, 0);
            assert_eq!(written, expected, "{query} {body:?}");
            assert_eq!(
                written,
                base_string_for(&base).map(drop),
                "{query} {body:?}"
            );
        }
    }

    /// A signer's API origin is written from the template only for a request whose scheme and
    /// authority are spelled exactly as the origin's; any other spelling (even of the same
    /// normalized origin) is parsed as before. The template's origin is replaced by a marker
    /// here to show which way was taken.
    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn the_api_origin_is_used_only_when_spelled_the_same() {
        let api: Uri = "https://api.discogs.com".parse().unwrap();
        let mut template =
            ProtocolTemplate::new(&[("oauth_consumer_key", "k")]).with_origin(Some(&api));
        let origin = template.origin.as_mut().unwrap();
        assert_eq!(&*origin.encoded, b"https%3A%2F%2Fapi.discogs.com");
        origin.encoded = b"MARK".as_slice().into();
        let base_uri = |uri: &str| {
            let uri: Uri = uri.parse().unwrap();
            let base = SignatureBase {
                method: &Method::GET,
                uri: &uri,
                protocol_parameters: &[],
                form_body: None,
                written_protocol: Some(template.fill("n", "1")),
            };
            let mut out = Vec::new();
            write_base_string(&mut out, &base, 0).unwrap();
            let out = String::from_utf8(out).unwrap();
            out.split('&').nth(1).unwrap().to_owned()
        };
        assert_eq!(
            base_uri("https://api.discogs.com/database/search?q=x"),
            "MARK%2Fdatabase%2Fsearch"
        );
        assert_eq!(base_uri("https://api.discogs.com"), "MARK%2F");
        // `http` keeps the scheme of an `http` or `https` URI in lowercase whatever its case.
        assert_eq!(base_uri("HTTPS://api.discogs.com/x"), "MARK%2Fx");
        for (other, expected) in [
            (
                "https://API.discogs.com/x",
                "https%3A%2F%2Fapi.discogs.com%2Fx",
            ),
            (
                "https://api.discogs.com:443/x",
                "https%3A%2F%2Fapi.discogs.com%2Fx",
            ),
            (
                "https://u@api.discogs.com/x",
                "https%3A%2F%2Fapi.discogs.com%2Fx",
            ),
            (
                "http://api.discogs.com/x",
                "http%3A%2F%2Fapi.discogs.com%2Fx",
            ),
            (
                "https://api.discogs.com:8443/x",
                "https%3A%2F%2Fapi.discogs.com%3A8443%2Fx",
            ),
        ] {
            assert_eq!(base_uri(other), expected, "{other}");
        }
        // No origin is kept for what a base string cannot be made of.
        let ftp: Uri = "ftp://example.com".parse().unwrap();
        assert!(
            ProtocolTemplate::new(&[])
                .with_origin(Some(&ftp))
                .origin
                .is_none()
        );
        assert!(
            ProtocolTemplate::new(&[])
                .with_origin(None)
                .origin
                .is_none()
        );
    }

    /// `write_base_string` (the hot path) against the reference definition
    /// (`collect_signed_parameters` + `signature_base_string`): same string, same errors.
    mod one_pass_base_string {
        use super::*;
        use proptest::prelude::*;

        fn component() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9._~ +&=!*|é]{0,8}",
                "([a-z%+]|%[0-9A-Fa-f]{2}|%[Ff][Ff]){0,6}",
            ]
        }

        /// `scheme://[userinfo@]host[:port]`, spelled in the ways that normalize alike.
        fn origin() -> impl Strategy<Value = String> {
            (
                prop_oneof![Just("http"), Just("https"), Just("HTTPS"), Just("ftp")],
                prop_oneof![Just(""), Just("u@")],
                prop_oneof![
                    Just("example.com"),
                    Just("EXAMPLE.com"),
                    Just("ex.com"),
                    Just("[::1]")
                ],
                prop_oneof![Just(""), Just(":80"), Just(":443"), Just(":8080")],
            )
                .prop_map(|(scheme, user, host, port)| format!("{scheme}://{user}{host}{port}"))
        }

        fn query() -> impl Strategy<Value = String> {
            proptest::collection::vec((component(), component()), 0..4).prop_map(|pairs| {
                pairs
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("&")
            })
        }

        proptest! {
            #[test]
            fn matches_the_reference(
                method in prop_oneof![Just("GET"), Just("post"), Just("Patch")],
                host in "[a-zA-Z]{1,8}(\\.[a-z]{2,3})?",
                port in prop_oneof![Just(None), (1u16..).prop_map(Some)],
                scheme in prop_oneof![Just("http"), Just("HTTPS"), Just("ftp")],
                path in "(/[a-zA-Z0-9%._~-]{0,6}){0,3}",
                query in proptest::option::of(query()),
                protocol in proptest::collection::vec(
                    (prop_oneof![Just("oauth_signature".to_owned()), component()], component()),
                    0..6,
                ),
                body in proptest::option::of(query()),
            ) {
                let port = port.map(|port| format!(":{port}")).unwrap_or_default();
                let query = query.map(|query| format!("?{}", query.replace(['%', ' ', '|', 'é'], "")))
                    .unwrap_or_default();
                let Ok(uri) = format!("{scheme}://{host}{port}{path}{query}").parse::<Uri>() else {
                    return Ok(());
                };
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                let protocol: Vec<(&str, &str)> =
                    protocol.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
                let base = SignatureBase {
                    method: &method,
                    uri: &uri,
                    protocol_parameters: &protocol,
                    form_body: body.as_deref().map(str::as_bytes),
                    written_protocol: None,
                };
                let mut fast = Vec::new();
                let fast = write_base_string(&mut fast, &base, 0)
                    .map(|()| String::from_utf8(fast).unwrap());
                prop_assert_eq!(fast, base_string_for(&base));
            }

            /// With an API origin in the template, every request URI, of that origin or
            /// another, gets the base string the reference definition gives.
            #[test]
            fn known_origin_matches_the_reference(
                api in origin(),
                request in origin(),
                path in prop_oneof![Just(""), Just("/"), Just("/p"), Just("/a%20b/C")],
            ) {
                let Ok(api) = api.parse::<Uri>() else { return Ok(()) };
                let Ok(uri) = format!("{request}{path}?q=1").parse::<Uri>() else { return Ok(()) };
                let fixed = [("oauth_consumer_key", "k")];
                let template = ProtocolTemplate::new(&fixed).with_origin(Some(&api));
                let protocol = [("oauth_consumer_key", "k"), ("oauth_nonce", "n"), ("oauth_timestamp", "1")];
                let mut base = SignatureBase {
                    method: &Method::GET,
                    uri: &uri,
                    protocol_parameters: &protocol,
                    form_body: None,
                    written_protocol: None,
                };
                let reference = base_string_for(&base);
                base.written_protocol = Some(template.fill("n", "1"));
                let mut templated = Vec::new();
                let templated = write_base_string(&mut templated, &base, 0)
                    .map(|()| String::from_utf8(templated).unwrap());
                prop_assert_eq!(templated, reference);
            }

            /// A signer's template, filled in, and the same parameters given in order, write
            /// what the list of them does, wherever the query and body parameters sort.
            #[test]
            fn written_protocol_matches_the_reference(
                consumer_key in component(),
                token in proptest::option::of(component()),
                nonce in "[A-Za-z0-9._~-]{1,12}",
                timestamp in 0u64..=4_000_000_000,
                parameters in proptest::collection::vec(
                    (
                        prop_oneof![
                            Just("oauth_consumer_key"), Just("oauth_nonce"),
                            Just("oauth_signature"), Just("oauth_token"), Just("oauth_tokens"),
                            Just("oauth_"), Just("oauth_a"), Just("oauth_z"), Just("a"),
                            Just("p"), Just("z"), Just(""), Just("%C3%A9"),
                        ],
                        component(),
                    ),
                    0..5,
                ),
                in_body in proptest::collection::vec(any::<bool>(), 5),
            ) {
                let encoded = |pairs: Vec<String>| pairs.join("&");
                let (mut query, mut body) = (Vec::new(), Vec::new());
                for ((name, value), in_body) in parameters.iter().zip(in_body) {
                    let value = value.replace(['%', ' ', '|', 'é'], "");
                    if in_body { &mut body } else { &mut query }.push(format!("{name}={value}"));
                }
                let uri: Uri = format!("https://example.com/p?{}", encoded(query)).parse().unwrap();
                let body = encoded(body);
                let timestamp = timestamp.to_string();
                let mut fixed = vec![
                    ("oauth_consumer_key", consumer_key.as_str()),
                    ("oauth_signature_method", "HMAC-SHA1"),
                ];
                fixed.extend(token.as_deref().map(|token| ("oauth_token", token)));
                let mut protocol = fixed.clone();
                protocol.extend([("oauth_nonce", nonce.as_str()), ("oauth_timestamp", timestamp.as_str())]);
                let template = ProtocolTemplate::new(&fixed);
                let mut base = SignatureBase {
                    method: &Method::POST,
                    uri: &uri,
                    protocol_parameters: &protocol,
                    form_body: Some(body.as_bytes()),
                    written_protocol: None,
                };
                let reference = base_string_for(&base);
                let written = |base: &SignatureBase<'_>| {
                    let mut out = Vec::new();
                    write_base_string(&mut out, base, 0).map(|()| String::from_utf8(out).unwrap())
                };
                base.written_protocol = Some(template.fill(&nonce, &timestamp));
                prop_assert_eq!(written(&base), reference.clone());
                let mut sorted = protocol.clone();
                sorted.sort_unstable();
                // Each value as a credential would give it: copied when it is unreserved.
                let known: Vec<_> = sorted
                    .iter()
                    .map(|&(name, text)| {
                        let unreserved = crate::encoding::is_all_unreserved(text.as_bytes());
                        (name, KnownText { text, unreserved })
                    })
                    .collect();
                base.written_protocol = Some(WrittenProtocol::sorted(&known));
                prop_assert_eq!(written(&base), reference);
            }

            #[test]
            fn undecodable_queries_and_bodies_are_refused_alike(
                query in "([a-z=&]|%[0-9A-F]{2}){0,8}",
                body in proptest::collection::vec(any::<u8>(), 0..12),
            ) {
                let Ok(uri) = format!("https://example.com/?{query}").parse::<Uri>() else {
                    return Ok(());
                };
                let base = SignatureBase {
                    method: &Method::POST,
                    uri: &uri,
                    protocol_parameters: &[("oauth_nonce", "n")],
                    form_body: Some(&body),
                    written_protocol: None,
                };
                let mut fast = Vec::new();
                let fast = write_base_string(&mut fast, &base, 0)
                    .map(|()| String::from_utf8(fast).unwrap());
                prop_assert_eq!(fast, base_string_for(&base));
            }
        }
    }
}
