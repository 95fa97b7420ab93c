package dev.planexec.testing;

import dev.planexec.run.RetryClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RetryClock} that moves only when a test says so: delays are recorded, and run when {@link #advance}
 * passes their time. Lets retry and backoff be tested in milliseconds, with no sleeps.
 */
public final class ManualClock implements RetryClock {
    /** How long {@link #awaitWaits} lets the code under test take to start waiting before the test fails. */
    private static final long LIMIT_MILLIS = 10_000;

    private Instant now;
    private final List<Delay> delays = new ArrayList<>();
    private final List<Duration> asked = new ArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    private record Delay(Instant due, Runnable action, boolean[] cancelled) {}

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Runnable after(Duration delay, Runnable action) {
        boolean[] cancelled = new boolean[1];
        delays.add(new Delay(now.plus(delay), action, cancelled));
        asked.add(delay);
        notifyAll();
        return () -> {
            synchronized (ManualClock.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Every delay asked for so far, in order. */
    public synchronized List<Duration> delaysAsked() {
        return List.copyOf(asked);
    }

    /** Blocks until {@code n} delays have been asked for in all; fails after 10 s (a hung scheduler). */
    public synchronized void awaitWaits(int n) throws InterruptedException {
        long end = System.currentTimeMillis() + LIMIT_MILLIS;
        while (asked.size() < n) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " delays, got " + asked);
            }
            wait(left);
        }
    }

    /** Moves the clock on by {@code d} and runs, in order, what became due and was not cancelled. */
    public void advance(Duration d) {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            now = now.plus(d);
            for (Delay delay : List.copyOf(delays)) {
                if (!delay.due().isAfter(now)) {
                    delays.remove(delay);
                    if (!delay.cancelled()[0]) {
                        due.add(delay.action());
                    }
                }
            }
        }
        due.forEach(Runnable::run);
    }

    @Override
    public void close() {}
}
