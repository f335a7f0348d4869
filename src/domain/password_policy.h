/* password_policy.h — what a password must be (SPEC §3): 8–64 characters, letters and digits
 * both, not a common password, not the account's phone or ID number. */
#ifndef GONGHUI_DOMAIN_PASSWORD_POLICY_H
#define GONGHUI_DOMAIN_PASSWORD_POLICY_H
#include <stddef.h>

typedef enum {
	PASSWORD_OK = 0,
	PASSWORD_ERR_LENGTH,
	PASSWORD_ERR_CLASSES,
	PASSWORD_ERR_COMMON,
	PASSWORD_ERR_PERSONAL,
	PASSWORD_ERR_CHARS,
} password_status;

/* phone and id_number may be NULL. pw must be valid UTF-8. */
password_status domain_password_check(const char *pw, size_t len, const char *phone,
				      const char *id_number);
const char *domain_password_message(password_status st);
#endif
