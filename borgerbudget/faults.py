"""When a Redis server stops: a clear answer instead of a traceback, nothing half-saved, and work
that goes on by itself when Redis is back.

frappe keeps two Redis servers per site. The cache (`redis_cache`) holds cached documents and
settings, sessions, rate limits and the desk's boot; the queue (`redis_queue`) holds background jobs
and realtime messages. frappe ignores most of the cache's connection errors and reads the database
instead, so by itself it goes on with REST reads, portal pages and logins; what it does not ignore
(the desk's boot, a web form's rate limit) ends in a 500 with a traceback. Every enqueue needs the queue,
and an enqueue made "after commit" fails after the commit: the change is kept, its job is lost, and
gunicorn answers with a bare "Internal Server Error".

What this module does about it, wired in hooks.py:

- `refuse_changes_without_cache` (before_request): while the cache does not answer, a request that
  may change something (POST, PUT, PATCH, DELETE) is refused before it runs. A change made then
  could not clear what the cache holds of it (frappe ignores that error too), and a cache that comes
  back with its data (a network fault, a paused server) would go on serving the old record, or a
  session that was logged out. `require("cache")` refuses the same way a GET that cannot work
  without the cache (MitID's start keeps the login's state there).
- `check_queue_at_enqueue` (before_request): frappe reads the queue's length at each enqueue when
  `max_queued_jobs` is set; given a limit no queue reaches, it does so in every request, so that
  with the queue down an enqueue fails at once, inside the request, which is rolled back whole,
  instead of after the request's commit.
- `answer_outage` (after_request): a request that failed while a Redis server does not answer gets
  HTTP 503 with a short translated message, as JSON for API and desk calls and as a page otherwise,
  and `Retry-After`.

No process needs a restart when Redis is back: redis-py connects again on the next command.
"""

import json

import frappe
import redis
from frappe import _
from frappe.auth import UNSAFE_HTTP_METHODS
from frappe.utils.data import escape_html

TIMEOUT = 2  # seconds: a Redis server that takes longer to answer a ping counts as down
NO_LIMIT = 10**9  # queued jobs: `max_queued_jobs` for its check, not for a limit
RETRY_AFTER = 30  # seconds, suggested to clients with the 503
SERVERS = ("cache", "queue")

_clients = {}  # one client (and its connection pool) per URL and process


class RedisUnavailable(frappe.ValidationError):
	http_status_code = 503


def answers(server) -> bool:
	"""Whether the site's `server` ("cache" or "queue") answers a ping now. A server reached through
	Redis Sentinel is not checked here (its address is Sentinel's to give) and counts as answering."""
	conf = frappe.local.conf
	if conf.get(f"redis_{server}_sentinel_enabled"):
		return True
	url = conf.get(f"redis_{server}")
	client = _clients.get(url)
	if client is None:
		client = _clients[url] = redis.Redis.from_url(
			url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT
		)
	try:
		client.ping()
	except redis.AuthenticationError:
		return True  # it answered, asking who we are
	except (redis.ConnectionError, redis.TimeoutError):
		return False  # refused, timed out, or still loading its data
	except redis.RedisError:
		return True  # it answered
	return True


def down() -> list[str]:
	"""The site's Redis servers that do not answer now."""
	return [server for server in SERVERS if not answers(server)]


def require(server):
	"""Refuse what cannot be done without `server`: the same 503 as any request during the outage."""
	if not answers(server):
		frappe.local.flags.redis_down = [server]
		raise RedisUnavailable(_("Part of the system is down right now. Please try again in a few minutes."))


def refuse_changes_without_cache():
	"""before_request: no change while the cache does not answer (see the module's docstring)."""
	if frappe.local.request.method in UNSAFE_HTTP_METHODS:
		require("cache")


def check_queue_at_enqueue():
	"""before_request: each enqueue of this request looks at the queue first (see the module's
	docstring). A limit the site's config sets itself is kept."""
	if not frappe.local.conf.get("max_queued_jobs"):
		frappe.local.conf.max_queued_jobs = NO_LIMIT


def answer_outage(response=None, request=None):
	"""after_request: a failed request's answer, when a Redis server is down, is the clear 503."""
	if response is None or request is None or response.status_code < 500:
		return
	servers = frappe.local.flags.redis_down or down()
	if not servers:
		return
	# frappe's loggers keep errors only (outside `bench start`): logs/borgerbudget.faults.log
	frappe.logger("borgerbudget.faults", allow_site=True).error(
		f"{request.method} {request.path} answered 503: Redis {', '.join(servers)} not answering"
	)
	title = _("Not available right now")
	message = _("Part of the system is down right now. Please try again in a few minutes.")
	if request.method in UNSAFE_HTTP_METHODS:
		message = _(
			"Part of the system is down right now, and nothing was saved. Please try again in a few minutes."
		)
	if response.mimetype == "application/json":
		answer = json_answer(request, title, message)
	else:
		answer = page_answer(title, message)
	response.status_code = 503
	response.headers = answer.headers
	response.headers["Retry-After"] = str(RETRY_AFTER)
	response.set_data(answer.get_data())


def json_answer(request, title, message):
	"""As frappe answers a refusal: the message for its desk and portal scripts (v1), or the errors (v2)."""
	from werkzeug.wrappers import Response

	shown = {"title": title, "message": message, "indicator": "orange"}
	if request.path.startswith("/api/v2/"):
		body = {"errors": [{"type": RedisUnavailable.__name__, **shown}]}
	else:
		body = {"exc_type": RedisUnavailable.__name__, "_server_messages": json.dumps([json.dumps(shown)])}
	return Response(json.dumps(body), mimetype="application/json")


def page_answer(title, message):
	"""frappe's message page; a plain page if even that cannot be made."""
	from frappe.website.serve import get_response_without_exception_handling
	from werkzeug.wrappers import Response

	try:
		frappe.respond_as_web_page(
			title, escape_html(message), http_status_code=503, indicator_color="orange"
		)
		return get_response_without_exception_handling("message", http_status_code=503)
	except Exception:
		lang = escape_html(frappe.local.lang or "en")
		title, message = escape_html(title), escape_html(message)
		html = f'<!doctype html><html lang="{lang}"><title>{title}</title><h1>{title}</h1><p>{message}</p></html>'
		return Response(html, mimetype="text/html")
