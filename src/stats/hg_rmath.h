/*
 * hg_rmath.h: include R's standalone maths library (libRmath) for the
 * distribution functions (qnorm, qt, qchisq, ...). The shared library is
 * built standalone, so its symbols are unprefixed: MATHLIB_STANDALONE must
 * be defined before Rmath.h, or calls would link to Rf_* names.
 */
#ifndef HG_RMATH_H
#define HG_RMATH_H

#ifndef MATHLIB_STANDALONE
#define MATHLIB_STANDALONE 1
#endif
#include <Rmath.h>

#endif
