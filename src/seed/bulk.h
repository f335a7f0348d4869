/* bulk.h — `gonghui bulk`: fills a database with up to 10^6 units (with their search grams and
 * grassroots unions), workers with current memberships, and join applications with their
 * timelines, for the scale benchmarks of SPEC §8. Every generated worker shares one Argon2
 * hash of BULK_PASSWORD; phones, ID numbers, credit codes, member numbers and reference
 * numbers are derived from the row ids, so they are unique by construction, also across runs. */
#ifndef GONGHUI_SEED_BULK_H
#define GONGHUI_SEED_BULK_H
#include <stdio.h>

#include "store/db.h"

#define BULK_PASSWORD "Gonghui2026"

enum { BULK_MAX_ROWS = 1000000 };

typedef struct bulk_opts {
	long units, members, applications;
	unsigned long long seed;
} bulk_opts;

/* Appends the rows (explicit ids from MAX(id) + 1, multi-row inserts, one transaction per
 * chunk), then resets PostgreSQL's id sequences and refreshes the planner statistics.
 * Progress goes to stderr; one bench login line (a worker with several applications) to out.
 * The region and union tree must be seeded and password_configure called. 0 or -1. */
int bulk_generate(db *d, const bulk_opts *o, FILE *out);
#endif
