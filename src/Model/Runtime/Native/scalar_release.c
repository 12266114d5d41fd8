/* Delayed release of TorchSharp scalars (libs2s_torchshim.so, loaded in front of libLibTorchSharp.so).
 *
 * TorchSharp 0.107 hands a Scalar's native pointer to libtorch without keeping the managed Scalar alive for the call:
 * an implicit `x.clamp_min(1)`, or the alpha that `a.add(b)` creates internally, is garbage the moment its pointer is
 * read. A collection triggered by another thread can then finalize it (THSTorch_dispose_scalar) while libtorch still
 * reads it: c10 "toLong"/"toDouble"/"Unknown scalar type" failures, at random, under load. Here every scalar's release
 * is put off for at least DELAY seconds, far longer than any libtorch call takes to read its scalar arguments.
 * Every other symbol resolves to libLibTorchSharp.so, this library's only dependency. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define DELAY 2.0
#define MAX_PENDING (1u << 22) /* 4M scalars, 64 MiB of queue: past that the oldest is released early */

typedef void (*release_fn)(void *);
typedef struct { void *scalar; double due; } pending;

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static release_fn release_now;
static pending *ring;
static size_t capacity, head, count;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int grow(void) {
    size_t bigger = capacity ? capacity * 2 : 4096;
    pending *next = malloc(bigger * sizeof *next);
    if (!next) return 0;
    for (size_t i = 0; i < count; i++) next[i] = ring[(head + i) % capacity];
    free(ring);
    ring = next, capacity = bigger, head = 0;
    return 1;
}

void THSTorch_dispose_scalar(void *scalar) {
    double now = seconds();
    pthread_mutex_lock(&gate);
    if (!release_now) {
        void *torchsharp = dlopen("libLibTorchSharp.so", RTLD_NOW | RTLD_NOLOAD);
        release_now = torchsharp ? (release_fn)dlsym(torchsharp, "THSTorch_dispose_scalar") : NULL;
        if (!release_now) abort(); /* cannot happen: libLibTorchSharp.so is this library's dependency */
    }
    if (count == capacity && (capacity >= MAX_PENDING || !grow())) { /* full: release the oldest now */
        if (count == 0) { release_now(scalar); pthread_mutex_unlock(&gate); return; }
        release_now(ring[head].scalar);
        head = (head + 1) % capacity, count--;
    }
    ring[(head + count) % capacity] = (pending){scalar, now + DELAY};
    count++;
    while (count > 0 && ring[head].due <= now) {
        release_now(ring[head].scalar);
        head = (head + 1) % capacity, count--;
    }
    pthread_mutex_unlock(&gate);
}
