/* Never ends: the runner's --fuel must stop it. */
int main(void)
{
    volatile unsigned n = 0;
    for (;;)
        n++;
}
