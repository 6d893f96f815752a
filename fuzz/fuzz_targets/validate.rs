#![no_main]
//! See imcloud::fuzzing::check_validate for the input layout and the invariants.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    imcloud::fuzzing::check_validate(data, imcloud::fuzzing::strict());
});
