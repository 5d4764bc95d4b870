#ifndef CTRANSFERWATCH_H
#define CTRANSFERWATCH_H

#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>

// ---------------------------------------------------------------------------------------------
// libcurl: typed wrappers over the variadic curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt,
// which Swift cannot call directly.
// ---------------------------------------------------------------------------------------------
typedef size_t (*tw_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode tw_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode tw_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode tw_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode tw_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode tw_easy_setopt_callback(CURL *handle, CURLoption option, tw_curl_data_callback callback);
CURLcode tw_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode tw_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode tw_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
/// The result code of a finished transfer (`msg->data.result`), for CURLMSG_DONE messages.
CURLcode tw_message_result(const CURLMsg *message);

// ---------------------------------------------------------------------------------------------
// OpenSSL libcrypto: SHA-256 and HMAC-SHA-256 over per-thread contexts fetched once, so a
// signature costs no algorithm fetch and no allocation.
// ---------------------------------------------------------------------------------------------
/// Writes SHA-256(data) to `out` (32 bytes). Returns 1 on success.
int tw_sha256(const void *data, size_t length, uint8_t *out);
/// Writes HMAC-SHA-256(key, data) to `out` (32 bytes). Returns 1 on success.
int tw_hmac_sha256(const void *key, size_t key_length, const void *data, size_t length, uint8_t *out);
/// An HMAC-SHA-256 key with its inner and outer pad blocks already absorbed: signing with it costs no key
/// processing. (SigV4's derived key signs every request of a day.)
typedef struct tw_hmac_key { unsigned char state[2][112]; } tw_hmac_key;
/// Prepares `key` for repeated HMACs. Returns 1 on success.
int tw_hmac_key_init(tw_hmac_key *prepared, const void *key, size_t key_length);
/// Writes HMAC-SHA-256(prepared key, data) to `out` (32 bytes). Returns 1 on success.
int tw_hmac_key_sign(const tw_hmac_key *prepared, const void *data, size_t length, uint8_t *out);
/// Writes MD5(data) to `out` (16 bytes), for Content-MD5 and SQS body checks. Returns 1 on success.
int tw_md5(const void *data, size_t length, uint8_t *out);

// ---------------------------------------------------------------------------------------------
// zlib: gzip framing (deflateInit2 / inflateInit2 are macros Swift cannot import).
// ---------------------------------------------------------------------------------------------
/// gzip-compresses `input`. On success returns 0 and sets *output (free with tw_free) and *output_length.
int tw_gzip_compress(const uint8_t *input, size_t length, int level, uint8_t **output, size_t *output_length);
/// Decompresses a gzip (or zlib) stream, refusing to produce more than `limit` bytes. Returns 0 on success.
int tw_gzip_decompress(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *output_length);
/// CRC-32 (as in DynamoDB's x-amz-crc32 header).
uint32_t tw_crc32(const uint8_t *input, size_t length);
void tw_free(void *pointer);

#endif
