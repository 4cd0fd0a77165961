//! The end-to-end suite through ureq against the local stand-in.

discogs_auth_standin::conformance_tests!(discogs_auth_ureq::UreqTransport::new);

/// The transport's timeout, and an agent's own.
#[test]
fn trickling_body_times_out() {
    let second = std::time::Duration::from_secs(1);
    let transport = discogs_auth_ureq::UreqTransport::new().with_timeout(second);
    discogs_auth_standin::conformance::trickling_body_times_out(transport);
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(second))
        .build();
    let transport = discogs_auth_ureq::UreqTransport::from_agent(config.into());
    discogs_auth_standin::conformance::trickling_body_times_out(transport);
}

/// An agent of the caller's that follows redirects (as ureq's default one does), or settings
/// changed to follow them, still do not.
#[test]
fn redirects_are_not_followed_whatever_the_agent_allows() {
    use discogs_auth_ureq::UreqTransport;

    discogs_auth_standin::conformance::redirect_is_not_followed(|| {
        UreqTransport::from_agent(ureq::Agent::new_with_defaults())
    });
    discogs_auth_standin::conformance::redirect_is_not_followed(|| {
        UreqTransport::configured(|config| config.max_redirects(10))
    });
}

#[test]
fn other_hosts_go_through_the_configured_proxy() {
    discogs_auth_standin::conformance::other_hosts_go_through_the_configured_proxy(|proxy| {
        let proxy = ureq::Proxy::new(proxy).expect("a proxy URL");
        discogs_auth_ureq::UreqTransport::configured(move |config| {
            config.proxy(Some(proxy.clone()))
        })
    });
}

#[test]
fn body_limit_set_is_kept() {
    discogs_auth_standin::conformance::body_limit_set_is_kept(|limit| {
        discogs_auth_ureq::UreqTransport::new().with_body_limit(limit)
    });
}

#[test]
fn longest_timeout_still_answers() {
    discogs_auth_standin::conformance::longest_timeout_still_answers(|timeout| {
        discogs_auth_ureq::UreqTransport::new().with_timeout(timeout)
    });
}

#[test]
fn silent_server_times_out() {
    let transport =
        discogs_auth_ureq::UreqTransport::new().with_timeout(std::time::Duration::from_secs(1));
    discogs_auth_standin::conformance::silent_server_times_out(transport);
}

/// The URL may carry query credentials, so no error quotes it. An agent that insists on
/// https makes ureq's own error quote the whole URL.
#[test]
fn errors_do_not_quote_the_url() {
    use discogs_auth_ureq::{SyncTransport, TransportError, http::Request};

    let config = ureq::Agent::config_builder().https_only(true).build();
    let transport = discogs_auth_ureq::UreqTransport::from_agent(config.into());
    let request = Request::get("http://127.0.0.1:9/oauth/identity?token=SECRETTOKEN")
        .body(Vec::new())
        .expect("a valid request");
    let error = transport.send(request).expect_err("refused by the agent");
    assert!(matches!(error, TransportError::Client(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the HTTP request failed: configured for https only"
    );
    assert!(!format!("{error:?}").contains("SECRETTOKEN"), "{error:?}");
}

/// Whichever TLS feature is on, an `https://` request goes through it: a server that closes
/// the connection makes a transport error, never a panic (ureq panics when the agent's
/// provider is a feature that is off).
///
/// The same for an agent of the caller's left on ureq's default provider (rustls), which a
/// build with only `native-tls` lacks: its requests go through native-tls.
#[test]
fn https_goes_through_the_tls_feature_chosen() {
    use discogs_auth_ureq::{SyncTransport, TransportError, UreqTransport, http::Request};

    for transport in [
        UreqTransport::new(),
        UreqTransport::from_agent(ureq::Agent::new_with_defaults()),
    ] {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("https://{}/", listener.local_addr().expect("bound"));
        std::thread::spawn(move || drop(listener.accept()));
        let request = Request::get(url).body(Vec::new()).expect("a valid request");
        match transport.send(request) {
            Err(TransportError::Client(_)) => {}
            other => panic!("expected a TLS failure, got {other:?}"),
        }
    }
}
