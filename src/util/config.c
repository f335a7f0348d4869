/* config.c — one table of settings: name, kind, default; read from file then environment. */
#include "util/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"

typedef enum { SET_STR, SET_LONG } setting_kind;

typedef struct setting {
	const char *name;
	setting_kind kind;
	size_t offset;
	const char *def;
	long min, max;
} setting;

#define S(name, field, def) {name, SET_STR, offsetof(config, field), def, 0, 0}
#define L(name, field, def, lo, hi) {name, SET_LONG, offsetof(config, field), def, lo, hi}

static const setting settings[] = {
	S("GONGHUI_MODE", mode_name, "dev"),
	S("GONGHUI_LISTEN", listen, "127.0.0.1:8080"),
	S("GONGHUI_DB", db, "sqlite:var/gonghui.db"),
	S("GONGHUI_DATA_DIR", data_dir, "var"),
	S("GONGHUI_BASE_URL", base_url, ""),
	S("GONGHUI_TRUSTED_PROXIES", trusted_proxies, ""),
	S("GONGHUI_WEB_DIR", web_dir, "web/dist"),
	S("GONGHUI_ASSETS_DIR", assets_dir, "data"),
	S("GONGHUI_KEY_FILE", key_file, ""),
	S("GONGHUI_ACCESS_LOG", access_log, "stderr"),
	S("GONGHUI_SMS_PROVIDER", sms_provider, "dev"),
	S("GONGHUI_SMS_GATEWAY_URL", sms_gateway_url, ""),
	S("GONGHUI_SMS_GATEWAY_TOKEN", sms_gateway_token, ""),
	S("GONGHUI_SMS_SIGN", sms_sign, "厦门工会"),
	S("GONGHUI_MAIL_PROVIDER", mail_provider, "dev"),
	S("GONGHUI_SMTP_URL", smtp_url, ""),
	S("GONGHUI_SMTP_USER", smtp_user, ""),
	S("GONGHUI_SMTP_PASSWORD", smtp_password, ""),
	S("GONGHUI_MAIL_FROM", mail_from, "noreply@localhost"),
	L("GONGHUI_SMTP_STARTTLS", smtp_starttls, "0", 0, 1),
	L("GONGHUI_ARGON2_OPS", argon_ops, "2", 1, 10),
	L("GONGHUI_ARGON2_MEM_KIB", argon_mem_kib, "19456", 8, 4194304),
	L("GONGHUI_HTTP_THREADS", http_threads, "0", 0, 256),
	L("GONGHUI_WORKERS", workers, "16", 1, 256),
	L("GONGHUI_HASH_WORKERS", hash_workers, "0", 0, 256),
	L("GONGHUI_DB_CONNECTIONS", db_connections, "0", 0, 512),
	L("GONGHUI_MAX_CONNECTIONS", max_connections, "4096", 16, 65536),
	L("GONGHUI_PER_ADDRESS_CONNECTIONS", per_address_connections, "256", 1, 65536),
	L("GONGHUI_CONNECTION_TIMEOUT", connection_timeout, "30", 1, 3600),
	L("GONGHUI_DEMO_UNITS", demo_units, "300", 0, 1000000),
};

static int setting_apply(config *c, const setting *s, const char *value, char *err, size_t errlen)
{
	void *field = (char *)c + s->offset;
	if (s->kind == SET_STR) {
		char **p = field;
		free(*p);
		*p = xstrdup(value);
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < s->min || v > s->max) {
		snprintf(err, errlen, "%s: expected a number from %ld to %ld", s->name, s->min, s->max);
		return -1;
	}
	*(long *)field = v;
	return 0;
}

static const setting *setting_find(const char *name)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int config_read_file(config *c, const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected KEY=VALUE", file, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		const setting *st = setting_find(trim(s));
		if (!st) {
			snprintf(err, errlen, "%s:%d: unknown setting %s", file, lineno, trim(s));
			rc = -1;
			break;
		}
		rc = setting_apply(c, st, trim(eq + 1), err, errlen);
	}
	fclose(f);
	return rc;
}

static int config_finish(config *c, char *err, size_t errlen)
{
	if (strcmp(c->mode_name, "dev") == 0)
		c->mode = MODE_DEV;
	else if (strcmp(c->mode_name, "test") == 0)
		c->mode = MODE_TEST;
	else if (strcmp(c->mode_name, "prod") == 0)
		c->mode = MODE_PROD;
	else {
		snprintf(err, errlen, "GONGHUI_MODE must be dev, test or prod");
		return -1;
	}
	if (!*c->base_url) {
		free(c->base_url);
		size_t n = strlen(c->listen) + 8;
		c->base_url = xmalloc(n);
		snprintf(c->base_url, n, "http://%s", c->listen);
	}
	size_t bl = strlen(c->base_url);
	if (bl && c->base_url[bl - 1] == '/')
		c->base_url[bl - 1] = '\0';
	if (!*c->key_file) {
		free(c->key_file);
		size_t n = strlen(c->data_dir) + 16;
		c->key_file = xmalloc(n);
		snprintf(c->key_file, n, "%s/field.key", c->data_dir);
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	if (c->http_threads == 0)
		c->http_threads = cores;
	if (c->hash_workers == 0)
		c->hash_workers = cores;
	if (c->db_connections == 0)
		c->db_connections = c->http_threads + c->workers + c->hash_workers + 4;
	if (c->mode == MODE_PROD &&
	    (strcmp(c->sms_provider, "dev") == 0 || strcmp(c->mail_provider, "dev") == 0)) {
		snprintf(err, errlen,
			 "prod mode refuses the development SMS and mail providers: set "
			 "GONGHUI_SMS_PROVIDER=http and GONGHUI_MAIL_PROVIDER=smtp");
		return -1;
	}
	return 0;
}

int config_load(config *c, const char *file, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (setting_apply(c, &settings[i], settings[i].def, err, errlen))
			return -1;
	if (!file)
		file = getenv("GONGHUI_CONFIG");
	if (file && *file && config_read_file(c, file, err, errlen))
		return -1;
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const char *v = getenv(settings[i].name);
		if (v && setting_apply(c, &settings[i], v, err, errlen))
			return -1;
	}
	return config_finish(c, err, errlen);
}

bool config_dev_providers_allowed(const config *c)
{
	return c->mode == MODE_DEV || c->mode == MODE_TEST;
}
