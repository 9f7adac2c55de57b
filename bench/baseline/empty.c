/* empty: prints one line and exits. Not a benchmark: run.sh times it to
 * show each variant's fixed cost (process start, load, compile, exit). */
#include <stdio.h>

int main(void)
{
    puts("empty");
    return 0;
}
