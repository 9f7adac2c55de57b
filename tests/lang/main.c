/* Runs lang_check (lang_check.c) on a thread with an 8 MiB stack; a file
 * of its own because <pthread.h> and <kern/sched.h> disagree. */
#include <pthread.h>

void *lang_check_run(void *arg);

int main(int argc, char **argv)
{
    pthread_t t;
    pthread_attr_t a;
    void *r = (void *)1;
    if (argc != 2)
        return 2;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 8u << 20);
    if (pthread_create(&t, &a, lang_check_run, argv[1]))
        return 1;
    pthread_join(t, &r);
    return r != 0;
}
