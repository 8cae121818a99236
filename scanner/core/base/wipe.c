/* bs_wipe of wipe.h: memset through a volatile pointer, which the compiler must call. */
#include "core/base/wipe.h"

#include <string.h>

static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

void bs_wipe(void *memory, size_t size_bytes)
{
    if (memory != NULL && size_bytes > 0) {
        (void)wipe_memset(memory, 0, size_bytes);
    }
}
