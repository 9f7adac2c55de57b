/* Throwaway kmain for bringing the port up before kernel/core's main.c
 * lands. Built only by standalone.sh (defines A64_STANDALONE). */
#ifdef A64_STANDALONE
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/boot.h>
#include <kern/kernel.h>
#include <kern/trap.h>

uint64_t timer_ticks(void);
void trap_backtrace(uintptr_t fp);

static volatile float fsink;

static int recurse(volatile char *p)
{
    volatile char buf[512];
    buf[0] = p ? p[0] + 1 : 0;
    return buf[2] == 7 ? 0 : recurse(buf) + buf[1];
}


void kmain(boot_info_t *bi)
{
    kprintf("hello from aarch64: %d ranges, mem %llx+%llx, kernel %llx-%llx dtb %llx cmdline '%s'\n",
            bi->nmem, (unsigned long long)bi->mem[0].base, (unsigned long long)bi->mem[0].len,
            (unsigned long long)bi->kernel_phys_start, (unsigned long long)bi->kernel_phys_end,
            (unsigned long long)bi->dtb_phys, bi->cmdline);
    cpu_init();
    pmm_init(bi);
    kprintf("pmm: %zu free of %zu\n", pmm_free_count(), pmm_total_count());
    mmu_init();
    kprintf("mmu on: translate(kmain)=%llx\n", (unsigned long long)mmu_translate((uintptr_t)kmain));
    uint64_t pa = pmm_alloc();
    uintptr_t va = KERN_VM_BASE + 0x12345000;
    if (!mmu_map(va, pa, PAGE_SIZE, MMU_READ | MMU_WRITE)) panic("map");
    *(volatile uint64_t *)va = 42;
    kprintf("map ok: %llx -> %llx = %llu\n", (unsigned long long)va,
            (unsigned long long)mmu_translate(va), (unsigned long long)*(uint64_t *)phys_to_virt(pa));
    mmu_unmap(va, PAGE_SIZE);
    kprintf("after unmap translate=%llx\n", (unsigned long long)mmu_translate(va));
    trap_expect(TRAP_BREAKPOINT, 0);
    arch_fault_selftest_breakpoint();
    kprintf("breakpoint seen=%d\n", trap_seen);
    trap_expect(TRAP_PAGE_FAULT, (uintptr_t)&&resumed);
    *(volatile uint64_t *)va = 1;
    kprintf("not reached\n");
resumed:
    kprintf("page fault seen=%d\n", trap_seen);
    /* W^X: writing to text must fault */
    trap_expect(TRAP_PAGE_FAULT, (uintptr_t)&&resumed2);
    *(volatile uint32_t *)(uintptr_t)kmain = 0;
resumed2:
    kprintf("text write fault seen=%d\n", trap_seen);
    irq_init();
    timer_init();
    timer_set_periodic(10 * 1000 * 1000);
    cpu_irq_enable();
    uint64_t t0 = timer_now_ns();
    while (timer_ticks() < 5) {
        fsink = fsink * 1.5f + 1.0f;
        cpu_idle();
    }
    kprintf("5 ticks in %llu us, now %llu ms since entry\n",
            (unsigned long long)(timer_now_ns() - t0) / 1000, (unsigned long long)timer_now_ns() / 1000000);
    timer_set_periodic(0);
    trap_backtrace(0);
    if (bi->cmdline[0] == 's')
        recurse(0);
    if (bi->cmdline[0] == 'o')
        *(volatile int *)8 = 0;   /* a NULL deref: must panic cleanly */
    arch_poweroff(0);
}
#endif
