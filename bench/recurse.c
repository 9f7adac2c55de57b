/* recurse: deep and wide recursion: naive Fibonacci, Ackermann(2, n) and
 * (3, n), and the Takeuchi function. Call/return heavy. */
#include <stdio.h>

/* noinline keeps clang from turning the recursion into loops. */
__attribute__((noinline)) static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static int tak(int x, int y, int z)
{
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(void)
{
    unsigned f = fib(39);
    unsigned a = ack(3, 9) + ack(2, 2000);
    int t = tak(24, 16, 8);
    printf("recurse %u %u %d\n", f, a, t);
    return 0;
}
