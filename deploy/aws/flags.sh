#!/usr/bin/env bash
# Reads and flips rpmw flags of an AWS environment: SSM parameters under /rpmw/<env>/flags/.
# Workers cache flags for 30 s, so a change acts within 30 s (kill switch SLO).
set -euo pipefail
USAGE="flags.sh <env> get [NAME] | set NAME true|false | unset NAME  [--dry-run]
  get     all stored flags (NAME<TAB>value), or one value
  set     store a value (safe_mode, shadow_mode, automation_enabled, llm.enabled,
          orders.shopify_fallback, template.<id>.enabled, channel.<channel>.automation)
  unset   delete the stored value: the default (configuration, then built-in) applies again
  --dry-run   print the aws command that changes something instead of running it"
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) printf 'usage: %s\n' "$USAGE"; exit 0 ;;
    -*) usage_error "unknown option $1" ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
check_env "${1:-}"
env_name="$1"
action="${2:-}"
name="${3:-}"
prefix="/rpmw/$env_name/flags/"

# The same names core/flags accepts: a typo would otherwise be stored and silently ignored.
check_name() {
  [ -n "$name" ] || usage_error "missing flag NAME"
  case "$name" in
    shadow_mode | safe_mode | automation_enabled | llm.enabled | orders.shopify_fallback) return 0 ;;
    channel.email.automation | channel.livechat.automation | channel.social.automation) return 0 ;;
    channel.tiktok.automation | channel.phone.automation | channel.unknown.automation) return 0 ;;
  esac
  [[ "$name" =~ ^template\.[a-z0-9_]{1,64}\.enabled$ ]] || usage_error "unknown flag '$name'"
}

case "$action" in
  get)
    [ $# -le 3 ] || usage_error "too many arguments"
    require_aws
    if [ -z "$name" ]; then
      query "$AWS_BIN" ssm get-parameters-by-path --path "$prefix" \
        --query 'Parameters[].[Name,Value]' --output text | sed "s|^$prefix||"
    else
      check_name
      query "$AWS_BIN" ssm get-parameter --name "$prefix$name" \
        --query Parameter.Value --output text
    fi
    ;;
  set)
    [ $# -eq 4 ] || usage_error "set needs NAME and a value"
    check_name
    value="$4"
    case "$value" in true | false) ;; *) usage_error "value must be true or false, got '$value'" ;; esac
    require_aws
    run "$AWS_BIN" ssm put-parameter --name "$prefix$name" --value "$value" --type String \
      --overwrite --description "rpmw flag" --query Version --output text
    if [ "$DRY_RUN" = false ]; then
      note "$name=$value stored; workers pick it up within 30 s (flag cache)"
    fi
    ;;
  unset)
    [ $# -eq 3 ] || usage_error "unset needs NAME"
    check_name
    require_aws
    run "$AWS_BIN" ssm delete-parameter --name "$prefix$name"
    ;;
  "") usage_error "missing action (get, set or unset)" ;;
  *) usage_error "unknown action '$action'" ;;
esac
