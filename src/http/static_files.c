/* static_files.c — loads web/dist into memory once; responses are reused (libmicrohttpd
 * reference-counts them). */
#include "http/static_files.h"

#include <dirent.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http/headers.h"
#include "util/alloc.h"
#include "util/log.h"

typedef struct static_file {
	char *path; /* URL path, e.g. /pc/index.html */
	struct MHD_Response *resp;
} static_file;

static static_file *files;
static int nfiles, capfiles;

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".webmanifest", "application/manifest+json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".woff", "font/woff"},
		{".woff2", "font/woff2"},
		{".ttf", "font/ttf"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void add_file(const char *url, const char *fs)
{
	FILE *f = fopen(fs, "rb");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = xmalloc((size_t)(n > 0 ? n : 1));
	size_t got = fread(data, 1, (size_t)n, f);
	fclose(f);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(got, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", mime_of(url));
	/* Vite names every asset by its content hash; pages themselves are revalidated. */
	MHD_add_response_header(resp, "Cache-Control",
				strncmp(url, "/assets/", 8) == 0
					? "public, max-age=31536000, immutable"
					: "no-cache");
	headers_add_security(resp);
	if (nfiles == capfiles) {
		capfiles = capfiles ? capfiles * 2 : 64;
		files = xrealloc(files, sizeof(*files) * (size_t)capfiles);
	}
	files[nfiles].path = xstrdup(url);
	files[nfiles].resp = resp;
	nfiles++;
}

static void walk(const char *fsdir, const char *urldir)
{
	DIR *d = opendir(fsdir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char fs[4096], url[4096];
		snprintf(fs, sizeof(fs), "%s/%s", fsdir, e->d_name);
		snprintf(url, sizeof(url), "%s/%s", urldir, e->d_name);
		struct stat st;
		if (stat(fs, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			walk(fs, url);
		else if (S_ISREG(st.st_mode))
			add_file(url, fs);
	}
	closedir(d);
}

int static_load(const char *dir)
{
	walk(dir, "");
	if (nfiles == 0)
		log_warn("no web files under %s: run `make web` (the API still works)", dir);
	return nfiles;
}

static struct MHD_Response *find(const char *path)
{
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i].path, path) == 0)
			return files[i].resp;
	return NULL;
}

struct MHD_Response *static_lookup(const char *path)
{
	static const char *const sites[] = {"/pc/", "/h5/", "/admin/"};
	struct MHD_Response *r = find(path);
	if (r)
		return r;
	for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]); i++) {
		size_t n = strlen(sites[i]);
		if (strncmp(path, sites[i], n) == 0 && !strchr(path + n, '.')) {
			char index[32];
			snprintf(index, sizeof(index), "%sindex.html", sites[i]);
			return find(index);
		}
	}
	return NULL;
}

void static_free(void)
{
	for (int i = 0; i < nfiles; i++) {
		MHD_destroy_response(files[i].resp);
		free(files[i].path);
	}
	free(files);
	files = NULL;
	nfiles = capfiles = 0;
}
