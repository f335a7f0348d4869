/* csv.h — RFC 4180 CSV: reading (quoted fields, doubled quotes, CRLF or LF line ends) and
 * writing spreadsheet-safe fields. */
#ifndef GONGHUI_UTIL_CSV_H
#define GONGHUI_UTIL_CSV_H
#include <stdbool.h>
#include <stdio.h>

#include "util/buf.h"

enum { CSV_MAX_FIELDS = 16, CSV_MAX_LINE = 8192 };

typedef struct csv_row {
	char *field[CSV_MAX_FIELDS]; /* point into the reader's buffer until the next read */
	int n;
	int line; /* line number where the record starts (1-based) */
} csv_row;

typedef struct csv_reader {
	FILE *f;
	int line;
	char buf[CSV_MAX_LINE * 2];
} csv_reader;

/* Returns 1 with a row, 0 at end of file, -1 on a malformed or overlong record. */
int csv_read(csv_reader *r, csv_row *row);

/* Appends s as a quoted field (then "," or, when last, CRLF); a leading = + - @ is neutralised
 * with ' so that spreadsheets do not run it as a formula. */
void csv_write_field(buf *b, const char *s, bool last);
#endif
