/*
 * Wiping memory that held secrets or decrypted evidence before it is freed, in a way the
 * compiler may not drop as a dead store. For layers below the crypto adapter (the SQLite
 * adapter frees decrypted database images); the backup layer keeps OPENSSL_cleanse.
 */
#ifndef BS_CORE_BASE_WIPE_H
#define BS_CORE_BASE_WIPE_H

#include <stddef.h>

/* Overwrites size_bytes of memory with zeros; memory may be NULL when size_bytes is 0. */
void bs_wipe(void *memory, size_t size_bytes);

#endif
