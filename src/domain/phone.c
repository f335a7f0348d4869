/* phone.c — mobile number rules. */
#include "domain/phone.h"

#include <string.h>

bool domain_phone_valid(const char *s, size_t len)
{
	if (len != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return false;
	for (size_t i = 2; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void domain_phone_mask(const char *phone, char out[12])
{
	if (strlen(phone) != 11) {
		strcpy(out, "***********");
		return;
	}
	memcpy(out, phone, 3);
	memset(out + 3, '*', 4);
	memcpy(out + 7, phone + 7, 4);
	out[11] = '\0';
}
