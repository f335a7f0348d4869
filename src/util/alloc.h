/* alloc.h — fail-fast allocation: callers never check for NULL (Redis zmalloc style). */
#ifndef GONGHUI_UTIL_ALLOC_H
#define GONGHUI_UTIL_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#endif
