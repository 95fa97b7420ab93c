package dev.planexec.run;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time the scheduler reads and the delays it waits, behind one interface so that tests of retries and backoff
 * run in milliseconds against a clock they move themselves.
 */
public interface RetryClock extends AutoCloseable {

    Instant now();

    /** Runs {@code action} once {@code delay} has passed, on a thread of the clock's; the result cancels it. */
    Runnable after(Duration delay, Runnable action);

    /** Cancels what still waits. */
    @Override
    void close();

    /** Wall-clock time, and delays on a daemon thread. */
    static RetryClock system() {
        return new RetryClock() {
            private ScheduledExecutorService timer;

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public synchronized Runnable after(Duration delay, Runnable action) {
                if (timer == null) {
                    timer = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "planexec-retry-timer");
                        t.setDaemon(true);
                        return t;
                    });
                }
                ScheduledFuture<?> f = timer.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public synchronized void close() {
                if (timer != null) {
                    timer.shutdownNow();
                }
            }
        };
    }
}
