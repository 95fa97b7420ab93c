#!/usr/bin/env bash
# Start-up benchmark: whole processes, as a user starts them. Prints a Markdown table.
#
#   bench/startup.sh                       # 10 runs of each after one warm-up
#   RUNS=20 PLANETEER_HOME=~/src/planeteer bench/startup.sh
#
# For each of `--version`, `validate plans/demo.json` and `list`: the launcher with its class-data archive (as
# users run it), the launcher without it (PLANEXEC_CDS=0: only the per-command JVM options), and `java -jar`; then
# `java -version` as the floor (what any Java program pays), and Planeteer's `list` (Node) when PLANETEER_HOME names
# a built Planeteer checkout (`npm ci && npx tsc` in it). Figures are medians: wall time, CPU time (user + system)
# and peak RSS, from GNU time. Then the time from launch to the full-screen UI's first frame in a real terminal
# (tmux, 120x40): the launcher starts `run` of a one-task plan, and the time is taken when tmux's screen first shows
# the plan's name in its header. `list` and Planeteer's `list` read the same three plans from .planeteer/ in a scratch folder.
#
# Needs: bash, GNU time (/usr/bin/time, Debian package `time`), tmux, and a built jar (run ./planexec once).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
time_bin=${TIME_BIN:-/usr/bin/time}
launcher="$repo/planexec"
jar="$repo/app/target/planexec.jar"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

for tool in "$time_bin" tmux; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed" >&2; exit 2; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/planexec-bench.XXXXXX")
socket="$scratch/tmux.sock"
cleanup() {
  tmux -S "$socket" kill-server >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
trap "exit 130" INT TERM
export PLANEXEC_HOME="$scratch/home"
unset PLANEXEC_JAVA_OPTIONS PLANEXEC_LAUNCHER_DEBUG PLANEXEC_CDS
mkdir -p "$scratch/list/.planeteer" "$scratch/ui"
cp "$repo"/plans/*.json "$scratch/list/.planeteer/"

# Builds the jar and makes the archive if either is missing or stale, so no measured run pays for them.
"$launcher" --version >/dev/null

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# measure LABEL DIR COMMAND...: one warm-up, then $runs runs; sets wall, cpu (ms) and rss (MiB, one decimal).
measure() {
  local label=$1 dir=$2
  shift 2
  local walls=() cpus=() rsss=() i start end
  for ((i = 0; i <= runs; i++)); do
    start=$(date +%s%N)
    (cd "$dir" && "$time_bin" -f '%U %S %M' -o "$scratch/time.txt" "$@" >/dev/null 2>&1) || {
      echo "bench: $label failed: $*" >&2
      exit 1
    }
    end=$(date +%s%N)
    ((i == 0)) && continue
    walls+=($(((end - start) / 1000000)))
    read -r user sys rss_kb <"$scratch/time.txt"
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
    rsss+=("$rss_kb")
  done
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  rss=$(printf '%s\n' "${rsss[@]}" | median | awk '{ printf "%.1f", $1 / 1024 }')
}

# first_frame LABEL ENV...: median ms from launch until tmux shows the UI's task list, over $runs runs after one.
first_frame() {
  local label=$1
  shift
  local frames=() i start seen pid
  cat >"$scratch/ui/plan.json" <<'EOF'
{"id": "bench-ui", "name": "UI start-up", "agent": "local", "workingDirectory": ".",
 "tasks": [{"id": "wait", "title": "Wait", "description": "Sleeps while the first frame is timed.",
            "acceptanceCriteria": [], "dependsOn": [], "steps": [{"run": "sleep 30"}]}]}
EOF
  for ((i = 0; i <= runs; i++)); do
    rm -rf "$PLANEXEC_HOME"
    tmux -S "$socket" new-session -d -s "bench-ui-$$" -x 120 -y 40 -c "$scratch/ui" \
      "date +%s%N >'$scratch/ui/start'; exec env $* '$launcher' run plan.json"
    seen=
    for ((n = 0; n < 2000; n++)); do
      if tmux -S "$socket" capture-pane -p -t "bench-ui-$$" 2>/dev/null | grep -q -e bench-ui -e 'UI start-up'; then
        seen=$(date +%s%N)
        break
      fi
      sleep 0.005
    done
    # SIGTERM is planexec's graceful stop: it ends the running step and exits. Wait for it before the next run.
    pid=$(tmux -S "$socket" display -p -t "bench-ui-$$" '#{pane_pid}' 2>/dev/null || true)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    for ((n = 0; n < 200; n++)); do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    tmux -S "$socket" kill-session -t "bench-ui-$$" >/dev/null 2>&1 || true
    [ -n "$seen" ] || { echo "bench: $label: the UI did not show its task list in 10 s" >&2; exit 1; }
    ((i == 0)) && continue
    frames+=($(((seen - $(cat "$scratch/ui/start")) / 1000000)))
  done
  frame=$(printf '%s\n' "${frames[@]}" | median)
}

rows=()
row() { rows+=("| $1 | $2 | $wall ms | $cpu ms | $rss MiB |"); }

echo "Start-up benchmark: median of $runs runs after one warm-up; $(nproc) cores; $("$java" -version 2>&1 | head -n 1)" >&2

measure floor "$repo" "$java" -version
row '`java -version` (floor)' '' && floor_wall=$wall floor_cpu=$cpu
measure floor-c1 "$repo" "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -version
row '`java -version`, short-command options (floor)' ''

declare -A w c r
for cmd in "--version" "validate plans/demo.json" "list"; do
  dir=$repo
  [ "$cmd" = list ] && dir=$scratch/list
  # shellcheck disable=SC2086
  measure "$cmd" "$dir" "$launcher" $cmd
  row "\`planexec $cmd\`" 'launcher, archive' && w[$cmd]=$wall c[$cmd]=$cpu r[$cmd]=$rss
  # shellcheck disable=SC2086
  measure "$cmd" "$dir" env PLANEXEC_CDS=0 "$launcher" $cmd
  row "\`planexec $cmd\`" 'launcher, no archive'
  # shellcheck disable=SC2086
  measure "$cmd" "$dir" "$java" -jar "$jar" $cmd
  row "\`planexec $cmd\`" '`java -jar`'
done

planeteer_wall= planeteer_cpu=
if [ -n "${PLANETEER_HOME:-}" ]; then
  measure planeteer "$scratch/list" node "$PLANETEER_HOME/dist/index.js" list
  row "Planeteer \`list\`" 'node' && planeteer_wall=$wall planeteer_cpu=$cpu
fi

first_frame ui-archive
ui_archive=$frame
first_frame ui-no-archive PLANEXEC_CDS=0
ui_plain=$frame
first_frame ui-c1-serial "PLANEXEC_JAVA_OPTIONS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'"
ui_c1=$frame

echo
echo "| command | how | wall | CPU | peak RSS |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| \`planexec run\`: launch to first frame (tmux) | launcher, archive | $ui_archive ms | | |"
echo "| \`planexec run\`: launch to first frame (tmux) | launcher, no archive | $ui_plain ms | | |"
echo "| \`planexec run\`: launch to first frame (tmux) | launcher, archive, C1 + serial GC (not kept) | $ui_c1 ms | | |"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { if [ "$(awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim) }')" = 1 ]; then echo met; else echo "not met"; fi; }
echo "- \`list\` against the floor: $(ratio "${w[list]}" "$floor_wall")× wall, $(ratio "${c[list]}" "$floor_cpu")× CPU"
if [ -n "$planeteer_wall" ]; then
  lw=$(ratio "${w[list]}" "$planeteer_wall")
  echo "- \`list\` against Planeteer's \`list\`: ${lw}× wall, $(ratio "${c[list]}" "$planeteer_cpu")× CPU (aim ≤ 0.4× wall: $(verdict "$lw" 0.4))"
else
  echo "- Planeteer's \`list\`: not measured (set PLANETEER_HOME to a built Planeteer checkout)"
fi
echo "- first frame: $ui_archive ms (aim < 500 ms: $(verdict "$ui_archive" 499))"
max_rss=$(printf '%s\n' "${r[--version]}" "${r[validate plans/demo.json]}" "${r[list]}" | sort -n | tail -n 1)
echo "- peak RSS of the short commands: at most $max_rss MiB (aim < 64 MiB: $(verdict "$max_rss" 63.99))"
