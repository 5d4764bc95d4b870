#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "CTransferWatch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>
#include <zlib.h>

CURLcode tw_easy_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
CURLcode tw_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
CURLcode tw_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
CURLcode tw_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) { return curl_easy_setopt(handle, option, value); }
CURLcode tw_easy_setopt_callback(CURL *handle, CURLoption option, tw_curl_data_callback callback) { return curl_easy_setopt(handle, option, callback); }
CURLcode tw_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }
CURLcode tw_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) { return curl_easy_getinfo(handle, info, value); }
CURLMcode tw_multi_setopt_long(CURLM *handle, CURLMoption option, long value) { return curl_multi_setopt(handle, option, value); }
CURLcode tw_message_result(const CURLMsg *message) { return message->data.result; }

// --- OpenSSL -------------------------------------------------------------------------------------

static pthread_once_t tw_crypto_once = PTHREAD_ONCE_INIT;
static EVP_MD *tw_md5_md = NULL;
static EVP_MAC *tw_hmac_mac = NULL;
static char tw_digest_name[] = "SHA256"; // OSSL_PARAM keeps this pointer: it must live forever.

static void tw_crypto_init(void) {
    tw_md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
    tw_hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static __thread EVP_MD_CTX *tw_md_ctx = NULL;
static __thread EVP_MAC_CTX *tw_mac_ctx = NULL;

static int tw_digest(const EVP_MD *md, const void *data, size_t length, uint8_t *out) {
    if (md == NULL) return 0;
    if (tw_md_ctx == NULL) {
        tw_md_ctx = EVP_MD_CTX_new();
        if (tw_md_ctx == NULL) return 0;
    }
    unsigned int written = 0;
    if (EVP_DigestInit_ex2(tw_md_ctx, md, NULL) != 1) return 0;
    if (length > 0 && EVP_DigestUpdate(tw_md_ctx, data, length) != 1) return 0;
    return EVP_DigestFinal_ex(tw_md_ctx, out, &written);
}

int tw_sha256(const void *data, size_t length, uint8_t *out) {
    // libcrypto's SHA-256 directly: no provider dispatch, no context, for the hot path of every signature.
    // (The one-shot SHA256() fetches an EVP_MD on every call in OpenSSL 3; the block functions do not.)
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1) return 0;
    if (length > 0 && SHA256_Update(&context, data, length) != 1) return 0;
    return SHA256_Final(out, &context);
}

// The prepared-key HMAC uses libcrypto's SHA-256 block functions directly: the two pad blocks are absorbed once,
// and each signature copies the two states (a struct copy) instead of re-keying.
_Static_assert(sizeof(SHA256_CTX) <= 112, "SHA256_CTX must fit tw_hmac_key");

int tw_hmac_key_init(tw_hmac_key *prepared, const void *key, size_t key_length) {
    unsigned char block[64];
    unsigned char hashed[32];
    memset(block, 0, sizeof(block));
    if (key_length > 64) {
        if (tw_sha256(key, key_length, hashed) != 1) return 0;
        memcpy(block, hashed, 32);
    } else if (key_length > 0) {
        memcpy(block, key, key_length);
    }
    unsigned char pad[64];
    SHA256_CTX *inner = (SHA256_CTX *)prepared->state[0];
    SHA256_CTX *outer = (SHA256_CTX *)prepared->state[1];
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    if (SHA256_Init(inner) != 1 || SHA256_Update(inner, pad, 64) != 1) return 0;
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
    if (SHA256_Init(outer) != 1 || SHA256_Update(outer, pad, 64) != 1) return 0;
    return 1;
}

int tw_hmac_key_sign(const tw_hmac_key *prepared, const void *data, size_t length, uint8_t *out) {
    SHA256_CTX context;
    unsigned char inner_digest[32];
    memcpy(&context, prepared->state[0], sizeof(SHA256_CTX));
    if (length > 0 && SHA256_Update(&context, data, length) != 1) return 0;
    if (SHA256_Final(inner_digest, &context) != 1) return 0;
    memcpy(&context, prepared->state[1], sizeof(SHA256_CTX));
    if (SHA256_Update(&context, inner_digest, 32) != 1) return 0;
    return SHA256_Final(out, &context);
}

int tw_md5(const void *data, size_t length, uint8_t *out) {
    pthread_once(&tw_crypto_once, tw_crypto_init);
    return tw_digest(tw_md5_md, data, length, out);
}

int tw_hmac_sha256(const void *key, size_t key_length, const void *data, size_t length, uint8_t *out) {
    pthread_once(&tw_crypto_once, tw_crypto_init);
    if (tw_hmac_mac == NULL) return 0;
    if (tw_mac_ctx == NULL) {
        tw_mac_ctx = EVP_MAC_CTX_new(tw_hmac_mac);
        if (tw_mac_ctx == NULL) return 0;
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, tw_digest_name, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_MAC_CTX_set_params(tw_mac_ctx, params) != 1) {
            EVP_MAC_CTX_free(tw_mac_ctx);
            tw_mac_ctx = NULL;
            return 0;
        }
    }
    // An empty key is legal HMAC input; OpenSSL wants a non-NULL pointer for it.
    static const uint8_t empty = 0;
    if (EVP_MAC_init(tw_mac_ctx, key_length > 0 ? key : &empty, key_length, NULL) != 1) return 0;
    if (length > 0 && EVP_MAC_update(tw_mac_ctx, data, length) != 1) return 0;
    size_t written = 0;
    return EVP_MAC_final(tw_mac_ctx, out, &written, 32);
}

// --- zlib ------------------------------------------------------------------------------------------

int tw_gzip_compress(const uint8_t *input, size_t length, int level, uint8_t **output, size_t *output_length) {
    z_stream stream;
    memset(&stream, 0, sizeof(stream));
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    uLong bound = deflateBound(&stream, (uLong)length) + 32;
    uint8_t *buffer = malloc(bound);
    if (buffer == NULL) { deflateEnd(&stream); return -1; }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = buffer;
    stream.avail_out = (uInt)bound;
    int status = deflate(&stream, Z_FINISH);
    if (status != Z_STREAM_END) { free(buffer); deflateEnd(&stream); return -1; }
    *output = buffer;
    *output_length = stream.total_out;
    deflateEnd(&stream);
    return 0;
}

int tw_gzip_decompress(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *output_length) {
    z_stream stream;
    memset(&stream, 0, sizeof(stream));
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return -1;
    size_t capacity = length * 4 + 256;
    if (capacity > limit) capacity = limit > 0 ? limit : 1;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) { inflateEnd(&stream); return -1; }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (stream.total_out == capacity) {
            if (capacity >= limit) { free(buffer); inflateEnd(&stream); return -2; }
            size_t next = capacity * 2;
            if (next > limit) next = limit;
            uint8_t *grown = realloc(buffer, next);
            if (grown == NULL) { free(buffer); inflateEnd(&stream); return -1; }
            buffer = grown;
            capacity = next;
        }
        stream.next_out = buffer + stream.total_out;
        stream.avail_out = (uInt)(capacity - stream.total_out);
        status = inflate(&stream, Z_NO_FLUSH);
        if (status == Z_BUF_ERROR && stream.avail_in == 0) { free(buffer); inflateEnd(&stream); return -3; }
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) { free(buffer); inflateEnd(&stream); return -3; }
    }
    *output = buffer;
    *output_length = stream.total_out;
    inflateEnd(&stream);
    return 0;
}

uint32_t tw_crc32(const uint8_t *input, size_t length) {
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), input, (uInt)length);
}

void tw_free(void *pointer) { free(pointer); }
