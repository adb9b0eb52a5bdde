#!/usr/bin/env bash
# Deploys rpmw to one environment: uploads the Lambda zip, creates or updates the stack
# rpmw-<env>, publishes a new version of both functions and points their `live` alias at it.
set -euo pipefail
USAGE="deploy.sh <env> [--zip FILE] [--release ID] [--no-promote] [--dry-run]
  <env>          dev | staging | prod (parameters from deploy/aws/params/<env>.json)
  --zip FILE     the zip to upload (default build/release/rpmw-lambda.zip, from make lambda-zip)
  --release ID   release id (default: git commit, +dirty); with --release and no --zip the zip
                 already uploaded for that release is used (promotion dev -> staging -> prod)
  --no-promote   publish the versions but leave live where it is (then promote.sh)
  --recycle      also publish new versions with unchanged code, so fresh instances read the
                 secrets again (after a secret change); other runs keep the previous epoch
  --dry-run      print the aws commands that change something; run only read-only ones"
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

env_name="" zip="" release="" promote=true recycle=false
while [ $# -gt 0 ]; do
  case "$1" in
    --zip) [ $# -ge 2 ] || usage_error "--zip needs a file"; zip="$2"; shift 2 ;;
    --release) [ $# -ge 2 ] || usage_error "--release needs an id"; release="$2"; shift 2 ;;
    --no-promote) promote=false; shift ;;
    --recycle) recycle=true; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) printf 'usage: %s\n' "$USAGE"; exit 0 ;;
    -*) usage_error "unknown option $1" ;;
    *) [ -z "$env_name" ] || usage_error "unexpected argument $1"; env_name="$1"; shift ;;
  esac
done
check_env "$env_name"
require_aws
command -v jq >/dev/null 2>&1 || die "jq is needed to read the parameter file (apt-get install jq)"

params_file="$AWS_DIR/params/$env_name.json"
[ -f "$params_file" ] || die "no parameter file $params_file"
jq -e 'type == "object"' "$params_file" >/dev/null 2>&1 || die "$params_file: not a JSON object"
bucket="$(jq -r '.CodeBucket // empty' "$params_file")"
[ -n "$bucket" ] || die "$params_file: CodeBucket is missing"
for owned in Env CodeKey Release IngressLiveVersion WorkerLiveVersion InstanceEpoch; do
  if jq -e --arg k "$owned" 'has($k)' "$params_file" >/dev/null; then
    die "$params_file: $owned is set by deploy.sh, remove it from the file"
  fi
done

upload=true
if [ -n "$release" ] && [ -z "$zip" ]; then upload=false; fi
if [ -z "$release" ]; then
  release="$(git -C "$AWS_DIR" rev-parse --short=12 HEAD 2>/dev/null)" || die "not in a git checkout: pass --release"
  if [ -n "$(git -C "$AWS_DIR" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    release="$release-dirty"
  fi
fi
[[ "$release" =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "--release: letters, digits, '.', '_', '-' only"
key="rpmw-lambda/$release.zip"
stack="rpmw-$env_name"
ingress="$(function_name "$env_name" ingress)"
worker="$(function_name "$env_name" worker)"

note "== $stack: release $release (s3://$bucket/$key)"
if [ "$upload" = true ]; then
  zip="${zip:-$AWS_DIR/../../build/release/rpmw-lambda.zip}"
  [ -f "$zip" ] || die "no zip at $zip: run 'make lambda-zip' first (or pass --zip)"
  run "$AWS_BIN" s3 cp "$zip" "s3://$bucket/$key" --only-show-errors
else
  query "$AWS_BIN" s3api head-object --bucket "$bucket" --key "$key" >/dev/null ||
    die "s3://$bucket/$key does not exist: deploy that release to an earlier env first, or pass --zip"
fi

# The stack must not move live by itself: pass the versions it points at today (none on a new stack).
ingress_live="$(live_version "$ingress")"
worker_live="$(live_version "$worker")"
note "live today: ingress ${ingress_live:-none}, worker ${worker_live:-none}"

overrides=("Env=$env_name" "CodeKey=$key" "Release=$release"
  "IngressLiveVersion=$ingress_live" "WorkerLiveVersion=$worker_live")
# Parameters left out keep the stack's current value: the epoch changes only with --recycle.
if [ "$recycle" = true ]; then overrides+=("InstanceEpoch=$(date -u +%Y%m%dT%H%M%SZ)"); fi
while IFS= read -r line; do overrides+=("$line"); done < <(
  jq -r 'to_entries[] | "\(.key)=\(.value | tostring)"' "$params_file")

run "$AWS_BIN" cloudformation deploy --stack-name "$stack" \
  --template-file "$AWS_DIR/template.yaml" --capabilities CAPABILITY_NAMED_IAM \
  --no-fail-on-empty-changeset --tags app=rpmw "env=$env_name" \
  --parameter-overrides "${overrides[@]}"

for fn in "$ingress" "$worker"; do
  run "$AWS_BIN" lambda wait function-updated --function-name "$fn"
  if [ "$DRY_RUN" = true ]; then
    run "$AWS_BIN" lambda publish-version --function-name "$fn" --description "release=$release"
    version="<new>"
  else
    printf '+ %s lambda publish-version --function-name %s --description release=%s\n' \
      "$AWS_BIN" "$fn" "$release"
    version="$("$AWS_BIN" lambda publish-version --function-name "$fn" \
      --description "release=$release" --query Version --output text)"
  fi
  note "$fn: published version $version"
  if [ "$promote" = true ]; then
    if [ "$fn" = "$ingress" ]; then from="$ingress_live"; else from="$worker_live"; fi
    if [ "$version" = "$from" ]; then
      note "$fn: live already at $version (code unchanged)"
    else
      point_live "$fn" "$version" "$from" "deploy $release"
    fi
  fi
done

if [ "$promote" = false ]; then
  note "live unchanged; make it live with: deploy/aws/promote.sh $env_name <version>"
fi
if [ "$DRY_RUN" = false ]; then
  url="$("$AWS_BIN" cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='WebhookUrl'].OutputValue" --output text)"
  note "webhook URL (Richpanel HTTP Target): $url"
fi
