/* utf8.h — UTF-8 validity (no overlongs, no surrogates, nothing past U+10FFFF). */
#ifndef GONGHUI_UTIL_UTF8_H
#define GONGHUI_UTIL_UTF8_H
#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s);
/* Number of characters (code points) in valid UTF-8. */
size_t utf8_chars(const char *s);
#endif
