/* test_client.c — client addresses: trusted proxies, X-Forwarded-For, IPv6 /64 keys,
 * per-address connection counts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/client.h"

static struct sockaddr_storage v4(const char *ip)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	a->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a->sin_addr);
	return ss;
}

static struct sockaddr_storage v6(const char *ip)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
	a->sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &a->sin6_addr);
	return ss;
}

static void forwarded_for_only_from_trusted_proxies(void **state)
{
	(void)state;
	char err[128], key[64];
	assert_int_equal(client_trusted_parse("10.0.0.0/8, 127.0.0.1", err, sizeof(err)), 0);
	struct sockaddr_storage proxy = v4("10.1.2.3"), other = v4("192.0.2.7");
	client_key((struct sockaddr *)&proxy, "198.51.100.1, 203.0.113.9", key, sizeof(key));
	assert_string_equal(key, "203.0.113.9"); /* the last hop: what the proxy saw */
	client_key((struct sockaddr *)&other, "203.0.113.9", key, sizeof(key));
	assert_string_equal(key, "192.0.2.7");
	client_key((struct sockaddr *)&proxy, "not an address", key, sizeof(key));
	assert_string_equal(key, "10.1.2.3");
	assert_true(client_is_trusted((struct sockaddr *)&proxy));
	assert_false(client_is_trusted((struct sockaddr *)&other));
	assert_int_equal(client_trusted_parse("10.0.0.0/33", err, sizeof(err)), -1);
	assert_int_equal(client_trusted_parse("nonsense", err, sizeof(err)), -1);
}

static void ipv6_counts_per_64(void **state)
{
	(void)state;
	char a[64], b[64];
	struct sockaddr_storage x = v6("2001:db8:1:2:aaaa::1"), y = v6("2001:db8:1:2:bbbb::9");
	client_key((struct sockaddr *)&x, NULL, a, sizeof(a));
	client_key((struct sockaddr *)&y, NULL, b, sizeof(b));
	assert_string_equal(a, "2001:db8:1:2::/64");
	assert_string_equal(a, b);
	struct sockaddr_storage mapped = v6("::ffff:192.0.2.5");
	client_key((struct sockaddr *)&mapped, NULL, a, sizeof(a));
	assert_string_equal(a, "192.0.2.5");
}

static void connection_cap_per_address(void **state)
{
	(void)state;
	struct sockaddr_storage c = v4("192.0.2.50"), proxy = v4("10.9.9.9");
	for (int i = 0; i < 3; i++) {
		assert_true(client_conn_admit((struct sockaddr *)&c, 3));
		client_conn_started((struct sockaddr *)&c);
	}
	assert_false(client_conn_admit((struct sockaddr *)&c, 3));
	client_conn_closed((struct sockaddr *)&c);
	assert_true(client_conn_admit((struct sockaddr *)&c, 3));
	/* Trusted proxies carry many clients: no cap. */
	for (int i = 0; i < 10; i++)
		client_conn_started((struct sockaddr *)&proxy);
	assert_true(client_conn_admit((struct sockaddr *)&proxy, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forwarded_for_only_from_trusted_proxies),
		cmocka_unit_test(ipv6_counts_per_64),
		cmocka_unit_test(connection_cap_per_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
