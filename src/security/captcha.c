/* captcha.c — PNG captchas with libgd's built-in giant font: each character at its own
 * offset and colour, crossed by lines and dotted with noise. */
#include "security/captcha.h"

#include <ctype.h>
#include <gd.h>
#include <gdfontg.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

void captcha_answer(char out[CAPTCHA_CHARS + 1])
{
	for (int i = 0; i < CAPTCHA_CHARS; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[CAPTCHA_CHARS] = '\0';
}

void captcha_normalise(const char *typed, char *out, size_t outlen)
{
	size_t n = 0;
	for (const char *p = typed; *p && n + 1 < outlen; p++)
		if (!isspace((unsigned char)*p))
			out[n++] = (char)toupper((unsigned char)*p);
	out[n] = '\0';
}

static int rnd(int n)
{
	return (int)randombytes_uniform((uint32_t)n);
}

int captcha_render(const char *answer, void **png, int *len)
{
	enum { W = 120, H = 44 };
	gdImagePtr im = gdImageCreate(W, H);
	if (!im)
		return -1;
	gdImageColorAllocate(im, 246, 244, 240); /* background: the first colour */
	gdFontPtr font = gdFontGetGiant();
	for (int i = 0; i < 6; i++) {
		int c = gdImageColorAllocate(im, 150 + rnd(80), 150 + rnd(80), 150 + rnd(80));
		gdImageLine(im, rnd(W), rnd(H), rnd(W), rnd(H), c);
	}
	size_t n = strlen(answer);
	for (size_t i = 0; i < n; i++) {
		int c = gdImageColorAllocate(im, rnd(120), rnd(90), 60 + rnd(120));
		int x = 12 + (int)i * 25 + rnd(6), y = 6 + rnd(16);
		/* Twice, one pixel apart: thicker strokes survive the noise. */
		gdImageChar(im, font, x, y, answer[i], c);
		gdImageChar(im, font, x + 1, y, answer[i], c);
	}
	for (int i = 0; i < 120; i++) {
		int c = gdImageColorAllocate(im, rnd(255), rnd(255), rnd(255));
		gdImageSetPixel(im, rnd(W), rnd(H), c);
	}
	*png = gdImagePngPtr(im, len);
	gdImageDestroy(im);
	return *png ? 0 : -1;
}

void captcha_free(void *png)
{
	gdFree(png);
}
