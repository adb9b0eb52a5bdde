#!/usr/bin/env bash
# Runs deploy/aws/{deploy,promote,rollback,flags}.sh against tests/deploy/fake_aws (as `aws` on
# PATH) and checks the commands they print, what they change, and their usage errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scripts="$(cd "$here/../../deploy/aws" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$here/fake_aws" "$work/bin/aws"
export PATH="$work/bin:$PATH" FAKE_AWS_DIR="$work/state"
unset AWS_BIN

failures=0 checks=0
fail() { printf 'FAIL: %s\n' "$1" >&2; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
has() { check; grep -qF -- "$2" <<<"$1" || fail "$3: expected '$2' in:"$'\n'"$1"; }
hasnt() { check; if grep -qF -- "$2" <<<"$1"; then fail "$3: did not expect '$2' in:"$'\n'"$1"; fi; }
same() { check; [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# State: both functions published 1..N, live at L with an optional recorded previous version.
reset_state() {
  local n="$1" live="$2" desc="${3:-}" fn v
  rm -rf "$work/state" && mkdir -p "$work/state"
  : >"$work/state/calls.log"
  for fn in rpmw-staging-ingress rpmw-staging-worker; do
    for ((v = 1; v <= n; v++)); do
      printf ' %s' "$v" >>"$work/state/$fn.versions"
      printf 'release=rel%s' "$v" >"$work/state/$fn.v$v"
    done
    printf '%s' "$live" >"$work/state/$fn.live"
    printf '%s' "$desc" >"$work/state/$fn.desc"
  done
}
live_of() { cat "$work/state/rpmw-staging-$1.live"; }
calls() { cat "$work/state/calls.log"; }
# run_script NAME ARGS…: sets out (stdout+stderr) and rc.
run_script() {
  local name="$1"
  shift
  rc=0
  out="$("$scripts/$name" "$@" 2>&1)" || rc=$?
}

# --- rollback: the recorded previous version, dry run first
reset_state 7 7 "previous=6 deploy rel7"
run_script rollback.sh staging --dry-run
same "$rc" 0 "rollback dry-run exit"
has "$out" "+ aws lambda update-alias --function-name rpmw-staging-ingress --name live --function-version 6" "rollback dry-run ingress"
has "$out" "+ aws lambda update-alias --function-name rpmw-staging-worker --name live --function-version 6" "rollback dry-run worker"
hasnt "$(calls)" "update-alias" "rollback dry-run must not change the alias"
same "$(live_of ingress)" 7 "rollback dry-run leaves live"

run_script rollback.sh staging
same "$rc" 0 "rollback exit"
same "$(live_of ingress)" 6 "rollback moves ingress live"
same "$(live_of worker)" 6 "rollback moves worker live"
has "$(cat "$work/state/rpmw-staging-ingress.desc")" "previous=7" "rollback records where it came from"
# A second rollback undoes the first.
run_script rollback.sh staging
same "$(live_of worker)" 7 "second rollback returns to 7"

# --- rollback without a recorded previous version: highest published version below live
reset_state 9 5 ""
run_script rollback.sh staging --dry-run
has "$out" "--function-version 4" "rollback fallback picks the version below live"
hasnt "$out" "--function-version 8" "rollback fallback never moves forward"

# --- rollback with nothing to go back to
reset_state 1 1 ""
run_script rollback.sh staging
same "$rc" 1 "rollback at version 1 fails"
has "$out" "no earlier version" "rollback at version 1 says why"
hasnt "$(calls)" "update-alias" "rollback at version 1 changes nothing"

# --- rollback checks both functions before moving either
reset_state 3 3 "previous=2"
rm "$work/state/rpmw-staging-worker.live"
run_script rollback.sh staging
same "$rc" 1 "rollback without a worker alias fails"
same "$(live_of ingress)" 3 "rollback is all or nothing"

# --- promote
reset_state 9 7 "previous=6"
run_script promote.sh staging 9 --dry-run
same "$rc" 0 "promote dry-run exit"
has "$out" "update-alias --function-name rpmw-staging-ingress --name live --function-version 9" "promote dry-run ingress"
has "$out" "update-alias --function-name rpmw-staging-worker --name live --function-version 9" "promote dry-run worker"
hasnt "$(calls)" "update-alias" "promote dry-run changes nothing"
run_script promote.sh staging 9
same "$(live_of ingress)$(live_of worker)" 99 "promote moves both"
has "$(cat "$work/state/rpmw-staging-worker.desc")" "previous=7" "promote records the previous version"
run_script promote.sh staging 12
same "$rc" 1 "promote to an unpublished version fails"
has "$out" "has no version 12" "promote to an unpublished version says why"
printf 'release=other' >"$work/state/rpmw-staging-worker.v8"
run_script promote.sh staging 8
same "$rc" 1 "promote refuses mismatched releases"
same "$(live_of ingress)" 9 "a refused promote changes nothing"
run_script promote.sh staging abc
same "$rc" 2 "promote with a bad version is a usage error"

# --- deploy (dry run): upload, stack with today's live versions and the env's parameters, publish, alias
reset_state 7 7 ""
echo zip >"$work/rpmw-lambda.zip"
run_script deploy.sh staging --zip "$work/rpmw-lambda.zip" --release rel8 --dry-run
same "$rc" 0 "deploy dry-run exit"
has "$out" "+ aws s3 cp $work/rpmw-lambda.zip s3://" "deploy uploads the zip"
has "$out" "rpmw-lambda/rel8.zip" "deploy keys the zip by release"
has "$out" "+ aws cloudformation deploy --stack-name rpmw-staging --template-file $scripts/template.yaml" "deploy stack"
has "$out" "IngressLiveVersion=7 WorkerLiveVersion=7" "deploy keeps live where it is during the stack update"
has "$out" "Env=staging CodeKey=rpmw-lambda/rel8.zip Release=rel8" "deploy owned parameters"
has "$out" "LogRetentionDays=30" "deploy passes the env's parameter file"
has "$out" "+ aws lambda publish-version --function-name rpmw-staging-worker --description release=rel8" "deploy publishes"
has "$out" "update-alias --function-name rpmw-staging-ingress --name live --function-version \<new\>" "deploy points live"
hasnt "$out" "InstanceEpoch=" "deploy keeps the instance epoch without --recycle"
run_script deploy.sh staging --release rel8 --recycle --dry-run
has "$out" "InstanceEpoch=20" "deploy --recycle sets a new instance epoch"
for call in "s3 cp" "cloudformation deploy" "publish-version" "update-alias"; do
  hasnt "$(calls)" "$call" "deploy dry-run must not run $call"
done

# --- deploy (fake AWS): live moves to the newly published version; --no-promote leaves it
run_script deploy.sh staging --zip "$work/rpmw-lambda.zip" --release rel8
same "$rc" 0 "deploy exit"
same "$(live_of ingress)$(live_of worker)" 88 "deploy makes version 8 live"
has "$out" "webhook URL (Richpanel HTTP Target): https://" "deploy prints the webhook URL"
run_script deploy.sh staging --release rel8 --no-promote
same "$rc" 0 "deploy of an uploaded release exit"
has "$(calls)" "s3api head-object" "deploy without --zip checks the uploaded release"
same "$(live_of ingress)" 8 "--no-promote leaves live"
run_script deploy.sh staging --zip "$work/missing.zip" --release x
same "$rc" 1 "deploy without a zip fails"
has "$out" "make lambda-zip" "deploy without a zip says how to build it"

# --- flags
reset_state 1 1 ""
run_script flags.sh staging set safe_mode true --dry-run
same "$rc" 0 "flags set dry-run exit"
has "$out" "+ aws ssm put-parameter --name /rpmw/staging/flags/safe_mode --value true --type String --overwrite" "flags set"
hasnt "$(calls)" "put-parameter" "flags dry-run changes nothing"
run_script flags.sh staging set template.t_order_eta_no_tracking_verified.enabled false
has "$(calls)" "ssm put-parameter --name /rpmw/staging/flags/template.t_order_eta_no_tracking_verified.enabled --value false" "flags set template"
run_script flags.sh dev get
has "$out" "safe_mode	true" "flags get lists names without the prefix"
run_script flags.sh staging set safe_mode maybe
same "$rc" 2 "flags: non-boolean value is a usage error"
run_script flags.sh staging set safemode true
same "$rc" 2 "flags: unknown flag is a usage error"
has "$out" "unknown flag 'safemode'" "flags: unknown flag named"

# --- usage errors of every script
for script in deploy.sh promote.sh rollback.sh flags.sh; do
  run_script "$script"
  same "$rc" 2 "$script without env"
  has "$out" "usage:" "$script prints its usage"
  run_script "$script" qa
  same "$rc" 2 "$script with unknown env"
  run_script "$script" --bogus
  same "$rc" 2 "$script with unknown option"
done

# --- the scripts need the AWS CLI
reset_state 1 1 ""
AWS_BIN=/nonexistent/aws run_script rollback.sh staging
same "$rc" 1 "rollback without the AWS CLI"
has "$out" "is not on PATH" "missing AWS CLI says so"

printf '%d checks, %d failures\n' "$checks" "$failures"
[ "$failures" -eq 0 ]
