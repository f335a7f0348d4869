/* codes.h — SMS verification codes (短信验证码): sending within the limits of SPEC §3, and
 * checking a code bound to its phone and purpose. */
#ifndef GONGHUI_API_CODES_H
#define GONGHUI_API_CODES_H
#include <stdbool.h>

#include "http/request.h"
#include "store/store.h"

#define CODE_LOGIN "login"
#define CODE_CHANGE_PHONE "change_phone"
#define CODE_RESET "reset"
#define CODE_APPEAL "appeal"
#define CODE_STAFF_LOGIN "staff_login"

/* Seconds between two codes to one phone (the 【发送验证码】 countdown). */
enum { CODE_RESEND_S = 60 };

/* Inside the caller's write transaction: checks the send limits of the purpose (SPEC §3; staff
 * login codes: no per-address cap of their own), stores a new code and queues the SMS. When
 * deliver is false the limits are counted but nothing is sent. STORE_LIMITED sets *retry_after. */
store_rc codes_issue(http_request *r, const char *phone, const char *purpose, bool deliver,
		     int64_t *retry_after);
/* Ends the caller's transaction after codes_issue (and its own writes) returned rc: commits
 * and wakes the sender, or rolls back and responds (429 with retry_after, or 503). */
bool codes_sent(http_request *r, store_rc rc, int64_t retry_after);
/* Responds 202 {"sent":true,"resend_after":60}. */
void codes_answer_sent(http_request *r);
/* Checks the send limits, stores a new code and queues the SMS, in one transaction. When
 * deliver is false (an unknown account) the limits are counted the same but nothing is sent.
 * On success responds 202 {"sent":true,"resend_after":60}; otherwise responds with the error. */
void codes_send(http_request *r, const char *phone, const char *purpose, bool deliver);
/* Inside the caller's write transaction: consumes the code if it matches; a wrong code counts
 * a try (the caller must still commit). */
bool codes_consume(http_request *r, const char *phone, const char *purpose, const char *code);
/* Queues a plain notification SMS inside the caller's transaction. */
bool codes_notify(http_request *r, const char *phone, const char *text);
#endif
