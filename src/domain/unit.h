/* unit.h — the rules of a work unit's (工作单位) own fields, the same for every way a unit
 * comes in: the back office's form and CSV import (单位管理) and `gonghui units import`. */
#ifndef GONGHUI_DOMAIN_UNIT_H
#define GONGHUI_DOMAIN_UNIT_H
#include <stdbool.h>

enum { UNIT_NAME_MIN = 2, UNIT_NAME_MAX = 100, UNIT_ADDRESS_MAX = 200 };

/* No control characters. */
bool domain_text_clean(const char *s);
/* Starts or ends with a space (ASCII or the ideographic U+3000). */
bool domain_text_padded(const char *s);
/* Removes leading and trailing spaces (ASCII, tab, U+3000) in place; returns s. */
char *domain_text_trim(char *s);
/* 2–100 characters, no control characters, no space at either end. */
bool domain_unit_name_valid(const char *name);
/* Up to 200 characters (may be empty), no control characters, no space at either end. */
bool domain_unit_address_valid(const char *address);
#endif
