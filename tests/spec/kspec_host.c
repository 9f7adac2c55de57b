/*
 * kspec_host: runs the in-kernel spec runner (kernel/test/kspec.c) on the
 * host, with the hosted engine and a kprintf/kmalloc shim.
 *
 *   kspec_host blob.bin           runs it; exit status 0 iff nothing failed
 *   kspec_host -m N blob.bin      damages the blob N ways (cuts, header and
 *                                 body bytes, body bytes with the checksum
 *                                 fixed up so the parser sees them) and runs
 *                                 each quietly: it must not crash, and
 *                                 damage the checksum covers must be
 *                                 refused. Prints "mutations: P passed, F failed".
 *
 * It runs on a thread with a 256 KiB stack, about what a kernel thread has
 * (the engine keeps a 64 KiB margin below its native stack).
 */
#include <kern/kernel.h>
#include <kern/kspec.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int quiet;

void kvprintf(const char *fmt, va_list ap)
{
    if (!quiet)
        vprintf(fmt, ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void *kmalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void kfree(void *p)
{
    free(p);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    rewind(f);
    if (n < 0 || !data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(data);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Mutation i of blob into copy (same length unless cut). Returns the new
 * length; *must_refuse tells whether kspec_run has to return -1. */
static size_t mutate(const uint8_t *blob, size_t len, uint8_t *copy, unsigned i,
                     int *must_refuse)
{
    memcpy(copy, blob, len);
    unsigned kind = i % 4;
    size_t at = (size_t)rand() % len;
    *must_refuse = kind != 3;
    if (kind == 0)
        return at;                                  /* cut */
    if (kind == 1) {
        copy[at % KSPEC_HEADER_SIZE] ^= (uint8_t)(1u << (rand() % 8));
        return len;
    }
    if (at < KSPEC_HEADER_SIZE)
        at = KSPEC_HEADER_SIZE + at % (len - KSPEC_HEADER_SIZE);
    copy[at] ^= (uint8_t)(1 + rand() % 255);
    if (kind == 3)
        put_u32(copy + 16, fnv1a(copy + KSPEC_HEADER_SIZE, len - KSPEC_HEADER_SIZE));
    return len;
}

static int mutations(const uint8_t *blob, size_t len, unsigned n)
{
    int passed = 0, failed = 0;
    uint8_t *copy = malloc(len);
    srand(1);
    for (unsigned i = 0; copy && i < n; i++) {
        int must_refuse;
        size_t l = mutate(blob, len, copy, i, &must_refuse);
        quiet = 1;
        int r = kspec_run(copy, l);
        quiet = 0;
        if (must_refuse && r != -1) {
            printf("mutation %u (kind %u): damaged blob not refused (returned %d)\n", i, i % 4, r);
            failed++;
        } else {
            passed++;
        }
    }
    free(copy);
    printf("mutations: %d passed, %d failed\n", passed, failed + !copy);
    return failed || !copy;
}

typedef struct job {
    const uint8_t *blob;
    size_t len;
    unsigned nmut;
    int status;
} job_t;

static void *run_job(void *arg)
{
    job_t *j = arg;
    j->status = j->nmut ? mutations(j->blob, j->len, j->nmut) : kspec_run(j->blob, j->len) != 0;
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned nmut = 0;
    int a = 1;
    if (argc == 4 && strcmp(argv[1], "-m") == 0) {
        nmut = (unsigned)strtoul(argv[2], NULL, 10);
        a = 3;
    }
    if (a != argc - 1) {
        fprintf(stderr, "usage: kspec_host [-m N] blob.bin\n");
        return 2;
    }
    size_t len = 0;
    uint8_t *blob = slurp(argv[a], &len);
    if (!blob) {
        fprintf(stderr, "kspec_host: cannot read %s\n", argv[a]);
        return 2;
    }
    job_t job = {blob, len, nmut, 2};
    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, 256 * 1024) != 0 ||
        pthread_create(&t, &attr, run_job, &job) != 0 || pthread_join(t, NULL) != 0) {
        fprintf(stderr, "kspec_host: cannot start the runner thread\n");
        return 2;
    }
    int r = job.status;
    fflush(stdout);
    free(blob);
    return r;
}
