/* config.h — settings from defaults, an optional KEY=VALUE file and GONGHUI_* environment
 * variables (later wins). The config lives for the whole process. */
#ifndef GONGHUI_UTIL_CONFIG_H
#define GONGHUI_UTIL_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

typedef enum { MODE_DEV, MODE_TEST, MODE_PROD } run_mode;

typedef struct config {
	run_mode mode;
	char *mode_name;
	char *listen;          /* host:port */
	char *db;              /* sqlite:PATH or postgres://… */
	char *data_dir;        /* sms.jsonl, mail/, field.key, demo-accounts.txt */
	char *base_url;        /* public origin; defaults to http://LISTEN */
	char *trusted_proxies; /* CIDR list, comma or space separated */
	char *web_dir;         /* built sites (web/dist) */
	char *assets_dir;      /* regions, texts (data/) */
	char *key_file;        /* field encryption key; defaults to DATA_DIR/field.key */
	char *access_log;      /* "stderr" or "off" */
	char *sms_provider;    /* dev | http */
	char *sms_gateway_url;
	char *sms_gateway_token;
	char *sms_sign;
	char *mail_provider; /* dev | smtp */
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;
	char *mail_from;
	long smtp_starttls; /* 1: require STARTTLS on smtp:// */
	long argon_ops;
	long argon_mem_kib;
	long http_threads;   /* libmicrohttpd thread pool */
	long workers;        /* pool for database round trips on PostgreSQL */
	long hash_workers;   /* Argon2: one per core */
	long db_connections;
	long max_connections;
	long per_address_connections;
	long connection_timeout;
	long demo_units;
} config;

/* Loads defaults, then file (may be NULL), then the environment. Returns 0 or -1 with a
 * message in err. */
int config_load(config *c, const char *file, char *err, size_t errlen);
bool config_dev_providers_allowed(const config *c);
#endif
