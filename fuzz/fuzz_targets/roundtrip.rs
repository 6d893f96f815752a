#![no_main]
//! See imcloud::fuzzing::check_roundtrip for the input layout and the invariants.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    imcloud::fuzzing::check_roundtrip(data, imcloud::fuzzing::strict());
});
