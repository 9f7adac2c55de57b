/*
 * The kernel heap: kmalloc/krealloc/kfree.
 *
 * Small requests (up to 1024 bytes) come from size classes of 16..1024
 * bytes. Each class carves objects out of whole pages; a page starts with
 * a 16-byte header naming its class, so kfree finds the class by rounding
 * the pointer down to its page. Class pages come from an arena reserved
 * once and committed page by page; they are never returned (the free
 * objects are reused).
 *
 * Larger requests get their own reservation with an unmapped guard page
 * below, a 16-byte header at the start of the first page, and are fully
 * unmapped on kfree (so a use after free faults).
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "core.h"

#define HDR 16
#define HEAP_MAGIC_SMALL 0x534d414cu   /* "SMAL" */
#define HEAP_MAGIC_LARGE 0x4c415247u   /* "LARG" */
#define NCLASS 7                        /* 16 << 0 .. 16 << 6 = 1024 */
#define SMALL_MAX (16u << (NCLASS - 1))
#define ARENA_SIZE (256ul << 20)

typedef struct page_hdr {
    uint32_t magic;
    uint32_t cls;       /* small: class index */
    uint64_t size;      /* large: bytes usable; small: class size */
} page_hdr_t;

typedef struct free_obj {
    struct free_obj *next;
} free_obj_t;

static free_obj_t *freelist[NCLASS];
static uint8_t *arena, *arena_next, *arena_end;
static size_t small_pages, large_bytes;

void heap_init(void)
{
    arena = vm_reserve(ARENA_SIZE, PAGE_SIZE);
    if (!arena)
        panic("heap_init: cannot reserve the heap arena");
    arena_next = arena;
    arena_end = arena + ARENA_SIZE;
}

static int class_of(size_t size)
{
    int c = 0;
    while ((16u << c) < size)
        c++;
    return c;
}

/* Adds one page of objects of class c to its free list. */
static bool class_grow(int c)
{
    if (arena_next == arena_end)
        return false;
    if (!vm_commit(arena_next, PAGE_SIZE, MMU_READ | MMU_WRITE))
        return false;
    page_hdr_t *h = (page_hdr_t *)arena_next;
    arena_next += PAGE_SIZE;
    small_pages++;
    size_t sz = 16u << c;
    h->magic = HEAP_MAGIC_SMALL;
    h->cls = (uint32_t)c;
    h->size = sz;
    for (uint8_t *o = (uint8_t *)h + HDR; o + sz <= (uint8_t *)h + PAGE_SIZE; o += sz) {
        free_obj_t *f = (free_obj_t *)o;
        f->next = freelist[c];
        freelist[c] = f;
    }
    return true;
}

static void *small_alloc(size_t size)
{
    int c = class_of(size);
    bool was = cpu_irq_save();
    if (!freelist[c] && !class_grow(c)) {
        cpu_irq_restore(was);
        return NULL;
    }
    free_obj_t *f = freelist[c];
    freelist[c] = f->next;
    cpu_irq_restore(was);
    memset(f, 0, 16u << c);
    return f;
}

static void *large_alloc(size_t size)
{
    size_t total = ALIGN_UP(size + HDR, PAGE_SIZE);
    if (total < size)
        return NULL;
    uint8_t *base = vm_reserve(total, PAGE_SIZE);
    if (!base)
        return NULL;
    if (!vm_commit(base, total, MMU_READ | MMU_WRITE)) {
        vm_release(base, total);
        return NULL;
    }
    page_hdr_t *h = (page_hdr_t *)base;
    h->magic = HEAP_MAGIC_LARGE;
    h->size = total - HDR;
    large_bytes += total;
    return base + HDR;
}

static page_hdr_t *hdr_of(void *p)
{
    page_hdr_t *h = (page_hdr_t *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
    if (h->magic == HEAP_MAGIC_SMALL) {
        if (((uintptr_t)p - (uintptr_t)h - HDR) % h->size != 0)
            panic("kfree: %p is not the start of a heap object", p);
    } else if (h->magic != HEAP_MAGIC_LARGE || (uint8_t *)p != (uint8_t *)h + HDR) {
        panic("kfree: %p is not a heap pointer", p);
    }
    return h;
}

static size_t nlive;     /* objects allocated and not freed */

void *kmalloc(size_t size)
{
    if (size == 0)
        size = 1;
    void *p = size <= SMALL_MAX ? small_alloc(size) : large_alloc(size);
    if (p)
        __atomic_add_fetch(&nlive, 1, __ATOMIC_RELAXED);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    __atomic_sub_fetch(&nlive, 1, __ATOMIC_RELAXED);
    page_hdr_t *h = hdr_of(p);
    if (h->magic == HEAP_MAGIC_LARGE) {
        size_t total = h->size + HDR;
        large_bytes -= total;
        vm_release(h, total);
        return;
    }
    free_obj_t *f = p;
    bool was = cpu_irq_save();
    f->next = freelist[h->cls];
    freelist[h->cls] = f;
    cpu_irq_restore(was);
}

void *krealloc(void *p, size_t size)
{
    if (!p)
        return kmalloc(size);
    if (size == 0) {
        kfree(p);
        return NULL;
    }
    page_hdr_t *h = hdr_of(p);
    size_t cap = h->size;
    if (h->magic == HEAP_MAGIC_LARGE && size > SMALL_MAX && size <= cap) {
        /* Shrinks in place: the pages past the new end go back (kfree
         * releases the whole reservation, whatever is still mapped). */
        size_t total = cap + HDR, keep = ALIGN_UP(size + HDR, PAGE_SIZE);
        if (keep < total) {
            vm_decommit((uint8_t *)h + keep, total - keep);
            h->size = keep - HDR;
            bool was = cpu_irq_save();
            large_bytes -= total - keep;
            cpu_irq_restore(was);
        }
        return p;
    }
    if (size <= cap && (cap <= 16 || size > cap / 2))
        return p;         /* fits, and shrinking would not save much */
    void *q = kmalloc(size);
    if (!q)
        return NULL;
    memcpy(q, p, size < cap ? size : cap);
    kfree(p);
    return q;
}

/* Bytes the heap holds from the page allocator (for the boot report). */
size_t heap_bytes(void)
{
    return small_pages * PAGE_SIZE + large_bytes;
}

/* Objects allocated and not freed yet (leak checks compare two counts). */
size_t heap_objects(void)
{
    return nlive;
}
