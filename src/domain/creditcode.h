/* creditcode.h — 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters
 * from 0-9 and A-Z without I, O, Z, S, V, the last one a check character. */
#ifndef GONGHUI_DOMAIN_CREDITCODE_H
#define GONGHUI_DOMAIN_CREDITCODE_H
#include <stdbool.h>
#include <stddef.h>

bool domain_credit_code_valid(const char *s, size_t len);
/* Check character for the first 17 characters, or 0 if one is not in the alphabet. */
char domain_credit_code_check_char(const char *first17);
/* Upper-cases ASCII letters in place: a code typed in lower case is the same code. */
void domain_credit_code_upcase(char *s);
#endif
