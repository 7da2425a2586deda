//! Worker threads, each running a current-thread tokio runtime of its own, to which the accept loops hand
//! connections in turn. A connection then lives on one thread for its whole life: its task is never stolen by
//! another thread, the tasks it spawns (HTTP/2 streams) run beside it, and waking it touches no run queue that
//! another core shares. This is how nginx's worker processes divide the work, and it serves more requests per
//! core than tokio's work-stealing runtime when the connections outnumber the cores many times over (see
//! BENCHMARKS.md).

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// Where connections go: the worker threads' runtimes, in turn.
pub(crate) struct Workers {
    /// Where each worker's tasks are spawned.
    handles: Vec<Handle>,
    /// The worker the next connection goes to.
    next: AtomicUsize,
}

/// The worker threads themselves; [`WorkerThreads::finish`] ends them.
pub(crate) struct WorkerThreads {
    /// Sending (or dropping) one ends its worker: the thread leaves `block_on` and drops its runtime there.
    ends: Vec<oneshot::Sender<()>>,
    /// Each worker says here that its runtime is gone.
    done: Vec<oneshot::Receiver<()>>,
}

impl Workers {
    /// Starts `count` worker threads (at least one).
    pub(crate) fn start(count: usize) -> io::Result<(Self, WorkerThreads)> {
        let count = count.max(1);
        let mut workers = Workers {
            handles: Vec::with_capacity(count),
            next: AtomicUsize::new(0),
        };
        let mut threads = WorkerThreads {
            ends: Vec::with_capacity(count),
            done: Vec::with_capacity(count),
        };
        for index in 0..count {
            // With no task ready, a worker is about to sleep in `epoll_wait` until the next event. It first
            // yields its core: a thread that was waiting for that core (a client on the same machine, another
            // worker) runs now, and the events it causes are often there when the worker comes back, so the
            // wait returns at once instead of a sleep and a wake-up, two context switches. With nothing else
            // to run, the yield returns at once. Under `wrk -c256` on two shared cores this took the context
            // switches from 90,277 to 5,933 in five seconds (BENCHMARKS.md, run 11).
            let runtime = Builder::new_current_thread()
                .enable_all()
                .on_thread_park(thread::yield_now)
                .build()?;
            let (end, ended) = oneshot::channel::<()>();
            let (done, is_done) = oneshot::channel::<()>();
            workers.handles.push(runtime.handle().clone());
            thread::Builder::new()
                .name(format!("httpstatus-worker-{index}"))
                .spawn(move || {
                    // The runtime runs the tasks spawned on it while this thread waits here.
                    runtime.block_on(async {
                        let _ = ended.await;
                    });
                    drop(runtime);
                    let _ = done.send(());
                })?;
            threads.ends.push(end);
            threads.done.push(is_done);
        }
        Ok((workers, threads))
    }

    /// The runtime of the next connection, in turn.
    pub(crate) fn next(&self) -> &Handle {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len();
        &self.handles[index]
    }
}

impl WorkerThreads {
    /// Ends every worker, dropping the tasks still on it, and waits until their runtimes are gone.
    pub(crate) async fn finish(self) {
        drop(self.ends);
        for done in self.done {
            let _ = done.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Workers;
    use std::collections::HashSet;

    #[tokio::test]
    async fn connections_go_to_each_worker_in_turn_and_finish_ends_them() {
        let (workers, worker_threads) = Workers::start(2).expect("workers start");
        let mut threads = Vec::new();
        for _ in 0..4 {
            let task = workers
                .next()
                .spawn(async { std::thread::current().name().map(str::to_owned) });
            threads.push(task.await.expect("task runs").expect("named thread"));
        }
        assert_eq!(
            threads,
            [
                "httpstatus-worker-0",
                "httpstatus-worker-1",
                "httpstatus-worker-0",
                "httpstatus-worker-1"
            ]
        );
        let callers: HashSet<_> = threads.into_iter().collect();
        assert!(!callers.contains(std::thread::current().name().unwrap_or("")));
        // A task still pending when the workers end is dropped with its runtime, not left running.
        let pending = workers.next().spawn(std::future::pending::<()>());
        worker_threads.finish().await;
        assert!(pending.await.expect_err("dropped").is_cancelled());
    }
}
