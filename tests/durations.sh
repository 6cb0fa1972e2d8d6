#!/usr/bin/env bash
# Turns `pytest --durations=0` output into tests/durations.txt: seconds per test (setup, call and teardown summed).
set -euo pipefail
echo "# Seconds each slow test took in a parallel run (pytest --durations=0, call and setup summed), for ordering only:"
echo "# the live suite starts the longest tests first, so pytest-xdist's workers end together. Refresh: make durations."
awk '/^[0-9.]+s (call|setup|teardown) / {sub(/s$/, "", $1); d[$3] += $1}
     END {for (k in d) if (d[k] >= 5) printf "%d %s\n", d[k], k}' | sort -rn
