# shellcheck shell=bash
# Shared helpers of the deploy/aws scripts (sourced, not run).
# Each script sets USAGE before sourcing; mutating aws calls go through `run` (printed and skipped
# with --dry-run), read-only ones through `query` (always executed: a dry run shows what it
# *would* do against the real state).

# shellcheck disable=SC2034 # used by the scripts that source this file
AWS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DRY_RUN=false
AWS_BIN="${AWS_BIN:-aws}"

usage_error() {
  printf '%s: %s\n' "$(basename "$0")" "$1" >&2
  printf 'usage: %s\n' "$USAGE" >&2
  exit 2
}

die() {
  printf '%s: %s\n' "$(basename "$0")" "$1" >&2
  exit 1
}

note() { printf '%s\n' "$*" >&2; }

check_env() {
  case "${1:-}" in
    dev | staging | prod) ;;
    "") usage_error "missing <env>" ;;
    *) usage_error "unknown env '$1' (dev, staging or prod)" ;;
  esac
}

require_aws() {
  command -v "$AWS_BIN" >/dev/null 2>&1 || die "the AWS CLI ('$AWS_BIN') is not on PATH"
}

# Prints the command, shell-quoted, as `+ aws …`; runs it unless --dry-run.
run() {
  local quoted
  quoted="$(printf ' %q' "$@")"
  printf '+%s\n' "$quoted"
  if [ "$DRY_RUN" = true ]; then return 0; fi
  "$@"
}

query() { "$@"; }

# `aws --output text` prints None for a missing value.
none_to_empty() {
  local value="$1"
  if [ "$value" = "None" ]; then value=""; fi
  printf '%s' "$value"
}

function_name() { printf 'rpmw-%s-%s' "$1" "$2"; }

# The version `live` points at, or "" when the function or alias does not exist yet.
live_version() {
  local out
  out="$(query "$AWS_BIN" lambda get-alias --function-name "$1" --name live \
    --query FunctionVersion --output text 2>/dev/null)" || out=""
  none_to_empty "$out"
}

# The alias description written by these scripts: "previous=N …".
live_previous() {
  local out
  out="$(query "$AWS_BIN" lambda get-alias --function-name "$1" --name live \
    --query Description --output text 2>/dev/null)" || out=""
  out="$(none_to_empty "$out")"
  if [[ "$out" =~ previous=([0-9]+) ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# The release recorded on a published version ("release=<id> …"), or "".
version_release() {
  local out
  out="$(query "$AWS_BIN" lambda get-function-configuration --function-name "$1" \
    --qualifier "$2" --query Description --output text 2>/dev/null)" || return 1
  out="$(none_to_empty "$out")"
  if [[ "$out" =~ release=([^[:space:]]+) ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# Moves `live` of one function to a version, remembering where it was for rollback.sh.
point_live() {
  local fn="$1" version="$2" from="$3" why="$4"
  run "$AWS_BIN" lambda update-alias --function-name "$fn" --name live \
    --function-version "$version" --description "previous=${from:-none} ${why}" \
    --query FunctionVersion --output text
}
