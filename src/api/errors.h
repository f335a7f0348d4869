/* errors.h — every API error: one HTTP status, one code, one Chinese message, in one table. */
#ifndef GONGHUI_API_ERRORS_H
#define GONGHUI_API_ERRORS_H
#include <stdint.h>

#include "http/request.h"

typedef enum {
	ERR_INVALID_JSON,
	ERR_REQUIRED,
	ERR_INVALID_FIELD,
	ERR_UNAUTHENTICATED,
	ERR_FORBIDDEN,
	ERR_CSRF,
	ERR_ORIGIN,
	ERR_NOT_FOUND,
	ERR_RATE_LIMITED,
	ERR_SMS_RATE_LIMITED,
	ERR_ACCOUNT_LOCKED,
	ERR_INVALID_CREDENTIALS,
	ERR_OLD_PASSWORD,
	ERR_CODE_INVALID,
	ERR_TOKEN_INVALID,
	ERR_CHALLENGE_EXPIRED,
	ERR_ID_TAKEN,
	ERR_PHONE_TAKEN,
	ERR_PASSWORD_MISMATCH,
	ERR_CONSENT_REQUIRED,
	ERR_SAME_PHONE,
	ERR_UNAVAILABLE,
	ERR_INTERNAL,
} api_error;

/* Responds with the table's message. field may be NULL. */
void api_fail(http_request *r, api_error e, const char *field);
/* Responds with the table's status and code but a specific message. */
void api_fail_msg(http_request *r, api_error e, const char *field, const char *message);
/* For ERR_RATE_LIMITED, ERR_SMS_RATE_LIMITED and ERR_ACCOUNT_LOCKED. */
void api_fail_retry(http_request *r, api_error e, int64_t retry_after);
#endif
