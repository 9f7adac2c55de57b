/* Rights, through the raw preview1 calls: every fd_* and path_* call that
 * needs a right fails with notcapable without it, directory fds pass on only
 * their inheriting rights, fd_fdstat_set_rights only drops rights, a
 * preopen stripped of its rights reaches nothing below it, and directories
 * hold directory rights only, as wasmtime has them (not opened for
 * writing: isdir; no seek right). Run with a fresh
 * host directory as /sandbox; afterwards it must hold exactly a.txt
 * ("hello") and sub/ (tests/groups/40-wasi.sh checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define ALL ((__wasi_rights_t)((1ull << 30) - 1))
#define R(x) __WASI_RIGHTS_##x
/* A directory's rights, as wasmtime gives a preopen (src/wasi/wasi.h). */
#define DIR (R(PATH_CREATE_DIRECTORY) | R(PATH_CREATE_FILE) | R(PATH_LINK_SOURCE) | \
             R(PATH_LINK_TARGET) | R(PATH_OPEN) | R(FD_READDIR) | R(PATH_READLINK) | \
             R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) | R(PATH_FILESTAT_GET) | \
             R(PATH_FILESTAT_SET_SIZE) | R(PATH_FILESTAT_SET_TIMES) | R(FD_FILESTAT_GET) | \
             R(FD_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) | R(PATH_REMOVE_DIRECTORY) | \
             R(PATH_UNLINK_FILE))
#define SOCK (R(SOCK_SHUTDOWN) | R(SOCK_ACCEPT))

static int failures;

static const char *ename(__wasi_errno_t e)
{
    static char buf[16];
    if (e == 0)
        return "ok";
    if (e == __WASI_ERRNO_NOTCAPABLE)
        return "notcapable";
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

/* Prints "what: result" and counts a mismatch (the .out file pins it too). */
static void want(const char *what, __wasi_errno_t got, __wasi_errno_t expect)
{
    printf("%s: %s\n", what, ename(got));
    if (got != expect)
        failures++;
}

static __wasi_fd_t preopen(void)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t p;
        char name[64];
        if (__wasi_fd_prestat_get(fd, &p) != 0 || p.u.dir.pr_name_len >= sizeof name)
            continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len) == 0 &&
            p.u.dir.pr_name_len == 8 && memcmp(name, "/sandbox", 8) == 0)
            return fd;
    }
    printf("no /sandbox preopen\n");
    exit(1);
}

static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t of,
                              __wasi_rights_t base, __wasi_rights_t inh, __wasi_fd_t *fd)
{
    return __wasi_path_open(dir, 0, path, of, base, inh, 0, fd);
}

/* The sandbox directory again, as a new fd with the given rights (those
 * a directory can hold). */
static __wasi_fd_t dir_with(__wasi_fd_t root, __wasi_rights_t base, __wasi_rights_t inh)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(root, ".", __WASI_OFLAGS_DIRECTORY, base & DIR, inh & ~SOCK, &fd);
    if (e != 0) {
        printf("open . failed: %s\n", ename(e));
        exit(1);
    }
    return fd;
}

static __wasi_rights_t rights_of(__wasi_fd_t fd)
{
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) != 0)
        return ~0ull;
    return st.fs_rights_base;
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s)
{
    __wasi_ciovec_t v = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n;
    return __wasi_fd_write(fd, &v, 1, &n);
}

static __wasi_errno_t read_str(__wasi_fd_t fd, char *buf, size_t cap)
{
    __wasi_iovec_t v = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(fd, &v, 1, &n);
    buf[e == 0 ? n : 0] = 0;
    return e;
}

/* Each path operation, on a directory fd lacking exactly its right. */
static void path_rights(__wasi_fd_t root)
{
    __wasi_fd_t d, fd;
    __wasi_filestat_t st;
    uint8_t buf[64];
    __wasi_size_t n;
#define WITHOUT(right) (d = dir_with(root, ALL & ~R(right), ALL))
    WITHOUT(PATH_OPEN);
    want("path_open without path_open", open_at(d, "a.txt", 0, R(FD_READ), 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_CREATE_FILE);
    want("path_open creat without path_create_file",
         open_at(d, "nope1.txt", __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    want("path_open existing without path_create_file",
         open_at(d, "a.txt", 0, R(FD_READ), 0, &fd), 0);
    WITHOUT(PATH_FILESTAT_SET_SIZE);
    want("path_open trunc without path_filestat_set_size",
         open_at(d, "a.txt", __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_CREATE_DIRECTORY);
    want("mkdir without path_create_directory", __wasi_path_create_directory(d, "nope2"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_REMOVE_DIRECTORY);
    want("rmdir without path_remove_directory", __wasi_path_remove_directory(d, "sub"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_UNLINK_FILE);
    want("unlink without path_unlink_file", __wasi_path_unlink_file(d, "a.txt"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_FILESTAT_GET);
    want("stat without path_filestat_get", __wasi_path_filestat_get(d, 0, "a.txt", &st),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_FILESTAT_SET_TIMES);
    want("utimes without path_filestat_set_times",
         __wasi_path_filestat_set_times(d, 0, "a.txt", 1, 1,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_READLINK);
    want("readlink without path_readlink", __wasi_path_readlink(d, "a.txt", buf, sizeof buf, &n),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_SYMLINK);
    want("symlink without path_symlink", __wasi_path_symlink("a.txt", d, "nope3"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_RENAME_SOURCE);
    want("rename without path_rename_source", __wasi_path_rename(d, "a.txt", root, "nope4.txt"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_RENAME_TARGET);
    want("rename without path_rename_target", __wasi_path_rename(root, "a.txt", d, "nope5.txt"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_LINK_SOURCE);
    want("link without path_link_source", __wasi_path_link(d, 0, "a.txt", root, "nope6.txt"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(PATH_LINK_TARGET);
    want("link without path_link_target", __wasi_path_link(root, 0, "a.txt", d, "nope7.txt"),
         __WASI_ERRNO_NOTCAPABLE);
    WITHOUT(FD_READDIR);
    want("readdir without fd_readdir", __wasi_fd_readdir(d, buf, sizeof buf, 0, &n),
         __WASI_ERRNO_NOTCAPABLE);
#undef WITHOUT
    /* The same calls with the right present get past the check. */
    d = dir_with(root, ALL, ALL);
    want("stat with every right", __wasi_path_filestat_get(d, 0, "a.txt", &st), 0);
    want("readdir with every right", __wasi_fd_readdir(d, buf, sizeof buf, 0, &n), 0);
}

/* Rights a directory passes on: none beyond its inheriting rights. */
static void inheriting(__wasi_fd_t root)
{
    __wasi_fd_t d = dir_with(root, ALL, R(FD_READ) | R(FD_SEEK)), fd;
    want("open asking more than inheriting",
         open_at(d, "a.txt", 0, R(FD_READ) | R(FD_WRITE), 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    want("open asking inheriting beyond inheriting",
         open_at(d, "a.txt", 0, R(FD_READ), R(FD_WRITE), &fd), __WASI_ERRNO_NOTCAPABLE);
    want("subdirectory asking path_open not inherited",
         open_at(d, "sub", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    want("open read within inheriting", open_at(d, "a.txt", 0, R(FD_READ), 0, &fd), 0);
    printf("its rights are fd_read only: %d\n", rights_of(fd) == R(FD_READ));
    char buf[16];
    want("fd_read", read_str(fd, buf, sizeof buf), 0);
    printf("read back: %s\n", buf);
    want("fd_write on it", write_str(fd, "x"), __WASI_ERRNO_NOTCAPABLE);
    __wasi_filesize_t pos;
    want("fd_seek on it", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_tell on it", __wasi_fd_tell(fd, &pos), __WASI_ERRNO_NOTCAPABLE);
    (void)__wasi_fd_close(fd);

    /* Two levels: a subdirectory opened through a narrowed directory. */
    __wasi_fd_t mid = dir_with(root, R(PATH_OPEN), R(PATH_OPEN) | R(FD_READ)), sub;
    want("subdirectory through narrowed dir",
         open_at(mid, "sub", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), R(FD_READ), &sub), 0);
    want("create below it", open_at(sub, "nope8.txt", __WASI_OFLAGS_CREAT, 0, 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    want("subdirectory asking inheriting fd_write",
         open_at(mid, "sub", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), R(FD_WRITE), &sub),
         __WASI_ERRNO_NOTCAPABLE);
}

/* fd_* calls each need their own right. */
static void fd_rights(__wasi_fd_t root)
{
    __wasi_fd_t fd;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
    uint8_t b[4];
    __wasi_iovec_t v = {b, sizeof b};
    __wasi_ciovec_t cv = {b, sizeof b};
    __wasi_size_t n;
    if (open_at(root, "a.txt", 0, R(FD_READ) | R(FD_WRITE), 0, &fd) != 0) {
        printf("open a.txt failed\n");
        exit(1);
    }
    want("fd_seek without fd_seek", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_tell without fd_tell", __wasi_fd_tell(fd, &pos), __WASI_ERRNO_NOTCAPABLE);
    want("fd_pread without fd_seek", __wasi_fd_pread(fd, &v, 1, 0, &n),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_pwrite without fd_seek", __wasi_fd_pwrite(fd, &cv, 1, 0, &n),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_filestat_get without its right", __wasi_fd_filestat_get(fd, &st),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_filestat_set_size without its right", __wasi_fd_filestat_set_size(fd, 0),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_filestat_set_times without its right",
         __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_sync without fd_sync", __wasi_fd_sync(fd), __WASI_ERRNO_NOTCAPABLE);
    want("fd_datasync without fd_datasync", __wasi_fd_datasync(fd), __WASI_ERRNO_NOTCAPABLE);
    want("fd_advise without fd_advise", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_allocate without fd_allocate", __wasi_fd_allocate(fd, 0, 8),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_fdstat_set_flags without its right",
         __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_NOTCAPABLE);

    /* Dropping rights, and failing to take them back. */
    want("drop fd_write", __wasi_fd_fdstat_set_rights(fd, R(FD_READ), 0), 0);
    printf("rights now fd_read only: %d\n", rights_of(fd) == R(FD_READ));
    want("fd_write after dropping it", write_str(fd, "x"), __WASI_ERRNO_NOTCAPABLE);
    want("regain fd_write", __wasi_fd_fdstat_set_rights(fd, R(FD_READ) | R(FD_WRITE), 0),
         __WASI_ERRNO_NOTCAPABLE);
    want("gain an inheriting right", __wasi_fd_fdstat_set_rights(fd, R(FD_READ), R(FD_READ)),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_read still", __wasi_fd_read(fd, &v, 1, &n), 0);
    (void)__wasi_fd_close(fd);
}

/* Directories as wasmtime has them: directory rights only, not opened
 * for writing, no seek. */
static void directories(__wasi_fd_t root)
{
    __wasi_fd_t fd;
    __wasi_filesize_t pos;
    want("open a directory with fd_write", open_at(root, "sub", __WASI_OFLAGS_DIRECTORY,
                                                   R(FD_WRITE), 0, &fd), __WASI_ERRNO_ISDIR);
    want("open a directory with every right", open_at(root, "sub", 0, ALL & ~SOCK, 0, &fd),
         __WASI_ERRNO_ISDIR);
    want("open a directory with fd_read and fd_seek",
         open_at(root, "sub", __WASI_OFLAGS_DIRECTORY, R(FD_READ) | R(FD_SEEK) | R(FD_READDIR), 0, &fd), 0);
    printf("it holds fd_readdir only: %d\n", rights_of(fd) == R(FD_READDIR));
    want("fd_seek on a directory", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos),
         __WASI_ERRNO_NOTCAPABLE);
    want("fd_tell on a directory", __wasi_fd_tell(fd, &pos), __WASI_ERRNO_NOTCAPABLE);
    (void)__wasi_fd_close(fd);
    want("fd_seek on the preopen", __wasi_fd_seek(root, 0, __WASI_WHENCE_CUR, &pos),
         __WASI_ERRNO_NOTCAPABLE);
}

int main(void)
{
    __wasi_fd_t root = preopen(), fd;
    __wasi_fdstat_t st;
    printf("preopen has the directory rights: %d\n", rights_of(root) == DIR);
    printf("and passes on every file and directory right: %d\n",
           __wasi_fd_fdstat_get(root, &st) == 0 && st.fs_rights_inheriting == (ALL & ~SOCK));
    want("create a.txt",
         open_at(root, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                 R(FD_READ) | R(FD_WRITE), 0, &fd), 0);
    want("write a.txt", write_str(fd, "hello"), 0);
    (void)__wasi_fd_close(fd);
    want("mkdir sub", __wasi_path_create_directory(root, "sub"), 0);

    path_rights(root);
    inheriting(root);
    fd_rights(root);
    directories(root);

    /* The preopen itself, stripped of every right: nothing below it. */
    want("strip the preopen", __wasi_fd_fdstat_set_rights(root, 0, 0), 0);
    want("create in stripped preopen",
         open_at(root, "nope9.txt", __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    want("open in stripped preopen", open_at(root, "a.txt", 0, 0, 0, &fd),
         __WASI_ERRNO_NOTCAPABLE);
    want("mkdir in stripped preopen", __wasi_path_create_directory(root, "nope10"),
         __WASI_ERRNO_NOTCAPABLE);
    want("regain the preopen's rights", __wasi_fd_fdstat_set_rights(root, ALL, ALL),
         __WASI_ERRNO_NOTCAPABLE);
    printf("failures: %d\n", failures);
    return failures != 0;
}
