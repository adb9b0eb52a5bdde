#!/usr/bin/env bash
# The smoke pack of spec/06 against a running rpmw.
#
#   scripts/smoke.sh BASE_URL --fake-richpanel URL [options]
#       rpmw wired to the fake Richpanel (tests/fakes/fake_richpanel_server): seeds tickets and
#       orders through the fake's control API, sends webhooks with the token, waits for each
#       decision through the admin API and checks the Richpanel calls the fake recorded. Switches
#       kill-switch flags through the admin API and puts them back at the end.
#   scripts/smoke.sh BASE_URL --live [--ticket ID (--allow-shadow-webhook | --allow-writes
#                    --confirm-ticket ID)] [options]
#       a staging instance and tenant; read-only unless asked (see "Live mode" in docs/vm.md).
#
# Options:
#   --webhook-token T   default $SMOKE_WEBHOOK_TOKEN, else the first of $RPMW_WEBHOOK_TOKENS, else
#                       <data-dir>/secrets/webhook_token
#   --admin-token T     default $SMOKE_ADMIN_TOKEN, else $RPMW_ADMIN_TOKEN, else
#                       <data-dir>/secrets/admin_token
#   --data-dir DIR      rpmw's data dir, for the generated tokens (default $RPMW_DATA_DIR)
#   --admin-url URL     where the admin API is (default BASE_URL)
#   --hmac-secret S     also sign each webhook (X-Timestamp, X-Signature); default $SMOKE_HMAC_SECRET
#   --only CATS         comma-separated categories: route,tier0,tier1,tier2,multi,duplicate,switches
#   --timeout S         per wait (default 30)
#   --golden FILE       scenario texts (default tests/data/golden_v1.jsonl next to this script)
#   --break-expectation self-check: the first route case expects a reply it never gets, so the run
#                       must FAIL (CI proves the pack can fail)
# Exit: 0 every check passed; 1 a check failed; 2 usage, missing tools or an unreachable server.
# Needs bash, curl, jq (and openssl for --hmac-secret).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
usage() {
  sed -n '2,30p' "$0" >&2
  exit 2
}
die() {
  echo "smoke: $*" >&2
  exit 2
}

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
base_url="${1%/}"
shift
fake_url=""
live=0
live_ticket=""
allow_shadow=0
allow_writes=0
confirm_ticket=""
webhook_token="${SMOKE_WEBHOOK_TOKEN:-${RPMW_WEBHOOK_TOKENS:-}}"
webhook_token="${webhook_token%%,*}"
admin_token="${SMOKE_ADMIN_TOKEN:-${RPMW_ADMIN_TOKEN:-}}"
data_dir="${RPMW_DATA_DIR:-}"
admin_url=""
hmac_secret="${SMOKE_HMAC_SECRET:-}"
only="route,tier0,tier1,tier2,multi,duplicate,switches"
timeout_s=30
golden="$here/../tests/data/golden_v1.jsonl"
break_expectation=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fake-richpanel) fake_url="${2%/}"; shift 2 ;;
    --live) live=1; shift ;;
    --ticket) live_ticket="$2"; shift 2 ;;
    --allow-shadow-webhook) allow_shadow=1; shift ;;
    --allow-writes) allow_writes=1; shift ;;
    --confirm-ticket) confirm_ticket="$2"; shift 2 ;;
    --webhook-token) webhook_token="$2"; shift 2 ;;
    --admin-token) admin_token="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --admin-url) admin_url="${2%/}"; shift 2 ;;
    --hmac-secret) hmac_secret="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --golden) golden="$2"; shift 2 ;;
    --break-expectation) break_expectation=1; shift ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$admin_url" ] || admin_url="$base_url"
command -v curl >/dev/null || die "curl is missing"
command -v jq >/dev/null || die "jq is missing (apt-get install jq)"
if [ -n "$hmac_secret" ]; then command -v openssl >/dev/null || die "openssl is missing"; fi
if [ -z "$webhook_token" ] && [ -n "$data_dir" ] && [ -r "$data_dir/secrets/webhook_token" ]; then
  webhook_token="$(head -n 1 "$data_dir/secrets/webhook_token")"
fi
if [ -z "$admin_token" ] && [ -n "$data_dir" ] && [ -r "$data_dir/secrets/admin_token" ]; then
  admin_token="$(head -n 1 "$data_dir/secrets/admin_token")"
fi
[ -n "$webhook_token" ] || die "no webhook token (--webhook-token, SMOKE_WEBHOOK_TOKEN or --data-dir)"
[ -n "$admin_token" ] || die "no admin token (--admin-token, SMOKE_ADMIN_TOKEN or --data-dir)"
if [ "$live" -eq 0 ]; then
  [ -n "$fake_url" ] || die "give --fake-richpanel URL (or --live for a staging tenant)"
  [ -r "$golden" ] || die "cannot read the scenario texts $golden"
else
  [ -z "$fake_url" ] || die "--live and --fake-richpanel exclude each other"
  if [ "$allow_shadow" -eq 1 ] || [ "$allow_writes" -eq 1 ]; then
    [ -n "$live_ticket" ] || die "--allow-shadow-webhook / --allow-writes need --ticket ID"
  fi
  if [ "$allow_writes" -eq 1 ] && [ "$confirm_ticket" != "$live_ticket" ]; then
    die "--allow-writes needs --confirm-ticket with the same ticket id (it tags that ticket)"
  fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run_id="$(date -u +%H%M%S)$$"

# ---- HTTP ---------------------------------------------------------------------------------------

# http METHOD URL [BODY] [HEADER…] → $status, $body ("000" when unreachable).
http() {
  local method="$1" url="$2" data="${3:-}"
  shift 3 || shift $#
  local args=(-sS -o "$tmp/body" -w '%{http_code}' --max-time 10 -X "$method")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  if [ -n "$data" ]; then args+=(--data-binary "$data"); fi
  status="$(curl "${args[@]}" "$url" 2>/dev/null)" || status="000"
  body="$(cat "$tmp/body" 2>/dev/null || true)"
}
admin() { http "$1" "$admin_url$2" "${3:-}" "Authorization: Bearer $admin_token" "Content-Type: application/json"; }
control() {
  http POST "$fake_url/_control/$1" "$2" "Content-Type: application/json"
  [ "${status:0:1}" = 2 ] || die "fake Richpanel control $1 answered $status: $body"
}

# post_webhook JSON → $status, $body, $trace
post_webhook() {
  local payload="$1" headers=("Content-Type: application/json" "X-Middleware-Token: $webhook_token")
  if [ -n "$hmac_secret" ]; then
    local ts sig
    ts="$(date +%s)"
    sig="$(printf '%s.%s' "$ts" "$payload" | openssl dgst -sha256 -hmac "$hmac_secret" -r | cut -d' ' -f1)"
    headers+=("X-Timestamp: $ts" "X-Signature: sha256=$sig")
  fi
  http POST "$base_url/webhooks/richpanel" "$payload" "${headers[@]}"
  trace="$(jq -r '.trace_id // empty' <<<"$body" 2>/dev/null)"
}
webhook_json() { jq -cn --arg t "$1" --arg m "$2" '{ticket_id:$t,message_id:$m,trigger:"customer_message"}'; }

# poll SECONDS COMMAND… : runs COMMAND until it succeeds or the deadline passes.
poll() {
  local deadline=$((SECONDS + $1))
  shift
  while :; do
    "$@" && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Decisions of a ticket (newest first) → $decisions; succeeds once there are at least $2.
decisions_at_least() {
  admin GET "/admin/v1/decisions?ticket_id=$1&limit=50"
  [ "$status" = 200 ] || return 1
  decisions="$body"
  [ "$(jq '.decisions | length' <<<"$body")" -ge "$2" ]
}
queue_idle() {
  admin GET /admin/v1/status
  [ "$status" = 200 ] && jq -e '.queue.depth == 0 and .queue.in_flight == 0' <<<"$body" >/dev/null
}
set_flag() {
  admin PUT "/admin/v1/flags/$1" "$(jq -cn --arg v "$2" '{value:$v,actor:"smoke"}')"
  [ "$status" = 200 ] || die "PUT /admin/v1/flags/$1 answered $status: $body"
}
flag_value() { jq -r --arg n "$1" '.flags[$n] // "unset"' <<<"$flags_json"; }

# ---- results ------------------------------------------------------------------------------------

results=()
failures=0
problems=""
problem() { problems+="${problems:+; }$*"; }
record() {  # record CATEGORY CASE TRACE
  local verdict=PASS
  if [ -n "$problems" ]; then
    verdict=FAIL
    failures=$((failures + 1))
  fi
  results+=("$1|$2|$verdict|${3:--}|${problems:-ok}")
  printf 'smoke: %-9s %-26s %s %s\n' "$1" "$2" "$verdict" "${problems}" >&2
  problems=""
}
print_table() {
  printf '\n%-9s  %-26s  %-4s  %-30s  %s\n' CATEGORY CASE RES TRACE_ID DETAIL
  local r
  for r in "${results[@]}"; do
    IFS='|' read -r c n v t d <<<"$r"
    printf '%-9s  %-26s  %-4s  %-30s  %s\n' "$c" "$n" "$v" "$t" "$d"
  done
  printf '\n%d checks, %d failed\n' "${#results[@]}" "$failures"
}

# ---- live mode ----------------------------------------------------------------------------------

if [ "$live" -eq 1 ]; then
  http GET "$base_url/healthz"
  [ "$status" != 000 ] || die "$base_url is unreachable"
  [ "$status" = 200 ] || problem "/healthz $status"
  record live healthz ""
  admin GET /admin/v1/status
  [ "$status" = 200 ] || problem "/admin/v1/status $status (admin URL or token?)"
  record live admin-status ""
  http GET "$admin_url/admin/v1/flags"
  [ "$status" = 401 ] || problem "admin without token answered $status, want 401"
  record live admin-needs-token ""
  http POST "$base_url/webhooks/richpanel" '{"ticket_id":"smoke-no-token"}' "Content-Type: application/json"
  [ "$status" = 401 ] || problem "webhook without token answered $status, want 401"
  record live webhook-needs-token ""
  admin GET /admin/v1/flags
  flags_json="$body"
  if [ "$allow_shadow" -eq 1 ] || [ "$allow_writes" -eq 1 ]; then
    shadow="$(flag_value shadow_mode)"
    if [ "$allow_shadow" -eq 1 ]; then
      [ "$shadow" = true ] || die "--allow-shadow-webhook: shadow_mode is $shadow on the server; refusing"
      name="shadow-webhook"
    else
      [ "$(flag_value safe_mode)" = true ] || [ "$(flag_value automation_enabled)" != true ] ||
        die "--allow-writes: automation is on and safe_mode off (a reply could go out); refusing"
      name="route-only-webhook"
    fi
    before=0
    if decisions_at_least "$live_ticket" 0; then before="$(jq '.decisions | length' <<<"$decisions")"; fi
    post_webhook "$(webhook_json "$live_ticket" "smoke-live-$run_id")"
    [ "$status" = 202 ] || problem "webhook answered $status"
    if [ "$status" = 202 ] && poll "$timeout_s" decisions_at_least "$live_ticket" $((before + 1)); then
      d="$(jq -c '.decisions[0]' <<<"$decisions")"
      mode="$(jq -r '.execution.mode // ""' <<<"$d")"
      if [ "$allow_shadow" -eq 1 ]; then
        [ "$mode" = shadow ] || problem "execution mode $mode, want shadow"
      else
        [ "$mode" = live ] || problem "execution mode $mode, want live"
        [ "$(jq -r .action <<<"$d")" = route_only ] || problem "action $(jq -r .action <<<"$d")"
      fi
      echo "smoke: decision $(jq -c '{primary_intent,route_tag,tier,action,template_id}' <<<"$d")" >&2
    elif [ "$status" = 202 ]; then
      problem "no decision within ${timeout_s}s"
    fi
    record live "$name" "$trace"
  fi
  print_table
  [ "$failures" -eq 0 ] && exit 0 || exit 1
fi

# ---- fake mode: scenario helpers ----------------------------------------------------------------

http GET "$base_url/healthz"
[ "$status" = 200 ] || die "rpmw at $base_url is not up (/healthz: $status)"
http GET "$fake_url/_control/calls"
[ "$status" = 200 ] || die "fake Richpanel at $fake_url is not up (/_control/calls: $status)"
admin GET /admin/v1/flags
[ "$status" = 200 ] || die "admin API at $admin_url answered $status (token?)"
flags_json="$body"
saved_flags=()
for f in automation_enabled safe_mode shadow_mode; do saved_flags+=("$f=$(flag_value "$f")"); done
restore_flags() {
  local kv
  for kv in "${saved_flags[@]}"; do
    [ "${kv#*=}" = unset ] || set_flag "${kv%%=*}" "${kv#*=}"
  done
}
trap 'restore_flags; rm -rf "$tmp"' EXIT
flags() { # flags automation safe shadow
  set_flag automation_enabled "$1"
  set_flag safe_mode "$2"
  set_flag shadow_mode "$3"
}

text_of() {
  local t
  t="$(jq -r --arg id "$1" 'select(.example_id == $id) | .text' "$golden")"
  [ -n "$t" ] || die "no example $1 in $golden"
  printf '%s' "$t"
}
now_ms() { echo $(($(date +%s) * 1000)); }
# seed TICKET CHANNEL GOLDEN_ID
seed() {
  local text
  text="$(text_of "$3")" || exit 2  # text_of dies in a subshell: stop the whole run
  control tickets "$(jq -cn --arg id "$1" --arg ch "$2" --arg text "$text" \
    '{id:$id,status:"OPEN",via:{channel:$ch},tags:[],
      comments:[{id:"c1",is_operator:false,plain_body:$text,body:$text,
                 created_at:"2026-12-01T10:00:00.000Z"}]}')"
}
# link_order TICKET AGE_HOURS TRACKING(yes|no): the order id is "<ticket>-o".
link_order() {
  local created=$(($(now_ms) - $2 * 3600000))
  control orders "$(jq -cn --arg t "$1" --argjson created "$created" --arg tracking "$3" '
    {ticket_id:$t, order:({orderId:($t + "-o"), orderName:("#" + $t), status:"open",
      financialStatus:"paid", fulfillmentStatus:(if $tracking == "yes" then "fulfilled" else "unfulfilled" end),
      createdAt:$created, statusUrl:"https://shop.example.com/orders/smoke",
      shippingMethod:"Standard Shipping",
      fulfillment:(if $tracking == "yes" then [{status:"success", createdAt:$created,
        tracking:[{trackingNumber:"1Z999AA10123456784", trackingCompany:"UPS", trackingUrl:""}]}]
        else [] end)})}')"
}
# The fake's calls for one ticket (its ticket and order paths), as a JSON array.
calls_of() {
  http GET "$fake_url/_control/calls"
  jq -c --arg t "$1" '[.[] | select(.path | test("/" + $t + "(/|$|-o$)"))]' <<<"$body"
}
lines_of() { jq -r '.[] | .method + " " + .path' <<<"$1"; }
# The tags of the ticket's add-tags call ("" without one).
tags_of() { jq -r '[.[] | select(.path | endswith("/add-tags")) | .body | fromjson | .tags[]] | join(" ")' <<<"$1"; }

# deliver TICKET → webhook, decision ($decision), calls ($calls); problems noted.
deliver() {
  decision="{}"
  calls="[]"
  post_webhook "$(webhook_json "$1" "$1-m1")"
  if [ "$status" != 202 ]; then
    problem "webhook answered $status"
    return 1
  fi
  if ! poll "$timeout_s" decisions_at_least "$1" 1; then
    problem "no decision within ${timeout_s}s"
    return 1
  fi
  decision="$(jq -c '.decisions[0]' <<<"$decisions")"
  calls="$(calls_of "$1")"
}
want() { # want FIELD EXPECTED (a jq path into the decision)
  local got
  got="$(jq -r "$1 // \"null\"" <<<"$decision")"
  [ "$got" = "$2" ] || problem "$1=$got, want $2"
}
want_calls() { # want_calls TICKET "METHOD suffix"… (suffix after /v1/tickets/<ticket> etc.)
  local t="$1" expected="" got
  shift
  local c
  for c in "$@"; do expected+="${c//@/$t}"$'\n'; done
  got="$(lines_of "$calls")"$'\n'
  [ "$got" = "$expected" ] || problem "calls [$(echo "${got%$'\n'}" | paste -sd, -)], want [$(echo "${expected%$'\n'}" | paste -sd, -)]"
}
want_tag() { [[ " $(tags_of "$calls") " == *" $1 "* ]] || problem "tag $1 missing"; }
want_no_tag() { [[ " $(tags_of "$calls") " != *" $1 "* ]] || problem "unexpected tag $1"; }
enabled() { [[ ",$only," == *",$1,"* ]]; }

ROUTE=("GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags")
EMAIL_REPLY=("GET /v1/tickets/@" "PUT /v1/tickets/@/send-message" "GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags")
CHAT_REPLY=("GET /v1/tickets/@" "PUT /v1/tickets/@" "GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags")
ticket_id() { echo "smoke-$run_id-$1"; }

# ---- scenarios (texts from tests/data/golden_v1.jsonl by example id) ----------------------------

if enabled route; then
  flags false false false
  # case golden channel route-tag
  first=1
  while read -r name gid channel route; do
    t="$(ticket_id "$name")"
    seed "$t" "$channel" "$gid"
    if deliver "$t"; then
      if [ "$break_expectation" -eq 1 ] && [ "$first" -eq 1 ]; then
        want_calls "$t" "${EMAIL_REPLY[@]}"  # deliberately wrong: automation is off
      else
        want_calls "$t" "${ROUTE[@]}"
      fi
      want .action route_only
      want .route_tag "$route"
      want_tag "$route"
      want_tag mw-routing-applied
      want_no_tag mw-auto-replied
    fi
    first=0
    record route "$name" "$trace"
  done <<'EOF'
route-returns g0243 email route-returns-admin
route-billing g0150 email route-email-support-team
route-technical g0291 livechat route-technical-support-team
route-sales g0370 livechat route-sales-team
route-phone g0317 email route-phone-support-team
route-social g0349 email route-socialmedia-team
EOF
fi

if enabled tier0; then
  flags true false false
  while read -r name gid channel intent; do
    t="$(ticket_id "$name")"
    seed "$t" "$channel" "$gid"
    if deliver "$t"; then
      want_calls "$t" "${ROUTE[@]}"
      want .tier TIER_0_ESCALATION
      want .primary_intent "$intent"
      want .execution.reply none
      want_tag mw-tier-0
      want_no_tag mw-auto-replied
    fi
    record tier0 "$name" "$trace"
  done <<'EOF'
t0-chargeback g0426 email chargeback_dispute
t0-chargeback-chat g0427 livechat chargeback_dispute
t0-legal g0448 email legal_threat
t0-fraud g0486 email fraud_suspected
t0-harassment g0468 email harassment_threats
EOF
fi

if enabled tier1; then
  flags true false false
  while read -r name gid channel template; do
    t="$(ticket_id "$name")"
    seed "$t" "$channel" "$gid"
    if deliver "$t"; then
      if [ "$channel" = email ]; then want_calls "$t" "${EMAIL_REPLY[@]}"; else want_calls "$t" "${CHAT_REPLY[@]}"; fi
      want .tier TIER_1_SAFE_ASSIST
      want .template_id "$template"
      want .execution.reply sent
      want_tag mw-auto-replied
      want_tag "mw-template-$template"
      want_tag mw-tier-1
    fi
    record tier1 "$name" "$trace"
  done <<'EOF'
t1-damaged-email g0227 email t_damaged_item_intake
t1-damaged-chat g0228 livechat t_damaged_item_intake
t1-missing g0185 email t_missing_items_intake
t1-wrong-item g0211 email t_wrong_item_intake
t1-refund g0273 email t_refund_request_intake
t1-return g0244 livechat t_return_request_intake
t1-exchange g0260 livechat t_exchange_request_intake
t1-not-received g0168 email t_delivered_not_received_intake
t1-cancel-sub g0124 email t_cancel_subscription_ack_intake
t1-technical g0292 email t_technical_support_intake
t1-address g0108 email t_address_change_ack_intake
t1-billing g0150 email t_billing_issue_intake
t1-cancel-order g0080 email t_cancel_order_ack_intake
t1-promo g0355 email t_promo_discount_info
t1-pre-purchase g0370 livechat t_pre_purchase_info
t1-influencer g0387 livechat t_influencer_inquiry_route
EOF
fi

if enabled tier2; then
  flags true false false
  # case golden channel order(none|tracking|eta|late) template
  while read -r name gid channel order template; do
    t="$(ticket_id "$name")"
    seed "$t" "$channel" "$gid"
    case "$order" in
      tracking) link_order "$t" 48 yes ;;
      eta) link_order "$t" 1 no ;;
      late) link_order "$t" 720 no ;;
    esac
    if deliver "$t"; then
      want .template_id "$template"
      lookup=("GET /v1/tickets/@" "GET /v1/order/@" "GET /v1/order/shopify-app-1/@-o")
      send="PUT /v1/tickets/@/send-message"
      [ "$channel" = email ] || send="PUT /v1/tickets/@"
      case "$order" in
        tracking | late)
          want .tier TIER_2_VERIFIED
          want_calls "$t" "${lookup[@]}" "$send" "GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags"
          want_tag mw-tier-2
          want_no_tag mw-auto-closed
          if [ "$order" = late ]; then want_tag mw-escalated-human; fi
          ;;
        eta)
          want .tier TIER_2_VERIFIED
          want_calls "$t" "${lookup[@]}" "$send" "GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags" "PUT /v1/tickets/@"
          want_tag mw-auto-closed
          want .execution.close closed
          ;;
        none)
          want_calls "$t" "GET /v1/tickets/@" "GET /v1/order/@" "$send" "GET /v1/tickets/@" "PUT /v1/tickets/@/add-tags"
          want_tag mw-order-lookup-needed
          want_tag mw-tier-1
          ;;
      esac
      want .execution.reply sent
    fi
    record tier2 "$name" "$trace"
  done <<'EOF'
t2-tracking g0001 email tracking t_order_status_verified
t2-eta-no-tracking g0001 email eta t_order_eta_no_tracking_verified
t2-late-no-tracking g0001 email late t_shipping_delay_verified
t2-no-order-email g0001 email none t_order_status_ask_order_number
t2-no-order-chat g0002 livechat none t_order_status_ask_order_number
EOF
fi

if enabled multi; then
  flags true false false
  # case golden channel primary tier (linked order with tracking: a reply would be possible)
  while read -r name gid channel intent tier; do
    t="$(ticket_id "$name")"
    seed "$t" "$channel" "$gid"
    link_order "$t" 48 yes
    if deliver "$t"; then
      want .primary_intent "$intent"
      want .tier "$tier"
      want .action route_only
      # Richpanel is read once; the order lookups are allowed, a reply is not.
      [ "$(lines_of "$calls" | grep -c -e '/send-message$' -e '^PUT /v1/tickets/[^/]*$')" = 0 ] ||
        problem "a reply or close was sent"
      [ "$(lines_of "$calls" | tail -n 1)" = "PUT /v1/tickets/$t/add-tags" ] || problem "last call is not the tag call"
      want_no_tag mw-auto-replied
    fi
    record multi "$name" "$trace"
  done <<'EOF'
multi-chargeback-status g0443 email chargeback_dispute TIER_0_ESCALATION
multi-harassment-status g0471 email harassment_threats TIER_0_ESCALATION
multi-billing-cancel g0153 livechat billing_issue TIER_1_SAFE_ASSIST
multi-damaged-refund g0229 email damaged_item TIER_1_SAFE_ASSIST
EOF
fi

if enabled duplicate; then
  flags true false false
  t="$(ticket_id dup)"
  seed "$t" email g0227
  payload="$(webhook_json "$t" "$t-m1")"
  post_webhook "$payload"
  first_trace="$trace"
  [ "$status" = 202 ] || problem "first webhook $status"
  post_webhook "$payload"
  [ "$status" = 200 ] || problem "second webhook $status, want 200 duplicate"
  post_webhook "$payload"
  [ "$status" = 200 ] || problem "third webhook $status, want 200 duplicate"
  # Another message id for the same customer comment: accepted, then a no-op in the worker.
  post_webhook "$(webhook_json "$t" "$t-m2")"
  [ "$status" = 202 ] || problem "webhook with a new message id $status"
  if poll "$timeout_s" decisions_at_least "$t" 1 && poll "$timeout_s" queue_idle; then
    decisions_at_least "$t" 1
    [ "$(jq '.decisions | length' <<<"$decisions")" = 1 ] || problem "$(jq '.decisions | length' <<<"$decisions") decisions, want 1"
    calls="$(calls_of "$t")"
    [ "$(lines_of "$calls" | grep -c '/send-message$')" = 1 ] || problem "send-message count != 1"
    [ "$(lines_of "$calls" | grep -c '/add-tags$')" = 1 ] || problem "add-tags count != 1"
  else
    problem "not processed within ${timeout_s}s"
  fi
  record duplicate "same-webhook-x3+new-id" "$first_trace"
fi

if enabled switches; then
  # case automation safe shadow → expected
  while read -r name automation safe shadow; do
    flags "$automation" "$safe" "$shadow"
    t="$(ticket_id "$name")"
    seed "$t" livechat g0228
    if deliver "$t"; then
      if [ "$shadow" = true ]; then
        want_calls "$t" "GET /v1/tickets/@"
        want .execution.mode shadow
        want .action send_reply  # what it would have done
      else
        want_calls "$t" "${ROUTE[@]}"
        want .execution.mode live
        want .action route_only
        want_no_tag mw-auto-replied
      fi
    fi
    record switches "$name" "$trace"
  done <<'EOF'
automation-off false false false
safe-mode true true false
shadow-mode true false true
EOF
fi

print_table
[ "$failures" -eq 0 ] && exit 0 || exit 1
