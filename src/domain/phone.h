/* phone.h — mainland China mobile numbers (11 digits, 1[3-9]…) and their masked form. */
#ifndef GONGHUI_DOMAIN_PHONE_H
#define GONGHUI_DOMAIN_PHONE_H
#include <stdbool.h>
#include <stddef.h>

bool domain_phone_valid(const char *s, size_t len);
/* 138****1234; out must hold 12 bytes. */
void domain_phone_mask(const char *phone, char out[12]);
#endif
