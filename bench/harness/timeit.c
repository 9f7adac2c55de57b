/*
 * timeit: runs one command and reports its cost, for bench/run.sh.
 *
 *   timeit OUT ERR TIMEOUT_S cmd [args...]
 *
 * Runs cmd with stdout sent to file OUT and stderr to file ERR, kills it
 * after TIMEOUT_S seconds, and prints "WALL_MS CPU_MS" on stdout: the
 * monotonic wall-clock time from just before fork to just after the child
 * is reaped, and the child's user+system CPU time (all its threads).
 * Exits 0 when the command exited 0, else 1. Timing here rather than in the
 * shell keeps the shell's own fork/exec costs out of the measurement.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;

static void on_alarm(int sig)
{
    (void)sig;
    if (child > 0) kill(child, SIGKILL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; }

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: timeit OUT ERR TIMEOUT_S cmd [args...]\n");
        return 2;
    }
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) { perror("timeit: open"); return 2; }
    signal(SIGALRM, on_alarm);
    double t0 = now_ms();
    child = fork();
    if (child < 0) { perror("timeit: fork"); return 2; }
    if (child == 0) {
        dup2(out, 1);
        dup2(err, 2);
        execvp(argv[4], argv + 4);
        perror("timeit: exec");
        _exit(127);
    }
    alarm((unsigned)atoi(argv[3]));
    int status;
    struct rusage ru;
    while (wait4(child, &status, 0, &ru) < 0) {}
    double t1 = now_ms();
    printf("%.1f %.1f\n", t1 - t0, tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime));
    if (WIFSIGNALED(status)) dprintf(err, "timeit: killed by signal %d\n", WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
