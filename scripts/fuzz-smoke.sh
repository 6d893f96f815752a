#!/usr/bin/env bash
# Short fuzzing run for the test command: build the cargo-fuzz targets (fuzz/), replay each one's
# committed corpus and fuzz ~SECS seconds of new inputs (default 20, fixed seed FUZZ_SEED=1 so a
# run reproduces; at most FUZZ_RUNS=150000 inputs, so every run tries the same ones), failing on any crash.
# Works from a clean clone: installs cargo-fuzz if missing; uses the nightly toolchain if there is
# one, else stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags for the sanitizer).
# The long campaign and what it found: fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECS="${FUZZ_SECS:-20}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz" >&2
  cargo install --locked cargo-fuzz
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  FUZZ=(cargo +nightly fuzz)
else
  echo "fuzz-smoke: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
  export RUSTC_BOOTSTRAP=1
  FUZZ=(cargo fuzz)
fi

"${FUZZ[@]}" build -O >/dev/null
targets=$("${FUZZ[@]}" list)
status=0
summary=()
for t in $targets; do
  # New inputs go to a scratch directory; the committed corpus is only read.
  scratch=$(mktemp -d)
  log=$(mktemp)
  if "${FUZZ[@]}" run -O "$t" "$scratch" "corpus/$t" -- \
      -jobs=1 -workers=1 -seed="${FUZZ_SEED:-1}" -runs="${FUZZ_RUNS:-150000}" -max_total_time="$SECS" -print_final_stats=1 >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    summary+=("fuzz-smoke: $t ok ($(ls "corpus/$t" | wc -l) corpus files replayed, $execs executions in ${SECS}s)")
  else
    status=1
    summary+=("fuzz-smoke: $t CRASHED (see below; artifact under fuzz/artifacts/$t/)")
    grep -E -A12 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -40 >&2 || tail -40 "$log" >&2
  fi
  rm -rf "$scratch" "$log"
done
printf '%s\n' "${summary[@]}"
exit "$status"
