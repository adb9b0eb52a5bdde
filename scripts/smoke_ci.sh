#!/usr/bin/env bash
# CI harness of the smoke pack (ctest `smoke`): starts the fake Richpanel and `rpmw serve` wired to
# it on free loopback ports, runs scripts/smoke.sh against them, then proves the pack can fail:
# a deliberately wrong expectation must exit 1, and a stopped server must exit 2.
# Usage: scripts/smoke_ci.sh RPMW_BIN FAKE_RICHPANEL_BIN
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rpmw_bin="${1:?usage: smoke_ci.sh RPMW_BIN FAKE_RICHPANEL_BIN}"
fake_bin="${2:?usage: smoke_ci.sh RPMW_BIN FAKE_RICHPANEL_BIN}"
work="$(mktemp -d /tmp/rpmw-smoke-ci.XXXXXX)"
fake_pid=""
rpmw_pid=""
stop() {  # stop PID: SIGTERM, then SIGKILL after 15 s
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}
cleanup() {
  stop "$rpmw_pid"
  stop "$fake_pid"
  if [ -n "${RPMW_TEST_KEEP_TMP:-}" ]; then echo "smoke_ci: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "smoke_ci FAILED: $*" >&2
  for f in "$work"/*.log; do
    [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}
wait_for() {  # wait_for SECONDS COMMAND…
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

"$fake_bin" --port 0 --key rp-smoke-key >"$work/fake.log" 2>&1 &
fake_pid=$!
wait_for 20 grep -q '^port=' "$work/fake.log" || fail "the fake Richpanel did not start"
fake_url="http://127.0.0.1:$(sed -n 's/^port=//p' "$work/fake.log" | head -n 1)"

export RPMW_LISTEN=127.0.0.1:0 RPMW_DATA_DIR="$work/data" RPMW_ENV=smoke RPMW_LOG_LEVEL=info
export RPMW_WEBHOOK_TOKENS=smoke-webhook-token-0123456789 RPMW_ADMIN_TOKEN=smoke-admin-token-0123456789
export RPMW_RICHPANEL_BASE_URL="$fake_url" RPMW_RICHPANEL_API_KEY=rp-smoke-key
export RPMW_RICHPANEL_BOT_AUTHOR_ID=fake-operator RPMW_RICHPANEL_RATE=200 RPMW_RICHPANEL_BURST=50
mkdir -p "$RPMW_DATA_DIR"
"$rpmw_bin" serve >"$work/rpmw.log" 2>"$work/rpmw.err.log" &
rpmw_pid=$!
wait_for 20 test -s "$RPMW_DATA_DIR/listen.addr" || fail "rpmw did not write listen.addr"
base_url="http://$(head -n 1 "$RPMW_DATA_DIR/listen.addr")"
wait_for 20 curl -fsS -o /dev/null "$base_url/readyz" || fail "rpmw is not ready"

echo "smoke_ci: rpmw $base_url, fake Richpanel $fake_url"
"$here/smoke.sh" "$base_url" --fake-richpanel "$fake_url" --data-dir "$RPMW_DATA_DIR" \
  --webhook-token "$RPMW_WEBHOOK_TOKENS" --admin-token "$RPMW_ADMIN_TOKEN"
rc=$?
[ "$rc" -eq 0 ] || fail "the smoke pack failed (exit $rc)"

# The pack must be able to fail: a wrong expectation is a FAIL row and exit 1 ...
"$here/smoke.sh" "$base_url" --fake-richpanel "$fake_url" --only route --break-expectation \
  --webhook-token "$RPMW_WEBHOOK_TOKENS" --admin-token "$RPMW_ADMIN_TOKEN" >"$work/broken.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a deliberately wrong expectation exited $rc, want 1"
grep -q 'FAIL' "$work/broken.out" || fail "no FAIL row for the wrong expectation"

# ... and a server that is down is exit 2, not a pass.
stop "$rpmw_pid"
rpmw_pid=""
"$here/smoke.sh" "$base_url" --fake-richpanel "$fake_url" --only route \
  --webhook-token "$RPMW_WEBHOOK_TOKENS" --admin-token "$RPMW_ADMIN_TOKEN" >"$work/down.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "smoke against a stopped server exited $rc, want 2"
echo "smoke_ci: OK (pack passed; a wrong expectation exits 1; a stopped server exits 2)"
