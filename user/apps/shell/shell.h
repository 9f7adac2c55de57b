/* What the shell's files share (user/apps/shell): output, the file
 * commands (files.c, through the file service's fs.root) and the sensor
 * commands (sensors.c). */
#ifndef SHELL_H
#define SHELL_H

#include <athanor.h>
#include <stdbool.h>

void putn(const char *s, int32_t n);
void puts_(const char *s);
void putu(uint64_t v);
void flush(void);

/* The file commands: argc/argv as the shell split them. */
void c_ls(int argc, char **argv);
void c_cat(int argc, char **argv);
void c_cp(int argc, char **argv);
void c_mv(int argc, char **argv);
void c_rm(int argc, char **argv);
void c_mkdir(int argc, char **argv);
void c_rmdir(int argc, char **argv);
void c_sync(int argc, char **argv);
void c_cd(int argc, char **argv);
/* p from the working directory, folded (see files.c): false if too long. */
bool fs_abs(const char *p, char *out, int32_t cap);
void c_pwd(int argc, char **argv);
/* The names matching word's last component (* and ?; word's directory
 * part as typed, before each), sorted, at most max, their text in out
 * (cap bytes), pointers in v; 0 when word has no wildcard or nothing
 * matches (the word then stays as typed). */
int fs_glob(const char *word, char *out, int32_t cap, char **v, int max);
/* echo's "> FILE" / ">> FILE": writes n bytes of text. */
void fs_echo_to(const char *path, const char *text, int32_t n, bool append);
/* Names in the directory of the path prefix word (wl bytes) that complete
 * it: at most max, each into names[i] (cap bytes, NUL-terminated; a
 * directory gets a '/'); the count. *base: where the last component
 * starts in word. */
int fs_complete(const char *word, int32_t wl, char (*names)[64], int max, int32_t *base);
/* Everything written reaches the disk (before a power-off). */
void fs_sync_quiet(void);

/* The sensor commands (sensors.c, docs/privacy.md). */
void c_leases(int argc, char **argv);
void c_revoke(int argc, char **argv);
/* Answers the sensor broker if it is asking (a program wants a sensor):
 * the prompt, one line typed; returns at once when nobody asks. */
void sensor_prompt(void);

#endif
