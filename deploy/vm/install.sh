#!/usr/bin/env bash
# Installs rpmw on a Debian 12 VM; safe to run again (upgrades the binary, keeps the env file and
# the data). Usage, as root from a checkout (or an unpacked release directory):
#   deploy/vm/install.sh [--binary PATH] [--start]
#     --binary PATH  the rpmw executable to install (default: build/release/app/rpmw when it
#                    exists; without one the installed binary is kept)
#     --start        (re)start rpmw.service and wait for /readyz
#   deploy/vm/install.sh --destdir DIR [--binary PATH]
#                    stage every file under DIR (no user, no chown, no systemctl, no apt): for
#                    packaging and for the CI check of this script
# What it does: runtime packages, system user `rpmw`, /var/lib/rpmw (0700), /etc/rpmw/rpmw.env
# (root:root 0600, created from rpmw.env.example with fresh tokens only when absent), the binary (the previous one is
# kept as /usr/local/bin/rpmw.prev for a rollback), helper scripts, systemd units, docs; then
# enables rpmw.service and rpmw-backup.timer. See docs/vm.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary=""
destdir=""
start=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    --start) start=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$binary" ] && [ -x "$repo/build/release/app/rpmw" ]; then
  binary="$repo/build/release/app/rpmw"
fi
if [ -n "$binary" ] && [ ! -x "$binary" ]; then
  echo "install.sh: $binary is not an executable" >&2
  exit 2
fi
system=1
if [ -n "$destdir" ]; then
  system=0
  mkdir -p "$destdir"
  destdir="$(cd "$destdir" && pwd)"
elif [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (or stage with --destdir DIR)" >&2
  exit 2
fi
root="$destdir"
say() { echo "install.sh: $*"; }

# 1. Runtime libraries of the binary (Debian bookworm names) and curl for the readiness probe.
if [ "$system" -eq 1 ]; then
  packages=(ca-certificates curl libcurl4 libsqlite3-0 libboost-json1.81.0 libre2-9
            libyaml-cpp0.7 libssl3 util-linux)
  missing=()
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# 2. The service user: no login, no home outside the data dir.
if [ "$system" -eq 1 ] && ! id rpmw >/dev/null 2>&1; then
  say "creating system user rpmw"
  useradd --system --user-group --home-dir /var/lib/rpmw --no-create-home \
    --shell /usr/sbin/nologin --comment "rpmw middleware" rpmw
fi
owner() {  # owner USER:GROUP PATH…  (skipped when staging)
  if [ "$system" -eq 1 ]; then chown "$@"; fi
}

# 3. Directories. systemd (StateDirectory=) also creates and owns /var/lib/rpmw; doing it here
#    lets `rpmw-admin` and a restore work before the first start.
install -d -m 0755 "$root/etc/rpmw" "$root/usr/local/bin" "$root/usr/local/sbin" \
  "$root/usr/local/lib/rpmw" "$root/usr/local/share/doc/rpmw" "$root/etc/systemd/system"
install -d -m 0700 "$root/var/lib/rpmw" "$root/var/lib/rpmw/backups"
owner rpmw:rpmw "$root/var/lib/rpmw" "$root/var/lib/rpmw/backups"

# 4. The env file: created once, never overwritten (it holds the secrets); mode enforced.
env_file="$root/etc/rpmw/rpmw.env"
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
if [ ! -e "$env_file" ]; then
  # Fresh tokens and log salt go straight into the root-only file: a token rpmw generated itself
  # would be printed once on its first start, i.e. into the journal.
  say "creating /etc/rpmw/rpmw.env with new webhook and admin tokens (edit it, then restart rpmw)"
  umask 077
  sed -e "s|^#RPMW_WEBHOOK_TOKENS=\$|RPMW_WEBHOOK_TOKENS=$(random_hex 24)|" \
    -e "s|^#RPMW_ADMIN_TOKEN=\$|RPMW_ADMIN_TOKEN=$(random_hex 24)|" \
    -e "s|^#RPMW_LOG_SALT=\$|RPMW_LOG_SALT=$(random_hex 16)|" \
    "$here/rpmw.env.example" >"$env_file.new"
  mv "$env_file.new" "$env_file"
  umask 022
fi
chmod 0600 "$env_file"
owner root:root "$env_file"
install -m 0644 "$here/rpmw.env.example" "$root/etc/rpmw/rpmw.env.example"

# 5. The binary, replaced atomically; the one it replaces stays as rpmw.prev (rollback).
if [ -n "$binary" ]; then
  target="$root/usr/local/bin/rpmw"
  if [ -e "$target" ] && cmp -s "$binary" "$target"; then
    say "binary unchanged ($("$target" --version 2>/dev/null || echo '?'))"
  else
    if [ -e "$target" ]; then cp -p "$target" "$target.prev"; fi
    install -m 0755 "$binary" "$target.new"
    mv -f "$target.new" "$target"
    say "installed $("$target" --version 2>/dev/null || echo "$binary")"
  fi
elif [ ! -e "$root/usr/local/bin/rpmw" ]; then
  say "no binary given and none installed: build it (make build) or pass --binary PATH"
fi

# 6. Helpers, units, docs.
install -m 0755 "$here/rpmw-wait-ready" "$root/usr/local/lib/rpmw/rpmw-wait-ready"
install -m 0755 "$here/rpmw-admin" "$root/usr/local/sbin/rpmw-admin"
for unit in rpmw.service rpmw-backup.service rpmw-backup.timer; do
  install -m 0644 "$here/$unit" "$root/etc/systemd/system/$unit"
done
for doc in vm.md richpanel-setup.md configuration.md admin-api.md; do
  if [ -f "$repo/docs/$doc" ]; then install -m 0644 "$repo/docs/$doc" "$root/usr/local/share/doc/rpmw/"; fi
done

# 7. systemd.
if [ "$system" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  systemctl enable rpmw.service rpmw-backup.timer >/dev/null
  if [ "$start" -eq 1 ]; then
    say "restarting rpmw.service"
    systemctl restart rpmw.service
    systemctl --no-pager --lines=0 status rpmw.service || true
  fi
  systemctl start rpmw-backup.timer
fi

say "done. Next: edit /etc/rpmw/rpmw.env, then 'systemctl restart rpmw', 'rpmw-admin preflight'"
