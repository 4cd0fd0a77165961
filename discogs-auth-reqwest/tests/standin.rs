//! The end-to-end suite through reqwest, async and blocking, against the local stand-in.

mod async_client {
    use discogs_auth_reqwest::ReqwestTransport;
    use discogs_auth_standin::conformance::BlockOn;

    fn transport() -> BlockOn<ReqwestTransport> {
        BlockOn::new(ReqwestTransport::new().expect("a reqwest client")).expect("a runtime")
    }

    discogs_auth_standin::conformance_tests!(transport);

    /// The transport's deadline, which a client's own longer timeout does not extend.
    #[test]
    fn trickling_body_times_out() {
        let second = std::time::Duration::from_secs(1);
        let transport = ReqwestTransport::configured(|builder| {
            builder.timeout(std::time::Duration::from_secs(3600))
        })
        .expect("a reqwest client")
        .with_timeout(second);
        discogs_auth_standin::conformance::trickling_body_times_out(
            BlockOn::new(transport).expect("a runtime"),
        );
    }

    /// A client configured to follow redirects still does not.
    #[test]
    fn redirects_are_not_followed_whatever_the_client_is_given() {
        discogs_auth_standin::conformance::redirect_is_not_followed(|| {
            let transport = ReqwestTransport::configured(|builder| {
                builder.redirect(reqwest::redirect::Policy::limited(10))
            })
            .expect("a reqwest client");
            BlockOn::new(transport).expect("a runtime")
        });
    }

    #[test]
    fn longest_timeout_still_answers() {
        discogs_auth_standin::conformance::longest_timeout_still_answers(|timeout| {
            let transport = ReqwestTransport::new().expect("a reqwest client");
            BlockOn::new(transport.with_timeout(timeout)).expect("a runtime")
        });
    }

    #[test]
    fn silent_server_times_out() {
        let transport = BlockOn::new(
            ReqwestTransport::new()
                .expect("a reqwest client")
                .with_timeout(std::time::Duration::from_secs(1)),
        )
        .expect("a runtime");
        discogs_auth_standin::conformance::silent_server_times_out(transport);
    }

    #[test]
    fn body_limit_set_is_kept() {
        discogs_auth_standin::conformance::body_limit_set_is_kept(|limit| {
            let transport = ReqwestTransport::new().expect("a reqwest client");
            BlockOn::new(transport.with_body_limit(limit)).expect("a runtime")
        });
    }

    #[test]
    fn other_hosts_go_through_the_configured_proxy() {
        discogs_auth_standin::conformance::other_hosts_go_through_the_configured_proxy(|proxy| {
            let transport = ReqwestTransport::configured(|builder| {
                builder.proxy(reqwest::Proxy::all(proxy).expect("a proxy URL"))
            })
            .expect("a reqwest client");
            BlockOn::new(transport).expect("a runtime")
        });
    }
}

#[cfg(feature = "blocking")]
mod blocking_client {
    fn transport() -> discogs_auth_reqwest::BlockingReqwestTransport {
        discogs_auth_reqwest::BlockingReqwestTransport::new().expect("a blocking reqwest client")
    }

    discogs_auth_standin::conformance_tests!(transport);

    #[test]
    fn longest_timeout_still_answers() {
        discogs_auth_standin::conformance::longest_timeout_still_answers(|timeout| {
            transport().with_timeout(timeout)
        });
    }

    /// The blocking client's own timeout bounds each read apart; the transport's bounds the
    /// whole request.
    #[test]
    fn trickling_body_times_out() {
        let transport = transport().with_timeout(std::time::Duration::from_secs(1));
        discogs_auth_standin::conformance::trickling_body_times_out(transport);
    }

    #[test]
    fn silent_server_times_out() {
        let transport = transport().with_timeout(std::time::Duration::from_secs(1));
        discogs_auth_standin::conformance::silent_server_times_out(transport);
    }

    /// A client configured to follow redirects still does not.
    #[test]
    fn redirects_are_not_followed_whatever_the_client_is_given() {
        discogs_auth_standin::conformance::redirect_is_not_followed(|| {
            discogs_auth_reqwest::BlockingReqwestTransport::configured(|builder| {
                builder.redirect(reqwest::redirect::Policy::limited(10))
            })
            .expect("a blocking reqwest client")
        });
    }

    #[test]
    fn body_limit_set_is_kept() {
        discogs_auth_standin::conformance::body_limit_set_is_kept(|limit| {
            transport().with_body_limit(limit)
        });
    }

    #[test]
    fn other_hosts_go_through_the_configured_proxy() {
        discogs_auth_standin::conformance::other_hosts_go_through_the_configured_proxy(|proxy| {
            discogs_auth_reqwest::BlockingReqwestTransport::configured(|builder| {
                builder.proxy(reqwest::Proxy::all(proxy).expect("a proxy URL"))
            })
            .expect("a blocking reqwest client")
        });
    }
}

/// An async session on the stand-in, signing with `method`.
fn async_session(
    standin: &discogs_auth_standin::StandIn,
    method: discogs_auth_reqwest::SignatureMethod,
) -> discogs_auth_reqwest::Session<discogs_auth_reqwest::ReqwestTransport> {
    use discogs_auth_reqwest::{OAuthClient, ReqwestTransport, Session, UserAgent};
    let client = OAuthClient::new(
        standin.consumer(),
        UserAgent::new("MyDiscogsApp/1.0 +https://example.com").expect("valid"),
    )
    .with_endpoints(standin.endpoints())
    .with_signature_method(method);
    Session::new(client, ReqwestTransport::new().expect("a client"))
}

/// The last two steps, awaited: the access token, then whom it belongs to.
async fn identity_after(
    session: &discogs_auth_reqwest::Session<discogs_auth_reqwest::ReqwestTransport>,
    authorized: &discogs_auth_reqwest::AuthorizedRequestToken,
) -> discogs_auth_reqwest::Identity {
    let access_token = session
        .access_token_async(authorized)
        .await
        .expect("an access token");
    session
        .identity_async(&access_token)
        .await
        .expect("the identity")
}

/// The `_async` methods, awaited on tokio as an application would.
#[tokio::test]
async fn async_flow_on_tokio() {
    use discogs_auth_reqwest::{Callback, SignatureMethod};
    use discogs_auth_standin::{DEMO_USERNAME, StandIn};

    let standin = StandIn::spawn().expect("the stand-in starts");
    let session = async_session(&standin, SignatureMethod::HmacSha1);
    let request_token = session
        .request_token_async(&Callback::url("http://127.0.0.1:9/cb").expect("valid"))
        .await
        .expect("a request token");
    let redirect = standin
        .approve(request_token.token.as_str())
        .expect("approved")
        .redirect_url
        .expect("a redirect");
    let authorized = request_token
        .authorize_from_callback(&redirect)
        .expect("approved");
    let identity = identity_after(&session, &authorized).await;
    assert_eq!(identity.username, DEMO_USERNAME);
}

/// The crate docs' out-of-band login, PLAINTEXT as a new client signs by default, with the
/// verifier the user would type in.
#[tokio::test]
async fn async_out_of_band_login_from_the_crate_docs() {
    use discogs_auth_reqwest::{Callback, SignatureMethod, Verifier};
    use discogs_auth_standin::{DEMO_USER_ID, DEMO_USERNAME, StandIn};

    let standin = StandIn::spawn().expect("the stand-in starts");
    let session = async_session(&standin, SignatureMethod::Plaintext);
    let request_token = session
        .request_token_async(&Callback::OutOfBand)
        .await
        .expect("a request token");
    let approval = standin
        .approve(request_token.token.as_str())
        .expect("approved");
    assert_eq!(
        approval.redirect_url, None,
        "out of band: nowhere to redirect"
    );
    let typed_in = Verifier::new(approval.verifier).expect("a verifier");
    let identity = identity_after(&session, &request_token.with_verifier(typed_in)).await;
    assert_eq!(
        (identity.id, identity.username.as_str()),
        (DEMO_USER_ID, DEMO_USERNAME)
    );
}
