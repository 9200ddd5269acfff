/*
 * window.h: counts of events per key within fixed, aligned time windows
 * (say each wall-clock minute). The per-session request limit and the audit
 * log's coalescing of repeated identical entries both count this way. When
 * a window ends every count is dropped at once, so memory holds only the
 * keys seen in one window. Thread-safe.
 */
#ifndef HG_SRV_WINDOW_H
#define HG_SRV_WINDOW_H

#include "core/dict.h"

#include <pthread.h>

typedef struct hg_window {
	pthread_mutex_t mu;
	hg_dict keys; /* the keys seen in this window */
	long *n;      /* [id]: events of key id in this window */
	uint32_t cap;
	long long start; /* seconds since the epoch; a multiple of secs */
	int secs;
} hg_window;

void hg_window_init(hg_window *w, int secs);
void hg_window_free(hg_window *w);

/* Called for each key of an ended window with its count (the window's start in t0). */
typedef void (*hg_window_fn)(const char *key, long n, long long t0, void *arg);

/* Count one event of key at now; returns its count in the current window (1: the first).
 * Ends the previous window first when now is past it (fn, if not NULL, sees its keys,
 * called without the lock held). */
long hg_window_hit(hg_window *w, const char *key, long long now, hg_window_fn fn, void *arg);
/* Take back the last event of key (after it could not be recorded). */
void hg_window_unhit(hg_window *w, const char *key);
/* End the current window if now is past it; fn as for hg_window_hit. */
void hg_window_roll(hg_window *w, long long now, hg_window_fn fn, void *arg);
/* Seconds until the current window ends (at least 1). */
long long hg_window_left(hg_window *w, long long now);

#endif
