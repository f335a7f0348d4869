/* form.c — field validators; each kind has one validator and one message. */
#include "api/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/errors.h"
#include "domain/phone.h"

size_t form_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Decodes one UTF-8 sequence (jansson has validated it); returns its length. */
static int utf8_next(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0) {
		*cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		return 3;
	}
	*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
	      (s[3] & 0x3fu);
	return 4;
}

static bool no_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool name_char(unsigned cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0x20000 && cp <= 0x2ebef) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == ' ' || cp == 0xb7 ||
	       cp == 0x2022 || cp == '.' || cp == '-';
}

bool form_name_valid(const char *s)
{
	size_t chars = 0;
	const unsigned char *p = (const unsigned char *)s;
	if (*p == ' ')
		return false;
	while (*p) {
		unsigned cp;
		p += utf8_next(p, &cp);
		if (!name_char(cp))
			return false;
		chars++;
	}
	return chars >= 2 && chars <= 30 && p[-1] != ' ';
}

static bool all_in(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, set) == n;
}

static const char digits[] = "0123456789";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Returns NULL when valid, else the message. */
static const char *check(const field_spec *f, const char *s, char *msg, size_t msglen)
{
	switch (f->kind) {
	case FIELD_TEXT:
		if (!no_controls(s) || form_utf8_len(s) > 500) {
			snprintf(msg, msglen, "%s不能超过500个字符且不能包含控制字符", f->label);
			return msg;
		}
		return NULL;
	case FIELD_NAME:
		return form_name_valid(s) ? NULL
				     : "姓名应为2–30个字符，只能包含汉字、字母、空格和间隔号·";
	case FIELD_PHONE:
		return domain_phone_valid(s, strlen(s)) ? NULL : "请输入正确的11位手机号码";
	case FIELD_CODE6:
		return all_in(s, digits, 6, 6) ? NULL : "验证码应为6位数字";
	case FIELD_SECRET:
		return strlen(s) >= 1 && strlen(s) <= 256 && no_controls(s)
			       ? NULL
			       : "密码长度应为8–64位，且不能包含控制字符";
	case FIELD_TOKEN:
		return all_in(s, b64url, 16, 128) ? NULL : "验证已过期，请重新获取验证码";
	case FIELD_IDNUMBER:
		return all_in(s, "0123456789Xx", 15, 18) ? NULL
							 : "身份证号应为18位：17位数字加1位数字或字母X";
	case FIELD_USERNAME:
		return all_in(s, "0123456789Xx", 11, 18) ? NULL
							 : "请输入正确的证件号码或手机号码";
	case FIELD_BOOL:
		return NULL;
	}
	return "填写的内容格式不正确";
}

bool form_parse(http_request *r, const field_spec *specs, int n, form_value *out)
{
	char msg[160];
	for (int i = 0; i < n; i++) {
		const field_spec *f = &specs[i];
		json_t *v = json_object_get(r->json, f->name);
		out[i] = (form_value){0};
		bool empty = !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
		if (empty) {
			if (f->required) {
				snprintf(msg, sizeof(msg), "请填写%s", f->label);
				api_fail_msg(r, ERR_REQUIRED, f->name, msg);
				return false;
			}
			continue;
		}
		if (f->kind == FIELD_BOOL) {
			if (!json_is_boolean(v)) {
				snprintf(msg, sizeof(msg), "%s应为是或否", f->label);
				api_fail_msg(r, ERR_INVALID_FIELD, f->name, msg);
				return false;
			}
			out[i].present = true;
			out[i].b = json_is_true(v);
			continue;
		}
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
			snprintf(msg, sizeof(msg), "%s应为文本", f->label);
			api_fail_msg(r, ERR_INVALID_FIELD, f->name, msg);
			return false;
		}
		const char *s = json_string_value(v);
		if (strlen(s) > 4096) {
			snprintf(msg, sizeof(msg), "%s过长", f->label);
			api_fail_msg(r, ERR_INVALID_FIELD, f->name, msg);
			return false;
		}
		const char *bad = check(f, s, msg, sizeof(msg));
		if (bad) {
			api_fail_msg(r, ERR_INVALID_FIELD, f->name, bad);
			return false;
		}
		out[i].present = true;
		out[i].s = arena_strdup(&r->mem, s);
	}
	return true;
}

bool form_query_long(http_request *r, const char *name, long def, long min, long max, long *out)
{
	const char *s = req_query(r, name);
	*out = def;
	if (!s || !*s)
		return true;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < min || v > max || !((*s >= '0' && *s <= '9') || *s == '-')) {
		api_fail_msg(r, ERR_INVALID_FIELD, name,
			     arena_printf(&r->mem, "%s 应为%ld到%ld之间的整数", name, min, max));
		return false;
	}
	*out = v;
	return true;
}
