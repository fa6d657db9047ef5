#!/usr/bin/env bash
# Times dtrep against its baselines in one run, on this machine, and prints
# the ratios the project's targets are stated in:
#   - initial mirror of SMALL_FILES x 4 KiB files   vs rsync (daemon, loopback)   target <= 0.50
#   - initial mirror of one BIG_MB MiB file          vs cp -a (throughput ratio)   target >= 0.80
#   - difference mirror after 1% of 1 MiB blocks     vs rsync --inplace (daemon)   target <= 0.60
#   - replication lag p50/p99 at 1,000 writes/s      write on source -> durable     target p99 <= 50 ms
# Every run starts from the same page-cache state (source read once before).
# Usage: bench/run.sh   (env: BENCH_DIR, SMALL_FILES, BIG_MB, LAG_SECONDS, ONLY=small|big|diff|lag)
set -euo pipefail
cd "$(dirname "$0")/.."
W=${BENCH_DIR:-/tmp/dtrep-bench}
SMALL=${SMALL_FILES:-20000}
BIG_MB=${BIG_MB:-2048}
LAG_SECONDS=${LAG_SECONDS:-10}
ONLY=${ONLY:-}
mkdir -p "$W"
command -v rsync >/dev/null || { echo "bench: rsync is needed (scripts/deps installs it)" >&2; exit 1; }
go build -o "$W/dtbench" ./bench/dtbench

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
warm() { find "$1" -type f -exec cat {} + >/dev/null; }
fresh() { rm -rf "$@"; mkdir -p "$@"; }

# rsync daemon on loopback, writing under $W/rs.
PORT=$((20000 + RANDOM % 20000))
cat >"$W/rsyncd.conf" <<CONF
use chroot = false
uid = root
gid = root
[bench]
path = $W/rs
read only = false
CONF
mkdir -p "$W/rs"
rsync --daemon --no-detach --config="$W/rsyncd.conf" --port=$PORT --address=127.0.0.1 &
RSYNCD=$!
trap 'kill $RSYNCD 2>/dev/null || true' EXIT
sleep 0.5

dtmirror() { # src dst
  rm -rf "$W/work"
  "$W/dtbench" -scenario mirror -src "$1" -dst "$2" -work "$W/work" | awk '{print $2}'
}

printf '%-44s %10s %-22s %10s %7s %s\n' workload dtrep baseline base ratio target

if [ -z "$ONLY" ] || [ "$ONLY" = small ]; then
  if [ ! -f "$W/small/.done" ]; then
    fresh "$W/small"
    for ((i = 0; i < SMALL; i++)); do
      d="$W/small/d$((i % 100))"; [ -d "$d" ] || mkdir -p "$d"
      head -c 4096 /dev/urandom >"$d/f$i"
    done
    touch "$W/small/.done"
  fi
  warm "$W/small"
  fresh "$W/rs/small"; t=$(now); rsync -a "$W/small/" "rsync://127.0.0.1:$PORT/bench/small/"; base=$(elapsed "$t")
  fresh "$W/dt-small"; warm "$W/small"; dt=$(dtmirror "$W/small" "$W/dt-small/replica")
  printf '%-44s %9.2fs %-22s %9.2fs %7s %s\n' "initial mirror, $SMALL x 4 KiB files" "$dt" "rsync daemon" "$base" "$(ratio "$dt" "$base")" "<= 0.50"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = big ] || [ "$ONLY" = diff ]; then
  if [ ! -f "$W/big/.done" ]; then
    fresh "$W/big"
    head -c $((BIG_MB << 20)) /dev/urandom >"$W/big/big.bin"
    touch "$W/big/.done"
  fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = big ]; then
  warm "$W/big"
  fresh "$W/cp"; t=$(now); cp -a "$W/big/big.bin" "$W/cp/"; sync -f "$W/cp/big.bin"; base=$(elapsed "$t")
  fresh "$W/dt-big"; warm "$W/big"; dt=$(dtmirror "$W/big" "$W/dt-big/replica")
  printf '%-44s %9.2fs %-22s %9.2fs %7s %s\n' "initial mirror, one $BIG_MB MiB file" "$dt" "cp -a (+sync)" "$base" "$(ratio "$base" "$dt")" ">= 0.80 (throughput)"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = diff ]; then
  # Both replicas start as exact copies; then 1% of the 1 MiB blocks change.
  fresh "$W/dt-diff/replica" "$W/rs/diff"
  cp -a "$W/big/big.bin" "$W/dt-diff/replica/"; cp -a "$W/big/big.bin" "$W/rs/diff/"
  cp -a "$W/big/big.bin" "$W/big/changed.tmp"
  blocks=$((BIG_MB / 100)); [ "$blocks" -ge 1 ] || blocks=1
  for ((k = 0; k < blocks; k++)); do
    dd if=/dev/urandom of="$W/big/changed.tmp" bs=1M count=1 seek=$(((k * 7919) % BIG_MB)) conv=notrunc status=none
  done
  mkdir -p "$W/diffsrc"; mv "$W/big/changed.tmp" "$W/diffsrc/big.bin"
  warm "$W/diffsrc"
  t=$(now); rsync -a --inplace "$W/diffsrc/" "rsync://127.0.0.1:$PORT/bench/diff/"; base=$(elapsed "$t")
  warm "$W/diffsrc"; dt=$(dtmirror "$W/diffsrc" "$W/dt-diff/replica")
  printf '%-44s %9.2fs %-22s %9.2fs %7s %s\n' "difference mirror, $blocks of $BIG_MB 1 MiB blocks" "$dt" "rsync --inplace" "$base" "$(ratio "$dt" "$base")" "<= 0.60"
  rm -rf "$W/diffsrc"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = lag ]; then
  fresh "$W/lag/src"; rm -rf "$W/lag/dst" "$W/work"
  read -r _ _ p50 _ p99 _ max _ n < <("$W/dtbench" -scenario lag -src "$W/lag/src" -dst "$W/lag/dst" -work "$W/work" -seconds "$LAG_SECONDS")
  printf '%-44s %-40s %s\n' "replication lag at 1,000 writes/s ($n)" "p50 ${p50} ms  p99 ${p99} ms  max ${max} ms" "p99 <= 50 ms"
fi
