/* form.h — a form's contract as a static table (kcgi kvalid style): field name, kind,
 * required. form_parse checks the JSON body against it before a handler acts; on the first
 * bad field it answers 400 naming that field and returns false. */
#ifndef GONGHUI_API_FORM_H
#define GONGHUI_API_FORM_H
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

typedef enum {
	FIELD_TEXT,     /* free text: valid UTF-8, no control characters */
	FIELD_NAME,     /* a person's name: 2–30 characters of CJK, letters, space, · . - */
	FIELD_PHONE,    /* mainland mobile */
	FIELD_CODE6,    /* 6-digit SMS code */
	FIELD_SECRET,   /* a password as typed: 1–128 bytes, checked by the policy later */
	FIELD_TOKEN,    /* opaque base64url token */
	FIELD_IDNUMBER, /* 居民身份证号: syntax here, the full GB 11643 check in the handler */
	FIELD_BOOL,
	FIELD_USERNAME, /* ID number or phone (later: e-mail) */
} field_kind;

typedef struct field_spec {
	const char *name;
	field_kind kind;
	bool required;
	const char *label; /* Chinese label for messages: 手机号, 验证码 … */
} field_spec;

typedef struct form_value {
	bool present;
	const char *s; /* strings (arena-owned) */
	bool b;        /* FIELD_BOOL */
} form_value;

#define FORM_LEN(specs) ((int)(sizeof(specs) / sizeof((specs)[0])))

bool form_parse(http_request *r, const field_spec *specs, int n, form_value *out);
/* Reads an integer query parameter in [min, max]; def when absent. Responds 400 naming it and
 * returns false when it is not such a number. */
bool form_query_long(http_request *r, const char *name, long def, long min, long max, long *out);
/* A person's name as FIELD_NAME takes it (2–30 characters of CJK, letters, space, · . -). */
bool form_name_valid(const char *s);
/* Number of UTF-8 characters in s. */
size_t form_utf8_len(const char *s);
#endif
