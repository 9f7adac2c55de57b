/*
 * The sensor broker domain (docs/privacy.md). Apps never see a sensor
 * driver: they ask here for a lease (sensor, precision, duration, purpose);
 * the policy file (/etc/sensors.policy on the system disk, or the text the
 * shell sets) or the person at the shell decides; an approved lease is a
 * kernel lease of a buffer capability (read, map) that ends at its time
 * whatever the app does, delivered on the app's box channel. The broker
 * keeps the buffer current at the granted precision, can end a lease
 * early (the shell's revoke), and zeroes the pages before letting them go.
 *
 * Physical revocation: the GPS device's registers and interrupt are the
 * broker's (manifest); the driver gets derived copies (on gps.dev) only
 * while a GPS lease is active. When the last one ends the broker revokes
 * them: the kernel resets the device, unmaps its registers from the
 * driver and masks the line (kernel/core/dev.c). A status line on the
 * console says which sensors are live and for whom.
 *
 * Threads: the broker's own thread (it holds device capabilities, so the
 * kernel starts its _start) only calls the broker's endpoint sensor.tick
 * and waits; all the work is in handlers, which the kernel runs one at a
 * time (the domain is not reentrant). _start keeps nothing on the shadow
 * stack, so it cannot collide with a handler running on another thread.
 */
#include <fsproto.h>
#include <sensor.h>

#include "policy.h"

#define MS 1000000ll
#define MAX_LEASES 16
#define MAX_PER_APP 4
#define ASK_TIMEOUT (30000 * MS)
#define TICK_MAX (100 * MS)

typedef struct lease {
    bool used;
    uint64_t id, end_ns;
    uint32_t sensor, precision;
    char app[SENSOR_NAME];
    ath_handle_t buf;               /* the root of the app's lease (ours) */
    ath_handle_t lease;             /* the kernel lease (ours); the app's copy derives from it */
} lease_t;

static lease_t leases[MAX_LEASES];
static uint8_t pages[MAX_LEASES][ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t req_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint64_t next_id = 1;
static uint32_t next_ask = 1;

static policy_t policy;
static bool policy_loaded;

static bool init_done;
static ath_handle_t fix_ch = -1, dev_ch = -1, mmio_root = -1, irq_root = -1, ask_ch = -1,
                    answer_ch = -1, fs_root = -1;
static bool gps_live;               /* the driver holds the device */
static bool hand_failed;            /* handing it over failed: not again until leases change */
static uint64_t live_since, last_fix_at, silent_after = 3000 * MS;
static sensor_fix_t last_fix;
static uint32_t bad_msgs, bad_said;      /* malformed messages on gps.fix */
static uint32_t nfixes;

/* The thread's state: statics only (see above). */
static ath_handle_t tick_ep = -1;
static int64_t tick_wait;
static const char tick_name[] = "sensor.tick";

static void indicator(void);

static void init(void)
{
    if (init_done)
        return;
    init_done = true;
    fix_ch = ath_cap_find("gps.fix");
    dev_ch = ath_cap_find("gps.dev");
    mmio_root = ath_cap_find("serial0.mmio");
    irq_root = ath_cap_find("serial0.irq");
    ask_ch = ath_cap_find("sensor.ask");
    answer_ch = ath_cap_find("sensor.answer");
    fs_root = ath_cap_find("fs.root");
    if (mmio_root >= 0)
        indicator();
}

static int32_t copy_str(char *d, int32_t at, int32_t cap, const char *s)
{
    while (*s && at < cap - 1)
        d[at++] = *s++;
    d[at] = 0;
    return at;
}

static int32_t copy_uint(char *d, int32_t at, int32_t cap, uint64_t v)
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n && at < cap - 1)
        d[at++] = t[--n];
    d[at] = 0;
    return at;
}

static bool same_app(const char *a, const char *b)
{
    for (int i = 0; i < SENSOR_NAME; i++) {
        if (a[i] != b[i])
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

/* "privacy: gps live: locate (coarse), x (exact)" or "privacy: gps off". */
static void indicator(void)
{
    hand_failed = false;
    static char line[200];
    int32_t n = copy_str(line, 0, sizeof line, "privacy: gps ");
    bool any = false;
    for (int i = 0; i < MAX_LEASES; i++) {
        lease_t *l = &leases[i];
        if (!l->used || l->sensor != SENSOR_GPS)
            continue;
        bool dup = false;       /* one mention per app and precision */
        for (int k = 0; k < i && !dup; k++)
            dup = leases[k].used && leases[k].sensor == SENSOR_GPS && leases[k].precision == l->precision &&
                  same_app(leases[k].app, l->app);
        if (dup)
            continue;
        n = copy_str(line, n, sizeof line, any ? ", " : "live: ");
        n = copy_str(line, n, sizeof line, l->app);
        n = copy_str(line, n, sizeof line, " (");
        n = copy_str(line, n, sizeof line, sensor_precision_name(l->sensor, l->precision));
        n = copy_str(line, n, sizeof line, ")");
        any = true;
    }
    if (!any)
        n = copy_str(line, n, sizeof line, "off (no lease; device stopped)");
    copy_str(line, n, sizeof line, "\n");
    /* printed when it changes */
    static char shown[200];
    bool same = true;
    for (int i = 0; i < (int)sizeof line && same; i++) {
        same = line[i] == shown[i];
        if (!line[i])
            break;
    }
    if (same)
        return;
    for (int i = 0; i < (int)sizeof line; i++)
        shown[i] = line[i];
    ath_print(line);
}

/* The GPS device goes to the driver only while some GPS lease is active. */
static void physical(void)
{
    bool want = false;
    for (int i = 0; i < MAX_LEASES; i++)
        want |= leases[i].used && leases[i].sensor == SENSOR_GPS;
    if (want == gps_live || mmio_root < 0 || irq_root < 0 || dev_ch < 0)
        return;
    if (want) {
        if (hand_failed)
            return;             /* until the leases change */
        /* copies (children of our roots, so revocable), with transfer so
         * they can travel on the channel */
        ath_handle_t m = ath_cap_dup(mmio_root, ATH_R_MAP | ATH_R_TRANSFER);
        ath_handle_t q = ath_cap_dup(irq_root, ATH_R_RECV | ATH_R_SEND | ATH_R_TRANSFER);
        int32_t e1 = m < 0 ? m : ath_send(dev_ch, "mmio", 4, m);
        if (e1 == ATH_EREVOKED || e1 == ATH_ESTALE) {
            /* the driver was restarted: its channel was issued anew */
            dev_ch = ath_cap_find("gps.dev");
            e1 = dev_ch < 0 ? dev_ch : ath_send(dev_ch, "mmio", 4, m);
        }
        int32_t e2 = q < 0 ? q : e1 < 0 ? e1 : ath_send(dev_ch, "irq", 3, q);
        if (e1 < 0 || e2 < 0) {
            ath_print("sensors: cannot hand the GPS device over: ");
            ath_print(ath_strerror(e1 < 0 ? e1 : e2));
            ath_print("\n");
            ath_cap_revoke(mmio_root);
            ath_cap_revoke(irq_root);
            hand_failed = true;
            return;
        }
    } else {
        /* every copy of the registers and the interrupt, wherever it went */
        ath_cap_revoke(mmio_root);
        ath_cap_revoke(irq_root);
        /* and nothing of the last position stays here either */
        sensor_fix_t z = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        last_fix = z;
        nfixes = 0;
    }
    gps_live = want;
    live_since = (uint64_t)ath_uptime_ns();
    silent_after = 3000 * MS;
}

/* The driver holds the device but sends nothing (it was restarted after a
 * fault and waits for the device again, or the stream stopped): take the
 * device back and hand it over again, waiting twice as long each time
 * (up to a minute). */
static void watchdog(uint64_t now)
{
    uint64_t since = last_fix_at > live_since ? last_fix_at : live_since;
    if (!gps_live || now - since < silent_after)
        return;
    ath_print("privacy: no fix from the gps driver for ");
    ath_print_int((int64_t)((now - since) / MS));
    ath_print(" ms: handing it the device again\n");
    ath_cap_revoke(mmio_root);
    ath_cap_revoke(irq_root);
    gps_live = false;
    uint64_t next = silent_after * 2 < 60000 * MS ? silent_after * 2 : 60000 * MS;
    physical();
    silent_after = next;
}

/* The app's view of a fix at its precision. Coarse: the centre of the
 * 0.01 degree cell, no altitude. */
static sensor_fix_t reduce(sensor_fix_t f, uint32_t precision)
{
    if (precision == SENSOR_COARSE) {
        const int32_t cell = 100000;
        int32_t la = f.lat_e7 / cell - (f.lat_e7 % cell < 0);
        int32_t lo = f.lon_e7 / cell - (f.lon_e7 % cell < 0);
        f.lat_e7 = la * cell + cell / 2;
        f.lon_e7 = lo * cell + cell / 2;
        if (f.lon_e7 > 1800000000)
            f.lon_e7 = 1800000000;
        if (f.lat_e7 > 900000000)
            f.lat_e7 = 900000000;
        f.alt_dm = 0;
        f.sats = 0;
    }
    f.precision = (uint8_t)precision;
    return f;
}

static void publish(int i)
{
    lease_t *l = &leases[i];
    sensor_page_t *p = (sensor_page_t *)pages[i];
    p->seq++;                       /* odd: being written */
    __asm__ volatile("" ::: "memory");
    p->sensor = l->sensor;
    p->precision = l->precision;
    p->fixes = nfixes;
    p->fix = reduce(last_fix, l->precision);
    __asm__ volatile("" ::: "memory");
    p->seq++;
}

/* A lease ends: every copy the app made goes (the kernel already ended
 * them if the time came), the pages are zeroed and let go. */
static void end_lease(int i, const char *why)
{
    lease_t *l = &leases[i];
    ath_cap_revoke(l->buf);
    for (int k = 0; k < ATH_PAGE; k++)
        pages[i][k] = 0;
    ath_buf_unmap(l->buf);
    ath_cap_drop(l->buf);
    ath_print("privacy: lease ");
    ath_print_int((int64_t)l->id);
    ath_print(" of ");
    ath_print(sensor_name(l->sensor));
    ath_print(" to ");
    ath_print(l->app);
    ath_print(" ended (");
    ath_print(why);
    ath_print(")\n");
    l->used = false;
}

/* Takes new fixes, ends leases whose time came, moves the device. The
 * nanoseconds until the next thing to do. */
static int64_t housekeeping(void)
{
    init();
    sensor_fix_msg_t m;
    int32_t r;
    bool fresh = false;
    while (fix_ch >= 0 && (r = ath_recv(fix_ch, &m, sizeof m, 0, 0)) >= 0) {
        /* what the driver sends is checked like any input: the size, the
         * magic, the ranges (the coarse arithmetic relies on them) */
        if (r != (int32_t)sizeof m || m.magic != SENSOR_FIX_MAGIC || m.fix.lat_e7 < -900000000 ||
            m.fix.lat_e7 > 900000000 || m.fix.lon_e7 < -1800000000 || m.fix.lon_e7 > 1800000000 ||
            m.fix.time_ms >= 86401000u) {
            bad_msgs++;
            continue;
        }
        last_fix = m.fix, nfixes++, fresh = true;
    }
    if (bad_msgs != bad_said) {
        ath_print("sensors: dropped malformed messages from the gps driver: ");
        ath_print_int(bad_msgs);
        ath_print("\n");
        bad_said = bad_msgs;
    }
    uint64_t now = (uint64_t)ath_uptime_ns();
    if (fresh)
        last_fix_at = now, silent_after = 3000 * MS;
    int64_t next = TICK_MAX;
    bool changed = false;
    for (int i = 0; i < MAX_LEASES; i++) {
        if (!leases[i].used)
            continue;
        /* the kernel ends it (its lease reaper): we see it here */
        int64_t info = ath_cap_info(leases[i].lease);
        if (info < 0) {
            end_lease(i, info == ATH_EEXPIRED ? "expired" : "ended");
            changed = true;
            continue;
        }
        if (fresh && leases[i].sensor == SENSOR_GPS)
            publish(i);
        /* the kernel's reaper ends it at end_ns; our cleanup (zeroing,
         * the log line, the device) follows 2 ms later, off the app's way */
        int64_t left = now < leases[i].end_ns ? (int64_t)(leases[i].end_ns - now) + 2 * MS : MS;
        if (left < next)
            next = left;
    }
    if (changed)
        indicator();
    physical();
    watchdog(now);
    return next;
}

ATH_EXPORT("tick") int64_t tick(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    return housekeeping();
}

/* The policy file from the system disk, once. */
static void load_policy(void)
{
    if (policy_loaded)
        return;
    policy_loaded = true;
    policy.n = 0;
    if (fs_root < 0)
        return;
    static const char path[] = "etc/sensors.policy";
    ath_handle_t b = ath_buf_new(1);
    if (b < 0 || ath_buf_map(b, (uint32_t)(uintptr_t)req_page) < 0) {
        if (b >= 0)
            ath_cap_drop(b);
        return;
    }
    for (uint32_t i = 0; i < sizeof path - 1; i++)
        req_page[i] = (uint8_t)path[i];
    ath_buf_unmap(b);
    int64_t n = -1;
    int32_t e = ath_call_lend(fs_root, b, ATH_R_READ | ATH_R_WRITE, FS_READ, sizeof path - 1, 0, &n);
    if (e == 0 && n < 0) {
        ath_print("sensors: no /etc/sensors.policy (");
        ath_print_int(n);
        ath_print("); every request is asked\n");
    }
    if (e == 0 && n > 0 && ath_buf_map(b, (uint32_t)(uintptr_t)req_page) >= 0) {
        int r = policy_parse(&policy, (const char *)req_page, (size_t)n);
        ath_buf_unmap(b);
        ath_print("sensors: policy /etc/sensors.policy: ");
        if (r < 0) {
            ath_print("bad line ");
            ath_print_int(-r);
            ath_print("; every request is asked\n");
        } else {
            ath_print_int(r);
            ath_print(" rules\n");
        }
    }
    ath_cap_drop(b);
}

/* Maps the buffer lent for this call at the top of our memory (one page
 * at most: a larger one is refused rather than laid over our data),
 * needing rights need; lent_mem points at it. 0 or an error. */
static volatile uint8_t *lent_mem;

static int32_t take_lent(int64_t lent, uint32_t need)
{
    int64_t info = ath_cap_info((ath_handle_t)lent);
    if (info < 0)
        return (int32_t)info;
    if ((info >> 32) != 3 || ((uint32_t)info & need) != need)
        return ATH_ERIGHTS;
    uint32_t pages;
    int32_t at = ath_lend_map((ath_handle_t)lent, 1, &pages);
    if (at < 0)
        return at;
    lent_mem = (volatile uint8_t *)(uintptr_t)at;
    return 0;
}

/* The person at the shell decides: true for yes. No shell, or no answer
 * within 30 s: no. */
static bool ask(const req_t *r)
{
    if (ask_ch < 0 || answer_ch < 0)
        return false;
    sensor_ask_t q;
    q.id = next_ask++;
    q.sensor = r->sensor;
    q.precision = r->precision;
    q.seconds = (r->ms + 999) / 1000;
    for (int i = 0; i < SENSOR_NAME; i++)
        q.app[i] = r->app[i];
    sensor_answer_t a;
    while (ath_recv(answer_ch, &a, sizeof a, 0, 0) >= 0)
        ;                           /* stale answers */
    if (ath_send(ask_ch, &q, sizeof q, 0) < 0)
        return false;
    uint64_t end = (uint64_t)ath_uptime_ns() + ASK_TIMEOUT;
    for (;;) {
        uint64_t now = (uint64_t)ath_uptime_ns();
        if (now >= end)
            return false;
        int32_t n = ath_recv(answer_ch, &a, sizeof a, 0, (int64_t)(end - now));
        if (n < 0)
            return false;
        if (n == (int32_t)sizeof a && a.id == q.id)
            return a.yes == 1;
    }
}

static void say_request(const req_t *r, const char *what)
{
    ath_print("privacy: ");
    ath_print(r->app);
    ath_print(" asks for ");
    ath_print(sensor_name(r->sensor));
    ath_print(" (");
    ath_print(sensor_precision_name(r->sensor, r->precision));
    ath_print(") for ");
    ath_print_int((r->ms + 999) / 1000);
    ath_print(" s, purpose \"");
    ath_print(r->purpose);
    ath_print("\": ");
    ath_print(what);
    ath_print("\n");
}

/* Endpoint sensor.request (sensor.h). */
ATH_EXPORT("request") int64_t request(int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    housekeeping();
    if (a2 != 0)
        return ATH_EINVAL;
    int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
    if (e < 0)
        return e;
    uint8_t raw[sizeof(sensor_req_t)];
    for (uint32_t i = 0; i < sizeof raw; i++)
        raw[i] = lent_mem[i];
    ath_buf_unmap((ath_handle_t)lent);
    req_t r;
    if (req_decode(a0, a1, raw, sizeof raw, &r) < 0)
        return ATH_EINVAL;
    if (r.sensor != SENSOR_GPS)
        return ATH_ENOENT;          /* the microphone and camera are not there yet */
    char box[8 + SENSOR_NAME];
    int32_t bn = copy_str(box, 0, sizeof box, "box.");
    bn = copy_str(box, bn, sizeof box, r.app);
    ath_handle_t box_h = ath_cap_find_n(box, bn);
    if (box_h < 0)
        return ATH_ENOENT;
    int slot = -1, mine = 0;
    for (int i = 0; i < MAX_LEASES; i++) {
        if (!leases[i].used && slot < 0)
            slot = i;
        mine += leases[i].used && same_app(leases[i].app, r.app);
    }
    if (slot < 0 || mine >= MAX_PER_APP)
        return ATH_EBUSY;           /* one app cannot take every lease */
    load_policy();
    int d = policy_decide(&policy, &r);
    if (d == POLICY_ASK) {
        say_request(&r, "asking at the shell");
        d = ask(&r) ? POLICY_ALLOW : POLICY_DENY;
    }
    say_request(&r, d == POLICY_ALLOW ? "allowed" : "refused");
    if (d != POLICY_ALLOW)
        return ATH_ERIGHTS;
    /* the lease: a buffer of ours, a kernel lease of it moved to the box */
    lease_t *l = &leases[slot];
    ath_handle_t b = ath_buf_new(1);
    if (b < 0)
        return b;
    if ((e = ath_buf_map(b, (uint32_t)(uintptr_t)pages[slot])) < 0) {
        ath_cap_drop(b);
        return e;
    }
    uint64_t t0 = (uint64_t)ath_uptime_ns();
    /* read and map; derive and transfer too, so an app may share it with
     * a helper: every copy ends with the lease (the kernel's derivation
     * tree), which is the point */
    const uint32_t rights = ATH_R_READ | ATH_R_MAP | ATH_R_DERIVE | ATH_R_TRANSFER;
    ath_handle_t lh = ath_cap_lease(b, rights, (int64_t)r.ms * MS);
    /* the app gets a copy derived from the lease, which we keep: its end
     * ends the copy, and we see the kernel end it (cap_info: expired) */
    ath_handle_t ch = lh < 0 ? lh : ath_cap_dup(lh, rights);
    if (ch < 0) {
        ath_cap_revoke(b);
        ath_buf_unmap(b);
        ath_cap_drop(b);
        return ch;
    }
    l->used = true;
    l->id = next_id++;
    l->end_ns = t0 + (uint64_t)r.ms * MS;
    l->sensor = r.sensor;
    l->precision = r.precision;
    l->buf = b;
    l->lease = lh;
    for (int i = 0; i < SENSOR_NAME; i++)
        l->app[i] = r.app[i];
    publish(slot);
    sensor_grant_t g = {l->id, l->end_ns, l->sensor, l->precision};
    if ((e = ath_send(box_h, &g, sizeof g, ch)) < 0) {
        end_lease(slot, ath_strerror(e));           /* the app's box is full, ... */
        return e == ATH_EEXPIRED ? e : ATH_EBUSY;   /* expired: it ended before delivery */
    }
    indicator();
    physical();
    return (int64_t)l->id;
}

/* Endpoint sensor.admin (sensor.h): the shell's leases and revoke. */
ATH_EXPORT("admin") int64_t admin(int64_t op, int64_t arg, int64_t a2, int64_t lent)
{
    housekeeping();
    (void)a2;
    if (op == SENSOR_ADMIN_LIST) {
        int64_t k = arg;
        uint64_t now = (uint64_t)ath_uptime_ns();
        for (int i = 0; i < MAX_LEASES; i++) {
            lease_t *l = &leases[i];
            if (!l->used || k-- > 0)
                continue;
            int32_t e = take_lent(lent, ATH_R_WRITE | ATH_R_MAP);
            if (e < 0)
                return e;
            char line[96];
            int32_t n = copy_str(line, 0, sizeof line, sensor_name(l->sensor));
            n = copy_str(line, n, sizeof line, " ");
            n = copy_str(line, n, sizeof line, l->app);
            n = copy_str(line, n, sizeof line, " ");
            n = copy_str(line, n, sizeof line, sensor_precision_name(l->sensor, l->precision));
            n = copy_str(line, n, sizeof line, " ");
            n = copy_uint(line, n, sizeof line, l->end_ns > now ? (l->end_ns - now + 999999999) / 1000000000 : 0);
            for (int32_t j = 0; j < n; j++)
                lent_mem[j] = (uint8_t)line[j];
            ath_buf_unmap((ath_handle_t)lent);
            return n;
        }
        return ATH_ENOENT;
    }
    if (op == SENSOR_ADMIN_REVOKE) {
        /* arg: a sensor (0: all); the lent buffer: the app's name, NUL-padded */
        int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
        if (e < 0)
            return e;
        char app[SENSOR_NAME];
        for (int i = 0; i < SENSOR_NAME; i++)
            app[i] = (char)lent_mem[i];
        ath_buf_unmap((ath_handle_t)lent);
        int32_t n = 0;
        while (n < SENSOR_NAME && app[n])
            n++;
        if (!policy_name_ok(app, (size_t)n) || arg < 0 || arg > SENSOR_CAM)
            return ATH_EINVAL;
        int count = 0;
        for (int i = 0; i < MAX_LEASES; i++) {
            lease_t *l = &leases[i];
            bool same = l->used && (arg == 0 || l->sensor == (uint32_t)arg);
            for (int j = 0; same && j <= n; j++)
                same = l->app[j] == app[j];
            if (same)
                end_lease(i, "revoked"), count++;
        }
        if (count) {
            indicator();
            physical();
        }
        return count ? count : ATH_ENOENT;
    }
    if (op == SENSOR_ADMIN_POLICY) {
        /* the policy text, arg bytes of the lent buffer's first page */
        if (arg < 0 || arg > ATH_PAGE)
            return ATH_EINVAL;
        int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
        if (e < 0)
            return e;
        static char text[ATH_PAGE];
        for (int64_t i = 0; i < arg; i++)
            text[i] = (char)lent_mem[i];
        ath_buf_unmap((ath_handle_t)lent);
        policy_loaded = true;
        return policy_parse(&policy, text, (size_t)arg);
    }
    return ATH_EINVAL;
}

/* The broker's thread: a tick, then a wait for a fix or the next deadline. */
ATH_EXPORT("_start") void _start(void)
{
    tick_ep = ath_cap_find_n(tick_name, sizeof tick_name - 1);
    if (tick_ep < 0)
        return;
    for (;;) {
        if (ath_call(tick_ep, 0, 0, 0, 0, &tick_wait) < 0 || tick_wait <= 0 || tick_wait > TICK_MAX)
            tick_wait = TICK_MAX;
        if (fix_ch < 0)
            return;             /* no GPS: the handlers do the housekeeping */
        ath_wait(fix_ch, tick_wait);
    }
}
