#!/usr/bin/env bash
# Ingress benchmark: durable webhook accepts per second, ACK latency and server memory.
# Builds nothing: RPMW_BIN and LOADGEN point at already built binaries. Starts `rpmw serve`
# (ingest only, throttling and backpressure off) on a temp data dir, drives it with
# rpmw_loadgen, prints a table against the goals and writes the raw JSON to bench/out/.
# Exit 0 unless something failed to run; missed goals are informational.
#
# Knobs (env): RPMW_BIN, LOADGEN, BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (64),
# BENCH_OPEN_RATE (req/s, 1000), BENCH_OPEN_CONNECTIONS (16), BENCH_OUT (bench/out).
# Other RPMW_* variables in the environment (e.g. RPMW_HTTP_THREADS) reach the server as they are.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
rpmw_bin="${RPMW_BIN:-build/release/app/rpmw}"
loadgen="${LOADGEN:-build/release/bench/rpmw_loadgen}"
duration="${BENCH_DURATION:-10}"
connections="${BENCH_CONNECTIONS:-64}"
open_rate="${BENCH_OPEN_RATE:-1000}"
open_connections="${BENCH_OPEN_CONNECTIONS:-16}"
out_dir="${BENCH_OUT:-bench/out}"
token="bench-token-0123456789abcdef"  # rpmw rejects webhook tokens under 16 characters

for binary in "$rpmw_bin" "$loadgen"; do
  if [ ! -x "$binary" ]; then
    echo "run_ingress.sh: $binary not found; build it first, e.g." >&2
    echo "  cmake --preset release && cmake --build --preset release --target rpmw rpmw_loadgen" >&2
    exit 1
  fi
done

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/rpmw-bench.XXXXXX")"
server_pid=""

stop_server() {
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "run_ingress.sh: server ignored SIGTERM for 15 s; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

cleanup() {
  stop_server
  if [ -f "$data_dir/server.log" ]; then
    mkdir -p "$out_dir" && cp "$data_dir/server.log" "$out_dir/ingress_server.log" || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ingest only: no workers, no throttling, no backpressure; we measure durable accepts.
RPMW_LISTEN=127.0.0.1:0 RPMW_DATA_DIR="$data_dir" RPMW_WEBHOOK_TOKENS="$token" \
  RPMW_WORKERS=0 RPMW_INGRESS_RATE=0 RPMW_INGRESS_SOURCE_RATE=0 RPMW_QUEUE_MAX_DEPTH=0 \
  RPMW_LOG_LEVEL=warn "$rpmw_bin" serve >"$data_dir/server.log" 2>&1 &
server_pid=$!

addr=""
deadline=$((SECONDS + 20))
while [ "$SECONDS" -lt "$deadline" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_ingress.sh: rpmw serve exited during start-up; its log:" >&2
    tail -n 40 "$data_dir/server.log" >&2
    exit 1
  fi
  if [ -s "$data_dir/listen.addr" ]; then
    addr="$(tr -d '[:space:]' <"$data_dir/listen.addr")"
    [ -n "$addr" ] && break
  fi
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "run_ingress.sh: no $data_dir/listen.addr after 20 s; server log:" >&2
  tail -n 40 "$data_dir/server.log" >&2
  exit 1
fi
echo "rpmw serve (pid $server_pid) listening on $addr; ${duration}s per run" >&2

mkdir -p "$out_dir"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
webhook_args=(--method POST --header "X-Middleware-Token: $token"
              --header 'Content-Type: application/json'
              --body-template '{"ticket_id":"t-{conn}-{n}","message_id":"m-{conn}-{n}-{run}","customer_message":"hi"}')

# utime + stime of the server in clock ticks: CPU per request does not depend on how busy
# the rest of the machine is, unlike requests per second.
server_cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"
}
clock_ticks="$(getconf CLK_TCK)"

run_load() {  # name, then loadgen arguments
  local name="$1"
  shift
  echo "-- $name" >&2
  local cpu_before
  cpu_before="$(server_cpu_ticks)"
  if ! "$loadgen" --duration "$duration" "$@" >"$out_dir/ingress_$name.raw.json"; then
    echo "run_ingress.sh: loadgen failed for $name:" >&2
    cat "$out_dir/ingress_$name.raw.json" >&2
    exit 1
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_ingress.sh: rpmw serve died during $name; its log:" >&2
    tail -n 40 "$data_dir/server.log" >&2
    exit 1
  fi
  local cpu_after
  cpu_after="$(server_cpu_ticks)"
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1])); r["server_cpu_s"] = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
json.dump(r, open(sys.argv[5], "w"))' "$out_dir/ingress_$name.raw.json" "$cpu_before" "$cpu_after" \
    "$clock_ticks" "$out_dir/ingress_$name.json"
  rm -f "$out_dir/ingress_$name.raw.json"
}

run_load trivial --url "http://$addr/healthz" --method GET --connections "$connections"
run_load webhook_closed --url "http://$addr/webhooks/richpanel" --connections "$connections" \
  "${webhook_args[@]}"
run_load webhook_open --url "http://$addr/webhooks/richpanel" --connections "$open_connections" \
  --rate "$open_rate" "${webhook_args[@]}"

peak_rss_kib="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status")"
stop_server

python3 - "$out_dir" "${peak_rss_kib:-0}" "$open_rate" "$load_before" <<'EOF'
import json, os, sys, time
out_dir, rss_kib, open_rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
load_before, cpus = float(sys.argv[4]), os.cpu_count() or 1
runs = {n: json.load(open(f"{out_dir}/ingress_{n}.json"))
        for n in ("trivial", "webhook_closed", "webhook_open")}
trivial, closed, opened = runs["trivial"], runs["webhook_closed"], runs["webhook_open"]
problems = []
for name in ("webhook_closed", "webhook_open"):
    r = runs[name]
    if r["ok_2xx"] == 0:
        problems.append(f"{name}: no 2xx answer (non_2xx={r['non_2xx']}, errors={r['error_kinds']})")
for name, r in runs.items():
    if r["errors"] or r["non_2xx"]:
        print(f"note: {name}: non_2xx={r['non_2xx']} errors={r['error_kinds']}", file=sys.stderr)

def cpu_us(run, key):
    return run["server_cpu_s"] * 1e6 / run[key] if run[key] else 0.0

accepts = closed["ok_per_s"]
ceiling = trivial["ok_per_s"]
ratio = accepts / ceiling if ceiling else 0.0
rss_mib = rss_kib / 1024
rows = [  # label, value, goal text, passed
    ("accepted/s webhook (closed loop)", f"{accepts:,.0f}", ">= 15,000", accepts >= 15000),
    ("accepted/s trivial /healthz", f"{ceiling:,.0f}", "", None),
    ("ratio webhook / trivial", f"{ratio:.2f}", ">= 0.5", ratio >= 0.5),
    ("ACK p50 at max load (ms)", f"{closed['latency_ms']['p50']:.2f}", "", None),
    ("ACK p99 at max load (ms)", f"{closed['latency_ms']['p99']:.2f}", "", None),
    (f"ACK p99 at {open_rate:.0f} req/s (ms)", f"{opened['latency_ms']['p99']:.2f}", "< 10",
     opened["latency_ms"]["p99"] < 10 and opened["ok_2xx"] > 0),
    (f"achieved open-loop rate (req/s)", f"{opened['ok_per_s']:,.0f}", "", None),
    ("server CPU per accepted webhook (us)", f"{cpu_us(closed, 'ok_2xx'):,.0f}", "", None),
    ("server CPU per /healthz (us)", f"{cpu_us(trivial, 'ok_2xx'):,.0f}", "", None),
    ("peak RSS of rpmw serve (MiB)", f"{rss_mib:.1f}", "< 64", 0 < rss_mib < 64),
]
print(f"{'metric':<36} {'value':>12}  {'goal':<10} result")
for label, value, goal, passed in rows:
    verdict = "" if passed is None else ("PASS" if passed else "MISS")
    print(f"{label:<36} {value:>12}  {goal:<10} {verdict}")
# Server and load generator share this machine: other work skews every figure above.
print(f"machine: {cpus} CPUs, load average {load_before:.2f} before the runs"
      + ("  (busy machine: figures are pessimistic)" if load_before > cpus / 2 else ""))
summary = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": runs,
           "cpus": cpus, "load_average_before": load_before,
           "peak_rss_mib": round(rss_mib, 1), "accepts_per_s": round(accepts, 1),
           "trivial_per_s": round(ceiling, 1), "ratio": round(ratio, 3)}
json.dump(summary, open(f"{out_dir}/ingress_summary.json", "w"), indent=2)
print(f"raw results: {out_dir}/ingress_*.json", file=sys.stderr)
if problems:
    print("run_ingress.sh: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
