//! The CPU worker pool: a fixed set of threads, one per core, that run image jobs first in, first
//! out. The HTTP server hands every job here and awaits its result, so the async runtime only does
//! network and storage I/O. The queue length, the jobs running and the pool size are reported to
//! [`crate::telemetry`].
//!
//! Why a dedicated pool rather than `spawn_blocking` or `block_in_place` behind a semaphore: a
//! worker takes the next queued job the moment it finishes one, with no async wake-up in between,
//! so the cores never idle while jobs wait, and no two jobs time-slice one core, so latency stays
//! close to (queue position + 1) × job time. Measured on 2 cores, W1 at concurrency 8
//! (benches/RESULTS.md): 12 MP 77 req/s p99 111 ms against 70 req/s p99 140 ms for a semaphore of
//! one permit per core with `block_in_place`; 2 MP 478 req/s p99 20 ms against 405 req/s p99 32 ms.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use crate::telemetry;

type Task = Box<dyn FnOnce() + Send>;

/// A fixed set of worker threads sharing one FIFO queue.
pub struct Pool {
    queue: mpsc::Sender<Task>,
}

impl Pool {
    /// Starts `threads` workers; `None` if not even one thread could be started.
    pub fn new(threads: usize) -> Option<Pool> {
        let (tx, rx) = mpsc::channel::<Task>();
        let rx = Arc::new(Mutex::new(rx));
        let mut started = 0;
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("ossimg-worker-{i}")).spawn(
                move || loop {
                    // One idle worker waits in `recv` holding the lock; the others wait for it.
                    let task = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                        Ok(task) => task,
                        Err(_) => return,
                    };
                    // A panicking job drops its result sender (the caller answers 500); the
                    // worker lives on.
                    let _ = catch_unwind(AssertUnwindSafe(task));
                },
            );
            started += usize::from(spawned.is_ok());
        }
        (started > 0).then_some(Pool { queue: tx })
    }

    /// The process-wide pool, one worker per available core, started on first use.
    pub fn shared() -> Option<&'static Pool> {
        static POOL: OnceLock<Option<Pool>> = OnceLock::new();
        POOL.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
            let pool = Pool::new(threads);
            crate::telemetry::worker_pool_size(if pool.is_some() { threads } else { 0 });
            pool
        })
        .as_ref()
    }

    /// Runs `f` on a worker and returns its result; jobs start in the order they were submitted.
    /// A job whose caller stopped waiting (the future was dropped: the client went away) before
    /// a worker reached it is skipped. `None` when `f` panicked or the queue is gone.
    pub async fn run<T, F>(&self, f: F) -> Option<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task: Task = Box::new(move || {
            telemetry::jobs_queued(-1);
            if !tx.is_closed() {
                telemetry::jobs_in_flight(1);
                // Decremented on drop, so a panicking job is counted out too.
                let _running = InFlight;
                let _ = tx.send(f());
            }
        });
        telemetry::jobs_queued(1);
        if self.queue.send(task).is_err() {
            telemetry::jobs_queued(-1);
            return None;
        }
        rx.await.ok()
    }
}

/// Counts a running job out of the in-flight gauge when dropped.
struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        telemetry::jobs_in_flight(-1);
    }
}

/// [`Pool::run`] on the process-wide pool ([`Pool::shared`]); `None` also when no worker thread
/// could be started.
pub async fn run<T, F>(f: F) -> Option<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Pool::shared()?.run(f).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panic() {
        let pool = Pool::new(2).unwrap();
        assert_eq!(pool.run(|| 6 * 7).await, Some(42));
        assert_eq!(pool.run(|| -> u32 { panic!("job panics") }).await, None);
        // Both workers are still there.
        for i in 0..8u64 {
            assert_eq!(pool.run(move || i * 2).await, Some(i * 2));
        }
        assert_eq!(run(|| "shared").await, Some("shared"));
    }

    #[tokio::test]
    async fn jobs_start_in_order_and_abandoned_ones_are_skipped() {
        let pool = Arc::new(Pool::new(1).unwrap());
        // Hold the only worker until released.
        let (release, wait) = mpsc::channel::<()>();
        let blocker = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(move || wait.recv().unwrap()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Queued behind it in order: 0..5, then one whose caller gives up before it runs.
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut queued = Vec::new();
        for i in 0..5 {
            let (pool, order) = (pool.clone(), order.clone());
            queued.push(tokio::spawn(async move {
                pool.run(move || order.lock().unwrap().push(i)).await
            }));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let ran_abandoned = Arc::new(AtomicBool::new(false));
        let flag = ran_abandoned.clone();
        let abandoned = pool.run(move || flag.store(true, Ordering::SeqCst));
        assert!(tokio::time::timeout(Duration::from_millis(20), abandoned).await.is_err());
        release.send(()).unwrap();
        blocker.await.unwrap().unwrap();
        for q in queued {
            q.await.unwrap().unwrap();
        }
        // FIFO: a job queued after the abandoned one has run, so the abandoned one was reached.
        assert_eq!(pool.run(|| ()).await, Some(()));
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
        assert!(!ran_abandoned.load(Ordering::SeqCst), "an abandoned job ran");
    }
}
