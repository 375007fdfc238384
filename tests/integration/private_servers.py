"""Servers of the test's own, for faults that must not touch the shared ones (stopping and
restarting them): a Redis (`PrivateRedis`), and a MariaDB server holding a copy of the test site's
database.

`site_copy(conf)` installs a data directory in a temporary folder, starts `mariadbd` on a free port
of 127.0.0.1, copies the site's database into it (a consistent `mariadb-dump` of the shared server,
with the site's own credentials, piped into the new one), gives the site's database user the same
name and password there, and starts a Redis of its own for the copy's cache and queue (frappe
names its cache keys by the database's name, which the copy shares with the site). A frappe
process started with `copy.env` (FRAPPE_DB_HOST / FRAPPE_DB_PORT / FRAPPE_REDIS_*, which frappe
v15 reads over the site config) works on the copy. Both servers are stopped and the folder
removed on the way out, also when the test fails.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pymysql
import redis

from tests.integration.factories import free_port

MARIADBD = shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", ""))


class PrivateMariaDB:
	"""One `mariadbd` on its own data directory, socket and port; stopped and started at will."""

	def __init__(self, folder):
		self.folder = folder
		self.datadir = os.path.join(folder, "data")
		self.socket = os.path.join(folder, "mariadb.sock")
		self.log = os.path.join(folder, "mariadb.log")
		self.port = free_port()
		self.process = None

	def install(self):
		subprocess.run(
			[
				"mariadb-install-db",
				"--no-defaults",
				f"--datadir={self.datadir}",
				"--auth-root-authentication-method=normal",
				"--skip-test-db",
			],
			check=True,
			capture_output=True,
		)

	def start(self, timeout=60):
		# The settings frappe needs (as the shared server's), durable commits as in production.
		self.process = subprocess.Popen(
			[
				MARIADBD,
				"--no-defaults",
				f"--datadir={self.datadir}",
				f"--socket={self.socket}",
				f"--port={self.port}",
				"--bind-address=127.0.0.1",
				"--skip-name-resolve",
				"--skip-log-bin",
				f"--pid-file={os.path.join(self.folder, 'mariadb.pid')}",
				f"--log-error={self.log}",
				"--character-set-server=utf8mb4",
				"--collation-server=utf8mb4_unicode_ci",
				"--character-set-client-handshake=FALSE",
				"--innodb-buffer-pool-size=512M",
				"--innodb-flush-log-at-trx-commit=1",
				"--max-connections=300",
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		)
		deadline = time.monotonic() + timeout
		while True:
			try:
				self.root().close()
				return
			except pymysql.err.OperationalError:
				if self.process.poll() is not None or time.monotonic() > deadline:
					raise RuntimeError(f"mariadbd did not start: see {self.log}") from None
				time.sleep(0.1)

	def stop(self, timeout=60):
		"""SIGTERM, as `systemctl stop` sends: a clean shutdown that rolls back open transactions."""
		if self.process and self.process.poll() is None:
			self.process.send_signal(signal.SIGTERM)
			try:
				self.process.wait(timeout)
			except subprocess.TimeoutExpired:
				self.process.kill()
				self.process.wait()
		self.process = None

	def restart(self) -> float:
		"""Stop and start again on the same data directory and port; the seconds it was away."""
		began = time.monotonic()
		self.stop()
		self.start()
		return time.monotonic() - began

	def root(self, database=None):
		return pymysql.connect(
			unix_socket=self.socket, user="root", database=database, charset="utf8mb4", autocommit=True
		)

	def sql(self, query, values=None, database=None):
		connection = self.root(database)
		try:
			with connection.cursor() as cursor:
				cursor.execute(query, values)
				return cursor.fetchall()
		finally:
			connection.close()

	def copy_database(self, conf) -> float:
		"""The site's database (`conf`: its site config) from the shared server into this one,
		with its user; the seconds it took."""
		began = time.monotonic()
		name, user, password = conf.db_name, conf.db_user or conf.db_name, conf.db_password
		self.sql(f"create database `{name}` character set utf8mb4 collate utf8mb4_unicode_ci")
		# The load only: commits are made durable again before any test writes.
		self.sql("set global innodb_flush_log_at_trx_commit = 0")
		dump = subprocess.Popen(
			[
				"mariadb-dump",
				"--no-defaults",
				f"--host={conf.db_host or '127.0.0.1'}",
				f"--port={conf.db_port or 3306}",
				f"--user={user}",
				"--single-transaction",
				"--quick",
				"--skip-lock-tables",
				name,
			],
			stdout=subprocess.PIPE,
			stderr=subprocess.PIPE,
			env={**os.environ, "MYSQL_PWD": password},  # not on the command line, where ps shows it
		)
		load = subprocess.run(
			["mariadb", "--no-defaults", f"--socket={self.socket}", "--user=root", name],
			stdin=dump.stdout,
			capture_output=True,
		)
		dump.stdout.close()
		dump_error = dump.stderr.read()
		if dump.wait() or load.returncode:
			raise RuntimeError(f"copying the database failed: {dump_error[-500:]!r} {load.stderr[-500:]!r}")
		self.sql("set global innodb_flush_log_at_trx_commit = 1")
		self.sql("create user %s@'%%' identified by %s", (user, password))
		self.sql(f"grant all privileges on `{name}`.* to %s@'%%'", (user,))
		return time.monotonic() - began


class PrivateRedis:
	"""A redis-server of the test's own on 127.0.0.1, without persistence, stopped and started again
	on the same port."""

	def __init__(self, directory, name):
		self.directory, self.name, self.port = directory, name, free_port()
		self.process = None

	@property
	def url(self):
		return f"redis://127.0.0.1:{self.port}"

	def start(self):
		self.process = subprocess.Popen(
			[
				*(shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"),
				*("--save", "", "--appendonly", "no", "--dir", self.directory),
				*("--logfile", os.path.join(self.directory, f"{self.name}.log")),
			],
			start_new_session=True,
		)
		client = redis.Redis(port=self.port)
		deadline = time.monotonic() + 10
		while True:
			try:
				client.ping()
				return
			except redis.ConnectionError:
				assert time.monotonic() < deadline, f"redis-server ({self.name}) did not start"
				time.sleep(0.05)

	def stop(self):
		if self.process and self.process.poll() is None:
			self.process.terminate()
			self.process.wait(10)


@contextlib.contextmanager
def site_copy(conf):
	"""A private MariaDB holding a copy of the site's database, and a private Redis:
	yields an object with `db` (PrivateMariaDB), `env` (for frappe processes) and `seconds` (how
	long the copy took). Everything is stopped and removed afterwards."""
	from frappe import _dict

	folder = tempfile.mkdtemp(prefix="bb-private-mariadb-")
	db = PrivateMariaDB(folder)
	cache = None
	try:
		db.install()
		db.start()
		seconds = db.copy_database(conf)
		cache = PrivateRedis(folder, "redis")
		cache.start()
		redis_url = cache.url
		yield _dict(
			db=db,
			seconds=seconds,
			env={
				"FRAPPE_DB_HOST": "127.0.0.1",
				"FRAPPE_DB_PORT": str(db.port),
				"FRAPPE_REDIS_CACHE": redis_url,
				"FRAPPE_REDIS_QUEUE": redis_url,
			},
		)
	finally:
		db.stop()
		if cache:
			cache.stop()
		shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def frappe_on(copy):
	"""This process's frappe on the copy (its database and its Redis) for the block, on the
	site's own again after it. Whatever is made here lives and dies with the copy."""
	import frappe
	from frappe.database import get_db
	from frappe.utils.redis_wrapper import RedisWrapper

	conf = frappe.conf
	site_db, site_cache = frappe.local.db, frappe.cache
	frappe.local.db = get_db(
		host="127.0.0.1",
		port=copy.db.port,
		user=conf.db_user or conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	frappe.cache = RedisWrapper.from_url(copy.env["FRAPPE_REDIS_CACHE"])
	_forget_local_caches()
	try:
		yield
	finally:
		with contextlib.suppress(Exception):
			frappe.local.db.close()
		frappe.local.db, frappe.cache = site_db, site_cache
		_forget_local_caches()
		frappe.set_user("Administrator")


def _forget_local_caches():
	import frappe

	frappe.local.cache = {}
	frappe.local.role_permissions = {}
	frappe.local.user_perms = None
	frappe.local.new_doc_templates = {}
	frappe.local.valid_columns = {}
