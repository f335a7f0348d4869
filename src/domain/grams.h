/* grams.h — the pieces unit search indexes (SPEC §2): every character and every pair of
 * neighbouring characters of a unit's name (so that 1- and 2-character queries work for
 * Chinese, which no word tokenizer does), the name's first 1–4 characters (for ranking
 * prefixes first), and every 4-character run of its credit code. ASCII letters are folded to
 * lower case in names and to upper case in credit codes. */
#ifndef GONGHUI_DOMAIN_GRAMS_H
#define GONGHUI_DOMAIN_GRAMS_H
#include <stddef.h>

enum {
	GRAM_PREFIX = 0, /* name starts with it (1–4 characters) */
	GRAM_NAME = 1,   /* name contains it (1–2 characters) */
	GRAM_CODE = 2,   /* credit code contains it (4 characters) */
	GRAM_MAX_BYTES = 17,
	GRAM_MAX = 512,
	SEARCH_MAX_CHARS = 50,
};

typedef struct gram_list {
	char gram[GRAM_MAX][GRAM_MAX_BYTES];
	int kind[GRAM_MAX];
	int n;
	int name_chars; /* the name's length in characters */
} gram_list;

/* Fills out with the distinct grams of a unit (name and credit code). */
void domain_unit_grams(const char *name, const char *credit_code, gram_list *out);
/* Normalises a search query: trims white space, folds ASCII to lower case. Returns its length
 * in characters, or -1 when it is empty, too long or has control characters. */
int domain_search_normalise(const char *in, char *out, size_t outlen);
/* The n-th character of s (UTF-8) copied to out, or "" past the end. */
void domain_utf8_sub(const char *s, int start, int count, char *out, size_t outlen);
#endif
