/*
 * The physical frame allocator: one bit per 4 KiB frame (1 = free) over
 * the span from the lowest to the highest usable address the firmware
 * reported, minus the kernel image, the boot-reserved range, frame 0
 * (0 means "no frame") and the frames holding the bitmap itself. The
 * bitmap is sized for the machine at boot and placed in the first usable
 * frames that fit it, reached through the physical map (the early tables
 * of every port map the RAM the boot information lists), so the kernel
 * image carries no bitmap for memory it does not have: a static one for
 * a 4 GiB span was 128 KiB of the kernel's bss.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "core.h"

#define FRAME 4096ull

static uint64_t *bitmap;
static uint64_t bm_lo, bm_hi;   /* the physical range holding it */
static uint64_t span_base;      /* physical address of frame 0 of the bitmap */
static size_t nframes;          /* frames covered by the bitmap */
static size_t nfree, ntotal;
static size_t npromised;        /* of the free ones, promised (pmm_promise) */
static size_t hint;             /* word index where the next search starts */
static size_t boot_given;       /* bytes of the image pmm_give_boot gave */

static bool frame_free(size_t i) { return bitmap[i / 64] >> (i % 64) & 1; }
static void mark_free(size_t i) { bitmap[i / 64] |= 1ull << (i % 64); }
static void mark_used(size_t i) { bitmap[i / 64] &= ~(1ull << (i % 64)); }

static bool overlaps(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
    return a < hi && lo < b;
}

/* Adds the whole frames of [base, base+len) except those the kernel
 * image or the reserved range touch. */
static void add_range(const boot_info_t *bi, uint64_t base, uint64_t len)
{
    uint64_t lo = ALIGN_UP(base, FRAME), hi = ALIGN_DOWN(base + len, FRAME);
    for (uint64_t pa = lo; pa < hi; pa += FRAME) {
        if (pa == 0 || pa < span_base)
            continue;
        if (overlaps(pa, pa + FRAME, bi->kernel_phys_start, bi->kernel_phys_end) ||
            overlaps(pa, pa + FRAME, bi->reserved_start, bi->reserved_end) ||
            overlaps(pa, pa + FRAME, bm_lo, bm_hi))
            continue;
        size_t i = (size_t)((pa - span_base) / FRAME);
        if (!frame_free(i)) {
            mark_free(i);
            nfree++;
            ntotal++;
        }
        if (i + 1 > nframes)
            nframes = i + 1;
    }
}

/* Whether [pa, pa + len) lies in one usable range, clear of frame 0, the
 * kernel image and the reserved range. */
static bool bitmap_fits(const boot_info_t *bi, uint64_t pa, uint64_t len)
{
    if (pa == 0 || overlaps(pa, pa + len, bi->kernel_phys_start, bi->kernel_phys_end) ||
        overlaps(pa, pa + len, bi->reserved_start, bi->reserved_end))
        return false;
    for (int i = 0; i < bi->nmem; i++)
        if (pa >= bi->mem[i].base && pa + len <= bi->mem[i].base + bi->mem[i].len)
            return true;
    return false;
}

void pmm_init(const void *boot_info)
{
    const boot_info_t *bi = boot_info;
    uint64_t lowest = ~0ull, highest = 0;
    for (int i = 0; i < bi->nmem; i++)
        if (bi->mem[i].len) {
            if (bi->mem[i].base < lowest)
                lowest = bi->mem[i].base;
            if (bi->mem[i].base + bi->mem[i].len > highest)
                highest = bi->mem[i].base + bi->mem[i].len;
        }
    if (lowest == ~0ull)
        panic("pmm_init: the boot memory map is empty");
    span_base = ALIGN_DOWN(lowest, FRAME);
    size_t span = (size_t)((ALIGN_UP(highest, FRAME) - span_base) / FRAME);
    uint64_t bytes = ALIGN_UP(((uint64_t)span + 63) / 64 * 8, FRAME);
    /* The lowest place that fits: a range's start, or just past the
     * kernel image or the reserved range. */
    uint64_t at = ~0ull;
    for (int i = 0; i < bi->nmem; i++) {
        uint64_t c[3] = {ALIGN_UP(bi->mem[i].base, FRAME), ALIGN_UP(bi->kernel_phys_end, FRAME),
                         ALIGN_UP(bi->reserved_end, FRAME)};
        for (int k = 0; k < 3; k++) {
            if (c[k] == 0)
                c[k] = FRAME;
            if (c[k] < at && bitmap_fits(bi, c[k], bytes))
                at = c[k];
        }
    }
    if (at == ~0ull)
        panic("pmm_init: no room for the frame bitmap (%llu bytes)", (unsigned long long)bytes);
    bm_lo = at, bm_hi = at + bytes;
    bitmap = phys_to_virt(at);
    memset(bitmap, 0, bytes);
    for (int i = 0; i < bi->nmem; i++)
        add_range(bi, bi->mem[i].base, bi->mem[i].len);
    if (ntotal == 0)
        panic("pmm_init: no usable frames");
    kprintf("pmm: %zu frames free (%zu KiB) from %d ranges, bitmap %llu KiB\n", nfree, nfree * 4,
            bi->nmem, (unsigned long long)(bytes >> 10));
}

static uint64_t frame_pa(size_t i)
{
    return span_base + (uint64_t)i * FRAME;
}

/* Takes a free frame; promised: it is one of a promise, else one that no
 * promise holds. Interrupts off. */
static uint64_t take(bool promised)
{
    if (promised ? npromised == 0 : nfree <= npromised)
        return 0;
    size_t words = (nframes + 63) / 64;
    for (size_t k = 0; k < words; k++) {
        size_t w = (hint + k) % words;
        if (bitmap[w]) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(bitmap[w]);
            mark_used(i);
            nfree--;
            npromised -= promised;
            hint = w;
            return frame_pa(i);
        }
    }
    return 0;
}

uint64_t pmm_alloc(void)
{
    bool was = cpu_irq_save();
    uint64_t pa = take(false);
    cpu_irq_restore(was);
    if (pa)
        memset(phys_to_virt(pa), 0, FRAME);
    return pa;
}

uint64_t pmm_alloc_promised(void)
{
    bool was = cpu_irq_save();
    uint64_t pa = take(true);
    cpu_irq_restore(was);
    if (!pa)
        panic("pmm_alloc_promised: no promise to take a frame from");
    memset(phys_to_virt(pa), 0, FRAME);
    return pa;
}

bool pmm_promise(size_t n)
{
    bool was = cpu_irq_save();
    bool ok = nfree >= npromised + n;
    if (ok)
        npromised += n;
    cpu_irq_restore(was);
    return ok;
}

void pmm_unpromise(size_t n)
{
    bool was = cpu_irq_save();
    if (n > npromised)
        panic("pmm_unpromise: %zu frames, %zu promised", n, npromised);
    npromised -= n;
    cpu_irq_restore(was);
}

size_t pmm_promised_count(void)
{
    return npromised;
}

uint64_t pmm_alloc_contig(size_t n)
{
    if (n == 0)
        return 0;
    bool was = cpu_irq_save();
    size_t run = 0;
    for (size_t i = 0; nfree >= npromised + n && i < nframes; i++) {
        run = frame_free(i) ? run + 1 : 0;
        if (run == n) {
            size_t first = i + 1 - n;
            for (size_t j = first; j <= i; j++)
                mark_used(j);
            nfree -= n;
            cpu_irq_restore(was);
            memset(phys_to_virt(frame_pa(first)), 0, n * FRAME);
            return frame_pa(first);
        }
    }
    cpu_irq_restore(was);
    return 0;
}

void pmm_free_irqoff(uint64_t pa)
{
    if (pa % FRAME || pa < span_base || pa - span_base >= (uint64_t)nframes * FRAME)
        panic("pmm_free: %llx is not a frame we manage", (unsigned long long)pa);
    size_t i = (size_t)((pa - span_base) / FRAME);
    if (frame_free(i))
        panic("pmm_free: double free of %llx", (unsigned long long)pa);
    mark_free(i);
    nfree++;
}

void pmm_free(uint64_t pa)
{
    bool was = cpu_irq_save();
    pmm_free_irqoff(pa);
    cpu_irq_restore(was);
}

size_t pmm_free_count(void)
{
    return nfree;
}

size_t pmm_total_count(void)
{
    return ntotal;
}

size_t pmm_give_boot(uint64_t pa, size_t len)
{
    size_t given = 0;
    bool was = cpu_irq_save();
    for (uint64_t a = ALIGN_UP(pa, FRAME); a + FRAME <= pa + len; a += FRAME) {
        if (a < span_base || a - span_base >= (uint64_t)nframes * FRAME)
            continue;
        size_t i = (size_t)((a - span_base) / FRAME);
        if (frame_free(i))
            panic("pmm_give_boot: %llx is free already", (unsigned long long)a);
        mark_free(i);           /* a frame of the image, free from now on */
        nfree++;
        ntotal++;
        given += FRAME;
    }
    boot_given += given;
    cpu_irq_restore(was);
    return given;
}

size_t pmm_boot_given(void)
{
    return boot_given;
}

size_t pmm_bitmap_free(void)
{
    bool was = cpu_irq_save();
    size_t n = 0;
    for (size_t w = 0; w < (nframes + 63) / 64; w++)
        n += (size_t)__builtin_popcountll(bitmap[w]);
    cpu_irq_restore(was);
    return n;
}
