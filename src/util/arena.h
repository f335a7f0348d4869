/* arena.h — per-request memory: everything allocated here dies with arena_free (h2o mem pool). */
#ifndef GONGHUI_UTIL_ARENA_H
#define GONGHUI_UTIL_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
