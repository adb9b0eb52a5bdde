#!/usr/bin/env bash
# Points `live` of both functions back at the version it pointed at before the last switch
# (deploy.sh, promote.sh and rollback.sh record it on the alias). Running it twice undoes the
# first rollback; use promote.sh for an explicit version.
set -euo pipefail
USAGE="rollback.sh <env> [--dry-run]
  --dry-run   print the aws commands that change something; run only read-only ones"
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

env_name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) printf 'usage: %s\n' "$USAGE"; exit 0 ;;
    -*) usage_error "unknown option $1" ;;
    *) [ -z "$env_name" ] || usage_error "unexpected argument $1"; env_name="$1"; shift ;;
  esac
done
check_env "$env_name"
require_aws

# Without a recorded previous version: the highest published version below the live one.
highest_below() {
  local fn="$1" current="$2" versions best="" v
  versions="$(query "$AWS_BIN" lambda list-versions-by-function --function-name "$fn" \
    --query 'Versions[].Version' --output text)" || return 1
  for v in $versions; do
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ "$v" -lt "$current" ] && { [ -z "$best" ] || [ "$v" -gt "$best" ]; }; then best="$v"; fi
  done
  printf '%s' "$best"
}

plan=()
for fn in "$(function_name "$env_name" ingress)" "$(function_name "$env_name" worker)"; do
  current="$(live_version "$fn")"
  [ -n "$current" ] || die "$fn has no live alias (is the stack deployed?)"
  target="$(live_previous "$fn")"
  if [ -z "$target" ]; then target="$(highest_below "$fn" "$current")"; fi
  [ -n "$target" ] || die "$fn: live is version $current and there is no earlier version"
  [ "$target" != "$current" ] || die "$fn: the recorded previous version is the live one ($current)"
  plan+=("$fn" "$current" "$target")
done

# Both checked before either moves: a half rollback is worse than none.
set -- "${plan[@]}"
while [ $# -gt 0 ]; do
  note "$1: live $2 -> $3"
  point_live "$1" "$3" "$2" "rollback"
  shift 3
done
