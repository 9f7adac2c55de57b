/* Reads stdin to the end: counts bytes and lines, echoes upper-cased. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    int ch;
    long bytes = 0, lines = 0;
    while ((ch = getchar()) != EOF) {
        bytes++;
        if (ch == '\n')
            lines++;
        putchar(toupper(ch));
    }
    printf("bytes=%ld lines=%ld\n", bytes, lines);
    return 0;
}
