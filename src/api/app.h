/* app.h — what every handler shares: configuration, database, the session rules.
 * Set up once by `gonghui serve` before the server starts; read-only afterwards. */
#ifndef GONGHUI_API_APP_H
#define GONGHUI_API_APP_H
#include <jansson.h>
#include <stdbool.h>

#include "store/db.h"
#include "store/store.h"
#include "util/config.h"

enum {
	SESSION_IDLE_S = 30 * 60,
	SESSION_ABSOLUTE_S = 12 * 3600,
	LOGIN_LOCK_AFTER = 5,
	LOGIN_LOCK_S = 15 * 60,
	LOGIN_FAILURES_PER_CLIENT_HOUR = 100,
	SMS_CODE_TTL_S = 5 * 60,
	SMS_CODE_MAX_TRIES = 5,
	PHONE_PROOF_TTL_S = 15 * 60,
};

#define PRIVACY_NOTICE_VERSION "2026-11"

typedef struct app {
	const config *cfg;
	db *db;
	bool secure_cookies;
	char origins[3][256]; /* Origins accepted on state-changing cookie requests */
	int norigins;
	void (*outbox_wake)(void);
	char *privacy_text; /* data/privacy-notice.txt */
	region_row *regions; /* the region table, loaded at start (it changes with a deploy) */
	int nregions;
} app;

extern app APP;

/* Name of a region code, "" when unknown. */
const char *app_region_name(const char *code);
/* Is code a district (区)? Is street a street, town or zone (镇街) of district? */
bool app_region_is_district(const char *code);
bool app_region_street_in(const char *street, const char *district);
json_t *render_unit(const unit_row *u);
/* With the unit's grassroots union {code, name} when it has one. */
json_t *render_unit_with_union(db_conn *c, const unit_row *u);
/* A page of units: total (capped at 1000, then total_capped and total_text "1000+"), page,
 * page_size and items (taken). */
json_t *render_unit_page(const unit_page *pg, long page, long size, json_t *items);

/* Fills APP from the config; returns 0 or -1. */
int app_init(const config *cfg, db *d);
#endif
