# Shared helpers for scripts/setup, scripts/test and .ci/run. Source it; do not run it.
#
# Settings (environment variables, all optional):
#   BENCH_USER        the unprivileged user that owns the bench (bench refuses to run as root);
#                     default: the current user, or "frappe" when run as root
#   BENCH_DIR         the bench folder; default: ~BENCH_USER/frappe-bench
#   SITE              the demo site; default: borgerbudget.localhost
#   TEST_SITE         the site the integration tests run on; default: borgerbudget.test
#   DB_ROOT_PASSWORD  MariaDB root password used to create sites; default: set on first run
#   ADMIN_PASSWORD    the sites' Administrator password; default: admin
#   FRAPPE_PATH       where bench gets frappe (URL or local path); default: upstream
#   FRAPPE_BRANCH     default: version-15
#   ERPNEXT_PATH      where bench gets erpnext (app name, URL or local path); default: upstream
#   ERPNEXT_BRANCH    default: version-15

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(id -u)" = 0 ]; then
	BENCH_USER="${BENCH_USER:-frappe}"
else
	BENCH_USER="${BENCH_USER:-$(id -un)}"
fi
BENCH_HOME="$(getent passwd "$BENCH_USER" | cut -d: -f6 || true)"
BENCH_DIR="${BENCH_DIR:-${BENCH_HOME:-/home/$BENCH_USER}/frappe-bench}"
SITE="${SITE:-borgerbudget.localhost}"
TEST_SITE="${TEST_SITE:-borgerbudget.test}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"
FRAPPE_PATH="${FRAPPE_PATH:-https://github.com/frappe/frappe}"
FRAPPE_BRANCH="${FRAPPE_BRANCH:-version-15}"
ERPNEXT_PATH="${ERPNEXT_PATH:-erpnext}"
ERPNEXT_BRANCH="${ERPNEXT_BRANCH:-version-15}"
DB_PASSWORD_FILE="${BENCH_HOME:-/home/$BENCH_USER}/.borgerbudget-db-root-password"

say() { printf '\n==> %s\n' "$*"; }

# Run a noisy command with its output in a log; show the log's end only when it fails.
quietly() {
	local log
	log="$(mktemp)"
	if "$@" >"$log" 2>&1; then
		rm -f "$log"
	else
		local status=$?
		tr '\r' '\n' <"$log" | grep -v 'Updating DocTypes' | tail -60 >&2
		rm -f "$log"
		return "$status"
	fi
}
warn() { printf '\n!!! %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a shell snippet as the bench user, with bench's tools on PATH, in BENCH_DIR when it exists.
as_bench_user() {
	# uv reads the system CA bundle (behind a TLS-intercepting proxy): UV_SYSTEM_CERTS for current
	# uv, UV_NATIVE_TLS for older releases.
	local snippet="export PATH=\"\$HOME/.local/bin:\$HOME/.bench-venv/bin:\$PATH\" UV_SYSTEM_CERTS=1 UV_NATIVE_TLS=1;"
	snippet+=" [ -d '$BENCH_DIR' ] && cd '$BENCH_DIR'; $1"
	if [ "$(id -un)" = "$BENCH_USER" ]; then
		bash -c "$snippet"
	else
		as_root runuser -u "$BENCH_USER" -- env HOME="$BENCH_HOME" bash -c "$snippet"
	fi
}

bench_present() {
	[ -x "$BENCH_DIR/env/bin/python" ] && [ -d "$BENCH_DIR/apps/frappe" ] && [ -d "$BENCH_DIR/apps/erpnext" ]
}

site_present() {
	[ -f "$BENCH_DIR/sites/$1/site_config.json" ]
}

db_root_password() {
	if [ -n "${DB_ROOT_PASSWORD:-}" ]; then
		printf '%s' "$DB_ROOT_PASSWORD"
	elif as_root test -r "$DB_PASSWORD_FILE"; then
		as_root cat "$DB_PASSWORD_FILE"
	else
		return 1
	fi
}

# MariaDB and Redis from the distribution; started when installed and not running.
start_services() {
	if command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1; then
		if ! mysqladmin ping --silent >/dev/null 2>&1 && ! as_root mysqladmin ping --silent >/dev/null 2>&1; then
			say "Starting MariaDB"
			as_root service mariadb start >/dev/null 2>&1 || as_root service mysql start >/dev/null 2>&1 || {
				as_root mkdir -p /run/mysqld && as_root chown mysql: /run/mysqld
				as_root bash -c "nohup mysqld_safe >/dev/null 2>&1 &"
			}
			for _ in $(seq 1 30); do as_root mysqladmin ping --silent >/dev/null 2>&1 && break; sleep 1; done
		fi
	fi
	if bench_present && command -v redis-server >/dev/null 2>&1; then
		local conf port
		for conf in redis_cache redis_queue; do
			[ -f "$BENCH_DIR/config/$conf.conf" ] || continue
			port="$(awk '/^port/ {print $2}' "$BENCH_DIR/config/$conf.conf")"
			if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
				say "Starting Redis ($conf on 127.0.0.1:$port)"
				as_bench_user "redis-server config/$conf.conf --bind 127.0.0.1 --daemonize yes >/dev/null"
			fi
		done
	fi
}

# Put this checkout into the bench as apps/borgerbudget (a no-op when the bench's app is this checkout).
sync_app_into_bench() {
	local target="$BENCH_DIR/apps/borgerbudget"
	if [ "$(cd "$target" 2>/dev/null && pwd -P)" != "$(cd "$REPO_DIR" && pwd -P)" ]; then
		say "Copying this checkout into $target"
		as_root mkdir -p "$target"
		as_root rsync -a --delete --exclude .git --exclude '__pycache__' --exclude '*.egg-info' "$REPO_DIR/" "$target/"
		as_root chown -R "$BENCH_USER": "$target"
	fi
	if ! grep -qx borgerbudget "$BENCH_DIR/sites/apps.txt"; then
		as_bench_user "printf '\nborgerbudget' >> sites/apps.txt && sed -i '/^\$/d' sites/apps.txt"
	fi
	if ! as_bench_user "env/bin/python -c 'import borgerbudget' 2>/dev/null"; then
		as_bench_user "uv pip install --quiet --python env/bin/python -e apps/borgerbudget 2>/dev/null || env/bin/pip install --quiet -e apps/borgerbudget"
	fi
}

app_installed_on() {
	as_bench_user "bench --site '$1' list-apps 2>/dev/null" | grep -q '^borgerbudget'
}

# A site with ERPNext, set up as a Danish municipality, with borgerbudget installed and migrated.
# The third argument "test" lets the test runner use it (allow_tests); no other site gets that.
ensure_site() {
	local site="$1" language="$2" purpose="${3:-}"
	if ! site_present "$site"; then
		say "Creating site $site with ERPNext (takes a few minutes)"
		quietly as_bench_user "bench new-site '$site' --db-root-username root --db-root-password '$(db_root_password)' --admin-password '$ADMIN_PASSWORD' --install-app erpnext"
	fi
	if [ "$purpose" = test ]; then
		as_bench_user "bench --site '$site' set-config --parse allow_tests True >/dev/null"
	else
		as_bench_user "bench --site '$site' set-config --parse allow_tests False >/dev/null"
	fi
	# Notifications are queued (Email Queue in the desk) from a local sender, and muted: nothing
	# leaves the machine until an admin sets up a real Email Account and unmutes the site.
	if ! as_bench_user "grep -q mail_server sites/$site/site_config.json"; then
		as_bench_user "bench --site '$site' set-config mail_server 127.0.0.1 >/dev/null"
		as_bench_user "bench --site '$site' set-config auto_email_id 'noreply@$site' >/dev/null"
		as_bench_user "bench --site '$site' set-config email_sender_name Borgerbudget >/dev/null"
		as_bench_user "bench --site '$site' set-config --parse mute_emails 1 >/dev/null"
	fi
	if app_installed_on "$site"; then
		say "Migrating $site"
		quietly as_bench_user "bench --site '$site' migrate"
	else
		say "Installing borgerbudget on $site"
		quietly as_bench_user "bench --site '$site' install-app borgerbudget"
	fi
	say "Setting $site up as a Danish municipality"
	as_bench_user "bench --site '$site' execute borgerbudget.setup.site.setup_municipality --kwargs \"{'language': '$language'}\""
}
