/* grams.c — gram extraction over UTF-8 code points. */
#include "domain/grams.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int char_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
}

/* Offsets of each character; returns the count (at most max). */
static int char_offsets(const char *s, int *off, int max)
{
	int n = 0;
	size_t len = strlen(s), i = 0;
	for (; i < len && n < max; i += (size_t)char_len((unsigned char)s[i]))
		off[n++] = (int)i;
	off[n] = (int)(i < len ? i : len); /* off has max + 1 entries */
	return n;
}

static void add(gram_list *g, const char *p, size_t bytes, int kind)
{
	if (bytes == 0 || bytes >= GRAM_MAX_BYTES || g->n >= GRAM_MAX)
		return;
	char tmp[GRAM_MAX_BYTES];
	memcpy(tmp, p, bytes);
	tmp[bytes] = '\0';
	for (int i = 0; i < g->n; i++)
		if (g->kind[i] == kind && strcmp(g->gram[i], tmp) == 0)
			return;
	memcpy(g->gram[g->n], tmp, bytes + 1);
	g->kind[g->n] = kind;
	g->n++;
}

void domain_unit_grams(const char *name, const char *credit_code, gram_list *out)
{
	char folded[512];
	int off[257];
	out->n = 0;
	snprintf(folded, sizeof(folded), "%s", name);
	for (char *p = folded; *p; p++)
		if ((unsigned char)*p < 0x80)
			*p = (char)tolower((unsigned char)*p);
	int n = char_offsets(folded, off, 256);
	out->name_chars = n;
	for (int k = 1; k <= 4 && k <= n; k++)
		add(out, folded, (size_t)off[k], GRAM_PREFIX);
	for (int i = 0; i < n; i++) {
		add(out, folded + off[i], (size_t)(off[i + 1] - off[i]), GRAM_NAME);
		if (i + 1 < n)
			add(out, folded + off[i], (size_t)(off[i + 2] - off[i]), GRAM_NAME);
	}
	char code[32];
	snprintf(code, sizeof(code), "%s", credit_code ? credit_code : "");
	size_t cl = strlen(code);
	for (size_t i = 0; i < cl; i++)
		code[i] = (char)toupper((unsigned char)code[i]);
	for (size_t i = 0; i + 4 <= cl; i++)
		add(out, code + i, 4, GRAM_CODE);
}

int domain_search_normalise(const char *in, char *out, size_t outlen)
{
	for (;;) {
		if (*in == ' ' || *in == '\t')
			in++;
		else if (strncmp(in, "\xe3\x80\x80", 3) == 0) /* the ideographic space */
			in += 3;
		else
			break;
	}
	size_t len = strlen(in);
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= outlen)
		return -1;
	int chars = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			return -1;
		out[i] = c < 0x80 ? (char)tolower(c) : (char)c;
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	out[len] = '\0';
	return chars > SEARCH_MAX_CHARS ? -1 : chars;
}

void domain_utf8_sub(const char *s, int start, int count, char *out, size_t outlen)
{
	int off[SEARCH_MAX_CHARS * 4 + 1];
	int n = char_offsets(s, off, SEARCH_MAX_CHARS * 4);
	if (start >= n || count <= 0) {
		out[0] = '\0';
		return;
	}
	int end = start + count > n ? n : start + count;
	snprintf(out, outlen, "%.*s", off[end] - off[start], s + off[start]);
}
