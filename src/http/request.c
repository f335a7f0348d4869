/* request.c — accessors for request data and builders for the response. */
#include "http/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *kv_find(const http_kv *kv, int n, const char *key, bool nocase)
{
	for (int i = 0; i < n; i++)
		if (nocase ? strcasecmp(kv[i].key, key) == 0 : strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

const char *req_header(const http_request *r, const char *name)
{
	return kv_find(r->headers, r->nheaders, name, true);
}

const char *req_query(const http_request *r, const char *name)
{
	return kv_find(r->query, r->nquery, name, false);
}

const char *req_param(const http_request *r, const char *name)
{
	return kv_find(r->params, r->nparams, name, false);
}

const char *req_cookie(http_request *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].key, "Cookie") != 0)
			continue;
		const char *p = r->headers[i].value;
		while (p && *p) {
			while (*p == ' ' || *p == ';')
				p++;
			const char *end = strchr(p, ';');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (len > n && strncmp(p, name, n) == 0 && p[n] == '=')
				return arena_strndup(&r->mem, p + n + 1, len - n - 1);
			p = end;
		}
	}
	return NULL;
}

void res_json(http_request *r, int status, json_t *body)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	free(r->resp);
	r->resp = NULL;
	r->resp_len = 0;
	if (body) {
		r->resp = json_dumps(body, JSON_COMPACT);
		r->resp_len = r->resp ? strlen(r->resp) : 0;
		json_decref(body);
	}
}

void res_jsonw(http_request *r, int status, jsonw *w)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	free(r->resp);
	r->resp = w->out.data;
	r->resp_len = w->out.len;
	w->out = (buf){0};
}

static json_t *error_body(const char *code, const char *message, const char *field)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (field)
		json_object_set_new(err, "field", json_string(field));
	return err;
}

void res_error(http_request *r, int status, const char *code, const char *message,
	       const char *field)
{
	res_json(r, status, json_pack("{s:o}", "error", error_body(code, message, field)));
}

void res_error_retry(http_request *r, int status, const char *code, const char *message,
		     int64_t retry_after)
{
	json_t *err = error_body(code, message, NULL);
	json_object_set_new(err, "retry_after", json_integer(retry_after));
	res_json(r, status, json_pack("{s:o}", "error", err));
}

void res_cookie(http_request *r, const char *name, const char *value, int max_age, bool secure)
{
	if (r->nset_cookies >= (int)(sizeof(r->set_cookies) / sizeof(r->set_cookies[0])))
		return;
	r->set_cookies[r->nset_cookies++] =
		arena_printf(&r->mem, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", name,
			     value, max_age, secure ? "; Secure" : "");
}

void res_redirect(http_request *r, int status, const char *location)
{
	r->status = status;
	r->location = arena_strdup(&r->mem, location);
}

void res_bytes(http_request *r, int status, const char *content_type, void *data, size_t len)
{
	free(r->resp);
	r->status = status;
	r->content_type = arena_strdup(&r->mem, content_type);
	r->resp = data;
	r->resp_len = len;
}
