/* idcard.h — 居民身份证号码 (resident ID number, GB 11643-1999): validation, birth date, gender,
 * age, masking. Pure functions: the caller passes today's date. */
#ifndef GONGHUI_DOMAIN_IDCARD_H
#define GONGHUI_DOMAIN_IDCARD_H
#include <stddef.h>

typedef enum {
	IDCARD_OK = 0,
	IDCARD_ERR_LEGACY15, /* 15-digit first-generation number */
	IDCARD_ERR_FORMAT,   /* not 17 digits + digit/X */
	IDCARD_ERR_REGION,   /* no such province code */
	IDCARD_ERR_DATE,     /* impossible or future birth date */
	IDCARD_ERR_CHECK,    /* check character does not match */
} idcard_status;

typedef struct idcard {
	char number[19]; /* normalised: upper-case X */
	int birth_year, birth_month, birth_day;
	int male; /* 1 male, 0 female (17th digit odd/even) */
} idcard;

idcard_status domain_idcard_parse(const char *s, size_t len, int today_y, int today_m,
				  int today_d, idcard *out);
const char *domain_idcard_message(idcard_status st);
/* Full years of age on the given date. */
int domain_idcard_age(const idcard *id, int y, int m, int d);
/* Check character for the first 17 digits. */
char domain_idcard_check_char(const char *digits17);
/* Converts a 15-digit number (19yy births) to 18 digits; returns 0 or -1. */
int domain_idcard_upgrade15(const char *s15, size_t len, char out[19]);
/* 3502**********123X: first 4 and last 4 characters kept. out must hold 19 bytes. */
void domain_idcard_mask(const char *number, char out[19]);
#endif
