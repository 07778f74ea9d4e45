# Shared by scripts/demo and scripts/test: install what is missing, say what is done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
fail() { echo "error: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@";
    elif command -v sudo >/dev/null 2>&1; then sudo "$@";
    else return 1; fi
}

APT_UPDATED=0
# install_packages PKG…: installs the Debian packages that are not installed yet.
install_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || {
            echo "error: cannot run apt-get as root; install these packages yourself: ${missing[*]}" >&2; exit 1; }
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: the Swift toolchain (6.x) is not on PATH; install it from swift.org first" >&2
        exit 1
    fi
}

# C libraries the Swift packages link against (ZIPFoundation uses the system zlib) and the
# runtime of the toolchain's FoundationNetworking (libcurl), which the tests use as an HTTP client.
require_build_libraries() {
    install_packages zlib1g-dev pkg-config libcurl4
}

# The PostgreSQL server programs (initdb, pg_ctl) and the btree_gist extension.
require_postgres() {
    install_packages postgresql postgresql-contrib
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "error: initdb not found after installing postgresql" >&2
        exit 1
    fi
}

# PostgreSQL never runs as root; when we are root it runs as the 'postgres' system user, which
# must reach the cluster's directory. cluster_home DEFAULT NAME prints DEFAULT when it can, or a
# directory under /var/tmp named after the project's path when it cannot (a clone in /root).
cluster_home() {
    local preferred="$1" name="$2"
    if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$ROOT"; then
        echo "$preferred"
    else
        echo "/var/tmp/uade-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)/$name"
    fi
}

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
}

# stop_cluster DIR: stops a cluster this project started in DIR/pgdata, if it runs.
stop_cluster() {
    local data="$1/pgdata"
    [ -f "$data/postmaster.pid" ] || return 0
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    else
        "$(pg_bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

# A Python virtual environment in .build with the given PyPI packages; prints its bin directory.
python_tools() {
    local venv="$ROOT/.build/python-tools"
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        install_packages python3 python3-venv >&2
    fi
    if [ ! -x "$venv/bin/pip" ]; then
        say "creating a Python environment for test tools in $venv" >&2
        python3 -m venv "$venv" >&2
    fi
    if ! "$venv/bin/pip" show -q "${@%%=*}" >/dev/null 2>&1; then
        say "installing from PyPI: $*" >&2
        "$venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
    fi
    echo "$venv/bin"
}

# run_bounded SECONDS COMMAND…: runs COMMAND; if it is still running after SECONDS, prints the
# stacks of the test processes under it (gdb), kills them and fails.
run_bounded() {
    local limit="$1"; shift
    "$@" &
    local pid=$! waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge "$limit" ]; then
            echo "error: '$*' did not finish within $limit s; the stacks of its processes follow" >&2
            local child
            for child in $(pgrep -P "$pid") "$pid"; do
                command -v gdb >/dev/null 2>&1 \
                    && timeout 120 gdb -p "$child" -batch -ex "thread apply all bt 30" 2>/dev/null | grep -E '^(Thread|#)' >&2
                pkill -KILL -P "$child" 2>/dev/null || true
            done
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            return 124
        fi
        sleep 5
        waited=$((waited + 5))
    done
    wait "$pid"
}

# show_server_log DIR: the end of the log of the cluster in DIR, for a run that failed.
show_server_log() {
    [ -f "$1/postgres.log" ] || return 0
    echo "--- the last lines of $1/postgres.log ---" >&2
    tail -n 60 "$1/postgres.log" >&2
}
