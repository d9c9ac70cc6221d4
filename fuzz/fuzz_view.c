/* fuzz_view: JSON text -> lazy model views (record.c).
 *
 * The input goes, as bytes, to fuzz/_oracle.py's check_view, which parses it
 * with the linked-in core as a view of several model classes
 * (_core.parse_model) and holds every field of each view (nested models and
 * list items included, extra members too) to the dict-backed model built from
 * the same decoder's dicts; then it materialises views after partial reads,
 * changes them, and detaches kept ones. The C paths under test are the
 * conversions in C (numbers, UUID and date-time strings, nested objects and
 * lists), the member lookups, materialising and detaching: any memory error is
 * caught by ASan/UBSan, any difference by the oracle.
 */
#include "common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jobo_fuzz_check("check_view", Py_BuildValue("(N)", jobo_fuzz_bytes(data, size)));
    return 0;
}
