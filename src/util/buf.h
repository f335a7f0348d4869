/* buf.h — growable byte buffer; the owner frees it with buf_free. */
#ifndef GONGHUI_UTIL_BUF_H
#define GONGHUI_UTIL_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data;
	size_t len, cap;
} buf;

/* Makes room for extra more bytes (and the NUL) without changing len. */
void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(buf *b);
#endif
