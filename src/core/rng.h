/*
 * rng.h: pseudo-random numbers for the synthesiser and for simulations.
 * xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64. A stream
 * can be derived from (seed, index, tag), so every person of a synthetic
 * population gets an independent stream and the output does not depend on
 * how work is split across threads. Draws are plain functions of the state;
 * no global state.
 */
#ifndef HG_CORE_RNG_H
#define HG_CORE_RNG_H

#include <stdint.h>

typedef struct hg_rng {
	uint64_t s[4];
} hg_rng;

uint64_t hg_splitmix64(uint64_t *x);
/* Seed a stream from a global seed, an index and a tag naming the stream. */
void hg_rng_seed(hg_rng *r, uint64_t seed, uint64_t index, uint64_t tag);
/* Seed a single stream directly: s[0..3] are four splitmix64 outputs from seed. */
void hg_rng_seed_plain(hg_rng *r, uint64_t seed);
uint64_t hg_rng_next(hg_rng *r);
/* Uniform in [0, 1). */
double hg_rng_unif(hg_rng *r);
/* Uniform integer in [0, n). */
uint64_t hg_rng_below(hg_rng *r, uint64_t n);
/* Uniform integer in [lo, hi]. */
int hg_rng_range(hg_rng *r, int lo, int hi);
int hg_rng_bernoulli(hg_rng *r, double p);
double hg_rng_normal(hg_rng *r, double mean, double sd);
/* Exponential with the given rate (mean 1/rate). */
double hg_rng_exp(hg_rng *r, double rate);
/* Poisson count with mean lambda (inversion below 30, normal approximation above). */
int hg_rng_poisson(hg_rng *r, double lambda);
/* Gamma(shape, scale=1) (Marsaglia-Tsang); used for overdispersed rates. */
double hg_rng_gamma(hg_rng *r, double shape);

#endif
