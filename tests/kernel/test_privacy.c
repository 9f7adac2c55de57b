/*
 * The sensor broker (user/services/sensors, the real module) against
 * hostile apps (docs/privacy.md): a lease is a kernel lease of a buffer;
 * when it ends every copy stops working, wherever it went: derived and
 * handed to a colluding domain, moved to it, mapped twice; the app's
 * memory then holds no sensor byte and the freed frames none either; the
 * next read fails with "lease expired" (or "revoked" when the shell ended
 * it); the coarse precision is applied before the app sees anything;
 * malformed requests are refused. The apps are iso.wasm (thin wrappers
 * over the host calls); the driver's fixes are sent by hand on gps.fix
 * and the broker's tick export is run by the test.
 */
#include <arch/timer.h>
#include <kern/kernel.h>
#include <time.h>
#include "ipctest.h"
#include "../../sdk/include/fsproto.h"

#define MS 1000000ull
#define R_READ 1
#define R_WRITE 2
#define R_MAP 4

#define BROKER                                              \
    "sensors sensors.wasm handles=128 queue=8\n"            \
    "    endpoint sensor.request handler=request\n"         \
    "    endpoint sensor.admin handler=admin\n"             \
    "    endpoint sensor.tick handler=tick\n"               \
    "    endpoint mic.data handler=mic_data\n"              \
    "    endpoint camera.data handler=camera_data\n"        \
    "    endpoint sensor.files handler=files\n"             \
    "    channel gps.fix recv\n"                            \
    "    channel box.app recv\n"                            \
    "    channel box.col recv\n"                            \
    "    clock fine\n"
/* With a shell to ask: sh receives the questions and sends the answers. */
#define ASKING                                              \
    "    channel sensor.answer recv\n"                      \
    "    channel sensor.ask\n"
#define SHELL                                               \
    "sh iso.wasm\n"                                         \
    "    channel sensor.ask recv\n"                         \
    "    channel sensor.answer\n"
#define WORLD BROKER OTHERS
#define OTHERS                                              \
    "app iso.wasm\n"                                        \
    "    endpoint sensor.request\n"                         \
    "    channel box.app rights=recv\n"                     \
    "    channel col.in\n"                                  \
    "col iso.wasm\n"                                        \
    "    channel col.in recv\n"                             \
    "    channel box.col rights=recv\n"                     \
    "drv iso.wasm\n"                                        \
    "    channel gps.fix\n"                                 \
    "mdrv iso.wasm\n"                                       \
    "    endpoint mic.data\n"                               \
    "cdrv iso.wasm\n"                                       \
    "    endpoint camera.data\n"                            \
    "adm iso.wasm\n"                                        \
    "    endpoint sensor.admin\n"                           \
    "la iso.wasm\n"                                         \
    "    endpoint sensor.files rights=call,derive\n"        \
    "wp iso.wasm\n"                                         \
    "wq iso.wasm\n"                                         \
    "client client.wasm\n"

/* The fed position and its coarse cell's centre, degrees * 10^7. */
#define LAT 488584000
#define LON 22945000
#define CLAT 488550000
#define CLON 22950000

typedef struct priv {
    ipc_world_t w;
    domain_t *brk, *app, *col, *drv, *adm, *mdrv, *cdrv;
} priv_t;

static domain_t *dom(ipc_world_t *w, const char *name)
{
    domain_t *d = domain_find(&w->sys, name);
    return d && d->state == DOMAIN_READY ? d : NULL;
}

static void put(priv_t *p, domain_t *d, uint32_t off, const void *bytes, uint32_t n);

/* The shell's way to set the policy (SENSOR_ADMIN_POLICY): its result. */
static int64_t set_policy(priv_t *p, const char *text)
{
    int64_t ab = ipc_run(&p->w, p->adm, "buf_new", 1, (int64_t)1);
    ipc_run(&p->w, p->adm, "buf_map", 2, ab, (int64_t)4096);
    put(p, p->adm, 4096, text, (uint32_t)strlen(text));
    ipc_run(&p->w, p->adm, "buf_unmap", 1, ab);
    int64_t r = ipc_run(&p->w, p->adm, "lend", 6, ipc_handle(p->adm, "sensor.admin"), ab, (int64_t)1,
                        (int64_t)3, (int64_t)strlen(text), (int64_t)0);
    ipc_run(&p->w, p->adm, "drop", 1, ab);
    return r;
}

static bool up_with(priv_t *p, const char *world)
{
    if (!ipc_world_up(&p->w, world)) {
        fprintf(stderr, "privacy world: log:\n%s", p->w.log);
        return false;
    }
    p->brk = dom(&p->w, "sensors"), p->app = dom(&p->w, "app"), p->col = dom(&p->w, "col");
    p->drv = dom(&p->w, "drv"), p->adm = dom(&p->w, "adm");
    p->mdrv = dom(&p->w, "mdrv"), p->cdrv = dom(&p->w, "cdrv");
    if (!p->brk || !p->app || !p->col || !p->drv || !p->adm || !p->mdrv || !p->cdrv) {
        fprintf(stderr, "privacy world: a domain is missing; log:\n%s", p->w.log);
        return false;
    }
    return set_policy(p, "# the tests\n* gps * allow 3600\n") == 1;
}

static bool up(priv_t *p) { return up_with(p, WORLD); }

/* n bytes into d's memory at off (whole words). */
static void put(priv_t *p, domain_t *d, uint32_t off, const void *bytes, uint32_t n)
{
    uint8_t w[4];
    for (uint32_t i = 0; i < n; i += 4) {
        memset(w, 0, 4);
        memcpy(w, (const uint8_t *)bytes + i, n - i < 4 ? n - i : 4);
        uint32_t v = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
        ipc_run(&p->w, d, "st", 2, (int64_t)(off + i), (int64_t)v);
    }
}

static int64_t ld(priv_t *p, domain_t *d, uint32_t off)
{
    return ipc_run(&p->w, d, "ld", 1, (int64_t)off);
}

/* The request's 64 bytes: the app's name and the purpose, NUL-padded. */
static void req_bytes(uint8_t *b, const char *app, const char *purpose)
{
    memset(b, 0, 64);
    memcpy(b, app, strlen(app));
    memcpy(b + 24, purpose, strlen(purpose));
}

/* d asks through sensor.request with a buffer (pages) holding bytes, lent
 * read-only (rights: a copy with only those rights is lent; 0: the buffer
 * itself): the call's result. */
static int64_t ask_raw(priv_t *p, domain_t *d, int64_t a0, int64_t a1, int64_t a2, const uint8_t *b,
                       int pages, int rights)
{
    int64_t buf = ipc_run(&p->w, d, "buf_new", 1, (int64_t)pages);
    if (buf < 0)
        return -1000;
    ipc_run(&p->w, d, "buf_map", 2, buf, (int64_t)4096);
    put(p, d, 4096, b, 64);
    ipc_run(&p->w, d, "buf_unmap", 1, buf);
    int64_t lent = buf;
    if (rights)                 /* a copy with only these rights (and derive, to lend it) */
        lent = ipc_run(&p->w, d, "dup", 2, buf, (int64_t)(rights | CAP_R_DERIVE));
    int64_t r = ipc_run(&p->w, d, "lend", 6, ipc_handle(d, "sensor.request"), lent, (int64_t)R_READ,
                        a0, a1, a2);
    ipc_run(&p->w, d, "drop", 1, buf);
    return r;
}

static int64_t ask(priv_t *p, domain_t *d, const char *app, int precision, int64_t ms)
{
    uint8_t b[64];
    req_bytes(b, app, "a test");
    return ask_raw(p, d, 1 | precision << 8, ms, 0, b, 1, 0);
}

/* The grant waiting on d's box: the lease's handle, or an error. */
static int64_t grant(priv_t *p, domain_t *d, const char *box)
{
    int64_t n = ipc_run(&p->w, d, "recv", 5, ipc_handle(d, box), (int64_t)256, (int64_t)64,
                        (int64_t)512, (int64_t)0);
    if (n != 24)
        return n < 0 ? n : -1000;
    return ld(p, d, 512);
}

static void feed_fix(priv_t *p, int32_t lat, int32_t lon)
{
    int32_t m[7] = {0x58494647, lat, lon, 354, 43200000, 1, 0x0109};  /* magic, fix (seq 1, 9 sats, GGA) */
    put(p, p->drv, 256, m, sizeof m);
    CHECK(ipc_run(&p->w, p->drv, "send", 4, ipc_handle(p->drv, "gps.fix"), (int64_t)256, (int64_t)28,
                  (int64_t)0) == 0);
}

static int64_t tick(priv_t *p)
{
    return ipc_run(&p->w, p->brk, "tick", 4, (int64_t)0, (int64_t)0, (int64_t)0, (int64_t)0);
}

/* Sleeps past ms, then does what the kernel's lease reaper does. */
static void expire(priv_t *p, uint64_t ms)
{
    struct timespec ts = {(time_t)((ms + 2) / 1000), (long)((ms + 2) % 1000 * MS)};
    nanosleep(&ts, NULL);
    cap_tick(&p->w.sys.space, timer_now_ns());
    ipc_reap(&p->w.sys);
}

/* How many times the 4 bytes of v occur in d's linear memory. */
static int occurs_mem(domain_t *d, int32_t v)
{
    wasm_memory_t *m = wasm_instance_memory(d->inst, 0);
    const uint8_t *b = wasm_memory_data(m);
    uint64_t n = wasm_memory_size(m);
    int k = 0;
    for (uint64_t i = 0; i + 4 <= n; i++)
        k += memcmp(b + i, &v, 4) == 0;
    return k;
}

static int occurs_frame(uint64_t pa, int32_t v)
{
    const uint8_t *b = ipc_shim_frame_bytes(pa);
    int k = 0;
    for (int i = 0; b && i + 4 <= 4096; i++)
        k += memcmp(b + i, &v, 4) == 0;
    return k;
}

/* The frame behind lease handle h of d. */
static uint64_t frame_of(domain_t *d, int64_t h)
{
    kobj_t *o;
    if (cap_lookup(d->caps, (cap_handle_t)h, KOBJ_BUFFER, 0, &o))
        return 0;
    return ((buf_t *)o)->frames[0];
}

/* A coarse lease: the app sees the cell's centre only; derived and moved
 * to a colluder, mapped twice; at its end every copy and mapping goes,
 * reads fail with "expired", no sensor byte stays in either domain or in
 * the freed frame. */
TEST(priv_lease_end_takes_every_copy)
{
    priv_t p;
    CHECK(up(&p));
    int64_t id = ask(&p, p.app, "app", 1, 40);
    CHECK(id > 0);
    int64_t h = grant(&p, p.app, "box.app");
    CHECK(h > 0);
    int64_t info = ipc_run(&p.w, p.app, "info", 1, h);
    CHECK(info >= 0 && (info >> 32) == KOBJ_BUFFER);
    CHECK_EQ((uint32_t)info & (R_WRITE | CAP_R_CONTROL | CAP_R_REVOKE), 0);   /* read-only */
    feed_fix(&p, LAT, LON);
    CHECK(tick(&p) > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)8192), 0);
    CHECK_EQ(ld(&p, p.app, 8192 + 16), CLAT);       /* sensor_page_t: fix at 16 */
    CHECK_EQ(ld(&p, p.app, 8192 + 20), CLON);
    CHECK_EQ(ld(&p, p.app, 8192 + 24), 0);          /* no altitude when coarse */
    CHECK_EQ(occurs_mem(p.app, LAT), 0);            /* the exact fix never reached the app */
    CHECK_EQ(occurs_mem(p.app, LON), 0);
    /* mapped twice: a derived copy, mapped at another place */
    int64_t c = ipc_run(&p.w, p.app, "dup", 2, h, (int64_t)(R_READ | R_MAP | CAP_R_TRANSFER));
    CHECK(c > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, c, (int64_t)12288), 0);
    CHECK_EQ(ld(&p, p.app, 12288 + 16), CLAT);
    /* a second copy, moved to the colluder, mapped there */
    int64_t c2 = ipc_run(&p.w, p.app, "dup", 2, h, (int64_t)(R_READ | R_MAP | CAP_R_TRANSFER));
    CHECK(c2 > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "send", 4, ipc_handle(p.app, "col.in"), (int64_t)0, (int64_t)0, c2), 0);
    CHECK_EQ(ipc_run(&p.w, p.col, "recv", 5, ipc_handle(p.col, "col.in"), (int64_t)256, (int64_t)8,
                     (int64_t)512, (int64_t)0), 0);
    int64_t hc = ld(&p, p.col, 512);
    CHECK(hc > 0);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hc, (int64_t)8192), 0);
    CHECK_EQ(ld(&p, p.col, 8192 + 16), CLAT);
    uint64_t frame = frame_of(p.app, h);
    CHECK(frame && occurs_frame(frame, CLAT) == 1);
    /* the end */
    expire(&p, 40);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, h), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, c), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hc), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)16384), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hc, (int64_t)16384), CAP_EEXPIRED);
    CHECK_EQ(ld(&p, p.app, 8192 + 16), 0);          /* the app's own pages are back */
    CHECK_EQ(ld(&p, p.app, 12288 + 16), 0);
    CHECK_EQ(ld(&p, p.col, 8192 + 16), 0);
    CHECK_EQ(occurs_mem(p.app, CLAT) + occurs_mem(p.app, CLON), 0);
    CHECK_EQ(occurs_mem(p.col, CLAT) + occurs_mem(p.col, CLON), 0);
    /* the broker notices, zeroes the page and lets it go */
    tick(&p);
    CHECK(strstr(p.w.log, "privacy: lease 1 of gps to app ended (expired)") != NULL);
    CHECK_EQ(ipc_shim_frame_state(frame), SHIM_FRAME_FREE);
    CHECK_EQ(occurs_frame(frame, CLAT) + occurs_frame(frame, CLON), 0);
    ipc_world_down(&p.w);
}

/* The lease itself moved to the colluder: still a lease, it ends on time. */
TEST(priv_moved_lease_still_ends)
{
    priv_t p;
    CHECK(up(&p));
    CHECK(ask(&p, p.app, "app", 0, 30) > 0);
    int64_t h = grant(&p, p.app, "box.app");
    CHECK(h > 0);
    feed_fix(&p, LAT, LON);
    tick(&p);
    CHECK_EQ(ipc_run(&p.w, p.app, "send", 4, ipc_handle(p.app, "col.in"), (int64_t)0, (int64_t)0, h), 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, h), CAP_ESTALE);      /* gone from the app */
    CHECK_EQ(ipc_run(&p.w, p.col, "recv", 5, ipc_handle(p.col, "col.in"), (int64_t)256, (int64_t)8,
                     (int64_t)512, (int64_t)0), 0);
    int64_t hc = ld(&p, p.col, 512);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hc, (int64_t)8192), 0);
    CHECK_EQ(ld(&p, p.col, 8192 + 16), LAT);        /* exact: as granted */
    expire(&p, 30);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hc), CAP_EEXPIRED);
    CHECK_EQ(ld(&p, p.col, 8192 + 16), 0);
    CHECK_EQ(occurs_mem(p.col, LAT), 0);
    ipc_world_down(&p.w);
}

/* The shell's revoke ends a lease before its time: "revoked", everywhere;
 * leases lists it before and not after. */
TEST(priv_revoke_ends_early)
{
    priv_t p;
    CHECK(up(&p));
    CHECK(ask(&p, p.app, "app", 1, 60000) > 0);
    int64_t h = grant(&p, p.app, "box.app");
    int64_t c = ipc_run(&p.w, p.app, "dup", 2, h, (int64_t)(R_READ | R_MAP));
    CHECK(h > 0 && c > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, c, (int64_t)8192), 0);
    int64_t ab = ipc_run(&p.w, p.adm, "buf_new", 1, (int64_t)1);
    int64_t ep = ipc_handle(p.adm, "sensor.admin");
    int64_t n = ipc_run(&p.w, p.adm, "lend", 6, ep, ab, (int64_t)(R_READ | R_WRITE), (int64_t)1, (int64_t)0,
                        (int64_t)0);
    CHECK(n > 0);
    CHECK_EQ(ipc_run(&p.w, p.adm, "buf_map", 2, ab, (int64_t)4096), 0);
    char line[64] = {0};
    for (int i = 0; i < n && i < 60; i += 4) {
        uint32_t v = (uint32_t)ld(&p, p.adm, 4096 + (uint32_t)i);
        memcpy(line + i, &v, 4);
    }
    line[n] = 0;
    CHECK(strcmp(line, "gps app coarse 60") == 0);
    ipc_run(&p.w, p.adm, "buf_unmap", 1, ab);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ep, ab, (int64_t)(R_READ | R_WRITE), (int64_t)1, (int64_t)1,
                     (int64_t)0), CAP_ENOENT);      /* only one */
    /* revoke app */
    ipc_run(&p.w, p.adm, "buf_map", 2, ab, (int64_t)4096);
    put(&p, p.adm, 4096, "app\0", 4);
    ipc_run(&p.w, p.adm, "buf_unmap", 1, ab);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ep, ab, (int64_t)R_READ, (int64_t)2, (int64_t)0, (int64_t)0), 1);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, h), CAP_EREVOKED);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, c), CAP_EREVOKED);
    CHECK_EQ(ld(&p, p.app, 8192), 0);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ep, ab, (int64_t)(R_READ | R_WRITE), (int64_t)1, (int64_t)0,
                     (int64_t)0), CAP_ENOENT);      /* none left */
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ep, ab, (int64_t)R_READ, (int64_t)2, (int64_t)0, (int64_t)0),
             CAP_ENOENT);
    ipc_world_down(&p.w);
}

/* Malformed requests: each refused with EINVAL (or ERIGHTS for a bad
 * lend), the broker answers the next good one. */
TEST(priv_bad_requests)
{
    priv_t p;
    CHECK(up(&p));
    uint8_t b[64];
    req_bytes(b, "app", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 0, 1000, 0, b, 1, 0), CAP_EINVAL);            /* sensor 0 */
    CHECK_EQ(ask_raw(&p, p.app, 4, 1000, 0, b, 1, 0), CAP_EINVAL);            /* sensor 4 */
    CHECK_EQ(ask_raw(&p, p.app, 1 | 2 << 8, 1000, 0, b, 1, 0), CAP_EINVAL);   /* precision 2 */
    CHECK_EQ(ask_raw(&p, p.app, 1 | 1 << 16, 1000, 0, b, 1, 0), CAP_EINVAL);  /* high bits */
    CHECK_EQ(ask_raw(&p, p.app, -1, 1000, 0, b, 1, 0), CAP_EINVAL);
    CHECK_EQ(ask_raw(&p, p.app, 1, 0, 0, b, 1, 0), CAP_EINVAL);               /* 0 ms */
    CHECK_EQ(ask_raw(&p, p.app, 1, 3600001, 0, b, 1, 0), CAP_EINVAL);         /* over an hour */
    CHECK_EQ(ask_raw(&p, p.app, 1, -5, 0, b, 1, 0), CAP_EINVAL);
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 7, b, 1, 0), CAP_EINVAL);            /* a2 */
    req_bytes(b, "App", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* upper case */
    req_bytes(b, "", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* empty */
    req_bytes(b, "app", "ok");
    b[10] = 'x';
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* padding */
    memset(b, 'a', 24);
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* no NUL */
    req_bytes(b, "app", "tab\there");
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* control char */
    req_bytes(b, "app", "ok");
    b[63] = 'z';
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_EINVAL);            /* purpose padding */
    req_bytes(b, "app", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 2, 0), IPC_EMAPPED);           /* 2 pages: not mapped over data */
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, R_READ), CAP_ERIGHTS);           /* not mappable */
    CHECK_EQ(ipc_run(&p.w, p.app, "call", 5, ipc_handle(p.app, "sensor.request"), (int64_t)1, (int64_t)1000,
                     (int64_t)0, (int64_t)0), CAP_EINVAL);                          /* no buffer */
    req_bytes(b, "nobox", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 1, 1000, 0, b, 1, 0), CAP_ENOENT);            /* no box */
    req_bytes(b, "app", "ok");
    CHECK_EQ(ask_raw(&p, p.app, 2, 1000, 0, b, 1, 0), CAP_ERIGHTS);   /* the microphone: asked; no shell here */
    /* the policy refuses what it denies; a good request still works */
    CHECK_EQ(set_policy(&p, "app gps exact deny\n* * * allow\n"), 2);
    CHECK_EQ(ask(&p, p.app, "app", 0, 1000), CAP_ERIGHTS);
    CHECK(ask(&p, p.app, "app", 1, 1000) > 0);
    CHECK(grant(&p, p.app, "box.app") > 0);
    /* a request naming another app's box: the lease goes there, not to the asker */
    CHECK(ask(&p, p.app, "col", 1, 1000) > 0);
    CHECK(grant(&p, p.app, "box.app") < 0);
    CHECK(grant(&p, p.col, "box.col") > 0);
    /* a bad policy line: reported, and the policy is empty (everything asked;
     * no shell here, so refused) */
    CHECK_EQ(set_policy(&p, "app gps coarse allow\napp gps sometimes\n"), -2);
    CHECK_EQ(ask(&p, p.app, "app", 1, 1000), CAP_ERIGHTS);
    ipc_world_down(&p.w);
}

/* ------------------------------------------------------------ the coarse clock */

extern uint64_t fake_ns;        /* test_supervise.c: the kernel clock while non-zero */

/* Two operations that differ by less than the coarse clock's resolution
 * (300 us and 700 us), timed by a domain without the fine clock from every
 * start phase in 10 us steps, in 20 intervals: every reading is a multiple
 * of 1 ms, each duration reads 0, 1 or 2 ms (the clock steps at a secret
 * point of each interval, so one operation may see two steps), and a
 * single measurement cannot tell them apart. What remains (documented in
 * docs/privacy.md): on average the readings are unbiased, so averaging
 * many runs still tells them apart. The fine clock reads both exactly. */
TEST(priv_coarse_clock_two_operations)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, "c iso.wasm\n"
                           "f iso.wasm\n"
                           "    clock fine\n"
                           "client client.wasm\n"));
    domain_t *c = dom(&w, "c"), *f = dom(&w, "f");
    CHECK(c && f);
    const uint64_t op[2] = {300000, 700000};
    int64_t sum[2] = {0, 0};
    int zero[2] = {0, 0}, runs = 0;
    for (uint64_t iv = 0; iv < 20; iv++)
        for (uint64_t ph = 0; ph < MS; ph += 10000, runs++) {
            for (int k = 0; k < 2; k++) {
                fake_ns = (5000 + iv) * MS + ph;
                int64_t t0 = ipc_run(&w, c, "now", 0), f0 = ipc_run(&w, f, "now", 0);
                fake_ns += op[k];
                int64_t d = ipc_run(&w, c, "now", 0) - t0, fd = ipc_run(&w, f, "now", 0) - f0;
                CHECK(t0 % (int64_t)CLOCK_COARSE_NS == 0);
                CHECK(d == 0 || d == (int64_t)CLOCK_COARSE_NS || d == 2 * (int64_t)CLOCK_COARSE_NS);
                CHECK_EQ(fd, (int64_t)op[k]);
                sum[k] += d;
                zero[k] += d == 0;
            }
        }
    CHECK_EQ(runs, 2000);
    /* both read 0 in some runs: one run cannot separate them */
    CHECK(zero[0] > 0 && zero[1] > 0);
    /* the averaging leak: the mean reading is the duration, within 10% */
    CHECK(sum[0] / runs > 270000 && sum[0] / runs < 330000);
    CHECK(sum[1] / runs > 630000 && sum[1] / runs < 770000);
    fake_ns = 0;
    ipc_world_down(&w);
}

/* One app cannot take every lease: its fifth at once is refused, another
 * app's is not; the app's leases free as they end. */
TEST(priv_leases_per_app)
{
    priv_t p;
    CHECK(up(&p));
    for (int i = 0; i < 4; i++) {
        CHECK(ask(&p, p.app, "app", 1, 30) > 0);
        CHECK(grant(&p, p.app, "box.app") > 0);
    }
    CHECK_EQ(ask(&p, p.app, "app", 1, 30), IPC_EBUSY);
    CHECK(ask(&p, p.app, "col", 1, 30) > 0);        /* lands in col's box */
    CHECK(grant(&p, p.col, "box.col") > 0);
    expire(&p, 30);
    tick(&p);
    CHECK(ask(&p, p.app, "app", 1, 30) > 0);
    ipc_world_down(&p.w);
}

/* A driver (or whoever holds gps.fix) sending malformed fixes: wrong size,
 * wrong magic, angles out of range. Each is dropped and counted; the
 * lease still shows the last good fix. */
TEST(priv_bad_driver_messages)
{
    priv_t p;
    CHECK(up(&p));
    CHECK(ask(&p, p.app, "app", 1, 60000) > 0);
    int64_t h = grant(&p, p.app, "box.app");
    CHECK(h > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)8192), 0);
    feed_fix(&p, LAT, LON);
    tick(&p);
    CHECK_EQ(ld(&p, p.app, 8192 + 16), CLAT);
    int64_t ch = ipc_handle(p.drv, "gps.fix");
    int32_t m[7] = {0x58494647, (int32_t)0x80000000, LON, 0, 0, 1, 0};     /* INT_MIN latitude */
    put(&p, p.drv, 256, m, sizeof m);
    CHECK_EQ(ipc_run(&p.w, p.drv, "send", 4, ch, (int64_t)256, (int64_t)28, (int64_t)0), 0);
    m[1] = LAT, m[2] = 1800000001;                                          /* longitude */
    put(&p, p.drv, 256, m, sizeof m);
    CHECK_EQ(ipc_run(&p.w, p.drv, "send", 4, ch, (int64_t)256, (int64_t)28, (int64_t)0), 0);
    m[0] = 0x12345678, m[2] = LON;                                          /* magic */
    put(&p, p.drv, 256, m, sizeof m);
    CHECK_EQ(ipc_run(&p.w, p.drv, "send", 4, ch, (int64_t)256, (int64_t)28, (int64_t)0), 0);
    m[0] = 0x58494647;
    put(&p, p.drv, 256, m, sizeof m);
    CHECK_EQ(ipc_run(&p.w, p.drv, "send", 4, ch, (int64_t)256, (int64_t)12, (int64_t)0), 0);  /* short */
    tick(&p);
    CHECK(strstr(p.w.log, "sensors: dropped malformed messages from the gps driver: 4") != NULL);
    CHECK_EQ(ld(&p, p.app, 8192 + 16), CLAT);       /* the last good fix */
    CHECK_EQ(ld(&p, p.app, 8192 + 20), CLON);
    ipc_world_down(&p.w);
}

/* Where the coarse clock steps: spinning until the reading changes used to
 * find the start of the real clock's interval (then loop counting times
 * anything). Each interval's step is at a keyed, secret point: over 200
 * intervals the steps fall all over the interval; readings stay multiples
 * of 1 ms, monotonic, never ahead of the clock and less than 2 ms behind. */
TEST(priv_coarse_clock_edges_are_secret)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, "c iso.wasm\n"
                           "client client.wasm\n"));
    domain_t *c = dom(&w, "c");
    CHECK(c != NULL);
    bool seen[101] = {false};
    int distinct = 0, lo = 101, hi = -1;
    uint64_t prev = 0;
    for (uint64_t iv = 1; iv <= 200; iv++) {
        int edge = 100;     /* 100: after the last sample (990 us) */
        for (int s = 0; s < 100; s++) {
            uint64_t t = 7000 * MS + iv * MS + (uint64_t)s * 10000;
            uint64_t v = domain_clock_ns(c, t);
            CHECK_EQ(v % CLOCK_COARSE_NS, 0);
            CHECK(v <= t && t - v < 2 * CLOCK_COARSE_NS);
            CHECK(v >= prev);
            prev = v;
            if (edge == 100 && v == t - t % CLOCK_COARSE_NS)
                edge = s;
        }
        if (!seen[edge])
            seen[edge] = true, distinct++;
        lo = edge < lo ? edge : lo;
        hi = edge > hi ? edge : hi;
    }
    CHECK(distinct >= 50);
    CHECK(lo < 10 && hi >= 90);
    ipc_world_down(&w);
}

/* ------------------------------------------------- the microphone and the camera */

#define MIC_BLOCK 3200
#define CAM_W 320
#define CAM_H 240
#define CAM_BYTES (CAM_W * CAM_H * 3)
#define CAM_LOW_BYTES (CAM_BYTES / 16)
#define CAM_LENT (CAM_BYTES + CAM_LOW_BYTES)      /* a frame, then its 4x4 means */
#define CAM_LENT_PAGES ((CAM_LENT + 4095) / 4096)
#define DATA_OFF 4096           /* sensor_stream_t, then the data */

/* n bytes into d's linear memory at off, directly (a mapped buffer's
 * frames are its memory there). */
static bool poke(domain_t *d, uint32_t off, const uint8_t *b, uint32_t n)
{
    wasm_memory_t *m = wasm_instance_memory(d->inst, 0);
    if (off + (uint64_t)n > wasm_memory_size(m))
        return false;
    memcpy(wasm_memory_data(m) + off, b, n);
    return true;
}

/* How many times the 8 bytes at v occur in d's memory, or in a buffer's
 * frames. */
static int occurs8_mem(domain_t *d, const uint8_t *v)
{
    wasm_memory_t *m = wasm_instance_memory(d->inst, 0);
    const uint8_t *b = wasm_memory_data(m);
    uint64_t n = wasm_memory_size(m);
    int k = 0;
    for (uint64_t i = 0; i + 8 <= n; i++)
        k += memcmp(b + i, v, 8) == 0;
    return k;
}

static int occurs8_frames(const uint64_t *pa, uint32_t nf, const uint8_t *v)
{
    int k = 0;
    for (uint32_t f = 0; f < nf; f++) {
        const uint8_t *b = ipc_shim_frame_bytes(pa[f]);
        for (int i = 0; b && i + 8 <= 4096; i++)
            k += memcmp(b + i, v, 8) == 0;
    }
    return k;
}

/* A driver (d, holding endpoint ep) lends pages of bytes (n of them) on a
 * call with a0, a1, a2: the call's result. */
static int64_t drv_lend(priv_t *p, domain_t *d, const char *ep, uint32_t pages, const uint8_t *bytes,
                        uint32_t n, int rights, int64_t a0, int64_t a1, int64_t a2)
{
    if (wasm_memory_size(wasm_instance_memory(d->inst, 0)) < (uint64_t)(pages + 1) * 4096)
        ipc_run(&p->w, d, "grow", 1, (int64_t)((pages + 1) * 4096 / 65536 + 1));
    int64_t buf = ipc_run(&p->w, d, "buf_new", 1, (int64_t)pages);
    if (buf < 0)
        return -1000;
    if (ipc_run(&p->w, d, "buf_map", 2, buf, (int64_t)4096) != 0 || !poke(d, 4096, bytes, n))
        return -1001;
    ipc_run(&p->w, d, "buf_unmap", 1, buf);
    int64_t r = ipc_run(&p->w, d, "lend", 6, ipc_handle(d, ep), buf, (int64_t)rights, a0, a1, a2);
    ipc_run(&p->w, d, "drop", 1, buf);
    return r;
}

/* A block of samples no other bytes look like: a counter in every sample. */
static void mic_block(uint8_t *b, uint16_t base)
{
    for (int i = 0; i < MIC_BLOCK / 2; i++) {
        uint16_t v = (uint16_t)(base + i * 7);
        b[2 * i] = (uint8_t)v, b[2 * i + 1] = (uint8_t)(v >> 8);
    }
}

/* The frames behind the lease buffer h of d. */
static uint32_t frames_of(domain_t *d, int64_t h, uint64_t *pa, uint32_t max)
{
    kobj_t *o;
    if (cap_lookup(d->caps, (cap_handle_t)h, KOBJ_BUFFER, 0, &o))
        return 0;
    buf_t *b = (buf_t *)o;
    uint32_t n = b->npages < max ? b->npages : max;
    for (uint32_t i = 0; i < n; i++)
        pa[i] = b->frames[i];
    return n;
}

/* A raw microphone lease: the app reads the driver's samples; moved to a
 * colluder as a derived copy, mapped there; at the lease's end every copy
 * goes, neither domain's memory holds a sample, the next read fails
 * "expired", and the broker zeroes every page before they are freed. A
 * level lease beside it never sees a sample. */
TEST(priv_mic_lease_end_takes_every_copy)
{
    priv_t p;
    CHECK(up(&p));
    CHECK_EQ(set_policy(&p, "* * * allow 3600\n"), 1);
    CHECK(ask_raw(&p, p.app, 2 | 0 << 8, 40, 0, (uint8_t[64]){'a', 'p', 'p'}, 1, 0) > 0);
    int64_t h = grant(&p, p.app, "box.app");
    CHECK(h > 0);
    uint8_t lv[64] = {'c', 'o', 'l'};
    CHECK(ask_raw(&p, p.app, 2 | 1 << 8, 40, 0, lv, 1, 0) > 0);           /* to col: level only */
    int64_t hl = grant(&p, p.col, "box.col");
    CHECK(hl > 0);
    uint8_t blk[MIC_BLOCK];
    mic_block(blk, 0x4d21);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 1, 0), 0);
    /* the app maps its 17 pages and finds the block */
    ipc_run(&p.w, p.app, "grow", 1, (int64_t)2);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)65536), 0);
    CHECK_EQ(ld(&p, p.app, 65536 + 16), MIC_BLOCK);             /* total */
    CHECK_EQ(ld(&p, p.app, 65536 + 24), 16 * 4096);             /* ring */
    CHECK_EQ(ld(&p, p.app, 65536 + DATA_OFF), (int64_t)(blk[0] | blk[1] << 8 | blk[2] << 16 | (uint32_t)blk[3] << 24));
    CHECK(occurs8_mem(p.app, blk + 800) == 1);
    /* the level lease: one figure, never a sample */
    ipc_run(&p.w, p.col, "grow", 1, (int64_t)2);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hl, (int64_t)65536), 0);
    CHECK_EQ(ld(&p, p.col, 65536 + 16), 1);                     /* one level byte */
    CHECK_EQ(occurs8_mem(p.col, blk + 800), 0);
    ipc_run(&p.w, p.col, "buf_unmap", 1, hl);
    /* a derived copy moved to the colluder, mapped there too */
    int64_t c = ipc_run(&p.w, p.app, "dup", 2, h, (int64_t)(R_READ | R_MAP | CAP_R_TRANSFER));
    CHECK(c > 0);
    CHECK_EQ(ipc_run(&p.w, p.app, "send", 4, ipc_handle(p.app, "col.in"), (int64_t)0, (int64_t)0, c), 0);
    CHECK_EQ(ipc_run(&p.w, p.col, "recv", 5, ipc_handle(p.col, "col.in"), (int64_t)256, (int64_t)8,
                     (int64_t)512, (int64_t)0), 0);
    int64_t hc = ld(&p, p.col, 512);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hc, (int64_t)65536), 0);
    CHECK(occurs8_mem(p.col, blk + 800) == 1);
    uint64_t fr[32];
    uint32_t nf = frames_of(p.app, h, fr, 32);
    CHECK_EQ(nf, 17);
    CHECK(occurs8_frames(fr, nf, blk + 800) == 1);
    /* the end */
    expire(&p, 40);
    CHECK_EQ(ipc_run(&p.w, p.app, "info", 1, h), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hc), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hl), CAP_EEXPIRED);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)65536), CAP_EEXPIRED);
    CHECK_EQ(occurs8_mem(p.app, blk + 800), 0);
    CHECK_EQ(occurs8_mem(p.col, blk + 800), 0);
    CHECK_EQ(ld(&p, p.app, 65536 + DATA_OFF), 0);
    /* the broker notices, zeroes the pages and lets them go; a block the
     * driver hands over now reaches nobody */
    tick(&p);
    CHECK(strstr(p.w.log, "privacy: lease 1 of mic to app ended (expired)") != NULL);
    for (uint32_t i = 0; i < nf; i++)
        CHECK_EQ(ipc_shim_frame_state(fr[i]), SHIM_FRAME_FREE);
    CHECK_EQ(occurs8_frames(fr, nf, blk + 800), 0);
    CHECK_EQ(occurs8_mem(p.brk, blk + 800), 0);                 /* nor the broker's memory */
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 2, 0), CAP_ENOENT);
    ipc_world_down(&p.w);
}

/* A camera frame whose pixels follow (x, y); a low lease gets the 4x4
 * means, never the frame; a full lease the frame itself. */
static uint8_t cam_px(int x, int y, int c) { return (uint8_t)(c == 0 ? x * 3 + y : c == 1 ? y * 5 + x * 11 : x ^ y); }

/* What the camera driver lends: the frame, then its 4x4 block means
 * (summed here byte by byte, not with the driver's camlow.h). */
static const uint8_t *cam_lent(const uint8_t *frame)
{
    static uint8_t b[CAM_LENT];
    memcpy(b, frame, CAM_BYTES);
    for (int y = 0; y < CAM_H / 4; y++)
        for (int x = 0; x < CAM_W / 4; x++)
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 4; dx++)
                        sum += frame[((y * 4 + dy) * CAM_W + x * 4 + dx) * 3 + c];
                b[CAM_BYTES + (y * (CAM_W / 4) + x) * 3 + c] = (uint8_t)((sum + 8) / 16);
            }
    return b;
}

TEST(priv_camera_low_and_full)
{
    priv_t p;
    CHECK(up(&p));
    CHECK_EQ(set_policy(&p, "* * * allow 3600\n"), 1);
    CHECK(ask_raw(&p, p.app, 3 | 1 << 8, 60000, 0, (uint8_t[64]){'a', 'p', 'p'}, 1, 0) > 0);
    int64_t hl = grant(&p, p.app, "box.app");
    CHECK(ask_raw(&p, p.app, 3 | 0 << 8, 60000, 0, (uint8_t[64]){'c', 'o', 'l'}, 1, 0) > 0);
    int64_t hf = grant(&p, p.col, "box.col");
    CHECK(hl > 0 && hf > 0);
    static uint8_t frame[CAM_BYTES];
    for (int y = 0; y < CAM_H; y++)
        for (int x = 0; x < CAM_W; x++)
            for (int c = 0; c < 3; c++)
                frame[(y * CAM_W + x) * 3 + c] = cam_px(x, y, c);
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, cam_lent(frame), CAM_LENT, R_READ, CAM_W | CAM_H << 16, 9, 0), 0);
    ipc_run(&p.w, p.app, "grow", 1, (int64_t)1);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, hl, (int64_t)65536), 0);
    CHECK_EQ(ld(&p, p.app, 65536 + 28), 80);                    /* width */
    CHECK_EQ(ld(&p, p.app, 65536 + 32), 60);
    CHECK_EQ(ld(&p, p.app, 65536 + 36), 9);                     /* the driver's frame number */
    const uint8_t *m = wasm_memory_data(wasm_instance_memory(p.app->inst, 0)) + 65536 + DATA_OFF;
    int wrong = 0;
    for (int y = 0; y < 60; y++)
        for (int x = 0; x < 80; x++)
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 4; dx++)
                        sum += cam_px(x * 4 + dx, y * 4 + dy, c);
                wrong += m[(y * 80 + x) * 3 + c] != (sum + 8) / 16;
            }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(occurs8_mem(p.app, frame + 3 * (100 * CAM_W + 101)), 0);     /* no row of the frame */
    ipc_run(&p.w, p.col, "grow", 1, (int64_t)4);
    CHECK_EQ(ipc_run(&p.w, p.col, "buf_map", 2, hf, (int64_t)65536), 0);
    CHECK_EQ(ld(&p, p.col, 65536 + 28), CAM_W);
    const uint8_t *f = wasm_memory_data(wasm_instance_memory(p.col->inst, 0)) + 65536 + DATA_OFF;
    CHECK(memcmp(f, frame, CAM_BYTES) == 0);
    /* revoked at the shell: both end, the pages are zeroed before they go */
    uint64_t fr[64];
    uint32_t nf = frames_of(p.col, hf, fr, 64);
    CHECK_EQ(nf, 58);
    int64_t ab = ipc_run(&p.w, p.adm, "buf_new", 1, (int64_t)1);
    ipc_run(&p.w, p.adm, "buf_map", 2, ab, (int64_t)4096);
    put(&p, p.adm, 4096, "col\0", 4);
    ipc_run(&p.w, p.adm, "buf_unmap", 1, ab);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ipc_handle(p.adm, "sensor.admin"), ab, (int64_t)R_READ, (int64_t)2,
                     (int64_t)3, (int64_t)0), 1);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hf), CAP_EREVOKED);
    CHECK_EQ(occurs8_mem(p.col, frame + 3 * (100 * CAM_W + 101)), 0);
    for (uint32_t i = 0; i < nf; i++)
        CHECK_EQ(ipc_shim_frame_state(fr[i]), SHIM_FRAME_FREE);
    CHECK_EQ(occurs8_frames(fr, nf, frame + 3 * (100 * CAM_W + 101)), 0);
    CHECK(ipc_run(&p.w, p.app, "info", 1, hl) >= 0);           /* the app's lease carries on */
    ipc_world_down(&p.w);
}

/* What a microphone or camera driver (or whoever holds its endpoint) can
 * hand the broker: only a block or frame of the right size, lent with the
 * map right, one page for a block, whole frames; everything else refused
 * and the leases unharmed. Neither driver finds another's endpoint, a
 * device, the file system or a box. */
TEST(priv_bad_sensor_data)
{
    priv_t p;
    CHECK(up(&p));
    CHECK_EQ(set_policy(&p, "* * * allow 3600\n"), 1);
    CHECK(ask_raw(&p, p.app, 2, 60000, 0, (uint8_t[64]){'a', 'p', 'p'}, 1, 0) > 0);
    int64_t h = grant(&p, p.app, "box.app");
    CHECK(h > 0);
    uint8_t blk[MIC_BLOCK];
    mic_block(blk, 0x1234);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK - 2, 1, 0), CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, 0, 1, 0), CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, -1, 1, 0), CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 1, 5), CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 2, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 1, 0), IPC_EMAPPED);
    CHECK_EQ(ipc_run(&p.w, p.mdrv, "call", 5, ipc_handle(p.mdrv, "mic.data"), (int64_t)MIC_BLOCK, (int64_t)1,
                     (int64_t)0, (int64_t)0), CAP_EINVAL);                 /* no buffer */
    /* the frame endpoint: the wrong size, a buffer short of a frame */
    static uint8_t frame[CAM_BYTES];
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, frame, 64, R_READ, 320 | 200 << 16, 1, 0),
             CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", 10, frame, 64, R_READ, CAM_W | CAM_H << 16, 1, 0), CAP_EINVAL);
    /* a frame without its low version */
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", 57, frame, 64, R_READ, CAM_W | CAM_H << 16, 1, 0), CAP_EINVAL);
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, frame, 64, R_READ, CAM_W | CAM_H << 16, 1, 0),
             CAP_ENOENT);
    /* neither driver holds anything else */
    const char *other[] = {"camera.data", "mic.data", "gps.fix", "sensor.request", "sensor.admin", "box.app",
                           "fs.root", "serial0.mmio", "serial1.mmio", "serial2.irq"};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        if (strcmp(other[i], "mic.data"))
            CHECK(ipc_handle(p.mdrv, other[i]) < 0);
        if (strcmp(other[i], "camera.data"))
            CHECK(ipc_handle(p.cdrv, other[i]) < 0);
    }
    /* nor behind any handle number it might forge: only its own endpoint
     * answers (and nothing after the buffers it made and dropped) */
    int live = 0;
    for (int64_t hh = 0; hh < 1024; hh++)
        live += ipc_run(&p.w, p.mdrv, "info", 1, hh) >= 0;
    for (int64_t hh = 16384; hh < 16384 + 1024; hh++)
        live += ipc_run(&p.w, p.mdrv, "info", 1, hh) >= 0;
    CHECK_EQ(live, 1);
    CHECK(ipc_run(&p.w, p.mdrv, "info", 1, ipc_handle(p.mdrv, "mic.data")) >= 0);
    /* the lease saw none of it; a good block still arrives */
    ipc_run(&p.w, p.app, "grow", 1, (int64_t)2);
    CHECK_EQ(ipc_run(&p.w, p.app, "buf_map", 2, h, (int64_t)65536), 0);
    CHECK_EQ(ld(&p, p.app, 65536 + 16), 0);
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 1, 0), 0);
    CHECK_EQ(ld(&p, p.app, 65536 + 16), MIC_BLOCK);
    ipc_world_down(&p.w);
}

/* ------------------------------------------------- asking does not block */

/* A question open at the shell does not hold the broker up: while the
 * person decides, another app's request the policy allows is granted, a
 * lease ends on time and is cleaned up, revoke works; then the answer
 * (yes) delivers the first lease to its box, a no delivers a refusal (no
 * capability), and a question nobody answers is refused after 30 s. */
TEST(priv_prompt_does_not_block)
{
    priv_t p;
    CHECK(up_with(&p, BROKER ASKING OTHERS SHELL));
    domain_t *sh = dom(&p.w, "sh");
    CHECK(sh != NULL);
    CHECK_EQ(set_policy(&p, "app gps * ask\ncol gps coarse allow 60\n"), 2);
    int64_t id1 = ask(&p, p.app, "app", 1, 60000);
    CHECK(id1 > 0);                                     /* the id at once, the lease not yet */
    CHECK(grant(&p, p.app, "box.app") < 0);
    /* the question, as the shell gets it: sensor_ask_t (id, sensor, precision, seconds, app) */
    CHECK_EQ(ipc_run(&p.w, sh, "recv", 5, ipc_handle(sh, "sensor.ask"), (int64_t)256, (int64_t)64, (int64_t)512,
                     (int64_t)0), 40);
    int64_t q1 = ld(&p, sh, 256);
    CHECK_EQ(ld(&p, sh, 256 + 4), 1);
    CHECK_EQ(ld(&p, sh, 256 + 12), 60);
    CHECK_EQ(ld(&p, sh, 256 + 16), 'a' | 'p' << 8 | 'p' << 16);
    /* meanwhile: col's request (the policy allows) is granted, its lease ends */
    int64_t id2 = ask(&p, p.app, "col", 1, 30);
    CHECK(id2 > 0 && id2 != id1);
    int64_t hc = grant(&p, p.col, "box.col");
    CHECK(hc > 0);
    expire(&p, 30);
    tick(&p);
    CHECK_EQ(ipc_run(&p.w, p.col, "info", 1, hc), CAP_EEXPIRED);
    char want[80];
    snprintf(want, sizeof want, "privacy: lease %lld of gps to col ended (expired)", (long long)id2);
    CHECK(strstr(p.w.log, want) != NULL);
    /* and a second question of app's, open at the same time */
    int64_t id3 = ask(&p, p.app, "app", 0, 60000);
    CHECK(id3 > 0);
    CHECK_EQ(ipc_run(&p.w, sh, "recv", 5, ipc_handle(sh, "sensor.ask"), (int64_t)256, (int64_t)64, (int64_t)512,
                     (int64_t)0), 40);
    int64_t q3 = ld(&p, sh, 256);
    CHECK(q3 != q1);
    /* the person says yes to the first: the lease arrives on app's box */
    int32_t yes[2] = {(int32_t)q1, 1}, no[2] = {(int32_t)q3, 0};
    put(&p, sh, 1024, yes, 8);
    CHECK_EQ(ipc_run(&p.w, sh, "send", 4, ipc_handle(sh, "sensor.answer"), (int64_t)1024, (int64_t)8, (int64_t)0), 0);
    tick(&p);
    int64_t h1 = grant(&p, p.app, "box.app");
    CHECK(h1 > 0);
    CHECK_EQ(ld(&p, p.app, 256), id1);
    CHECK(ipc_run(&p.w, p.app, "info", 1, h1) >= 0);
    /* no to the second: a refusal, no capability (precision: ERIGHTS negated) */
    put(&p, sh, 1024, no, 8);
    CHECK_EQ(ipc_run(&p.w, sh, "send", 4, ipc_handle(sh, "sensor.answer"), (int64_t)1024, (int64_t)8, (int64_t)0), 0);
    tick(&p);
    CHECK_EQ(grant(&p, p.app, "box.app"), 0);           /* no capability came */
    CHECK_EQ(ld(&p, p.app, 256), id3);
    CHECK_EQ(ld(&p, p.app, 256 + 16), 0);               /* sensor 0: refused */
    CHECK_EQ(ld(&p, p.app, 256 + 20), -CAP_ERIGHTS);
    /* an answer to a question nobody asked changes nothing */
    put(&p, sh, 1024, yes, 8);
    CHECK_EQ(ipc_run(&p.w, sh, "send", 4, ipc_handle(sh, "sensor.answer"), (int64_t)1024, (int64_t)8, (int64_t)0), 0);
    tick(&p);
    CHECK(grant(&p, p.app, "box.app") < 0);
    /* a question nobody answers: refused once its 30 s have passed */
    int64_t id4 = ask(&p, p.app, "app", 1, 1000);
    CHECK(id4 > 0);
    fake_ns = timer_now_ns() + 31000 * MS;
    tick(&p);
    fake_ns = 0;
    CHECK_EQ(grant(&p, p.app, "box.app"), 0);
    CHECK_EQ(ld(&p, p.app, 256), id4);
    CHECK_EQ(ld(&p, p.app, 256 + 16), 0);
    CHECK(strstr(p.w.log, "refused (no answer)") != NULL);
    ipc_world_down(&p.w);
}

/* ------------------------------------------------- WASI programs: sensors as files */

/* A program's name as the kernel badges its sensor.files copy with it. */
static uint64_t name_badge(const char *n)
{
    uint64_t b = 0;
    for (int i = 0; n[i] && i < 8; i++)
        b |= (uint64_t)(uint8_t)n[i] << 8 * i;
    return b;
}

/* d calls sensor.files (handle ep) with op on handle h, path (if any) in
 * a one-page buffer it lends read-write, and flags (with no path: the
 * offset of FS_PREAD); the answer, the buffer's first bytes in out. */
static int64_t fcall(priv_t *p, domain_t *d, int64_t ep, int op, uint64_t h, const char *path, uint32_t flags,
                     int64_t a2, char *out, int outn)
{
    int64_t buf = ipc_run(&p->w, d, "buf_new", 1, (int64_t)1);
    ipc_run(&p->w, d, "buf_map", 2, buf, (int64_t)4096);
    uint8_t z[64] = {0};
    poke(d, 4096, z, sizeof z);
    int64_t a1 = 0;
    if (path) {
        poke(d, 4096, (const uint8_t *)path, (uint32_t)strlen(path));
        a1 = (int64_t)(strlen(path) | (uint64_t)flags << 32);
    } else {
        a1 = flags;             /* no path (FS_PREAD): the offset */
    }
    ipc_run(&p->w, d, "buf_unmap", 1, buf);
    int64_t r = ipc_run(&p->w, d, "lend", 6, ep, buf, (int64_t)(R_READ | R_WRITE), (int64_t)(op | h << 8), a1, a2);
    if (out) {
        ipc_run(&p->w, d, "buf_map", 2, buf, (int64_t)4096);
        memcpy(out, wasm_memory_data(wasm_instance_memory(d->inst, 0)) + 4096, (size_t)outn);
        ipc_run(&p->w, d, "buf_unmap", 1, buf);
    }
    ipc_run(&p->w, d, "drop", 1, buf);
    return r;
}

/* What a WASI program run with --sensors can do through sensor.files: the
 * badge is its name (the broker refuses an unbadged caller); a file is a
 * lease: not ready until a fix, then the fix at the granted precision as
 * text, the lease's end is the next read's error; another program cannot
 * read or close its file; bad paths, writing and other sensors refused;
 * closing ends the lease. */
TEST(priv_wasi_sensor_files)
{
    priv_t p;
    CHECK(up(&p));
    domain_t *la = dom(&p.w, "la"), *wp = dom(&p.w, "wp"), *wq = dom(&p.w, "wq");
    CHECK(la && wp && wq);
    int64_t lep = ipc_handle(la, "sensor.files");
    cap_handle_t cp = 0, cq = 0;
    CHECK_EQ(cap_derive_badge(la->caps, (cap_handle_t)lep, CAP_R_CALL, wp->caps, name_badge("wprog"), &cp), 0);
    CHECK_EQ(cap_derive_badge(la->caps, (cap_handle_t)lep, CAP_R_CALL, wq->caps, name_badge("other"), &cq), 0);
    /* no badge (the launcher's own copy): not a program */
    CHECK_EQ(fcall(&p, la, lep, FS_OPEN, 0, ".", FS_O_DIRECTORY, 0, NULL, 0), CAP_EINVAL);
    int64_t dir = fcall(&p, wp, cp, FS_OPEN, 0, ".", FS_O_DIRECTORY, 0, NULL, 0);
    CHECK(dir > 0);
    char st[56];
    CHECK_EQ(fcall(&p, wp, cp, FS_FSTAT, (uint64_t)dir, NULL, 0, 0, st, sizeof st), 0);
    uint32_t mode;
    memcpy(&mode, st + 40, 4);
    CHECK_EQ(mode & 0xf000, 0x4000);
    /* names that are no request */
    const char *bad[] = {"gps/coarse", "gps/coarse/0", "gps/coarse/3601", "gps/fine/5", "mic/exact/5",
                         "camera/level/5", "mic/raw/0", "camera/low", "gps/coarse/5/x", "../gps/coarse/5",
                         "gps//5", "gps/coarse/5x", "sonar/raw/5", "mic/raw/-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, bad[i], 0, 0, NULL, 0), FS_ENOENT);
    CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/coarse/5", FS_O_WRITE, 0, NULL, 0), FS_EROFS);
    CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/coarse/5", FS_O_CREAT, 0, NULL, 0), FS_EROFS);
    /* the lease: no fix yet, then the coarse fix */
    int64_t h = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/coarse/1", 0, 0, NULL, 0);
    CHECK(h > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), FS_EAGAIN);
    feed_fix(&p, LAT, LON);
    tick(&p);
    char text[64] = {0};
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, text, 63), 23);
    text[23] = 0;
    CHECK(strcmp(text, "48.855000 N 2.295000 E\n") == 0);
    CHECK(strstr(text, "48.8584") == NULL);                 /* coarse: never the exact fix */
    /* another program's capability: not its file */
    CHECK_EQ(fcall(&p, wq, cq, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), FS_EBADF);
    CHECK_EQ(fcall(&p, wq, cq, FS_CLOSE, (uint64_t)h, NULL, 0, 0, NULL, 0), FS_EBADF);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h + 1, NULL, 0, 64, NULL, 0), FS_EBADF);
    /* the lease's end: the next read fails, the broker cleans up */
    expire(&p, 1000);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), CAP_EEXPIRED);
    tick(&p);
    CHECK(strstr(p.w.log, "of gps to wprog ended (expired)") != NULL);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), CAP_EEXPIRED);
    CHECK_EQ(fcall(&p, wp, cp, FS_CLOSE, (uint64_t)h, NULL, 0, 0, NULL, 0), 0);
    /* closing a live file ends its lease */
    h = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/exact/60", 0, 0, NULL, 0);
    CHECK(h > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_CLOSE, (uint64_t)h, NULL, 0, 0, NULL, 0), 0);
    CHECK(strstr(p.w.log, "of gps to wprog ended (closed)") != NULL);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), FS_EBADF);
    /* revoked at the shell: the next read says so */
    h = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/coarse/60", 0, 0, NULL, 0);
    CHECK(h > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), 23);
    int64_t ab = ipc_run(&p.w, p.adm, "buf_new", 1, (int64_t)1);
    ipc_run(&p.w, p.adm, "buf_map", 2, ab, (int64_t)4096);
    put(&p, p.adm, 4096, "wprog\0\0\0", 8);
    ipc_run(&p.w, p.adm, "buf_unmap", 1, ab);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ipc_handle(p.adm, "sensor.admin"), ab, (int64_t)R_READ, (int64_t)2,
                     (int64_t)0, (int64_t)0), 1);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)h, NULL, 0, 64, NULL, 0), CAP_EREVOKED);
    CHECK_EQ(fcall(&p, wp, cp, FS_CLOSE, (uint64_t)h, NULL, 0, 0, NULL, 0), 0);
    /* refused by the policy: the open fails */
    CHECK_EQ(set_policy(&p, "wprog gps exact deny\n* gps * allow 60\n"), 2);
    CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "gps/exact/5", 0, 0, NULL, 0), CAP_ERIGHTS);
    ipc_world_down(&p.w);
}

/* The microphone and the camera as files (the same endpoint): a raw file
 * is the sample stream from the lease's start (offset = position), not
 * ready until the bytes come, EIO once the ring overwrote them; a level
 * file holds one 5-byte line a block and never a sample; a camera file is
 * a PPM of the newest frame at the granted resolution, and its pieces come
 * from one frame even when another arrives in the middle; another
 * program's reads fail; after the end every read fails. */
TEST(priv_wasi_mic_camera_files)
{
    priv_t p;
    CHECK(up(&p));
    CHECK_EQ(set_policy(&p, "* * * allow 3600\n"), 1);
    domain_t *la = dom(&p.w, "la"), *wp = dom(&p.w, "wp"), *wq = dom(&p.w, "wq");
    CHECK(la && wp && wq);
    int64_t lep = ipc_handle(la, "sensor.files");
    cap_handle_t cp = 0, cq = 0;
    CHECK_EQ(cap_derive_badge(la->caps, (cap_handle_t)lep, CAP_R_CALL, wp->caps, name_badge("wprog"), &cp), 0);
    CHECK_EQ(cap_derive_badge(la->caps, (cap_handle_t)lep, CAP_R_CALL, wq->caps, name_badge("other"), &cq), 0);
    int64_t dir = fcall(&p, wp, cp, FS_OPEN, 0, ".", FS_O_DIRECTORY, 0, NULL, 0);
    CHECK(dir > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "mic/raw/5", FS_O_WRITE, 0, NULL, 0), FS_EROFS);
    CHECK_EQ(fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "camera/full/5", FS_O_TRUNC, 0, NULL, 0), FS_EROFS);
    /* raw samples */
    int64_t hr = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "mic/raw/1", 0, 0, NULL, 0);
    int64_t hl = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "mic/level/60", 0, 0, NULL, 0);
    CHECK(hr > 0 && hl > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 0, 4096, NULL, 0), FS_EAGAIN);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hl, NULL, 0, 4096, NULL, 0), FS_EAGAIN);
    static uint8_t blk[MIC_BLOCK], got[4096];
    for (int i = 0; i < MIC_BLOCK / 2; i++)       /* 3277 of 32768: -20 dBFS */
        blk[2 * i] = 3277 & 0xff, blk[2 * i + 1] = 3277 >> 8;
    blk[10] = 0x5a;                               /* and one odd sample, to find it by */
    CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, 1, 0), 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 0, 4096, (char *)got, 4096), MIC_BLOCK);
    CHECK(memcmp(got, blk, MIC_BLOCK) == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 3000, 4096, (char *)got, 200), 200);
    CHECK(memcmp(got, blk + 3000, 200) == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, MIC_BLOCK, 4096, NULL, 0), FS_EAGAIN);
    /* the level: one line, no sample */
    char line[8] = {0};
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hl, NULL, 0, 4096, line, 7), 5);
    CHECK(strcmp(line, " -20\n") == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hl, NULL, 2, 4096, line, 3), 3);
    CHECK(memcmp(line, "20\n", 3) == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hl, NULL, 5, 4096, NULL, 0), FS_EAGAIN);
    /* another program's handle */
    CHECK_EQ(fcall(&p, wq, cq, FS_PREAD, (uint64_t)hr, NULL, 0, 4096, NULL, 0), FS_EBADF);
    /* 21 more blocks: 70,400 bytes through a 65,536-byte ring */
    for (int k = 2; k <= 22; k++) {
        blk[10] = (uint8_t)k;
        CHECK_EQ(drv_lend(&p, p.mdrv, "mic.data", 1, blk, MIC_BLOCK, R_READ, MIC_BLOCK, k, 0), 0);
    }
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 0, 4096, NULL, 0), FS_EIO);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 21 * MIC_BLOCK, 4096, (char *)got, 4096), MIC_BLOCK);
    CHECK_EQ(got[10], 22);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hl, NULL, 21 * 5, 4096, line, 7), 5);
    /* the raw file's end */
    expire(&p, 1000);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hr, NULL, 21 * MIC_BLOCK, 4096, NULL, 0), CAP_EEXPIRED);
    tick(&p);
    CHECK(strstr(p.w.log, "of mic to wprog ended (expired)") != NULL);
    CHECK_EQ(fcall(&p, wp, cp, FS_CLOSE, (uint64_t)hr, NULL, 0, 0, NULL, 0), 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_CLOSE, (uint64_t)hl, NULL, 0, 0, NULL, 0), 0);
    CHECK(strstr(p.w.log, "of mic to wprog ended (closed)") != NULL);
    /* the camera, low: a PPM of the 4x4 means */
    int64_t hc = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "camera/low/60", 0, 0, NULL, 0);
    CHECK(hc > 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, 0, 4096, NULL, 0), FS_EAGAIN);
    static uint8_t frame[CAM_BYTES], file[13 + 80 * 60 * 3 + 4096];
    for (int y = 0; y < CAM_H; y++)
        for (int x = 0; x < CAM_W; x++)
            for (int c = 0; c < 3; c++)
                frame[(y * CAM_W + x) * 3 + c] = cam_px(x, y, c);
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, cam_lent(frame), CAM_LENT, R_READ, CAM_W | CAM_H << 16, 1, 0), 0);
    const int size = 13 + 80 * 60 * 3;
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, 0, 4096, (char *)file, 4096), 4096);
    CHECK(memcmp(file, "P6\n80 60\n255\n", 13) == 0);
    /* a new frame (inverted) in the middle of the file: the rest still comes from the first */
    static uint8_t inv[CAM_BYTES];
    for (int i = 0; i < CAM_BYTES; i++)
        inv[i] = (uint8_t)~frame[i];
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, cam_lent(inv), CAM_LENT, R_READ, CAM_W | CAM_H << 16, 2, 0), 0);
    for (int off = 4096; off < size; off += 4096)
        CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, (uint64_t)off, 4096, (char *)file + off, 4096),
                 off + 4096 <= size ? 4096 : size - off);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, (uint64_t)size, 4096, NULL, 0), 0);
    int wrong = 0;
    for (int y = 0; y < 60; y++)
        for (int x = 0; x < 80; x++)
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 4; dx++)
                        sum += cam_px(x * 4 + dx, y * 4 + dy, c);
                wrong += file[13 + (y * 80 + x) * 3 + c] != (sum + 8) / 16;
            }
    CHECK_EQ(wrong, 0);
    /* read to its end: the next frame comes, and the next file is the inverted one */
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, cam_lent(inv), CAM_LENT, R_READ, CAM_W | CAM_H << 16, 3, 0), 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, 0, 4096, (char *)file, 4096), 4096);
    CHECK_EQ(file[13], (uint8_t)(255 - (int)((cam_px(0, 0, 0) + cam_px(1, 0, 0) + cam_px(2, 0, 0) + cam_px(3, 0, 0) +
                                              cam_px(0, 1, 0) + cam_px(1, 1, 0) + cam_px(2, 1, 0) + cam_px(3, 1, 0) +
                                              cam_px(0, 2, 0) + cam_px(1, 2, 0) + cam_px(2, 2, 0) + cam_px(3, 2, 0) +
                                              cam_px(0, 3, 0) + cam_px(1, 3, 0) + cam_px(2, 3, 0) + cam_px(3, 3, 0) +
                                              8) / 16)));
    CHECK_EQ(fcall(&p, wq, cq, FS_PREAD, (uint64_t)hc, NULL, 0, 4096, NULL, 0), FS_EBADF);
    /* full: the frame itself, a piece from its middle */
    int64_t hf = fcall(&p, wp, cp, FS_OPEN, (uint64_t)dir, "camera/full/60", 0, 0, NULL, 0);
    CHECK(hf > 0);
    CHECK_EQ(drv_lend(&p, p.cdrv, "camera.data", CAM_LENT_PAGES, cam_lent(frame), CAM_LENT, R_READ, CAM_W | CAM_H << 16, 4, 0), 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hf, NULL, 0, 15, (char *)file, 15), 15);
    CHECK(memcmp(file, "P6\n320 240\n255\n", 15) == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hf, NULL, 15 + 100000, 4096, (char *)file, 4096), 4096);
    CHECK(memcmp(file, frame + 100000, 4096) == 0);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hf, NULL, 15 + CAM_BYTES - 10, 4096, (char *)file, 10), 10);
    /* revoked at the shell: both camera files fail, ECANCELED */
    int64_t ab = ipc_run(&p.w, p.adm, "buf_new", 1, (int64_t)1);
    ipc_run(&p.w, p.adm, "buf_map", 2, ab, (int64_t)4096);
    put(&p, p.adm, 4096, "wprog\0\0\0", 8);
    ipc_run(&p.w, p.adm, "buf_unmap", 1, ab);
    CHECK_EQ(ipc_run(&p.w, p.adm, "lend", 6, ipc_handle(p.adm, "sensor.admin"), ab, (int64_t)R_READ, (int64_t)2,
                     (int64_t)3, (int64_t)0), 2);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hc, NULL, 0, 4096, NULL, 0), CAP_EREVOKED);
    CHECK_EQ(fcall(&p, wp, cp, FS_PREAD, (uint64_t)hf, NULL, 15, 4096, NULL, 0), CAP_EREVOKED);
    CHECK_EQ(occurs8_mem(p.brk, frame + 3 * (100 * CAM_W + 101)), 0);   /* no frame left in the broker */
    ipc_world_down(&p.w);
}
