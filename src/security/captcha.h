/* captcha.h — image captchas (图片验证码, SPEC §3): random characters without look-alikes,
 * drawn with libgd as a PNG with noise. Storage and one-use checking are in the store. */
#ifndef GONGHUI_SECURITY_CAPTCHA_H
#define GONGHUI_SECURITY_CAPTCHA_H
#include <stddef.h>

enum { CAPTCHA_CHARS = 4 };

/* Random answer from an alphabet without 0/O, 1/I/L, 2/Z, 5/S, 8/B. */
void captcha_answer(char out[CAPTCHA_CHARS + 1]);
/* Upper-cases and trims a typed answer into out (at least CAPTCHA_CHARS + 1 bytes). */
void captcha_normalise(const char *typed, char *out, size_t outlen);
/* Renders the answer; *png is malloc'd (caller frees with captcha_free). 0 or -1. */
int captcha_render(const char *answer, void **png, int *len);
void captcha_free(void *png);
#endif
