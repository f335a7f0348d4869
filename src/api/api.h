/* api.h — the JSON API's route table and the pipeline every API request goes through:
 * authentication (cookie or bearer), Origin and CSRF checks, JSON parsing, the handler. */
#ifndef GONGHUI_API_API_H
#define GONGHUI_API_API_H
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

typedef void (*route_fn)(http_request *r);

enum route_flags {
	ROUTE_HASH = 1 << 0,   /* runs Argon2: goes to the hash pool (one hash per core) */
	ROUTE_WORKER = 1 << 1, /* needs a worker (职工) session */
	ROUTE_STAFF = 1 << 2,  /* needs a staff (工作人员) session */
	ROUTE_TEST = 1 << 3,   /* exists only in test mode */
	ROUTE_SESSION_OPTIONAL = 1 << 4, /* reads the session if there is one */
	ROUTE_READ = 1 << 5,   /* only reads: on SQLite its queries share one read transaction */
};

typedef struct route {
	const char *method;
	const char *pattern; /* "/api/v1/things/:id" */
	route_fn fn;
	unsigned flags;
	size_t body_cap; /* 0: the small JSON default */
} route;

/* JSON bodies are small; the appeal with two base64 photos of 5 MB is large, and a CSV import
 * carries its file as text. */
enum {
	API_BODY_DEFAULT = 16 * 1024,
	API_BODY_UPLOAD = 14 * 1024 * 1024,
	API_BODY_IMPORT = 4 * 1024 * 1024,
};

typedef enum { API_INLINE, API_WORKERS, API_HASHERS } api_dispatch;

/* Matches r->method and r->path, filling r->route and r->params; sets *wrong_method when
 * the path exists under another method. */
const route *api_match(http_request *r, bool *wrong_method);
/* Where the route's handler runs: on the HTTP thread, or on one of the pools. */
api_dispatch api_dispatch_for(const route *rt);
/* Runs the whole pipeline for a matched route; always leaves a response in r. */
void api_run(http_request *r);
#endif
