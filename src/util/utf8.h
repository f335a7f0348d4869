/* utf8.h — UTF-8 validity (no overlongs, no surrogates, nothing past U+10FFFF). */
#ifndef GONGHUI_UTIL_UTF8_H
#define GONGHUI_UTIL_UTF8_H
#include <stdbool.h>

bool utf8_valid(const char *s);
#endif
