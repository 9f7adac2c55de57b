/*
 * The arch seam implemented by a Linux x86_64 process: a test bed for the
 * portable kernel core (make ARCH=hosted KTEST=1 kernel, then run the ELF).
 * Interrupts are SIGALRM (blocked = interrupts off), exceptions are
 * SIGSEGV/SIGBUS/SIGTRAP/SIGILL/SIGFPE on an alternate stack, physical
 * memory is a memfd and page mappings are mmap calls on it.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/boot.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static int memfd = -1;
static uint64_t clock0;

/* ------------------------------------------------------------ console */

void console_init(void) {}

void console_putc(char c)
{
    if (write(1, &c, 1) < 0)
        _exit(3);
}

int console_getc(void)
{
    return -1;
}

/* No UART a driver domain could own: the host tests fake one. */
bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind)
{
    (void)phys, (void)irq, (void)kind;
    return false;
}

/* ------------------------------------------------------------ cpu */

const char *arch_name(void)
{
    return "hosted";
}

static void set_alarm_blocked(int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigprocmask(how, &s, NULL);
}

void cpu_irq_enable(void) { set_alarm_blocked(SIG_UNBLOCK); }
void cpu_irq_disable(void) { set_alarm_blocked(SIG_BLOCK); }

bool cpu_irq_save(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigprocmask(SIG_BLOCK, &s, &old);
    return !sigismember(&old, SIGALRM);
}

void cpu_irq_restore(bool was_on)
{
    if (was_on)
        cpu_irq_enable();
}

void cpu_idle(void)
{
    sigset_t none;
    sigemptyset(&none);
    cpu_irq_enable();
    sigsuspend(&none);
}

void arch_poweroff(int status)
{
    kprintf("athanor: poweroff status %d\n", status);
    exit(status);
}

void arch_reboot(void)
{
    kprintf("athanor: reboot: the hosted port exits\n");
    exit(0);
}

void arch_backtrace(uintptr_t fp, void (*fn)(uintptr_t pc, void *arg), void *arg, int max)
{
    if (fp == 0)
        fp = *(uintptr_t *)__builtin_frame_address(0);
    for (int i = 0; i < max && fp && fp % 8 == 0; i++) {
        uintptr_t *f = (uintptr_t *)fp;
        if (f[1] == 0)
            break;
        fn(f[1], arg);
        if (f[0] <= fp)
            break;
        fp = f[0];
    }
}

#ifdef ATHANOR_TEST
void arch_fault_selftest_breakpoint(void)
{
    __asm__ volatile("int3");
}
#endif

static ucontext_t caller_ctx, callee_ctx;
static void (*callee_fn)(void *);
static void *callee_arg;

static void callee_trampoline(void)
{
    callee_fn(callee_arg);
}

void arch_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg)
{
    callee_fn = fn;
    callee_arg = arg;
    getcontext(&callee_ctx);
    callee_ctx.uc_stack.ss_sp = (void *)(top - 4096);
    callee_ctx.uc_stack.ss_size = 4096;
    callee_ctx.uc_link = &caller_ctx;
    makecontext(&callee_ctx, callee_trampoline, 0);
    swapcontext(&caller_ctx, &callee_ctx);
}

/* ------------------------------------------------------------ traps */

static const char *const regnames[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                       "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
                                       "rip", "rflags"};
static const int regidx[] = {REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI,
                             REG_RBP, REG_RSP, REG_R8,  REG_R9,  REG_R10, REG_R11,
                             REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP, REG_EFL};

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t regs[18];
    for (int i = 0; i < 18; i++)
        regs[i] = (uint64_t)g[regidx[i]];
    trap_info_t t = {.pc = (uintptr_t)g[REG_RIP], .sp = (uintptr_t)g[REG_RSP],
                     .fp = (uintptr_t)g[REG_RBP], .nregs = 18, .regnames = regnames,
                     .regs = regs};
    switch (sig) {
    case SIGSEGV:
    case SIGBUS:
        t.cls = TRAP_PAGE_FAULT;
        t.name = "page fault (SIGSEGV)";
        t.addr = (uintptr_t)si->si_addr;
        break;
    case SIGTRAP:
        t.cls = TRAP_BREAKPOINT;
        t.name = "breakpoint (SIGTRAP)";
        break;
    case SIGILL:
        t.cls = TRAP_ILLEGAL;
        t.name = "illegal instruction (SIGILL)";
        break;
    default:
        t.cls = TRAP_DIVIDE;
        t.name = "arithmetic (SIGFPE)";
        break;
    }
    uintptr_t fixed_pc = 0;
    if (t.cls == TRAP_PAGE_FAULT && trap_fixup(&t, &fixed_pc)) {
        if (fixed_pc)     /* compiled Wasm out of bounds: its trap stub */
            g[REG_RIP] = (greg_t)fixed_pc;
        return;     /* else copy-on-write fixed: the write is retried */
    }
    if (!trap_exception(&t))
        return;
    if (t.cls != TRAP_BREAKPOINT)
        g[REG_RIP] = (greg_t)trap_resume_pc;
}

void cpu_init(void)
{
    static uint8_t altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = {SIGSEGV, SIGBUS, SIGTRAP, SIGILL, SIGFPE};
    for (int i = 0; i < 5; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* ------------------------------------------------------------ mmu */

/* Mapped pages of the VM range: open addressing, key vpn + 1 (0 empty,
 * ~0 deleted), value the physical address. */
#define MAPS (1u << 20)
static uint64_t *map_key, *map_pa;

static uint64_t *slot(uint64_t vpn, bool insert)
{
    uint64_t k = vpn + 1;
    uint64_t *tomb = NULL;
    for (uint32_t h = (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 44), n = 0; n < MAPS;
         h = (h + 1) & (MAPS - 1), n++) {
        if (map_key[h] == k)
            return &map_key[h];
        if (map_key[h] == ~0ull && !tomb)
            tomb = &map_key[h];
        if (map_key[h] == 0)
            return insert ? (tomb ? tomb : &map_key[h]) : NULL;
    }
    return insert ? tomb : NULL;
}

static bool in_vm(uintptr_t va, size_t size)
{
    return va >= KERN_VM_BASE && va + size <= KERN_VM_END && va + size >= va;
}

void mmu_init(void)
{
    map_key = calloc(MAPS, sizeof *map_key);
    map_pa = calloc(MAPS, sizeof *map_pa);
    void *vm = mmap((void *)KERN_VM_BASE, KERN_VM_END - KERN_VM_BASE, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (!map_key || !map_pa || vm != (void *)KERN_VM_BASE)
        panic("mmu_init: cannot set up the hosted VM range");
}

bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags)
{
    if (!in_vm(va, size) || pa + size > HOSTED_RAM)
        return false;
    for (size_t off = 0; off < size; off += PAGE_SIZE)
        if (slot((va + off) / PAGE_SIZE, false))
            return false;
    int prot = (flags & MMU_READ ? PROT_READ : 0) | (flags & MMU_WRITE ? PROT_WRITE : 0) |
               (flags & MMU_EXEC ? PROT_EXEC : 0);
    if (mmap((void *)va, size, prot, MAP_SHARED | MAP_FIXED, memfd, (off_t)pa) != (void *)va)
        return false;
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *k = slot((va + off) / PAGE_SIZE, true);
        if (!k)
            panic("mmu_map: hosted page table full");
        *k = (va + off) / PAGE_SIZE + 1;
        map_pa[k - map_key] = pa + off;
    }
    return true;
}

void mmu_unmap(uintptr_t va, size_t size)
{
    if (!in_vm(va, size))
        return;
    mmap((void *)va, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
         -1, 0);
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *k = slot((va + off) / PAGE_SIZE, false);
        if (k)
            *k = ~0ull;
    }
}

/* A remap is an mmap of the frame's memfd offset over the page, and each
 * system call costs more than copying the page: remaps are queued and
 * mmu_flush maps each run of pages whose frames are consecutive with one
 * call (a snapshot's frames usually are). The page table is updated at
 * once. */
#define REMAP_QUEUE 256
static struct { uintptr_t va; uint64_t pa; int prot; } remapq[REMAP_QUEUE];
static int nremapq;

static void remap_drain(void)
{
    for (int i = 0; i < nremapq;) {
        int j = i + 1;
        while (j < nremapq && remapq[j].va == remapq[j - 1].va + PAGE_SIZE &&
               remapq[j].pa == remapq[j - 1].pa + PAGE_SIZE && remapq[j].prot == remapq[i].prot)
            j++;
        size_t len = (size_t)(j - i) * PAGE_SIZE;
        if (mmap((void *)remapq[i].va, len, remapq[i].prot, MAP_SHARED | MAP_FIXED, memfd,
                 (off_t)remapq[i].pa) != (void *)remapq[i].va)
            panic("mmu_flush: cannot map %p", (void *)remapq[i].va);
        i = j;
    }
    nremapq = 0;
}

uint64_t mmu_remap(uintptr_t va, uint64_t pa, unsigned flags)
{
    uint64_t *k = in_vm(va, PAGE_SIZE) && map_key ? slot(va / PAGE_SIZE, false) : NULL;
    if (!k || pa + PAGE_SIZE > HOSTED_RAM)
        return (uint64_t)-1;
    if (nremapq == REMAP_QUEUE)
        remap_drain();
    remapq[nremapq].va = va;
    remapq[nremapq].pa = pa;
    remapq[nremapq].prot = (flags & MMU_READ ? PROT_READ : 0) | (flags & MMU_WRITE ? PROT_WRITE : 0) |
                           (flags & MMU_EXEC ? PROT_EXEC : 0);
    nremapq++;
    uint64_t old = map_pa[k - map_key];
    map_pa[k - map_key] = pa;
    return old;
}

void mmu_flush(uintptr_t va, size_t size)
{
    (void)va, (void)size;
    remap_drain();
}

/* The host is x86_64: instruction fetch is coherent with stores. */
void arch_code_sync(uintptr_t va, size_t size)
{
    (void)va, (void)size;
}

/* The physical map is one host mapping of the memfd: mprotect its page. */
bool mmu_physmap_protect(uint64_t pa, bool writable)
{
    if (pa >= HOSTED_RAM)
        return false;
    return mprotect(phys_to_virt(pa & ~(uint64_t)(PAGE_SIZE - 1)), PAGE_SIZE,
                    PROT_READ | (writable ? PROT_WRITE : 0)) == 0;
}

size_t mmu_split_frames(void)
{
    return 0;      /* host pages: no splits */
}

uint64_t mmu_translate(uintptr_t va)
{
    if (va >= KERN_PHYS_MAP && va < KERN_PHYS_MAP + HOSTED_RAM)
        return va - KERN_PHYS_MAP;
    if (!in_vm(va, 1) || !map_key)
        return (uint64_t)-1;
    uint64_t *k = slot(va / PAGE_SIZE, false);
    return k ? map_pa[k - map_key] + va % PAGE_SIZE : (uint64_t)-1;
}

/* ------------------------------------------------------------ irq, time */

void irq_init(void) {}
void irq_attach(unsigned irq, irq_handler_t fn, void *arg) { irq_set_handler(irq, fn, arg); }
void irq_mask(unsigned irq) { (void)irq; }
void irq_unmask(unsigned irq) { (void)irq; }

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The one-shot (timer_set_oneshot): a POSIX timer on the monotonic clock
 * raising the same SIGALRM as the periodic itimer. */
static timer_t oneshot_timer;
static bool oneshot_ok;
static uint64_t oneshot = UINT64_MAX;

static void on_alarm(int sig)
{
    (void)sig;
    if (mono_ns() - clock0 >= oneshot)
        oneshot = UINT64_MAX;
    timer_tick();
}

void timer_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGALRM;
    oneshot_ok = timer_create(CLOCK_MONOTONIC, &ev, &oneshot_timer) == 0;
}

void timer_set_oneshot(uint64_t at_ns)
{
    if (!oneshot_ok || at_ns >= oneshot)
        return;
    oneshot = at_ns;
    uint64_t t = clock0 + at_ns;
    struct itimerspec it = {{0, 0}, {(time_t)(t / 1000000000u), (long)(t % 1000000000u)}};
    if (!t)
        it.it_value.tv_nsec = 1;    /* zero would disarm it */
    timer_settime(oneshot_timer, TIMER_ABSTIME, &it, NULL);
}

uint64_t timer_now_ns(void)
{
    return mono_ns() - clock0;
}

void timer_set_periodic(uint64_t period_ns)
{
    struct itimerval it = {{0, 0}, {0, 0}};
    it.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
    it.it_interval.tv_usec = (suseconds_t)(period_ns % 1000000000u / 1000u);
    it.it_value = it.it_interval;
    setitimer(ITIMER_REAL, &it, NULL);
}

/* ------------------------------------------------------------ entry */

int main(int argc, char **argv)
{
    static boot_info_t bi;
    static char cmdline[512];
    clock0 = mono_ns();
    cpu_irq_disable();
    memfd = memfd_create("athanor-ram", 0);
    if (memfd < 0 || ftruncate(memfd, HOSTED_RAM) != 0 ||
        mmap((void *)KERN_PHYS_MAP, HOSTED_RAM, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_FIXED_NOREPLACE, memfd, 0) != (void *)KERN_PHYS_MAP) {
        perror("hosted: physical memory");
        return 3;
    }
    bi.mem[0] = (boot_mem_t){1u << 20, HOSTED_RAM - (1u << 20)};
    bi.nmem = 1;
    for (int i = 1; i < argc; i++) {
        strncat(cmdline, argv[i], sizeof cmdline - strlen(cmdline) - 2);
        strcat(cmdline, " ");
    }
    bi.cmdline = cmdline;
    kmain(&bi);
}
