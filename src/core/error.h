/*
 * error.h: errors as values. Every fallible function in healthgap returns an
 * int status (0 = success, non-zero = failure) and fills an hg_err that the
 * caller owns. Messages are for people: they name the file, line, field and
 * reason, and never contain person-level data.
 */
#ifndef HG_ERROR_H
#define HG_ERROR_H

#include <stddef.h>

#define HG_ERR_MSG_MAX 1024

enum hg_err_code {
	HG_OK = 0,
	HG_EIO = 1,      /* file system or I/O failure */
	HG_EINPUT = 2,   /* malformed input data */
	HG_EUSAGE = 3,   /* bad command-line or API usage */
	HG_ENOMEM = 4,   /* allocation failure */
	HG_ECORRUPT = 5, /* a store or file failed an integrity check */
	HG_EREJECT = 6,  /* too many rows rejected */
	HG_ESTATS = 7,   /* invalid statistical input */
};

typedef struct hg_err {
	int code;
	char msg[HG_ERR_MSG_MAX];
} hg_err;

/* Set err (if not NULL) to code and a printf-style message; returns code. */
int hg_err_set(hg_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefix an existing message with more context ("reading X: ..."). */
int hg_err_wrap(hg_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hg_err_clear(hg_err *err);

/* Abort with a message on allocation failure (the only non-returned error). */
void *hg_xmalloc(size_t n);
void *hg_xcalloc(size_t n, size_t size);
void *hg_xrealloc(void *p, size_t n);
char *hg_xstrdup(const char *s);

/*
 * Make room for one more element in a growing array: arr holds n of cap
 * elements; when full, cap doubles (from 16). The one home for growing arrays.
 *   HG_GROW(list, n, cap); list[n++] = x;
 */
#define HG_GROW(arr, n, cap)                                                                       \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 16;                                            \
			(arr) = hg_xrealloc((arr), sizeof *(arr) * (size_t)(cap));                 \
		}                                                                                  \
	} while (0)

#endif
