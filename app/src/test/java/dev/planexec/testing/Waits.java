package dev.planexec.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for things that happen on other threads or in other processes. */
public final class Waits {
    private Waits() {}

    /** Waits until {@code condition} holds; fails with {@code what} if it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
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
}
