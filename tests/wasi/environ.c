/* environ holds exactly the --env pairs, in order. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void)
{
    int n = 0;
    for (char **e = environ; *e; e++)
        printf("env[%d]=%s\n", n++, *e);
    printf("count=%d\n", n);
    const char *foo = getenv("FOO");
    printf("FOO=%s\n", foo ? foo : "(unset)");
    printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
    return 0;
}
