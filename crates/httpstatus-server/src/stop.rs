//! The server's shutdown signal, cheap to check on every request. Connections ask "is the server stopping?"
//! once per request and wait for it while idle; a channel such as `tokio::sync::watch` makes each of those
//! touch memory that every connection on every core shares (a lock for `borrow`, the waiter list's mutex for
//! each poll of a wait). Here the check is a load of a flag that is written once, and each waiter keeps its
//! waker in a slot of its own, registered with the signal once for the life of the waiter.

use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

/// The shutdown signal: given to every accept loop and connection; [`Stop::stop`] sets it once.
#[derive(Clone, Default)]
pub(crate) struct Stop(Arc<Inner>);

#[derive(Default)]
struct Inner {
    stopping: AtomicBool,
    /// Numbers the waiters.
    next: AtomicU64,
    /// The waker slot of every live waiter.
    waiters: Mutex<HashMap<u64, Arc<Mutex<Option<Waker>>>>>,
}

impl Stop {
    pub(crate) fn new() -> Self {
        Stop::default()
    }

    /// Sets the signal and wakes every waiter.
    pub(crate) fn stop(&self) {
        self.0.stopping.store(true, Ordering::Release);
        let slots: Vec<_> = lock(&self.0.waiters).values().cloned().collect();
        for slot in slots {
            if let Some(waker) = lock(&slot).take() {
                waker.wake();
            }
        }
    }

    /// Whether the server is stopping.
    pub(crate) fn is_stopping(&self) -> bool {
        self.0.stopping.load(Ordering::Acquire)
    }

    /// Resolves once the server is stopping. The wait registers with the signal on its first poll and stays
    /// registered until the future is dropped, however often it is polled meanwhile.
    pub(crate) fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let stop = self.clone();
        async move {
            let waiter = stop.waiter();
            poll_fn(|cx| waiter.poll_stopped(cx)).await;
        }
    }

    /// A way to wait for the signal, registered once; dropping it unregisters.
    fn waiter(&self) -> StopWaiter {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Mutex::new(None));
        lock(&self.0.waiters).insert(id, slot.clone());
        StopWaiter {
            stop: self.clone(),
            id,
            slot,
        }
    }
}

/// One task's wait for [`Stop`].
struct StopWaiter {
    stop: Stop,
    id: u64,
    /// The waker to wake; only this task and [`Stop::stop`] touch it.
    slot: Arc<Mutex<Option<Waker>>>,
}

impl StopWaiter {
    fn poll_stopped(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.stop.is_stopping() {
            return Poll::Ready(());
        }
        {
            let mut slot = lock(&self.slot);
            match slot.as_ref() {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        // `stop` sets the flag before it takes the wakers: a signal sent since the check above is seen here.
        if self.stop.is_stopping() {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for StopWaiter {
    fn drop(&mut self) {
        lock(&self.stop.0.waiters).remove(&self.id);
    }
}

/// A poisoned lock here only means a panic elsewhere while it was held; the data (wakers) stays usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::Stop;
    use std::time::Duration;

    #[tokio::test]
    async fn a_wait_wakes_when_the_signal_is_set_and_stays_woken() {
        let stop = Stop::new();
        let stopping = stop.stopped();
        tokio::pin!(stopping);
        assert!(!stop.is_stopping());
        let pending = tokio::time::timeout(Duration::from_millis(20), &mut stopping).await;
        assert!(pending.is_err(), "no signal yet");
        assert_eq!(stop.0.waiters.lock().unwrap().len(), 1, "registered once");
        let setter = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            setter.stop();
        });
        tokio::time::timeout(Duration::from_secs(5), &mut stopping)
            .await
            .expect("woken by stop");
        assert!(stop.is_stopping());
        // A wait begun after the signal sees it at once; finished waits leave nothing behind.
        stop.stopped().await;
        assert!(stop.0.waiters.lock().unwrap().is_empty());
    }
}
