/* providers.c — SMS and mail providers. The development ones write files under
 * GONGHUI_DATA_DIR; the HTTP gateway posts JSON with libcurl. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notify/notify.h"
#include "util/clock.h"

int notify_check_config(const config *cfg, char *err, size_t errlen)
{
	bool dev_ok = config_dev_providers_allowed(cfg);
	if (strcmp(cfg->sms_provider, "dev") == 0 && !dev_ok) {
		snprintf(err, errlen, "the development SMS provider runs only in dev and test modes");
		return -1;
	}
	if (strcmp(cfg->sms_provider, "http") == 0 && !*cfg->sms_gateway_url) {
		snprintf(err, errlen, "GONGHUI_SMS_GATEWAY_URL is required with the http provider");
		return -1;
	}
	if (strcmp(cfg->sms_provider, "dev") != 0 && strcmp(cfg->sms_provider, "http") != 0) {
		snprintf(err, errlen, "GONGHUI_SMS_PROVIDER must be dev or http");
		return -1;
	}
	if (strcmp(cfg->mail_provider, "dev") == 0 && !dev_ok) {
		snprintf(err, errlen, "the development mail provider runs only in dev and test modes");
		return -1;
	}
	if (strcmp(cfg->mail_provider, "smtp") == 0 && !*cfg->smtp_url) {
		snprintf(err, errlen, "GONGHUI_SMTP_URL is required with the smtp provider");
		return -1;
	}
	if (strcmp(cfg->mail_provider, "dev") != 0 && strcmp(cfg->mail_provider, "smtp") != 0) {
		snprintf(err, errlen, "GONGHUI_MAIL_PROVIDER must be dev or smtp");
		return -1;
	}
	return 0;
}

/* One write() of one line: appends from several processes do not interleave. */
static int append_line(const char *path, const char *line, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t n = strlen(line);
	ssize_t w = write(fd, line, n);
	close(fd);
	if (w != (ssize_t)n) {
		snprintf(err, errlen, "%s: short write", path);
		return -1;
	}
	return 0;
}

int notify_sms_dev(const config *cfg, const notify_message *m, char *err, size_t errlen)
{
	char at[32], path[4096];
	clock_iso8601(clock_now(), at);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)m->id, "to", m->to, "text",
			      m->body, "at", at);
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!line) {
		snprintf(err, errlen, "message %lld is not valid UTF-8 text", (long long)m->id);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sms.jsonl", cfg->data_dir);
	size_t n = strlen(line);
	char *with_nl = realloc(line, n + 2);
	if (!with_nl) {
		free(line);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	with_nl[n] = '\n';
	with_nl[n + 1] = '\0';
	int rc = append_line(path, with_nl, err, errlen);
	free(with_nl);
	return rc;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

int notify_sms_http(const config *cfg, const notify_message *m, char *err, size_t errlen)
{
	/* The message id lets the gateway drop a repeat after a crash between send and mark. */
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)m->id, "to", m->to, "text",
			      m->body, "sign", cfg->sms_sign);
	char *payload = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	CURL *curl = curl_easy_init();
	if (!curl || !payload) {
		free(payload);
		if (curl)
			curl_easy_cleanup(curl);
		snprintf(err, errlen, "curl init failed or text not valid UTF-8");
		return -1;
	}
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	char auth[600];
	if (*cfg->sms_gateway_token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cfg->sms_gateway_token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(curl, CURLOPT_URL, cfg->sms_gateway_url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	free(payload);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "gateway: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "gateway answered HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* RFC 5322 message with a UTF-8 subject (RFC 2047 base64) and an 8-bit UTF-8 body. */
static char *mail_message(const config *cfg, const notify_message *m)
{
	char at[64], subject[1024], id[96];
	time_t t = (time_t)clock_now();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sodium_bin2base64(subject, sizeof(subject), (const unsigned char *)m->subject,
			  strlen(m->subject) < 700 ? strlen(m->subject) : 700,
			  sodium_base64_VARIANT_ORIGINAL);
	const char *domain = strchr(cfg->mail_from, '@');
	snprintf(id, sizeof(id), "<outbox-%lld%s>", (long long)m->id, domain ? domain : "@localhost");
	size_t n = 2 * strlen(m->body) + 2048;
	char *msg = malloc(n);
	if (!msg)
		return NULL;
	int h = snprintf(msg, n,
			 "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nDate: %s\r\n"
			 "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n",
			 cfg->mail_from, m->to, subject, at, id);
	if (h < 0 || (size_t)h >= n - 2 * strlen(m->body) - 3) {
		free(msg);
		return NULL;
	}
	/* Lines end in CRLF (RFC 5322, RFC 5321 §2.3.8): servers refuse a bare LF. */
	char *o = msg + h;
	for (const char *p = m->body; *p; p++) {
		if (*p == '\n' && (p == m->body || p[-1] != '\r'))
			*o++ = '\r';
		*o++ = *p;
	}
	memcpy(o, "\r\n", 3);
	return msg;
}

typedef struct upload {
	const char *data;
	size_t left;
} upload;

static size_t read_upload(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	upload *u = userdata;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(ptr, u->data, n);
	u->data += n;
	u->left -= n;
	return n;
}

int notify_mail_smtp(const config *cfg, const notify_message *m, char *err, size_t errlen)
{
	char *msg = mail_message(cfg, m);
	CURL *curl = curl_easy_init();
	if (!msg || !curl) {
		free(msg);
		curl_easy_cleanup(curl);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	upload u = {msg, strlen(msg)};
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, cfg->mail_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (cfg->smtp_starttls)
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*cfg->smtp_user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	CURLcode rc = curl_easy_perform(curl);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	free(msg);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "smtp: %s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

int notify_mail_dev(const config *cfg, const notify_message *m, char *err, size_t errlen)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s/mail", cfg->data_dir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%lld.eml", dir, (long long)m->id);
	char *msg = mail_message(cfg, m);
	int fd = msg ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	if (fd < 0) {
		free(msg);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t n = strlen(msg);
	int rc = write(fd, msg, n) == (ssize_t)n ? 0 : -1;
	close(fd);
	free(msg);
	if (rc)
		snprintf(err, errlen, "%s: short write", path);
	return rc;
}
