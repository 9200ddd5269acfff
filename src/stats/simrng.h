/*
 * simrng.h: a small, self-contained pseudo-random generator for simulations
 * (the SII confidence limits). The core xoshiro256** generator (core/rng.h)
 * seeded through splitmix64, uniforms on (0, 1) with 53 random bits, and standard
 * normals by Marsaglia's polar method. All state lives in the hg_simrng value,
 * so results depend only on the seed and the order of draws.
 */
#ifndef HG_STATS_SIMRNG_H
#define HG_STATS_SIMRNG_H

#include "core/rng.h"

#include <stdint.h>

typedef struct hg_simrng {
	hg_rng g;
	double spare;
	int has_spare;
} hg_simrng;

void hg_simrng_seed(hg_simrng *r, uint64_t seed);
uint64_t hg_simrng_next(hg_simrng *r);
/* Uniform on the open interval (0, 1). */
double hg_simrng_unif(hg_simrng *r);
/* Standard normal. */
double hg_simrng_norm(hg_simrng *r);

#endif
