/* Runs the IPC benchmark (ipc_bench.c) on a thread with an 8 MiB stack;
 * a file of its own because <pthread.h> and <kern/sched.h> disagree. */
#include <pthread.h>

void *ipc_bench_run(void *arg);

int main(void)
{
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 8u << 20);
    if (pthread_create(&t, &a, ipc_bench_run, NULL))
        return 1;
    pthread_join(t, NULL);
    return 0;
}
