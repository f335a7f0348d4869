/* client.c — client addresses, trusted proxies and per-address connection counts. */
#include "http/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

typedef struct cidr {
	int family;
	unsigned char addr[16];
	int bits;
} cidr;

static cidr *trusted;
static int ntrusted;

int client_trusted_parse(const char *list, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		cidr c = {0};
		char *slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(AF_INET, tok, c.addr) == 1) {
			c.family = AF_INET;
			c.bits = 32;
		} else if (inet_pton(AF_INET6, tok, c.addr) == 1) {
			c.family = AF_INET6;
			c.bits = 128;
		} else {
			snprintf(err, errlen, "GONGHUI_TRUSTED_PROXIES: bad address %s", tok);
			rc = -1;
			break;
		}
		if (slash) {
			char *end;
			long bits = strtol(slash + 1, &end, 10);
			if (*end || bits < 0 || bits > c.bits) {
				snprintf(err, errlen, "GONGHUI_TRUSTED_PROXIES: bad prefix /%s",
					 slash + 1);
				rc = -1;
				break;
			}
			c.bits = (int)bits;
		}
		trusted = xrealloc(trusted, sizeof(cidr) * (size_t)(ntrusted + 1));
		trusted[ntrusted++] = c;
	}
	free(copy);
	return rc;
}

/* Normalises v4-mapped IPv6 to IPv4. Returns the family and fills addr. */
static int sa_bytes(const struct sockaddr *sa, unsigned char addr[16])
{
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return AF_INET;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(a, mapped, 12) == 0) {
			memcpy(addr, a + 12, 4);
			return AF_INET;
		}
		memcpy(addr, a, 16);
		return AF_INET6;
	}
	return 0;
}

static bool prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)bytes))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

static bool bytes_trusted(int family, const unsigned char *addr)
{
	for (int i = 0; i < ntrusted; i++)
		if (trusted[i].family == family && prefix_match(trusted[i].addr, addr, trusted[i].bits))
			return true;
	return false;
}

bool client_is_trusted(const struct sockaddr *sa)
{
	unsigned char addr[16];
	int family = sa ? sa_bytes(sa, addr) : 0;
	return family && bytes_trusted(family, addr);
}

/* Formats addr as its key: IPv4 as is, IPv6 as its /64. */
static void key_of(int family, unsigned char addr[16], char *out, size_t outlen)
{
	char tmp[INET6_ADDRSTRLEN];
	if (family == AF_INET) {
		inet_ntop(AF_INET, addr, tmp, sizeof(tmp));
		snprintf(out, outlen, "%s", tmp);
	} else if (family == AF_INET6) {
		memset(addr + 8, 0, 8);
		inet_ntop(AF_INET6, addr, tmp, sizeof(tmp));
		snprintf(out, outlen, "%s/64", tmp);
	} else {
		snprintf(out, outlen, "unknown");
	}
}

void client_peer(const struct sockaddr *sa, char *out, size_t outlen)
{
	unsigned char addr[16];
	int family = sa ? sa_bytes(sa, addr) : 0;
	char tmp[INET6_ADDRSTRLEN] = "unknown";
	if (family)
		inet_ntop(family, addr, tmp, sizeof(tmp));
	snprintf(out, outlen, "%s", tmp);
}

void client_key(const struct sockaddr *sa, const char *xff, char *out, size_t outlen)
{
	unsigned char addr[16];
	int family = sa ? sa_bytes(sa, addr) : 0;
	if (family && xff && bytes_trusted(family, addr)) {
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		char hop[INET6_ADDRSTRLEN + 1];
		snprintf(hop, sizeof(hop), "%s", last);
		hop[strcspn(hop, " ")] = '\0';
		unsigned char hb[16];
		if (inet_pton(AF_INET, hop, hb) == 1) {
			key_of(AF_INET, hb, out, outlen);
			return;
		}
		if (inet_pton(AF_INET6, hop, hb) == 1) {
			key_of(AF_INET6, hb, out, outlen);
			return;
		}
	}
	key_of(family, addr, out, outlen);
}

/* Connection counts per address key: a small open-addressing table under one lock. */
enum { CONN_SLOTS = 8192 };
static struct {
	char key[48];
	int count;
} conn_table[CONN_SLOTS];
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;

static int conn_slot(const char *key, bool create)
{
	unsigned h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	int reusable = -1;
	for (int i = 0; i < CONN_SLOTS; i++) {
		int s = (int)((h + (unsigned)i) % CONN_SLOTS);
		if (strcmp(conn_table[s].key, key) == 0)
			return s;
		if (reusable < 0 && conn_table[s].count == 0)
			reusable = s;
		if (!conn_table[s].key[0])
			break;
	}
	if (!create || reusable < 0)
		return -1;
	snprintf(conn_table[reusable].key, sizeof(conn_table[reusable].key), "%s", key);
	return reusable;
}

static void conn_key(const struct sockaddr *sa, char key[48])
{
	client_key(sa, NULL, key, 48);
}

bool client_conn_admit(const struct sockaddr *sa, int cap)
{
	if (client_is_trusted(sa))
		return true;
	char key[48];
	conn_key(sa, key);
	pthread_mutex_lock(&conn_lock);
	int s = conn_slot(key, false);
	bool ok = s < 0 || conn_table[s].count < cap;
	pthread_mutex_unlock(&conn_lock);
	return ok;
}

static void conn_add(const struct sockaddr *sa, int delta)
{
	if (!sa || client_is_trusted(sa))
		return;
	char key[48];
	conn_key(sa, key);
	pthread_mutex_lock(&conn_lock);
	int s = conn_slot(key, delta > 0);
	if (s >= 0) {
		conn_table[s].count += delta;
		if (conn_table[s].count < 0)
			conn_table[s].count = 0;
	}
	pthread_mutex_unlock(&conn_lock);
}

void client_conn_started(const struct sockaddr *sa)
{
	conn_add(sa, 1);
}

void client_conn_closed(const struct sockaddr *sa)
{
	conn_add(sa, -1);
}
