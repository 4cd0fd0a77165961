//! Writing the `Authorization: OAuth …` header (RFC 5849 §3.5.1), once per request or as a
//! template that later requests fill in.

use http::HeaderValue;

use crate::encoding::KnownText;
use crate::signature::{Signature, SignatureMethod};

/// The bytes of every `Authorization` header that do not depend on a value: `OAuth `, the
/// names, `="`, `"` and the `, ` separators of the five parameters every request carries.
const HEADER_FIXED_LEN: usize = "OAuth ".len()
    + "oauth_consumer_key=\"\", ".len()
    + "oauth_nonce=\"\", ".len()
    + "oauth_signature=\"\", ".len()
    + "oauth_signature_method=\"\", ".len()
    + "oauth_timestamp=\"\"".len();

/// The same for the optional parameters, when present.
const CALLBACK_FIXED_LEN: usize = "oauth_callback=\"\", ".len();
const TOKEN_FIXED_LEN: usize = ", oauth_token=\"\"".len();
const VERIFIER_FIXED_LEN: usize = ", oauth_verifier=\"\"".len();

/// The protocol parameters of one request, as they are before encoding.
#[derive(Clone, Copy)]
pub(crate) struct ProtocolFields<'a> {
    /// `oauth_callback`, in the request-token step.
    pub callback: Option<&'a str>,
    pub consumer_key: KnownText<'a>,
    pub nonce: &'a str,
    pub signature_method: &'a str,
    pub timestamp: &'a str,
    /// `oauth_token`, when the request is made with a token.
    pub token: Option<KnownText<'a>>,
    /// `oauth_verifier`, in the access-token step.
    pub verifier: Option<&'a str>,
}

impl<'a> ProtocolFields<'a> {
    /// The parameters a signature covers, in the base string's order (their names are
    /// distinct, so by name): the first `count` entries of the array.
    pub(crate) fn signed(&self) -> ([(&'static str, &'a str); 7], usize) {
        self.signed_as(|value| value.text)
    }

    /// [`Self::signed`] with what is known of each value: the consumer key and the token
    /// know whether they are unreserved, and the nonce, the timestamp and the method's name
    /// are by their types, so a base string copies them instead of encoding them.
    pub(crate) fn signed_known(&self) -> ([(&'static str, KnownText<'a>); 7], usize) {
        self.signed_as(|value| value)
    }

    fn signed_as<T: Copy>(
        &self,
        value: impl Fn(KnownText<'a>) -> T,
    ) -> ([(&'static str, T); 7], usize) {
        let mut protocol = [("", value(KnownText::unreserved(""))); 7];
        let mut count = 0;
        let mut push = |name, text| {
            protocol[count] = (name, value(text));
            count += 1;
        };
        if let Some(callback) = self.callback {
            push("oauth_callback", KnownText::to_encode(callback));
        }
        push("oauth_consumer_key", self.consumer_key);
        push("oauth_nonce", KnownText::unreserved(self.nonce));
        push(
            "oauth_signature_method",
            KnownText::unreserved(self.signature_method),
        );
        push("oauth_timestamp", KnownText::unreserved(self.timestamp));
        if let Some(token) = self.token {
            push("oauth_token", token);
        }
        if let Some(verifier) = self.verifier {
            push("oauth_verifier", KnownText::to_encode(verifier));
        }
        (protocol, count)
    }

    /// What `method` signs of these parameters: [`Self::signed`] for HMAC-SHA1, none for
    /// PLAINTEXT, whose signature covers no parameters (so a request signed with it does not
    /// gather them).
    pub(crate) fn signed_by(
        &self,
        method: SignatureMethod,
    ) -> ([(&'static str, &'a str); 7], usize) {
        match method {
            SignatureMethod::Plaintext => ([("", ""); 7], 0),
            #[cfg(feature = "hmac-sha1")]
            SignatureMethod::HmacSha1 => self.signed(),
        }
    }

    /// The header, its parameters in name order (callback, consumer_key, nonce, signature,
    /// signature_method, timestamp, token, verifier), each value percent-encoded, with
    /// `signature` (none: an empty value) — and where the nonce, the signature and the
    /// timestamp end.
    ///
    /// Names are fixed unreserved text, and so are the nonce (`Nonce` admits nothing else), the
    /// timestamp's digits and the method's name: those are copied without an encoding pass. The
    /// buffer has the exact length: a vector whose length is its capacity becomes the header's
    /// `Bytes` without a second allocation.
    fn write(&self, signature: Option<&Signature<'_>>) -> (Vec<u8>, Slots) {
        let optional = |value: Option<KnownText<'_>>, fixed_len: usize| {
            value.map_or(0, |value| fixed_len + value.encoded_len())
        };
        let (callback, verifier) = (
            self.callback.map(KnownText::to_encode),
            self.verifier.map(KnownText::to_encode),
        );
        let capacity = HEADER_FIXED_LEN
            + optional(callback, CALLBACK_FIXED_LEN)
            + self.consumer_key.encoded_len()
            + self.nonce.len()
            + signature.map_or(0, Signature::header_len)
            + self.signature_method.len()
            + self.timestamp.len()
            + optional(self.token, TOKEN_FIXED_LEN)
            + optional(verifier, VERIFIER_FIXED_LEN);
        let mut header = Vec::with_capacity(capacity);
        header.extend_from_slice(b"OAuth ");
        if let Some(callback) = callback {
            header.extend_from_slice(b"oauth_callback=\"");
            callback.push_encoded(&mut header);
            header.extend_from_slice(b"\", ");
        }
        header.extend_from_slice(b"oauth_consumer_key=\"");
        self.consumer_key.push_encoded(&mut header);
        header.extend_from_slice(b"\", oauth_nonce=\"");
        header.extend_from_slice(self.nonce.as_bytes());
        let nonce_end = header.len();
        header.extend_from_slice(b"\", oauth_signature=\"");
        if let Some(signature) = signature {
            signature.push_header_encoded(&mut header);
        }
        let signature_end = header.len();
        header.extend_from_slice(b"\", oauth_signature_method=\"");
        header.extend_from_slice(self.signature_method.as_bytes());
        header.extend_from_slice(b"\", oauth_timestamp=\"");
        header.extend_from_slice(self.timestamp.as_bytes());
        let timestamp_end = header.len();
        header.push(b'"');
        if let Some(token) = self.token {
            header.extend_from_slice(b", oauth_token=\"");
            token.push_encoded(&mut header);
            header.push(b'"');
        }
        if let Some(verifier) = verifier {
            header.extend_from_slice(b", oauth_verifier=\"");
            verifier.push_encoded(&mut header);
            header.push(b'"');
        }
        debug_assert_eq!(
            header.len(),
            capacity,
            "the header's length was computed exactly"
        );
        let slots = Slots {
            nonce_end,
            signature_end,
            timestamp_end,
        };
        (header, slots)
    }

    /// The header signed with `signature`.
    pub(crate) fn header(&self, signature: &Signature<'_>) -> HeaderValue {
        header_value(self.write(Some(signature)).0)
    }
}

/// Where a header's nonce, signature and timestamp end (each starts where its `="` ends).
#[derive(Clone, Copy)]
struct Slots {
    nonce_end: usize,
    signature_end: usize,
    timestamp_end: usize,
}

/// The header of every request one client makes with one token, written once with an empty
/// nonce and timestamp: signing a request copies it around those two values (and, for
/// HMAC-SHA1, the signature) instead of encoding the consumer key and the token again.
///
/// For PLAINTEXT the signature, which holds the encoded secrets, is part of the template, so a
/// template is as secret as the secrets, and has no `Debug`.
#[derive(Clone)]
pub(crate) struct HeaderTemplate {
    bytes: Box<[u8]>,
    slots: Slots,
}

impl HeaderTemplate {
    /// The template of `fields` (whose nonce and timestamp are ignored), with `signature` in it
    /// when it is the same for every request, or an empty signature to be filled in.
    pub(crate) fn new(fields: ProtocolFields<'_>, signature: Option<&Signature<'_>>) -> Self {
        let (bytes, slots) = ProtocolFields {
            nonce: "",
            timestamp: "",
            ..fields
        }
        .write(signature);
        Self {
            bytes: bytes.into_boxed_slice(),
            slots,
        }
    }

    /// The header with `nonce`, `timestamp` and (when the template has none) `signature`
    /// filled in: byte for byte what [`ProtocolFields::header`] writes.
    pub(crate) fn fill(
        &self,
        nonce: &str,
        signature: Option<&Signature<'_>>,
        timestamp: &str,
    ) -> HeaderValue {
        let Slots {
            nonce_end,
            signature_end,
            timestamp_end,
        } = self.slots;
        let bytes = &self.bytes;
        let len = bytes.len()
            + nonce.len()
            + signature.map_or(0, Signature::header_len)
            + timestamp.len();
        let mut header = Vec::with_capacity(len);
        header.extend_from_slice(&bytes[..nonce_end]);
        header.extend_from_slice(nonce.as_bytes());
        header.extend_from_slice(&bytes[nonce_end..signature_end]);
        if let Some(signature) = signature {
            signature.push_header_encoded(&mut header);
        }
        header.extend_from_slice(&bytes[signature_end..timestamp_end]);
        header.extend_from_slice(timestamp.as_bytes());
        header.extend_from_slice(&bytes[timestamp_end..]);
        debug_assert_eq!(
            header.len(),
            len,
            "the header's length was computed exactly"
        );
        header_value(header)
    }
}

/// A written header as a `HeaderValue`. Every value was percent-encoded to ASCII, and the nonce
/// and timestamp admit only unreserved characters, so the header is always valid.
///
/// Marked sensitive: a PLAINTEXT signature is the secrets themselves and the access-token step
/// carries the verifier, so `Debug` of the request (a log line, a failed assertion) shows
/// `Sensitive` instead, and HTTP/2 never puts the value in its compression table.
fn header_value(header: Vec<u8>) -> HeaderValue {
    let mut value =
        HeaderValue::try_from(header).unwrap_or_else(|_| HeaderValue::from_static("OAuth"));
    value.set_sensitive(true);
    value
}
