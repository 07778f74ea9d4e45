# Shared by the benchmarks: a release build, the national-scale dataset, helpers.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

require_swift
require_build_libraries
require_postgres
install_packages wrk
export UADE_DATA_DIR="${UADE_DATA_DIR:-$(cluster_home "$ROOT/.uade" demo)}"

# UADE_BIN=.build/debug/uade uses a binary already built instead (its figures are that build's).
if [ -n "${UADE_BIN:-}" ]; then
    UADE="$(cd "$(dirname "$UADE_BIN")" && pwd)/$(basename "$UADE_BIN")"
    say "using $UADE (not rebuilt)"
else
    say "building uade (release)"
    swift build -c release --product uade >&2
    UADE="$(swift build -c release --show-bin-path)/uade"
fi
PG_BIN="$(pg_bindir)"

# The national-scale dataset in the embedded cluster (loaded once, reused afterwards).
prepare_national() {
    say "preparing the national-scale dataset (the first time takes several minutes)"
    "$UADE" demo --scale national --no-serve >&2
    SOCKET_DIR="$("$UADE" demo --scale national --no-serve 2>/dev/null | sed -n 's/.*psql "host=\([^ ]*\) .*/\1/p' | head -n 1)"
    # Each run works on a fresh copy, so that what it writes never changes the next run's data.
    say "copying the dataset into uade_bench"
    # Copied as files, not through the WAL (PostgreSQL 15's default): gigabytes of WAL would start
    # a checkpoint during the measurements, and every page first written after it costs a full
    # page image — the latencies measured would be the copy's.
    local strategy=""
    if [ "$(psql -X -Atc "SHOW server_version_num" "host=$SOCKET_DIR port=5432 user=uade dbname=postgres")" -ge 150000 ]; then
        strategy="STRATEGY FILE_COPY"
    fi
    psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET_DIR port=5432 user=uade dbname=postgres" \
        -c "DROP DATABASE IF EXISTS uade_bench WITH (FORCE)" -c "CREATE DATABASE uade_bench TEMPLATE uade_national $strategy"
    export DATABASE_URL="postgres://uade@/uade_bench?host=$SOCKET_DIR&port=5432"
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET_DIR port=5432 user=uade dbname=uade_bench")
    BENCH_DB=uade_bench
}

# An account with a role, and an API token for it; prints the token.
bench_account() {
    local username="$1" role="$2" territory="${3:-}" person="${4:-}"
    if ! "${PSQL[@]}" -Atc "SELECT 1 FROM accounts WHERE username = '$username'" | grep -q 1; then
        UADE_PASSWORD="benchmark-password" "$UADE" user add "$username" ${person:+--person "$person"} >&2
        "$UADE" user grant "$username" "$role" ${territory:+--territory "$territory"} >&2
    fi
    "$UADE" user token "$username" --name benchmark | tail -n 1
}

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# Each measured phase starts from a checkpoint, so that none pays for what an earlier one wrote.
checkpoint() { "${PSQL[@]}" -c "CHECKPOINT"; }

# CPU time in clock ticks (usually 10 ms) used so far by one process.
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# CPU time in clock ticks used so far by the database cluster: its live processes, plus what the
# postmaster has collected from backends that have exited (pgbench's, at the end of its run).
cluster_ticks() {
    local postmaster pid total=0
    postmaster="$(head -n 1 "$UADE_DATA_DIR/pgdata/postmaster.pid")"
    total="$(awk '{ print $16 + $17 }' "/proc/$postmaster/stat")"
    for pid in "$postmaster" $(pgrep -P "$postmaster"); do
        total=$((total + $(process_ticks "$pid" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# Microseconds of CPU per operation from a tick difference.
per_operation_us() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }'; }
