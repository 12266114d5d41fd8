/* float32 inputs times float16 weights (libs2s_kernels.so): y = x·Wᵀ + b with W kept as float16 in memory and every
 * product and sum in float32 — the numbers of a float32 linear over the same (float16-exact) weights, reading half the
 * bytes. A decoder step of a Whisper model is a handful of such products over a few rows, bound by memory bandwidth,
 * and libtorch has no mixed float16-weight/float32-input product on the CPU.
 *
 * s2s_half_linear computes output rows [n0, n1) of y (m × n) from x (m × k, float32), w (n × k, float16) and b (n,
 * float16, or NULL), all contiguous, so that callers can split n across threads. AVX2 + F16C + FMA when the CPU has
 * them, portable C otherwise.
 *
 * s2s_linear is the same product with float32 weights, for a few rows (a beam's decoder step): libtorch's GEMM packs
 * the whole weight matrix for every call, which for 8 rows costs more than the multiply-adds; this reads it once. */
#include <stddef.h>
#include <stdint.h>

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    if (exponent == 0x1f) bits = sign | 0x7f800000u | (mantissa << 13);               /* inf, nan */
    else if (exponent != 0) bits = sign | ((exponent + 112) << 23) | (mantissa << 13); /* normal */
    else if (mantissa == 0) bits = sign;                                               /* zero */
    else {                                                                             /* subnormal: normalise */
        exponent = 113;
        while (!(mantissa & 0x400)) mantissa <<= 1, exponent--;
        bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
    union { uint32_t u; float f; } v = {bits};
    return v.f;
}

static void portable(const float *x, const uint16_t *w, const uint16_t *b, float *y, int m, int n, int k, int n0, int n1) {
    for (int j = n0; j < n1; j++)
        for (int i = 0; i < m; i++) {
            float sum = 0;
            for (int t = 0; t < k; t++) sum += x[(size_t)i * k + t] * half_to_float(w[(size_t)j * k + t]);
            y[(size_t)i * n + j] = sum + (b ? half_to_float(b[j]) : 0);
        }
}

static void portable32(const float *x, const float *w, const float *b, float *y, int m, int n, int k, int n0, int n1) {
    for (int j = n0; j < n1; j++)
        for (int i = 0; i < m; i++) {
            float sum = 0;
            for (int t = 0; t < k; t++) sum += x[(size_t)i * k + t] * w[(size_t)j * k + t];
            y[(size_t)i * n + j] = sum + (b ? b[j] : 0);
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma,f16c"))) static float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

/* Four weight rows at a time (four independent FMA chains per input row); the rows stay in L1 across the m inputs. */
__attribute__((target("avx2,fma,f16c")))
static void avx2(const float *x, const uint16_t *w, const uint16_t *b, float *y, int m, int n, int k, int n0, int n1) {
    int k8 = k & ~7, j = n0;
    for (; j + 4 <= n1; j += 4) {
        const uint16_t *w0 = w + (size_t)j * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
        for (int i = 0; i < m; i++) {
            const float *xi = x + (size_t)i * k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < k8; t += 8) {
                __m256 xv = _mm256_loadu_ps(xi + t);
                a0 = _mm256_fmadd_ps(xv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w0 + t))), a0);
                a1 = _mm256_fmadd_ps(xv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w1 + t))), a1);
                a2 = _mm256_fmadd_ps(xv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w2 + t))), a2);
                a3 = _mm256_fmadd_ps(xv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w3 + t))), a3);
            }
            float s[4] = {horizontal_sum(a0), horizontal_sum(a1), horizontal_sum(a2), horizontal_sum(a3)};
            for (int t = k8; t < k; t++) {
                s[0] += xi[t] * _cvtsh_ss(w0[t]), s[1] += xi[t] * _cvtsh_ss(w1[t]);
                s[2] += xi[t] * _cvtsh_ss(w2[t]), s[3] += xi[t] * _cvtsh_ss(w3[t]);
            }
            for (int r = 0; r < 4; r++) y[(size_t)i * n + j + r] = s[r] + (b ? _cvtsh_ss(b[j + r]) : 0);
        }
    }
    if (j < n1) portable(x, w, b, y, m, n, k, j, n1);
}

/* As avx2() above, with float32 weight rows. */
__attribute__((target("avx2,fma")))
static void avx2_32(const float *x, const float *w, const float *b, float *y, int m, int n, int k, int n0, int n1) {
    int k8 = k & ~7, j = n0;
    for (; j + 4 <= n1; j += 4) {
        const float *w0 = w + (size_t)j * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
        for (int i = 0; i < m; i++) {
            const float *xi = x + (size_t)i * k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < k8; t += 8) {
                __m256 xv = _mm256_loadu_ps(xi + t);
                a0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w0 + t), a0);
                a1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w1 + t), a1);
                a2 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w2 + t), a2);
                a3 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w3 + t), a3);
            }
            float s[4] = {horizontal_sum(a0), horizontal_sum(a1), horizontal_sum(a2), horizontal_sum(a3)};
            for (int t = k8; t < k; t++) s[0] += xi[t] * w0[t], s[1] += xi[t] * w1[t], s[2] += xi[t] * w2[t], s[3] += xi[t] * w3[t];
            for (int r = 0; r < 4; r++) y[(size_t)i * n + j + r] = s[r] + (b ? b[j + r] : 0);
        }
    }
    if (j < n1) portable32(x, w, b, y, m, n, k, j, n1);
}

/* 1 when the CPU runs the vector path, 0 when the portable one. */
int s2s_half_linear_vectorised(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}
#else
int s2s_half_linear_vectorised(void) { return 0; }
#define avx2 portable
#define avx2_32 portable32
#endif

void s2s_half_linear(const float *x, const uint16_t *w, const uint16_t *b, float *y, int m, int n, int k, int n0, int n1) {
    static int vectorised = -1;
    if (vectorised < 0) vectorised = s2s_half_linear_vectorised();
    (vectorised ? avx2 : portable)(x, w, b, y, m, n, k, n0, n1);
}

void s2s_linear(const float *x, const float *w, const float *b, float *y, int m, int n, int k, int n0, int n1) {
    static int vectorised = -1;
    if (vectorised < 0) vectorised = s2s_half_linear_vectorised();
    (vectorised ? avx2_32 : portable32)(x, w, b, y, m, n, k, n0, n1);
}
