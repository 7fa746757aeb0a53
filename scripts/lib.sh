# Shared by scripts/demo and scripts/test: install what is missing, quickly when nothing is.
# Sourced, not run. Every step is idempotent.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Pinned: 0.3.11 needs a newer rustc than this machine's 1.95.
CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# rustfmt and clippy: scripts/test checks the formatting and the lints.
ensure_lint_tools() {
  local installed
  installed="$(rustup component list --installed)"
  for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$installed"; then
      say "adding the $component component"
      rustup component add "$component"
    fi
  done
}

# Build tools are installed with a quick profile: cargo-leptos' own manifest asks for
# `lto = true, codegen-units = 1`, which on two cores makes its install most of a fresh
# machine's set-up; the tools only drive cargo and rewrite a few files, so opt-level 1
# without LTO serves as well. Profile settings from the environment override the
# installed package's manifest.
quick_install() {
  OPENSSL_NO_VENDOR=1 \
  CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
  CARGO_PROFILE_RELEASE_DEBUG=false \
  CARGO_PROFILE_RELEASE_STRIP=true \
    cargo install "$@"
}

# Debian's OpenSSL for building: the project's HTTP client and database driver use it
# for TLS (see Cargo.toml), and cargo-leptos, which asks for a vendored OpenSSL compiled
# from C source at install, links it instead (OPENSSL_NO_VENDOR=1 above).
ensure_openssl_dev() {
  if ! dpkg -s libssl-dev pkg-config >/dev/null 2>&1; then
    # Maybe on its way in the background (start_system_packages); else installed now.
    wait_for_system_packages
  fi
  if ! dpkg -s libssl-dev pkg-config >/dev/null 2>&1; then
    say "installing Debian's libssl-dev and pkg-config (TLS for the build)"
    apt_install libssl-dev pkg-config
  fi
}

# `no_downloads`: cargo-leptos then fails with a message naming a missing tool instead of
# downloading it from GitHub.
ensure_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, about 6 minutes)"
    quick_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# The test runner: every test in a process of its own, each ended past its limit
# (.config/nextest.toml) instead of holding the run.
ensure_nextest() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest (once per machine)"
    quick_install cargo-nextest --locked
  fi
}

# cargo-leptos downloads wasm-bindgen from GitHub unless it finds the exact version on PATH.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (matches Cargo.lock; about 2 minutes)"
    # Without --locked: with it, the registry lacks a version the lock file asks for.
    quick_install wasm-bindgen-cli --version "$want"
  fi
}

# npm packages: Playwright and axe-core for the browser tests, and binaryen, whose
# wasm-opt cargo-leptos uses for release builds (Debian's binaryen is too old and
# breaks hydration).
ensure_npm_packages() {
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing npm packages (end2end/)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# With a small CJK font (fonts-wqy-microhei, 1.6 MB), so that the screenshots of the
# Chinese pages show Chinese rather than empty boxes.
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
    say "installing Debian's chromium and a CJK font for the browser tests"
    apt_install chromium fonts-wqy-microhei
  fi
}

# Debian's chromium and postgresql (and what building cargo-leptos needs), installed
# while cargo compiles: apt waits on the network and dpkg, cargo on the CPU. Call
# `wait_for_system_packages` before using them.
start_system_packages() {
  local missing=()
  dpkg -s libssl-dev pkg-config >/dev/null 2>&1 || missing+=(libssl-dev pkg-config)
  # (ensure_openssl_dev waits for these before anything is compiled.)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
  { [ -n "$(pg_bin_dir)" ] && [ -x "$(pg_bin_dir)/initdb" ]; } || missing+=(postgresql)
  SYSTEM_PACKAGES_PID=""
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian's ${missing[*]} in the background (log: target/apt.log)"
    mkdir -p "$ROOT/target"
    apt_install "${missing[@]}" >"$ROOT/target/apt.log" 2>&1 &
    SYSTEM_PACKAGES_PID=$!
  fi
}

wait_for_system_packages() {
  if [ -n "${SYSTEM_PACKAGES_PID:-}" ]; then
    if ! wait "$SYSTEM_PACKAGES_PID"; then
      cat "$ROOT/target/apt.log" >&2
      say "installing Debian's packages failed (above)"
      exit 1
    fi
    SYSTEM_PACKAGES_PID=""
  fi
}

# PostgreSQL's server programs, for the tests of several replicas on one database.
# Debian's package also sets up a cluster of its own, which is left alone (and off).
pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres() {
  if [ -z "$(pg_bin_dir)" ] || [ ! -x "$(pg_bin_dir)/initdb" ]; then
    say "installing Debian's postgresql for the tests of several replicas"
    apt_install postgresql
  fi
}

# Starts a throwaway PostgreSQL cluster on a free loopback port, exports
# TEST_DATABASE_URL (its superuser, trusted on loopback only), and stops and removes
# it when the calling script exits. PostgreSQL refuses to run as root, so as root it
# runs as Debian's postgres user.
start_test_postgres() {
  local bin dir port as=()
  bin="$(pg_bin_dir)"
  dir="$(mktemp -d /tmp/block-insights-pg.XXXXXX)"
  port="$(free_port)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -s \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start
  TEST_PG_DIR="$dir"
  TEST_PG_AS=("${as[@]}")
  trap stop_test_postgres EXIT
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  say "PostgreSQL for the tests: $TEST_DATABASE_URL"
}

stop_test_postgres() {
  if [ -n "${TEST_PG_DIR:-}" ]; then
    "${TEST_PG_AS[@]}" "$(pg_bin_dir)/pg_ctl" -D "$TEST_PG_DIR/data" -m fast -w -s stop || true
    rm -rf "$TEST_PG_DIR"
    TEST_PG_DIR=""
  fi
}

ensure_build_tools() {
  ensure_openssl_dev
  ensure_wasm_target
  ensure_lint_tools
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_npm_packages
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
