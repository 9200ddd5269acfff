/*
 * rng.h: a small, self-contained pseudo-random generator for simulations
 * (the SII confidence limits). xoshiro256** (Blackman & Vigna 2018) seeded
 * through splitmix64, uniforms on (0, 1) with 53 random bits, and standard
 * normals by Marsaglia's polar method. All state lives in the hg_rng value,
 * so results depend only on the seed and the order of draws.
 */
#ifndef HG_STATS_RNG_H
#define HG_STATS_RNG_H

#include <stdint.h>

typedef struct hg_rng {
	uint64_t s[4];
	double spare;
	int has_spare;
} hg_rng;

void hg_rng_seed(hg_rng *r, uint64_t seed);
uint64_t hg_rng_next(hg_rng *r);
/* Uniform on the open interval (0, 1). */
double hg_rng_unif(hg_rng *r);
/* Standard normal. */
double hg_rng_norm(hg_rng *r);

#endif
