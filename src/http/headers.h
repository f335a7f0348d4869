/* headers.h — headers every response carries (CSP, nosniff, referrer, framing). */
#ifndef GONGHUI_HTTP_HEADERS_H
#define GONGHUI_HTTP_HEADERS_H
#include <stdbool.h>

struct MHD_Response;

void headers_configure(bool https);
void headers_add_security(struct MHD_Response *resp);
#endif
