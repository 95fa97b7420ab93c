package dev.planexec.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling for things that happen on other threads or in other processes. */
public final class Waits {
    private static final Duration POLL = Duration.ofMillis(20);

    private Waits() {}

    /** Waits until {@code condition} holds; fails with {@code what} if it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(() -> what, timeout, condition);
    }

    /**
     * Waits until {@code condition} holds; fails, after {@code timeout}, with what {@code what} says then (say, the
     * output of the process being waited on).
     */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            pause(POLL);
        }
    }

    /** Whether {@code condition} becomes true within {@code timeout}. */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        try {
            until("condition", timeout, condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Sleeps for {@code duration}; an interrupt fails the test. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
