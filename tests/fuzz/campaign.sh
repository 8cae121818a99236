#!/usr/bin/env bash
# A fuzzing campaign over the libFuzzer targets of tests/fuzz (README "Fuzzing").
#
#   tests/fuzz/campaign.sh MINUTES [TARGET...]
#
# Builds nothing: it expects `cmake --workflow --preset fuzz` done (binaries in build-fuzz/,
# or the folder BS_FUZZ_BUILD names). Runs each TARGET (default: every fuzz_* binary) for
# MINUTES minutes (a decimal is fine: 0.5 is 30 seconds) with -fork=$BS_FUZZ_JOBS (default 2:
# this machine has two cores; one target at a time; 1 leaves a core for other work), its dictionary tests/fuzz/<target>.dict and its
# -max_len (below), starting from the committed inputs (fixtures/fuzz/<target>/) and the seeds
# the build made (build-fuzz/tests/fuzz/seeds/<target>/). Crashes, timeouts and allocations of
# more than 512 MB (the issue-16 kind) are counted, not fatal; their reproducers stay in
# build-fuzz/campaign/<target>/ (whose corpus/ keeps everything the fuzzer learnt, for the
# next run). New coverage is then merged against what is committed and generated
# (-set_cover_merge=1, the set-cover form of -merge=1, on edges without hit counts, so that a
# campaign adds a handful of files, not one per feature), and the new inputs of at most
# BS_FUZZ_KEEP_BYTES (default 8192) bytes are copied into fixtures/fuzz/<target>/ for review
# and commit. Prints one table row per target: executions, coverage (cov: edges, ft:
# features, from libFuzzer's final status line), inputs kept, crashes/OOMs/timeouts.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BS_FUZZ_BUILD:-$repo/build-fuzz}"
bin="$build/tests/fuzz"
keep_bytes="${BS_FUZZ_KEEP_BYTES:-8192}"
jobs="${BS_FUZZ_JOBS:-2}"

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    echo "usage: $0 MINUTES [TARGET...]" >&2
    exit 2
fi
seconds="$(awk -v m="$1" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')"
shift
if ! ls "$bin"/fuzz_* >/dev/null 2>&1; then
    echo "$0: no fuzz binaries in $bin: run 'cmake --workflow --preset fuzz' first" >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    set -- $(cd "$bin" && ls fuzz_* | sed 's/^fuzz_//' | sort)
fi

# Inputs past these sizes are cut. SQL targets build a database from text: their seeds are
# tens of KB. The database and WAL targets read images of a few pages.
max_len_of() {
    case "$1" in
        db_sql | contacts | manifest) echo 65536 ;;
        db | wal) echo 32768 ;;
        *) echo 8192 ;;
    esac
}

rows=()
for target in "$@"; do
    binary="$bin/fuzz_$target"
    if [ ! -x "$binary" ]; then
        echo "$0: no target $target ($binary)" >&2
        exit 2
    fi
    work="$build/campaign/$target"
    mkdir -p "$work/corpus" "$repo/fixtures/fuzz/$target"
    inputs=("$work/corpus" "$repo/fixtures/fuzz/$target")
    [ -d "$bin/seeds/$target" ] && inputs+=("$bin/seeds/$target")
    dict=()
    [ -f "$here/$target.dict" ] && dict=("-dict=$here/$target.dict")
    max_len="$(max_len_of "$target")"
    log="$work/fuzz.log"
    echo "== $target: ${seconds}s, -fork=$jobs, -max_len=$max_len" >&2
    # Targets that need a folder (fuzz_manifest) make it under TMPDIR: fork-mode jobs end
    # without cleaning up, so it lives here and is emptied after the run.
    mkdir -p "$work/tmp"
    (cd "$work" && TMPDIR="$work/tmp" "$binary" -fork="$jobs" -max_total_time="$seconds" \
        -max_len="$max_len" "${dict[@]}" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -timeout=20 -malloc_limit_mb=512 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/" "${inputs[@]}") >"$log" 2>&1 || true
    rm -rf "$work/tmp"

    # The last status line: "#N: cov: C ft: F corp: ... oom/timeout/crash: O/T/X time: ..."
    status="$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 || true)"
    execs="$(sed -nE 's/^#([0-9]+): .*/\1/p' <<<"$status")"
    cov="$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$status")"
    ft="$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$status")"
    failures="$(sed -nE 's|.*oom/timeout/crash: ([0-9]+/[0-9]+/[0-9]+).*|\1|p' <<<"$status")"

    # Merge: only what adds coverage over the committed inputs and the seeds is new.
    base="$work/merge"
    rm -rf "$base" && mkdir -p "$base"
    cp -p "$repo/fixtures/fuzz/$target"/* "$base"/ 2>/dev/null || true
    [ -d "$bin/seeds/$target" ] && cp -p "$bin/seeds/$target"/* "$base"/ 2>/dev/null || true
    rm -f "$base"/*.stamp
    before="$(ls "$base" | sort)"
    mkdir -p "$work/tmp"
    TMPDIR="$work/tmp" "$binary" -set_cover_merge=1 -use_counters=0 -max_len="$max_len" \
        "$base" "$work/corpus" >"$work/merge.log" 2>&1 || true
    rm -rf "$work/tmp"
    kept=0
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        if [ "$(stat -c %s "$base/$name")" -le "$keep_bytes" ]; then
            cp -p "$base/$name" "$repo/fixtures/fuzz/$target/$name"
            kept=$((kept + 1))
        fi
    done < <(comm -13 <(echo "$before") <(ls "$base" | sort))

    rows+=("$(printf '%-13s %12s %7s %8s %6s %18s' "$target" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "$kept" "${failures:-?}")")
    artifacts="$(ls "$work" | grep -E '^(crash|oom|timeout|leak|slow-unit)-' || true)"
    if [ -n "$artifacts" ]; then
        echo "$target: reproducers in $work: $(echo $artifacts)" >&2
    fi
done

printf '\n%-13s %12s %7s %8s %6s %18s\n' target executions cov ft kept oom/timeout/crash
printf '%s\n' "${rows[@]}"
