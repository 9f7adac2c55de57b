/*
 * The Linux backend of the WASI layer (src/hosted/wasi_posix.c), hosted
 * build only. Handles are host file descriptors. Paths are resolved with
 * openat2(RESOLVE_BENEATH) so that symbolic links cannot leave a directory
 * handle; on kernels without openat2 it walks the path one component at a
 * time and refuses symbolic links altogether.
 */
#ifndef WASI_POSIX_H
#define WASI_POSIX_H

#include "wasi.h"

/* Fills be with the Linux backend (console = this process's fds 0, 1, 2). */
void wasi_posix_backend(wasi_backend_t *be);

/* Opens host directory path as a preopen handle. Returns a WASI errno. */
uint16_t wasi_posix_open_dir(const char *path, int64_t *handle);

/* Host errno to WASI errno. */
uint16_t wasi_posix_errno(int err);

#endif
