#![no_main]
//! See imcloud::fuzzing::check_headers for the input layout and the invariants.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    imcloud::fuzzing::check_headers(data, imcloud::fuzzing::strict());
});
