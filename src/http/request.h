/* request.h — one HTTP request as handlers see it: method, path, headers, cookies, query,
 * JSON body, client address, and the response being built. Everything hangs off the
 * request's arena and dies with it. Headers are copied in the libmicrohttpd thread, so a
 * handler may run on a worker thread while the connection is suspended. */
#ifndef GONGHUI_HTTP_REQUEST_H
#define GONGHUI_HTTP_REQUEST_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/jsonw.h"

struct MHD_Connection;
struct route;
struct db_conn;

typedef struct http_kv {
	const char *key, *value;
} http_kv;

enum { HTTP_MAX_HEADERS = 48, HTTP_MAX_COOKIES = 8, HTTP_MAX_PARAMS = 4 };

typedef struct http_request {
	struct MHD_Connection *conn;
	arena mem;
	char request_id[24];
	const char *method, *path;
	bool is_get;
	http_kv headers[HTTP_MAX_HEADERS];
	int nheaders;
	http_kv query[HTTP_MAX_HEADERS];
	int nquery;
	bool bad_text; /* a header or query value with an embedded NUL */
	http_kv params[HTTP_MAX_PARAMS]; /* :name segments of the route */
	int nparams;
	char client[64];   /* rate-limit key: IPv4 address or IPv6 /64 */
	char peer[64];     /* the socket's peer address */
	const struct route *route;
	buf body;
	size_t body_cap;
	bool body_too_large;
	json_t *json; /* parsed body, owned */
	int64_t started_us;
	/* authentication, filled by the API pipeline */
	int subject_kind;
	int64_t subject_id;
	bool via_bearer;
	unsigned char session_hash[32];
	bool has_session;
	int session_due; /* a session write left for after the read (api/session.c) */
	char csrf_token[48];
	struct db_conn *db; /* acquired on first use, released after the handler */
	/* response */
	int status;
	char *resp;
	size_t resp_len;
	const char *content_type;
	const char *set_cookies[4];
	int nset_cookies;
	const char *location;
	int state; /* see server.c */
} http_request;

const char *req_header(const http_request *r, const char *name);
const char *req_query(const http_request *r, const char *name);
const char *req_param(const http_request *r, const char *name);
/* Value of cookie name, or NULL. */
const char *req_cookie(http_request *r, const char *name);

/* Responses. res_json takes ownership of body (may be NULL for an empty response). */
void res_json(http_request *r, int status, json_t *body);
/* A body written with util/jsonw (the hot read endpoints): takes the writer's buffer. */
void res_jsonw(http_request *r, int status, jsonw *w);
/* {"error":{"code","message","field"?}} */
void res_error(http_request *r, int status, const char *code, const char *message,
	       const char *field);
/* An error with error.retry_after (429, 423). */
void res_error_retry(http_request *r, int status, const char *code, const char *message,
		     int64_t retry_after);
void res_cookie(http_request *r, const char *name, const char *value, int max_age, bool secure);
void res_redirect(http_request *r, int status, const char *location);
/* A binary body (malloc'd; the response takes it). */
void res_bytes(http_request *r, int status, const char *content_type, void *data, size_t len);
#endif
