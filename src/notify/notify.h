/* notify.h — delivery of the outbox: SMS providers (development file, HTTP gateway), mail
 * providers (development .eml files, SMTP with libcurl), and the sender
 * thread that claims due messages and delivers each once. */
#ifndef GONGHUI_NOTIFY_NOTIFY_H
#define GONGHUI_NOTIFY_NOTIFY_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "util/config.h"

typedef struct notify_message {
	int64_t id;
	const char *to, *subject, *body;
} notify_message;

/* A provider returns 0 when the message left, -1 with a reason (no secrets) otherwise. */
typedef int (*notify_send_fn)(const config *cfg, const notify_message *m, char *err,
			      size_t errlen);

/* Checks the provider settings (prod refuses development providers). 0 or -1 with err. */
int notify_check_config(const config *cfg, char *err, size_t errlen);
int notify_sms_dev(const config *cfg, const notify_message *m, char *err, size_t errlen);
int notify_sms_http(const config *cfg, const notify_message *m, char *err, size_t errlen);
int notify_mail_dev(const config *cfg, const notify_message *m, char *err, size_t errlen);
int notify_mail_smtp(const config *cfg, const notify_message *m, char *err, size_t errlen);

/* Starts the sender thread; notify_wake makes it look at the outbox now. */
void notify_start(const config *cfg, db *d);
void notify_wake(void);
/* Delivers what is due once more, then stops the thread. */
void notify_stop(void);
#endif
