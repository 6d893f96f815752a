#!/usr/bin/env bash
# The peer benchmark of issue 11 (`just bench-peers`; not a test, nothing here runs in `just test`).
#
# 1. builds, each release: `peers` (benches/src/bin/peers.rs: the fixed-answer server, the raw
#    load generator, imcloud's Rust client), the Python wheel into a bench-only venv, the Node addon
#    into a bench-only package directory; installs the official SDKs from their registries into the
#    same bench-only places (target/bench-peers/: never .venv or bindings-node/node_modules):
#    PyPI rc-server-sdk (+ jinja2, which it imports without declaring), npm rongcloud-sdk;
# 2. starts one fixed-answer server (keep-alive, no signature checks) on 127.0.0.1;
# 3. runs every client as its own process at concurrency 1 and 64: WARMUP seconds of calls, then
#    SECS seconds measured; each prints one JSON line (target/bench-peers/results.jsonl);
#    each client and concurrency is run REPEAT times, the report keeps the best (fastest) run;
# 4. benches/peers/report.py writes the generated section of benches/REPORT.md.
#
# Needs cargo, python3, node/npm, curl. Environment: PEERS_SECS (4), PEERS_WARMUP (1), PEERS_REPEAT (2), PEERS_CONCURRENCY ("1 64"),
# PEERS_CLIENTS (all: "raw rust rust-pool64 py-imcloud-sync py-imcloud-async
# py-imcloud-async-pool64 py-official node-imcloud node-imcloud-pool64 node-official"; -pool64:
# the client option pool_max_idle_per_host = 64 instead of the default 32), PEERS_NO_REPORT=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
. scripts/lib.sh

secs="${PEERS_SECS:-4}"
warmup="${PEERS_WARMUP:-1}"
repeat="${PEERS_REPEAT:-2}"
concurrency="${PEERS_CONCURRENCY:-1 64}"
clients="${PEERS_CLIENTS:-raw rust rust-pool64 py-imcloud-sync py-imcloud-async py-imcloud-async-pool64 py-official node-imcloud node-imcloud-pool64 node-official}"
B="$IMCLOUD_TARGET_DIR/bench-peers"
mkdir -p "$B"

echo "== peers: release builds and the bench-only environments ($B)"
cargo build --release --quiet -p imcloud-benches --bin peers
peers="$IMCLOUD_TARGET_DIR/$CARGO_BUILD_TARGET/release/peers$IMCLOUD_EXE"

# Python: a venv of its own with the imcloud release wheel and the official SDK
py="$B/venv/bin/python"
[ -f "$B/venv/pyvenv.cfg" ] || python3 -m venv "$B/venv"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet 'rc-server-sdk==3.2.0' jinja2
MATURIN_PEP517_ARGS="--profile release --target $CARGO_BUILD_TARGET" \
  "$py" -m pip install --quiet --force-reinstall --no-deps ./bindings-python

# Node: the release addon staged with the package's lib/ (bindings-node's own debug addon is left
# alone), and the official SDK in a package directory of its own
nodepkg="$B/node-imcloud"
mkdir -p "$nodepkg"
(
  cd bindings-node
  npm install --no-audit --no-fund --loglevel=error
  npx napi build --platform --release --target "$CARGO_BUILD_TARGET" \
    --output-dir "$nodepkg" --js native.js --dts native.d.ts
)
rm -rf "$nodepkg/lib"
cp -r bindings-node/lib bindings-node/package.json "$nodepkg/"
mkdir -p "$B/node"
[ -f "$B/node/package.json" ] || echo '{"name":"imcloud-bench-peers","private":true}' >"$B/node/package.json"
(cd "$B/node" && npm install --no-audit --no-fund --loglevel=error rongcloud-sdk@3.1.1)

echo "== peers: the fixed-answer server"
"$peers" server >"$B/server.out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q '^PORT ' "$B/server.out" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/^PORT //p' "$B/server.out")"
[ -n "$port" ] || { echo "peers: the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"

server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
server_accepted() { curl -s "$url/__peers/stats" | sed 's/[^0-9]//g'; }

results="$B/results.jsonl"
: >"$results"
run_one() { # NAME C: one client process, its JSON line tagged with the language and the run
  local name="$1" c="$2" cmd
  case "$name" in
    raw | rust | rust-pool64) cmd=("$peers" "$name") ;;
    py-*) cmd=("$py" benches/peers/client.py "${name#py-}") ;;
    node-*) cmd=(env "NODE_PATH=$B/node/node_modules" "IMCLOUD_NODE_PKG=$nodepkg" node benches/peers/client.js "${name#node-}") ;;
    *) echo "peers: unknown client $name" >&2; exit 2 ;;
  esac
  local load s0 s1 a0 a1 line
  load="$(cut -d' ' -f1 /proc/loadavg)"
  s0="$(server_cpu_ticks)"
  a0="$(server_accepted)"
  line="$("${cmd[@]}" "$url" "$c" "$secs" "$warmup")"
  s1="$(server_cpu_ticks)"
  a1="$(server_accepted)"
  # the server's CPU and the connections the client opened over the whole client run (warm-up
  # included; the stats request itself is one connection)
  echo "{\"name\":\"$name\",\"load1_before\":$load,\"server_cpu_ms\":$(((s1 - s0) * 10)),\"connections\":$((a1 - a0 - 1)),${line#\{}" | tee -a "$results"
}

echo "== peers: $secs s measured after $warmup s of warm-up, concurrency $concurrency, best of $repeat"
for c in $concurrency; do
  for name in $clients; do
    for _ in $(seq "$repeat"); do
      run_one "$name" "$c"
    done
  done
done

{
  echo "{\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"commit\":\"$(git rev-parse --short HEAD)\","
  echo "\"cpu\":\"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)\",\"cores\":$(nproc),"
  echo "\"mem_gib\":$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo),"
  echo "\"os\":\"$(. /etc/os-release && echo "$PRETTY_NAME")\",\"rustc\":\"$(rustc -V)\","
  echo "\"python\":\"$("$py" -V 2>&1)\",\"node\":\"$(node -v)\",\"secs\":$secs,\"warmup\":$warmup,\"repeat\":$repeat}"
} >"$B/meta.json"

if [ "${PEERS_NO_REPORT:-}" != 1 ]; then
  python3 benches/peers/report.py "$B/meta.json" "$results" benches/REPORT.md
  echo "== peers: benches/REPORT.md (section \"Peer benchmark\") written from $results"
fi
cd "$root"
