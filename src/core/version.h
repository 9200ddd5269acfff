/*
 * version.h: the software version, recorded in every store manifest and
 * every output's provenance.
 */
#ifndef HG_VERSION_H
#define HG_VERSION_H

#define HG_VERSION "0.1.0"

#endif
