//! The scenarios' state behind one small interface, [`StateStore`]: rate-limit windows, fail-N counters,
//! maintenance windows, conditional resources and item collections, each one value under one key. The
//! default, [`MemoryStore`], keeps them in this process, bounded: a cap on keys and on bytes (the oldest key
//! goes first when either is reached), and every entry expires.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use httpstatus_server::BoxFuture;

/// Most keys held at once by default; past it the oldest key is dropped.
pub const DEFAULT_MAX_KEYS: usize = 100_000;
/// Most value bytes (keys included) held at once by default: 64 MiB.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// A store that could not answer (Redis unreachable, say): the scenario answers 503.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scenarios' state store is unavailable: {0}")]
pub struct StoreError(pub String);

/// Where the scenarios keep what they remember between requests. Values are opaque bytes with a time to
/// live; the two writes are atomic, so that two servers sharing one store give the same answers.
pub trait StateStore: Send + Sync + 'static {
    /// The value under `key`, unless it is absent or expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>>;

    /// Sets `key` to `new` (or removes it for `None`) with `ttl` to live, only if its current value is
    /// `expected` (`None`: absent or expired). Returns whether it did.
    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a [u8]>,
        new: Option<Bytes>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Adds one to the counter under `key`, creating it at 1 with `ttl` to live (the time to live is not
    /// extended afterwards: a fixed window). Returns the count and the time the counter has left.
    fn increment<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(u64, Duration), StoreError>>;
}

/// A [`StateStore`] in this process's memory, bounded in keys and bytes.
#[derive(Debug)]
pub struct MemoryStore {
    /// The entries and their creation order, behind one lock: every operation is short.
    inner: Mutex<Inner>,
    /// Most keys held; the oldest goes first past it.
    max_keys: usize,
    /// Most bytes of keys and values held; the oldest goes first past it.
    max_bytes: usize,
}

#[derive(Debug, Default)]
struct Inner {
    /// The live entries.
    map: HashMap<String, Entry>,
    /// Keys in the order they were created, with the generation that created them, for eviction. A key
    /// removed or recreated leaves a stale pair here, skipped when reached and compacted away in bulk.
    order: VecDeque<(String, u64)>,
    /// Bytes of keys and values in `map`.
    bytes: usize,
    /// The next generation number.
    next_generation: u64,
}

#[derive(Debug)]
struct Entry {
    value: Bytes,
    /// When the entry stops existing.
    expires: Instant,
    /// Which creation of the key this is, to match `order`.
    generation: u64,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(DEFAULT_MAX_KEYS, DEFAULT_MAX_BYTES)
    }
}

impl MemoryStore {
    /// A store holding at most `max_keys` keys and `max_bytes` bytes of keys and values.
    pub fn new(max_keys: usize, max_bytes: usize) -> Self {
        MemoryStore {
            inner: Mutex::new(Inner::default()),
            max_keys: max_keys.max(1),
            max_bytes,
        }
    }

    /// How many keys are held now (expired ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of keys and values held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every change is completed before any call
        // that could panic), so a poisoned lock is used as it is.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get_now(&self, key: &str, now: Instant) -> Option<Bytes> {
        let mut inner = self.lock();
        inner.live(key, now).map(|entry| entry.value.clone())
    }

    fn compare_and_set_now(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<Bytes>,
        ttl: Duration,
        now: Instant,
    ) -> bool {
        let mut inner = self.lock();
        let current = inner.live(key, now).map(|entry| &entry.value[..]);
        if current != expected {
            return false;
        }
        match new {
            None => inner.remove(key),
            Some(value) => self.store(&mut inner, key, value, now + ttl, now),
        }
        true
    }

    fn increment_now(&self, key: &str, ttl: Duration, now: Instant) -> (u64, Duration) {
        let mut inner = self.lock();
        let current = inner.live(key, now).map(|entry| {
            let count = std::str::from_utf8(&entry.value)
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .unwrap_or(0);
            (count, entry.expires)
        });
        let (count, expires) = match current {
            Some((count, expires)) => (count.saturating_add(1), expires),
            None => (1, now + ttl),
        };
        self.store(
            &mut inner,
            key,
            Bytes::from(count.to_string()),
            expires,
            now,
        );
        (count, expires.saturating_duration_since(now))
    }

    /// Sets a value, keeping the key's place in the eviction order when it exists, and evicting the oldest
    /// keys first when the new one would pass a cap.
    fn store(&self, inner: &mut Inner, key: &str, value: Bytes, expires: Instant, now: Instant) {
        if let Some(entry) = inner.map.get_mut(key) {
            inner.bytes = inner.bytes - entry.value.len() + value.len();
            entry.value = value;
            entry.expires = expires;
        } else {
            let size = key.len() + value.len();
            if size > self.max_bytes {
                return;
            }
            while !inner.map.is_empty()
                && (inner.map.len() >= self.max_keys || inner.bytes + size > self.max_bytes)
            {
                inner.evict_oldest();
            }
            let generation = inner.next_generation;
            inner.next_generation += 1;
            inner.bytes += size;
            inner.map.insert(
                key.to_owned(),
                Entry {
                    value,
                    expires,
                    generation,
                },
            );
            inner.order.push_back((key.to_owned(), generation));
            inner.sweep_front(now);
        }
        // The same key created and removed many times leaves stale pairs in `order`: drop them in bulk.
        if inner.order.len() > 2 * self.max_keys + 64 {
            let Inner { map, order, .. } = inner;
            order.retain(|(key, generation)| {
                map.get(key)
                    .is_some_and(|entry| entry.generation == *generation)
            });
        }
        // Nothing may stay over the byte cap, even after a value grew in place.
        while inner.bytes > self.max_bytes && !inner.map.is_empty() {
            inner.evict_oldest();
        }
    }
}

impl Inner {
    /// The entry under `key` if it has not expired; an expired one is dropped.
    fn live(&mut self, key: &str, now: Instant) -> Option<&Entry> {
        if self.map.get(key).is_some_and(|entry| entry.expires <= now) {
            self.remove(key);
        }
        self.map.get(key)
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.map.remove(key) {
            self.bytes -= key.len() + entry.value.len();
        }
    }

    /// Drops the key created longest ago.
    fn evict_oldest(&mut self) {
        while let Some((key, generation)) = self.order.pop_front() {
            if self
                .map
                .get(&key)
                .is_some_and(|entry| entry.generation == generation)
            {
                self.remove(&key);
                return;
            }
        }
    }

    /// Drops expired entries at the old end of the order, a few at a time, so that keys nobody asks for
    /// again do not wait for eviction to be freed.
    fn sweep_front(&mut self, now: Instant) {
        for _ in 0..4 {
            let Some((key, generation)) = self.order.front().cloned() else {
                return;
            };
            match self.map.get(&key) {
                Some(entry) if entry.generation == generation && entry.expires > now => return,
                Some(entry) if entry.generation == generation => self.remove(&key),
                _ => {}
            }
            self.order.pop_front();
        }
    }
}

impl StateStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        let value = self.get_now(key, Instant::now());
        Box::pin(std::future::ready(Ok(value)))
    }

    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a [u8]>,
        new: Option<Bytes>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let done = self.compare_and_set_now(key, expected, new, ttl, Instant::now());
        Box::pin(std::future::ready(Ok(done)))
    }

    fn increment<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(u64, Duration), StoreError>> {
        let counted = self.increment_now(key, ttl, Instant::now());
        Box::pin(std::future::ready(Ok(counted)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn compare_and_set_only_over_the_expected_value() {
        let store = MemoryStore::default();
        let now = Instant::now();
        assert!(store.compare_and_set_now("k", None, Some(Bytes::from("a")), MINUTE, now));
        assert!(!store.compare_and_set_now("k", None, Some(Bytes::from("b")), MINUTE, now));
        assert!(!store.compare_and_set_now("k", Some(b"x"), Some(Bytes::from("b")), MINUTE, now));
        assert!(store.compare_and_set_now("k", Some(b"a"), Some(Bytes::from("bb")), MINUTE, now));
        assert_eq!(store.get_now("k", now).as_deref(), Some(&b"bb"[..]));
        assert_eq!(store.bytes(), 3);
        assert!(store.compare_and_set_now("k", Some(b"bb"), None, MINUTE, now));
        assert_eq!(store.get_now("k", now), None);
        assert_eq!((store.len(), store.bytes()), (0, 0));
    }

    #[test]
    fn entries_expire() {
        let store = MemoryStore::default();
        let now = Instant::now();
        store.compare_and_set_now("k", None, Some(Bytes::from("a")), MINUTE, now);
        assert!(
            store
                .get_now("k", now + MINUTE - Duration::from_millis(1))
                .is_some()
        );
        assert_eq!(store.get_now("k", now + MINUTE), None);
        // An expired value counts as absent for a write too.
        assert!(store.compare_and_set_now("k", None, Some(Bytes::from("b")), MINUTE, now + MINUTE));
    }

    #[test]
    fn a_counter_keeps_its_window() {
        let store = MemoryStore::default();
        let now = Instant::now();
        assert_eq!(store.increment_now("c", MINUTE, now), (1, MINUTE));
        let later = now + Duration::from_secs(20);
        assert_eq!(
            store.increment_now("c", MINUTE, later),
            (2, Duration::from_secs(40))
        );
        // A new window starts once the old one has passed.
        assert_eq!(store.increment_now("c", MINUTE, now + MINUTE), (1, MINUTE));
    }

    #[test]
    fn the_oldest_key_goes_first_at_the_key_cap() {
        let store = MemoryStore::new(3, usize::MAX);
        let now = Instant::now();
        for key in ["a", "b", "c", "d"] {
            store.increment_now(key, MINUTE, now);
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.get_now("a", now), None);
        assert!(store.get_now("d", now).is_some());
    }

    #[test]
    fn the_byte_cap_holds_even_when_a_value_grows() {
        let store = MemoryStore::new(100, 20);
        let now = Instant::now();
        store.compare_and_set_now("a", None, Some(Bytes::from("12345")), MINUTE, now);
        store.compare_and_set_now("b", None, Some(Bytes::from("12345")), MINUTE, now);
        assert_eq!(store.bytes(), 12);
        store.compare_and_set_now("c", None, Some(Bytes::from("12345678")), MINUTE, now);
        assert!(store.bytes() <= 20, "{}", store.bytes());
        assert_eq!(store.get_now("a", now), None);
        let grown = Bytes::from(vec![b'x'; 19]);
        store.compare_and_set_now("c", Some(b"12345678"), Some(grown), MINUTE, now);
        assert!(store.bytes() <= 20, "{}", store.bytes());
        // A value larger than the whole budget is never kept.
        let huge = Bytes::from(vec![b'x'; 64]);
        store.compare_and_set_now("z", None, Some(huge), MINUTE, now);
        assert_eq!(store.get_now("z", now), None);
        assert!(store.bytes() <= 20);
    }

    #[test]
    fn many_distinct_keys_stay_within_the_cap() {
        let store = MemoryStore::new(1000, 1 << 20);
        let now = Instant::now();
        for i in 0..200_000u32 {
            store.increment_now(&format!("rate:{i}"), MINUTE, now);
        }
        assert_eq!(store.len(), 1000);
        assert!(store.lock().order.len() <= 2 * 1000 + 64);
    }

    #[test]
    fn recreating_one_key_does_not_grow_the_order() {
        let store = MemoryStore::new(10, 1 << 20);
        let now = Instant::now();
        for _ in 0..10_000 {
            store.compare_and_set_now("k", None, Some(Bytes::from("v")), MINUTE, now);
            store.compare_and_set_now("k", Some(b"v"), None, MINUTE, now);
        }
        assert!(store.lock().order.len() <= 2 * 10 + 64);
    }
}
