#!/usr/bin/env bash
# Times dtrep against its baselines on this machine and prints, per workload,
# the medians of RUNS runs and the median ratio with its min..max. dtrep and
# its baseline alternate within each run (the first of the pair alternates
# too), so load that comes and goes falls on both. A replica is done when it
# is durable: every baseline is timed up to a `sync -f` of its target file
# system, as dtrep's time includes its own durable commit (the target's
# acknowledgement).
#
# Rows (ONLY=a,b,... picks some; the default is all but million):
#   small      initial mirror, SMALL_FILES x 4 KiB     vs rsync daemon + sync   target <= 0.50
#   big        initial mirror, one BIG_MB MiB file     vs cp -a + sync          target >= 0.80 (throughput)
#   diff       difference mirror, 1% of 1 MiB blocks   vs rsync --inplace + sync target <= 0.20
#   lag        write on source -> durable on target at 1,000 and 10,000 writes/s
#                                                     target p99 <= 20 ms / <= 50 ms
#   exporters  initial mirror of EXP_FILES files with every exporter on (Prometheus scraped
#              and SNMP walked every second, Elasticsearch, event log writers) vs all off
#                                                     target >= 0.97 (throughput)
#   scrape     Prometheus scrape at 1,000 / 10,000 connections (go test -bench)  target <= 50 ms at 1,000
#   es         events/s delivered to the Elasticsearch bulk API of VictoriaLogs  target >= 50,000/s
#   snmp       walk of the 1,000-row connection table through snmpd vs snmpd's own hrSWRunTable
#   million    MILLION_FILES files in MILLION_FILES/10 directories: mirror vs rsync + sync,
#              peak RSS per file of the source and of the target (each in its own process),
#              time until the change capture watches the whole tree and its RSS per file,
#              fanotify vs inotify         target <= 0.50, source RSS <= 300 B/file
#              (MILLION_CAPTURE picks the mirror's capture, default auto; MILLION_PROFILE=1
#              writes the source's heap and CPU profiles to $W/million.heap and .cpu)
#
# Env: RUNS (3), BENCH_DIR, SMALL_FILES (2000; the issue's size is 20000), BIG_MB (256; 2048),
#      LAG_SECONDS (3), EXP_FILES (10000: long enough for several scrapes and walks), MILLION_FILES (1000000), ONLY,
#      BENCH_FS (dir: BENCH_DIR as it is; image: a fresh journaled ext4 of BENCH_FS_GB (8) GiB on a loop
#      device under BENCH_DIR, root only). On an ext4 without a journal (this kind of machine's root file
#      system) an inode freed in the last 5 minutes is skipped when a new one is allocated, so creating files
#      soon after deleting many (as every run here does) costs several times more; a journaled file system,
#      the usual one, does not do that. The header says which was measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
W=${BENCH_DIR:-/tmp/dtrep-bench}
RUNS=${RUNS:-3}
SMALL=${SMALL_FILES:-2000}
BIG_MB=${BIG_MB:-256}
LAG_SECONDS=${LAG_SECONDS:-3}
EXP_FILES=${EXP_FILES:-10000}
MILLION=${MILLION_FILES:-1000000}
ONLY=${ONLY:-small,big,diff,lag,exporters,scrape,es,snmp}
mkdir -p "$W"
FS=${BENCH_FS:-dir}
if [ "$FS" = image ]; then
  [ "$(id -u)" = 0 ] || { echo "bench: BENCH_FS=image needs root (mount)" >&2; exit 1; }
  mkdir -p "$W/fs"
  mountpoint -q "$W/fs" && umount "$W/fs"
  rm -f "$W/fs.img"
  truncate -s "${BENCH_FS_GB:-8}G" "$W/fs.img"
  mkfs.ext4 -q -F "$W/fs.img"
  mount -o loop "$W/fs.img" "$W/fs"
  W=$W/fs
fi
for tool in rsync python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is needed (scripts/deps installs it)" >&2; exit 1; }
done
go build -o "$W/dtbench" ./bench/dtbench

want() { [[ ",$ONLY," == *",$1,"* ]]; }
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN {printf "%.4f\n", a - b}'; }
warm() { find "$1" -type f -exec cat {} + >/dev/null; }
fresh() { rm -rf "$@"; mkdir -p "$@"; }
# stats FILE: "median min max" of the numbers in FILE, one a line.
stats() { sort -g "$1" | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print f(m), f(v[1]), f(v[NR])}
  function f(x) { return (x >= 1000 || x <= -1000) ? sprintf("%.0f", x) : sprintf("%.3g", x) }'; }
median() { read -r m _ < <(stats "$1"); echo "$m"; }
# row NAME DT_FILE BASE_LABEL BASE_FILE RATIO_FILE TARGET
row() {
  local r lo hi; read -r r lo hi < <(stats "$5")
  printf '%-46s %9ss  %-26s %9ss  %6s [%s..%s]  %s\n' "$1" "$(median "$2")" "$3" "$(median "$4")" "$r" "$lo" "$hi" "$6"
}
# pair DT_CMD BASE_CMD RUN: runs both in alternating order and appends their
# times (seconds on stdout) to $W/dt.t and $W/base.t.
pair() {
  if (($3 % 2)); then
    eval "$2" >>"$W/base.t"; eval "$1" >>"$W/dt.t"
  else
    eval "$1" >>"$W/dt.t"; eval "$2" >>"$W/base.t"
  fi
}
reset_times() { : >"$W/dt.t"; : >"$W/base.t"; : >"$W/ratio.t"; }
# ratios slower|faster: per-run dt/base (lower is better) or base/dt (throughput).
ratios() {
  paste "$W/dt.t" "$W/base.t" | awk -v k="$1" '{print (k == "slower") ? $1 / $2 : $2 / $1}' >"$W/ratio.t"
}

# dtmirror SRC DST: seconds from job start to the mirror durable on the target.
dtmirror() {
  rm -rf "$W/work"
  "$W/dtbench" -scenario mirror -src "$1" -dst "$2" -work "$W/work" "${@:3}" | awk '{print $2}'
}
timed() { # timed CMD...: seconds CMD took
  local t; t=$(now); "$@" >/dev/null; elapsed "$t"
}
rsync_to() { rsync -a "${@:3}" "$1" "rsync://127.0.0.1:$PORT/bench/$2/" && sync -f "$W/rs/$2"; }
cp_to() { cp -a "$1" "$2" && sync -f "$2"; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$FS" = image ]; then wait 2>/dev/null; umount "$W" && rm -f "$W.img"; fi
}
trap cleanup EXIT

# rsync daemon on loopback, writing under $W/rs.
start_rsyncd() {
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$W/rsyncd.conf" <<CONF
use chroot = false
uid = $(id -u)
gid = $(id -g)
[bench]
path = $W/rs
read only = false
CONF
  mkdir -p "$W/rs"
  rsync --daemon --no-detach --config="$W/rsyncd.conf" --port="$PORT" --address=127.0.0.1 &
  PIDS+=($!)
  for _ in $(seq 50); do rsync "rsync://127.0.0.1:$PORT/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "bench: rsync daemon did not start" >&2; exit 1
}
if want small || want diff || want million; then start_rsyncd; fi

printf '%-46s %10s  %-26s %10s  %-20s %s\n' workload dtrep baseline base "ratio [min..max]" target
echo "# RUNS=$RUNS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(findmnt -no FSTYPE,OPTIONS -T "$W" | cut -c1-60) at $W$([ "$FS" = image ] && echo ' (loop image)')"

make_small() { # make_small DIR N DIRS
  [ -f "$1/.done" ] && return
  fresh "$1"
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
root, n, dirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for d in range(dirs):
    os.makedirs(os.path.join(root, "d%d" % d), exist_ok=True)
for i in range(n):
    with open(os.path.join(root, "d%d" % (i % dirs), "f%d" % i), "wb") as f:
        f.write(os.urandom(4096))
PY
  touch "$1/.done"
}

if want small; then
  make_small "$W/small-$SMALL" "$SMALL" 100
  reset_times
  for ((r = 0; r < RUNS; r++)); do
    fresh "$W/rs/small" "$W/dt-small"; warm "$W/small-$SMALL"
    pair "dtmirror $W/small-$SMALL $W/dt-small/replica" "timed rsync_to $W/small-$SMALL/ small" $r
  done
  ratios slower
  row "initial mirror, $SMALL x 4 KiB files" "$W/dt.t" "rsync daemon + sync" "$W/base.t" "$W/ratio.t" "<= 0.50"
fi

if want big || want diff; then
  if [ ! -f "$W/big-$BIG_MB/.done" ]; then
    fresh "$W/big-$BIG_MB"
    head -c $((BIG_MB << 20)) /dev/urandom >"$W/big-$BIG_MB/big.bin"
    touch "$W/big-$BIG_MB/.done"
  fi
fi

if want big; then
  reset_times
  for ((r = 0; r < RUNS; r++)); do
    fresh "$W/cp" "$W/dt-big"; warm "$W/big-$BIG_MB"
    pair "dtmirror $W/big-$BIG_MB $W/dt-big/replica" "timed cp_to $W/big-$BIG_MB/big.bin $W/cp/" $r
  done
  ratios faster
  row "initial mirror, one $BIG_MB MiB file" "$W/dt.t" "cp -a + sync" "$W/base.t" "$W/ratio.t" ">= 0.80 (throughput)"
fi

if want diff; then
  # The source differs from the replica in 1% of its 1 MiB blocks; before
  # each run both replicas are made exact copies of the old file again.
  blocks=$((BIG_MB / 100)); [ "$blocks" -ge 1 ] || blocks=1
  fresh "$W/diffsrc"
  cp -a "$W/big-$BIG_MB/big.bin" "$W/diffsrc/big.bin"
  for ((k = 0; k < blocks; k++)); do
    dd if=/dev/urandom of="$W/diffsrc/big.bin" bs=1M count=1 seek=$(((k * 7919) % BIG_MB)) conv=notrunc status=none
  done
  reset_times
  for ((r = 0; r < RUNS; r++)); do
    fresh "$W/dt-diff/replica" "$W/rs/diff"
    cp -a "$W/big-$BIG_MB/big.bin" "$W/dt-diff/replica/"; cp -a "$W/big-$BIG_MB/big.bin" "$W/rs/diff/"
    sync -f "$W/rs/diff"; warm "$W/diffsrc"
    pair "dtmirror $W/diffsrc $W/dt-diff/replica" "timed rsync_to $W/diffsrc/ diff --inplace" $r
  done
  ratios slower
  row "difference mirror, $blocks of $BIG_MB 1 MiB blocks" "$W/dt.t" "rsync --inplace + sync" "$W/base.t" "$W/ratio.t" "<= 0.20"
fi

if want lag; then
  for rate in 1000 10000; do
    : >"$W/p50.t"; : >"$W/p99.t"
    for ((r = 0; r < RUNS; r++)); do
      fresh "$W/lag/src"; rm -rf "$W/lag/dst" "$W/work"
      read -r _ _ p50 _ p99 _ _ _ n < <("$W/dtbench" -scenario lag -rate $rate -src "$W/lag/src" -dst "$W/lag/dst" \
        -work "$W/work" -seconds "$LAG_SECONDS")
      echo "$p50" >>"$W/p50.t"; echo "$p99" >>"$W/p99.t"
    done
    target="<= 20 ms"; [ $rate = 10000 ] && target="<= 50 ms"
    read -r m lo hi < <(stats "$W/p99.t")
    printf '%-46s p50 %s ms, p99 %s ms [%s..%s]%22s p99 %s\n' "lag to durable at $rate writes/s ($n writes)" \
      "$(median "$W/p50.t")" "$m" "$lo" "$hi" "" "$target"
  done
fi

# start_vl: VictoriaLogs (scripts/deps builds .bin/victoria-logs) on a free port; sets VL.
start_vl() {
  local bin="$ROOT/.bin/victoria-logs" port
  [ -x "$bin" ] || { echo "bench: $bin is missing (scripts/deps builds it)" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  fresh "$W/vl"
  "$bin" -httpListenAddr=127.0.0.1:$port -storageDataPath="$W/vl" -retentionPeriod=100y -loggerLevel=WARN \
    >"$W/vl.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  VL="http://127.0.0.1:$port/insert/elasticsearch"
}
# start_snmpd: net-snmp's agent as AgentX master on loopback; sets AGENTX and SNMPADDR.
start_snmpd() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  fresh "$W/snmpd/persist"
  cat >"$W/snmpd/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:$port
rocommunity public 127.0.0.1
master agentx
agentXSocket unix:$W/snmpd/agentx.sock
agentXPerms 0660 0770
agentXTimeout 1
agentXRetries 1
CONF
  SNMP_PERSISTENT_DIR="$W/snmpd/persist" MIBS= snmpd -f -C -c "$W/snmpd/snmpd.conf" -Lf "$W/snmpd/snmpd.log" &
  PIDS+=($!)
  for _ in $(seq 100); do [ -S "$W/snmpd/agentx.sock" ] && break; sleep 0.1; done
  AGENTX="unix:$W/snmpd/agentx.sock"
  SNMPADDR="127.0.0.1:$port"
}

if want exporters; then
  command -v snmpd >/dev/null || { echo "bench: snmpd is needed (scripts/deps installs it)" >&2; exit 1; }
  start_vl; start_snmpd
  make_small "$W/small-$EXP_FILES" "$EXP_FILES" 100
  reset_times
  for ((r = 0; r < RUNS; r++)); do
    fresh "$W/dt-exp/on" "$W/dt-exp/off"; warm "$W/small-$EXP_FILES"
    pair "dtmirror $W/small-$EXP_FILES $W/dt-exp/on/replica -exporters -es $VL -agentx $AGENTX -snmp $SNMPADDR" \
      "dtmirror $W/small-$EXP_FILES $W/dt-exp/off/replica" $r
  done
  ratios faster
  row "mirror of $EXP_FILES files, exporters on vs off" "$W/dt.t" "all exporters off" "$W/base.t" "$W/ratio.t" ">= 0.97 (throughput)"
fi

# gobench PKG BENCH: runs a benchmark RUNS times (-count) into $W/gobench.out;
# metric NAME [SUB]: that metric's values, one a line, of the sub-benchmark SUB.
gobench() {
  go test -run '^$' -bench "$2" -count "$RUNS" -benchtime "${BENCHTIME:-1x}" "$1" >"$W/gobench.out" 2>&1 ||
    { cat "$W/gobench.out" >&2; exit 1; }
}
metric() {
  awk -v m="$1" -v sub_="${2:-}" '/^Benchmark/ && (sub_ == "" || index($1, sub_)) {for (i = 2; i < NF; i++) if ($(i+1) == m) print $i}' \
    "$W/gobench.out"
}

if want scrape; then
  BENCHTIME=${SCRAPE_BENCHTIME:-3x} gobench ./exporters/prometheus '^BenchmarkScrape$'
  for c in 1000 10000; do
    metric ns/op "connections=$c-" | awk '{print $1 / 1e6}' >"$W/v.t"
    metric allocs/op "connections=$c-" >"$W/a.t"
    metric samples/scrape "connections=$c-" >"$W/s.t"
    read -r m lo hi < <(stats "$W/v.t")
    target=""; [ $c = 1000 ] && target="<= 50 ms"
    printf '%-46s %s ms [%s..%s], %s allocs, %s samples%6s %s\n' "Prometheus scrape, $c connections" "$m" "$lo" "$hi" \
      "$(median "$W/a.t")" "$(median "$W/s.t")" "" "$target"
  done
fi

if want es; then
  BENCHTIME=20000x gobench ./exporters/elasticsearch '^BenchmarkDeliveryToVictoriaLogs$'
  metric events/s >"$W/v.t"
  read -r m lo hi < <(stats "$W/v.t")
  printf '%-46s %s events/s [%s..%s]%24s %s\n' "events to the Elasticsearch bulk API (VL)" "$m" "$lo" "$hi" "" ">= 50,000/s"
fi

if want snmp; then
  BENCHTIME=1x gobench ./snmp '^BenchmarkWalkThroughSnmpd$'
  metric varbinds/s dtconTable >"$W/dt.t"
  metric varbinds/s hrSWRunTable >"$W/base.t"
  paste "$W/dt.t" "$W/base.t" | awk '{print $1 / $2}' >"$W/ratio.t"
  printf '%-46s %9s/s  %-26s %9s/s  %s [%s..%s]  %s\n' "SNMP walk, 1,000-row dtconTable (varbinds)" "$(median "$W/dt.t")" \
    "snmpd's own hrSWRunTable" "$(median "$W/base.t")" $(stats "$W/ratio.t") "(AgentX: one GetNext per varbind)"
fi

if want million; then
  make_small "$W/million-$MILLION" "$MILLION" $((MILLION / 10))
  # The target runs in a process of its own, so each side's peak RSS is its own.
  dtsplit() { # dtsplit SRC DST: prints "seconds source_rss_kib target_rss_kib"
    rm -rf "$W/work" "$W/work-t"; mkdir -p "$W/work-t"
    local addr t rss trss
    coproc TGT { exec "$W/dtbench" -scenario target -src - -dst - -work "$W/work-t"; }
    read -r _ addr <&"${TGT[0]}"
    read -r _ t _ rss < <("$W/dtbench" -scenario mirror -src "$1" -dst "$2" -work "$W/work" -target-addr "$addr" \
      -capture "${MILLION_CAPTURE:-auto}" ${MILLION_PROFILE:+-memprofile "$W/million.heap" -cpuprofile "$W/million.cpu"})
    exec {TGT[1]}>&-
    read -r _ _ trss <&"${TGT[0]}"
    wait "$TGT_PID"
    echo "$t $rss $trss"
  }
  reset_times; : >"$W/rss.t"; : >"$W/trss.t"
  for ((r = 0; r < RUNS; r++)); do
    fresh "$W/rs/million" "$W/dt-million"
    if (($r % 2)); then
      timed rsync_to "$W/million-$MILLION/" million >>"$W/base.t"
    fi
    read -r t rss trss < <(dtsplit "$W/million-$MILLION" "$W/dt-million/replica")
    echo "$t" >>"$W/dt.t"
    echo "$rss $MILLION" | awk '{print $1 * 1024 / $2}' >>"$W/rss.t"
    echo "$trss $MILLION" | awk '{print $1 * 1024 / $2}' >>"$W/trss.t"
    if ! (($r % 2)); then
      fresh "$W/rs/million"; timed rsync_to "$W/million-$MILLION/" million >>"$W/base.t"
    fi
  done
  ratios slower
  row "initial mirror, $MILLION files" "$W/dt.t" "rsync daemon + sync" "$W/base.t" "$W/ratio.t" "<= 0.50"
  printf '%-46s %s B/file source, %s B/file target%7s %s\n' "peak RSS per file, $MILLION files" \
    "$(median "$W/rss.t")" "$(median "$W/trss.t")" "" "<= 300 B/file (source)"
  # Change capture alone, fanotify and inotify alternating: the time until
  # it watches the whole tree and its process's peak RSS.
  for m in fanotify inotify; do : >"$W/watch-$m.t"; : >"$W/wrss-$m.t"; done
  for ((r = 0; r < RUNS; r++)); do
    order="fanotify inotify"; (($r % 2)) && order="inotify fanotify"
    for m in $order; do
      read -r _ t _ n _ rss _ used < <("$W/dtbench" -scenario watch -src "$W/million-$MILLION" -dst - -work - -capture $m)
      [ "$used" = "$m" ] || { echo "bench: asked for $m capture, got $used" >&2; exit 1; }
      echo "$t" >>"$W/watch-$m.t"; echo "$rss $MILLION" | awk '{print $1 * 1024 / $2}' >>"$W/wrss-$m.t"
      [ "$m" = inotify ] && watches=$n
    done
  done
  printf '%-46s %ss fanotify (one filesystem mark), %ss inotify (%s watches)\n' \
    "source watching all $MILLION files" "$(median "$W/watch-fanotify.t")" "$(median "$W/watch-inotify.t")" "$watches"
  printf '%-46s %s B/file fanotify, %s B/file inotify (peak RSS of capture alone; inotify watches also hold kernel memory)\n' \
    "change capture RSS per file" "$(median "$W/wrss-fanotify.t")" "$(median "$W/wrss-inotify.t")"
fi
