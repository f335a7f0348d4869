/* jsonw.h — a small streaming JSON writer for the hot read endpoints: compact output into a
 * growable buffer, no tree, no per-value allocation. It writes what jansson's JSON_COMPACT
 * writes (same escapes: \" \\ \b \f \n \r \t, other control characters as \u00XX; UTF-8
 * passes through), so a response keeps its exact shape when a handler moves to it. An
 * invalid UTF-8 byte is written as U+FFFD rather than producing invalid JSON. Keys and
 * values are written in call order; commas and colons are the writer's job. */
#ifndef GONGHUI_UTIL_JSONW_H
#define GONGHUI_UTIL_JSONW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum { JSONW_MAX_DEPTH = 32 };

typedef struct jsonw {
	buf out;          /* the owner takes out.data (malloc'd) or calls jsonw_free */
	uint32_t started; /* bit d: the container at depth d holds a value already */
	int depth;
	bool after_key; /* the next value follows a key: no comma */
} jsonw;

/* Starts an empty writer with room for about `expect` bytes. */
void jsonw_init(jsonw *w, size_t expect);
void jsonw_free(jsonw *w);

void jsonw_obj(jsonw *w);
void jsonw_obj_end(jsonw *w);
void jsonw_arr(jsonw *w);
void jsonw_arr_end(jsonw *w);
/* The key of the next value inside an object. */
void jsonw_key(jsonw *w, const char *key);

void jsonw_str(jsonw *w, const char *s);
/* A string, or null when s is NULL (jansson's "s?"). */
void jsonw_str_or_null(jsonw *w, const char *s);
void jsonw_int(jsonw *w, int64_t v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);

/* A key and its value in one call. */
void jsonw_kv_str(jsonw *w, const char *key, const char *s);
void jsonw_kv_str_or_null(jsonw *w, const char *key, const char *s);
void jsonw_kv_int(jsonw *w, const char *key, int64_t v);
void jsonw_kv_bool(jsonw *w, const char *key, bool v);
#endif
