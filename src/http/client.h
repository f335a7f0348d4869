/* client.h — who the client is: the socket's peer, or the last X-Forwarded-For hop when the
 * peer is a trusted proxy (GONGHUI_TRUSTED_PROXIES). IPv6 clients count per /64. */
#ifndef GONGHUI_HTTP_CLIENT_H
#define GONGHUI_HTTP_CLIENT_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Parses a list such as "127.0.0.1/32, 10.0.0.0/8 ::1". Returns 0 or -1. */
int client_trusted_parse(const char *list, char *err, size_t errlen);
bool client_is_trusted(const struct sockaddr *sa);
/* Writes the peer's printable address. */
void client_peer(const struct sockaddr *sa, char *out, size_t outlen);
/* Writes the rate-limit key for the request: see above. xff may be NULL. */
void client_key(const struct sockaddr *sa, const char *xff, char *out, size_t outlen);
/* Per-address connection accounting; trusted proxies are exempt. */
bool client_conn_admit(const struct sockaddr *sa, int cap);
void client_conn_started(const struct sockaddr *sa);
void client_conn_closed(const struct sockaddr *sa);
#endif
