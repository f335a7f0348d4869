/* app.h — what every handler shares: configuration, database, the session rules.
 * Set up once by `gonghui serve` before the server starts; read-only afterwards. */
#ifndef GONGHUI_API_APP_H
#define GONGHUI_API_APP_H
#include <stdbool.h>

#include "store/db.h"
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
} app;

extern app APP;

/* Fills APP from the config; returns 0 or -1. */
int app_init(const config *cfg, db *d);
#endif
