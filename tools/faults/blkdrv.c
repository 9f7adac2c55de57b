/*
 * The fault-injection target (tools/faults/): a small driver domain, a RAM
 * block device with a transmit FIFO, whose handlers are IPC endpoints of
 * type (i64, i64, i64, i64) -> i64. Its code has the shapes real drivers
 * have: bounds checks, loops over sectors, a ring buffer, a checksum, a
 * state machine. The campaign mutates the compiled bytes of this module.
 *
 * Built with -DBLK_CHECKS (blkdrv_ck.wasm), each handler also has a
 * self-check (the *_ck exports, run by the kernel after each call when the
 * manifest names them with check=, docs/domains.md):
 * (request, answer) -> 0 when the answer and the state agree, written
 * apart from the handler (its own loops, not the handler's helpers), the
 * way a driver checks a request's status, length and checksum.
 */
#include <stdint.h>

#define EXPORT(n) __attribute__((export_name(n)))
#define NSECT 16
#define SECT 512
#define FIFO 64

static uint8_t disk[NSECT][SECT];
static uint8_t fifo[FIFO];
static uint32_t head, tail, state, ops;

/* FNV-1a over one sector. */
static uint32_t sum(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

EXPORT("init") int64_t drv_init(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    for (uint32_t s = 0; s < NSECT; s++)
        for (uint32_t i = 0; i < SECT; i++)
            disk[s][i] = (uint8_t)(s * 31 + i);
    head = tail = ops = 0;
    state = 1;
    return NSECT;
}

/* Writes sector a with a pattern from seed b; its checksum, or -1. */
EXPORT("blk_write") int64_t blk_write(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)c, (void)d;
    if (state != 1 || a < 0 || a >= NSECT)
        return -1;
    uint32_t x = (uint32_t)b | 1;
    for (uint32_t i = 0; i < SECT; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        disk[a][i] = (uint8_t)x;
    }
    ops++;
    return sum(disk[a], SECT);
}

/* Checksum of sectors [a, a+b), or -1. */
EXPORT("blk_read") int64_t blk_read(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)c, (void)d;
    if (state != 1 || a < 0 || b < 0 || a + b > NSECT)
        return -1;
    uint32_t h = 0;
    for (int64_t s = a; s < a + b; s++)
        h = h * 33 + sum(disk[s], SECT);
    ops++;
    return h;
}

/* Queues byte a for transmission: the FIFO's length, or -2 when full. */
EXPORT("tx_put") int64_t tx_put(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)b, (void)c, (void)d;
    if ((head + 1) % FIFO == tail)
        return -2;
    fifo[head] = (uint8_t)a;
    head = (head + 1) % FIFO;
    return (head - tail + FIFO) % FIFO;
}

/* Drains up to a bytes: their sum times 256 plus the count. */
EXPORT("tx_drain") int64_t tx_drain(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)b, (void)c, (void)d;
    int64_t n = 0, s = 0;
    while (n < a && tail != head) {
        s += fifo[tail];
        tail = (tail + 1) % FIFO;
        n++;
    }
    return s * 256 + n;
}

/* Status word: state, operation count, FIFO length. */
EXPORT("status") int64_t status(int64_t a, int64_t b, int64_t c, int64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return ((int64_t)state << 40) | ((int64_t)ops << 8) | ((head - tail + FIFO) % FIFO);
}

/* ------------------------------------------------------------ self-checks */
#ifdef BLK_CHECKS

typedef int32_t ck_t;

/* FNV-1a again, on its own: a fault in sum() must not fool the check. */
static uint32_t ck_sum(const uint8_t *p)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < SECT; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int ck_fifo_ok(void)
{
    return head < FIFO && tail < FIFO;
}

EXPORT("init_ck") ck_t init_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)a, (void)b, (void)c, (void)d;
    if (r != NSECT || state != 1 || head || tail || ops)
        return 1;
    for (uint32_t s = 0; s < NSECT; s++)
        for (uint32_t i = 0; i < SECT; i++)
            if (disk[s][i] != (uint8_t)(s * 31 + i))
                return 2;
    return 0;
}

EXPORT("blk_write_ck") ck_t blk_write_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)c, (void)d;
    if (state != 1 || a < 0 || a >= NSECT)
        return r != -1;
    uint32_t x = (uint32_t)b | 1;
    for (uint32_t i = 0; i < SECT; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        if (disk[a][i] != (uint8_t)x)
            return 2;
    }
    return r != (int64_t)ck_sum(disk[a]);
}

EXPORT("blk_read_ck") ck_t blk_read_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)c, (void)d;
    if (state != 1 || a < 0 || b < 0 || a + b > NSECT)
        return r != -1;
    uint32_t h = 0;
    for (int64_t s = a; s < a + b; s++)
        h = h * 33 + ck_sum(disk[s]);
    return r != (int64_t)h;
}

EXPORT("tx_put_ck") ck_t tx_put_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)b, (void)c, (void)d;
    if (!ck_fifo_ok())
        return 1;
    uint32_t len = (head - tail + FIFO) % FIFO;
    if (r == -2)
        return len != FIFO - 1;
    return r != len || len == 0 || fifo[(head + FIFO - 1) % FIFO] != (uint8_t)a;
}

EXPORT("tx_drain_ck") ck_t tx_drain_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)b, (void)c, (void)d;
    int64_t n = r & 255, s = 0;
    if (!ck_fifo_ok() || r < 0 || n > a || n >= FIFO || (n < a && tail != head))
        return 1;
    for (int64_t i = 0; i < n; i++)     /* the drained bytes are still there */
        s += fifo[(tail + FIFO - n + i) % FIFO];
    return r != s * 256 + n;
}

EXPORT("status_ck") ck_t status_ck(int64_t a, int64_t b, int64_t c, int64_t d, int64_t r)
{
    (void)a, (void)b, (void)c, (void)d;
    if (!ck_fifo_ok() || state > 1)
        return 1;
    return r != (((int64_t)state << 40) | ((int64_t)ops << 8) | ((head - tail + FIFO) % FIFO));
}
#endif
