/* server.c — request lifecycle on libmicrohttpd.
 * First call of the access handler: set up the request (no response yet: queuing on the first
 * call makes libmicrohttpd close the connection). Further calls: take the body up to the
 * route's cap. Last call: answer on this thread (health, static files, inline API) or suspend
 * the connection and hand the request to a pool; the pool resumes it and the next call queues
 * the answer. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "http/client.h"
#include "http/headers.h"
#include "http/request.h"
#include "http/static_files.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/pool.h"

enum { REQ_RECEIVING, REQ_RUNNING, REQ_DONE, REQ_QUEUED };

static const server_opts *opts;
static pool *workers, *hashers;
static struct MHD_Response *health_resp, *not_found_page;
static atomic_int in_flight;
static atomic_bool draining; /* SIGTERM seen: answer what is in flight, then stop */
static char health_marker; /* con_cls of /healthz requests: no allocation on that path */

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result copy_kv(void *cls, enum MHD_ValueKind kind, const char *key,
			       size_t key_size, const char *value, size_t value_size)
{
	http_request *r = cls;
	/* A %00 inside a value would silently cut it short: refuse the request instead. */
	if (strlen(key) != key_size || (value && strlen(value) != value_size))
		r->bad_text = true;
	http_kv *arr = kind == MHD_HEADER_KIND ? r->headers : r->query;
	int *n = kind == MHD_HEADER_KIND ? &r->nheaders : &r->nquery;
	if (*n >= HTTP_MAX_HEADERS)
		return MHD_NO;
	arr[*n].key = arena_strdup(&r->mem, key);
	arr[*n].value = arena_strdup(&r->mem, value ? value : "");
	(*n)++;
	return MHD_YES;
}

/* A request id (16 hex digits) without a getrandom call per request: each thread seeds a
 * 64-bit start from the CSPRNG once, then walks a Weyl sequence (an odd step: no repeat in
 * 2^64 ids) through the splitmix64 finaliser (a bijection). Ids are unique within a thread;
 * across threads, nodes and restarts they collide no more often than random ids would. Not
 * a secret: nothing is authorised by a request id. */
static void request_id(char out[24])
{
	static _Thread_local uint64_t next;
	static _Thread_local bool seeded;
	if (!seeded) {
		randombytes_buf(&next, sizeof(next));
		seeded = true;
	}
	uint64_t x = next += 0x9E3779B97F4A7C15u;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
	x ^= x >> 31;
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, x >>= 4)
		out[i] = hex[x & 15];
	out[16] = '\0';
}

static http_request *request_new(struct MHD_Connection *conn, const char *url, const char *method)
{
	http_request *r = xcalloc(1, sizeof(*r));
	arena_init(&r->mem);
	r->conn = conn;
	r->started_us = now_us();
	r->method = arena_strdup(&r->mem, method);
	r->path = arena_strdup(&r->mem, url);
	r->is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	request_id(r->request_id);
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, copy_kv, r);
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, copy_kv, r);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	client_peer(sa, r->peer, sizeof(r->peer));
	client_key(sa, req_header(r, "X-Forwarded-For"), r->client, sizeof(r->client));
	atomic_fetch_add(&in_flight, 1);
	return r;
}

static void request_free(http_request *r)
{
	if (r->json)
		json_decref(r->json);
	buf_free(&r->body);
	free(r->resp);
	arena_free(&r->mem);
	free(r);
	atomic_fetch_sub(&in_flight, 1);
}

static enum MHD_Result queue_built(http_request *r)
{
	struct MHD_Response *resp;
	if (r->resp) {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp, MHD_RESPMEM_MUST_FREE);
		r->resp = NULL;
	} else {
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	for (int i = 0; i < r->nset_cookies; i++)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookies[i]);
	if (atomic_load(&draining))
		MHD_add_response_header(resp, "Connection", "close");
	headers_add_security(resp);
	r->state = REQ_QUEUED;
	enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 500),
						resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result queue_shared(http_request *r, int status, struct MHD_Response *resp)
{
	r->status = status;
	r->state = REQ_QUEUED;
	return MHD_queue_response(r->conn, (unsigned)status, resp);
}

static void run_job(void *arg)
{
	http_request *r = arg;
	api_run(r);
	r->state = REQ_DONE;
	MHD_resume_connection(r->conn);
}

static bool is_phone(const http_request *r)
{
	const char *ua = req_header(r, "User-Agent");
	static const char *const marks[] = {"iPhone", "Android", "Mobile", "MicroMessenger",
					    "HarmonyOS", "iPod"};
	for (size_t i = 0; ua && i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(ua, marks[i]))
			return true;
	return false;
}

static enum MHD_Result serve_page(http_request *r)
{
	if (!r->is_get) {
		res_error(r, 405, "method_not_allowed", "不支持该请求方法", NULL);
		return queue_built(r);
	}
	if (strcmp(r->path, "/") == 0) {
		res_redirect(r, 302, is_phone(r) ? "/h5/" : "/pc/");
		return queue_built(r);
	}
	if (strcmp(r->path, "/readyz") == 0) {
		bool ok = opts->ready && opts->ready();
		res_json(r, ok ? 200 : 503,
			 json_pack("{s:s}", "status", ok ? "ready" : "database unavailable"));
		return queue_built(r);
	}
	static const char *const bare[] = {"/pc", "/h5", "/admin"};
	for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
		if (strcmp(r->path, bare[i]) == 0) {
			res_redirect(r, 301, arena_printf(&r->mem, "%s/", bare[i]));
			return queue_built(r);
		}
	struct MHD_Response *resp = static_lookup(r->path);
	if (resp)
		return queue_shared(r, 200, resp);
	return queue_shared(r, 404, not_found_page);
}

static enum MHD_Result serve_api(http_request *r)
{
	if (r->body_too_large) {
		res_error(r, 413, "body_too_large", "请求内容过大", NULL);
		return queue_built(r);
	}
	api_dispatch where = api_dispatch_for(r->route);
	/* While draining nothing new is suspended: libmicrohttpd cannot stop with suspended
	 * connections, and a keep-alive connection may still bring one more request. */
	if (where == API_INLINE || (where == API_WORKERS && opts->inline_db) ||
	    atomic_load(&draining)) {
		api_run(r);
		r->state = REQ_DONE;
		return queue_built(r);
	}
	r->state = REQ_RUNNING;
	MHD_suspend_connection(r->conn);
	pool_submit(where == API_HASHERS ? hashers : workers, run_job, r);
	return MHD_YES;
}

static bool is_api(const char *url)
{
	return strncmp(url, "/api/", 5) == 0;
}

static enum MHD_Result first_call(struct MHD_Connection *conn, const char *url, const char *method,
				  void **con_cls)
{
	if (url[0] == '/' && strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0) {
		*con_cls = &health_marker;
		return MHD_YES;
	}
	http_request *r = request_new(conn, url, method);
	*con_cls = r;
	if (!is_api(url))
		return MHD_YES;
	bool wrong_method = false;
	r->route = api_match(r, &wrong_method);
	if (!r->route)
		return MHD_YES;
	r->body_cap = r->route->body_cap ? r->route->body_cap : API_BODY_DEFAULT;
	const char *cl = req_header(r, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > r->body_cap) {
		/* Refused before reading: libmicrohttpd closes the connection after this. */
		r->body_too_large = true;
		res_error(r, 413, "body_too_large", "请求内容过大", NULL);
		return queue_built(r);
	}
	return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	if (!*con_cls)
		return first_call(conn, url, method, con_cls);
	if (*con_cls == &health_marker)
		return MHD_queue_response(conn, MHD_HTTP_OK, health_resp);
	http_request *r = *con_cls;
	if (r->state == REQ_QUEUED) {
		*upload_size = 0; /* answered already: the rest of the body is dropped */
		return MHD_YES;
	}
	if (r->state == REQ_DONE)
		return queue_built(r);
	if (r->state == REQ_RUNNING)
		return MHD_YES;
	if (*upload_size) {
		if (r->body.len + *upload_size > r->body_cap)
			r->body_too_large = true;
		else
			buf_append(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (!is_api(r->path))
		return serve_page(r);
	if (!r->route) {
		bool wrong_method = false;
		api_match(r, &wrong_method);
		if (wrong_method)
			res_error(r, 405, "method_not_allowed", "不支持该请求方法", NULL);
		else
			res_error(r, 404, "not_found", "请求的接口不存在", NULL);
		return queue_built(r);
	}
	return serve_api(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	if (!*con_cls || *con_cls == &health_marker) {
		*con_cls = NULL;
		return;
	}
	http_request *r = *con_cls;
	if (opts->access_log) {
		char line[512];
		snprintf(line, sizeof(line), "access rid=%s client=%s %s %s %d %lldus", r->request_id,
			 r->client, r->method, r->path, r->status,
			 (long long)(now_us() - r->started_us));
		log_line(line);
	}
	request_free(r);
	*con_cls = NULL;
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	(void)addrlen;
	return client_conn_admit(addr, opts->per_address_connections) ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)socket_ctx;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		client_conn_started(ci->client_addr);
	else
		client_conn_closed(ci->client_addr);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return -1;
	size_t hl = (size_t)(colon - listen);
	if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
		snprintf(host, sizeof(host), "%.*s", (int)(hl - 2), listen + 1);
	} else {
		snprintf(host, sizeof(host), "%.*s", (int)hl, listen);
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	if (strcmp(host, "localhost") == 0) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	return -1;
}

static void make_shared_responses(void)
{
	static const char health[] = "{\"status\":\"ok\"}";
	health_resp = MHD_create_response_from_buffer(sizeof(health) - 1, (void *)health,
						      MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(health_resp, "Content-Type", "application/json");
	MHD_add_response_header(health_resp, "Cache-Control", "no-store");
	headers_add_security(health_resp);
	static const char page[] = "<!doctype html><meta charset=utf-8><title>404</title>"
				   "<p>页面不存在。<a href=\"/\">返回首页</a></p>";
	not_found_page = MHD_create_response_from_buffer(sizeof(page) - 1, (void *)page,
							 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(not_found_page, "Content-Type", "text/html; charset=utf-8");
	headers_add_security(not_found_page);
}

static void drain(struct MHD_Daemon *d)
{
	/* Stop accepting at once: shut the listening socket down so that new connections are
	 * refused (a proxy then tries another node) rather than left in the backlog. */
	atomic_store(&draining, true);
	MHD_socket fd = MHD_quiesce_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	/* Then give in-flight requests up to 20 s; idle must hold for a moment, as a keep-alive
	 * connection may bring one more request (answered inline, with Connection: close). */
	int idle = 0;
	for (int i = 0; i < 200 && idle < 3; i++) {
		idle = atomic_load(&in_flight) > 0 ? 0 : idle + 1;
		usleep(100 * 1000);
	}
}

int server_run(const server_opts *o)
{
	struct sockaddr_storage ss;
	opts = o;
	if (parse_listen(o->listen, &ss)) {
		log_error("cannot parse listen address %s", o->listen);
		return -1;
	}
	make_shared_responses();
	static_load(o->web_dir);
	workers = pool_start("gh-worker", o->workers);
	hashers = pool_start("gh-hash", o->hash_workers);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* Per-connection memory (request line, headers, read buffer): 32 KiB, libmicrohttpd's
	 * default and nginx's header limit. libmicrohttpd zeroes the whole pool between requests
	 * on a keep-alive connection, so a larger pool costs every request (64 KiB: ~3 % CPU). */
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, on_accept, NULL, on_access, NULL, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)o->connection_timeout, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)o->max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32 * 1024, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, NULL, MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on %s: %s", o->listen, strerror(errno));
		pool_stop(workers);
		pool_stop(hashers);
		return -1;
	}
	log_info("listening on http://%s", o->listen);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: finishing in-flight requests", sig);
	drain(d);
	MHD_stop_daemon(d);
	pool_stop(workers);
	pool_stop(hashers);
	static_free();
	MHD_destroy_response(health_resp);
	MHD_destroy_response(not_found_page);
	log_info("stopped");
	return 0;
}
