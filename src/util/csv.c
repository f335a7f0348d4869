/* csv.c — a small CSV reader; a record may span lines inside quotes. */
#include "util/csv.h"

#include <string.h>

int csv_read(csv_reader *r, csv_row *row)
{
	int c, quoted = 0, at_start = 1;
	size_t len = 0;
	row->n = 0;
	row->line = r->line + 1;
	char *field = r->buf;
	c = fgetc(r->f);
	if (c == EOF)
		return 0;
	/* A UTF-8 byte order mark at the very start of the file is not data. */
	if (r->line == 0 && c == 0xef) {
		int c2 = fgetc(r->f), c3 = fgetc(r->f);
		if (c2 == 0xbb && c3 == 0xbf)
			c = fgetc(r->f);
		else
			return -1;
	}
	for (;; c = fgetc(r->f)) {
		if (len + 2 >= sizeof(r->buf))
			return -1;
		if (quoted) {
			if (c == EOF)
				return -1;
			if (c == '"') {
				int next = fgetc(r->f);
				if (next == '"') {
					r->buf[len++] = '"';
					continue;
				}
				quoted = 0;
				c = next;
			} else {
				if (c == '\n')
					r->line++;
				r->buf[len++] = (char)c;
				continue;
			}
		}
		if (c == '"' && at_start) {
			quoted = 1;
			at_start = 0;
			continue;
		}
		if (c == ',' || c == '\n' || c == EOF || c == '\r') {
			if (c == '\r') {
				int next = fgetc(r->f);
				if (next != '\n' && next != EOF)
					ungetc(next, r->f);
				c = '\n';
			}
			r->buf[len++] = '\0';
			if (row->n >= CSV_MAX_FIELDS)
				return -1;
			row->field[row->n++] = field;
			field = r->buf + len;
			at_start = 1;
			if (c != ',') {
				r->line++;
				return 1;
			}
			continue;
		}
		at_start = 0;
		r->buf[len++] = (char)c;
	}
}

void csv_write_field(buf *b, const char *s, bool last)
{
	buf_puts(b, "\"");
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"");
		buf_append(b, s, 1);
	}
	buf_puts(b, last ? "\"\r\n" : "\",");
}
