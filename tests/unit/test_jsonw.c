/* test_jsonw.c — the streaming JSON writer writes what jansson's JSON_COMPACT writes. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/jsonw.h"
#include "util/utf8.h"

/* The same value through jansson and through the writer. */
static void same_string(const char *s)
{
	json_t *arr = json_pack("[s]", s);
	assert_non_null(arr);
	char *want = json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(arr);
	jsonw w;
	jsonw_init(&w, 0);
	jsonw_arr(&w);
	jsonw_str(&w, s);
	jsonw_arr_end(&w);
	assert_string_equal(w.out.data, want);
	free(want);
	jsonw_free(&w);
}

static void strings_escape_as_jansson_does(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "plain", "say \"hi\"", "back\\slash", "a/b", "tab\there", "line\nfeed\r",
		"\b\f", "\x01\x1f\x7f", "中文：工会 （厦门）", "emoji \xF0\x9F\x98\x80 ok",
		"\xE2\x80\xA8 U+2028",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_string(cases[i]);
}

static void invalid_utf8_becomes_replacement(void **state)
{
	(void)state;
	jsonw w;
	jsonw_init(&w, 0);
	jsonw_str(&w, "a\xff" "b\xC0\xAF" "c\xED\xA0\x80" "d\xE4\xB8");
	assert_string_equal(w.out.data, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD"
					"c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
					"d\xEF\xBF\xBD\xEF\xBF\xBD\"");
	jsonw_free(&w);
}

/* The writer passes a string through unchanged exactly when util/utf8.c calls it valid. */
static void utf8_passthrough_agrees_with_utf8_valid(void **state)
{
	(void)state;
	static const unsigned char probe[] = {0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
					      0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff};
	enum { NP = sizeof(probe) };
	jsonw w;
	jsonw_init(&w, 64);
	for (unsigned lead = 0x80; lead <= 0xff; lead++)
		for (int i = 0; i < NP; i++)
			for (int j = 0; j < NP; j++)
				for (int k = 0; k < NP; k++) {
					char s[5] = {(char)lead, (char)probe[i], (char)probe[j],
						     (char)probe[k], 0};
					w.out.len = 0;
					w.started = 0;
					jsonw_str(&w, s);
					bool same = w.out.len == 6 && memcmp(w.out.data + 1, s, 4) == 0;
					if (same != utf8_valid(s))
						fail_msg("%02x %02x %02x %02x: writer %s, utf8_valid %d",
							 lead, probe[i], probe[j], probe[k],
							 same ? "kept it" : "replaced", utf8_valid(s));
				}
	jsonw_free(&w);
}

static void nesting_and_scalars_match_jansson(void **state)
{
	(void)state;
	json_t *want_tree = json_pack(
		"{s:{s:I, s:I}, s:I, s:[], s:[{s:I, s:s, s:n, s:b, s:b, s:[s, s]}, {}], s:I}",
		"counts", "todo", (json_int_t)0, "all", (json_int_t)-12, "total",
		(json_int_t)INT64_MAX, "empty", "items", "id", (json_int_t)INT64_MIN, "ref", "RH1",
		"reason", "ok", 1, "no", 0, "actions", "edit", "delete", "page", (json_int_t)7);
	char *want = json_dumps(want_tree, JSON_COMPACT);
	json_decref(want_tree);
	jsonw w;
	jsonw_init(&w, 16); /* small: the buffer grows */
	jsonw_obj(&w);
	jsonw_key(&w, "counts");
	jsonw_obj(&w);
	jsonw_key(&w, "todo");
	jsonw_int(&w, 0);
	jsonw_key(&w, "all");
	jsonw_int(&w, -12);
	jsonw_obj_end(&w);
	jsonw_key(&w, "total");
	jsonw_int(&w, INT64_MAX);
	jsonw_key(&w, "empty");
	jsonw_arr(&w);
	jsonw_arr_end(&w);
	jsonw_key(&w, "items");
	jsonw_arr(&w);
	jsonw_obj(&w);
	jsonw_key(&w, "id");
	jsonw_int(&w, INT64_MIN);
	jsonw_key(&w, "ref");
	jsonw_str(&w, "RH1");
	jsonw_key(&w, "reason");
	jsonw_str_or_null(&w, NULL);
	jsonw_key(&w, "ok");
	jsonw_bool(&w, true);
	jsonw_key(&w, "no");
	jsonw_bool(&w, false);
	jsonw_key(&w, "actions");
	jsonw_arr(&w);
	jsonw_str(&w, "edit");
	jsonw_str(&w, "delete");
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_obj(&w);
	jsonw_obj_end(&w);
	jsonw_arr_end(&w);
	jsonw_key(&w, "page");
	jsonw_int(&w, 7);
	jsonw_obj_end(&w);
	assert_string_equal(w.out.data, want);
	assert_int_equal(w.out.len, strlen(want));
	free(want);
	jsonw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_escape_as_jansson_does),
		cmocka_unit_test(invalid_utf8_becomes_replacement),
		cmocka_unit_test(utf8_passthrough_agrees_with_utf8_valid),
		cmocka_unit_test(nesting_and_scalars_match_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
