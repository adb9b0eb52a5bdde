#!/usr/bin/env bash
# Idempotent install of the Debian bookworm packages rpmw builds and tests with.
# Installs only what is missing; runs `apt-get update` only when something is.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev sqlite3
  libyaml-cpp-dev libre2-dev libkainjow-mustache-dev libcli11-dev libexpected-dev
  doctest-dev libbenchmark-dev ccache zip unzip wrk curl ca-certificates
  clang-14 libclang-rt-14-dev clang-format clang-tidy
  jq shellcheck
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
