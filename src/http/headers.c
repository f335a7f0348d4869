/* headers.c — security headers: scripts only from our own origin, no framing, no sniffing. */
#include "http/headers.h"

#include <microhttpd.h>

static bool use_hsts;

void headers_configure(bool https)
{
	use_hsts = https;
}

void headers_add_security(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; "
				"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
				"font-src 'self' data:; connect-src 'self'; object-src 'none'; "
				"base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (use_hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=31536000; includeSubDomains");
}
