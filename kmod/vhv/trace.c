// SPDX-License-Identifier: GPL-2.0
/* Instantiates vhv's tracepoints; everyone else includes trace.h plainly. */
#define CREATE_TRACE_POINTS
#include "trace.h"
