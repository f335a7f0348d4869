/* units_import.h — `gonghui units import FILE.csv` and `gonghui units generate N`.
 * CSV columns: name, credit_code, district_code, street_code, address, has_union, union_name.
 * The whole file is checked first (credit codes by their GB 32100 check character, regions,
 * duplicates in the file and in the database); any error → a line-numbered report and nothing
 * imported; otherwise everything is imported in one transaction. */
#ifndef GONGHUI_SEED_UNITS_IMPORT_H
#define GONGHUI_SEED_UNITS_IMPORT_H
#include <stdio.h>

#include "store/db.h"

/* Returns the number of units imported, or -1 after writing the errors to report. */
long units_import(db *d, const char *path, FILE *report);
/* Writes n synthetic units as CSV (realistic names, valid credit codes, real regions). */
int units_generate(db *d, long n, unsigned long long seed, FILE *out);
#endif
