/* matmul: dense double matrix multiply C = A*B (i-k-j order), repeated
 * with the result fed back. Floating point multiply-add heavy. */
#include <stdio.h>
#include <stdlib.h>

#define N      200
#define ROUNDS 120

static void mul(const double *a, const double *b, double *c)
{
    for (int i = 0; i < N * N; i++) c[i] = 0.0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i * N + k];
            for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
        }
}

int main(void)
{
    double *a = malloc(N * N * sizeof *a), *b = malloc(N * N * sizeof *b);
    double *c = malloc(N * N * sizeof *c);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i * N + j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
            b[i * N + j] = (double)((i * 5 + j * 11) % 13) / 13.0 - 0.5;
        }
    double trace = 0.0;
    for (int r = 0; r < ROUNDS; r++) {
        mul(a, b, c);
        /* Normalise so values stay in range, then use C as the next A. */
        double s = 0.0;
        for (int i = 0; i < N * N; i++) s += c[i] < 0 ? -c[i] : c[i];
        for (int i = 0; i < N * N; i++) a[i] = c[i] * (N * N / s);
        trace += c[r * 7 % N * N + r * 13 % N];
    }
    printf("matmul %.9e\n", trace);
    free(a); free(b); free(c);
    return 0;
}
