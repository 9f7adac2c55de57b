/* Files under a preopened directory (run with --dir HOST::/sandbox):
 * create, write, read back, seek, stat, pread/pwrite, truncate, append,
 * stdio, readdir (large enough to need several fd_readdir calls), rename,
 * unlink, mkdir, rmdir, symlinks, and the errors for common mistakes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            printf("FAIL %d: %s (errno %d: %s)\n", __LINE__, #c, errno,           \
                   strerror(errno));                                              \
            exit(1);                                                              \
        }                                                                         \
    } while (0)

static const char *err_after(int rc)
{
    return rc == 0 ? "ok" : strerror(errno);
}

static void create_write_read(void)
{
    char buf[64] = {0};
    CHECK(mkdir("/sandbox/d", 0755) == 0);
    int fd = open("/sandbox/d/a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world\n", 12) == 12);
    CHECK(close(fd) == 0);
    struct stat st;
    CHECK(stat("/sandbox/d/a.txt", &st) == 0);
    printf("size=%lld reg=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    fd = open("/sandbox/d/a.txt", O_RDWR);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, 5) == 5);
    printf("read: %s\n", buf);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 6);
    printf("after seek: %s", buf);
    printf("end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("cur-6=%lld\n", (long long)lseek(fd, -6, SEEK_CUR));
    CHECK(pwrite(fd, "W", 1, 6) == 1);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 5, 6) == 5);
    printf("pread: %s\n", buf);
    printf("tell after pread=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("truncated size=%lld\n", (long long)st.st_size);
    CHECK(close(fd) == 0);
    fd = open("/sandbox/d/a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "!!", 2) == 2);
    CHECK(close(fd) == 0);
    fd = open("/sandbox/d/a.txt", O_RDONLY);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 7);
    printf("appended: %s\n", buf);
    printf("write to O_RDONLY: %s\n", write(fd, "x", 1) < 0 ? "refused" : "allowed");
    close(fd);
}

static void use_stdio(void)
{
    char line[64];
    FILE *f = fopen("/sandbox/d/b.txt", "w");
    CHECK(f);
    for (int i = 0; i < 3; i++)
        fprintf(f, "line %d\n", i);
    CHECK(fclose(f) == 0);
    f = fopen("/sandbox/d/b.txt", "r");
    CHECK(f);
    while (fgets(line, sizeof line, f))
        printf("fgets: %s", line);
    fclose(f);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the sorted names in dir (without . and ..); returns their count. */
static int list_dir(const char *dir, int print)
{
    char *names[256];
    int n = 0;
    DIR *d = opendir(dir);
    CHECK(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 256)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) {
        if (print)
            printf("  %s\n", names[i]);
        free(names[i]);
    }
    return n;
}

static void directories(void)
{
    char path[256];
    printf("readdir /sandbox/d:\n");
    list_dir("/sandbox/d", 1);
    CHECK(mkdir("/sandbox/many", 0755) == 0);
    for (int i = 0; i < 60; i++) {
        snprintf(path, sizeof path, "/sandbox/many/file-with-a-rather-long-name-to-fill-"
                 "the-readdir-buffer-quickly-%03d", i);
        int fd = open(path, O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0);
        close(fd);
    }
    printf("many: %d entries\n", list_dir("/sandbox/many", 0));
    for (int i = 0; i < 60; i++) {
        snprintf(path, sizeof path, "/sandbox/many/file-with-a-rather-long-name-to-fill-"
                 "the-readdir-buffer-quickly-%03d", i);
        CHECK(unlink(path) == 0);
    }
    CHECK(rmdir("/sandbox/many") == 0);
}

static void renames_and_removal(void)
{
    struct stat st;
    CHECK(rename("/sandbox/d/a.txt", "/sandbox/d/c.txt") == 0);
    printf("stat old name: %s\n", err_after(stat("/sandbox/d/a.txt", &st)));
    printf("stat new name: %s\n", err_after(stat("/sandbox/d/c.txt", &st)));
    printf("dotdot inside: %s\n", err_after(stat("/sandbox/d/../d/c.txt", &st)));
    CHECK(unlink("/sandbox/d/c.txt") == 0);
    printf("access after unlink: %s\n", err_after(access("/sandbox/d/c.txt", F_OK)));
    printf("mkdir existing: %s\n", err_after(mkdir("/sandbox/d", 0755)));
    printf("rmdir non-empty: %s\n", err_after(rmdir("/sandbox/d")));
    printf("unlink a directory: %s\n", unlink("/sandbox/d") == 0 ? "ok" : "refused");
    printf("open missing: %s\n", open("/sandbox/nope", O_RDONLY) < 0 ? strerror(errno) : "ok");
    printf("opendir on a file: %s\n",
           opendir("/sandbox/d/b.txt") ? "ok" : strerror(errno));
    printf("O_EXCL on existing: %s\n",
           open("/sandbox/d/b.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 ? strerror(errno)
                                                                            : "ok");
    CHECK(unlink("/sandbox/d/b.txt") == 0);
    CHECK(rmdir("/sandbox/d") == 0);
    printf("stat removed dir: %s\n", err_after(stat("/sandbox/d", &st)));
}

static void symlinks(void)
{
    char buf[64] = {0};
    struct stat st;
    int fd = open("/sandbox/target.txt", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "via link\n", 9) == 9);
    close(fd);
    CHECK(symlink("target.txt", "/sandbox/ln") == 0);
    CHECK(readlink("/sandbox/ln", buf, sizeof buf) == 10);
    printf("readlink: %s\n", buf);
    CHECK(lstat("/sandbox/ln", &st) == 0);
    printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
    CHECK(stat("/sandbox/ln", &st) == 0);
    printf("stat follows: size=%lld\n", (long long)st.st_size);
    fd = open("/sandbox/ln", O_RDONLY);
    CHECK(fd >= 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 9);
    printf("read through link: %s", buf);
    close(fd);
    CHECK(unlink("/sandbox/ln") == 0);
    CHECK(unlink("/sandbox/target.txt") == 0);
}

int main(void)
{
    create_write_read();
    use_stdio();
    directories();
    renames_and_removal();
    symlinks();
    printf("left in sandbox: %d\n", list_dir("/sandbox", 0));
    printf("files ok\n");
    return 0;
}
