//! The handler interface, and the guard that turns a panicking handler into a 500 for its request only.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::exchange::{Exchange, ExchangeError};

/// A boxed, sendable future, as handlers return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Answers requests. A handler gets the [`Exchange`] of one request and may read its body, send interim
/// responses, then send one final response (whole, streamed, or `101` and a new protocol).
pub trait Handler: Send + Sync + 'static {
    fn handle<'a, 'c>(
        &'a self,
        exchange: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>>;
}

/// Polls a future, catching a panic inside it as `Err(payload)`.
pub(crate) struct CatchPanic<F> {
    /// The handler's future.
    inner: F,
}

impl<F> CatchPanic<F> {
    pub(crate) fn new(inner: F) -> Self {
        CatchPanic { inner }
    }
}

impl<F: Future + Unpin> Future for CatchPanic<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// The message of a panic payload, when it has one.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "a panic without a message"
    }
}
