#!/usr/bin/env bash
# Points the `live` alias of both functions of an environment at an already published version
# (API Gateway and the SQS event source follow the alias: effective in seconds).
set -euo pipefail
USAGE="promote.sh <env> <version> [--force] [--dry-run]
  <version>   a Lambda version number published by deploy.sh (both functions)
  --force     promote even if the two functions' versions carry different releases
  --dry-run   print the aws commands that change something; run only read-only ones"
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

env_name="" version="" force=false
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=true; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) printf 'usage: %s\n' "$USAGE"; exit 0 ;;
    -*) usage_error "unknown option $1" ;;
    *)
      if [ -z "$env_name" ]; then env_name="$1"
      elif [ -z "$version" ]; then version="$1"
      else usage_error "unexpected argument $1"; fi
      shift ;;
  esac
done
check_env "$env_name"
[ -n "$version" ] || usage_error "missing <version>"
[[ "$version" =~ ^[1-9][0-9]*$ ]] || usage_error "<version> must be a version number, got '$version'"
require_aws

ingress="$(function_name "$env_name" ingress)"
worker="$(function_name "$env_name" worker)"
ingress_release="$(version_release "$ingress" "$version")" || die "$ingress has no version $version"
worker_release="$(version_release "$worker" "$version")" || die "$worker has no version $version"
if [ "$ingress_release" != "$worker_release" ] && [ "$force" = false ]; then
  die "version $version is release '${ingress_release:-?}' on ingress but '${worker_release:-?}' on worker; redeploy, or --force"
fi
note "promoting rpmw-$env_name to version $version (release ${ingress_release:-unknown})"

for fn in "$ingress" "$worker"; do
  current="$(live_version "$fn")"
  if [ "$current" = "$version" ]; then
    note "$fn: live already at $version"
    continue
  fi
  point_live "$fn" "$version" "$current" "promote"
done
