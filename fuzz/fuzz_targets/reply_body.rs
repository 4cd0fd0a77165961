#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| discogs_auth_fuzz::targets::reply_body(data));
