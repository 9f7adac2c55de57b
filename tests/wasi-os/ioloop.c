/* Writes, reads back and rewrites a file under the directory named by its
 * argument until it is stopped (tests/groups/66-wasi-os.sh stops it with
 * Ctrl-C at the shell: the file service must stay consistent, whatever
 * request was running then). Exits 1 if a read gives back other bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[256], buf[4096], back[4096];
    snprintf(path, sizeof path, "%s/ioloop.bin", argc > 1 ? argv[1] : ".");
    printf("ioloop: running\n");
    fflush(stdout);
    for (unsigned round = 0;; round++) {
        memset(buf, 'a' + round % 26, sizeof buf);
        int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
        if (fd < 0) {
            perror("open");
            return 1;
        }
        for (int i = 0; i < 8; i++)
            if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
                perror("write");
                return 1;
            }
        lseek(fd, 0, SEEK_SET);
        for (int i = 0; i < 8; i++)
            if (read(fd, back, sizeof back) != (ssize_t)sizeof back || memcmp(buf, back, sizeof buf)) {
                printf("ioloop: read back other bytes\n");
                return 1;
            }
        close(fd);
    }
}
