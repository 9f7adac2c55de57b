/*
 * ath_printf (sdk/lib/printf.c): each conversion, widths and padding,
 * the extremes of every length, and that a line reaches the kernel as one
 * debug_print (the reason it exists: no other domain's output can land
 * inside it), a longer text in parts with nothing lost.
 */
#include "unit.h"

#include <athanor.h>
#include <limits.h>

static char got[2048];
static size_t ngot;
static int prints;

/* The host call, as the kernel would see it. */
void ath_debug_print(const char *p, int32_t len)
{
    memcpy(got + ngot, p, (size_t)len);
    ngot += (size_t)len;
    got[ngot] = 0;
    prints++;
}

static void reset(void)
{
    ngot = 0, got[0] = 0, prints = 0;
}

TEST(printf_conversions)
{
    reset();
    ath_printf("gps: device %s up\n", "serial0");
    CHECK_EQ(strcmp(got, "gps: device serial0 up\n"), 0);
    CHECK_EQ(prints, 1);
    reset();
    ath_printf("%d %i %u %x %c %% %s", -42, 7, 4000000000u, 0xbeefu, 'z', "end");
    CHECK_EQ(strcmp(got, "-42 7 4000000000 beef z % end"), 0);
    reset();
    ath_printf("%d|%d|%u|%x", INT_MIN, INT_MAX, UINT_MAX, UINT_MAX);
    CHECK_EQ(strcmp(got, "-2147483648|2147483647|4294967295|ffffffff"), 0);
    reset();
    ath_printf("%lld|%lld|%llu|%llx", (long long)LLONG_MIN, (long long)LLONG_MAX, (unsigned long long)ULLONG_MAX,
               0x123456789abcdefull);
    CHECK_EQ(strcmp(got, "-9223372036854775808|9223372036854775807|18446744073709551615|123456789abcdef"), 0);
    reset();
    ath_printf("%ld %lu", -5l, 5ul);
    CHECK_EQ(strcmp(got, "-5 5"), 0);
    reset();
    ath_printf("[%5d][%-4d][%05d][%05d][%3s][%-3s][%02u:%02u][%1d]", 42, 3, 42, -42, "ab", "ab", 7u, 30u, 123);
    CHECK_EQ(strcmp(got, "[   42][3   ][00042][-0042][ ab][ab ][07:30][123]"), 0);
    reset();
    const char *both = "[%-05d]";   /* '-' wins over '0', as in C */
    ath_printf(both, -7);
    CHECK_EQ(strcmp(got, "[-7   ]"), 0);
    reset();
    const char *bad = "%s|%q|%";    /* not a literal: the compiler would refuse it */
    ath_printf(bad, (const char *)0);
    CHECK_EQ(strcmp(got, "(null)|%q|%"), 0);
    reset();
    ath_printf("%s", "");
    CHECK_EQ(ngot, 0u);
    CHECK_EQ(prints, 0);            /* nothing to print: no host call */
}

TEST(printf_long_text_in_parts)
{
    char s[700];
    for (int i = 0; i < 699; i++)
        s[i] = (char)('a' + i % 26);
    s[699] = 0;
    reset();
    ath_printf("<%s>\n", s);
    CHECK_EQ(ngot, 702u);
    CHECK_EQ(got[0], '<');
    CHECK_EQ(memcmp(got + 1, s, 699), 0);
    CHECK_EQ(strcmp(got + 700, ">\n"), 0);
    CHECK_EQ(prints, 3);            /* 256 + 256 + 190: parts, nothing lost */
}
