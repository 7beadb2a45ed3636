// Package openf1 downloads historical sessions from the OpenF1 REST API
// (https://openf1.org, /v1/...): it finds a session by key, by meeting or by
// year, country and session name, and fetches its endpoints for a replay.
//
// Rules of the package:
//   - Polite: requests are paced (MinInterval between two), a 429 or 503
//     answer waits for its Retry-After (else an exponential back-off) and is
//     retried up to MaxRetries times; OpenF1 allows 30 requests per 10 s.
//   - Cached: with a cache directory every successful answer is written
//     there (atomically) and read back instead of asking again, so a second
//     replay of a session needs no network.
//   - Honest errors: an answer that is not a JSON array, an HTTP error or an
//     exhausted retry says which URL and what to fix; a body larger than
//     MaxBody is refused rather than read into memory.
//   - It knows the API's shapes only as bytes: internal/replay parses them.
package openf1
