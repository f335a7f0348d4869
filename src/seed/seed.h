/* seed.h — data the database starts with: the region tree and the union tree built from it
 * (every mode), and demo units and staff accounts (dev and test modes only). */
#ifndef GONGHUI_SEED_SEED_H
#define GONGHUI_SEED_SEED_H
#include "store/db.h"
#include "util/config.h"

/* Loads regions from ASSETS_DIR/xiamen-regions.csv and, on an empty org table, the city
 * federation, the district federations and one union per street/town/zone. 0 or -1. */
int seed_reference(db *d, const config *cfg);
/* On an empty unit table: synthetic units (some with a grassroots union) and demo staff whose
 * logins go to DATA_DIR/demo-accounts.txt (mode 0600). 0 or -1. */
int seed_demo(db *d, const config *cfg);
/* Makes a valid unified social credit code from a deterministic random state. */
void seed_credit_code(unsigned long long *state, const char *district6, char out[19]);
#endif
