/* static_files.h — the built sites (web/dist) held in memory as ready libmicrohttpd responses. */
#ifndef GONGHUI_HTTP_STATIC_FILES_H
#define GONGHUI_HTTP_STATIC_FILES_H

struct MHD_Response;

/* Loads every file under dir. Returns the number of files (0 when dir is missing). */
int static_load(const char *dir);
/* The response for path: the file itself, or for /pc/…, /h5/…, /admin/… paths without a dot
 * the site's index.html (client-side routes). NULL when there is none. */
struct MHD_Response *static_lookup(const char *path);
void static_free(void);
#endif
