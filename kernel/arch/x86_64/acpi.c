/*
 * ACPI, as far as interrupts need it: from the RSDP (found by start.c) to
 * the RSDT or XSDT, to the MADT: the LAPIC address, the IOAPICs and their
 * GSI ranges, and the ISA interrupt source overrides.
 */
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "x86.h"

x86_madt_t x86_madt;

typedef struct __attribute__((packed)) acpi_header {
    char sig[4];
    uint32_t len;
    uint8_t rev, sum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} acpi_header_t;

/* Maps a table (first its header, then all of it) read-only in the
 * physical map and checks its checksum. NULL if it is broken. */
static const acpi_header_t *table_at(uint64_t pa)
{
    x86_map_firmware(pa, sizeof(acpi_header_t));
    const acpi_header_t *h = phys_to_virt(pa);
    if (h->len < sizeof *h || h->len > (1u << 20))
        return NULL;
    x86_map_firmware(pa, h->len);
    uint8_t sum = 0;
    for (uint32_t i = 0; i < h->len; i++)
        sum += ((const uint8_t *)h)[i];
    return sum == 0 ? h : NULL;
}

static bool sig_is(const acpi_header_t *h, const char *s)
{
    return h->sig[0] == s[0] && h->sig[1] == s[1] && h->sig[2] == s[2] && h->sig[3] == s[3];
}

static const acpi_header_t *find_table(const char *sig)
{
    const uint8_t *rsdp = phys_to_virt(x86_rsdp_phys);
    uint8_t rev = rsdp[15];
    uint64_t xsdt = 0, rsdt = 0;
    __builtin_memcpy(&rsdt, rsdp + 16, 4);
    if (rev >= 2)
        __builtin_memcpy(&xsdt, rsdp + 24, 8);
    const acpi_header_t *root = table_at(xsdt ? xsdt : rsdt);
    if (!root)
        return NULL;
    int width = xsdt ? 8 : 4;
    const uint8_t *p = (const uint8_t *)(root + 1);
    for (uint32_t off = 0; off + width <= root->len - sizeof *root; off += width) {
        uint64_t pa = 0;
        __builtin_memcpy(&pa, p + off, width);
        const acpi_header_t *h = table_at(pa);
        if (h && sig_is(h, sig))
            return h;
    }
    return NULL;
}

static void madt_entry(const uint8_t *e)
{
    x86_madt_t *m = &x86_madt;
    uint32_t v32;
    switch (e[0]) {
    case 1:   /* IOAPIC: id, reserved, address, GSI base */
        if (m->nioapic < 8) {
            x86_ioapic_t *io = &m->ioapic[m->nioapic++];
            __builtin_memcpy(&v32, e + 4, 4);
            io->phys = v32;
            __builtin_memcpy(&io->gsi_base, e + 8, 4);
        }
        break;
    case 2: { /* interrupt source override: bus, source, GSI, flags */
        uint16_t flags;
        __builtin_memcpy(&v32, e + 4, 4);
        __builtin_memcpy(&flags, e + 8, 2);
        if (e[3] < 16)
            m->isa_gsi[e[3]] = (uint8_t)v32;
        if (v32 < X86_NGSI)
            m->gsi_flags[v32] = flags | 0x8000;   /* 0x8000: "from an override" */
        break;
    }
    case 5:   /* 64-bit LAPIC address */
        __builtin_memcpy(&m->lapic_phys, e + 4, 8);
        break;
    }
}

/* Fills x86_madt. Without ACPI: the architectural defaults (LAPIC at
 * 0xfee00000, one IOAPIC at 0xfec00000 with GSIs 0..23). */
void acpi_parse(void)
{
    x86_madt_t *m = &x86_madt;
    if (m->found)
        return;
    for (int i = 0; i < 16; i++)
        m->isa_gsi[i] = (uint8_t)i;
    m->lapic_phys = 0xfee00000;
    const acpi_header_t *h = x86_rsdp_phys ? find_table("APIC") : NULL;
    if (h) {
        const uint8_t *p = (const uint8_t *)h;
        uint32_t lapic;
        __builtin_memcpy(&lapic, p + 36, 4);
        m->lapic_phys = lapic;
        for (uint32_t off = 44; off + 2 <= h->len && p[off + 1] >= 2; off += p[off + 1])
            madt_entry(p + off);
    } else
        kprintf("x86_64: no ACPI MADT, assuming the standard LAPIC/IOAPIC addresses\n");
    if (!m->nioapic)
        m->ioapic[m->nioapic++] = (x86_ioapic_t){ .phys = 0xfec00000 };
    m->found = true;
}
