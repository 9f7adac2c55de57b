/*
 * The device registry: the devices the port's transports lead to, found
 * once at boot (dev_scan) and named by kind (blk0, rng0, ...), so the
 * manifest can grant them by name; and quiescing a device before memory
 * it could write is freed or reused (docs/devices.md).
 *
 * Transports: virtio-mmio slots from the device tree (aarch64, riscv64)
 * and virtio-pci (modern, version 1.x capabilities) on PCI bus 0 through
 * the port's configuration space (x86_64).
 */
#include <arch/devices.h>
#include <arch/mmu.h>
#include <kern/dev.h>
#include <kern/kernel.h>

#include "core.h"

static device_t devices[DEV_MAX_DEVICES];
static int ndevices;

/* virtio-mmio registers (virtio 1.2, 4.2.2). */
enum { VM_MAGIC = 0x000, VM_VERSION = 0x004, VM_DEVICE_ID = 0x008, VM_STATUS = 0x070 };
#define VIRTIO_MAGIC 0x74726976u
/* virtio-pci common configuration: device_status (4.1.4.3). */
#define VPCI_DEVICE_STATUS 20

/* Device kinds by virtio device ID (virtio 1.2, 5). */
static const char *kind_of(uint32_t id)
{
    switch (id) {
    case 1: return "net";
    case 2: return "blk";
    case 3: return "serial";
    case 4: return "rng";
    case 16: return "gpu";
    case 18: return "input";
    default: return "virtio";
    }
}

/* The kernel mapping of device pages [pa, pa+size) (uncached), made once. */
static volatile uint8_t *kmap_device(uint64_t pa, uint64_t size)
{
    for (uint64_t a = ALIGN_DOWN(pa, PAGE_SIZE); a < pa + size; a += PAGE_SIZE) {
        uintptr_t va = (uintptr_t)phys_to_virt(a);
        if (mmu_translate(va) == (uint64_t)-1 &&
            !mmu_map(va, a, PAGE_SIZE, MMU_READ | MMU_WRITE | MMU_DEVICE))
            return NULL;
    }
    return phys_to_virt(pa);
}

static uint32_t rd32(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint32_t *)(base + off);
}

static void wr32(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

/* A new entry named KIND<n> for virtio device id; NULL when full. */
static device_t *dev_add(uint32_t id)
{
    if (ndevices == DEV_MAX_DEVICES)
        return NULL;
    const char *kind = kind_of(id);
    int n = 0;
    for (int i = 0; i < ndevices; i++)
        if (devices[i].kind == kind)
            n++;
    device_t *dv = &devices[ndevices++];
    memset(dv, 0, sizeof *dv);
    dv->kind = kind;
    dv->virtio_id = id;
    size_t kl = strlen(kind);
    memcpy(dv->name, kind, kl);
    dv->name[kl] = (char)('0' + n % 10);
    if (n >= 10) {
        dv->name[kl] = (char)('0' + n / 10 % 10);
        dv->name[kl + 1] = (char)('0' + n % 10);
    }
    return dv;
}

static void scan_virtio_mmio(void)
{
    uint64_t pa, size;
    unsigned irq;
    for (int i = 0; arch_virtio_mmio_slot(i, &pa, &size, &irq); i++) {
        volatile uint8_t *r = size >= 0x100 ? kmap_device(pa, size) : NULL;
        if (!r || rd32(r, VM_MAGIC) != VIRTIO_MAGIC)
            continue;
        uint32_t id = rd32(r, VM_DEVICE_ID), version = rd32(r, VM_VERSION);
        if (id == 0)
            continue;       /* an empty slot */
        device_t *dv = dev_add(id);
        if (!dv)
            return;
        dv->transport = version == 2 ? DEV_VIRTIO_MMIO : DEV_VIRTIO_MMIO_LEGACY;
        dv->phys = pa;
        dv->size = size;
        dv->irq = irq;
        dv->regs = r;
    }
}

/* The memory BAR bar of function bdf (64-bit aware); 0 if not memory. */
static uint64_t pci_bar(uint32_t bdf, uint32_t bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = arch_pci_read32(bdf, 0x10 + 4 * bar);
    if (lo & 1)
        return 0;   /* I/O space */
    uint64_t a = lo & ~0xfu;
    if ((lo & 6) == 4 && bar < 5)
        a |= (uint64_t)arch_pci_read32(bdf, 0x14 + 4 * bar) << 32;
    return a;
}

/* A modern virtio-pci function: its vendor capabilities (4.1.4) place the
 * common, notify, isr and device configuration structures; all must sit
 * in one memory BAR, which becomes the device's register window. */
static void probe_virtio_pci(uint32_t bdf, uint32_t id)
{
    uint32_t bar = ~0u, off[5] = {0}, end = 0, mult = 0;
    bool have[5] = {false};
    if (!(arch_pci_read32(bdf, 0x04) >> 16 & 0x10))
        return;     /* no capability list */
    uint32_t p = arch_pci_read32(bdf, 0x34) & 0xfc;
    for (int guard = 0; p >= 0x40 && guard < 48; guard++) {
        uint32_t w0 = arch_pci_read32(bdf, p);
        uint32_t type = w0 >> 24 & 0xff;
        if ((w0 & 0xff) == 0x09 && type >= 1 && type <= 4) {
            uint32_t b = arch_pci_read32(bdf, p + 4) & 0xff;
            uint32_t o = arch_pci_read32(bdf, p + 8), len = arch_pci_read32(bdf, p + 12);
            if (!have[type] && (bar == ~0u || bar == b) && len && o < (1u << 20) &&
                len <= (1u << 20)) {
                bar = b;
                have[type] = true;
                off[type] = o;
                if (o + len > end)
                    end = o + len;
                if (type == 2)
                    mult = arch_pci_read32(bdf, p + 16);
            }
        }
        p = w0 >> 8 & 0xfc;
    }
    uint64_t base = bar != ~0u ? pci_bar(bdf, bar) : 0;
    if (!have[1] || !have[2] || !have[3] || !base || base % PAGE_SIZE) {
        kprintf("devices: virtio-pci %02x:%02x.%x (id %u) has no modern layout; skipped\n",
                bdf >> 8, bdf >> 3 & 31, bdf & 7, id);
        return;
    }
    device_t *dv = dev_add(id);
    if (!dv)
        return;
    dv->transport = DEV_VIRTIO_PCI;
    dv->bdf = bdf;
    dv->phys = base;
    dv->size = ALIGN_UP((uint64_t)end, PAGE_SIZE);
    dv->irq = arch_pci_irq ? arch_pci_irq(bdf, arch_pci_read32(bdf, 0x3c) >> 8 & 0xff) : 0;
    dv->common = off[1];
    dv->notify = off[2];
    dv->isr = off[3];
    dv->devcfg = have[4] ? off[4] : 0;
    dv->notify_mult = mult;
    dv->regs = kmap_device(base, dv->size);
    if (!dv->regs)
        ndevices--;
}

static void scan_pci(void)
{
    for (uint32_t slot = 0; slot < 32; slot++)
        for (uint32_t fn = 0; fn < 8; fn++) {
            uint32_t bdf = slot << 3 | fn;
            uint32_t idr = arch_pci_read32(bdf, 0);
            if ((idr & 0xffff) == 0xffff) {
                if (fn == 0)
                    break;
                continue;
            }
            uint32_t vendor = idr & 0xffff, dev = idr >> 16;
            if (vendor == 0x1af4 && dev >= 0x1000 && dev <= 0x107f)
                probe_virtio_pci(bdf, dev >= 0x1040 ? dev - 0x1040
                                                    : arch_pci_read32(bdf, 0x2c) >> 16);
            if (fn == 0 && !(arch_pci_read32(bdf, 0x0c) >> 16 & 0x80))
                break;  /* not multi-function */
        }
}

static const char *transport_name(int t)
{
    return t == DEV_VIRTIO_MMIO ? "virtio-mmio"
         : t == DEV_VIRTIO_MMIO_LEGACY ? "virtio-mmio-legacy" : "virtio-pci";
}

void dev_scan(void)
{
    ndevices = 0;
    if (arch_virtio_mmio_slot)
        scan_virtio_mmio();
    if (arch_pci_present && arch_pci_present() && arch_pci_read32)
        scan_pci();
    kprintf("athanor: devices:");
    for (int i = 0; i < ndevices; i++)
        kprintf(" %s (%s 0x%llx irq %u)", devices[i].name, transport_name(devices[i].transport),
                (unsigned long long)devices[i].phys, devices[i].irq);
    kprintf(ndevices ? "\n" : " none\n");
}

const device_t *dev_register(const device_t *dv)
{
    if (ndevices == DEV_MAX_DEVICES)
        return NULL;
    devices[ndevices] = *dv;
    return &devices[ndevices++];
}

void dev_forget_all(void)
{
    ndevices = 0;
}

const device_t *dev_find(const char *name)
{
    for (int i = 0; i < ndevices; i++)
        if (strlen(name) < sizeof devices[i].name &&
            memcmp(devices[i].name, name, strlen(name) + 1) == 0)
            return &devices[i];
    return NULL;
}

const device_t *dev_sharing_page(const device_t *dv)
{
    for (int i = 0; i < ndevices; i++) {
        const device_t *o = &devices[i];
        if (o != dv && ALIGN_DOWN(o->phys, PAGE_SIZE) < ALIGN_UP(dv->phys + dv->size, PAGE_SIZE) &&
            ALIGN_DOWN(dv->phys, PAGE_SIZE) < ALIGN_UP(o->phys + o->size, PAGE_SIZE))
            return o;
    }
    return NULL;
}

void dev_bus_master(const device_t *dv, bool on)
{
    if (dv->transport != DEV_VIRTIO_PCI || !arch_pci_write32)
        return;
    uint32_t cmd = arch_pci_read32(dv->bdf, 0x04) & 0xffff;   /* leave status alone */
    cmd = on ? cmd | 0x6 : cmd & ~0x4u;                       /* memory space, bus master */
    arch_pci_write32(dv->bdf, 0x04, cmd);
}

/* Resets the device (virtio: status 0, waited for) and, on PCI, turns bus
 * mastering off: from then on it reads and writes no memory. */
void dev_quiesce(const device_t *dv)
{
    if (!dv->regs)
        return;
    if (dv->transport == DEV_VIRTIO_PCI) {
        volatile uint8_t *st = dv->regs + dv->common + VPCI_DEVICE_STATUS;
        *st = 0;
        for (int i = 0; i < 100000 && *st; i++)
            ;
        dev_bus_master(dv, false);
    } else {
        wr32(dv->regs, VM_STATUS, 0);
        for (int i = 0; i < 100000 && rd32(dv->regs, VM_STATUS); i++)
            ;
    }
}

int dev_info_fill(const device_t *dv, uint32_t *out, int n)
{
    uint32_t v[DEV_INFO_WORDS] = {
        (uint32_t)dv->transport, dv->virtio_id, dv->irq, (uint32_t)dv->size,
        dv->common, dv->notify, dv->isr, dv->devcfg, dv->notify_mult,
        (uint32_t)(dv->phys % PAGE_SIZE),
    };
    int k = n < DEV_INFO_WORDS ? n : DEV_INFO_WORDS;
    memcpy(out, v, (size_t)k * 4);
    return k;
}
