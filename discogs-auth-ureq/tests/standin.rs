//! The end-to-end suite through ureq against the local stand-in.

discogs_auth_standin::conformance_tests!(discogs_auth_ureq::UreqTransport::new);
