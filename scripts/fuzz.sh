#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset, clang-14) and runs each for N seconds
# (default 60) on a scratch copy of its seed corpus. Exits non-zero when a target crashes,
# leaks, hits undefined behaviour or times out; the reproducer is kept under the build dir.
#
#   scripts/fuzz.sh [seconds]
#   FUZZ_BUILD_DIR=build/me-fuzz scripts/fuzz.sh 30   # another build dir (default build/fuzz)
#   FUZZ_TARGETS="fuzz_webhook" scripts/fuzz.sh       # a subset
#   FUZZ_EXTRA_ARGS="-jobs=2 -workers=2" scripts/fuzz.sh  # more libFuzzer flags (last one wins)
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [seconds]" >&2
  exit 2
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build_dir="${FUZZ_BUILD_DIR:-build/fuzz}"

targets=()
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  for source in tests/fuzz/fuzz_*.cpp; do
    targets+=("$(basename "$source" .cpp)")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz targets found" >&2
  exit 2
fi

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz.sh: clang++-14 not found (apt-get install clang-14 libclang-rt-14-dev; see scripts/deps.sh)" >&2
  exit 2
fi

# Only the fuzz targets (and rpmw_core) are built: the rest of the tree is not meant for clang.
if [ "$build_dir" = "build/fuzz" ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz --target "${targets[@]}"
else
  cmake --preset fuzz -B "$build_dir" >/dev/null
  cmake --build "$build_dir" --target "${targets[@]}"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/rpmw-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# UBSan findings must stop the run like ASan ones do.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
summary=()
for target in "${targets[@]}"; do
  binary="$build_dir/tests/fuzz/$target"
  corpus="$scratch/corpus/$target"
  artifacts="$build_dir/fuzz-artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  # Work on a copy: new corpus entries never land in the repository.
  if [ -d "tests/fuzz/corpus/$target" ]; then
    cp -R "tests/fuzz/corpus/$target/." "$corpus/"
  fi
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  if [ -f "tests/fuzz/$target.dict" ]; then
    args+=(-dict="tests/fuzz/$target.dict")
  fi
  if [ -n "${FUZZ_EXTRA_ARGS:-}" ]; then
    read -r -a extra <<<"$FUZZ_EXTRA_ARGS"
    args+=("${extra[@]}")
  fi
  log="$scratch/$target.log"
  echo "== $target: ${seconds}s"
  status=0
  "$binary" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  units="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "-- $target FAILED (exit $status); last lines of its log:" >&2
    tail -n 60 "$log" >&2
    cp "$log" "$artifacts/last-run.log"
    echo "-- reproducer(s) and log in $artifacts/" >&2
    summary+=("$(printf '%-16s FAIL  exec/s=%-8s runs=%s' "$target" "${execs:-?}" "${units:-?}")")
  else
    summary+=("$(printf '%-16s ok    exec/s=%-8s runs=%s corpus=%s' "$target" "${execs:-?}" \
      "${units:-?}" "$(find "$corpus" -type f | wc -l)")")
  fi
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz.sh: crashes in: ${failed[*]}" >&2
  exit 1
fi
