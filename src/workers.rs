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
//!
//! [`Admission`] bounds the queue in front of a pool: a job that would wait behind more than
//! [`QueueBound::max_jobs_per_worker`] others per worker, or more than [`QueueBound::max_wait`]
//! (estimated from the measured job time, or seen: the recent jobs' actual wait), is refused at
//! once (the server answers `503 CpuLimitExceeded`) rather than queued where its client would
//! time out anyway.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::telemetry;

type Task = Box<dyn FnOnce() + Send>;

/// A fixed set of worker threads sharing one FIFO queue.
pub struct Pool {
    queue: mpsc::Sender<Task>,
    threads: usize,
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
        (started > 0).then_some(Pool { queue: tx, threads: started })
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

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
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
                // Decremented on drop, so a panicking job is counted out too, and before the
                // answer is sent, so a client that has its answer never sees its job running.
                let out = {
                    let _running = InFlight;
                    f()
                };
                let _ = tx.send(out);
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

/// How much work may wait in front of a pool before new jobs are refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueBound {
    /// The most jobs waiting (admitted, not yet started) per worker thread.
    pub max_jobs_per_worker: usize,
    /// The most work waiting, estimated as waiting jobs × the mean job time ÷ worker threads.
    pub max_wait: Duration,
}

impl Default for QueueBound {
    /// 32 jobs per worker or 3 s of work, whichever comes first: a client that waits longer than
    /// a few seconds for a thumbnail is better told to come back (measured on 2 cores, issue 17:
    /// 64 concurrent processed GETs queued to p99 1.7 s, under this bound).
    fn default() -> Self {
        QueueBound { max_jobs_per_worker: 32, max_wait: Duration::from_secs(3) }
    }
}

/// A job refused because the queue is over its [`QueueBound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overloaded {
    /// Seconds after which the queue should have room again (for `Retry-After`).
    pub retry_after_secs: u64,
}

/// The admission to a pool: counts the jobs waiting for it (from admission, including a wait
/// for memory, to the moment a worker starts them), keeps a moving mean of job times and refuses
/// jobs over the [`QueueBound`].
pub struct Admission {
    pool: Option<Pool>,
    bound: QueueBound,
    waiting: AtomicUsize,
    /// Exponential moving mean of job run times, µs (0 until a job has run).
    mean_job_us: AtomicU64,
    /// Exponential moving mean of the time jobs waited from admission to their start, µs.
    mean_wait_us: AtomicU64,
}

impl Default for Admission {
    /// The process-wide pool ([`Pool::shared`]) with the default bound.
    fn default() -> Self {
        Admission::new(None, QueueBound::default())
    }
}

impl Admission {
    /// Admission to `pool` (`None`: the process-wide pool) under `bound`.
    pub fn new(pool: Option<Pool>, bound: QueueBound) -> Self {
        Admission {
            pool,
            bound,
            waiting: AtomicUsize::new(0),
            mean_job_us: AtomicU64::new(0),
            mean_wait_us: AtomicU64::new(0),
        }
    }

    /// The pool jobs run on; `None` when no worker thread could be started.
    pub fn pool(&self) -> Option<&Pool> {
        match &self.pool {
            Some(pool) => Some(pool),
            None => Pool::shared(),
        }
    }

    fn threads(&self) -> usize {
        self.pool().map_or(1, Pool::threads).max(1)
    }

    /// The estimated wait of a job admitted behind `waiting` others: from the mean job time.
    fn estimated_wait(&self, waiting: usize) -> Duration {
        let mean = Duration::from_micros(self.mean_job_us.load(Ordering::Relaxed));
        mean.saturating_mul(u32::try_from(waiting).unwrap_or(u32::MAX)) / self.threads() as u32
    }

    /// The recent jobs' actual wait from admission to start.
    fn seen_wait(&self) -> Duration {
        Duration::from_micros(self.mean_wait_us.load(Ordering::Relaxed))
    }

    /// The wait, in whole seconds rounded up (at least 1), of a job admitted now: the larger of
    /// the estimate and the recent jobs' actual wait.
    pub fn retry_after_secs(&self) -> u64 {
        let waiting = self.waiting.load(Ordering::Relaxed);
        let wait = self.estimated_wait(waiting).max(self.seen_wait());
        (wait.as_micros() as u64).div_ceil(1_000_000).max(1)
    }

    /// Admits one job, or refuses it when the queue is over its bound (counted in
    /// [`telemetry::job_shed`]). The ticket holds the job's place until [`Admission::run`]
    /// starts it or it is dropped.
    pub fn admit(self: &Arc<Self>) -> Result<Ticket, Overloaded> {
        let threads = self.threads();
        let max_jobs = self.bound.max_jobs_per_worker.saturating_mul(threads);
        let waiting = self.waiting.fetch_add(1, Ordering::AcqRel);
        // The estimate misses what the job time does not show (other processes on the cores, a
        // mix of small and large jobs); the wait jobs actually saw corrects it while a queue
        // stands (at least one job waiting per worker).
        let seen = if waiting >= threads { self.seen_wait() } else { Duration::ZERO };
        let wait = self.estimated_wait(waiting).max(seen);
        if waiting >= max_jobs || wait > self.bound.max_wait {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            telemetry::job_shed();
            return Err(Overloaded { retry_after_secs: self.retry_after_secs() });
        }
        Ok(Ticket { admission: Some(self.clone()), admitted: Instant::now() })
    }

    /// Runs `f` on the pool for an admitted job ([`Pool::run`]); the job leaves the waiting
    /// count when a worker starts it, and its run time feeds the mean.
    pub async fn run<T, F>(&self, ticket: Ticket, f: F) -> Option<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let admission = ticket.admission.clone()?;
        self.pool()?
            .run(move || {
                // Out of the waiting count when started; a job skipped because its client went
                // away drops the ticket with the closure.
                let waited = ticket.admitted.elapsed();
                drop(ticket);
                let started = Instant::now();
                let out = f();
                fold(&admission.mean_wait_us, waited);
                fold(&admission.mean_job_us, started.elapsed());
                out
            })
            .await
    }
}

/// Folds `took` into the moving mean `mean_us` (weight 1/8: it follows a change of the load
/// within a few dozen jobs without jumping at one odd image).
fn fold(mean_us: &AtomicU64, took: Duration) {
    let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    let _ = mean_us.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| {
        Some(if m == 0 { us.max(1) } else { m.saturating_mul(7).saturating_add(us) / 8 })
    });
}

/// An admitted job's place in the queue of an [`Admission`]; dropped unused, it gives the place
/// back.
pub struct Ticket {
    admission: Option<Arc<Admission>>,
    admitted: Instant,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(a) = self.admission.take() {
            a.waiting.fetch_sub(1, Ordering::AcqRel);
        }
    }
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

    #[tokio::test]
    async fn admission_sheds_over_the_bound_and_gives_places_back() {
        let bound = QueueBound { max_jobs_per_worker: 2, max_wait: Duration::from_secs(3600) };
        let adm = Arc::new(Admission::new(Pool::new(1), bound));
        let a = adm.admit().unwrap();
        let b = adm.admit().unwrap();
        assert_eq!(adm.admit().err(), Some(Overloaded { retry_after_secs: 1 }));
        drop(b);
        let c = adm.admit().unwrap();
        // Started jobs leave the queue: two more fit once both have run.
        assert_eq!(adm.run(a, || 1).await, Some(1));
        assert_eq!(adm.run(c, || 2).await, Some(2));
        let _d = adm.admit().unwrap();
        let _e = adm.admit().unwrap();
        assert!(adm.admit().is_err());
    }

    #[tokio::test]
    async fn admission_sheds_by_measured_job_time() {
        let bound = QueueBound { max_jobs_per_worker: 1000, max_wait: Duration::from_millis(100) };
        let adm = Arc::new(Admission::new(Pool::new(1), bound));
        // One 60 ms job sets the mean: two waiting jobs are 120 ms of work, over the bound.
        let t = adm.admit().unwrap();
        adm.run(t, || std::thread::sleep(Duration::from_millis(60))).await.unwrap();
        let _a = adm.admit().unwrap();
        let _b = adm.admit().unwrap();
        let refused = adm.admit().err().expect("shed");
        assert_eq!(refused.retry_after_secs, 1);
    }

    #[tokio::test]
    async fn admission_sheds_by_the_wait_jobs_saw() {
        let bound = QueueBound { max_jobs_per_worker: 1000, max_wait: Duration::from_millis(50) };
        let adm = Arc::new(Admission::new(Pool::new(1), bound));
        // The worker is held from outside the admission (no job time is measured): two admitted
        // jobs of no work wait 200 ms for it.
        let (release, held) = mpsc::channel::<()>();
        let pool_job = {
            let adm = adm.clone();
            tokio::spawn(async move { adm.pool().unwrap().run(move || held.recv()).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (a, b) = (adm.admit().unwrap(), adm.admit().unwrap());
        let (adm_a, adm_b) = (adm.clone(), adm.clone());
        let ran =
            tokio::spawn(async move { tokio::join!(adm_a.run(a, || ()), adm_b.run(b, || ())) });
        tokio::time::sleep(Duration::from_millis(200)).await;
        release.send(()).unwrap();
        pool_job.await.unwrap().unwrap().unwrap();
        assert_eq!(ran.await.unwrap(), (Some(()), Some(())));
        assert!(adm.estimated_wait(1000) < Duration::from_millis(50));
        // No queue: admitted whatever the past wait; a queue of one per worker: shed.
        let _c = adm.admit().unwrap();
        assert!(adm.admit().is_err());
    }
}
