#!/usr/bin/env bash
# Packages rpmw for the Lambda custom runtime (provided.al2023) from a Debian 12 build.
#
#   deploy/lambda/package.sh <rpmw binary> <output zip>      (or: make lambda-zip)
#
# Debian's libstdc++ needs glibc 2.36 and AL2023 has 2.34, so the zip carries its own glibc and
# dynamic loader: bin/rpmw (stripped), lib/ (everything ldd lists, glibc's NSS and resolver
# modules, the loader), certs/ca-bundle.pem (AL2023's CA path differs from Debian's; rpmw uses the
# bundle when LAMBDA_TASK_ROOT is set and RPMW_CA_BUNDLE is not), and `bootstrap`, which runs
# the binary through the bundled loader so no host library is ever used.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <rpmw binary> <output zip>" >&2
  exit 2
fi
binary="$1"
out="$(realpath -m "$2")"
[ -x "$binary" ] || { echo "package.sh: $binary is not an executable" >&2; exit 2; }
for tool in ldd strip zip; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool not found" >&2; exit 2; }
done
ca_source="${RPMW_CA_SOURCE:-/etc/ssl/certs/ca-certificates.crt}"
[ -f "$ca_source" ] || { echo "package.sh: no CA bundle at $ca_source" >&2; exit 2; }

stage="$(mktemp -d "${TMPDIR:-/tmp}/rpmw-lambda.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/certs"

cp "$binary" "$stage/bin/rpmw"
strip --strip-all "$stage/bin/rpmw"

# The ldd closure (ldd resolves transitive dependencies), copied as files, not symlinks.
loader=""
while read -r line; do
  case "$line" in
    *"not found"*) echo "package.sh: missing library: $line" >&2; exit 1 ;;
    *" => /"*) lib="$(echo "$line" | awk '{print $3}')"; cp -L "$lib" "$stage/lib/" ;;
    /*) loader="$(echo "$line" | awk '{print $1}')" ;;
  esac
done < <(ldd "$binary")
[ -n "$loader" ] || { echo "package.sh: ldd named no dynamic loader" >&2; exit 1; }
cp -L "$loader" "$stage/lib/ld-linux-x86-64.so.2"

# glibc loads these at run time (dlopen), so ldd does not list them: name resolution and NSS.
glibc_dir="$(dirname "$(ldd "$binary" | awk '/libc\.so\.6 => /{print $3}')")"
for lib in libnss_dns.so.2 libnss_files.so.2 libresolv.so.2 libc.so.6 libm.so.6 \
           libpthread.so.0 libdl.so.2 librt.so.1; do
  if [ -e "$glibc_dir/$lib" ] && [ ! -e "$stage/lib/$lib" ]; then
    cp -L "$glibc_dir/$lib" "$stage/lib/"
  fi
done

cp -L "$ca_source" "$stage/certs/ca-bundle.pem"

cat >"$stage/bootstrap" <<'BOOTSTRAP'
#!/bin/sh
# Lambda custom runtime entry point: rpmw through the bundled loader and libraries only.
exec "$LAMBDA_TASK_ROOT/lib/ld-linux-x86-64.so.2" --library-path "$LAMBDA_TASK_ROOT/lib" "$LAMBDA_TASK_ROOT/bin/rpmw" lambda
BOOTSTRAP
chmod 0755 "$stage/bootstrap" "$stage/bin/rpmw" "$stage/lib/ld-linux-x86-64.so.2"
chmod 0644 "$stage"/lib/*.so* "$stage/certs/ca-bundle.pem"
chmod 0755 "$stage/lib/ld-linux-x86-64.so.2"

mkdir -p "$(dirname "$out")"
rm -f "$out"
# -X: no extra attributes, so the same inputs give the same archive contents.
(cd "$stage" && zip -q -9 -X -r "$out" bootstrap bin lib certs)

size=$(stat -c %s "$out")
unpacked=$(du -sb "$stage" | awk '{print $1}')
libs=$(find "$stage/lib" -type f | wc -l)
awk -v out="$out" -v z="$size" -v u="$unpacked" -v n="$libs" 'BEGIN {
  printf "rpmw-lambda.zip: %s (%.1f MB zipped, %.1f MB unpacked, %d libraries; goal < 15 MB)\n",
         out, z / 1048576, u / 1048576, n }'
if [ "$size" -gt $((50 * 1024 * 1024)) ]; then
  echo "package.sh: the zip exceeds Lambda's 50 MB direct-upload limit" >&2
  exit 1
fi
