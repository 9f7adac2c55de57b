/*
 * Helpers for the files that define "athanor" host calls (hostcall.c,
 * dev.c): private to kernel/core.
 */
#ifndef HOSTCALL_H
#define HOSTCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/domain.h>
#include <wasm/wasm.h>

/* Sets a host call's i32 result (c[0]) to v, sign-extended as Wasm reads it. */
#define RET(v) (c[0] = (uint64_t)(uint32_t)(int32_t)(v))

/* One host call. sig: parameter letters, ':' and result letters; i = i32,
 * I = i64 (at most 8 of each). */
typedef struct hostcall_def {
    const char *name, *sig;
    wasm_host_fn_t fn;
} hostcall_def_t;

/* [ptr, ptr+len) of the caller's memory, or NULL. */
uint8_t *hostcall_guest(wasm_call_ctx_t *ctx, uint64_t ptr, uint64_t len);

/* Defines defs[0..n) in l as "athanor" imports with d as their user data;
 * false when one cannot be made or defined. */
bool hostcall_define(wasm_linker_t *l, domain_t *d, const hostcall_def_t *defs, size_t n);

#endif
