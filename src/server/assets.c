/*
 * assets.c: serving the embedded web/ files under /assets/.
 */
#include "server/assets.h"

#include "server/srv.h"

#include <string.h>

const hg_web_asset *hg_asset_find(const char *name)
{
	for (const hg_web_asset *a = hg_web_assets; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

static const char *asset_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".ico"))
		return "image/x-icon";
	return "application/octet-stream";
}

int hg_assets_route(hg_req *q, hg_resp *r)
{
	const char *name = NULL;
	if (!strncmp(q->path, "/assets/", 8))
		name = q->path + 8;
	else if (!strcmp(q->path, "/favicon.ico"))
		name = "favicon.svg";
	if (!name)
		return 0;
	const hg_web_asset *a = hg_asset_find(name);
	if (!a || strcmp(q->method, "POST") == 0) {
		hg_resp_error(r, 404, "not found");
		return 1;
	}
	hg_buf_put(&r->body, a->data, a->len);
	r->ctype = asset_type(a->name);
	r->cacheable = 1;
	return 1;
}
