/*
 * A tiny unit-test harness. Each test file defines tests with TEST(name);
 * they register themselves before main() runs (tests/unit/main.c), so adding
 * a file to tests/unit/ is all it takes. CHECK stops the current test on the
 * first failed assertion and reports file:line and the expression.
 */
#ifndef AZOTH_UNIT_H
#define AZOTH_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*unit_fn_t)(void);
void unit_register(const char *name, unit_fn_t fn);
void unit_fail(const char *file, int line, const char *what);

#define TEST(name)                                                                  \
    static void name(void);                                                         \
    __attribute__((constructor)) static void unit_reg_##name(void)                  \
    {                                                                               \
        unit_register(#name, name);                                                 \
    }                                                                               \
    static void name(void)

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            unit_fail(__FILE__, __LINE__, #cond);                                   \
            return;                                                                 \
        }                                                                           \
    } while (0)

#define CHECK_EQ(a, b)                                                              \
    do {                                                                            \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);               \
        if (unit_a_ != unit_b_) {                                                   \
            char unit_m_[256];                                                      \
            snprintf(unit_m_, sizeof unit_m_, "%s == %s (%lld != %lld)", #a, #b,    \
                     unit_a_, unit_b_);                                             \
            unit_fail(__FILE__, __LINE__, unit_m_);                                 \
            return;                                                                 \
        }                                                                           \
    } while (0)

#endif
