/* unit.c — field rules of work units. */
#include "domain/unit.h"

#include <string.h>

#include "util/utf8.h"

static const char ideographic_space[] = "\xE3\x80\x80";

bool domain_text_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool domain_text_padded(const char *s)
{
	size_t n = strlen(s);
	return *s == ' ' || strncmp(s, ideographic_space, 3) == 0 || (n && s[n - 1] == ' ') ||
	       (n >= 3 && strcmp(s + n - 3, ideographic_space) == 0);
}

char *domain_text_trim(char *s)
{
	char *p = s;
	for (;;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if (strncmp(p, ideographic_space, 3) == 0)
			p += 3;
		else
			break;
	}
	size_t n = strlen(p);
	for (;;) {
		if (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		else if (n >= 3 && memcmp(p + n - 3, ideographic_space, 3) == 0)
			n -= 3;
		else
			break;
	}
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}

bool domain_unit_name_valid(const char *name)
{
	size_t n = utf8_chars(name);
	return n >= UNIT_NAME_MIN && n <= UNIT_NAME_MAX && domain_text_clean(name) &&
	       !domain_text_padded(name);
}

bool domain_unit_address_valid(const char *address)
{
	return utf8_chars(address) <= UNIT_ADDRESS_MAX && domain_text_clean(address) &&
	       !domain_text_padded(address);
}
