/* Attempts to leave the preopened directory (run with --dir HOST::/sandbox,
 * where the host directory holds "inside.txt", a link "up" -> "../secret.txt"
 * and a link "abs" -> an absolute host path). All must fail; nothing
 * outside may be read or created. Raw preview1 calls bypass wasi-libc's own
 * checks so that the runtime is what refuses. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

WASI("path_open") int32_t raw_path_open(int32_t fd, int32_t dirflags, const char *path,
                                        int32_t path_len, int32_t oflags, int64_t rights,
                                        int64_t inheriting, int32_t fdflags, int32_t *out);
WASI("path_filestat_get") int32_t raw_path_filestat_get(int32_t fd, int32_t flags,
                                                        const char *path, int32_t len,
                                                        void *buf);
WASI("path_create_directory") int32_t raw_mkdir(int32_t fd, const char *path, int32_t len);
WASI("path_symlink") int32_t raw_symlink(const char *old, int32_t old_len, int32_t fd,
                                         const char *path, int32_t len);
WASI("path_rename") int32_t raw_rename(int32_t fd, const char *old, int32_t old_len,
                                       int32_t nfd, const char *path, int32_t len);
WASI("path_unlink_file") int32_t raw_unlink(int32_t fd, const char *path, int32_t len);

#define READ_RIGHTS ((int64_t)(2 | 4 | 32 | (1 << 21)))

static int32_t try_open(const char *path, int follow, int create)
{
    int32_t fd = -1;
    int32_t e = raw_path_open(3, follow, path, (int32_t)strlen(path), create ? 1 : 0,
                              READ_RIGHTS, READ_RIGHTS, 0, &fd);
    if (e == 0)
        close(fd);
    return e;
}

static void show(const char *what, int32_t e)
{
    printf("%-28s %s\n", what, e == 0 ? "ALLOWED" : e == 76 ? "notcapable" : "refused");
}

int main(void)
{
    char st[64];
    show("open inside.txt", try_open("inside.txt", 1, 0));
    show("open x/../inside.txt", try_open("./x/../inside.txt", 1, 0));
    show("open ../secret.txt", try_open("../secret.txt", 1, 0));
    show("open a/../../secret.txt", try_open("a/../../secret.txt", 1, 0));
    show("open /etc/passwd", try_open("/etc/passwd", 1, 0));
    show("open ..", try_open("..", 1, 0));
    show("create ../created.txt", try_open("../created.txt", 1, 1));
    show("open link up (follow)", try_open("up", 1, 0));
    show("open link abs (follow)", try_open("abs", 1, 0));
    show("open link up (nofollow)", try_open("up", 0, 0));
    show("stat ../secret.txt", raw_path_filestat_get(3, 1, "../secret.txt", 13, st));
    show("stat link up (follow)", raw_path_filestat_get(3, 1, "up", 2, st));
    show("mkdir ../newdir", raw_mkdir(3, "../newdir", 9));
    show("symlink to /etc", raw_symlink("/etc", 4, 3, "etc", 3));
    show("rename inside.txt to ../", raw_rename(3, "inside.txt", 10, 3, "../moved.txt", 12));
    show("unlink ../secret.txt", raw_unlink(3, "../secret.txt", 13));
    /* Through wasi-libc as well: these never reach a preopen. */
    printf("libc open /etc/passwd: %s\n", open("/etc/passwd", O_RDONLY) < 0 ? "refused" : "ALLOWED");
    printf("libc open /sandbox/../secret.txt: %s\n",
           open("/sandbox/../secret.txt", O_RDONLY) < 0 ? "refused" : "ALLOWED");
    printf("libc open /sandbox/up: %s\n", open("/sandbox/up", O_RDONLY) < 0 ? "refused" : "ALLOWED");
    return 0;
}
