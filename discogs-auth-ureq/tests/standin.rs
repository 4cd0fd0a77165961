//! The end-to-end suite through ureq against the local stand-in.

discogs_auth_standin::conformance_tests!(discogs_auth_ureq::UreqTransport::new);

#[test]
fn trickling_body_times_out() {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(1)))
        .build();
    let transport = discogs_auth_ureq::UreqTransport::from_agent(config.into());
    discogs_auth_standin::conformance::trickling_body_times_out(transport);
}
