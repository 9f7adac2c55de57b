;; The `athanor` host calls as WAT imports (docs/hostcalls.md, docs/sdk-wat.md).
;; Copy the lines a module uses into it; the kernel links by module and
;; field name and checks each signature, so a wrong type fails at load
;; ("skipped: link"). i32 pointers are offsets into memory 0; a negative
;; result is an error code; timeouts are i64 ns (0: no wait, -1: forever).
;; This file is a module of imports only, built by the tests so that it
;; cannot drift from the kernel (tests/groups/65-lang.sh).
(module
  ;; -- console, clock, arguments
  (import "athanor" "debug_print"  (func $debug_print  (param i32 i32)))               ;; ptr len
  (import "athanor" "arch"         (func $arch         (param i32 i32) (result i32)))  ;; ptr cap -> len
  (import "athanor" "args"         (func $args         (param i32 i32) (result i32)))  ;; ptr cap -> len
  (import "athanor" "uptime_ns"    (func $uptime_ns    (result i64)))
  (import "athanor" "heartbeat"    (func $heartbeat    (result i32)))
  ;; -- capabilities
  (import "athanor" "cap_find"     (func $cap_find     (param i32 i32) (result i32)))  ;; name len -> handle
  (import "athanor" "cap_info"     (func $cap_info     (param i32) (result i64)))      ;; h -> type<<32|rights
  (import "athanor" "cap_dup"      (func $cap_dup      (param i32 i32) (result i32)))  ;; h rights -> h
  (import "athanor" "cap_lease"    (func $cap_lease    (param i32 i32 i64) (result i32)))
  (import "athanor" "cap_drop"     (func $cap_drop     (param i32) (result i32)))
  (import "athanor" "cap_revoke"   (func $cap_revoke   (param i32) (result i32)))
  ;; -- calls: handlers are exports (param i64 i64 i64 i64) (result i64)
  (import "athanor" "call"         (func $call         (param i32 i64 i64 i64 i64 i32) (result i32)))
  (import "athanor" "call_timeout" (func $call_timeout (param i32 i64 i64 i64 i64 i32 i64) (result i32)))
  (import "athanor" "call_lend"    (func $call_lend    (param i32 i32 i32 i64 i64 i64 i32) (result i32)))
  (import "athanor" "call_badge"   (func $call_badge   (result i64)))  ;; in a handler: the badge the call came through (0: none)
  ;; -- channels
  (import "athanor" "send"         (func $send         (param i32 i32 i32 i32) (result i32)))  ;; ch ptr len cap
  (import "athanor" "recv"         (func $recv         (param i32 i32 i32 i32 i64) (result i32)))  ;; ch ptr cap hptr timeout
  (import "athanor" "notify"       (func $notify       (param i32) (result i32)))
  (import "athanor" "wait"         (func $wait         (param i32 i64) (result i64)))
  ;; -- buffers
  (import "athanor" "buf_new"      (func $buf_new      (param i32) (result i32)))      ;; pages -> h
  (import "athanor" "buf_map"      (func $buf_map      (param i32 i32) (result i32)))  ;; h offset
  (import "athanor" "buf_unmap"    (func $buf_unmap    (param i32) (result i32)))
  ;; -- supervision (a domain control capability)
  (import "athanor" "dom_info"     (func $dom_info     (param i32 i32 i32 i32) (result i32)))
  (import "athanor" "dom_kill"     (func $dom_kill     (param i32) (result i32)))
  (import "athanor" "dom_restart"  (func $dom_restart  (param i32) (result i32)))
  (import "athanor" "dom_reset"    (func $dom_reset    (param i32) (result i64)))
  ;; -- devices (docs/drivers.md, docs/devices.md)
  (import "athanor" "irq_wait"     (func $irq_wait     (param i32 i64) (result i32)))
  (import "athanor" "irq_ack"      (func $irq_ack      (param i32) (result i32)))
  (import "athanor" "mmio_map"     (func $mmio_map     (param i32 i32) (result i32)))  ;; h offset -> regs offset in page
  (import "athanor" "mmio_unmap"   (func $mmio_unmap   (param i32) (result i32)))
  (import "athanor" "io_in"        (func $io_in        (param i32 i32 i32) (result i64)))  ;; h off size
  (import "athanor" "io_out"       (func $io_out       (param i32 i32 i32 i32) (result i32)))
  (import "athanor" "dev_info"     (func $dev_info     (param i32 i32 i32) (result i32)))  ;; mmio ptr len -> words
  (import "athanor" "dma_map"      (func $dma_map      (param i32 i32) (result i32)))  ;; dma offset
  (import "athanor" "dma_unmap"    (func $dma_unmap    (param i32) (result i32)))
  (import "athanor" "dma_addr"     (func $dma_addr     (param i32 i32) (result i64)))  ;; dma page -> bus address
  (import "athanor" "buf_dma"      (func $buf_dma      (param i32 i32 i32 i32) (result i64)))  ;; buf dma page dev_writes -> bus address (pinned)
  (import "athanor" "buf_undma"    (func $buf_undma    (param i32) (result i32)))  ;; the device is done with buf's pages
  (import "athanor" "console_attach" (func $console_attach (param i32) (result i32)))
  (import "athanor" "console_read"   (func $console_read   (param i32 i32) (result i32)))
  (import "athanor" "console_input"  (func $console_input  (param i32 i32) (result i32)))
  ;; the shell's system calls (need the system capability; docs/shell.md) and console output
  (import "athanor" "console_write" (func $console_write (param i32 i32 i32) (result i32)))
  (import "athanor" "sys_dom" (func $sys_dom (param i32 i32 i32 i32) (result i32)))
  (import "athanor" "sys_cap" (func $sys_cap (param i32 i32 i32 i32 i32) (result i32)))
  (import "athanor" "sys_log" (func $sys_log (param i32 i32 i32) (result i32)))
  (import "athanor" "sys_stat" (func $sys_stat (param i32 i32) (result i64)))
  (import "athanor" "sys_domain" (func $sys_domain (param i32 i32 i32) (result i32)))
  (import "athanor" "sys_power" (func $sys_power (param i32 i32) (result i32)))
  (import "athanor" "sys_ready" (func $sys_ready (param i32) (result i32)))
  (import "athanor" "sys_run" (func $sys_run (param i32 i32 i32 i32 i32) (result i32)))
  (import "athanor" "sys_wait" (func $sys_wait (param i32 i32 i64) (result i64)))
  (import "athanor" "sys_wasi" (func $sys_wasi (param i32 i32 i32 i32 i32) (result i32)))
  (import "athanor" "sys_stdin" (func $sys_stdin (param i32 i32) (result i32)))
  (import "athanor" "sys_cmd" (func $sys_cmd (param i32 i32 i32) (result i32)))
  (import "athanor" "sys_halt" (func $sys_halt (param i32 i32) (result i32)))
  ;; -- test kernels only (make KTEST=1): not linked by the product kernel
  (import "athanor" "ktest_badge"  (func $ktest_badge  (param i32 i64) (result i32)))  ;; ep badge -> badged copy (ARG badgetest)
  (memory (export "memory") 1)
)
