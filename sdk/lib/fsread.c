/* Reading a whole file through the file service (sdk/include/fsproto.h). */
#include <athanor.h>
#include <fsproto.h>

int32_t ath_fs_read_file(ath_handle_t fs, ath_handle_t iobuf, uint8_t *io, const char *path,
                         uint8_t *dst, uint32_t cap)
{
    int32_t plen = ath_strlen(path);
    int64_t st, n;
    if (plen <= 0 || plen > ATH_PAGE)
        return ATH_EINVAL;
    __builtin_memcpy(io, path, (uint32_t)plen);
    int32_t e = ath_call_lend(fs, iobuf, ATH_R_READ, FS_A0(FS_STAT, 0), plen, 0, &st);
    if (e < 0 || st < 0)
        return e < 0 ? e : (int32_t)st;
    int64_t size = st >> 8;
    if ((st & 0xff) != 1)
        return ATH_EINVAL;      /* not a regular file */
    if (size > cap)
        return ATH_EFULL;
    for (int64_t off = 0; off < size; off += n) {
        __builtin_memcpy(io, path, (uint32_t)plen);
        e = ath_call_lend(fs, iobuf, ATH_R_READ | ATH_R_WRITE, FS_A0(FS_READ, 0), plen, off, &n);
        if (e < 0 || n < 0)
            return e < 0 ? e : (int32_t)n;
        if (n == 0 || n > ATH_PAGE || n > size - off)
            return ATH_EINVAL;  /* the file changed under us */
        __builtin_memcpy(dst + off, io, (uint32_t)n);
    }
    return (int32_t)size;
}

/* Writing a whole file through the file service (sdk/include/fsproto.h). */
int32_t ath_fs_write_file(ath_handle_t fs, ath_handle_t iobuf, uint8_t *io, uint32_t io_bytes,
                          const char *path, const uint8_t *src, uint32_t len)
{
    int32_t plen = ath_strlen(path);
    int64_t h, w;
    if (plen <= 0 || plen > FS_PATH_MAX || (uint32_t)plen > io_bytes)
        return ATH_EINVAL;
    __builtin_memcpy(io, path, (uint32_t)plen);
    int32_t e = ath_call_lend(fs, iobuf, ATH_R_READ | ATH_R_WRITE, FS_A0(FS_OPEN, 0),
                              FS_LEN2(plen, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE), 0, &h);
    if (e < 0 || h < 0)
        return e < 0 ? e : (int32_t)h;
    int32_t r = (int32_t)len;
    for (uint32_t off = 0; off < len; off += (uint32_t)w) {
        uint32_t n = len - off < io_bytes ? len - off : io_bytes;
        __builtin_memcpy(io, src + off, n);
        e = ath_call_lend(fs, iobuf, ATH_R_READ | ATH_R_WRITE, FS_A0(FS_PWRITE, h), off, n, &w);
        if (e < 0 || w <= 0) {
            r = e < 0 ? e : w < 0 ? (int32_t)w : ATH_EINVAL;
            break;
        }
    }
    int64_t x;
    ath_call_lend(fs, iobuf, ATH_R_READ | ATH_R_WRITE, FS_A0(FS_SYNC, 0), 0, 0, &x);
    ath_call_lend(fs, iobuf, ATH_R_READ | ATH_R_WRITE, FS_A0(FS_CLOSE, h), 0, 0, &x);
    return r;
}
