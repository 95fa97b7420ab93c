package dev.planexec.run;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a task whose attempt failed for a transient reason is tried again: up to {@code retries} times, the
 * {@code n}-th retry after {@code firstDelay × 2^(n-1)}, at most {@link #MAX_DELAY}, of which a random part is
 * left out (between half and all of it is waited) so that tasks failing together do not all come back at once.
 *
 * @param jitter numbers in [0, 1): {@code Math::random} in a run, a fixed value in tests
 */
public record RetryPolicy(int retries, Duration firstDelay, DoubleSupplier jitter) {
    /** No wait is longer than this, however many retries a plan asks for. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(10);

    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0");
        }
    }

    /** Whether the task may be tried again after {@code retriesSoFar} retries. */
    public boolean allowsAnother(int retriesSoFar) {
        return retriesSoFar < retries;
    }

    /** The longest wait before retry {@code n} (1 for the first): the doubled delay, capped. */
    public Duration ceiling(int n) {
        long millis = firstDelay.toMillis();
        for (int i = 1; i < n && millis < MAX_DELAY.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
    }

    /** The wait before retry {@code n}: between half of {@link #ceiling} and all of it. */
    public Duration delayBefore(int n) {
        long ceiling = ceiling(n).toMillis();
        double r = Math.min(Math.max(jitter.getAsDouble(), 0), 1);
        return Duration.ofMillis(ceiling - (long) (ceiling / 2 * r));
    }
}
