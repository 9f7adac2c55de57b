/*
 * Device capabilities (kernel/core/dev.c) on the host: an irq raised in
 * software (masked until acknowledged, counted, rights checked), an mmio
 * region over a fake device page mapped into a domain's linear memory and
 * restored on unmap and on revoke, io-port ranges checked, and the console
 * queue. The machine pieces dev.c calls are faked here.
 */
#include "ipctest.h"

#include <arch/irq.h>
#include <kern/dev.h>
#include <kern/kernel.h>
#include <stdlib.h>

static bool fake_io = true;
static unsigned masked_irq = ~0u, unmasked_irq = ~0u;
static uint32_t io_last_port;
static char cons_out[256];
static size_t cons_len;

void irq_set_handler(unsigned irq, irq_handler_t fn, void *arg) { (void)irq, (void)fn, (void)arg; }
void irq_attach(unsigned irq, irq_handler_t fn, void *arg) { (void)fn, (void)arg; unmasked_irq = irq; }
void irq_mask(unsigned irq) { masked_irq = irq; }
void irq_unmask(unsigned irq) { unmasked_irq = irq; }
bool arch_io_supported(void) { return fake_io; }
uint32_t arch_io_in(uint16_t port, int size) { io_last_port = port; return (uint32_t)size; }
void arch_io_out(uint16_t port, int size, uint32_t v) { (void)size, (void)v; io_last_port = port; }
bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind) { (void)phys, (void)irq, (void)kind; return false; }
void console_putc(char c) { if (cons_len < sizeof cons_out) cons_out[cons_len++] = c; }
int waitq_wake_one(waitq_t *q) { (void)q; return 0; }
/* The blocking points: with a hook armed (test_isolation.c) a wait lets the
 * hook act as the other threads would meanwhile; without one nothing ever
 * blocks (no scheduler in the host tests). */
ktest_wait_fn ktest_wait_hook;
void *ktest_wait_arg;
bool waitq_wait(waitq_t *q, uint64_t deadline)
{
    (void)deadline;
    return ktest_wait_hook ? ktest_wait_hook(q, ktest_wait_arg) : false;
}
thread_t *thread_current(void)
{
    static long fake;
    return ktest_wait_hook ? (thread_t *)&fake : NULL;
}
thread_t *thread_create(struct domain *d, const char *n, int p, void (*fn)(void *), void *a, size_t s)
{ (void)d, (void)n, (void)p, (void)fn, (void)a, (void)s; return NULL; }
void thread_exit(void) { abort(); }
void thread_set_exec(thread_t *t, struct wasm_exec *ex) { (void)t, (void)ex; }
void sched_sleep_ns(uint64_t ns) { (void)ns; }
bool bootimg_find(const char *n, const uint8_t **d, size_t *l) { (void)n, (void)d, (void)l; return false; }
struct wasm_runtime *kwasm_runtime(void) { return NULL; }

TEST(dev_irq_mask_until_ack)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_table_t *t = w.client->caps;
    dev_irq_t *q = dev_irq_create(5);
    CHECK(q && unmasked_irq == 5);
    CHECK(dev_irq_create(5) == NULL);            /* one owner per line */
    cap_handle_t h, ro;
    CHECK_EQ(cap_install(t, &q->obj, CAP_R_RECV | CAP_R_SEND | CAP_R_DERIVE, &h), 0);
    kobj_unref(&q->obj);
    CHECK_EQ(dev_irq_wait(t, h, 0), 0);          /* nothing yet */
    dev_irq_raise(q);
    dev_irq_raise(q);
    CHECK(masked_irq == 5 && q->masked);
    unmasked_irq = ~0u;
    CHECK_EQ(dev_irq_wait(t, h, 0), 2);
    CHECK_EQ(dev_irq_wait(t, h, 0), 0);
    CHECK(unmasked_irq == ~0u);                  /* still masked: not acknowledged */
    CHECK_EQ(cap_derive(t, h, CAP_R_RECV, t, &ro), 0);
    CHECK_EQ(dev_irq_ack(t, ro), CAP_ERIGHTS);   /* acknowledging needs send */
    CHECK_EQ(dev_irq_ack(t, h), 0);
    CHECK(unmasked_irq == 5 && !q->masked);
    dev_irq_kick(q);
    CHECK_EQ(dev_irq_wait(t, ro, 0), 0);         /* a kick is not an interrupt */
    CHECK_EQ(cap_delete(t, h), 0);
    CHECK_EQ(dev_irq_wait(t, ro, 0), CAP_EREVOKED);   /* derived from the deleted one */
    dev_irq_t *again = dev_irq_create(5);        /* the line is free again */
    CHECK(again != NULL);
    kobj_unref(&again->obj);
    ipc_world_down(&w);
}

TEST(dev_mmio_map_restore_revoke)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    domain_t *d = w.client;
    cap_table_t *t = d->caps;
    uint8_t *mem = wasm_memory_data(wasm_instance_memory(d->inst, 0));
    uint64_t dev = pmm_alloc();                  /* the fake device page */
    dev_mmio_t *r = dev_mmio_create(dev + 0x10, 8);
    CHECK(r && r->npages == 1);
    cap_handle_t h, m;
    CHECK_EQ(cap_install(t, &r->obj, CAP_R_MAP | CAP_R_DERIVE | CAP_R_REVOKE, &h), 0);
    kobj_unref(&r->obj);
    memset(mem + 4096, 0xab, 4096);
    CHECK_EQ(dev_mmio_map(d, t, h, 4096 + 1), IPC_EMAPPED);   /* unaligned */
    CHECK_EQ(dev_mmio_map(d, t, h, 4096), 0x10);
    CHECK_EQ(mem[4096], 0);                      /* the device's bytes now */
    mem[4096 + 0x10] = 0x42;                     /* a register write */
    CHECK_EQ(dev_mmio_map(d, t, h, 8192), IPC_EMAPPED);       /* once per capability */
    CHECK_EQ(dev_mmio_unmap(t, h), 0);
    CHECK_EQ(mem[4096 + 0x10], 0xab);            /* the memory's page is back */
    CHECK_EQ(cap_derive(t, h, CAP_R_MAP, t, &m), 0);
    CHECK_EQ(dev_mmio_map(d, t, m, 8192), 0x10);
    CHECK_EQ(mem[8192 + 0x10], 0x42);            /* same device page */
    CHECK_EQ(cap_revoke(t, h), 0);               /* the derived one goes, and its mapping */
    CHECK_EQ(mem[8192 + 0x10], 0);
    CHECK_EQ(dev_mmio_map(d, t, m, 8192), CAP_EREVOKED);
    cap_handle_t nomap;
    CHECK_EQ(cap_derive(t, h, CAP_R_DERIVE, t, &nomap), 0);
    CHECK_EQ(dev_mmio_map(d, t, nomap, 8192), CAP_ERIGHTS);
    ipc_world_down(&w);
}

TEST(dev_ioport_range)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_table_t *t = w.client->caps;
    fake_io = false;
    CHECK(dev_ioport_create(0x3f8, 8) == NULL);  /* no I/O space */
    fake_io = true;
    CHECK(dev_ioport_create(0xfffc, 8) == NULL); /* wraps */
    dev_ioport_t *p = dev_ioport_create(0x3f8, 8);
    CHECK(p != NULL);
    cap_handle_t h, in;
    CHECK_EQ(cap_install(t, &p->obj, CAP_R_READ | CAP_R_WRITE | CAP_R_DERIVE, &h), 0);
    kobj_unref(&p->obj);
    uint32_t v = 0;
    CHECK_EQ(dev_io_in(t, h, 5, 1, &v), 0);
    CHECK(io_last_port == 0x3fd && v == 1);
    CHECK_EQ(dev_io_out(t, h, 4, 4, 0), 0);
    CHECK_EQ(dev_io_out(t, h, 5, 4, 0), CAP_EINVAL);   /* runs past the range */
    CHECK_EQ(dev_io_in(t, h, 8, 1, &v), CAP_EINVAL);
    CHECK_EQ(dev_io_in(t, h, 0, 3, &v), CAP_EINVAL);
    CHECK_EQ(cap_derive(t, h, CAP_R_READ, t, &in), 0);
    CHECK_EQ(dev_io_out(t, in, 0, 1, 0), CAP_ERIGHTS);
    ipc_world_down(&w);
}

TEST(dev_console_before_handoff)
{
    cons_len = 0;
    kcons_putc('x');
    CHECK(cons_len == 1 && cons_out[0] == 'x');  /* early console until a driver attaches */
    CHECK(!kcons_handed_off());
    char line[8];
    CHECK_EQ(kcons_getline(line, sizeof line), -1);
}
