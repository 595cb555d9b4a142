"""The store: every Redis key family read and written in one module, its Lua in ``lua/``.

- ``keys``: every key name and hash tag.
- ``codec``: zstd with the trained dictionary; claim ids packed in 12 bytes.
- ``articles``: the article hash (document, status, enqueued mark, MinHash) and a body cache.
- ``claims``: an article's claims, one frame in its hash, and a cache of parsed claims.
- ``verdicts``: one verdict frame per article, saved under WATCH; pending and re-verify sets.
- ``index``: posting hashes of the candidate index.
- ``listing``: published versions and the claims listing beside the stream.
- ``dedupe``: fingerprint hashes; ``feed_state``: followed feeds and their polling state.
- ``inflight``: accepted articles under the stall watch; ``deadletters``: the dead-letter
  stream; ``dictionary``: training ``codec``'s dictionary.

Services call these modules; no other code knows a key or a byte layout.
"""
