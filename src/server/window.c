/*
 * window.c: per-key event counts in fixed windows (window.h). An ended
 * window's keys and counts are detached under the lock and handed to the
 * caller's function after it is released, so a slow consumer (the audit log
 * writing "repeated" entries) never holds up the requests counting.
 */
#include "server/window.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct ended {
	hg_dict keys;
	long *n;
	long long start;
	int live;
} ended;

void hg_window_init(hg_window *w, int secs)
{
	memset(w, 0, sizeof *w);
	pthread_mutex_init(&w->mu, NULL);
	hg_dict_init(&w->keys);
	w->secs = secs > 0 ? secs : 1;
}

void hg_window_free(hg_window *w)
{
	hg_dict_free(&w->keys);
	free(w->n);
	pthread_mutex_destroy(&w->mu);
	memset(w, 0, sizeof *w);
}

/* If now is past the window, move its counts into *e and start a new one. Lock held. */
static void detach(hg_window *w, long long now, ended *e)
{
	long long start = now - now % w->secs;
	e->live = 0;
	if (start == w->start)
		return;
	if (w->keys.n) {
		*e = (ended){w->keys, w->n, w->start, 1};
		hg_dict_init(&w->keys);
		w->n = NULL;
		w->cap = 0;
	}
	w->start = start;
}

static void deliver(ended *e, hg_window_fn fn, void *arg)
{
	if (!e->live)
		return;
	for (uint32_t id = 0; fn && id < e->keys.n; id++)
		fn(hg_dict_key(&e->keys, id), e->n[id], e->start, arg);
	hg_dict_free(&e->keys);
	free(e->n);
}

long hg_window_hit(hg_window *w, const char *key, long long now, hg_window_fn fn, void *arg)
{
	ended e;
	pthread_mutex_lock(&w->mu);
	detach(w, now, &e);
	int fresh = 0;
	uint32_t id = hg_dict_intern(&w->keys, key, strlen(key), &fresh);
	if (fresh) {
		HG_GROW(w->n, id, w->cap);
		w->n[id] = 0;
	}
	long n = ++w->n[id];
	pthread_mutex_unlock(&w->mu);
	deliver(&e, fn, arg);
	return n;
}

void hg_window_unhit(hg_window *w, const char *key)
{
	pthread_mutex_lock(&w->mu);
	uint32_t id = hg_dict_find(&w->keys, key, strlen(key));
	if (id != HG_DICT_MISSING && w->n[id] > 0)
		w->n[id]--;
	pthread_mutex_unlock(&w->mu);
}

void hg_window_roll(hg_window *w, long long now, hg_window_fn fn, void *arg)
{
	ended e;
	pthread_mutex_lock(&w->mu);
	detach(w, now, &e);
	pthread_mutex_unlock(&w->mu);
	deliver(&e, fn, arg);
}

long long hg_window_left(hg_window *w, long long now)
{
	pthread_mutex_lock(&w->mu);
	long long left = w->start + w->secs - now;
	pthread_mutex_unlock(&w->mu);
	return left > 0 ? left : 1;
}
