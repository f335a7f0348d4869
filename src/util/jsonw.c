/* jsonw.c — the streaming JSON writer (see jsonw.h). */
#include "util/jsonw.h"

#include <string.h>

void jsonw_init(jsonw *w, size_t expect)
{
	memset(w, 0, sizeof(*w));
	buf_reserve(&w->out, expect);
}

void jsonw_free(jsonw *w)
{
	buf_free(&w->out);
}

/* buf_append, inlined: the writer's output is made of many short pieces. */
static inline void put(jsonw *w, const char *s, size_t n)
{
	buf *b = &w->out;
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Before any value (or key): the comma that separates it from the previous one. */
static void sep(jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	uint32_t bit = (uint32_t)1 << w->depth;
	if (w->started & bit)
		put(w, ",", 1);
	w->started |= bit;
}

static void open_container(jsonw *w, char c)
{
	sep(w);
	put(w, &c, 1);
	if (w->depth + 1 < JSONW_MAX_DEPTH)
		w->depth++;
	w->started &= ~((uint32_t)1 << w->depth);
}

static void close_container(jsonw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	put(w, &c, 1);
}

void jsonw_obj(jsonw *w)
{
	open_container(w, '{');
}

void jsonw_obj_end(jsonw *w)
{
	close_container(w, '}');
}

void jsonw_arr(jsonw *w)
{
	open_container(w, '[');
}

void jsonw_arr_end(jsonw *w)
{
	close_container(w, ']');
}

static inline bool continuation(unsigned char b)
{
	return (b & 0xc0) == 0x80;
}

/* Length of the well-formed UTF-8 sequence at s (lead byte >= 0x80), 0 when ill-formed: the
 * table of Unicode §3.9 (no overlongs, no surrogates, nothing past U+10FFFF), as
 * util/utf8.c checks. The second byte is tested first, so a NUL stops the look-ahead. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		return continuation(s[1]) ? 2 : 0;
	if (c < 0xf0) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && continuation(s[2]) ? 3 : 0;
	}
	if (c < 0xf5) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && continuation(s[2]) && continuation(s[3]) ? 4
											    : 0;
	}
	return 0;
}

static void string(jsonw *w, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str, *run = s;
	put(w, "\"", 1);
	for (;;) {
		unsigned c = *s;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq(s);
			if (n) {
				s += n;
				continue;
			}
		}
		put(w, (const char *)run, (size_t)(s - run));
		if (c == 0)
			break;
		char esc[6] = {'\\', 0, '0', '0', 0, 0};
		size_t len = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (c >= 0x80) { /* invalid UTF-8: U+FFFD */
				memcpy(esc, "\xEF\xBF\xBD", 3);
				len = 3;
				break;
			}
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		put(w, esc, len);
		run = ++s;
	}
	put(w, "\"", 1);
}

void jsonw_key(jsonw *w, const char *key)
{
	sep(w);
	string(w, key);
	put(w, ":", 1);
	w->after_key = true;
}

void jsonw_str(jsonw *w, const char *s)
{
	sep(w);
	string(w, s);
}

void jsonw_str_or_null(jsonw *w, const char *s)
{
	if (s)
		jsonw_str(w, s);
	else
		jsonw_null(w);
}

void jsonw_int(jsonw *w, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	/* Through uint64_t: -INT64_MIN does not fit an int64_t. */
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sep(w);
	put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jsonw_bool(jsonw *w, bool v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jsonw_null(jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void jsonw_kv_str(jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kv_str_or_null(jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str_or_null(w, s);
}

void jsonw_kv_int(jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kv_bool(jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}
