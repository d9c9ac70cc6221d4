/* fuzz_decode: JSON text -> cJSON tree -> Python objects (decode.c).
 *
 * The input (in a malloc'd buffer of exactly its size, not NUL-terminated, so
 * ASan catches a parser that reads past the length) goes through
 * jobo_parse_nogil (pre-scan, then cJSON) and, when it parses, jobo_decode,
 * which must then succeed;
 * the same bytes go through jobo_str_from_utf8. fuzz/_oracle.py's check_decode
 * compares the result with Python's json module (where the two are meant to
 * agree), checks the number rule (int within +-2^53, float otherwise) and that
 * short ASCII keys are interned, and checks jobo_str_from_utf8 against
 * bytes.decode("utf-8", "replace").
 */
#include "common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    cJSON *tree;
    PyObject *result = NULL, *text;
    int parsed, why = 0;

    if (buf == NULL)
        return 0;
    if (size)
        memcpy(buf, data, size);
    tree = jobo_parse_nogil(buf, size, &why);
    parsed = tree != NULL;
    if (parsed) {
        result = jobo_decode(jobo_fuzz_st, tree);
        if (result == NULL)
            jobo_fuzz_fail("jobo_decode failed on a parsed tree");
        jobo_delete_nogil(tree);
    }
    text = jobo_str_from_utf8(buf, (Py_ssize_t)size);
    if (text == NULL)
        jobo_fuzz_fail("jobo_str_from_utf8 failed");
    free(buf);
    jobo_fuzz_check("check_decode",
                    Py_BuildValue("(NiONi)", jobo_fuzz_bytes(data, size), parsed,
                                  result ? result : Py_None, text, why));
    Py_XDECREF(result);
    return 0;
}
