/* main.c — the gonghui command: serve (default), migrate, keygen, user add, backup. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "api/app.h"
#include "domain/password_policy.h"
#include "domain/phone.h"
#include "http/client.h"
#include "http/headers.h"
#include "http/server.h"
#include "notify/notify.h"
#include "security/crypto.h"
#include "security/password.h"
#include "seed/bulk.h"
#include "seed/seed.h"
#include "seed/units_import.h"
#include "store/backup.h"
#include "store/migrate.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/log.h"

static const char usage[] =
	"usage: gonghui [--config FILE] [COMMAND]\n"
	"\n"
	"commands:\n"
	"  serve                 run the server (default)\n"
	"  migrate               apply database migrations and exit\n"
	"  keygen                create the field encryption key (GONGHUI_KEY_FILE)\n"
	"  user add --role ROLE --phone PHONE --name NAME --org CODE\n"
	"                        add a staff account; the password is read from stdin\n"
	"                        ROLE: platform_admin | org_admin | reviewer\n"
	"  backup FILE           copy the SQLite database online to FILE\n"
	"  units import FILE.csv import units (name,credit_code,district_code,street_code,\n"
	"                        address,has_union,union_name); all or nothing\n"
	"  units generate N [SEED]  write N synthetic units as CSV to stdout\n"
	"  bulk --units N --members N --applications N [--seed S]\n"
	"                        add up to 1000000 of each for benchmarks (units with unions\n"
	"                        and search grams, workers with memberships, join\n"
	"                        applications); every bulk worker's password is " BULK_PASSWORD "\n"
	"  --help, --version\n"
	"\n"
	"configuration: GONGHUI_* environment variables or KEY=VALUE lines in --config FILE\n"
	"(GONGHUI_MODE, GONGHUI_LISTEN, GONGHUI_DB, GONGHUI_DATA_DIR, GONGHUI_BASE_URL,\n"
	"GONGHUI_TRUSTED_PROXIES, GONGHUI_SMS_*, GONGHUI_SMTP_*, GONGHUI_ARGON2_*; see README).\n";

static config cfg;
static db *database;

static int fail(const char *what, const char *err)
{
	fprintf(stderr, "gonghui: %s%s%s\n", what, err && *err ? ": " : "", err ? err : "");
	return 1;
}

static int open_database(bool migrate)
{
	char err[512];
	mkdir(cfg.data_dir, 0700);
	if (db_open(&database, cfg.db, (int)cfg.db_connections, err, sizeof(err)))
		return fail("database", err);
	if (migrate && store_migrate(database))
		return fail("migration failed", NULL);
	return 0;
}

/* A node started with another key than the one the data was written with must not run. */
static int check_field_key(void)
{
	char want[65], have[80];
	crypto_key_check_value(want);
	db_conn *c = db_acquire(database);
	if (!c)
		return fail("database", "no connection");
	store_rc rc = store_meta_get(c, "field_key_check", have, sizeof(have));
	if (rc == STORE_NOTFOUND) {
		store_meta_put(c, "field_key_check", want);
		rc = store_meta_get(c, "field_key_check", have, sizeof(have));
	}
	db_release(c);
	if (rc != STORE_OK)
		return fail("database", "cannot read the field key check");
	if (strcmp(want, have) != 0)
		return fail("the field encryption key does not match the one this database was "
			    "written with; refusing to start",
			    NULL);
	return 0;
}

static int load_key(void)
{
	char err[512];
	if (crypto_load_key(cfg.key_file, err, sizeof(err)))
		return fail("key", err);
	return 0;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = xmalloc((size_t)n + 1);
	s[fread(s, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return s;
}

static pthread_t janitor;
static pthread_mutex_t janitor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t janitor_wake = PTHREAD_COND_INITIALIZER;
static bool janitor_stop;

/* Deletes expired codes, proofs, send records and sessions every ten minutes. */
static void *janitor_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&janitor_lock);
	while (!janitor_stop) {
		pthread_mutex_unlock(&janitor_lock);
		db_conn *c = db_acquire(database);
		if (c) {
			store_expire_old(c, clock_now());
			db_release(c);
		}
		pthread_mutex_lock(&janitor_lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 600;
		if (!janitor_stop)
			pthread_cond_timedwait(&janitor_wake, &janitor_lock, &ts);
	}
	pthread_mutex_unlock(&janitor_lock);
	return NULL;
}

static bool ready(void)
{
	return db_ping(database);
}

static int cmd_serve(void)
{
	char err[512];
	if (notify_check_config(&cfg, err, sizeof(err)))
		return fail("notifications", err);
	if (client_trusted_parse(cfg.trusted_proxies, err, sizeof(err)))
		return fail("config", err);
	if (load_key() || open_database(true) || check_field_key())
		return 1;
	password_configure((unsigned long)cfg.argon_ops, (size_t)cfg.argon_mem_kib * 1024);
	if (seed_reference(database, &cfg))
		return fail("could not load the region and union tree", NULL);
	if (cfg.mode != MODE_PROD && seed_demo(database, &cfg))
		return fail("could not load demo data", NULL);
	password_release_memory(); /* from here on only the hash pool hashes */
	if (app_init(&cfg, database))
		return fail("database", "cannot read the region table");
	char path[4096];
	snprintf(path, sizeof(path), "%s/privacy-notice.txt", cfg.assets_dir);
	APP.privacy_text = read_text(path);
	APP.outbox_wake = notify_wake;
	headers_configure(APP.secure_cookies);
	notify_start(&cfg, database);
	pthread_create(&janitor, NULL, janitor_main, NULL);
	log_info("gonghui %s, mode %s, database %s", GONGHUI_VERSION, cfg.mode_name,
		 db_dialect(database) == DB_SQLITE ? "sqlite" : "postgres");
	server_opts o = {
		.listen = cfg.listen,
		.web_dir = cfg.web_dir,
		.threads = (int)cfg.http_threads,
		.workers = (int)cfg.workers,
		.hash_workers = (int)cfg.hash_workers,
		.connection_timeout = (int)cfg.connection_timeout,
		.max_connections = (int)cfg.max_connections,
		.per_address_connections = (int)cfg.per_address_connections,
		.access_log = strcmp(cfg.access_log, "off") != 0,
		.inline_db = db_dialect(database) == DB_SQLITE,
		.ready = ready,
	};
	int rc = server_run(&o);
	pthread_mutex_lock(&janitor_lock);
	janitor_stop = true;
	pthread_cond_signal(&janitor_wake);
	pthread_mutex_unlock(&janitor_lock);
	pthread_join(janitor, NULL);
	notify_stop();
	db_close(database);
	free(APP.privacy_text);
	free(APP.regions);
	return rc ? 1 : 0;
}

/* Migrates and loads the reference data (regions, the union tree), so that staff accounts
 * can be added before the first start. */
static int cmd_migrate(void)
{
	if (open_database(true))
		return 1;
	int rc = seed_reference(database, &cfg) ? fail("could not load the region and union tree", NULL) : 0;
	db_close(database);
	return rc;
}

static int cmd_keygen(void)
{
	char err[512];
	mkdir(cfg.data_dir, 0700);
	if (crypto_keygen(cfg.key_file, err, sizeof(err)))
		return fail("keygen", err);
	printf("wrote a new field encryption key to %s; deploy the same file to every node\n",
	       cfg.key_file);
	return 0;
}

static int cmd_user_add(int argc, char **argv)
{
	static const struct option longopts[] = {{"role", required_argument, NULL, 'r'},
						 {"phone", required_argument, NULL, 'p'},
						 {"name", required_argument, NULL, 'n'},
						 {"org", required_argument, NULL, 'o'},
						 {NULL, 0, NULL, 0}};
	const char *role = NULL, *phone = NULL, *name = NULL, *org_code = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': role = optarg; break;
		case 'p': phone = optarg; break;
		case 'n': name = optarg; break;
		case 'o': org_code = optarg; break;
		default: return fail("usage", "user add --role ROLE --phone PHONE --name NAME --org CODE");
		}
	}
	if (!role || !phone || !name || !org_code)
		return fail("usage", "user add --role ROLE --phone PHONE --name NAME --org CODE");
	if (strcmp(role, "platform_admin") && strcmp(role, "org_admin") && strcmp(role, "reviewer"))
		return fail("role must be platform_admin, org_admin or reviewer", NULL);
	if (!domain_phone_valid(phone, strlen(phone)))
		return fail("not a mainland mobile number", phone);
	if (!*name || strlen(name) > 90)
		return fail("name must be 1 to 30 characters", NULL);
	char pw[300];
	if (!fgets(pw, sizeof(pw), stdin))
		return fail("read the password from stdin", NULL);
	pw[strcspn(pw, "\r\n")] = '\0';
	password_status ps = domain_password_check(pw, strlen(pw), phone, NULL);
	if (ps != PASSWORD_OK)
		return fail("password", domain_password_message(ps));
	if (open_database(true))
		return 1;
	password_configure((unsigned long)cfg.argon_ops, (size_t)cfg.argon_mem_kib * 1024);
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(pw, hash))
		return fail("out of memory hashing the password", NULL);
	sodium_memzero(pw, sizeof(pw));
	db_conn *c = db_acquire(database);
	org_row org;
	int64_t id = 0;
	int rc = 1;
	if (!c)
		rc = fail("database", "no connection");
	else if (store_org_by_code(c, org_code, &org) != STORE_OK)
		rc = fail("no organisation with code", org_code);
	else {
		staff_new s = {phone, name, role, hash, org.id};
		store_rc sr = store_staff_create(c, &s, clock_now(), &id);
		if (sr == STORE_CONFLICT)
			rc = fail("a staff account with this phone exists already", NULL);
		else if (sr != STORE_OK)
			rc = fail("database", "insert failed");
		else {
			store_audit(c, "cli", 0, "staff.create", role, "cli", org_code, clock_now());
			printf("added %s %s (id %lld) to %s\n", role, name, (long long)id, org.name);
			rc = 0;
		}
	}
	db_release(c);
	db_close(database);
	return rc;
}

static int cmd_units(int argc, char **argv)
{
	if (argc < 2)
		return fail("usage", "units import FILE.csv | units generate N [SEED]");
	if (open_database(true))
		return 1;
	int rc = 0;
	if (strcmp(argv[0], "import") == 0) {
		if (seed_reference(database, &cfg)) {
			rc = fail("could not load the region and union tree", NULL);
		} else {
			long n = units_import(database, argv[1], stderr);
			if (n < 0)
				rc = 1;
			else
				printf("imported %ld units\n", n);
		}
	} else if (strcmp(argv[0], "generate") == 0) {
		long n = strtol(argv[1], NULL, 10);
		unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 0;
		if (n < 0 || n > 10000000 || seed_reference(database, &cfg) ||
		    units_generate(database, n, seed, stdout))
			rc = fail("generate", "N from 0 to 10000000, and a readable region table");
	} else {
		rc = fail("usage", "units import FILE.csv | units generate N [SEED]");
	}
	db_close(database);
	return rc;
}

static int cmd_bulk(int argc, char **argv)
{
	static const struct option longopts[] = {{"units", required_argument, NULL, 'u'},
						 {"members", required_argument, NULL, 'm'},
						 {"applications", required_argument, NULL, 'a'},
						 {"seed", required_argument, NULL, 's'},
						 {NULL, 0, NULL, 0}};
	static const char usage_bulk[] =
		"bulk --units N --members N --applications N [--seed S], N from 0 to 1000000";
	bulk_opts o = {0};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end = NULL;
		unsigned long long v = ch == '?' ? 0 : strtoull(optarg, &end, 10);
		if (!end || end == optarg || *end || (ch != 's' && v > BULK_MAX_ROWS))
			return fail("usage", usage_bulk);
		switch (ch) {
		case 'u': o.units = (long)v; break;
		case 'm': o.members = (long)v; break;
		case 'a': o.applications = (long)v; break;
		default: o.seed = v;
		}
	}
	if (optind < argc)
		return fail("usage", usage_bulk);
	/* No server here: let Ctrl-C stop a long run (an open transaction is simply lost). */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (load_key() || open_database(true) || check_field_key())
		return 1;
	password_configure((unsigned long)cfg.argon_ops, (size_t)cfg.argon_mem_kib * 1024);
	int rc = 0;
	if (seed_reference(database, &cfg))
		rc = fail("could not load the region and union tree", NULL);
	else if (bulk_generate(database, &o, stdout))
		rc = fail("bulk", "generation failed; the chunks written so far are kept");
	db_close(database);
	return rc;
}

static int cmd_backup(const char *target)
{
	char err[512];
	if (open_database(false))
		return 1;
	int rc = store_backup(database, target, err, sizeof(err));
	db_close(database);
	if (rc)
		return fail("backup", err);
	printf("backup written to %s\n", target);
	return 0;
}

int main(int argc, char **argv)
{
	const char *config_file = NULL;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		config_file = argv[i + 1];
		i += 2;
	}
	const char *cmd = i < argc ? argv[i] : "serve";
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("gonghui %s\n", GONGHUI_VERSION);
		return 0;
	}
	char err[512];
	umask(077); /* the database, key and message files hold personal data */
	if (config_load(&cfg, config_file, err, sizeof(err)))
		return fail("config", err);
	if (crypto_init())
		return fail("libsodium failed to initialise", NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* Signals are taken by sigwait in the server; every thread inherits this mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc;
	if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve();
	else if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate();
	else if (strcmp(cmd, "keygen") == 0)
		rc = cmd_keygen();
	else if (strcmp(cmd, "user") == 0 && i + 1 < argc && strcmp(argv[i + 1], "add") == 0)
		rc = cmd_user_add(argc - i - 1, argv + i + 1);
	else if (strcmp(cmd, "units") == 0)
		rc = cmd_units(argc - i - 1, argv + i + 1);
	else if (strcmp(cmd, "bulk") == 0)
		rc = cmd_bulk(argc - i, argv + i);
	else if (strcmp(cmd, "backup") == 0 && i + 1 < argc)
		rc = cmd_backup(argv[i + 1]);
	else {
		fputs(usage, stderr);
		rc = 2;
	}
	curl_global_cleanup();
	return rc;
}
