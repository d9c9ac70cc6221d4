/* common.h: what the jobo_enterprise fuzz harnesses share.
 *
 * Each harness is linked with the C core compiled from csrc/ (instrumented) and
 * with libpython. LLVMFuzzerInitialize calls jobo_fuzz_init(), which starts an
 * embedded CPython (PYTHONMALLOC=malloc, so ASan sees every Python object),
 * registers the core as the built-in module "jobo_enterprise._core", imports
 * the repository's jobo_enterprise package (exceptions, models) and fuzz/_oracle.py,
 * and keeps the module state for the harness.
 */
#ifndef JOBO_FUZZ_COMMON_H
#define JOBO_FUZZ_COMMON_H

#include "../csrc/jobo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern jobo_state *jobo_fuzz_st;    /* state of the built-in jobo_enterprise._core */
extern PyObject *jobo_fuzz_oracle;  /* the fuzz/_oracle.py module */

int jobo_fuzz_init(void);
/* Defined in common.c for every harness: calls jobo_fuzz_init(). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Print the pending Python exception (if any) and the message, then abort():
 * libFuzzer records the input as a crash. */
void jobo_fuzz_fail(const char *what) __attribute__((noreturn));

/* Call _oracle.<name>(*args) (args: a new reference to a tuple, stolen). A
 * false result or an exception is a finding: jobo_fuzz_fail. */
void jobo_fuzz_check(const char *name, PyObject *args);

/* A new bytes object with the input (NULL-safe for size 0). */
PyObject *jobo_fuzz_bytes(const uint8_t *data, size_t size);

#endif
