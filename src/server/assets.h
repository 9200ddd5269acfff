/*
 * assets.h: the static files of web/ (CSS, JS, icons), embedded in the
 * binary at build time by scripts/embed-assets.sh into hg_web_assets. They
 * are public (no data) and served from /assets/NAME with an ETag.
 */
#ifndef HG_SRV_ASSETS_H
#define HG_SRV_ASSETS_H

#include <stddef.h>

typedef struct hg_web_asset {
	const char *name;
	const unsigned char *data;
	size_t len;
} hg_web_asset;

extern const hg_web_asset hg_web_assets[]; /* ends with a NULL name */

/* The asset called name, or NULL. */
const hg_web_asset *hg_asset_find(const char *name);

#endif
