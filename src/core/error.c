/*
 * error.c: error values and checked allocation.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hg_err_set(hg_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int hg_err_wrap(hg_err *err, const char *fmt, ...)
{
	if (!err)
		return HG_EIO;
	char prefix[HG_ERR_MSG_MAX], old[HG_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
	return err->code ? err->code : HG_EIO;
}

void hg_err_clear(hg_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = 0;
	}
}

static void oom(size_t n)
{
	fprintf(stderr, "healthgap: out of memory allocating %zu bytes\n", n);
	abort();
}

void *hg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *hg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *hg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *hg_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = hg_xmalloc(n);
	memcpy(p, s, n);
	return p;
}
