/* server.h — the libmicrohttpd server: thread pool + epoll, limits, static sites, health
 * checks, and hand-off of API work to worker pools. */
#ifndef GONGHUI_HTTP_SERVER_H
#define GONGHUI_HTTP_SERVER_H
#include <stdbool.h>

typedef struct server_opts {
	const char *listen; /* host:port, [v6]:port */
	const char *web_dir;
	int threads, workers, hash_workers;
	int connection_timeout, max_connections, per_address_connections;
	bool access_log;
	bool inline_db; /* run non-hashing API handlers on the HTTP threads (SQLite) */
	bool (*ready)(void); /* /readyz check */
} server_opts;

/* Serves until SIGTERM or SIGINT, then stops accepting, finishes in-flight requests and
 * returns 0 (or -1 when it could not start). The caller blocks those signals first. */
int server_run(const server_opts *o);
#endif
