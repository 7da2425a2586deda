//! The scenarios' state in Redis (`httpstatus serve --state redis://HOST:PORT`), so that several servers
//! behind one load balancer give the same answers to the same key. Each operation is one round trip: the two
//! writes are Lua scripts, which Redis runs atomically. Every key has a time to live and sits under the
//! `httpstatus:scenario:` prefix; how much memory Redis may use is the Redis server's `maxmemory` to set.

use std::time::Duration;

use bytes::Bytes;
use httpstatus_server::BoxFuture;
use redis::aio::ConnectionManager;
use redis::{Client, Script};

use super::state::{StateStore, StoreError};

/// The prefix of every key this server writes.
pub const PREFIX: &str = "httpstatus:scenario:";

/// Sets the key only if its value is the expected one (ARGV[1] is "1" when a value is expected, ARGV[2] that
/// value); ARGV[3] is "1" to set ARGV[4] for ARGV[5] milliseconds, "0" to delete.
const COMPARE_AND_SET: &str = r#"
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('DEL', KEYS[1])
end
return 1
"#;

/// Adds one, starting a fixed window of ARGV[1] milliseconds at the first; returns the count and the
/// milliseconds the window has left.
const INCREMENT: &str = r#"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
"#;

/// A [`StateStore`] in Redis. The connection reconnects by itself; while Redis is unreachable, scenarios
/// answer 503 with `Retry-After`.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    compare_and_set: Script,
    increment: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").finish_non_exhaustive()
    }
}

fn failed(error: redis::RedisError) -> StoreError {
    StoreError(format!("Redis: {error}"))
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// Connects to `url` (`redis://HOST:PORT[/DB]`) and checks that Redis answers, within 5 seconds.
    pub async fn connect(url: &str) -> Result<RedisStore, String> {
        let client = Client::open(url).map_err(|e| format!("{url} is not a Redis URL: {e}"))?;
        // One plain connection first, so that a refused connection is reported at once rather than retried.
        tokio::time::timeout(
            Duration::from_secs(5),
            client.get_multiplexed_async_connection(),
        )
        .await
        .map_err(|_| format!("Redis at {url} did not answer within 5 seconds"))?
        .map_err(|e| format!("cannot connect to Redis at {url}: {e}"))?;
        let connect = ConnectionManager::new(client);
        let mut connection = tokio::time::timeout(Duration::from_secs(5), connect)
            .await
            .map_err(|_| format!("Redis at {url} did not answer within 5 seconds"))?
            .map_err(|e| format!("cannot connect to Redis at {url}: {e}"))?;
        let pong: String = redis::cmd("PING")
            .query_async(&mut connection)
            .await
            .map_err(|e| format!("Redis at {url} did not answer PING: {e}"))?;
        if pong != "PONG" {
            return Err(format!("Redis at {url} answered PING with {pong:?}"));
        }
        Ok(RedisStore {
            connection,
            compare_and_set: Script::new(COMPARE_AND_SET),
            increment: Script::new(INCREMENT),
        })
    }
}

impl StateStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let value: Option<Vec<u8>> = redis::cmd("GET")
                .arg(format!("{PREFIX}{key}"))
                .query_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok(value.map(Bytes::from))
        })
    }

    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a [u8]>,
        new: Option<Bytes>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.compare_and_set.key(format!("{PREFIX}{key}"));
            invocation
                .arg(if expected.is_some() { "1" } else { "0" })
                .arg(expected.unwrap_or_default())
                .arg(if new.is_some() { "1" } else { "0" })
                .arg(new.as_deref().unwrap_or_default())
                .arg(millis(ttl));
            let done: i64 = invocation
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok(done == 1)
        })
    }

    fn increment<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(u64, Duration), StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let (count, left): (u64, u64) = self
                .increment
                .key(format!("{PREFIX}{key}"))
                .arg(millis(ttl))
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok((count, Duration::from_millis(left)))
        })
    }
}
