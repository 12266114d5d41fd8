/* opuspack: compact speech shards for carrying training audio to a GPU machine (tools/gpu/README.md).
 *   opuspack encode KBPS < audio.s16le > shard.opk   16 kHz mono s16le in, 20 ms Opus (VOIP, VBR) packets out
 *   opuspack decode      < shard.opk  > audio.s16le  the same number of samples back, encoder delay removed
 *     (measured: within 3 samples, 0.2 ms, of the input; the last frame's padding follows, the reader trims it)
 * Format: "S2SOPK1\0", u32 lookahead, then per frame u16 length + packet; a u16 0 then u64 sample count ends it.
 * Built static (the gcc line in tools/gpu/README.md) so it runs on a bare machine. */
#include <opus/opus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RATE = 16000, FRAME = 320, MAXPACKET = 4000 };

static void die(const char *what) { fprintf(stderr, "opuspack: %s\n", what); exit(1); }

static int encode(int kbps) {
    int err;
    OpusEncoder *enc = opus_encoder_create(RATE, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK) die("cannot create encoder");
    opus_encoder_ctl(enc, OPUS_SET_BITRATE(kbps * 1000));
    opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(10));
    opus_int32 lookahead;
    opus_encoder_ctl(enc, OPUS_GET_LOOKAHEAD(&lookahead));
    uint32_t la = (uint32_t)lookahead;
    fwrite("S2SOPK1\0", 1, 8, stdout);
    fwrite(&la, 4, 1, stdout);
    int16_t pcm[FRAME];
    unsigned char packet[MAXPACKET];
    uint64_t total = 0;
    size_t got;
    uint64_t tail = la; /* zeros fed after the audio so the decoder can emit its last samples */
    for (;;) {
        got = fread(pcm, 2, FRAME, stdin);
        total += got;
        if (got < FRAME) {
            size_t fill = FRAME - got < tail ? FRAME - got : tail;
            memset(pcm + got, 0, (FRAME - got) * 2);
            tail -= fill;
            if (got == 0 && fill == 0) break;
        }
        opus_int32 n = opus_encode(enc, pcm, FRAME, packet, MAXPACKET);
        if (n < 0) die("encode failed");
        uint16_t len = (uint16_t)n;
        fwrite(&len, 2, 1, stdout);
        fwrite(packet, 1, n, stdout);
        if (got < FRAME && tail == 0) break;
    }
    uint16_t end = 0;
    fwrite(&end, 2, 1, stdout);
    fwrite(&total, 8, 1, stdout);
    opus_encoder_destroy(enc);
    return ferror(stdout) ? 1 : 0;
}

static int decode(void) {
    char magic[8];
    uint32_t la;
    if (fread(magic, 1, 8, stdin) != 8 || memcmp(magic, "S2SOPK1\0", 8) != 0) die("not an opuspack shard");
    if (fread(&la, 4, 1, stdin) != 1) die("truncated header");
    int err;
    OpusDecoder *dec = opus_decoder_create(RATE, 1, &err);
    if (err != OPUS_OK) die("cannot create decoder");
    unsigned char packet[MAXPACKET];
    int16_t pcm[FRAME];
    uint64_t skip = la, written = 0, total;
    for (;;) {
        uint16_t len;
        if (fread(&len, 2, 1, stdin) != 1) die("truncated shard");
        if (len == 0) break;
        if (len > MAXPACKET || fread(packet, 1, len, stdin) != len) die("truncated or corrupt packet");
        int n = opus_decode(dec, packet, len, pcm, FRAME, 0);
        if (n < 0) die("decode failed");
        int from = skip >= (uint64_t)n ? n : (int)skip;
        skip -= from;
        fwrite(pcm + from, 2, n - from, stdout);
        written += n - from;
    }
    if (fread(&total, 8, 1, stdin) != 1) die("missing sample count");
    if (written < total) die("shard shorter than its sample count");
    /* written may exceed total by the zero padding of the last frame: the reader trims to total */
    fprintf(stderr, "opuspack: %llu samples\n", (unsigned long long)total);
    opus_decoder_destroy(dec);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "encode") == 0) return encode(atoi(argv[2]));
    if (argc == 2 && strcmp(argv[1], "decode") == 0) return decode();
    fprintf(stderr, "usage: opuspack encode KBPS < in.s16le > out.opk | opuspack decode < in.opk > out.s16le\n");
    return 2;
}
