#!/bin/sh
# install-deps.sh: install every build, test and demo dependency of healthgap
# from Debian packages (Open MPI included: distributed runs, docs/scale.md; the build
# works without it; qemu-user: tests/e2e/engine_portable.sh runs the engine as a CPU
# without AVX2). Idempotent: packages already present are skipped, so a
# second run does no network work. Uses sudo when not run as root.
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --bench    also the benchmark peers (R, pandas, node)
#   scripts/install-deps.sh --browser  also chromium for browser tests
set -eu

PKGS="build-essential pkg-config libcriterion-dev libjansson-dev libsodium-dev
r-mathlib libmicrohttpd-dev libxlsxwriter-dev libsqlite3-dev sqlite3 zlib1g-dev
clang libclang-rt-14-dev xxd curl libopenmpi-dev openmpi-bin qemu-user"
for arg in "$@"; do
	case "$arg" in
	--bench) PKGS="$PKGS r-base-core python3-pandas nodejs npm wrk time" ;;
	--browser) PKGS="$PKGS chromium nodejs npm poppler-utils" ;;
	*) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
	esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
		echo "install-deps.sh: not root and no sudo; install: $PKGS" >&2
		exit 1
	fi
fi

missing=""
for p in $PKGS; do
	# node/npm may come from outside Debian (e.g. nodesource); accept the commands.
	case "$p" in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "install-deps.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
exit 0
